"""Control totals of two database tables worked out by ``GROUP BY`` on the server: the same groups and the
same exact sums as reading the rows (the same tables read through a query, which is always read whole).
SQLite always, PostgreSQL and MariaDB/MySQL when their env vars reach a server.
"""

from __future__ import annotations

import logging
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from migration.cutover import load_compare_config, run_comparison
from migration.cutover.results import ComparisonResult
from tests.compare.conftest import write_yaml

OLD = ["客户编码", "渠道级别", "币种", "应收余额", "建档日期"]
NEW = ["code", "tier", "currency", "balance", "created_on"]
TOTALS = [
    {"sum": "应收余额", "by": ["渠道级别", "币种"]},
    {"sum": "应收余额", "by_month": "建档日期"},
    {"by": ["币种"], "by_month": "建档日期"},
    {"sum": "应收余额"},
]


def _rows(count: int) -> list[list[Any]]:
    """Old customers: the tier written three ways (一批 with stray spaces, full-width), amounts with cents."""
    tiers = ["一批", " 一批 ", "二批", "二批　"]
    return [
        [f"C{i:04d}", tiers[i % 4], ["CNY", "USD", "usd", "CNY ", "CNY"][(i + 3) % 5], Decimal(f"{(i * 37) % 1000}.{i % 100:02d}"),
         date(2024 + i % 2, 1 + i % 12, 1 + i % 28)]
        for i in range(count)
    ]  # fmt: skip


def _as_new(row: list[Any]) -> list[Any]:
    code, tier, currency, balance, created = row
    return [code, {"一批": "1", "二批": "2"}[tier.strip().replace("　", "")], currency, balance, created]


def _fill(
    url: str, table: str, header: list[str], rows: list[list[Any]], amount: sa.types.TypeEngine[Any]
) -> None:
    engine = sa.create_engine(url)
    columns = [
        sa.Column(header[0], sa.String(20), primary_key=True),
        sa.Column(header[1], sa.String(20)),
        sa.Column(header[2], sa.String(10)),
        sa.Column(header[3], amount),
        sa.Column(header[4], sa.Date),
    ]
    target = sa.Table(table, sa.MetaData(), *columns)
    with engine.begin() as connection:
        target.create(connection)
        written = [
            [str(v) if isinstance(amount, sa.String) and isinstance(v, Decimal) else v for v in r]
            for r in rows
        ]
        connection.execute(sa.insert(target), [dict(zip(header, row, strict=True)) for row in written])
    engine.dispose()


def _compare(tmp_path: Path, old: dict[str, str], new: dict[str, str]) -> ComparisonResult:
    entity = {
        "label": "customers",
        "old": {"url_env": "OLD_SYSTEM_URL", **old},
        "new": {"url_env": "NEW_SYSTEM_URL", **new},
        "key": ["客户编码"],
        "columns": dict(zip(OLD, NEW, strict=True)),
        "rules": {
            "渠道级别": {"value_map": {"一批": "1", "二批": "2"}},
            "币种": {"case_sensitive": True},
            "应收余额": {"kind": "money", "absolute_tolerance": 0.005},
            "建档日期": {"kind": "date"},
        },
        "control_totals": TOTALS,
    }
    config = write_yaml(tmp_path / "compare.yaml", {"mode": "sampled", "entities": {"customer": entity}})
    return run_comparison(load_compare_config(config))


def _totals(result: ComparisonResult) -> list[tuple[str, bool, str, dict[str, Any], list[list[object]]]]:
    return [
        (c.title, c.accepted, c.statement, c.figures, c.rows)
        for c in result.checks
        if c.check == "control_totals"
    ]


def _tables(url: str, name, amount: sa.types.TypeEngine[Any]) -> tuple[str, str]:
    old = _rows(400)
    new = [_as_new(r) for r in old]
    new[7][3] += Decimal("1.00")  # one balance changed: its tier, currency and month differ
    new[8][3] += Decimal("0.004")  # within the balance's tolerance
    new.append(["C9999", "2", "CNY", Decimal("5.50"), date(2024, 3, 9)])  # only on the new side
    old_table, new_table = name("old"), name("new")
    _fill(url, old_table, OLD, old, amount)
    _fill(url, new_table, NEW, new, amount)
    return old_table, new_table


