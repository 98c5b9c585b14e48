"""The product (SKU) and price-list standards as Great Expectations suites.

A suite here is a list of :class:`Rule`: a GX expectation plus what a steward needs to act on a
failure (the rule's name, its severity, the column to look at and a reason sentence). Error rules
quarantine the row; warning rules only list it. Cross-row price facts are computed first by
:mod:`expectations.price_checks` and then expected like any other column, so every rule reports
through GX and appears in Data Docs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

import great_expectations as gx
import great_expectations.expectations as gxe
import pandas as pd

from cleansing.gtin import classify_gtin
from cleansing.product_specs import UnitVocabulary, load_unit_vocabulary
from expectations import category_checks, price_checks, price_rules, product_checks, promotion_checks
from expectations.custom import (
    ExpectColumnValuesToBeCalendarDate,
    ExpectColumnValuesToBeGloballyUniqueGtin,
    ExpectColumnValuesToBeParseableSpec,
    ExpectColumnValuesToBePositiveAmount,
    ExpectColumnValuesToBeTaxRateInSet,
    ExpectColumnValuesToBeValidGtin,
)
from expectations.rules_config import (
    PRODUCT_ATTRIBUTES,
    CategoryVocabulary,
    PriceRules,
    load_category_vocabulary,
    load_price_rules,
    load_promotion_rules,
)
from expectations.standards import PriceTierOrder, load_price_tiers, load_tax_rates

Severity = Literal["error", "warning"]
ReasonFn = Callable[[pd.Series, pd.Series], pd.Series]
"""(reported values, checked values) → one reason sentence per failing row."""


@dataclass(frozen=True)
class Rule:
    """One product or price standard: a GX expectation and how to explain its failures."""

    name: str
    column: str
    """The column a steward should look at (its value is reported in the quarantine)."""
    severity: Severity
    reason: str | ReasonFn
    """A template using ``{value}`` (the reported value) and ``{check}`` (the value GX judged), or a function."""
    expectation: gxe.Expectation
    checked_columns: tuple[str, ...] = ()
    """Columns GX reads, when they differ from ``column`` (helper columns of cross-row checks)."""

    def explain(self, reported: pd.Series, checked: pd.Series) -> pd.Series:
        """Return the reason sentence for each failing row."""
        if callable(self.reason):
            return self.reason(reported, checked)
        pairs = pd.DataFrame({"value": reported.astype("string"), "check": checked.astype("string")}).fillna(
            "(empty)"
        )
        unique = pairs.drop_duplicates()
        template = self.reason
        texts = [
            template.format(value=v, check=c) for v, c in zip(unique["value"], unique["check"], strict=True)
        ]
        lookup = unique.assign(reason=texts)
        return pairs.merge(lookup, on=["value", "check"], how="left")["reason"].set_axis(reported.index)


@dataclass(frozen=True)
class SuiteDefinition:
    """A named suite, the frame preparation it needs and its rules."""

    name: str
    rules: tuple[Rule, ...]
    required_columns: tuple[str, ...]
    prepare: Callable[[pd.DataFrame], pd.DataFrame] = field(default=lambda frame: frame)
    optional_columns: tuple[str, ...] = ()
    """Columns the rules read when the frame has them (a missing one is judged as blank)."""

    def rule(self, name: str) -> Rule:
        for rule in self.rules:
            if rule.name == name:
                return rule
        raise KeyError(name)

    def build_expectation_suite(self) -> gx.ExpectationSuite:
        """A fresh GX suite (expectations are stateful once added, so build one per validation)."""
        suite = gx.ExpectationSuite(name=self.name)
        for rule in self.rules:
            expectation = rule.expectation.copy(deep=True)
            expectation.meta = {**(expectation.meta or {}), "rule": rule.name, "severity": rule.severity}
            suite.add_expectation(expectation)
        return suite


def _gx_severity(severity: Severity) -> str:
    return "critical" if severity == "error" else "warning"


def make_rule(
    name: str,
    column: str,
    severity: Severity,
    reason: str | ReasonFn,
    expectation_cls: type,
    *,
    check_column: str | None = None,
    **kwargs: object,
) -> Rule:
    """Build a rule; GX judges ``check_column`` (or the pair in ``column_A``/``column_B``) when given."""
    if "column_A" not in kwargs:
        kwargs["column"] = check_column or column
    checked = tuple(str(kwargs[k]) for k in ("column", "column_A", "column_B") if k in kwargs)
    expectation = expectation_cls(severity=_gx_severity(severity), **kwargs)
    return Rule(name, column, severity, reason, expectation, checked)


def _gtin_reason(reported: pd.Series, checked: pd.Series) -> pd.Series:
    status = classify_gtin(reported)
    wrong_digit = "GTIN " + reported.astype("string") + " has a wrong check digit"
    malformed = "GTIN " + reported.astype("string") + " is not 8, 12, 13 or 14 digits"
    return wrong_digit.where(status == "invalid_check_digit", malformed)


def build_product_suite(
    vocabulary: UnitVocabulary | None = None,
    tax_rates: tuple[float, ...] | None = None,
    quarantined_skus: pd.Series | None = None,
    categories: CategoryVocabulary | None = None,
) -> SuiteDefinition:
    """The product standard: identity, names, GTIN, sales unit, VAT rate, spec, category and the
    attributes the category requires.

    ``quarantined_skus`` are the SKU codes of product rows quarantined before validation; a SKU that
    also appears there is not unique.
    """
    vocabulary = vocabulary or load_unit_vocabulary()
    tax_rates = tax_rates or load_tax_rates()
    categories = categories or load_category_vocabulary()
    units = ", ".join(vocabulary.allowed_sales_units)
    rates = ", ".join(f"{r:g}" for r in tax_rates)
    rules = (
        make_rule(
            "sku_code_present", "sku_code", "error", "SKU code is missing", gxe.ExpectColumnValuesToNotBeNull
        ),
        # Every copy of a duplicated code is quarantined on purpose: which copy is the real product is a
        # steward's (or survivorship's) decision, not first-come. Copies quarantined at ingest count too.
        make_rule(
            "sku_code_unique",
            "sku_code",
            "error",
            "{check}",
            gxe.ExpectColumnValuesToBeNull,
            check_column=product_checks.SKU_DUPLICATE,
        ),
        make_rule(
            "product_name_present",
            "product_name",
            "error",
            "product name is missing",
            gxe.ExpectColumnValuesToNotBeNull,
        ),
        # A blank GTIN is not a broken one: the product is usable, but stewards should fill it in.
        make_rule("gtin_present", "gtin", "warning", "GTIN is missing", gxe.ExpectColumnValuesToNotBeNull),
        make_rule("gtin_valid", "gtin", "error", _gtin_reason, ExpectColumnValuesToBeValidGtin),
        make_rule(
            "gtin_globally_unique",
            "gtin",
            "warning",
            "GTIN {value} is an in-store / variable-weight code (prefix 200–299), not globally unique",
            ExpectColumnValuesToBeGloballyUniqueGtin,
        ),
        make_rule(
            "sales_unit_standard",
            "sales_unit",
            "error",
            "sales unit '{value}' is not in the unit vocabulary (" + units + ")",
            gxe.ExpectColumnValuesToBeInSet,
            value_set=vocabulary.allowed_sales_units,
        ),
        make_rule(
            "tax_rate_allowed",
            "tax_rate",
            "error",
            "tax rate {value} is not one of " + rates,
            ExpectColumnValuesToBeTaxRateInSet,
            value_set=list(tax_rates),
        ),
        make_rule(
            "spec_parseable",
            "spec",
            "warning",
            "spec '{value}' does not read as net content and pack (e.g. 500ml×12瓶/箱)",
            ExpectColumnValuesToBeParseableSpec,
        ),
        # Both copies are held back: which SKU owns the GTIN (or which GTIN the SKU has) is a steward's call.
        make_rule(
            "one_gtin_per_sku",
            "gtin",
            "error",
            "{check}",
            gxe.ExpectColumnValuesToBeNull,
            check_column=product_checks.GTINS_PER_SKU,
        ),
        make_rule(
            "one_sku_per_gtin",
            "gtin",
            "error",
            "{check}",
            gxe.ExpectColumnValuesToBeNull,
            check_column=product_checks.SKUS_PER_GTIN,
        ),
        make_rule(
            "category_known",
            "category",
            "error",
            "{check}",
            gxe.ExpectColumnValuesToBeNull,
            check_column=category_checks.CATEGORY_UNKNOWN,
        ),
        make_rule(
            "required_attributes_present",
            "category",
            "error",
            "{check}",
            gxe.ExpectColumnValuesToBeNull,
            check_column=category_checks.MISSING_ATTRIBUTES,
        ),
    )

    def prepare(frame: pd.DataFrame) -> pd.DataFrame:
        checked = product_checks.add_gtin_checks(product_checks.add_product_checks(frame, quarantined_skus))
        if "category" not in checked.columns:
            checked["category"] = None
        return category_checks.add_category_checks(checked, categories)

    return SuiteDefinition(
        "products",
        rules,
        ("sku_code", "gtin", "product_name", "sales_unit", "tax_rate", "spec"),
        prepare,
        optional_columns=PRODUCT_ATTRIBUTES,
    )


def build_price_suite(
    tiers: PriceTierOrder | None = None,
    valid_skus: pd.Series | None = None,
    rejected_skus: pd.Series | None = None,
    rules_config: PriceRules | None = None,
    product_tax_rates: dict | None = None,
    promotions: pd.DataFrame | None = None,
) -> SuiteDefinition:
    """The price-list standard; with ``valid_skus``, prices of SKUs outside it fail ``unknown_sku``
    (``rejected_skus``, the products that failed their own standard, only sharpen the reason).
    ``product_tax_rates`` (SKU → rate) is the rate the tax-consistency rule uses where a row has none.
    With ``promotions`` (the promotion list as read), a price naming a promotion that does not exist,
    does not promote its SKU, does not take effect or does not cover its period fails
    ``price_promotion_valid``."""
    tiers = tiers or load_price_tiers()
    rules_config = rules_config or load_price_rules()
    accepted = tiers.accepted_values
    rules = [
        make_rule(
            "price_sku_code_present",
            "sku_code",
            "error",
            "SKU code is missing",
            gxe.ExpectColumnValuesToNotBeNull,
        ),
        make_rule(
            "price_tier_present",
            "price_tier",
            "error",
            "price tier is missing",
            gxe.ExpectColumnValuesToNotBeNull,
        ),
        make_rule(
            "price_tier_known",
            "price_tier",
            "error",
            "price tier '{value}' is not one of " + ", ".join(accepted),
            gxe.ExpectColumnValuesToBeInSet,
            value_set=accepted,
        ),
        make_rule(
            "sales_region_present",
            "sales_region",
            "error",
            "sales region is missing",
            gxe.ExpectColumnValuesToNotBeNull,
        ),
        make_rule("price_present", "price", "error", "price is missing", gxe.ExpectColumnValuesToNotBeNull),
        make_rule(
            "price_positive",
            "price",
            "error",
            "price {value} is not a number greater than 0",
            ExpectColumnValuesToBePositiveAmount,
        ),
        make_rule(
            "effective_from_present",
            "effective_from",
            "error",
            "effective_from is missing",
            gxe.ExpectColumnValuesToNotBeNull,
        ),
        make_rule(
            "effective_from_date",
            "effective_from",
            "error",
            "effective_from '{value}' is not a date written YYYY-MM-DD",
            ExpectColumnValuesToBeCalendarDate,
        ),
        make_rule(
            "effective_to_date",
            "effective_to",
            "error",
            "effective_to '{value}' is not a date written YYYY-MM-DD",
            ExpectColumnValuesToBeCalendarDate,
        ),
        make_rule(
            "effective_period_order",
            "effective_to",
            "error",
            "effective_to {value} is before effective_from",
            gxe.ExpectColumnPairValuesAToBeGreaterThanB,
            column_A=price_checks.EFFECTIVE_TO_DATE,
            column_B=price_checks.EFFECTIVE_FROM_DATE,
            or_equal=True,
            ignore_row_if="either_value_is_missing",
        ),
        make_rule(
            "no_tier_inversion",
            "price",
            "error",
            "{check}",
            gxe.ExpectColumnValuesToBeNull,
            check_column=price_checks.TIER_INVERSION,
        ),
        make_rule(
            "no_period_overlap",
            "effective_from",
            "error",
            "{check}",
            gxe.ExpectColumnValuesToBeNull,
            check_column=price_checks.PERIOD_OVERLAP,
        ),
        make_rule(
            "price_above_floor",
            "price",
            "error",
            "{check}",
            gxe.ExpectColumnValuesToBeNull,
            check_column=price_rules.PRICE_FLOOR,
        ),
        make_rule(
            "price_decimal_places",
            "price",
            "error",
            "{check}",
            gxe.ExpectColumnValuesToBeNull,
            check_column=price_rules.PRICE_DECIMALS,
        ),
        make_rule(
            "tax_exclusive_price_consistent",
            "price_excl_tax",
            "error",
            "{check}",
            gxe.ExpectColumnValuesToBeNull,
            check_column=price_rules.TAX_CONSISTENCY,
        ),
        make_rule(
            "price_change_reviewed",
            "price",
            "warning",
            "{check}",
            gxe.ExpectColumnValuesToBeNull,
            check_column=price_rules.PRICE_CHANGE,
        ),
        make_rule(
            "discount_valid",
            "price",
            "error",
            "{check}",
            gxe.ExpectColumnValuesToBeNull,
            check_column=price_rules.DISCOUNT,
        ),
    ]
    if valid_skus is not None:
        rules.append(
            make_rule(
                "unknown_sku",
                "sku_code",
                "error",
                "{check}",
                gxe.ExpectColumnValuesToBeNull,
                check_column=price_checks.UNKNOWN_SKU,
            )
        )

    if promotions is not None:
        rules.append(
            make_rule(
                "price_promotion_valid",
                "promotion_code",
                "error",
                "{check}",
                gxe.ExpectColumnValuesToBeNull,
                check_column=promotion_checks.PRICE_PROMOTION,
            )
        )
        promotion_rules = load_promotion_rules()

    def prepare(frame: pd.DataFrame) -> pd.DataFrame:
        checked = price_checks.add_price_checks(frame, tiers, valid_skus, rejected_skus)
        if "price_excl_tax" not in checked.columns:
            checked["price_excl_tax"] = None
        if promotions is not None:
            if "promotion_code" not in checked.columns:
                checked["promotion_code"] = None
            checked[promotion_checks.PRICE_PROMOTION] = promotion_checks.price_promotion_problems(
                checked, promotions, promotion_rules
            )
        return price_rules.add_price_rule_checks(checked, rules_config, product_tax_rates)

    return SuiteDefinition(
        "prices",
        tuple(rules),
        ("sku_code", "price_tier", "sales_region", "price", "effective_from", "effective_to"),
        prepare,
        optional_columns=PRICE_OPTIONAL_COLUMNS,
    )


PRICE_OPTIONAL_COLUMNS = (
    "price_excl_tax",
    "tax_rate",
    "channel",
    "customer_level",
    "discount_rate",
    "discount_amount",
    "promotion_code",
)


SUITE_BUILDERS: dict[str, Callable[[], SuiteDefinition]] = {
    "products": build_product_suite,
    "prices": build_price_suite,
}


def get_suite(name: str) -> SuiteDefinition:
    """Return the standard suite called ``name`` (``products`` or ``prices``) with the default config."""
    try:
        return SUITE_BUILDERS[name]()
    except KeyError:
        raise KeyError(f"unknown suite {name!r}; expected one of {', '.join(SUITE_BUILDERS)}") from None
