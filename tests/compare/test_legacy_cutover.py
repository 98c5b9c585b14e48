"""The cut-over gate end to end: a MariaDB legacy system against a new SQLite system.

The legacy side holds customers with balances, products with prices and orders; the new side holds the
same rows except for planted defects. ``channel-mdm compare`` must list every planted defect, with both
values where there are two, list nothing else, and exit 1; without the plants it must exit 0.
MariaDB comes from CHANNEL_MDM_TEST_MYSQL_URL (skipped, saying why, when unreachable); every table
carries a per-test prefix so parallel runs do not collide.
"""

from __future__ import annotations

import json
import secrets
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from channel_mdm.cli import main
from tests.compare.conftest import write_yaml
from tests.conftest import server_url_or_skip

CUSTOMERS = 40
PRODUCTS = 12
ORDERS = 150

CHANGED_BALANCES = {"C0003": "1234.56", "C0017": "0.00"}
"""Customer → the balance the new side holds instead of the legacy one."""
ALTERED_PRICES = {"SKU002": "99.90", "SKU007": "1.00"}
DROPPED_ORDERS = {("SO00005", "1"), ("SO00020", "2")}
CUSTOMER_NOT_MIGRATED = "C0009"
"""Its orders are migrated, so each one is an orphan on the new side."""
PRODUCT_NOT_MIGRATED = "SKU004"


def legacy_customers() -> list[dict[str, Any]]:
    regions = ["华东", "华南", "华北"]
    return [
        {"cust_code": f"C{i:04d}", "cust_name": f"客户{i}商贸有限公司", "region": regions[i % 3],
         "balance": Decimal(f"{(i * 379) % 50000}.{i % 100:02d}")}
        for i in range(CUSTOMERS)
    ]  # fmt: skip


def legacy_products() -> list[dict[str, Any]]:
    return [
        {"sku": f"SKU{i:03d}", "product_name": f"产品{i} 500ml×12瓶/箱", "price": Decimal(f"{10 + i * 7}.50")}
        for i in range(PRODUCTS)
    ]


def legacy_orders() -> list[dict[str, Any]]:
    return [
        {"order_no": f"SO{i // 3:05d}", "line_no": 1 + i % 3, "cust_code": f"C{(i * 7) % CUSTOMERS:04d}",
         "sku": f"SKU{(i * 5) % PRODUCTS:03d}", "qty": 1 + i % 9, "amount": Decimal(f"{(1 + i % 9) * 113}.00")}
        for i in range(ORDERS)
    ]  # fmt: skip


def _legacy_tables(prefix: str) -> list[sa.Table]:
    metadata = sa.MetaData()
    return [
        sa.Table(f"{prefix}_customers", metadata, sa.Column("cust_code", sa.String(10), primary_key=True),
                 sa.Column("cust_name", sa.String(100)), sa.Column("region", sa.String(10)),
                 sa.Column("balance", sa.Numeric(14, 2))),
        sa.Table(f"{prefix}_products", metadata, sa.Column("sku", sa.String(10), primary_key=True),
                 sa.Column("product_name", sa.String(100)), sa.Column("price", sa.Numeric(12, 2))),
        sa.Table(f"{prefix}_orders", metadata, sa.Column("order_no", sa.String(10), primary_key=True),
                 sa.Column("line_no", sa.Integer, primary_key=True), sa.Column("cust_code", sa.String(10)),
                 sa.Column("sku", sa.String(10)), sa.Column("qty", sa.Integer), sa.Column("amount", sa.Numeric(14, 2))),
    ]  # fmt: skip


