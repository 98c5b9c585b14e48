"""The database reader: URL from the environment, every connection read-only, rows as text.

MariaDB/MySQL: set CHANNEL_MDM_TEST_MYSQL_URL (e.g. mysql+pymysql://root@127.0.0.1:3306/test);
PostgreSQL: set CHANNEL_MDM_TEST_POSTGRES_URL. Without a reachable server those tests skip.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa

from cleansing.readers.database import DatabaseReader, read_only_engine
from foundation.errors import UserError
from foundation.settings import redact_url

MYSQL_ENV = "CHANNEL_MDM_TEST_MYSQL_URL"
PLACE = Path("$LEGACY_ERP_URL/customers")


def create_customers(engine: sa.Engine, name: str = "customers") -> sa.Table:
    metadata = sa.MetaData()
    table = sa.Table(
        name,
        metadata,
        sa.Column("cust_code", sa.String(20), primary_key=True),
        sa.Column("cust_name", sa.String(100)),
        sa.Column("credit_limit", sa.Numeric(12, 2)),
        sa.Column("created", sa.Date),
        sa.Column("seq", sa.Integer),
    )
    metadata.create_all(engine)
    with engine.begin() as connection:
        connection.execute(
            sa.insert(table),
            [
                {
                    "cust_code": "0012",
                    "cust_name": "深圳华润",
                    "credit_limit": Decimal("50000.00"),
                    "created": dt.date(2024, 1, 2),
                    "seq": 2,
                },
                {"cust_code": "0013", "cust_name": None, "credit_limit": None, "created": None, "seq": 1},
            ],
        )
    return table


def read(url_env: str, table: str = "customers", **options: object):
    return DatabaseReader().read(PLACE, {"url_env": url_env, "table": table, **options})


def assert_reads_as_text(table, credit_limit: str) -> None:
    assert table.frame.to_dict("records") == [
        {"cust_code": "0013", "cust_name": None, "credit_limit": None, "created": None, "seq": "1"},
        {
            "cust_code": "0012",
            "cust_name": "深圳华润",
            "credit_limit": credit_limit,
            "created": "2024-01-02",
            "seq": "2",
        },
    ]
    assert table.source_rows.tolist() == [1, 2]


@pytest.fixture
def sqlite_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'legacy.sqlite'}"
    engine = sa.create_engine(url)
    create_customers(engine)
    engine.dispose()
    monkeypatch.setenv("LEGACY_ERP_URL", url)
    return url


def test_sqlite_table_reads_as_text_in_a_stable_order(sqlite_url: str) -> None:
    # SQLite keeps NUMERIC as a float, so the number comes back the way a person would type it.
    assert_reads_as_text(read("LEGACY_ERP_URL", order_by=["seq"]), credit_limit="50000")


def test_sqlite_connection_refuses_writes(sqlite_url: str) -> None:
    engine = read_only_engine(sqlite_url)
    with pytest.raises(sa.exc.OperationalError, match="readonly"), engine.begin() as connection:
        connection.execute(sa.text("DELETE FROM customers"))
    engine.dispose()


def test_missing_environment_variable_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LEGACY_ERP_URL", raising=False)
    with pytest.raises(UserError) as raised:
        read("LEGACY_ERP_URL")
    assert (
        str(raised.value)
        == f"{PLACE}: environment variable LEGACY_ERP_URL is not set; export it with the database URL"
    )


def test_unknown_table_and_column_are_named(sqlite_url: str) -> None:
    with pytest.raises(UserError) as raised:
        read("LEGACY_ERP_URL", table="customer")
    assert (
        str(raised.value)
        == f"{PLACE}: table 'customer' not found in the database in $LEGACY_ERP_URL; tables: customers"
    )
    with pytest.raises(UserError) as raised:
        read("LEGACY_ERP_URL", columns=["cust_code", "name"])
    assert str(raised.value) == (
        f"{PLACE}: table 'customers' has no column 'name'; columns: cust_code, cust_name, credit_limit, created, seq"
    )


@pytest.fixture
def mysql_url(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, str]]:
    url = os.environ.get(MYSQL_ENV)
    if not url:
        pytest.skip(f"{MYSQL_ENV} is not set; MariaDB/MySQL reader tests skipped")
    engine = sa.create_engine(url)
    try:
        engine.connect().close()
    except sa.exc.OperationalError as exc:
        engine.dispose()
        pytest.skip(f"MariaDB/MySQL at {redact_url(url)} is not reachable ({exc.orig}); reader tests skipped")
    name = f"legacy_customers_{secrets.token_hex(4)}"
    table = create_customers(engine, name)
    monkeypatch.setenv("LEGACY_ERP_URL", url)
    try:
        yield url, name
    finally:
        table.drop(engine)
        engine.dispose()


@pytest.mark.mysql
def test_mariadb_table_reads_as_text(mysql_url: tuple[str, str]) -> None:
    _, name = mysql_url
    assert_reads_as_text(read("LEGACY_ERP_URL", table=name, order_by=["seq"]), credit_limit="50000.00")


@pytest.mark.mysql
def test_mariadb_session_is_read_only(mysql_url: tuple[str, str]) -> None:
    url, name = mysql_url
    engine = read_only_engine(url)
    table = sa.table(name, sa.column("cust_code"))
    with pytest.raises(sa.exc.OperationalError, match="READ ONLY"), engine.begin() as connection:
        connection.execute(sa.delete(table))
    engine.dispose()


POSTGRES_ENV = "CHANNEL_MDM_TEST_POSTGRES_URL"


@pytest.fixture
def postgres_url(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, str]]:
    url = os.environ.get(POSTGRES_ENV)
    if not url:
        pytest.skip(f"{POSTGRES_ENV} is not set; PostgreSQL reader tests skipped")
    engine = sa.create_engine(url)
    try:
        engine.connect().close()
    except sa.exc.OperationalError as exc:
        engine.dispose()
        pytest.skip(f"PostgreSQL at {redact_url(url)} is not reachable ({exc.orig}); reader tests skipped")
    name = f"legacy_customers_{secrets.token_hex(4)}"
    table = create_customers(engine, name)
    monkeypatch.setenv("LEGACY_ERP_URL", url)
    try:
        yield url, name
    finally:
        table.drop(engine)
        engine.dispose()


@pytest.mark.postgres
def test_postgres_table_reads_as_text_and_refuses_writes(postgres_url: tuple[str, str]) -> None:
    url, name = postgres_url
    assert_reads_as_text(read("LEGACY_ERP_URL", table=name, order_by=["seq"]), credit_limit="50000.00")
    engine = read_only_engine(url)
    with pytest.raises(sa.exc.InternalError, match="read-only transaction"), engine.begin() as connection:
        connection.execute(sa.delete(sa.table(name, sa.column("cust_code"))))
    engine.dispose()
