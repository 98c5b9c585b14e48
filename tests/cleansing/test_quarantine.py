"""Quarantine bookkeeping: the row balance is enforced and long originals stay readable."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from cleansing.quarantine import (
    RowBalance,
    RowBalanceError,
    check_row_balance,
    original_json,
    summarise_reasons,
)


def test_row_balance_that_does_not_add_up_is_an_error() -> None:
    check_row_balance(RowBalance("a.csv", 10, 7, 3))
    with pytest.raises(RowBalanceError, match=r"a.csv: 10 rows in but 7 accepted \+ 2 quarantined = 9"):
        check_row_balance(RowBalance("a.csv", 10, 7, 2))


def test_original_cells_are_json_with_blanks_as_null_and_long_cells_cut() -> None:
    cells = pd.DataFrame({"编码": ["C1"], "名称": [None], "备注": ["长" * 5000]}, dtype=object)
    (text,) = original_json(cells)
    record = json.loads(text)
    assert record["编码"] == "C1" and record["名称"] is None
    assert record["备注"] == "长" * 1000 + "…(5,000 characters)"


def test_reasons_are_counted_per_file() -> None:
    quarantine = pd.DataFrame(
        {
            "entity": ["partner"] * 3,
            "source_file": ["a.csv", "a.csv", "b.csv"],
            "reason_code": ["bad_date", "bad_date", "missing_required"],
        }
    )
    assert summarise_reasons(quarantine).to_dict("records") == [
        {"entity": "partner", "source_file": "a.csv", "reason_code": "bad_date", "rows": 2},
        {"entity": "partner", "source_file": "b.csv", "reason_code": "missing_required", "rows": 1},
    ]
