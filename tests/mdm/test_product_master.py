"""Master products: duplicates merged, conflicts kept apart for the standard, legacy codes resolved."""

from __future__ import annotations

import pandas as pd

from mdm.product_master import build_product_master, resolve_product_codes

TRUST = {"erp": 1, "dms": 2}
PRODUCTS = pd.DataFrame(
    {
        "source_system": ["erp", "erp", "erp", "erp", "dms"],
        "source_row": ["3", "4", "5", "6", "2"],
        "sku_code": ["1001", "1001", "1002", "1002", "D-77"],
        "gtin": ["6901234567892", "6901234567892", "6901234567809", "6901234567816", "06901234567892"],
        "product_name": ["矿泉水 550ml", "矿泉水 550ml", "纯净水", "苏打水", "矿泉水"],
        "brand": ["清泉谷", "清泉谷", "清泉谷", "清泉谷", None],
        "spec": ["550ml×24瓶/箱", None, "550ml×24瓶/箱", "550ml×24瓶/箱", "550ml*24"],
        "category": [None, "饮用水", "饮用水", "饮用水", "饮用水"],
    }
)


def test_the_same_product_twice_becomes_one_master_filled_from_every_copy() -> None:
    master = build_product_master(PRODUCTS, TRUST)
    first = master.masters[master.masters["sku_code"] == "1001"]
    assert len(first) == 1
    row = first.iloc[0]
    assert (row["source_row"], row["source_count"]) == ("3", 3)  # the ERP row leads
    assert row["category"] == "饮用水"  # blank in the ERP row, taken from its copies
    assert row["product_name"] == "矿泉水 550ml"


def test_one_code_for_two_products_stays_two_rows_for_the_standard_to_hold() -> None:
    master = build_product_master(PRODUCTS, TRUST)
    assert master.masters[master.masters["sku_code"] == "1002"]["gtin"].tolist() == [
        "6901234567809",
        "6901234567816",
    ]


def test_the_crosswalk_has_one_row_per_source_code() -> None:
    crosswalk = build_product_master(PRODUCTS, TRUST).crosswalk
    assert crosswalk[["source_system", "source_code", "sku_code", "match_method"]].values.tolist() == [
        ["erp", "1001", "1001", "master"],
        ["erp", "1002", "1002", "master"],
        ["dms", "D-77", "1001", "gtin"],
    ]


def test_prices_and_orders_with_a_legacy_code_resolve_to_the_master_sku() -> None:
    crosswalk = build_product_master(PRODUCTS, TRUST).crosswalk
    prices = pd.DataFrame(
        {"source_system": ["dms", "dms", "sales", "dms"], "sku_code": ["D-77", "1002", "ｄ-77", "X1"]}
    )
    out = resolve_product_codes(prices, crosswalk)
    assert out["sku_code"].tolist() == ["1001", "1002", "1001", "X1"]
    assert out["source_sku_code"].tolist() == ["D-77", "1002", "ｄ-77", "X1"]
    assert out["data_flags"].tolist() == [
        "sku_code:resolved_to_master",
        "",
        "sku_code:resolved_to_master",
        "",
    ]
