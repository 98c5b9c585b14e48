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


def test_a_held_out_distribution_the_index_cannot_give_is_reported_not_crashed(monkeypatch, tmp_path):
    monkeypatch.setattr(public_datasets, "CACHE_DIR", tmp_path / "cache")
    with pytest.raises(
        public_datasets.DatasetMissing, match="could not download channel-mdm-no-such-dist==0.0.1"
    ):
        public_datasets._distribution_file("channel-mdm-no-such-dist==0.0.1", "*.whl", "data.csv")
