"""The sampled claim holds: with 95 % confidence a population whose mismatch rate is at or above the
tolerable 1 % is refused, and a clean one earns the sentence a migration team signs.

Defects are planted in a known share of 3,000 customers; the gate's own sampling (key hash, seeded)
is run with 400 fixed seeds, and the share of seeds whose 299-record sample finds at least one defect
is compared with the exact hypergeometric probability 1 − C(N−D, n) / C(N, n). Fixed seeds: the same
outcome on every run.
"""

from __future__ import annotations

import math
import random

import pytest

from channel_mdm.cli import main
from migration.cutover import load_compare_config
from migration.cutover.prepared import prepare_entity
from migration.cutover.sample import check_sample
from tests.compare.conftest import as_new, customer_entity, customers, write_yaml

POPULATION = 3_000
SEEDS = range(400)


def detection_probability(population: int, defective: int, sampled: int) -> float:
    """The chance that a sample without replacement of ``sampled`` records holds at least one defect."""
    return 1 - math.comb(population - defective, sampled) / math.comb(population, sampled)


def _planted(customer_files, defective: int):
    """The comparison of 3,000 customers of which ``defective`` (chosen by a fixed RNG) differ by name."""
    old = customers(POPULATION)
    new = [as_new(row) for row in old]
    for position in random.Random(defective).sample(range(POPULATION), defective):
        new[position][1] = new[position][1] + "(改)"
    folder = customer_files(old, new)
    path = write_yaml(
        folder / "compare.yaml",
        {"mode": "sampled", "entities": {"customer": customer_entity("old.csv", "new.csv")}},
    )
    config = load_compare_config(path)
    return config, prepare_entity("customer", config.entities["customer"], folder, config.mode)


@pytest.mark.parametrize("defect_rate", [0.01, 0.02])
def test_a_population_at_or_above_the_tolerable_rate_is_refused_with_the_stated_confidence(
    customer_files, defect_rate
):
    defective = round(POPULATION * defect_rate)
    config, entity = _planted(customer_files, defective)
    refused = 0
    for seed in SEEDS:
        check, sampled = check_sample(entity, config.model_copy(update={"seed": seed}))
        assert len(sampled) == 299
        found = sum(k.defect for k in sampled)
        assert check.accepted == (found == 0)  # one mismatch in the sample refuses the claim
        refused += not check.accepted
    share = refused / len(SEEDS)
    expected = detection_probability(POPULATION, defective, 299)
    spread = math.sqrt(expected * (1 - expected) / len(SEEDS))
    assert expected >= 0.95  # the size n = 299 is what makes the 95 % claim true at 1 %
    assert abs(share - expected) <= 4 * spread + 1 / len(SEEDS)
    assert share >= 0.95 - 4 * spread


def test_the_sample_catches_defects_no_more_often_than_chance_allows_below_the_tolerable_rate(customer_files):
    """A population with 0.1 % defects is usually accepted: the claim is not bought by refusing everything."""
    config, entity = _planted(customer_files, 3)
    accepted = sum(check_sample(entity, config.model_copy(update={"seed": s}))[0].accepted for s in SEEDS)
    expected = 1 - detection_probability(POPULATION, 3, 299)
    spread = math.sqrt(expected * (1 - expected) / len(SEEDS))
    assert abs(accepted / len(SEEDS) - expected) <= 4 * spread


def test_a_clean_population_earns_the_signed_sentence_from_the_command(customer_files, tmp_path, capsys):
    config, _ = _planted(customer_files, 0)
    assert main(["compare", str(config.path), "--out", str(tmp_path / "out")]) == 0
    assert (
        "0 mismatches in 299 sampled customers of 3,000: with 95 % confidence the mismatch rate is below 1 %."
        in capsys.readouterr().out
    )
