"""Write many rows into a store table fast, and find the rows the database refuses when it does.

PostgreSQL: the rows are streamed with COPY (psycopg2 ``copy_expert``) into a temporary staging table
with the target's column types, then upserted in one set-based ``INSERT … SELECT … ON CONFLICT DO
UPDATE`` built with SQLAlchemy constructs. SQLite: the same upsert construct, compiled once and run
with the driver's ``executemany`` over plain tuples. Each write runs under a savepoint: when the
database refuses it, the savepoint is rolled back and the rows are retried in halves until every
refused row is found, so one bad row costs only itself.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Column, Connection, MetaData, Table, bindparam, insert, inspect, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError
from sqlalchemy.schema import AddConstraint, DropConstraint

from foundation.errors import UserError
from migration.convert import per_distinct_value
from migration.copy_text import copy_text_pieces

STORE_REFUSALS = (IntegrityError, DataError)
"""What the database raises for a row it will not take (constraint, type or length)."""

log = logging.getLogger(__name__)

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
    stored_rows: int | None = None,
) -> list[tuple[int, str]]:
    """Insert or update the rows in ``columns`` by ``key``; return the refused ones.

    Columns in ``keep`` are never overwritten on conflict (creation time, first batch, the key).
    ``all_new``: the caller knows (under the load lock) that no row's key is stored yet, so PostgreSQL
    can COPY straight into the table and SQLite can use a plain INSERT; should one be there after all,
    the rows are upserted one by one. ``stored_rows``: how many rows the table holds before the write;
    when the write is large beside it, PostgreSQL checks the foreign keys once for the whole table
    (see :func:`foreign_keys_checked_once`).
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
    write = _executemany_insert if all_new else _executemany_upsert
    if dialect == "postgresql":
        write = _copy_insert if all_new else _copy_upsert
    try:
        with connection.begin_nested(), foreign_keys_checked_once(connection, table, count, stored_rows):
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


BULK_REFERENCE_ROWS = 10_000
"""Rows in one PostgreSQL write from which its foreign keys are checked once for the whole table."""


@contextmanager
def foreign_keys_checked_once(
    connection: Connection, table: Table, rows: int, stored_rows: int | None
) -> Iterator[None]:
    """Around a large PostgreSQL write: check ``table``'s foreign keys in one pass instead of per row.

    PostgreSQL checks a foreign key with a trigger per written row (most of a 200,000-row insert's
    time here). For a write of at least ``BULK_REFERENCE_ROWS`` rows that is not small beside the
    rows stored already (``stored_rows``), the table's foreign-key constraints are dropped before
    the write and added back after it, which checks every row of the table with one join. Both
    happen in the caller's transaction: a write that fails, a reference that no longer holds or a
    killed load rolls the constraints back with the rows, so a committed store always has them.
    Until the load commits, readers of the table and of the tables it refers to wait (the
    constraint change locks them). A role that may not alter the table keeps the per-row checks.
    """
    constraints = [c for c in table.foreign_key_constraints if c.name]
    bulk = rows >= BULK_REFERENCE_ROWS and (stored_rows or 0) <= 4 * rows
    if connection.dialect.name != "postgresql" or not bulk or not constraints:
        yield
        return
    live = {fk["name"] for fk in inspect(connection).get_foreign_keys(table.name, schema=table.schema)}
    if live != {str(c.name) for c in constraints}:  # a schema this version does not know: leave it
        yield
        return
    try:
        with connection.begin_nested():
            for constraint in constraints:
                connection.execute(DropConstraint(constraint))
    except DBAPIError as exc:
        log.info("%s: foreign keys checked per row (%s)", table.name, type(exc.orig).__name__)
        yield
        return
    yield
    for constraint in constraints:
        connection.execute(AddConstraint(constraint))


def insert_rows(connection: Connection, table: Table, columns: Columns) -> None:
    """Append rows that have no business key to conflict on (a history): COPY on PostgreSQL,
    one compiled INSERT run by executemany on SQLite."""
    if not len(next(iter(columns.values()), [])):
        return
    if connection.dialect.name == "postgresql":
        _copy_into(connection, table, columns)
    else:
        _executemany(connection, table, columns, insert(table))


def _upsert_statement(table: Table, dialect: str, names: list[str], key: list[str], keep: set[str]) -> Any:
    statement = postgresql.insert(table) if dialect == "postgresql" else sqlite.insert(table)
    return statement.on_conflict_do_update(
        index_elements=key, set_={name: statement.excluded[name] for name in names if name not in keep}
    )


