"""Products are brought into standard form before any rule judges them."""

from __future__ import annotations

import pandas as pd
import pytest

from cleansing.product_standardise import (
    standard_code,
    standardise_products,
    standardise_sku_references,
)


@pytest.mark.parametrize(
    ("written", "standard"),
    [
        ("ab-１２３ ", "AB-123"),
        ("ＳＫＵ　００１", "SKU001"),
        ("\u200b1001000001", "1001000001"),
        ("1001 000 001", "1001000001"),
        ("   ", None),
    ],
)
def test_sku_codes_compare_as_systems_do(written: str, standard: str | None) -> None:
    assert standard_code(written) == standard


def test_normalising_twice_changes_nothing() -> None:
    once = standard_code("ａｂ-１２３ ")
    assert standard_code(once) == once


def test_unit_aliases_become_the_standard_unit_and_say_so() -> None:
    products = pd.DataFrame(
        {
            "sku_code": ["1001", "1002", "1003", "1004", "1005"],
            "sales_unit": ["PCS", "瓶装", "箱装", "箱", "托"],
            "data_flags": ["", "gtin:was_numeric", None, "", ""],
        }
    )
    out = standardise_products(products)
    assert out["sales_unit"].tolist() == ["件", "瓶", "箱", "箱", "托"]  # unknown 托 is left for the rule
    assert out["data_flags"].tolist() == [
        "sales_unit:alias_standardised",
        "gtin:was_numeric;sales_unit:alias_standardised",
        "sales_unit:alias_standardised",
        "",
        "",
    ]


def test_spec_fills_net_content_pack_size_and_unit_family() -> None:
    products = pd.DataFrame(
        {
            "sku_code": ["A", "B", "C", "D"],
            "spec": ["500ML×12瓶/箱", "500毫升*12瓶/箱", "2斤/袋", "1.5升×6"],
        }
    )
    out = standardise_products(products)
    assert out["net_content"].tolist() == ["500", "500", "1000", "1500"]
    assert out["net_content_unit"].tolist() == ["ml", "ml", "g", "ml"]
    assert out["units_per_case"].tolist()[:2] == ["12", "12"] and pd.isna(out["units_per_case"].iloc[2])
    assert out["data_flags"].tolist() == ["spec:parsed_into_columns"] * 4


def test_prices_and_orders_get_the_same_code_form() -> None:
    prices = pd.DataFrame({"sku_code": ["ab-１２３", "AB-123"], "price": ["1.00", "2.00"]})
    out = standardise_sku_references(prices)
    assert out["sku_code"].tolist() == ["AB-123", "AB-123"]
    assert out["data_flags"].tolist() == ["sku_code:normalised", ""]
