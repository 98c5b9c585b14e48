"""Promotions and volume-discount bands are held back by business key with the steward's reason."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from cleansing.product_standardise import standardise_products
from expectations.promotion_suites import (
    applying_promotions,
    validate_promotions,
    validate_volume_bands,
)
from expectations.rules_config import load_promotion_rules
from expectations.runner import validate_products
from foundation.errors import UserError


def promotion(code: str, sku: str = "A", **overrides: str) -> dict[str, str]:
    row = {
        "promotion_code": code,
        "status": "发布",
        "channel": "KA",
        "sku_code": sku,
        "promoted_price": "9.00",
        "floor_price": "8.00",
        "stackable": "否",
        "effective_from": "2026-03-01",
        "effective_to": "2026-03-31",
    }
    return {**row, **overrides}


PRICES = pd.DataFrame(
    {
        "sku_code": ["A", "B", "B"],
        "effective_from": ["2025-01-01", "2025-01-01", "2026-01-01"],
        "effective_to": [None, "2025-12-31", None],
    }
)


def reasons(outcome) -> dict[tuple[str, str], str]:
    q = outcome.quarantined
    return {
        (code, rule): reason
        for code, rule, reason in zip(q["promotion_code"], q["rule"], q["reason"], strict=True)
    }


def test_overlapping_promotions_on_one_sku_and_channel_are_both_held_unless_both_stack() -> None:
    frame = pd.DataFrame(
        [
            promotion("P1"),
            promotion("P2", effective_from="2026-03-15", effective_to="2026-04-15"),
            promotion("P3", channel="电商", effective_from="2026-03-15"),  # another channel
            promotion("S1", sku="B", stackable="是", effective_from="2026-02-01"),
            promotion("S2", sku="B", stackable="是", effective_from="2026-02-10"),
        ]
    ).assign(source_row=range(2, 7))
    found = reasons(validate_promotions(frame, prices=PRICES))
    assert set(found) == {("P1", "no_promotion_overlap"), ("P2", "no_promotion_overlap")}
    assert found[("P1", "no_promotion_overlap")] == (
        "window overlaps promotion P2 (2026-03-15 to 2026-04-15, source row 3) on the same SKU and channel; "
        "only promotions both marked stackable may overlap"
    )


def test_only_approved_and_published_promotions_apply() -> None:
    frame = pd.DataFrame(
        [
            promotion("LIVE"),
            promotion("ASKED", status="申请"),
            promotion("ENDED", status="终止", effective_from="2025-12-01"),  # would straddle B's prices
        ]
    )
    outcome = validate_promotions(frame, prices=PRICES)
    assert outcome.quarantined.empty
    assert applying_promotions(outcome)["promotion_code"].tolist() == ["LIVE"]


def test_floor_status_window_and_price_period_reasons() -> None:
    frame = pd.DataFrame(
        [
            promotion("LOW", promoted_price="7.50"),
            promotion("DRAFT", status="草稿"),
            promotion("BACK", effective_from="2026-04-01"),
            promotion("YEAR", sku="B", effective_from="2025-12-15", effective_to="2026-01-15"),
        ]
    )
    found = reasons(validate_promotions(frame, prices=PRICES))
    assert found == {
        ("LOW", "promotion_not_below_floor"): "promoted price 7.50 is below the floor price (最低限价) 8.00",
        ("DRAFT", "promotion_status_known"): (
            "status '草稿' is not one of 申请, 审批, 发布, 终止 (promotion_rules.yaml: statuses)"
        ),
        ("BACK", "promotion_window_order"): "effective_to 2026-03-31 is before effective_from",
        ("YEAR", "promotion_window_in_price_period"): (
            "promotion window 2025-12-15 to 2026-01-15 is not inside one price period of SKU B "
            "(periods: 2025-01-01 to 2025-12-31, 2026-01-01 to open); end the promotion before the price "
            "changes or split it"
        ),
    }


def test_a_promoted_sku_must_be_a_valid_product() -> None:
    products = validate_products(
        standardise_products(
            pd.DataFrame(
                {
                    "sku_code": ["A", "B"],
                    "gtin": ["6901234567892", "6901234567891"],  # B's check digit is wrong
                    "product_name": ["冰红茶", "绿茶"],
                    "sales_unit": ["箱", "箱"],
                    "tax_rate": ["0.13", "0.13"],
                    "spec": ["500ml×15瓶/箱", "500ml×15瓶/箱"],
                    "brand": ["康师傅", "康师傅"],
                    "category": ["茶饮料", "茶饮料"],
                }
            )
        )
    )
    frame = pd.DataFrame([promotion("P1"), promotion("P2", sku="B"), promotion("P3", sku="ZZ")])
    found = reasons(validate_promotions(frame, products=products))
    assert found == {
        ("P2", "promoted_sku_valid"): "SKU B failed the product standard (see the product quarantine)",
        ("P3", "promoted_sku_valid"): "SKU ZZ is not in the product master",
    }


def band(tier: str, low: str, high: str | None, rate: str, channel: str = "经销") -> dict:
    return {
        "price_tier": tier,
        "channel": channel,
        "min_quantity": low,
        "max_quantity": high,
        "discount_rate": rate,
    }


def test_a_good_ladder_passes_and_each_band_defect_names_the_band() -> None:
    frame = pd.DataFrame(
        [
            band("tier1", "1", "99", "0"),
            band("tier1", "100", "499", "3%"),
            band("tier1", "500", None, "0.05"),
            band("tier2", "1", "99", "0", "KA"),
            band("tier2", "150", "499", "0.03", "KA"),  # gap 100–149
            band("tier2", "450", None, "0.05", "KA"),  # overlaps 150–499
            band("tier2", "1", "99", "0.02", "电商"),
            band("tier2", "100", None, "0.01", "电商"),  # smaller discount for more
            band("retail", "5", None, "0.20", "特通"),  # starts late, too generous
        ]
    )
    outcome = validate_volume_bands(frame)
    found = {
        (t, c, q, rule): reason
        for t, c, q, rule, reason in outcome.quarantined[
            ["price_tier", "channel", "min_quantity", "rule", "reason"]
        ].itertuples(index=False)
    }
    assert found == {
        (
            "tier2",
            "KA",
            "150",
            "bands_contiguous",
        ): "quantities 100–149 have no band (the band before ends at 99)",
        ("tier2", "KA", "450", "bands_not_overlapping"): "band starting at 450 overlaps the band 150–499",
        ("tier2", "电商", "100", "band_discount_monotone"): (
            "discount 1% is less than 2% of the smaller band before it; a bigger order never earns a smaller "
            "discount"
        ),
        ("retail", "特通", "5", "bands_contiguous"): (
            "the first band starts at 5, not at 1 (promotion_rules.yaml: first_band_from)"
        ),
        ("retail", "特通", "5", "band_discount_within_max"): (
            "discount 20% is outside 0–8% (promotion_rules.yaml: max_volume_discount)"
        ),
    }
    assert len(outcome.passed) == 5


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "statuses: [申请, 审批]\napplying_statuses: [审批]\nmax_volume_discount: 0.08\nfirst_band_form: 1\n",
            "unknown key 'first_band_form'; did you mean 'first_band_from'?",
        ),
        (
            "statuses: [申请, 审批]\napplying_statuses: [发布]\nmax_volume_discount: 0.08\nfirst_band_from: 1\n",
            "applying_statuses: '发布' is not one of the statuses",
        ),
        (
            "statuses: [申请]\napplying_statuses: [申请]\nmax_volume_discount: 5\nfirst_band_from: 1\n",
            "max_volume_discount must be a fraction below 1 (0.08 = 8 %), not 5",
        ),
    ],
)
def test_promotion_rules_are_checked_on_load(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "promotion_rules.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(UserError, match=message.replace("(", r"\(").replace(")", r"\)").replace("?", r"\?")):
        load_promotion_rules(path)
