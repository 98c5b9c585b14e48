"""Write many rows into a store table fast, and find the rows the database refuses when it does.

PostgreSQL: the rows are streamed with COPY (psycopg2 ``copy_expert``) into a temporary staging table
with the target's column types, then upserted in one set-based ``INSERT … SELECT … ON CONFLICT DO
UPDATE`` built with SQLAlchemy constructs. SQLite: the same upsert construct, compiled once and run
with the driver's ``executemany`` over plain tuples. Each write runs under a savepoint: when the
database refuses it, the savepoint is rolled back and the rows are retried in halves until every
refused row is found, so one bad row costs only itself.
"""

from __future__ import annotations

import csv
import io
import secrets
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Column, Connection, MetaData, Table, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DataError, IntegrityError

from foundation.errors import UserError
from migration.convert import per_distinct_value

STORE_REFUSALS = (IntegrityError, DataError)
"""What the database raises for a row it will not take (constraint, type or length)."""

SQLITE_BATCH = 5_000


Columns = dict[str, list[Any]]
"""Rows given column by column: every list has one value per row, in the table's types."""


def upsert_rows(
    connection: Connection,
    table: Table,
    columns: Columns,
    key: list[str],
    keep: set[str],
    all_new: bool = False,
) -> list[tuple[int, str]]:
    """Insert or update the rows in ``columns`` by ``key``; return the refused ones.

    Columns in ``keep`` are never overwritten on conflict (creation time, first batch, the key).
    ``all_new``: the caller knows (under the load lock) that no row's key is stored yet, so PostgreSQL
    can COPY straight into the table; should one be there after all, the rows are upserted one by one.
    Returns ``(position, database message)`` for every row the database refused; the others are written.
    """
    count = len(next(iter(columns.values()), []))
    if not count:
        return []
    dialect = connection.dialect.name
    if dialect not in ("postgresql", "sqlite"):
        raise UserError(
            f"the channel store supports SQLite and PostgreSQL, not {dialect}; set CHANNEL_MDM_STORE_URL"
        )
    write = _executemany_upsert
    if dialect == "postgresql":
        write = _copy_insert if all_new else _copy_upsert
    try:
        with connection.begin_nested():
            write(connection, table, columns, key, keep)
        return []
    except STORE_REFUSALS:
        return _isolate_refused(connection, table, columns, key, keep, 0, count)


def _slice(columns: Columns, start: int, stop: int) -> Columns:
    return {name: values[start:stop] for name, values in columns.items()}


def _isolate_refused(
    connection: Connection,
    table: Table,
    columns: Columns,
    key: list[str],
    keep: set[str],
    start: int,
    stop: int,
) -> list[tuple[int, str]]:
    """Retry rows ``start:stop`` in halves under savepoints until each refused row stands alone."""
    try:
        with connection.begin_nested():
            _executemany_upsert(connection, table, _slice(columns, start, stop), key, keep)
        return []
    except STORE_REFUSALS as exc:
        if stop - start == 1:
            detail = str(exc.orig).strip().splitlines()[0] if exc.orig else type(exc).__name__
            return [(start, detail)]
    middle = (start + stop) // 2
    return [
        *_isolate_refused(connection, table, columns, key, keep, start, middle),
        *_isolate_refused(connection, table, columns, key, keep, middle, stop),
    ]


def _upsert_statement(table: Table, dialect: str, names: list[str], key: list[str], keep: set[str]) -> Any:
    statement = postgresql.insert(table) if dialect == "postgresql" else sqlite.insert(table)
    return statement.on_conflict_do_update(
        index_elements=key, set_={name: statement.excluded[name] for name in names if name not in keep}
    )


def _executemany_upsert(
    connection: Connection, table: Table, columns: Columns, key: list[str], keep: set[str]
) -> None:
    """The upsert construct compiled once, run by the driver's executemany over plain tuples."""
    dialect = connection.dialect
    names = list(columns)
    statement = _upsert_statement(table, dialect.name, names, key, keep)
    compiled = statement.compile(dialect=dialect, column_keys=names)
    count = len(columns[names[0]])
    # columns the rows leave out but the insert fills with their default (quarantine.status = 'open')
    filled = {
        **columns,
        **{c.key: [_scalar_default(c)] * count for c in compiled.insert_prefetch if c.key not in columns},
    }
    # each column's conversion for this driver (e.g. dates and timestamps to text for SQLite)
    ready = {
        name: per_distinct_value(values, table.c[name].type.dialect_impl(dialect).bind_processor(dialect))
        for name, values in filled.items()
    }
    if compiled.positional:
        parameters: list[Any] = list(zip(*(ready[bind] for bind in compiled.positiontup or []), strict=True))
    else:
        parameters = [dict(zip(ready, row, strict=True)) for row in zip(*ready.values(), strict=True)]
    cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        for start in range(0, len(parameters), SQLITE_BATCH):
            cursor.executemany(str(compiled), parameters[start : start + SQLITE_BATCH])
    except Exception as exc:
        _raise_as_refusal(connection, str(compiled), exc)
        raise
    finally:
        cursor.close()


