"""What the product and price standards must hold back in the written sample, by business key and rule.

Worked out from what the generator did, in plain terms, not by calling the standards: a row whose
GTIN was given a wrong check digit must fail ``gtin_valid``; a blanked name is refused at ingest; a
SKU code entered for two products fails uniqueness; every price of a product the standard holds back
fails ``unknown_sku``; both rows of an inverted or overlapping pair are reported. Repairs the tool
makes on its own (unit aliases, lost leading zeros) are not defects at validation.
"""

from __future__ import annotations

import pandas as pd

from sample_data.identifiers import gtin_check_digit
from sample_data.products import NATIONAL_REGION
from sample_data.promotions import StandardsTruth

INGEST_MISSING = "ingest:missing_required"
"""The reason code ingest gives a row whose required column is blank."""


def _gtin_valid(gtin: str) -> bool:
    return gtin.isdigit() and len(gtin) in (8, 12, 13, 14) and gtin_check_digit(gtin[:-1]) == gtin[-1]


def add_product_truth(products: pd.DataFrame, defects: pd.DataFrame, truth: StandardsTruth) -> set[str]:
    """Record the product rows the standard must report; return the SKUs it must hold back."""
    kinds = defects[defects["entity"] == "product"].groupby("record_key")["defect_kind"].first().to_dict()
    named = products["product_name"].astype(str).str.len() > 0
    rejected: set[str] = set()
    for sku in products.loc[~named, "sku_code"]:
        truth.add("product", sku, INGEST_MISSING, "missing_required")
        rejected.add(sku)
    reaching = products[named]
    for sku, gtin in zip(reaching["sku_code"], reaching["gtin"], strict=True):
        if not gtin:
            truth.add("product", sku, "gtin_present", kinds.get(sku, "missing_required"))
        elif not _gtin_valid(gtin):
            truth.add(
                "product",
                sku,
                "gtin_valid",
                "invalid_gtin" if kinds.get(sku) != "duplicate_sku" else "duplicate_sku",
            )
            rejected.add(sku)
    duplicated = products["sku_code"][products["sku_code"].duplicated()].unique()
    for sku in duplicated:
        truth.add("product", sku, "sku_code_unique", "duplicate_sku")
        rejected.add(sku)
    valid = reaching[reaching["gtin"].map(lambda g: bool(g) and _gtin_valid(g))]
    for column, other, rule in (
        ("sku_code", "gtin", "one_gtin_per_sku"),
        ("gtin", "sku_code", "one_sku_per_gtin"),
    ):
        shared = valid.groupby(column)[other].nunique()
        for value in shared[shared > 1].index:
            for sku in valid.loc[valid[column] == value, "sku_code"].unique():
                truth.add("product", sku, rule, "duplicate_sku")
                rejected.add(sku)
    return rejected


def _key(sku: str, tier: str, region: str, start: str) -> str:
    return f"{sku}|{tier}|{region}|{start}"


def add_price_truth(
    written: pd.DataFrame, defects: pd.DataFrame, rejected: set[str], truth: StandardsTruth
) -> None:
    """Record the price rows the standard must report, given the SKUs the product standard holds back."""
    keys = [
        _key(*row)
        for row in written[["sku_code", "price_tier", "sales_region", "effective_from"]].itertuples(
            index=False
        )
    ]
    written = written.assign(key=keys)
    missing = written["price"].isna().to_numpy()
    for key in written.loc[missing, "key"]:
        truth.add("price", key, INGEST_MISSING, "missing_price")
    reaching = written[~missing]
    for key in reaching.loc[reaching["sku_code"].isin(rejected), "key"]:
        truth.add("price", key, "unknown_sku", "rejected_product")
    present = set(reaching["key"])
    price_defects = defects[defects["entity"] == "price"]
    for key in price_defects.loc[price_defects["defect_kind"] == "overlapping_price_period", "record_key"]:
        sku, tier, region, _start = key.split("|")
        later = _key(sku, tier, region, "2026-01-01")
        if key in present and later in present:
            truth.add("price", key, "no_period_overlap", "overlapping_price_period")
            truth.add("price", later, "no_period_overlap", "overlapping_price_period")
    rank = {"factory": 0, "tier1": 1, "tier2": 2, "retail": 3}
    for key in price_defects.loc[price_defects["defect_kind"] == "price_tier_inversion", "record_key"]:
        if key not in present:
            continue
        row = reaching[reaching["key"] == key].iloc[0]
        # The raised price conflicts with every higher tier of the same SKU and period that it now exceeds,
        # in its own region or (for a national price) in any.
        same = reaching[
            (reaching["sku_code"] == row["sku_code"]) & (reaching["effective_from"] == row["effective_from"])
        ]
        regional = same["sales_region"] == row["sales_region"]
        if row["sales_region"] == NATIONAL_REGION:
            regional = regional | True
        higher = same["price_tier"].map(rank) > rank[row["price_tier"]]
        partners = same[regional & higher & (same["price"].astype(float) < float(row["price"]))]
        truth.add("price", key, "no_tier_inversion", "price_tier_inversion")
        for partner in partners["key"]:
            truth.add("price", partner, "no_tier_inversion", "price_tier_inversion")
