"""Provenance: the file hash and batch ids that let a row be traced back to its exact file."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import numpy as np
import pandas as pd

from cleansing.canonical import PROVENANCE_COLUMNS
from cleansing.provenance import FileProvenance, file_sha256, new_batch_id, provenance_frame


def test_file_hash_is_the_sha256_of_the_bytes(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes(b"x" * 3_000_000)
    assert file_sha256(path) == hashlib.sha256(b"x" * 3_000_000).hexdigest()


def test_batch_ids_sort_by_time_and_differ() -> None:
    first = new_batch_id(dt.datetime(2026, 11, 1, 8, 0, tzinfo=dt.UTC))
    assert first.startswith("20261101T080000Z-")
    assert new_batch_id() != new_batch_id()


def test_provenance_frame_has_the_canonical_columns() -> None:
    provenance = FileProvenance("erp", "erp/partners.xlsx", "abc", "B1", "2026-11-01T08:00:00Z")
    frame = provenance_frame(
        provenance, np.array([4, 5]), np.array(["经销商档案"] * 2, dtype=object), pd.RangeIndex(2)
    )
    assert list(frame.columns) == list(PROVENANCE_COLUMNS)
    assert frame["source_row"].tolist() == [4, 5]
    assert frame.iloc[0].tolist() == [
        "erp",
        "erp/partners.xlsx",
        "经销商档案",
        4,
        "abc",
        "B1",
        "2026-11-01T08:00:00Z",
    ]