@pytest.fixture
def legacy(tmp_path: Path):
    """The legacy tables on MariaDB under a per-test prefix: (URL, prefix); dropped afterwards."""
    url = server_url_or_skip("CHANNEL_MDM_TEST_MYSQL_URL", "MariaDB/MySQL")
    prefix = f"cutover_{secrets.token_hex(4)}"
    tables = _legacy_tables(prefix)
    engine = sa.create_engine(url)
    rows = [legacy_customers(), legacy_products(), legacy_orders()]
    with engine.begin() as connection:
        for table, table_rows in zip(tables, rows, strict=True):
            table.create(connection)
            connection.execute(sa.insert(table), table_rows)
    yield url, prefix
    with engine.begin() as connection:
        for table in reversed(tables):
            table.drop(connection, checkfirst=True)
    engine.dispose()


def write_new_system(path: Path, planted: bool) -> str:
    """The new system as a SQLite database, in its own column names; ``planted``: with the defects."""
    customers = [
        {"customer_code": c["cust_code"], "customer_name": c["cust_name"], "sales_region": c["region"],
         "balance_amount": CHANGED_BALANCES.get(c["cust_code"], str(c["balance"])) if planted else str(c["balance"])}
        for c in legacy_customers()
        if not (planted and c["cust_code"] == CUSTOMER_NOT_MIGRATED)
    ]  # fmt: skip
    products = [
        {"sku_code": p["sku"], "product_name": p["product_name"],
         "price": ALTERED_PRICES.get(p["sku"], str(p["price"])) if planted else str(p["price"])}
        for p in legacy_products()
        if not (planted and p["sku"] == PRODUCT_NOT_MIGRATED)
    ]  # fmt: skip
    orders = [
        {"order_no": o["order_no"], "line_no": o["line_no"], "partner_code": o["cust_code"], "sku_code": o["sku"],
         "quantity": o["qty"], "amount": str(o["amount"])}
        for o in legacy_orders()
        if not (planted and (o["order_no"], str(o["line_no"])) in DROPPED_ORDERS)
    ]  # fmt: skip
    url = f"sqlite:///{path}"
    engine = sa.create_engine(url)
    metadata = sa.MetaData()
    text = sa.String(100)
    tables = {
        "customer": sa.Table("customer", metadata, *(sa.Column(c, text) for c in customers[0])),
        "product": sa.Table("product", metadata, *(sa.Column(c, text) for c in products[0])),
        "order_line": sa.Table("order_line", metadata, *(sa.Column(c, text) for c in orders[0])),
    }
    with engine.begin() as connection:
        metadata.create_all(connection)
        for name, rows in (("customer", customers), ("product", products), ("order_line", orders)):
            connection.execute(sa.insert(tables[name]), rows)
    engine.dispose()
    return url


def comparison_yaml(folder: Path, prefix: str) -> Path:
    legacy = {"url_env": "LEGACY_ERP_URL"}
    new = {"url_env": "NEW_SYSTEM_URL"}
    money = {"kind": "money", "absolute_tolerance": 0.005}
    entities = {
        "customer": {
            "label": "customers", "old": {**legacy, "table": f"{prefix}_customers"},
            "new": {**new, "table": "customer"}, "key": ["cust_code"],
            "columns": {"cust_code": "customer_code", "cust_name": "customer_name", "region": "sales_region",
                        "balance": "balance_amount"},
            "rules": {"balance": money},
        },
        "product": {
            "label": "products", "old": {**legacy, "table": f"{prefix}_products"},
            "new": {**new, "table": "product"}, "key": ["sku"],
            "columns": {"sku": "sku_code", "product_name": "product_name", "price": "price"},
            "rules": {"price": money},
        },
        "order": {
            "label": "order lines", "old": {**legacy, "table": f"{prefix}_orders"},
            "new": {**new, "table": "order_line"}, "key": ["order_no", "line_no"],
            "columns": {"order_no": "order_no", "line_no": "line_no", "cust_code": "partner_code",
                        "sku": "sku_code", "qty": "quantity", "amount": "amount"},
            "rules": {"line_no": {"kind": "number"}, "qty": {"kind": "number"}, "amount": money},
            "references": [{"column": "cust_code", "entity": "customer"}, {"column": "sku", "entity": "product"}],
        },
    }  # fmt: skip
    return write_yaml(folder / "cutover.yaml", {"mode": "full", "entities": entities})


