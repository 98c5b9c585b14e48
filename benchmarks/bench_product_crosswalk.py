"""Product crosswalk accuracy: Abt-Buy (public, English electronics) and generated Chinese channel variants.

Run: ``.venv/bin/python -m benchmarks.bench_product_crosswalk [--products 2000] [--seed 7]``.

Abt-Buy (``../shared/datasets/products``): two retailers' titles of the same products; every record is
a product record of its retailer (source system), with no GTIN, brand or spec column: the matcher has
only the title. The Chinese set is built from the sample generator's product pool: the ERP master,
plus a DMS and a sales-team copy of each product with the variants channels produce — full-width or
lower-case codes with spaces, the channel's own legacy codes, blank GTINs, 500ML vs 500毫升, 12瓶/箱 vs
12×500ml vs 1×12, brand prefixes (【清泉谷】, 清泉谷牌) — and the same brand and name in other pack sizes as
hard negatives; one channel name in ten drops its modifier (含气天然矿泉水 written 天然矿泉水) and one in
ten has no spec. Figures are pairwise precision, recall and F1 of the master SKU each record is mapped
to, the review-band pairs (and how many of them are true matches), blocking's pair completeness and
the wall time.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

from benchmarks.public_datasets import DatasetMissing, load_abt_buy
from benchmarks.scoring import pair_completeness, score_pairwise
from mdm.product_match import candidate_pairs, match_products
from sample_data.identifiers import make_gtin13
from sample_data.products import CATEGORIES, build_products

MODIFIERS = sorted({m for category in CATEGORIES for m in category.modifiers if m}, key=len, reverse=True)


def _to_full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def _spec_variant(spec: str, rng: np.random.Generator) -> str:
    """The ERP spec as a channel writes it: 500ML*24, 500毫升×24瓶/箱, 24×500ml/箱, 500ml×1×24 or unchanged."""
    choice = rng.integers(0, 5)
    if choice == 0:
        return spec.replace("ml", "ML").replace("×", "*")
    if choice == 1:
        return spec.replace("ml", "毫升").replace("L", "升").replace("kg", "公斤")
    if "×" in spec and "/" in spec and choice in (2, 3):  # 500ml×12瓶/箱
        content, rest = spec.split("×", 1)
        count = "".join(ch for ch in rest if ch.isdigit())
        return f"{count}×{content}/{rest.rsplit('/', 1)[-1]}" if choice == 2 else f"{content}×1×{count}"
    return spec


def _master_products(rng: np.random.Generator, n: int) -> pd.DataFrame:
    """``n`` distinct ERP products; past the generator's pool (a few thousand) the pool is repeated under
    numbered brands (清泉谷 → 清泉谷7) with their own codes and GTINs, so scale tests stay distinct products."""
    first = build_products(rng, n)
    parts, family = [first], 1
    while sum(len(p) for p in parts) < n:
        copy = build_products(rng, n - sum(len(p) for p in parts))
        brand = copy["brand"] + str(family)
        parts.append(
            copy.assign(
                product_name=[
                    name.replace(b, nb, 1)
                    for name, b, nb in zip(copy["product_name"], copy["brand"], brand, strict=True)
                ],
                brand=brand,
                sku_code="F" + str(family) + copy["sku_code"].str[2:],
                gtin=[make_gtin13("69" + f"{family:03d}", 10_000 + i) for i in range(len(copy))],
            )
        )
        family += 1
    return pd.concat(parts, ignore_index=True)


def chinese_variants(n: int, seed: int) -> tuple[pd.DataFrame, np.ndarray]:
    """ERP masters and two channel copies per product; truth = the ERP code of the product."""
    rng = np.random.default_rng(seed)
    master = _master_products(rng, n)
    rows, truth = [], []
    for product in master.itertuples(index=False):
        rows.append(
            ("erp", product.sku_code, product.gtin, product.product_name, product.brand, product.spec)
        )
        truth.append(product.sku_code)
        for system in ("dms", "sales"):
            u = rng.random(4)
            if u[0] < 0.3:
                code = _to_full_width(product.sku_code)
            elif u[0] < 0.45:
                code = " ".join([product.sku_code[:4], product.sku_code[4:]])
            else:
                code = f"{system[0].upper()}{rng.integers(10**5, 10**6)}"
            gtin = product.gtin if u[1] < 0.4 else None
            base = product.product_name.split(" ")[0].replace(product.brand, "")
            spec = _spec_variant(product.spec, rng)
            if u[3] < 0.1:  # a salesperson's short name: the modifier (含气, 无糖, 原味) left out
                base = next((base.replace(m, "", 1) for m in MODIFIERS if base.startswith(m)), base)
            elif u[3] < 0.2:  # no spec column filled
                spec = None
            brand_style = rng.integers(0, 3)
            name = (f"【{product.brand}】{base}", f"{product.brand}牌{base}", f"{product.brand}{base}")[
                brand_style
            ]
            brand = product.brand if u[2] < 0.6 else None
            rows.append((system, code, gtin, name, brand, spec))
            truth.append(product.sku_code)
    frame = pd.DataFrame(rows, columns=["source_system", "sku_code", "gtin", "product_name", "brand", "spec"])
    return frame, np.array(truth, dtype=object)


def abt_buy() -> tuple[pd.DataFrame, np.ndarray]:
    data = load_abt_buy()
    records = pd.DataFrame(
        {
            "source_system": data.records["source"],
            "sku_code": data.records["record_id"],
            "gtin": None,
            "product_name": data.records["title"],
            "brand": None,
            "spec": None,
        }
    )
    return records, data.truth.to_numpy(dtype=object)


def measure(name: str, records: pd.DataFrame, truth: np.ndarray) -> dict:
    started = time.perf_counter()
    result = match_products(records, {"erp": 1, "abt": 1, "dms": 2, "buy": 2, "sales": 3})
    seconds = time.perf_counter() - started
    scores = score_pairwise(result.crosswalk["sku_code"].to_numpy(dtype=object), truth)
    pairs = candidate_pairs(result.records)
    left = np.array([p[0] for p in pairs], dtype=np.int64)
    right = np.array([p[1] for p in pairs], dtype=np.int64)
    methods = result.crosswalk["match_method"].value_counts().to_dict()
    label = dict(zip(zip(records["source_system"], records["sku_code"], strict=True), truth, strict=True))
    review = result.review
    true_in_review = sum(
        label.get((a, b)) == label.get((c, d))
        for a, b, c, d in review[
            ["left_source_system", "left_source_code", "right_source_system", "right_source_code"]
        ].itertuples(index=False)
    )
    return {
        "set": name,
        "records": len(records),
        "precision": round(scores["pair_precision"], 3),
        "recall": round(scores["pair_recall"], 3),
        "f1": round(scores["pair_f1"], 3),
        "review_pairs": len(review),
        "true_matches_in_review": int(true_in_review),
        "candidate_pairs": len(pairs),
        "pair_completeness": round(pair_completeness(left, right, truth), 3),
        "by_method": methods,
        "seconds": round(seconds, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--products", type=int, default=2000, help="distinct products in the Chinese set")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    results = []
    try:
        results.append(measure("abt_buy", *abt_buy()))
    except DatasetMissing as exc:
        print(f"abt_buy skipped: {exc}")
    results.append(measure("chinese_channel_variants", *chinese_variants(args.products, args.seed)))
    for row in results:
        print(row)


if __name__ == "__main__":
    main()
