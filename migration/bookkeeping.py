"""The columns the loader fills itself, and a row's ``record_hash`` over the others.

The loader writes ``record_hash`` from a frame; a change made in the store by the tool itself (a
retired golden id repointed to its survivor, a steward's unmerge) rehashes the rows it touched from
their stored values, so the next load and the direct-edit check see them as the tool left them.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from sqlalchemy import Connection, Table, bindparam, select, update

from migration.convert import record_hashes
from migration.row_checks import typed_columns

BOOKKEEPING = {
    "id",
    "record_hash",
    "load_batch_id",
    "created_at",
    "updated_at",
    "first_seen_batch",
    "last_seen_batch",
    "quarantine_key",
    "absent_since_batch",
    "deleted_at",
}
"""Columns the loader fills; a frame's values for them are ignored."""

TABLE_BOOKKEEPING: dict[str, set[str]] = {
    "quarantine": {"status", "resolved_batch_id", "resolved_at", "resolution"}
}
"""Columns the loader fills in one table only (``order_line.status`` is data, ``quarantine.status`` is not)."""

NOT_IN_RECORD_HASH: dict[str, set[str]] = {"quarantine": {"batch_id"}}
"""Columns that do not make a row different: a quarantine entry keeps the batch that first found it."""


def bookkeeping_columns(table: Table) -> set[str]:
    """The columns of ``table`` the loader fills rather than takes from a frame."""
    return BOOKKEEPING | TABLE_BOOKKEEPING.get(table.name, set())


def stored_record_hashes(table: Table, stored: pd.DataFrame) -> list[str]:
    """The ``record_hash`` a load would write for each row of ``stored`` (rows read from ``table``)."""
    bookkeeping = bookkeeping_columns(table)
    columns, _ = typed_columns(table, stored, bookkeeping)
    hashed = bookkeeping | NOT_IN_RECORD_HASH.get(table.name, set())
    return record_hashes({c: v for c, v in columns.items() if c not in hashed})


def rehash_rows(connection: Connection, table: Table, condition: Any) -> int:
    """Recompute ``record_hash`` for the rows of ``table`` matching ``condition``; returns how many."""
    stored = pd.DataFrame(connection.execute(select(table).where(condition)).mappings().all())
    if stored.empty:
        return 0
    key = [c for c in table.primary_key.columns]
    hashes = stored_record_hashes(table, stored)
    statement = (
        update(table)
        .where(*(c == bindparam(f"k_{c.name}") for c in key))
        .values(record_hash=bindparam("new_record_hash"))
    )
    params = [
        {**{f"k_{c.name}": row[c.name] for c in key}, "new_record_hash": hashed}
        for (_, row), hashed in zip(stored.iterrows(), hashes, strict=True)
    ]
    connection.execute(statement, params)
    return len(params)
