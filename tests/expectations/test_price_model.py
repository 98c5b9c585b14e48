"""Prices by channel and customer level, with discounts and promotions, through the price suite."""

from __future__ import annotations

import pandas as pd
import pytest

from expectations.runner import ValidationOutcome, validate_prices

COLUMNS = [
    "source_row",
    "sku_code",
    "price_tier",
    "sales_region",
    "channel",
    "customer_level",
    "price",
    "discount_rate",
    "discount_amount",
    "promotion_code",
    "effective_from",
    "effective_to",
]
ROWS = [
    # The same tier, region and period in two channels: two ladders, no overlap.
    ("2", "1001000001", "tier1", "华东", "经销", "", "12.00", "", "", "", "2026-01-01", ""),
    ("3", "1001000001", "tier1", "华东", "KA", "A", "12.80", "", "", "", "2026-01-01", ""),
    ("4", "1001000001", "tier2", "华东", "KA", "A", "12.50", "", "", "", "2026-01-01", ""),  # below KA tier1
    ("5", "1001000001", "tier2", "华东", "经销", "", "13.50", "5%", "", "", "2026-01-01", ""),
    ("6", "1001000001", "retail", "华东", "电商", "", "19.90", "1.5", "", "", "2026-01-01", ""),  # 150% off
    (
        "7",
        "1001000001",
        "retail",
        "华东",
        "特通",
        "",
        "19.90",
        "",
        "19.85",
        "",
        "2026-01-01",
        "",
    ),  # 0.05 left
    ("8", "1001000001", "retail", "华南", "电商", "", "19.90", "0.1", "", "P618", "2026-06-01", ""),  # no end
    ("9", "1001000001", "retail", "华北", "电商", "", "19.90", "0.1", "", "P618", "2026-06-01", "2026-06-18"),
]


@pytest.fixture(scope="module")
def outcome() -> ValidationOutcome:
    frame = pd.DataFrame(ROWS, columns=COLUMNS).assign(currency="CNY", source_system="dms")
    return validate_prices(frame, pd.DataFrame({"sku_code": ["1001000001"]}))


def rows(outcome: ValidationOutcome, rule: str) -> set[str]:
    return set(outcome.quarantined.loc[outcome.quarantined["rule"] == rule, "source_row"])


def test_channels_and_levels_are_separate_ladders(outcome: ValidationOutcome) -> None:
    assert rows(outcome, "no_period_overlap") == set()
    assert rows(outcome, "no_tier_inversion") == {"3", "4"}  # only the KA ladder is inverted


def test_discounts_and_promotions_are_checked(outcome: ValidationOutcome) -> None:
    reasons = outcome.quarantined.query("rule == 'discount_valid'").set_index("source_row")["reason"]
    assert reasons.to_dict() == {
        "6": "discount_rate 1.5 is not a fraction from 0 to below 1 (write 5% off as 0.05 or 5%)",
        "7": "price after discount 0.05 is not above the floor 0.10 (price_rules.yaml: price_floor)",
        "8": "promotion P618 has no effective_to; a promotion runs in a window",
    }
    assert set(outcome.passed["source_row"]) == {"2", "5", "9"}
