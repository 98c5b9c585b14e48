from __future__ import annotations

import pandas as pd
import pytest

from expectations.runner import validate_frame, validate_prices, validate_products
from foundation.errors import UserError


@pytest.fixture(scope="module")
def outcome():
    frame = pd.DataFrame(
        {
            "sku_code": ["0100000001", "0100000001", "1001000003"],
            "gtin": ["6901234567892", None, "6901234567891"],
            "product_name": ["a", "b", "c"],
            "spec": ["2斤", "2斤", "2斤"],
            "sales_unit": ["袋", "袋", "袋"],
            "tax_rate": ["0.09", "0.09", "0.09"],
            "category": ["粮油", "粮油", "粮油"],
            "brand": ["金禾", "金禾", "金禾"],
        },
        index=[101, 102, 103],
    )
    return validate_frame(frame, "products", ["sku_code"])


def test_passed_keeps_the_input_rows_and_index(outcome) -> None:
    assert outcome.passed.empty
    assert list(outcome.passed.columns) == [
        "sku_code",
        "gtin",
        "product_name",
        "spec",
        "sales_unit",
        "tax_rate",
        "category",
        "brand",
    ]


def test_quarantine_has_one_row_per_failing_row_and_rule(outcome) -> None:
    assert list(outcome.quarantined.columns) == ["sku_code", "rule", "severity", "column", "value", "reason"]
    assert outcome.quarantined[["sku_code", "rule"]].values.tolist() == [
        ["0100000001", "sku_code_unique"],
        ["0100000001", "sku_code_unique"],
        ["0100000001", "gtin_present"],
        ["1001000003", "gtin_valid"],
    ]
    assert outcome.quarantined["severity"].tolist() == ["error", "error", "warning", "error"]


def test_rule_counts_list_every_rule(outcome) -> None:
    counts = outcome.rule_counts().set_index("rule")
    assert counts.loc["sku_code_unique", "unexpected_count"] == 2
    assert counts.loc["gtin_valid", "unexpected_count"] == 1
    assert counts.loc["product_name_present", "unexpected_count"] == 0
    assert counts["element_count"].eq(3).all()


def test_missing_columns_are_named() -> None:
    frame = pd.DataFrame({"sku_code": ["1"], "product_name": ["a"]})
    with pytest.raises(UserError) as excinfo:
        validate_products(frame)
    assert str(excinfo.value) == (
        "products: missing column(s) gtin, sales_unit, tax_rate, spec; map the source onto the canonical "
        "names in cleansing/canonical.py (found: sku_code, product_name)"
    )


def test_products_argument_needs_sku_codes() -> None:
    prices = pd.DataFrame(
        columns=["sku_code", "price_tier", "sales_region", "price", "effective_from", "effective_to"],
        dtype=str,
    )
    with pytest.raises(UserError) as excinfo:
        validate_prices(prices, pd.DataFrame({"code": ["1"]}))
    assert str(excinfo.value) == (
        "products: missing column sku_code; pass the valid products (e.g. validate_products(...).passed)"
    )


def test_unknown_suite_is_named() -> None:
    with pytest.raises(KeyError, match="unknown suite 'orders'; expected one of products, prices"):
        validate_frame(pd.DataFrame(), "orders", ["order_no"])
