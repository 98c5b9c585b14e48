"""The product crosswalk and channel prices in the store: a legacy-coded price loads under its master SKU."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import select

from mdm.product_master import build_product_master, resolve_product_codes
from migration.load import load_all
from migration.models import TABLES

PRODUCTS = pd.DataFrame(
    {
        "source_system": ["erp", "dms"],
        "sku_code": ["1001000001", "QY-550"],
        "gtin": ["6901234567892", "06901234567892"],
        "product_name": ["清泉谷天然矿泉水 550ml", "矿泉水550"],
        "brand": ["清泉谷", None],
        "spec": ["550ml×24瓶/箱", "550ml*24"],
        "tax_rate": ["0.13", None],
    }
)
PRICES = pd.DataFrame(
    {
        "source_system": ["dms", "dms"],
        "sku_code": ["QY-550", "QY-550"],
        "price_tier": ["tier1", "tier1"],
        "sales_region": ["华东", "华东"],
        "channel": ["经销", "KA"],
        "customer_level": ["", "A"],
        "price": ["40.00", "41.50"],
        "discount_rate": ["", "0.05"],
        "effective_from": ["2026-01-01", "2026-01-01"],
    }
)


def test_crosswalk_and_channel_prices_load_and_rerun_unchanged(store) -> None:
    master = build_product_master(PRODUCTS, {"erp": 1, "dms": 2})
    prices = resolve_product_codes(PRICES, master.crosswalk)
    frames = {"product": master.masters, "product_crosswalk": master.crosswalk, "price": prices}

    first = load_all(store, frames, "B1")
    again = load_all(store, frames, "B2")

    assert first["product_crosswalk"].inserted == 2 and first["price"].inserted == 2
    assert all(s.inserted == s.updated == 0 for s in again.values())
    with store.connect() as connection:
        crosswalk = TABLES["product_crosswalk"]
        rows = connection.execute(
            select(
                crosswalk.c.source_system,
                crosswalk.c.source_code,
                crosswalk.c.sku_code,
                crosswalk.c.match_method,
            ).order_by(crosswalk.c.source_system)
        ).all()
        price = TABLES["price"]
        stored = connection.execute(
            select(
                price.c.sku_code,
                price.c.channel,
                price.c.customer_level,
                price.c.discount_rate,
                price.c.price_excl_tax,
            ).order_by(price.c.channel)
        ).all()
    assert [tuple(r) for r in rows] == [
        ("dms", "QY-550", "1001000001", "gtin"),
        ("erp", "1001000001", "1001000001", "master"),
    ]
    assert [(r[0], r[1], r[2], None if r[3] is None else str(r[3]), str(r[4])) for r in stored] == [
        ("1001000001", "KA", "A", "0.0500", "36.73"),
        ("1001000001", "经销", "*", None, "35.40"),
    ]
