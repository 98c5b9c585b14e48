"""The promotion and volume-band standards as Great Expectations suites, and how to run them.

Built like the product and price suites (:mod:`expectations.suites`): cross-row facts come from
:mod:`expectations.promotion_checks` and :mod:`expectations.volume_band_checks` as text columns that
the suite expects to be null, so every rule reports through GX, its Data Docs and the quarantine.
"""

from __future__ import annotations

from pathlib import Path

import great_expectations.expectations as gxe
import pandas as pd

from expectations import promotion_checks, volume_band_checks
from expectations.custom import ExpectColumnValuesToBeCalendarDate, ExpectColumnValuesToBePositiveAmount
from expectations.rules_config import PromotionRules, load_promotion_rules
from expectations.runner import ValidationOutcome, validate_frame
from expectations.standards import PriceTierOrder, load_price_tiers
from expectations.suites import SuiteDefinition, make_rule

PROMOTION_KEY: list[str] = ["promotion_code", "sku_code"]
VOLUME_BAND_KEY: list[str] = ["price_tier", "channel", "min_quantity"]


def _null_rule(name: str, column: str, check_column: str):
    """An error rule whose reason is the check column's own sentence."""
    return make_rule(
        name, column, "error", "{check}", gxe.ExpectColumnValuesToBeNull, check_column=check_column
    )


def _present(name: str, column: str, what: str):
    return make_rule(name, column, "error", f"{what} is missing", gxe.ExpectColumnValuesToNotBeNull)


def build_promotion_suite(
    rules: PromotionRules | None = None,
    valid_skus: pd.Series | None = None,
    rejected_skus: pd.Series | None = None,
    prices: pd.DataFrame | None = None,
) -> SuiteDefinition:
    """The promotion standard; ``valid_skus`` adds ``promoted_sku_valid`` and ``prices`` adds
    ``promotion_window_in_price_period`` (see :func:`expectations.promotion_checks.add_promotion_checks`)."""
    rules = rules or load_promotion_rules()
    statuses = ", ".join(rules.statuses)
    checks = [
        _present("promotion_code_present", "promotion_code", "promotion code"),
        _present("promotion_sku_present", "sku_code", "promoted SKU code"),
        _present("promotion_channel_present", "channel", "channel"),
        _present("promotion_status_present", "status", "status"),
        make_rule(
            "promotion_status_known",
            "status",
            "error",
            "status '{value}' is not one of " + statuses + " (promotion_rules.yaml: statuses)",
            gxe.ExpectColumnValuesToBeInSet,
            value_set=list(rules.statuses),
        ),
        _present("promoted_price_present", "promoted_price", "promoted price"),
        make_rule(
            "promoted_price_positive",
            "promoted_price",
            "error",
            "promoted price {value} is not a number greater than 0",
            ExpectColumnValuesToBePositiveAmount,
        ),
        _present("floor_price_present", "floor_price", "floor price (最低限价)"),
        _present("promotion_from_present", "effective_from", "effective_from"),
        _present("promotion_to_present", "effective_to", "effective_to (a promotion runs in a window)"),
        make_rule(
            "promotion_from_date",
            "effective_from",
            "error",
            "effective_from '{value}' is not a date written YYYY-MM-DD",
            ExpectColumnValuesToBeCalendarDate,
        ),
        make_rule(
            "promotion_to_date",
            "effective_to",
            "error",
            "effective_to '{value}' is not a date written YYYY-MM-DD",
            ExpectColumnValuesToBeCalendarDate,
        ),
        make_rule(
            "promotion_window_order",
            "effective_to",
            "error",
            "effective_to {value} is before effective_from",
            gxe.ExpectColumnPairValuesAToBeGreaterThanB,
            column_A=promotion_checks.PROMOTION_TO_DATE,
            column_B=promotion_checks.PROMOTION_FROM_DATE,
            or_equal=True,
            ignore_row_if="either_value_is_missing",
        ),
        _null_rule("promotion_not_below_floor", "promoted_price", promotion_checks.BELOW_FLOOR),
        _null_rule("no_promotion_overlap", "effective_from", promotion_checks.PROMOTION_OVERLAP),
    ]
    if valid_skus is not None:
        checks.append(_null_rule("promoted_sku_valid", "sku_code", promotion_checks.PROMOTED_SKU))
    if prices is not None:
        checks.append(
            _null_rule(
                "promotion_window_in_price_period", "effective_from", promotion_checks.OUTSIDE_PRICE_PERIOD
            )
        )

    def prepare(frame: pd.DataFrame) -> pd.DataFrame:
        return promotion_checks.add_promotion_checks(frame, rules, valid_skus, rejected_skus, prices)

    return SuiteDefinition(
        "promotions",
        tuple(checks),
        (
            "promotion_code",
            "status",
            "channel",
            "sku_code",
            "promoted_price",
            "floor_price",
            "effective_from",
            "effective_to",
        ),
        prepare,
        optional_columns=("stackable", "promotion_name"),
    )


