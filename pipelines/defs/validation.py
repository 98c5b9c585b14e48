"""Enforce the SKU and price standards with Great Expectations; each rule is an asset check."""

import dagster as dg
import pandas as pd

from cleansing.product_standardise import standardise_products, standardise_sku_references
from cleansing.quarantine import quarantined_business_keys
from expectations.promotion_suites import (
    build_promotion_suite,
    build_volume_band_suite,
    validate_promotions,
    validate_volume_bands,
)
from expectations.runner import ValidationOutcome, validate_prices, validate_products
from expectations.suites import build_price_suite, build_product_suite
from mdm.product_master import ProductMaster, resolve_product_codes
from pipelines.defs.partitions import BUSINESS_DATES
from pipelines.defs.resources import ChannelMdmConfig

GROUP = "standards"


def _rule_checks(asset: str, suite) -> list[dg.AssetCheckSpec]:
    return [
        dg.AssetCheckSpec(
            rule.name, asset=asset, description=f"{rule.severity}-level rule on column {rule.column}"
        )
        for rule in suite.rules
    ]


def _check_results(outcome: ValidationOutcome) -> list[dg.AssetCheckResult]:
    return [
        dg.AssetCheckResult(
            check_name=o.name,
            passed=o.success,
            severity=dg.AssetCheckSeverity.WARN if o.severity == "warning" else dg.AssetCheckSeverity.ERROR,
            metadata={
                "failing_rows": o.unexpected_count,
                "checked_rows": o.element_count,
                "column": o.column,
            },
        )
        for o in outcome.expectations
    ]


def _metadata(outcome: ValidationOutcome, rows_in: int) -> dict:
    return {
        "rows_in": rows_in,
        "passed": len(outcome.passed),
        "quarantined": rows_in - len(outcome.passed),
        "data_docs": dg.MetadataValue.path(str(outcome.data_docs_index)) if outcome.data_docs_index else "-",
    }


@dg.asset(
    partitions_def=BUSINESS_DATES,
    group_name=GROUP,
    description="Products in standard form: SKU codes normalised, unit aliases replaced, "
    "net content and pack size read from the spec.",
)
def standardised_products(product_records: pd.DataFrame) -> pd.DataFrame:
    return standardise_products(product_records)


@dg.asset(
    partitions_def=BUSINESS_DATES,
    group_name=GROUP,
    description="Price lists whose SKU codes are normalised and resolved to master SKUs "
    "through the product crosswalk.",
)
def standardised_prices(price_records: pd.DataFrame, product_master: ProductMaster) -> pd.DataFrame:
    return resolve_product_codes(standardise_sku_references(price_records), product_master.crosswalk)


@dg.asset(
    partitions_def=BUSINESS_DATES,
    group_name=GROUP,
    description="Promotions whose SKU codes are normalised and resolved to master SKUs "
    "through the product crosswalk.",
)
def standardised_promotions(promotion_records: pd.DataFrame, product_master: ProductMaster) -> pd.DataFrame:
    return resolve_product_codes(standardise_sku_references(promotion_records), product_master.crosswalk)


@dg.asset(
    partitions_def=BUSINESS_DATES,
    group_name=GROUP,
    description="Order lines whose SKU codes are resolved to master SKUs.",
)
def standardised_orders(order_records: pd.DataFrame, product_master: ProductMaster) -> pd.DataFrame:
    return resolve_product_codes(standardise_sku_references(order_records), product_master.crosswalk)


@dg.asset(
    partitions_def=BUSINESS_DATES,
    group_name=GROUP,
    check_specs=_rule_checks("validated_products", build_product_suite()),
    description="Products that meet the SKU master standard; failing rows quarantined by sku_code.",
)
def validated_products(
    channel_mdm: ChannelMdmConfig, product_master: ProductMaster, ingest_quarantine: pd.DataFrame
):
    docs = channel_mdm.settings().reports_dir / "data_docs"
    held = standardise_sku_references(
        quarantined_business_keys(ingest_quarantine, "product").to_frame("sku_code")
    )
    outcome = validate_products(product_master.masters, data_docs_dir=docs, quarantined_skus=held["sku_code"])
    yield dg.Output(outcome, metadata=_metadata(outcome, len(product_master.masters)))
    yield from _check_results(outcome)


@dg.asset(
    partitions_def=BUSINESS_DATES,
    group_name=GROUP,
    check_specs=_rule_checks(
        "validated_prices",
        build_price_suite(valid_skus=pd.Series([], dtype="string"), promotions=pd.DataFrame()),
    ),
    description="Channel price lists that meet the price standard (tiers in order, periods not overlapping, "
    "a promotion code naming a promotion of the SKU that takes effect over the price's period).",
)
def validated_prices(
    channel_mdm: ChannelMdmConfig,
    standardised_prices: pd.DataFrame,
    validated_products: ValidationOutcome,
    standardised_promotions: pd.DataFrame,
):
    docs = channel_mdm.settings().reports_dir / "data_docs"
    outcome = validate_prices(
        standardised_prices,
        products=validated_products,
        data_docs_dir=docs,
        promotions=standardised_promotions,
    )
    yield dg.Output(outcome, metadata=_metadata(outcome, len(standardised_prices)))
    yield from _check_results(outcome)


@dg.asset(
    partitions_def=BUSINESS_DATES,
    group_name=GROUP,
    check_specs=_rule_checks(
        "validated_promotions",
        build_promotion_suite(valid_skus=pd.Series([], dtype="string"), prices=pd.DataFrame()),
    ),
    description="Promotions that meet the promotion standard (above the floor, no overlap unless stackable, "
    "valid SKU, window inside a price period; only 审批/发布 apply); failing rows quarantined by "
    "promotion_code × sku_code.",
)
def validated_promotions(
    channel_mdm: ChannelMdmConfig,
    standardised_promotions: pd.DataFrame,
    validated_products: ValidationOutcome,
    standardised_prices: pd.DataFrame,
):
    docs = channel_mdm.settings().reports_dir / "data_docs"
    outcome = validate_promotions(
        standardised_promotions, validated_products, standardised_prices, data_docs_dir=docs
    )
    yield dg.Output(outcome, metadata=_metadata(outcome, len(standardised_promotions)))
    yield from _check_results(outcome)


@dg.asset(
    partitions_def=BUSINESS_DATES,
    group_name=GROUP,
    check_specs=_rule_checks("validated_volume_bands", build_volume_band_suite()),
    description="Volume-discount bands per tier × channel: contiguous, not overlapping, discount never "
    "falling and within the maximum; failing bands quarantined by price_tier × channel × min_quantity.",
)
def validated_volume_bands(channel_mdm: ChannelMdmConfig, volume_band_records: pd.DataFrame):
    docs = channel_mdm.settings().reports_dir / "data_docs"
    outcome = validate_volume_bands(volume_band_records, data_docs_dir=docs)
    yield dg.Output(outcome, metadata=_metadata(outcome, len(volume_band_records)))
    yield from _check_results(outcome)
