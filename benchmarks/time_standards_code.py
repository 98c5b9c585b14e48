"""Time the GX path of the three standards with the code in a given folder (to compare two commits).

Run, for the code of an earlier commit beside the current one, in one invocation::

    git archive 603fd2b | tar -x -C /tmp/standards_before
    for code in /tmp/standards_before .; do .venv/bin/python benchmarks/time_standards_code.py $code 1000000; done

The frames are those of ``benchmarks/bench_standards.py`` (promotions built here, so that the earlier
code needs nothing newer than its own ``validate_frame`` and promotion suite).
"""

from __future__ import annotations

import logging
import sys
import time

import numpy as np
import pandas as pd

_CHANNELS = np.array(["经销", "KA", "电商", "特通"])


def synthetic_promotions(
    skus: np.ndarray, rows: int, defect_rate: float = 0.01, seed: int = 7
) -> pd.DataFrame:
    """Promotion rows on distinct SKU × channel pairs, each defect kind on ``defect_rate`` of the rows:
    below the floor, overlapping the row before, unknown SKU, before the price period, unknown status,
    reversed window."""
    rng = np.random.default_rng(seed)
    index = np.arange(rows)
    sku = skus[index % len(skus)]
    channel = _CHANNELS[(index // len(skus)) % len(_CHANNELS)]
    start = np.datetime64("2026-02-01") + rng.integers(0, 240, rows).astype("timedelta64[D]")
    end = start + rng.integers(10, 45, rows).astype("timedelta64[D]")
    floor = rng.uniform(20, 200, rows).round(2)
    promoted = (floor * 1.08).round(2)
    status = np.where(rng.random(rows) < 0.3, "审批", "发布")
    pick = [rng.random(rows) < defect_rate for _ in range(6)]
    promoted[pick[0]] = (floor[pick[0]] * 0.9).round(2)
    sku[pick[2]] = "9999999999"
    start[pick[3]] = np.datetime64("2025-12-15")
    status[pick[4]] = "草稿"
    start[pick[5]], end[pick[5]] = end[pick[5]], start[pick[5]]
    frame = pd.DataFrame(
        {
            "promotion_code": np.char.add("CX", np.char.zfill(index.astype(str), 8)),
            "status": status,
            "channel": channel,
            "sku_code": sku,
            "promoted_price": np.char.mod("%.2f", promoted),
            "floor_price": np.char.mod("%.2f", floor),
            "stackable": "否",
            "effective_from": start.astype(str),
            "effective_to": end.astype(str),
            "source_file": "dms/promotions.csv",
            "source_row": (index + 2).astype(str),
        },
        dtype="str",
    )
    overlap = np.flatnonzero(pick[1] & (index > 0))
    copies = frame.iloc[overlap - 1].assign(promotion_code=lambda f: f["promotion_code"] + "B")
    return pd.concat([frame, copies], ignore_index=True)


def main() -> None:
    code, rows = sys.argv[1], int(sys.argv[2])
    sys.path.insert(0, code)
    logging.disable(logging.INFO)
    import expectations.runner as runner
    from benchmarks.bench_expectations import synthetic_prices, synthetic_products
    from expectations.promotion_suites import PROMOTION_KEY, build_promotion_suite
    from expectations.suites import build_price_suite, build_product_suite

    products, prices = synthetic_products(rows // 8), synthetic_prices(rows)
    promotions = synthetic_promotions(products["sku_code"].unique(), rows // 10)
    started = time.perf_counter()
    outcome = runner.validate_frame(products, build_product_suite(), runner.PRODUCT_KEY)
    after_products = time.perf_counter()
    valid, rejected = outcome.passed["sku_code"], outcome.quarantined["sku_code"]
    runner.validate_frame(
        prices, build_price_suite(valid_skus=valid, rejected_skus=rejected), runner.PRICE_KEY
    )
    after_prices = time.perf_counter()
    suite = build_promotion_suite(valid_skus=valid, rejected_skus=rejected, prices=prices)
    runner.validate_frame(promotions, suite, PROMOTION_KEY)
    done = time.perf_counter()
    print(
        f"{code}: products {after_products - started:.1f} s, prices {after_prices - after_products:.1f} s, "
        f"promotions {done - after_prices:.1f} s, all {done - started:.1f} s"
    )


if __name__ == "__main__":
    main()
