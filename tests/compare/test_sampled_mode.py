"""Sampled mode: acceptance samples sized for the claim, reproducible, stratified, by monetary unit."""

from __future__ import annotations

import csv

from migration.cutover import load_compare_config, run_comparison
from migration.cutover.report import write_comparison_reports
from tests.compare.conftest import as_new, customer_entity, customers, write_yaml


def _run(folder, entity, **top):
    config = write_yaml(folder / "compare.yaml", {"mode": "sampled", **top, "entities": {"customer": entity}})
    return run_comparison(load_compare_config(config))


def _sample(result):
    return next(c for c in result.checks if c.check == "sample")


def test_no_mismatch_in_299_sampled_customers_supports_the_claim(customer_files):
    old = customers(3000)
    folder = customer_files(old, [as_new(r) for r in old])
    result = _run(folder, customer_entity("old.csv", "new.csv"))
    sample = _sample(result)
    assert sample.accepted
    assert sample.statement == (
        "0 mismatches in 299 sampled customers of 3,000: with 95 % confidence the mismatch rate is below 1 %."
    )
    assert len(result.sampled_keys) == 299
    assert {k.selected_by for k in result.sampled_keys} == {"hash"}


def test_a_rerun_draws_the_same_keys_and_the_keys_are_saved(customer_files, tmp_path):
    old = customers(1000)
    folder = customer_files(old, [as_new(r) for r in old])
    first = _run(folder, customer_entity("old.csv", "new.csv"))
    # the same records in another order: selection goes by key hash, not by row position
    customer_files(old[::-1], [as_new(r) for r in old[::-1]])
    second = _run(folder, customer_entity("old.csv", "new.csv"))
    assert sorted(k.key for k in first.sampled_keys) == sorted(k.key for k in second.sampled_keys)
    other_seed = _run(folder, customer_entity("old.csv", "new.csv"), seed=7)
    assert {k.key for k in other_seed.sampled_keys} != {k.key for k in first.sampled_keys}

    files = write_comparison_reports(first, tmp_path / "out")
    with files.sampled_keys.open(encoding="utf-8-sig", newline="") as handle:
        saved = list(csv.DictReader(handle))
    assert [row["key"] for row in saved] == [k.key for k in first.sampled_keys]
    assert saved[0]["selected_by"] == "hash"


def test_a_mismatch_in_the_sample_is_listed_and_refuses_the_claim(customer_files):
    old = customers(2000)
    new = [as_new(r) for r in old]
    first = _run(customer_files(old, new), customer_entity("old.csv", "new.csv"))
    drawn = first.sampled_keys[0].key
    position = int(drawn[1:])
    new[position][1] = "改过的名字"
    result = _run(customer_files(old, new), customer_entity("old.csv", "new.csv"))
    sample = _sample(result)
    assert not sample.accepted
    assert sample.rows == [
        [drawn, position + 2, position + 2, "客户名称", "name", old[position][1], "改过的名字"]
    ]
    assert sample.statement == (
        "1 mismatch in 299 sampled customers of 2,000: with 95 % confidence the mismatch rate is below 1.6 %, "
        "above the tolerable 1 %; not accepted until the mismatches listed are fixed."
    )


def test_each_stratum_is_sampled_for_its_own_claim(customer_files):
    old = customers(1000)
    folder = customer_files(old, [as_new(r) for r in old])
    result = _run(
        folder, customer_entity("old.csv", "new.csv", strata=["渠道级别"]), tolerable_error_rate=0.05
    )
    strata = _sample(result).figures["strata"]
    # the tier is mapped (一批 → 1) before stratifying, as it is before comparing
    assert [(s["stratum"], s["population"], s["records_sampled"]) for s in strata] == [
        ("1", 500, 59),
        ("2", 500, 59),
    ]
    assert _sample(result).statement.startswith(
        "0 mismatches in 59 sampled customers (1) of 500: with 95 % confidence"
    )


def test_small_strata_are_compared_in_full(customer_files):
    old = customers(40)
    folder = customer_files(old, [as_new(r) for r in old])
    sample = _sample(_run(folder, customer_entity("old.csv", "new.csv")))
    assert sample.statement == "0 mismatches in all 40 customers (every record compared)."


def test_finite_population_uses_the_hypergeometric_size(customer_files):
    old = customers(400)
    folder = customer_files(old, [as_new(r) for r in old])
    result = _run(folder, customer_entity("old.csv", "new.csv"), finite_population=True)
    assert _sample(result).figures["strata"][0]["records_sampled"] < 299


def test_balances_are_drawn_by_monetary_unit(customer_files):
    old = customers(2000)
    old[17][3] = "9,000,000.00"  # larger than the sampling interval: always drawn
    folder = customer_files(old, [as_new(r) for r in old])
    result = _run(folder, customer_entity("old.csv", "new.csv", amount_column="应收余额"))
    sample = _sample(result)
    assert sample.accepted
    drawn = {k.key: k.units for k in result.sampled_keys}
    assert drawn["C00017"] > 1
    assert sum(drawn.values()) == 299
    assert sample.statement.startswith("0 misstated monetary units in 299 drawn by 应收余额 (")
    assert sample.statement.endswith("with 95 % confidence less than 1 % of the 应收余额 is misstated.")
