"""The standards catch every defect injected into the sample with the right rule, and flag nothing else."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from expectations.standards_proof import prove_standards, score_flags

ROOT = Path(__file__).resolve().parents[2] / "sample_data"


@pytest.fixture(scope="module")
def proof():
    return prove_standards(ROOT / "sources", ROOT / "mappings", ROOT / "ground_truth" / "standards_truth.csv")


def test_every_rule_has_precision_and_recall_one_on_the_sample(proof) -> None:
    assert proof.missed.empty, proof.missed.to_string()
    assert proof.false_alarms.empty, proof.false_alarms.to_string()
    assert (proof.scores["precision"] == 1.0).all() and (proof.scores["recall"] == 1.0).all()


def test_the_proof_covers_product_price_discount_and_promotion_defects(proof) -> None:
    truth = pd.read_csv(ROOT / "ground_truth" / "standards_truth.csv", dtype=str)
    assert set(truth["entity"]) == {"product", "price", "promotion", "volume_band"}
    by_rule = proof.scores.set_index("rule")["caught"]
    for rule in (
        "gtin_valid",
        "no_tier_inversion",
        "bands_contiguous",
        "band_discount_within_max",
        "no_promotion_overlap",
        "promotion_window_in_price_period",
        "promoted_sku_valid",
        "price_promotion_valid",
    ):
        assert by_rule[rule] > 0, rule


def test_a_missed_defect_and_a_false_alarm_each_lower_their_rule_score() -> None:
    truth = pd.DataFrame(
        {
            "entity": ["price", "price"],
            "business_key": ["A|tier1|华东|2026-01-01", "B|tier1|华东|2026-01-01"],
            "rule": ["no_tier_inversion", "no_tier_inversion"],
            "defect_kind": ["price_tier_inversion", "price_tier_inversion"],
        }
    )
    reported = pd.DataFrame(
        {
            "entity": ["price", "price"],
            "business_key": ["A|tier1|华东|2026-01-01", "C|tier1|华东|2026-01-01"],
            "rule": ["no_tier_inversion", "no_tier_inversion"],
        }
    )
    result = score_flags(truth, reported)
    row = result.scores.set_index("rule").loc["no_tier_inversion"]
    assert (row["precision"], row["recall"]) == (0.5, 0.5)
    assert result.missed["business_key"].tolist() == ["B|tier1|华东|2026-01-01"]
    assert result.false_alarms["business_key"].tolist() == ["C|tier1|华东|2026-01-01"]
    assert not result.perfect
