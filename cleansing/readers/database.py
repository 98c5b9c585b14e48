"""A legacy system's own database, read through SQLAlchemy and never written to.

The URL comes from an environment variable named in the mapping (``url_env: LEGACY_ERP_URL``),
never from the mapping itself, and is never logged. Every connection is opened read-only the
way each database understands it: SQLite through a ``mode=ro`` URI, MySQL/MariaDB with
``SET SESSION TRANSACTION READ ONLY``, PostgreSQL with ``default_transaction_read_only``.
Rows are selected with ``sqlalchemy.table()/select()`` constructs and come back as text.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import quote

import numpy as np
import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict
from sqlalchemy.engine import Engine, make_url

from cleansing.readers.base import RawTable, SourceReader, make_table, scalar_to_text
from foundation.errors import UserError

_FETCH_ROWS = 50_000


class DatabaseOptions(BaseModel):
    """Reader options for ``format: database``."""

    model_config = ConfigDict(extra="forbid")
    url_env: str
    """Name of the environment variable holding the SQLAlchemy URL."""
    table: str
    schema_name: str | None = None
    columns: list[str] = []
    """Columns to select; default every column of the table."""
    order_by: list[str] = []
    """Columns giving a stable row order, so ``source_row`` means the same row next time."""


def read_only_engine(url: str) -> Engine:
    """Create an engine whose every connection refuses writes."""
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        database = parsed.database
        if not database or database == ":memory:":
            raise UserError("a read-only SQLite source needs a database file, not an in-memory database")
        uri = f"file:{quote(str(Path(database).resolve()))}?mode=ro"
        return sa.create_engine("sqlite://", creator=lambda: sqlite3.connect(uri, uri=True))
    if backend == "postgresql":
        return sa.create_engine(parsed, connect_args={"options": "-c default_transaction_read_only=on"})
    engine = sa.create_engine(parsed, pool_pre_ping=True)
    if backend in ("mysql", "mariadb"):

        @sa.event.listens_for(engine, "connect")
        def _read_only_session(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("SET SESSION TRANSACTION READ ONLY")
            cursor.close()

    return engine


class DatabaseReader(SourceReader):
    format_names = ("database",)

    def validate_options(self, options: Mapping[str, Any]) -> dict[str, Any]:
        return DatabaseOptions(**options).model_dump()

    def read(self, path: Path, options: Mapping[str, Any]) -> RawTable:
        opts = DatabaseOptions(**{k: v for k, v in options.items() if k in DatabaseOptions.model_fields})
        url = os.environ.get(opts.url_env)
        if not url:
            raise UserError(
                f"{path}: environment variable {opts.url_env} is not set; export it with the database URL"
            )
        engine = read_only_engine(url)
        try:
            with engine.connect() as connection:
                return _select_rows(path, connection, opts)
        except UserError:
            raise
        except sa.exc.SQLAlchemyError as exc:
            detail = str(getattr(exc, "orig", None) or type(exc).__name__)[:200]
            raise UserError(
                f"{path}: cannot read table {opts.table} from the database in ${opts.url_env}: {detail}"
            ) from None
        finally:
            engine.dispose()


def table_columns(
    connection: sa.Connection, table: str, schema: str | None, url_env: str | None, place: object
) -> list[str]:
    """The columns of ``table``; a missing table is a :class:`UserError` at ``place`` naming the tables there."""
    inspector = sa.inspect(connection)
    if not inspector.has_table(table, schema=schema):
        tables = ", ".join(sorted(inspector.get_table_names(schema=schema))[:30])
        raise UserError(f"{place}: table {table!r} not found in the database in ${url_env}; tables: {tables}")
    return [c["name"] for c in inspector.get_columns(table, schema=schema)]


def _select_rows(path: Path, connection: sa.Connection, opts: DatabaseOptions) -> RawTable:
    present = table_columns(connection, opts.table, opts.schema_name, opts.url_env, path)
    wanted = opts.columns or present
    missing = [c for c in [*wanted, *opts.order_by] if c not in present]
    if missing:
        raise UserError(
            f"{path}: table {opts.table!r} has no column {missing[0]!r}; columns: {', '.join(present)}"
        )
    table = sa.table(opts.table, *[sa.column(c) for c in present], schema=opts.schema_name)
    statement = sa.select(*[table.c[c] for c in wanted])
    if opts.order_by:
        statement = statement.order_by(*[table.c[c] for c in opts.order_by])
    columns: dict[str, list[str | None]] = {c: [] for c in wanted}
    numeric: dict[str, list[bool]] = {c: [] for c in wanted}
    result = connection.execution_options(stream_results=True).execute(statement)
    for partition in result.partitions(_FETCH_ROWS):
        for row in partition:
            for name, value in zip(wanted, row, strict=True):
                columns[name].append(database_value_to_text(value))
                numeric[name].append(isinstance(value, float))
    count = len(next(iter(columns.values()), []))
    raw = make_table(columns, np.arange(1, count + 1), opts.table)
    flags = {name: np.asarray(mask, dtype=bool) for name, mask in numeric.items() if any(mask)}
    if flags:
        raw.cell_flags["numeric"] = flags
    return raw


def database_value_to_text(value: Any) -> str | None:
    """A value as a database driver returns it, as cell text (blank → ``None``)."""
    return scalar_to_text(value, _driver_value_to_text)


def _driver_value_to_text(value: Any) -> str:
    """Decimals, dates, times and bytes as a database driver returns them."""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dt.datetime):
        return (
            value.isoformat(sep=" ", timespec="seconds")
            if value.time() != dt.time(0)
            else value.date().isoformat()
        )
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.hex()
    return str(value)
