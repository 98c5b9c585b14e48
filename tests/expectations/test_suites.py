"""Each product and price rule catches the defect it targets, through GX, and clean rows pass.

GX runs are the slow part, so one validation per frame is shared by every assertion in this module.
"""

from __future__ import annotations

import pandas as pd
import pytest

from cleansing.gtin import gtin_check_digit
from expectations.runner import ValidationOutcome, validate_prices, validate_products

IN_STORE_GTIN = "200123456789" + str(gtin_check_digit("200123456789"))

# (source_row, sku_code, gtin, product_name, spec, sales_unit, tax_rate); the row number names the case.
PRODUCT_ROWS = [
    ("3", "1001000001", "6901234567892", "清香米醋", "500ml×12瓶/箱", "箱", "0.13"),  # clean
    ("4", "1001000002", "96385074", "陈醋", "250g*20袋/箱", "袋", "0.09"),  # duplicate SKU, first
    ("5", "1001000002", "036000291452", "陈醋(新)", "2斤/袋", "袋", "0.09"),  # duplicate SKU, second
    ("6", None, "6901234567809", "酱油", "1.5L*6", "件", "0.13"),  # missing SKU
    ("7", "1001000005", "6901234567816", None, "1.5L*6", "件", "0.13"),  # missing name
    ("8", "1001000006", "6901234567891", "料酒", "1.5L*6", "瓶", "0.13"),  # wrong check digit
    ("9", "1001000007", "6.90123E+12", "料酒", "1.5L*6", "瓶", "0.13"),  # Excel-damaged GTIN
    ("10", "1001000008", IN_STORE_GTIN, "散装大米", "２斤", "袋", "0.09"),  # in-store GTIN: warning only
    ("11", "1001000009", "6901234567823", "蚝油", "500ml×12瓶/箱", "ctn", "0.13"),  # non-standard unit
    ("12", "1001000010", "6901234567830", "蚝油", "500ml×12瓶/箱", "箱", "0.10"),  # not a VAT rate
    ("13", "1001000011", "6901234567847", "礼盒", "见包装", "盒", "13%"),  # unreadable spec: warning only
    ("14", "1001000012", "", "鸡精", "", "桶", "0"),  # blank GTIN: warning only; blank spec: not judged
    ("15", "1001000013", "6901234567861", "蜂蜜", "500g/瓶", "瓶", "0.13"),  # category not in the tree
    ("16", "1001000014", "6901234567854", "米醋", "500ml×12瓶/箱", "箱", "0.13"),  # one GTIN on two SKUs
    ("17", "1001000015", "06901234567854", "米醋(新)", "500ml×12瓶/箱", "箱", "0.13"),  # same GTIN as GTIN-14
    ("18", "1001000016", "6901234567878", "茶", "500ml×15瓶/箱", "箱", "0.13"),  # category only a 大类
    (
        "19",
        "1001000017",
        "6901234567885",
        "绿茶",
        "500ml×15瓶/箱",
        "箱",
        "0.13",
    ),  # brand missing, category needs it
]
CATEGORY = {"15": "蜂蜜", "18": "饮料", "19": "饮料/茶饮料/绿茶"}
"""Every other row is 调味品, which requires only brand and sales unit."""
BRAND = {"19": None}

