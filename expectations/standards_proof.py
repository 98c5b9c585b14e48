"""The proof that the standards catch what was injected and nothing else.

The sample generator writes ``standards_truth.csv``: every (entity, business key, rule) the standards
must report, with the defect behind it. Here the sample sources are read through their mappings,
standardised and validated (products → prices → promotions → volume bands, as a run does), every
row held back at ingest or reported by a rule is listed the same way, and the two lists are compared
rule by rule: precision (of what a rule reported, how much was injected) and recall (of what was
injected, how much the rule reported with the right rule). Both must be 1.0.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from cleansing.ingest import ingest_source
from cleansing.mapping import load_mappings
from cleansing.product_standardise import standardise_products, standardise_sku_references
from cleansing.quarantine import quarantined_business_keys
from expectations.promotion_suites import (
    PROMOTION_KEY,
    VOLUME_BAND_KEY,
    validate_promotions,
    validate_volume_bands,
)
from expectations.runner import PRICE_KEY, PRODUCT_KEY, ValidationOutcome, validate_prices, validate_products

FLAG_COLUMNS = ["entity", "business_key", "rule"]
PROOF_ENTITIES = ("product", "price", "promotion", "volume_band")
SCORE_COLUMNS = (
    "rule",
    "defect_kinds",
    "injected",
    "reported",
    "caught",
    "missed",
    "false_alarms",
    "precision",
    "recall",
)


def _key_text(value: object) -> str:
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def reported_flags(entity: str, outcome: ValidationOutcome, key: list[str]) -> pd.DataFrame:
    """One row per (business key, rule) an outcome reported, warnings included."""
    q = outcome.quarantined
    keys = q[key].apply(lambda row: "|".join(_key_text(v) for v in row), axis=1) if len(q) else []
    return pd.DataFrame({"entity": entity, "business_key": keys, "rule": q["rule"].to_numpy()})[FLAG_COLUMNS]


def ingest_flags(quarantine: pd.DataFrame) -> pd.DataFrame:
    """Rows held back at ingest, as ``ingest:<reason code>`` flags."""
    if quarantine.empty:
        return pd.DataFrame(columns=FLAG_COLUMNS)
    return pd.DataFrame(
        {
            "entity": quarantine["entity"].to_numpy(),
            "business_key": quarantine["business_key"].astype(str).to_numpy(),
            "rule": ("ingest:" + quarantine["reason_code"].astype(str)).to_numpy(),
        }
    )


@dataclass(frozen=True)
class ProofResult:
    """Per-rule scores and the flags behind any miss or false alarm."""

    scores: pd.DataFrame
    missed: pd.DataFrame
    false_alarms: pd.DataFrame

    @property
    def perfect(self) -> bool:
        return self.missed.empty and self.false_alarms.empty


def score_flags(truth: pd.DataFrame, reported: pd.DataFrame) -> ProofResult:
    """Compare the flags a run reported with the flags the truth expects, rule by rule."""
    expected = truth[[*FLAG_COLUMNS, "defect_kind"]].drop_duplicates(FLAG_COLUMNS)
    found = reported[FLAG_COLUMNS].drop_duplicates()
    joined = expected.merge(found, on=FLAG_COLUMNS, how="outer", indicator=True)
    rows = []
    for rule, group in joined.groupby("rule", sort=True):
        caught = int((group["_merge"] == "both").sum())
        injected = int((group["_merge"] != "right_only").sum())
        reported_n = int((group["_merge"] != "left_only").sum())
        kinds = ", ".join(sorted(group["defect_kind"].dropna().unique())) or "-"
        rows.append(
            (
                rule,
                kinds,
                injected,
                reported_n,
                caught,
                injected - caught,
                reported_n - caught,
                caught / reported_n if reported_n else 1.0,
                caught / injected if injected else 1.0,
            )
        )
    return ProofResult(
        pd.DataFrame(rows, columns=list(SCORE_COLUMNS)),
        joined.loc[joined["_merge"] == "left_only", [*FLAG_COLUMNS, "defect_kind"]].reset_index(drop=True),
        joined.loc[joined["_merge"] == "right_only", FLAG_COLUMNS].reset_index(drop=True),
    )


def run_standards(sources_dir: Path, mappings_dir: Path) -> pd.DataFrame:
    """Read the product, price, promotion and volume-band sources and return every flag raised."""
    results = {
        mapping.entity: ingest_source(mapping, sources_dir)
        for mapping in load_mappings(mappings_dir)
        if mapping.entity in PROOF_ENTITIES
    }
    missing = [entity for entity in PROOF_ENTITIES if entity not in results]
    if missing:
        raise FileNotFoundError(f"{mappings_dir}: no mapping for {', '.join(missing)}")
    held = standardise_sku_references(
        quarantined_business_keys(results["product"].quarantined, "product").to_frame("sku_code")
    )
    products = validate_products(
        standardise_products(results["product"].accepted), quarantined_skus=held["sku_code"]
    )
    prices = standardise_sku_references(results["price"].accepted)
    promotion_rows = standardise_sku_references(results["promotion"].accepted)
    price_outcome = validate_prices(prices, products, promotions=promotion_rows)
    promotions = validate_promotions(promotion_rows, products, prices)
    bands = validate_volume_bands(results["volume_band"].accepted)
    return pd.concat(
        [
            *(ingest_flags(result.quarantined) for result in results.values()),
            reported_flags("product", products, PRODUCT_KEY),
            reported_flags("price", price_outcome, PRICE_KEY),
            reported_flags("promotion", promotions, PROMOTION_KEY),
            reported_flags("volume_band", bands, VOLUME_BAND_KEY),
        ],
        ignore_index=True,
    )


def prove_standards(sources_dir: Path, mappings_dir: Path, truth_file: Path) -> ProofResult:
    """Run the standards on the sample and score them against its ``standards_truth.csv``."""
    truth = pd.read_csv(truth_file, dtype=str, keep_default_na=False)
    return score_flags(truth, run_standards(Path(sources_dir), Path(mappings_dir)))
