from __future__ import annotations

import pandas as pd
import pytest

from expectations.price_checks import PERIOD_OVERLAP, TIER_INVERSION, UNKNOWN_SKU, add_price_checks
from expectations.standards import load_price_tiers, load_tax_rates
from foundation.errors import UserError

TIERS = load_price_tiers()


def prices(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(
        rows,
        columns=[
            "sku_code",
            "price_tier",
            "sales_region",
            "price",
            "effective_from",
            "effective_to",
            "source_row",
        ],
    )


def test_inversion_flags_both_rows_of_an_overlapping_pair() -> None:
    checked = add_price_checks(
        prices(
            [
                ("1001", "出厂价", "华东", "10.00", "2026-01-01", None, "2"),
                ("1001", "一批价", "华东", "15.00", "2026-01-01", None, "3"),
                ("1001", "二批价", "华东", "13.00", "2026-01-01", None, "4"),
                ("1001", "零售价", "华东", "20.00", "2026-01-01", None, "5"),
            ]
        ),
        TIERS,
    )
    assert checked[TIER_INVERSION].isna().tolist() == [True, False, False, True]
    assert checked.loc[1, TIER_INVERSION] == (
        "price tier inversion (价格倒挂): tier1 15.00 > tier2 13.00 in an overlapping period (source row 4)"
    )
    assert checked.loc[2, TIER_INVERSION] == (
        "price tier inversion (价格倒挂): tier2 13.00 < tier1 15.00 in an overlapping period (source row 3)"
    )


def test_inversion_needs_the_same_region_and_an_overlapping_period() -> None:
    checked = add_price_checks(
        prices(
            [
                ("1001", "factory", "华东", "12.00", "2026-01-01", "2026-03-31", "2"),
                ("1001", "tier1", "华东", "11.00", "2026-04-01", None, "3"),  # later period: no conflict
                ("1001", "tier1", "华南", "11.00", "2026-01-01", None, "4"),  # other region: no conflict
            ]
        ),
        TIERS,
    )
    assert checked[TIER_INVERSION].isna().all()


def test_overlap_is_within_sku_tier_and_region_with_inclusive_ends() -> None:
    checked = add_price_checks(
        prices(
            [
                ("1001", "tier1", "华北", "12.00", "2026-01-01", "2026-06-30", "2"),
                ("1001", "一批价", "华北", "12.50", "2026-06-30", None, "3"),  # alias of tier1, shares 06-30
                ("1001", "tier1", "华北", "11.00", "2025-01-01", "2025-12-31", "4"),  # adjacent, no overlap
                ("1001", "tier2", "华北", "13.00", "2026-01-01", None, "5"),
            ]
        ),
        TIERS,
    )
    assert checked[PERIOD_OVERLAP].isna().tolist() == [False, False, True, True]
    assert checked.loc[0, PERIOD_OVERLAP] == (
        "effective period overlaps 2026-06-30 to open of the same SKU, tier and region (source row 3)"
    )


def test_unknown_sku_only_when_valid_skus_are_given() -> None:
    frame = prices(
        [
            ("9999", "tier1", "华北", "1", "2026-01-01", None, "2"),
            (None, "tier1", "华北", "1", "2026-01-01", None, "3"),
            ("1002", "tier1", "华北", "1", "2026-01-01", None, "4"),
            ("1001", "tier1", "华北", "1", "2026-01-01", None, "5"),
        ]
    )
    assert UNKNOWN_SKU not in add_price_checks(frame, TIERS).columns
    checked = add_price_checks(frame, TIERS, pd.Series(["1001"]), rejected_skus=pd.Series(["1002"]))
    assert checked.loc[0, UNKNOWN_SKU] == "SKU 9999 is not in the product master"
    assert pd.isna(checked.loc[1, UNKNOWN_SKU])  # a missing SKU is its own rule
    assert checked.loc[2, UNKNOWN_SKU] == "SKU 1002 failed the product standard (see the product quarantine)"
    assert pd.isna(checked.loc[3, UNKNOWN_SKU])


def test_rows_without_source_row_are_named_by_position() -> None:
    frame = prices(
        [
            ("1001", "tier1", "华东", "9", "2026-01-01", None, None),
            ("1001", "tier2", "华东", "8", "2026-01-01", None, None),
        ]
    ).drop(columns="source_row")
    checked = add_price_checks(frame, TIERS)
    assert checked.loc[0, TIER_INVERSION].endswith("(row 2)")


def test_tier_config_rejects_a_name_on_two_tiers(tmp_path) -> None:
    path = tmp_path / "price_tiers.yaml"
    path.write_text(
        "price_tiers:\n  - {code: tier1, aliases: [批发价]}\n  - {code: tier2, aliases: [批发价]}\n",
        encoding="utf-8",
    )
    with pytest.raises(UserError) as excinfo:
        load_price_tiers(path)
    assert str(excinfo.value) == f"{path}: '批发价' names both 'tier1' and 'tier2'; keep it on one tier"


def test_tax_rate_config_rejects_percent_numbers(tmp_path) -> None:
    path = tmp_path / "tax_rates.yaml"
    path.write_text("tax_rates: [0.13, 9]\n", encoding="utf-8")
    with pytest.raises(UserError) as excinfo:
        load_tax_rates(path)
    assert str(excinfo.value) == f"{path}: tax rate 9 is not a fraction between 0 and 1 (write 13% as 0.13)"


def test_default_tiers_are_ordered_factory_to_retail() -> None:
    assert [t.code for t in TIERS.tiers] == ["factory", "tier1", "tier2", "retail"]
    assert TIERS.code_by_value["二批价"] == "tier2"


def test_national_factory_price_is_compared_with_each_regional_tier1_price() -> None:
    checked = add_price_checks(
        prices(
            [
                ("1001", "出厂价", "全国", "12.00", "2026-01-01", None, "2"),
                ("1001", "一批价", "华东", "13.00", "2026-01-01", None, "3"),
                ("1001", "一批价", "华南", "11.00", "2026-01-01", None, "4"),
                ("1001", "零售价", "全国", "19.90", "2026-01-01", None, "5"),
            ]
        ),
        TIERS,
    )
    assert checked[TIER_INVERSION].isna().tolist() == [False, True, False, True]
    assert checked.loc[0, TIER_INVERSION] == (
        "price tier inversion (价格倒挂): factory 12.00 > tier1 11.00 in an overlapping period (source row 4)"
    )