PRICE_COLUMNS = [
    "source_row",
    "sku_code",
    "price_tier",
    "sales_region",
    "price",
    "effective_from",
    "effective_to",
]
PRICE_ROWS = [
    ("2", "1001000001", "出厂价", "华东", "10.00", "2026-01-01", ""),  # clean ladder
    ("3", "1001000001", "一批价", "华东", "12.00", "2026-01-01", ""),
    ("4", "1001000001", "二批价", "华东", "14.00", "2026-01-01", ""),
    ("5", "1001000001", "零售价", "华东", "19.90", "2026-01-01", ""),
    ("6", "1001000003", "tier1", "华南", "15.00", "2026-01-01", ""),  # tier1 > tier2: both rows
    ("7", "1001000003", "tier2", "华南", "13.00", "2026-01-01", ""),
    ("8", "1001000004", "factory", "华南", "12.00", "2026-01-01", "2026-12-31"),  # factory > tier1: both rows
    ("9", "1001000004", "tier1", "华南", "11.00", "2026-03-01", ""),
    ("10", "1001000001", "一批价", "华北", "12.00", "2026-01-01", "2026-06-30"),  # overlap: both rows
    ("11", "1001000001", "一批价", "华北", "12.50", "2026-06-01", ""),
    ("12", "1001000001", "一批价", "西南", "12.00", "2025-01-01", "2025-12-31"),  # adjacent periods: clean
    ("13", "1001000001", "一批价", "西南", "12.50", "2026-01-01", ""),
    ("14", "1001000001", "二批价", "西北", "", "2026-01-01", ""),  # missing price
    ("15", "1001000001", "零售价", "西北", "0", "2026-01-01", ""),  # zero price
    ("16", "1001000001", "批发价", "东北", "9.00", "2026-01-01", ""),  # unknown tier
    ("17", "1001000001", "出厂价", "东北", "9.00", "2026-02-30", ""),  # not a date
    ("18", "1001000001", "retail", "东北", "29.00", "2026-05-01", "2026-04-30"),  # ends before it starts
    ("19", "9999999999", "factory", "华东", "8.00", "2026-01-01", ""),  # SKU not among valid products
    ("20", "1001000001", "出厂价", "华中", "0.01", "2026-01-01", ""),  # placeholder price under the floor
    ("21", "1001000001", "一批价", "华中", "32.345", "2026-01-01", ""),  # three decimal places
    ("22", "1001000001", "二批价", "华中", "113.00", "2026-01-01", ""),  # excl. tax 99.00 ≠ 100.00 at 13%
    ("23", "1001000001", "零售价", "华中", "113.00", "2026-01-01", ""),  # excl. tax 100.00: consistent
    ("24", "1001000001", "二批价", "东南", "10.00", "2025-01-01", "2025-12-31"),
    ("25", "1001000001", "二批价", "东南", "15.00", "2026-01-01", ""),  # +50% on its previous period: review
]
EXCL_TAX = {"22": ("99.00", "13%"), "23": ("100.00", "0.13")}
VALID_PRODUCTS = pd.DataFrame({"sku_code": ["1001000001", "1001000003", "1001000004"]})


def failing_rows(outcome: ValidationOutcome, rule: str, severity: str = "error") -> set[str]:
    rows = outcome.quarantined[outcome.quarantined["rule"] == rule]
    assert set(rows["severity"]) <= {severity}
    return set(rows["source_row"])


@pytest.fixture(scope="module")
def docs_dir(tmp_path_factory: pytest.TempPathFactory):
    return tmp_path_factory.mktemp("data_docs")


@pytest.fixture(scope="module")
def products(docs_dir) -> ValidationOutcome:
    frame = pd.DataFrame(
        PRODUCT_ROWS,
        columns=["source_row", "sku_code", "gtin", "product_name", "spec", "sales_unit", "tax_rate"],
    )
    frame["category"] = [CATEGORY.get(row, "调味品") for row in frame["source_row"]]
    frame["brand"] = [BRAND.get(row, "金禾") for row in frame["source_row"]]
    frame["net_content"] = ["500" if row == "18" else None for row in frame["source_row"]]
    frame["net_content_unit"] = ["ml" if row == "18" else None for row in frame["source_row"]]
    return validate_products(frame.assign(source_system="erp", source_file="erp/products.xlsx"), docs_dir)


@pytest.fixture(scope="module")
def prices(docs_dir) -> ValidationOutcome:
    frame = pd.DataFrame(PRICE_ROWS, columns=PRICE_COLUMNS).assign(currency="CNY", source_system="dms")
    frame["price_excl_tax"] = [EXCL_TAX.get(row, (None, None))[0] for row in frame["source_row"]]
    frame["tax_rate"] = [EXCL_TAX.get(row, (None, None))[1] for row in frame["source_row"]]
    return validate_prices(frame, VALID_PRODUCTS, docs_dir)


