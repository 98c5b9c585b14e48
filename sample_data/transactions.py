"""Open balances per ERP partner and DMS order lines priced from the channel price list."""

from __future__ import annotations

import numpy as np
import pandas as pd

ORDER_STATUSES: tuple[str, ...] = ("已完成", "已发货", "待审核", "已取消")
BALANCE_AS_OF = "20261031"


def build_balances(rng: np.random.Generator, erp_partners: pd.DataFrame) -> pd.DataFrame:
    """One balance for most ERP partner codes; a few are prepayments (negative)."""
    keep = rng.random(len(erp_partners)) < 0.9
    p = erp_partners[keep]
    n = len(p)
    tier1 = (p["channel_tier"] == "1").to_numpy()
    amount = np.exp(rng.normal(np.where(tier1, 12.0, 10.8), 1.0))
    prepaid = rng.random(n) < 0.08
    amount = np.where(prepaid, -rng.uniform(1_000, 60_000, n), amount)
    limit = np.ceil(np.abs(amount) * rng.uniform(1.2, 2.0, n) / 10_000) * 10_000
    return pd.DataFrame(
        {
            "partner_record_id": p["source_record_id"].to_numpy(),
            "partner_name": p["partner_name"].to_numpy(),
            "balance_amount": np.round(amount, 2),
            "credit_limit": limit,
            "as_of_date": BALANCE_AS_OF,
            "currency": "CNY",
        }
    )


def _price_lookup(prices: pd.DataFrame) -> dict[tuple[str, str], list[tuple[str, str, str, float]]]:
    """(tier, region) → [(sku, from, to, price)] for prices that exist."""
    lookup: dict[tuple[str, str], list[tuple[str, str, str, float]]] = {}
    usable = prices[prices["price_tier"].isin(["tier1", "tier2"]) & prices["price"].notna()]
    for row in usable.itertuples(index=False):
        lookup.setdefault((row.price_tier, row.sales_region), []).append(
            (row.sku_code, row.effective_from, row.effective_to, float(row.price))
        )
    return lookup


def build_orders(
    rng: np.random.Generator, dealers: pd.DataFrame, prices: pd.DataFrame, n_lines: int
) -> pd.DataFrame:
    """Order lines from DMS dealers: each line's unit price is the dealer's tier price for its
    region on the order date, and amount = quantity × unit price."""
    lookup = _price_lookup(prices)
    active = dealers[dealers["status"] == "active"].reset_index(drop=True)
    start, span = np.datetime64("2025-03-01"), 610
    rows: list[tuple] = []
    order_seq = 0
    while len(rows) < n_lines and len(active):
        d = active.iloc[int(rng.integers(0, len(active)))]
        tier = "tier1" if d["channel_tier"] == "1" else "tier2"
        date = str(start + np.timedelta64(int(rng.integers(0, span)), "D"))
        offers = [
            o
            for o in lookup.get((tier, d["sales_region"]), [])
            if o[1] <= date and (not o[2] or date <= o[2])
        ]
        if not offers:
            continue
        order_seq += 1
        order_no = f"SO{date.replace('-', '')}{order_seq:05d}"
        status = ORDER_STATUSES[int(rng.choice(4, p=[0.8, 0.1, 0.05, 0.05]))]
        k = min(len(offers), int(rng.integers(1, 7)))
        for line_no, i in enumerate(rng.choice(len(offers), size=k, replace=False), start=1):
            sku, _, _, price = offers[int(i)]
            qty = int(max(1, round(float(np.exp(rng.normal(3.0 if tier == "tier1" else 2.0, 0.8))))))
            rows.append(
                (
                    order_no,
                    line_no,
                    d["source_record_id"],
                    date,
                    sku,
                    qty,
                    price,
                    round(qty * price, 2),
                    status,
                )
            )
    return pd.DataFrame(
        rows[: max(n_lines, 0)],
        columns=[
            "order_no",
            "line_no",
            "partner_record_id",
            "order_date",
            "sku_code",
            "quantity",
            "unit_price",
            "amount",
            "status",
        ],
    )
