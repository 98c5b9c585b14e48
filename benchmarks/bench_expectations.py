"""How long the product and price suites take through Great Expectations on synthetic frames.

Run: ``.venv/bin/python -m benchmarks.bench_expectations --rows 1000000``
Frames are all text, as ingested, with ``--defect-rate`` (default 1%) of rows carrying each defect a
rule targets, so the COMPLETE result format has real unexpected lists to return; GX's cost grows
with the number of failing rows. ``--docs`` also writes Data Docs.
"""

from __future__ import annotations

import argparse
import logging
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from cleansing.gtin import gtin_check_digit
from expectations.runner import validate_prices, validate_products

_SPECS = np.array(["500ml×12瓶/箱", "250g*20袋/箱", "2斤/袋", "1.5L*6", "5L/桶", "见包装"])
_UNITS = np.array(["箱", "袋", "瓶", "件", "桶", "CTN"])
_REGIONS = np.array(["华东", "华南", "华北", "西南"])


def _gtins(rng: np.random.Generator, n: int) -> np.ndarray:
    # distinct bodies: a GTIN shared by two SKUs is a defect of its own (one_sku_per_gtin)
    bodies = np.char.add("69234", np.char.zfill(rng.choice(10**7, n, replace=False).astype(str), 7))
    lookup = {b: gtin_check_digit(b) for b in np.unique(bodies)}
    return np.array([b + str(lookup[b]) for b in bodies])


def _weights(clean: list[float], defect_rate: float) -> list[float]:
    """Choice weights for clean values scaled to leave ``defect_rate`` for the last (bad) value."""
    total = sum(clean)
    return [w / total * (1 - defect_rate) for w in clean] + [defect_rate]


def synthetic_products(rows: int, defect_rate: float = 0.01, seed: int = 20261126) -> pd.DataFrame:
    """Product rows; each defect kind hits about ``defect_rate`` (or half of it) of the rows."""
    rng = np.random.default_rng(seed)
    codes = np.char.add("10", np.char.zfill(np.arange(rows).astype(str), 8))
    duplicate = rng.random(rows) < defect_rate / 2
    codes[duplicate] = codes[np.maximum(np.flatnonzero(duplicate) - 1, 0)]
    gtins = _gtins(rng, rows)
    broken = rng.random(rows) < defect_rate
    gtins[broken] = [g[:12] + str((int(g[12]) + 1) % 10) for g in gtins[broken]]  # wrong check digit
    return pd.DataFrame(
        {
            "sku_code": codes,
            "gtin": gtins,
            "product_name": np.where(rng.random(rows) < defect_rate / 2, "", "清泉谷天然矿泉水"),
            "spec": _SPECS[rng.choice(len(_SPECS), rows, p=_weights([0.4, 0.3, 0.1, 0.1, 0.1], defect_rate))],
            "sales_unit": _UNITS[
                rng.choice(len(_UNITS), rows, p=_weights([0.5, 0.2, 0.1, 0.1, 0.1], defect_rate))
            ],
            "tax_rate": np.where(rng.random(rows) < defect_rate / 2, "0.10", "0.13"),
            "category": np.where(rng.random(rows) < defect_rate / 2, "未知品类", "调味品"),
            "brand": "清泉谷",
            "source_system": "erp",
            "source_file": "erp/products.xlsx",
            "source_row": (np.arange(rows) + 3).astype(str),
        },
        dtype="str",
    )


def synthetic_prices(rows: int, defect_rate: float = 0.01, seed: int = 20261126) -> pd.DataFrame:
    """Eight prices per SKU: national factory and retail, tier-1 and tier-2 in three regions."""
    rng = np.random.default_rng(seed)
    skus = rows // 8
    sku = np.repeat(np.char.add("10", np.char.zfill(np.arange(skus).astype(str), 8)), 8)
    tier = np.tile(
        np.array(["出厂价", "零售价", "一批价", "二批价", "一批价", "二批价", "一批价", "二批价"]), skus
    )
    region = np.tile(np.array(["全国", "全国", *np.repeat(_REGIONS[:3], 2)]), skus)
    factory = np.repeat(rng.uniform(20, 200, skus), 8)
    step = np.tile(np.array([1.0, 1.6, 1.1, 1.2, 1.1, 1.2, 1.1, 1.2]), skus)
    price = factory * step
    inverted = rng.random(len(price)) < defect_rate
    price[inverted] *= 1.5
    price_text = np.char.mod("%.2f", price)
    price_text[rng.random(len(price)) < defect_rate / 2] = ""
    effective_to = np.where(rng.random(len(price)) < defect_rate, "2025-12-31", "")
    return pd.DataFrame(
        {
            "sku_code": sku,
            "price_tier": tier,
            "sales_region": region,
            "price": price_text,
            "currency": "CNY",
            "effective_from": "2026-01-01",
            "effective_to": effective_to,
            "source_system": "dms",
            "source_file": "dms/price_list.csv",
            "source_row": (np.arange(len(sku)) + 2).astype(str),
        },
        dtype="str",
    )


def _time(label: str, fn):
    start = time.perf_counter()
    result = fn()
    elapsed = time.perf_counter() - start
    print(f"{label:<40} {elapsed:8.2f} s")
    return result, elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--defect-rate", type=float, default=0.01, help="share of rows per defect kind")
    parser.add_argument("--docs", action="store_true", help="also write Data Docs")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="  %(message)s")
    logging.getLogger("great_expectations").setLevel(logging.WARNING)
    products = synthetic_products(args.rows, args.defect_rate)
    prices = synthetic_prices(args.rows, args.defect_rate)
    with tempfile.TemporaryDirectory(prefix="bench_docs_") as folder:
        docs = Path(folder) if args.docs else None
        print(
            f"{len(products):,} product rows, {len(prices):,} price rows, Data Docs: {'on' if docs else 'off'}"
        )
        product_outcome, _ = _time("validate_products", lambda: validate_products(products, docs))
        price_outcome, _ = _time(
            "validate_prices (with unknown_sku)", lambda: validate_prices(prices, product_outcome, docs)
        )
    for outcome in (product_outcome, price_outcome):
        counts = outcome.rule_counts()
        failing = counts[counts["unexpected_count"] > 0]
        print(
            f"{outcome.suite_name}: {len(outcome.passed):,} passed, {len(outcome.quarantined):,} quarantine rows"
        )
        print("  " + ", ".join(f"{r.rule}={r.unexpected_count:,}" for r in failing.itertuples()))


if __name__ == "__main__":
    main()
