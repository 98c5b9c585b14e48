"""Without ../shared/datasets the public benchmark skips a set with a message naming the missing file."""

from __future__ import annotations

import pytest

from benchmarks import public_datasets


def test_a_missing_folder_is_reported_not_crashed(monkeypatch, tmp_path):
    monkeypatch.setattr(public_datasets, "DATASETS_DIR", tmp_path / "datasets")
    with pytest.raises(public_datasets.DatasetMissing) as caught:
        public_datasets.load("febrl3", "name")
    assert str(caught.value) == (
        f"{tmp_path / 'datasets' / 'persons' / 'febrl3.csv'} not found: "
        "the public data sets live in ../shared/datasets beside the repository"
    )