def test_control_totals_on_the_server_give_the_groups_and_sums_of_reading_the_rows(
    server, tmp_path, monkeypatch, caplog
):
    url, name = server
    old_table, new_table = _tables(url, name, sa.Numeric(12, 3))
    monkeypatch.setenv("OLD_SYSTEM_URL", url)
    monkeypatch.setenv("NEW_SYSTEM_URL", url)
    with caplog.at_level(logging.INFO, logger="migration.cutover.run"):
        in_database = _compare(tmp_path, {"table": old_table}, {"table": new_table})
    assert "reading the tables" not in caplog.text
    read = _compare(
        tmp_path, {"query": f"SELECT * FROM {old_table}"}, {"query": f"SELECT * FROM {new_table}"}
    )
    assert _totals(in_database) == _totals(read)
    by_tier, by_month, counted, grand = _totals(in_database)
    # the tier's value map and stray spaces give two tiers; USD and usd stay apart (the rule minds case)
    assert by_tier[3] == {
        "groups": 6, "differing_groups": 1, "old_total": by_tier[3]["old_total"],
        "new_total": by_tier[3]["new_total"], "old_not_numbers": 0, "new_not_numbers": 0,
    }  # fmt: skip
    assert sorted(r[:2] for r in by_tier[4]) == [
        ["1", "CNY"], ["1", "USD"], ["1", "usd"], ["2", "CNY"], ["2", "USD"], ["2", "usd"],
    ]  # fmt: skip
    # C0007's balance 1.00 higher and C9999 only on the new side; C0008 within the tolerance
    assert [(*r[:2], Decimal(r[-2])) for r in by_tier[4] if r[-1] == "differs"] == [
        ("2", "CNY", Decimal("6.5"))
    ]
    months = {r[0]: Decimal(r[-2]) for r in by_month[4] if r[-1] == "differs"}
    assert (
        not by_month[1]
        and by_month[3]["groups"] == 12
        and months == {"2025-08": 1, "2024-03": Decimal("5.5")}
    )
    assert [r for r in counted[4] if r[-1] == "differs"] == [["CNY", "2024-03", "20", "21", "1", "differs"]]
    old_sum = sum((r[3] for r in _rows(400)), Decimal(0))
    assert Decimal(grand[3]["old_total"]) == old_sum
    assert Decimal(grand[3]["new_total"]) == old_sum + Decimal("1.004") + Decimal("5.50")  # exact, no float


def test_amounts_stored_as_text_are_added_up_by_reading_the_tables(server, tmp_path, monkeypatch, caplog):
    url, name = server
    old_table, new_table = _tables(url, name, sa.String(20))
    monkeypatch.setenv("OLD_SYSTEM_URL", url)
    monkeypatch.setenv("NEW_SYSTEM_URL", url)
    with caplog.at_level(logging.INFO, logger="migration.cutover.run"):
        result = _compare(tmp_path, {"table": old_table}, {"table": new_table})
    assert (
        f"reading the tables (${'OLD_SYSTEM_URL'}/{old_table}: sum of 应收余额 by 渠道级别, 币种: 应收余额 is"
        in caplog.text
    )
    by_tier = _totals(result)[0]
    assert not by_tier[1] and by_tier[3]["differing_groups"] == 1


def test_floating_point_amounts_are_added_on_sqlite_as_read_and_elsewhere_by_reading_the_tables(
    server, tmp_path, monkeypatch, caplog
):
    url, name = server
    old_table, new_table = _tables(url, name, sa.Float)
    monkeypatch.setenv("OLD_SYSTEM_URL", url)
    monkeypatch.setenv("NEW_SYSTEM_URL", url)
    with caplog.at_level(logging.INFO, logger="migration.cutover.run"):
        result = _compare(tmp_path, {"table": old_table}, {"table": new_table})
    read = _compare(
        tmp_path, {"query": f"SELECT * FROM {old_table}"}, {"query": f"SELECT * FROM {new_table}"}
    )
    assert _totals(result) == _totals(read)
    if url.startswith("sqlite"):  # SQLite keeps every decimal as a float: added as each one is read
        assert "reading the tables" not in caplog.text
    else:
        assert "应收余额 is stored as" in caplog.text and "not as an exact decimal or integer" in caplog.text
