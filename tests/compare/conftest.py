"""Comparison fixtures: real csv files, real SQLite databases, and a helper to write the YAML."""

from __future__ import annotations

import csv
import secrets
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
import yaml

from tests.conftest import server_url_or_skip


def write_csv_file(path: Path, header: list[str], rows: list[list[Any]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def write_yaml(path: Path, data: dict[str, Any]) -> Path:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def customers(count: int) -> list[list[Any]]:
    """Old-side customers: code, name, tier (一批/二批), balance, currency, created date."""
    tiers = ["一批", "二批"]
    return [
        [f"C{i:05d}", f"客户{i}商贸有限公司", tiers[i % 2], f"{(i * 37) % 10000}.{i % 100:02d}", "CNY",
         f"2020/{1 + i % 12:02d}/{1 + i % 28:02d}"]
        for i in range(count)
    ]  # fmt: skip


OLD_HEADER = ["客户编码", "客户名称", "渠道级别", "应收余额", "币种", "建档日期"]
NEW_HEADER = ["code", "name", "tier", "balance", "currency", "created_on"]


def as_new(row: list[Any]) -> list[Any]:
    """The same customer as the new system exports it: tier as a number, plain amounts, ISO dates."""
    code, name, tier, balance, currency, created = row
    return [
        code,
        name,
        {"一批": "1", "二批": "2"}[tier],
        balance.replace(",", ""),
        currency,
        created.replace("/", "-"),
    ]


def customer_entity(old: str, new: dict[str, Any] | str, **extra: Any) -> dict[str, Any]:
    return {
        "label": "customers",
        "old": {"file": old},
        "new": {"file": new} if isinstance(new, str) else new,
        "key": ["客户编码"],
        "columns": dict(zip(OLD_HEADER, NEW_HEADER, strict=True)),
        "rules": {
            "渠道级别": {"value_map": {"一批": "1", "二批": "2"}},
            "应收余额": {"kind": "money", "absolute_tolerance": 0.005},
            "建档日期": {"kind": "date"},
        },
        **extra,
    }


@pytest.fixture
def customer_files(tmp_path: Path):
    """Write old and new customer csv files; returns a function (old_rows, new_rows) -> folder."""

    def write(old_rows: list[list[Any]], new_rows: list[list[Any]]) -> Path:
        write_csv_file(tmp_path / "old.csv", OLD_HEADER, old_rows)
        write_csv_file(tmp_path / "new.csv", NEW_HEADER, new_rows)
        return tmp_path

    return write


@pytest.fixture(
    params=[
        "sqlite",
        pytest.param("postgresql", marks=pytest.mark.postgres),
        pytest.param("mysql", marks=pytest.mark.mysql),
    ]
)
def server(request, tmp_path):
    """(URL, a function making a table name) on each backend; the tables are dropped afterwards."""
    made: list[str] = []

    def name(side: str) -> str:
        made.append(f"{side}_customer_{secrets.token_hex(3)}")
        return made[-1]

    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'both.sqlite'}", name
        return
    env = "CHANNEL_MDM_TEST_POSTGRES_URL" if request.param == "postgresql" else "CHANNEL_MDM_TEST_MYSQL_URL"
    url = server_url_or_skip(env, "PostgreSQL" if request.param == "postgresql" else "MariaDB/MySQL")
    yield url, name
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        for table in made:
            sa.Table(table, sa.MetaData()).drop(connection, checkfirst=True)
    engine.dispose()
