"""Monetary-unit sampling of two database tables drawn on the server: the same keys with the same units as
drawing from the rows read into Python (the same tables read through a query). PostgreSQL and MariaDB/MySQL
when their env vars reach a server; SQLite, which keeps decimals as floats, reads the tables and says why.
"""

from __future__ import annotations

import logging
from decimal import Decimal
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from migration.cutover import load_compare_config, run_comparison
from migration.cutover.results import ComparisonResult
from tests.compare.conftest import write_yaml


def _rows(count: int) -> list[list[Any]]:
    """Accounts in two regions; some balances zero, missing or negative, a few very large."""
    rows = []
    for i in range(count):
        balance: Decimal | None = Decimal(f"{(i * 7919) % 5000}.{i % 100:02d}")
        if i % 97 == 0:
            balance = Decimal("250000.00")
        elif i % 31 == 0:
            balance = None
        elif i % 29 == 0:
            balance = -balance
        rows.append([f"A{i:05d}", "north" if i % 3 else "south", balance, f"name {i}"])
    return rows


def _fill(url: str, table: str, rows: list[list[Any]]) -> None:
    engine = sa.create_engine(url)
    target = sa.Table(
        table, sa.MetaData(),
        sa.Column("account", sa.String(20), primary_key=True), sa.Column("region", sa.String(10)),
        sa.Column("balance", sa.Numeric(14, 2)), sa.Column("holder", sa.String(40)),
    )  # fmt: skip
    with engine.begin() as connection:
        target.create(connection)
        connection.execute(sa.insert(target), [dict(zip(target.c.keys(), r, strict=True)) for r in rows])
    engine.dispose()


def _compare(tmp_path: Path, old: dict[str, str], new: dict[str, str], **extra: Any) -> ComparisonResult:
    entity = {
        "label": "accounts",
        "old": {"url_env": "OLD_SYSTEM_URL", **old},
        "new": {"url_env": "NEW_SYSTEM_URL", **new},
        "key": ["account"],
        "columns": ["account", "region", "balance", "holder"],
        "rules": {"balance": {"kind": "money"}},
        "amount_column": "balance",
        **extra,
    }
    config = write_yaml(tmp_path / "compare.yaml", {"mode": "sampled", "entities": {"account": entity}})
    return run_comparison(load_compare_config(config))


def _drawn(result: ComparisonResult) -> list[tuple[str, str, int, bool, str]]:
    return [(k.key, k.selected_by, k.units, k.defect, k.stratum) for k in result.sampled_keys]


def test_the_server_draws_the_monetary_units_the_rows_read_into_python_draw(
    server, tmp_path, monkeypatch, caplog
):
    url, name = server
    old_rows = _rows(3000)
    new_rows = [list(r) for r in old_rows]
    for row in new_rows[::50]:
        row[3] = "changed"
    old_table, new_table = name("old"), name("new")
    _fill(url, old_table, old_rows)
    _fill(url, new_table, new_rows)
    monkeypatch.setenv("OLD_SYSTEM_URL", url)
    monkeypatch.setenv("NEW_SYSTEM_URL", url)
    for strata in ([], ["region"]):
        caplog.clear()
        with caplog.at_level(logging.INFO, logger="migration.cutover.run"):
            on_server = _compare(tmp_path, {"table": old_table}, {"table": new_table}, strata=strata)
        read = _compare(
            tmp_path, {"query": f"SELECT * FROM {old_table}"}, {"query": f"SELECT * FROM {new_table}"},
            strata=strata,
        )  # fmt: skip
        drawn = _drawn(on_server)
        assert drawn == _drawn(read)
        assert {m for _, m, _, _, _ in drawn} == {"monetary_unit"}
        assert sum(u for _, _, u, _, _ in drawn) == 299 * max(1, len(strata) and 2)
        large = {f"A{i:05d}" for i in range(0, 3000, 97)}
        assert large <= {k for k, _, _, _, _ in drawn}  # a balance above the interval is always drawn
        assert any(d for _, _, _, d, _ in drawn)  # a changed holder among the drawn accounts is found
        sample = next(c for c in on_server.checks if c.check == "sample")
        assert sample.statement == next(c for c in read.checks if c.check == "sample").statement
        if url.startswith("sqlite"):
            assert "SQLite keeps decimal amounts as floats" in caplog.text
        else:
            assert "reading the tables" not in caplog.text