@pytest.mark.parametrize(
    ("rule", "rows"),
    [
        ("sku_code_present", {"6"}),
        ("sku_code_unique", {"4", "5"}),  # every occurrence: which copy is right is a steward's decision
        ("product_name_present", {"7"}),
        ("gtin_valid", {"8", "9"}),
        ("sales_unit_standard", {"11"}),
        ("tax_rate_allowed", {"12"}),
        ("one_gtin_per_sku", {"4", "5"}),
        ("one_sku_per_gtin", {"16", "17"}),
        ("category_known", {"15", "18"}),
        ("required_attributes_present", {"19"}),
    ],
)
def test_product_error_rules(products: ValidationOutcome, rule: str, rows: set[str]) -> None:
    assert failing_rows(products, rule) == rows
    assert products.expectation(rule).unexpected_count == len(rows)


@pytest.mark.parametrize(
    ("rule", "rows"), [("gtin_present", {"14"}), ("gtin_globally_unique", {"10"}), ("spec_parseable", {"13"})]
)
def test_product_warning_rules_list_rows_but_keep_them(
    products: ValidationOutcome, rule: str, rows: set[str]
) -> None:
    assert failing_rows(products, rule, severity="warning") == rows
    assert rows <= set(products.passed["source_row"])


def test_products_passed_are_the_rows_without_errors(products: ValidationOutcome) -> None:
    assert set(products.passed["source_row"]) == {"3", "10", "13", "14"}
    assert not products.success


def test_failing_products_come_back_by_business_key(products: ValidationOutcome) -> None:
    assert products.expectation("sku_code_unique").unexpected_keys == [{"sku_code": "1001000002"}] * 2
    assert products.expectation("gtin_valid").unexpected_keys == [
        {"sku_code": "1001000006"},
        {"sku_code": "1001000007"},
    ]
    row = products.quarantined.query("rule == 'gtin_valid' and source_row == '8'").iloc[0]
    assert (row["sku_code"], row["column"], row["value"]) == ("1001000006", "gtin", "6901234567891")
    assert row["reason"] == "GTIN 6901234567891 has a wrong check digit"
    assert row["source_system"] == "erp" and row["source_file"] == "erp/products.xlsx"


def test_quarantine_reason_for_non_standard_unit(products: ValidationOutcome) -> None:
    row = products.quarantined.query("rule == 'sales_unit_standard'").iloc[0]
    assert (
        row["reason"]
        == "sales unit 'ctn' is not in the unit vocabulary (箱, 瓶, 袋, 件, 桶, 盒, 罐, 包, 个, 支)"
    )


@pytest.mark.parametrize(
    ("rule", "rows"),
    [
        ("no_tier_inversion", {"6", "7", "8", "9"}),
        ("no_period_overlap", {"10", "11"}),
        ("price_present", {"14"}),
        ("price_positive", {"15"}),
        ("price_tier_known", {"16"}),
        ("effective_from_date", {"17"}),
        ("effective_period_order", {"18"}),
        ("unknown_sku", {"19"}),
        ("price_above_floor", {"20"}),
        ("price_decimal_places", {"21"}),
        ("tax_exclusive_price_consistent", {"22"}),
    ],
)
def test_price_rules(prices: ValidationOutcome, rule: str, rows: set[str]) -> None:
    assert failing_rows(prices, rule) == rows


def test_prices_passed_are_the_clean_ladder_and_adjacent_periods(prices: ValidationOutcome) -> None:
    assert set(prices.passed["source_row"]) == {"2", "3", "4", "5", "12", "13", "23", "24", "25"}


def test_new_product_rules_say_what_to_fix(products: ValidationOutcome) -> None:
    reasons = products.quarantined.set_index(["rule", "source_row"])["reason"]
    assert reasons["one_sku_per_gtin", "16"] == (
        "GTIN is on 2 SKUs (1001000014, 1001000015); a GTIN identifies one SKU"
    )
    assert reasons["one_gtin_per_sku", "4"] == (
        "SKU carries 2 different GTINs (00000096385074, 00036000291452); keep one GTIN per SKU"
    )
    assert (
        reasons["category_known", "15"]
        == "category '蜂蜜' is not in the category vocabulary (categories.yaml)"
    )
    assert reasons["category_known", "18"] == (
        "category '饮料' is a 大类; products need at least a 中类 (e.g. one under 饮料)"
    )
    assert reasons["required_attributes_present", "19"] == (
        "brand, net_content, net_content_unit required for category '饮料/茶饮料/绿茶' but missing"
    )


