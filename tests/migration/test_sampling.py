from __future__ import annotations

import math

import pandas as pd
import pytest
from scipy.stats import binom, hypergeom

from foundation.errors import UserError
from migration.sampling import (
    error_rate_upper_bound,
    hypergeometric_sample_size,
    key_strings,
    monetary_unit_sample,
    sample_size,
    save_sampled_keys,
    select_by_hash,
    zero_defect_sample_size,
)


@pytest.mark.parametrize(
    ("confidence", "rate", "expected"),
    [(0.95, 0.05, 59), (0.95, 0.01, 299), (0.99, 0.01, 459), (0.95, 0.001, 2995)],
)
def test_zero_defect_sample_sizes_match_the_audit_table(confidence, rate, expected):
    assert zero_defect_sample_size(confidence, rate) == expected


def test_the_zero_defect_size_is_the_smallest_that_supports_the_claim():
    for confidence, rate in [(0.95, 0.05), (0.9, 0.02), (0.99, 0.001)]:
        n = zero_defect_sample_size(confidence, rate)
        assert (1 - rate) ** n <= 1 - confidence < (1 - rate) ** (n - 1)


def test_finite_population_size_for_ten_thousand_records():
    assert hypergeometric_sample_size(10_000, 0.95, 0.001) == 2588


@pytest.mark.parametrize(
    ("population", "confidence", "rate"), [(10_000, 0.95, 0.001), (2_412, 0.95, 0.01), (500, 0.99, 0.02)]
)
def test_finite_population_size_is_the_smallest_n_with_scipy(population, confidence, rate):
    n = hypergeometric_sample_size(population, confidence, rate)
    defective = math.ceil(rate * population)
    assert hypergeom.pmf(0, population, defective, n) <= 1 - confidence
    assert hypergeom.pmf(0, population, defective, n - 1) > 1 - confidence
    assert n <= zero_defect_sample_size(confidence, rate)


def test_sample_size_never_exceeds_the_stratum():
    assert sample_size(40, 0.95, 0.01) == 40
    assert sample_size(2_412, 0.95, 0.01) == 299
    assert sample_size(2_412, 0.95, 0.01, finite_population=True) == hypergeometric_sample_size(
        2_412, 0.95, 0.01
    )


def test_bad_rates_are_user_errors():
    with pytest.raises(UserError) as error:
        zero_defect_sample_size(95, 0.01)
    assert str(error.value) == "confidence must be between 0 and 1 (e.g. 0.95), not 95"
    with pytest.raises(UserError) as error:
        zero_defect_sample_size(0.95, 0)
    assert str(error.value) == "tolerable error rate must be between 0 and 1 (e.g. 0.01), not 0"


def test_upper_bound_with_no_defects_follows_the_rule_of_three():
    bound = error_rate_upper_bound(0, 299, 0.95)
    assert bound == pytest.approx(1 - 0.05 ** (1 / 299))
    assert bound == pytest.approx(3 / 299, rel=0.01)
    assert bound < 0.01


@pytest.mark.parametrize(("defects", "sampled"), [(1, 299), (5, 59), (12, 2995)])
def test_upper_bound_is_the_clopper_pearson_limit(defects, sampled):
    bound = error_rate_upper_bound(defects, sampled, 0.95)
    # at the bound, seeing this few defects or fewer has probability 1 − C
    assert binom.cdf(defects, sampled, bound) == pytest.approx(0.05, abs=1e-6)


def test_hash_selection_is_reproducible_and_ignores_row_order():
    keys = pd.Series([f"ERP|P{i:05d}" for i in range(1_000)])
    first = select_by_hash(keys, 59, seed=7)
    shuffled = select_by_hash(keys.sample(frac=1, random_state=3), 59, seed=7)

    assert len(first) == 59 and first.is_unique
    assert first.tolist() == shuffled.tolist()
    assert set(first) != set(select_by_hash(keys, 59, seed=8))


def test_new_records_do_not_displace_previously_sampled_ones_they_do_not_beat():
    keys = pd.Series([f"K{i}" for i in range(500)])
    before = set(select_by_hash(keys, 50, seed=1))
    after = set(select_by_hash(pd.concat([keys, pd.Series(["NEW1", "NEW2"])]), 50, seed=1))
    assert len(before - after) <= 2


def test_key_strings_join_composite_keys():
    frame = pd.DataFrame({"source_system": ["ERP", "DMS"], "source_record_id": ["P001", None]})
    assert key_strings(frame, ["source_system", "source_record_id"]).tolist() == ["ERP|P001", "DMS|"]


def test_monetary_unit_sample_always_takes_records_above_the_interval():
    keys = pd.Series([f"B{i}" for i in range(200)])
    amounts = pd.Series(["100.00"] * 199 + ["-50,000.00"])
    for seed in range(5):
        drawn = monetary_unit_sample(keys, amounts, 30, seed)
        assert "B199" in set(drawn["key"])
        assert drawn["units"].sum() == 30


def test_monetary_unit_sample_favours_large_amounts_and_skips_zeros():
    keys = pd.Series([f"B{i}" for i in range(400)])
    amounts = pd.Series([0] * 100 + [10] * 200 + [1_000] * 100)
    drawn = monetary_unit_sample(keys, amounts, 60, seed=42)
    chosen = set(drawn["key"])
    assert not chosen & {f"B{i}" for i in range(100)}
    large = len(chosen & {f"B{i}" for i in range(300, 400)})
    assert large >= 50
    assert drawn.equals(monetary_unit_sample(keys, amounts, 60, seed=42))


def test_sampled_keys_are_saved_for_excel(tmp_path):
    path = save_sampled_keys(
        pd.DataFrame({"entity": ["partner"], "key": ["ERP|P001"]}), tmp_path / "out" / "k.csv"
    )
    assert path.read_bytes().startswith(b"\xef\xbb\xbfentity,key")