def _copy_insert(
    connection: Connection, table: Table, columns: Columns, key: list[str], keep: set[str]
) -> None:
    """COPY new rows straight into the table (one pass, no staging table)."""
    count = len(next(iter(columns.values())))
    # columns the rows leave out but an INSERT would fill with their default (quarantine.status = 'open')
    defaults = {
        c.key: [_scalar_default(c)] * count
        for c in table.columns
        if c.key not in columns and c.default is not None and c.autoincrement is not True
    }
    _copy_into(connection, table, {**columns, **defaults})


def _copy_into(connection: Connection, target: Table, columns: Columns) -> None:
    buffer, options = _copy_csv(list(columns.values()))
    preparer = connection.dialect.identifier_preparer
    quoted = ", ".join(preparer.quote(name) for name in columns)
    copy = f"COPY {preparer.format_table(target)} ({quoted}) FROM STDIN WITH (FORMAT csv{options})"
    cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.copy_expert(copy, buffer)
    except Exception as exc:
        _raise_as_refusal(connection, copy, exc)
        raise
    finally:
        cursor.close()


def _copy_upsert(
    connection: Connection, table: Table, columns: Columns, key: list[str], keep: set[str]
) -> None:
    """COPY the rows into a temporary staging table, then one INSERT … SELECT … ON CONFLICT DO UPDATE."""
    names = list(columns)
    staging = Table(
        f"load_{table.name}_{secrets.token_hex(4)}",
        MetaData(),
        *[Column(name, table.c[name].type) for name in names],
        prefixes=["TEMPORARY"],
        postgresql_on_commit="DROP",
    )
    staging.create(connection)
    _copy_into(connection, staging, columns)
    statement = postgresql.insert(table).from_select(names, select(*[staging.c[n] for n in names]))
    statement = statement.on_conflict_do_update(
        index_elements=key, set_={name: statement.excluded[name] for name in names if name not in keep}
    )
    connection.execute(statement)
    staging.drop(connection)


def _raise_as_refusal(connection: Connection, statement: str, exc: Exception) -> None:
    """Raise a driver's refusal of the data as SQLAlchemy's; return for any other error."""
    dbapi = connection.dialect.dbapi
    if isinstance(exc, getattr(dbapi, "IntegrityError", ())):
        raise IntegrityError(statement, None, exc) from exc
    if isinstance(exc, (getattr(dbapi, "DataError", ()), ValueError)):
        # psycopg2 refuses text holding NUL with a ValueError before it reaches the server
        raise DataError(statement, None, exc) from exc


def _scalar_default(column: Column) -> Any:
    default = column.default
    if default is None or not getattr(default, "is_scalar", False):
        raise TypeError(f"{column.table.name}.{column.name} has a default the bulk load cannot evaluate")
    return default.arg  # type: ignore[attr-defined]


COPY_NULL = "\\N"
"""How a NULL is written for COPY; a real value that reads the same makes the load quote every field."""


def _copy_csv(columns: list[list[Any]]) -> tuple[io.StringIO, str]:
    """The rows as CSV for COPY, and the COPY options that read it.

    Each column is turned into text once per distinct value and the csv module writes the rows (in C).
    NULL is written as ``\\N``; should a real value be ``\\N``, every field is quoted and NULL is an
    unquoted empty field instead.
    """
    buffer = io.StringIO()
    fields = [_copy_column(values) for values in columns]
    if not any(COPY_NULL in values for values in columns):  # list.__contains__: a C loop, None never equal
        csv.writer(buffer, lineterminator="\n").writerows(zip(*fields, strict=True))
        buffer.seek(0)
        return buffer, f", NULL '{COPY_NULL}'"
    quoted = [
        [
            "" if v is None else '"' + text.replace('"', '""') + '"'
            for v, text in zip(values, texts, strict=True)
        ]
        for values, texts in zip(columns, fields, strict=True)
    ]
    buffer.writelines(",".join(row) + "\n" for row in zip(*quoted, strict=True))
    buffer.seek(0)
    return buffer, ""


def _copy_column(values: list[Any]) -> list[str]:
    """A column as COPY text; text columns (most, and the widest) pass through as they are."""
    if all(type(v) is str or v is None for v in values):
        return [COPY_NULL if v is None else v for v in values]
    return per_distinct_value(values, _copy_value, blank=COPY_NULL)


def _copy_value(value: Any) -> str:
    """A typed value as COPY reads it (``None`` never reaches here)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)