def test_price_limits_are_caught_by_business_key_before_the_load(prices: ValidationOutcome) -> None:
    held = prices.quarantined.set_index("rule")
    floor, places = held.loc["price_above_floor"], held.loc["price_decimal_places"]
    assert floor["reason"] == "price 0.01 is not above the floor 0.10 (price_rules.yaml: price_floor)"
    assert (places["sku_code"], places["price_tier"], places["sales_region"], places["effective_from"]) == (
        "1001000001",
        "一批价",
        "华中",
        "2026-01-01",
    )
    assert places["reason"] == (
        "price 32.345 has more than 2 decimal places (price_rules.yaml: max_decimal_places); round it in the source"
    )
    assert held.loc["tax_exclusive_price_consistent", "reason"] == (
        "price_excl_tax 99.00 does not match price 113.00 at tax rate 13.00% (expected 100.00 within 0.01)"
    )


def test_a_big_price_change_is_listed_for_review_but_loads(prices: ValidationOutcome) -> None:
    row = prices.quarantined.query("rule == 'price_change_reviewed'").iloc[0]
    assert (row["source_row"], row["severity"]) == ("25", "warning")
    assert row["reason"] == (
        "price 15.00 changed 50% from 10.00 (period from 2025-01-01); review changes over 30% (price_rules.yaml)"
    )


def test_failing_prices_come_back_by_business_key(prices: ValidationOutcome) -> None:
    keys = prices.expectation("no_period_overlap").unexpected_keys
    assert keys == [
        {
            "sku_code": "1001000001",
            "price_tier": "一批价",
            "sales_region": "华北",
            "effective_from": "2026-01-01",
        },
        {
            "sku_code": "1001000001",
            "price_tier": "一批价",
            "sales_region": "华北",
            "effective_from": "2026-06-01",
        },
    ]
    row = prices.quarantined.query("rule == 'effective_period_order'").iloc[0]
    assert (row["column"], row["value"], row["reason"]) == (
        "effective_to",
        "2026-04-30",
        "effective_to 2026-04-30 is before effective_from",
    )


def test_results_are_keyed_by_rule_not_suite_order(prices: ValidationOutcome) -> None:
    outcome = prices.expectation("effective_period_order")
    assert outcome.expectation_type == "expect_column_pair_values_a_to_be_greater_than_b"
    assert outcome.column == "effective_to"
    assert (
        prices.expectation("price_positive").expectation_type == "expect_column_values_to_be_positive_amount"
    )


def test_data_docs_are_written_for_both_suites(
    products: ValidationOutcome, prices: ValidationOutcome, docs_dir
) -> None:
    assert products.data_docs_index == docs_dir / "products" / "index.html"
    assert prices.data_docs_index is not None and prices.data_docs_index.is_file()
    assert products.data_docs_index.is_file()
    overview = (docs_dir / "index.html").read_text(encoding="utf-8")
    assert 'href="products/index.html"' in overview and 'href="prices/index.html"' in overview


def test_clean_rows_alone_pass_every_rule() -> None:
    clean_products = pd.DataFrame(
        [PRODUCT_ROWS[0]],
        columns=["source_row", "sku_code", "gtin", "product_name", "spec", "sales_unit", "tax_rate"],
    ).assign(category="调味品", brand="金禾")
    clean_prices = pd.DataFrame(PRICE_ROWS[:4], columns=PRICE_COLUMNS)
    product_outcome = validate_products(clean_products)
    price_outcome = validate_prices(clean_prices, product_outcome)
    assert product_outcome.success and price_outcome.success
    assert product_outcome.quarantined.empty and price_outcome.quarantined.empty
    assert len(price_outcome.passed) == 4
    assert price_outcome.data_docs_index is None


def test_prices_of_quarantined_products_say_so(products: ValidationOutcome) -> None:
    frame = pd.DataFrame(
        [
            ("2", "1001000001", "出厂价", "华东", "10.00", "2026-01-01", ""),
            ("3", "1001000006", "出厂价", "华东", "10.00", "2026-01-01", ""),  # product has a bad GTIN
        ],
        columns=PRICE_COLUMNS,
    )
    outcome = validate_prices(frame, products)
    assert outcome.quarantined[["source_row", "rule", "reason"]].values.tolist() == [
        ["3", "unknown_sku", "SKU 1001000006 failed the product standard (see the product quarantine)"]
    ]