def build_volume_band_suite(
    rules: PromotionRules | None = None, tiers: PriceTierOrder | None = None
) -> SuiteDefinition:
    """The volume-discount standard: each tier × channel's bands contiguous, not overlapping, the
    discount never falling as the quantity grows and never above ``max_volume_discount``."""
    rules = rules or load_promotion_rules()
    tiers = tiers or load_price_tiers()
    checks = (
        _present("band_tier_present", "price_tier", "price tier"),
        make_rule(
            "band_tier_known",
            "price_tier",
            "error",
            "price tier '{value}' is not one of " + ", ".join(tiers.accepted_values),
            gxe.ExpectColumnValuesToBeInSet,
            value_set=tiers.accepted_values,
        ),
        _present("band_channel_present", "channel", "channel"),
        _present("band_min_quantity_present", "min_quantity", "min_quantity"),
        _present("band_discount_present", "discount_rate", "discount_rate"),
        _null_rule("band_range_valid", "max_quantity", volume_band_checks.BAND_RANGE),
        _null_rule("bands_contiguous", "min_quantity", volume_band_checks.BAND_GAP),
        _null_rule("bands_not_overlapping", "min_quantity", volume_band_checks.BAND_OVERLAP),
        _null_rule("band_discount_monotone", "discount_rate", volume_band_checks.BAND_MONOTONE),
        _null_rule("band_discount_within_max", "discount_rate", volume_band_checks.BAND_MAXIMUM),
    )
    return SuiteDefinition(
        "volume_bands",
        checks,
        ("price_tier", "channel", "min_quantity", "max_quantity", "discount_rate"),
        lambda frame: volume_band_checks.add_volume_band_checks(frame, rules),
        optional_columns=("quantity_unit",),
    )


def validate_promotions(
    frame: pd.DataFrame,
    products: ValidationOutcome | None = None,
    prices: pd.DataFrame | None = None,
    data_docs_dir: Path | None = None,
) -> ValidationOutcome:
    """Validate a canonical promotion frame (business key promotion_code × sku_code).

    ``products``: the product suite's outcome (a promotion of a SKU outside its passed rows fails
    ``promoted_sku_valid``); ``prices``: the price list whose periods the windows must fit in.
    """
    valid_skus = rejected_skus = None
    if products is not None:
        valid_skus = products.passed["sku_code"]
        errors = products.quarantined[products.quarantined["severity"] == "error"]
        rejected_skus = errors["sku_code"] if "sku_code" in errors.columns else None
    suite = build_promotion_suite(valid_skus=valid_skus, rejected_skus=rejected_skus, prices=prices)
    return validate_frame(frame, suite, PROMOTION_KEY, data_docs_dir)


def validate_volume_bands(frame: pd.DataFrame, data_docs_dir: Path | None = None) -> ValidationOutcome:
    """Validate a canonical volume-band frame (business key price_tier × channel × min_quantity).

    The quantity in the business key is kept as text (``100``), as a steward finds it in the source."""
    quantity = frame["min_quantity"] if "min_quantity" in frame.columns else None
    if quantity is not None:
        frame = frame.assign(min_quantity=quantity.map(lambda v: v if v is None or pd.isna(v) else f"{v}"))
    return validate_frame(frame, build_volume_band_suite(), VOLUME_BAND_KEY, data_docs_dir)


def applying_promotions(outcome: ValidationOutcome, rules: PromotionRules | None = None) -> pd.DataFrame:
    """The passed promotion rows that take effect (审批, 发布): the ones a price may use."""
    rules = rules or load_promotion_rules()
    passed = outcome.passed
    if passed.empty:
        return passed
    return passed[promotion_checks.applying_mask(passed, rules)]
