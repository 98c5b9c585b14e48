"""The product + price + promotion standards on a million price rows, through GX and in plain pandas.

Run: ``.venv/bin/python -m benchmarks.bench_standards --price-rows 1000000``

One SKU per eight price rows (``--price-rows / 8`` products) and one promotion row per ten price rows,
all text as ingested, with ``--defect-rate`` (default 1 %) of rows carrying each defect a rule targets.
Each suite runs twice in the same process: through Great Expectations (``validate_frame``, no Data Docs)
and as the same rules in plain pandas — the same cross-row preparation, then each expectation's row
condition evaluated with pandas and the failing positions collected — so the difference is what GX costs.
The two must agree on every rule's failing-row count. The machine is shared: read the ratio, not the
seconds. Finally the sample's standards proof (precision and recall per rule) is printed.
"""

from __future__ import annotations

import argparse
import logging
import time
from pathlib import Path

import numpy as np
import pandas as pd

from benchmarks.bench_expectations import synthetic_prices, synthetic_products
from benchmarks.time_standards_code import synthetic_promotions
from expectations.custom import COLUMN_CONDITIONS
from expectations.promotion_suites import PROMOTION_KEY, build_promotion_suite
from expectations.runner import (
    PRICE_KEY,
    PRODUCT_KEY,
    ValidationOutcome,
    _blanks_to_missing,
    _quarantine_rows,
    validate_frame,
)
from expectations.standards_proof import prove_standards
from expectations.suites import SuiteDefinition, build_price_suite, build_product_suite

ROOT = Path(__file__).resolve().parents[1]


def _pandas_failing(rule, prepared: pd.DataFrame) -> np.ndarray:
    """The positions a rule fails, evaluated in plain pandas exactly as GX judges its expectation."""
    expectation = rule.expectation
    kind = type(expectation).__name__
    if kind == "ExpectColumnPairValuesAToBeGreaterThanB":
        a, b = prepared[expectation.column_A], prepared[expectation.column_B]
        both = a.notna() & b.notna()
        return np.flatnonzero((both & (a < b)).to_numpy(dtype=bool))
    column = prepared[expectation.column]
    present = column.notna().to_numpy(dtype=bool)
    if kind == "ExpectColumnValuesToNotBeNull":
        return np.flatnonzero(~present)
    if kind == "ExpectColumnValuesToBeNull":
        return np.flatnonzero(present)
    if kind == "ExpectColumnValuesToBeInSet":
        return np.flatnonzero(present & ~column.isin(expectation.value_set).to_numpy(dtype=bool))
    condition = COLUMN_CONDITIONS[expectation.map_metric]
    good = np.ones(len(column), dtype=bool)
    values = column[present]
    kwargs = {"value_set": expectation.value_set} if hasattr(expectation, "value_set") else {}
    good[present] = condition(values, **kwargs)
    return np.flatnonzero(~good)


def validate_in_pandas(frame: pd.DataFrame, definition: SuiteDefinition, key: list[str]) -> dict[str, int]:
    """The suite's rules without GX: the same preparation, then one pandas condition per rule."""
    optional = [c for c in definition.optional_columns if c in frame.columns]
    columns = list(dict.fromkeys([*definition.required_columns, *key, *optional]))
    narrow = frame[columns + (["source_row"] if "source_row" in frame.columns else [])]
    prepared = definition.prepare(_blanks_to_missing(narrow, columns)).reset_index(drop=True)
    counts = {}
    source = frame.reset_index(drop=True)
    for rule in definition.rules:
        positions = _pandas_failing(rule, prepared)
        if len(positions):  # the same quarantine rows, reasons included, as the GX run builds
            _quarantine_rows(source, prepared, rule, positions, key)
        counts[rule.name] = len(positions)
    return counts


def _timed(fn):
    start = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - start


def _counts(outcome: ValidationOutcome) -> dict[str, int]:
    return {o.name: o.unexpected_count for o in outcome.expectations}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--price-rows", type=int, default=1_000_000)
    parser.add_argument("--defect-rate", type=float, default=0.01)
    parser.add_argument("--no-proof", action="store_true", help="skip the sample's precision/recall proof")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("great_expectations").setLevel(logging.WARNING)
    for name in list(logging.root.manager.loggerDict):
        if name.startswith("great_expectations"):  # some GX modules set their own level on import
            logging.getLogger(name).setLevel(logging.WARNING)
    products = synthetic_products(args.price_rows // 8, args.defect_rate)
    prices = synthetic_prices(args.price_rows, args.defect_rate)
    promotions = synthetic_promotions(products["sku_code"].unique(), args.price_rows // 10, args.defect_rate)
    print(f"{len(products):,} products, {len(prices):,} prices, {len(promotions):,} promotions")
    totals = {"GX": 0.0, "pandas": 0.0}

    product_outcome, gx_time = _timed(lambda: validate_frame(products, build_product_suite(), PRODUCT_KEY))
    suites = [("products", products, build_product_suite(), PRODUCT_KEY, product_outcome, gx_time)]
    price_suite = build_price_suite(
        valid_skus=product_outcome.passed["sku_code"],
        rejected_skus=product_outcome.quarantined["sku_code"],
    )
    price_outcome, gx_time = _timed(lambda: validate_frame(prices, price_suite, PRICE_KEY))
    suites.append(("prices", prices, price_suite, PRICE_KEY, price_outcome, gx_time))
    promotion_suite = build_promotion_suite(
        valid_skus=product_outcome.passed["sku_code"],
        rejected_skus=product_outcome.quarantined["sku_code"],
        prices=prices,
    )
    promotion_outcome, gx_time = _timed(lambda: validate_frame(promotions, promotion_suite, PROMOTION_KEY))
    suites.append(("promotions", promotions, promotion_suite, PROMOTION_KEY, promotion_outcome, gx_time))

    print(f"{'suite':<12}{'rows':>11}{'GX':>9}{'pandas':>9}{'GX/pandas':>11}  failing rows (GX = pandas)")
    for name, frame, suite, key, outcome, gx_seconds in suites:
        counts, pandas_seconds = _timed(
            lambda frame=frame, suite=suite, key=key: validate_in_pandas(frame, suite, key)
        )
        agree = counts == _counts(outcome)
        totals["GX"] += gx_seconds
        totals["pandas"] += pandas_seconds
        print(
            f"{name:<12}{len(frame):>11,}{gx_seconds:>8.1f}s{pandas_seconds:>8.1f}s{gx_seconds / pandas_seconds:>10.2f}x"
            f"  {sum(counts.values()):,} ({'agree' if agree else 'DIFFER'})"
        )
        if not agree:
            print(
                "  differing rules:",
                {r: (c, _counts(outcome)[r]) for r, c in counts.items() if c != _counts(outcome)[r]},
            )
    print(
        f"{'all three':<12}{'':>11}{totals['GX']:>8.1f}s{totals['pandas']:>8.1f}s"
        f"{totals['GX'] / totals['pandas']:>10.2f}x"
    )
    if not args.no_proof:
        proof = prove_standards(
            ROOT / "sample_data/sources",
            ROOT / "sample_data/mappings",
            ROOT / "sample_data/ground_truth/standards_truth.csv",
        )
        worst = proof.scores[["precision", "recall"]].min()
        print(
            f"standards proof on the sample: {len(proof.scores)} rules, {int(proof.scores['injected'].sum()):,} "
            f"expected flags; lowest precision {worst['precision']:.3f}, lowest recall {worst['recall']:.3f}"
        )


if __name__ == "__main__":
    main()