def _executemany_upsert(
    connection: Connection, table: Table, columns: Columns, key: list[str], keep: set[str]
) -> None:
    """The upsert construct compiled once, run by the driver's executemany over plain tuples."""
    statement = _upsert_statement(table, connection.dialect.name, list(columns), key, keep)
    _executemany(connection, table, columns, statement)


def _executemany_insert(
    connection: Connection, table: Table, columns: Columns, key: list[str], keep: set[str]
) -> None:
    """New rows by a plain INSERT (no conflict to resolve), compiled once, run by executemany."""
    _executemany(connection, table, columns, insert(table))


def _executemany(connection: Connection, table: Table, columns: Columns, statement: Any) -> None:
    dialect = connection.dialect
    names = list(columns)
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


class _CopyStream:
    """COPY text as a file psycopg2 reads from: each piece is built and encoded when the driver asks
    for more, so the server ingests the rows sent while the client builds the next ones."""

    def __init__(self, pieces: Iterator[str], encoding: str) -> None:
        self.pieces = pieces
        self.encoding = encoding

    def read(self, size: int = -1) -> bytes:
        return next(self.pieces, "").encode(self.encoding)


def _copy_into(connection: Connection, target: Table, columns: Columns) -> None:
    """COPY the rows into ``target`` in COPY's text format, streamed in pieces in the connection's encoding."""
    stream = _CopyStream(copy_text_pieces(list(columns.values())), _python_encoding(connection))
    preparer = connection.dialect.identifier_preparer
    quoted = ", ".join(preparer.quote(name) for name in columns)
    copy = f"COPY {preparer.format_table(target)} ({quoted}) FROM STDIN"
    cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.copy_expert(copy, stream)
    except Exception as exc:
        _raise_as_refusal(connection, copy, exc)
        raise
    finally:
        cursor.close()


def _python_encoding(connection: Connection) -> str:
    """The Python codec of the connection's PostgreSQL client encoding (``UTF8`` → ``utf_8``)."""
    encoding = getattr(connection.connection.dbapi_connection, "encoding", "UTF8")
    known = getattr(getattr(connection.dialect.dbapi, "extensions", None), "encodings", {})
    return str(known.get(encoding, "utf_8"))


def _copy_upsert(
    connection: Connection, table: Table, columns: Columns, key: list[str], keep: set[str]
) -> None:
    """COPY the rows into a temporary staging table, then one INSERT … SELECT … ON CONFLICT DO UPDATE."""
    names = list(columns)
    staging = _staged(connection, table, columns)
    statement = postgresql.insert(table).from_select(names, select(*[staging.c[n] for n in names]))
    statement = statement.on_conflict_do_update(
        index_elements=key, set_={name: statement.excluded[name] for name in names if name not in keep}
    )
    connection.execute(statement)
    staging.drop(connection)


def _staged(connection: Connection, table: Table, columns: Columns) -> Table:
    """A temporary table with ``columns`` in ``table``'s types, filled by one COPY (PostgreSQL)."""
    staging = Table(
        f"load_{table.name}_{secrets.token_hex(4)}",
        MetaData(),
        *[Column(name, table.c[name].type) for name in columns],
        prefixes=["TEMPORARY"],
        postgresql_on_commit="DROP",
    )
    staging.create(connection)
    _copy_into(connection, staging, columns)
    return staging


def update_by_keys(connection: Connection, table: Table, keys: Columns, values: dict[str, Any]) -> int:
    """Set ``values`` on the rows whose key columns equal one of the rows of ``keys``; returns how many.

    PostgreSQL: the keys are COPYed into a staging table and one ``UPDATE … FROM`` joins them (an
    executemany would send one UPDATE per row). SQLite: one compiled UPDATE run by executemany.
    """
    count = len(next(iter(keys.values()), []))
    if not count:
        return 0
    if connection.dialect.name == "postgresql":
        staging = _staged(connection, table, keys)
        statement = update(table).where(*(table.c[n] == staging.c[n] for n in keys)).values(**values)
        updated = connection.execute(statement).rowcount
        staging.drop(connection)
        return updated
    statement = update(table).where(*(table.c[n] == bindparam(f"k_{n}") for n in keys)).values(**values)
    params = [
        {f"k_{n}": v for n, v in zip(keys, row, strict=True)} for row in zip(*keys.values(), strict=True)
    ]
    return sum(
        connection.execute(statement, params[start : start + SQLITE_BATCH]).rowcount
        for start in range(0, count, SQLITE_BATCH)
    )


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
