"""Intermediate results stored as Parquet come back exactly as they were written."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from expectations.runner import ExpectationOutcome, ValidationOutcome
from foundation.frame_files import MANIFEST, read_result, write_result


def _frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "sku_code": pd.Series(["A1", None, "C3"], dtype="str"),
            "gtin14": pd.Series(["06901234567892", pd.NA, None], dtype=object),
            "effective_to": pd.Series(["2025-12-31", np.nan, None], dtype=object),
            "source_row": pd.Series([2, "3", 4], dtype=object),
            "models": pd.Series([frozenset({"X1", "Y2"}), frozenset(), None], dtype=object),
            "original": pd.Series([{"名称": "华联超市", "行": 2}, {"价格": "1,2,3"}, None], dtype=object),
            "price": [Decimal("12.50"), Decimal("3.10"), None],
            "rows_in": pd.array([1, None, 3], dtype="Int64"),
            "score": [0.5, np.nan, 1.0],
        }
    )


def test_frames_in_a_dataclass_come_back_equal_with_their_missing_markers(tmp_path):
    outcome = ExpectationOutcome("gtin_valid", "expect_x", "gtin", False, 1, 3, [{"sku_code": "A1"}], "error")
    held = ValidationOutcome("products", False, [outcome], _frame(), _frame().head(1), Path("/d/index.html"))

    write_result({"outcome": held, "counts": {"partner": 3}}, tmp_path / "validated_products")
    back = read_result(tmp_path / "validated_products")

    pd.testing.assert_frame_equal(back["outcome"].passed, held.passed)
    pd.testing.assert_frame_equal(back["outcome"].quarantined, held.quarantined)
    passed = back["outcome"].passed
    assert passed.loc[1, "gtin14"] is pd.NA and passed.loc[2, "gtin14"] is None
    assert np.isnan(passed.loc[1, "effective_to"]) and passed.loc[2, "effective_to"] is None
    assert passed.loc[0, "models"] == frozenset({"X1", "Y2"})
    assert back["outcome"].expectations == [outcome]
    assert back["outcome"].data_docs_index == Path("/d/index.html")
    assert back["counts"] == {"partner": 3}


def test_the_files_are_parquet_any_reader_opens_and_no_pickle(tmp_path):
    write_result({"batch_id": "B1", "rows": _frame()}, tmp_path / "out")
    files = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert files == ["frame_0.parquet", MANIFEST]
    assert pq.read_table(tmp_path / "out" / "frame_0.parquet").num_rows == 3
    assert json.loads((tmp_path / "out" / MANIFEST).read_text(encoding="utf-8"))["dict"][0][1] == {
        "value": "B1"
    }


def test_a_manifest_naming_a_foreign_type_is_refused(tmp_path):
    outcome = ExpectationOutcome("gtin_valid", "expect_x", "gtin", True, 0, 3, [], "error")
    write_result(outcome, tmp_path / "out")
    manifest = tmp_path / "out" / MANIFEST
    text = manifest.read_text(encoding="utf-8").replace("expectations.runner:ExpectationOutcome", "os:system")
    manifest.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match="os:system: not one of this project's types"):
        read_result(tmp_path / "out")