def _checks(out: Path) -> dict[tuple[str, str], dict[str, Any]]:
    report = json.loads((out / "comparison.json").read_text(encoding="utf-8"))
    return {(c["entity"], c["title"]): c for c in report["checks"]}


@pytest.mark.mysql
def test_every_planted_defect_is_found_with_both_values_and_nothing_else(
    legacy, tmp_path, monkeypatch, capsys
):
    url, prefix = legacy
    monkeypatch.setenv("LEGACY_ERP_URL", url)
    monkeypatch.setenv("NEW_SYSTEM_URL", write_new_system(tmp_path / "new_system.sqlite", planted=True))
    config = comparison_yaml(tmp_path, prefix)

    assert main(["compare", str(config), "--out", str(tmp_path / "planted")]) == 1
    checks = _checks(tmp_path / "planted")
    failed = {name for name, check in checks.items() if not check["accepted"]}
    assert failed == {
        ("customer", "row counts"), ("customer", "key coverage"), ("customer", "field differences"),
        ("customer", "hash totals"),
        ("product", "row counts"), ("product", "key coverage"), ("product", "field differences"),
        ("product", "hash totals"),
        ("order", "row counts"), ("order", "key coverage"), ("order", "hash totals"), ("order", "orphans by cust_code"),
        ("order", "orphans by sku"),
    }  # fmt: skip

    balances = {c["cust_code"]: c["balance"] for c in legacy_customers()}
    listed = {
        (r["key"], r["old column"], Decimal(r["old value"]), Decimal(r["new value"]))
        for r in checks["customer", "field differences"]["rows"]
    }
    assert listed == {(k, "balance", balances[k], Decimal(v)) for k, v in CHANGED_BALANCES.items()}
    prices = {p["sku"]: p["price"] for p in legacy_products()}
    listed = {
        (r["key"], r["old column"], Decimal(r["old value"]), Decimal(r["new value"]))
        for r in checks["product", "field differences"]["rows"]
    }
    assert listed == {(k, "price", prices[k], Decimal(v)) for k, v in ALTERED_PRICES.items()}

    def missing(entity: str) -> set[tuple[str, str]]:
        return {(r["problem"], r["key"]) for r in checks[entity, "key coverage"]["rows"]}

    assert missing("customer") == {("missing on the new side", CUSTOMER_NOT_MIGRATED)}
    assert missing("product") == {("missing on the new side", PRODUCT_NOT_MIGRATED)}
    assert missing("order") == {("missing on the new side", f"{o}|{line}") for o, line in DROPPED_ORDERS}

    migrated = [o for o in legacy_orders() if (o["order_no"], str(o["line_no"])) not in DROPPED_ORDERS]
    for column, absent in (("cust_code", CUSTOMER_NOT_MIGRATED), ("sku", PRODUCT_NOT_MIGRATED)):
        orphans = checks["order", f"orphans by {column}"]["rows"]
        expected = {f"{o['order_no']}|{o['line_no']}" for o in migrated if o[column] == absent}
        assert expected and {r["key"] for r in orphans} == expected
        assert {r["partner_code" if column == "cust_code" else "sku_code"] for r in orphans} == {absent}
    assert checks["order", "field differences"]["accepted"]
    out = capsys.readouterr().out
    assert "comparison: NOT ACCEPTED (13 checks failed)" in out
    assert url not in out

    monkeypatch.setenv("NEW_SYSTEM_URL", write_new_system(tmp_path / "new_clean.sqlite", planted=False))
    assert main(["compare", str(config), "--out", str(tmp_path / "clean")]) == 0
    assert all(check["accepted"] for check in _checks(tmp_path / "clean").values())
    assert "comparison: ACCEPTED" in capsys.readouterr().out
