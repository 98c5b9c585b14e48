"""Quarantine entries keyed by their problem, not the row number; the copies a moved row made are merged.

The key used to include the source row: a problem that moved to another row number was resolved and
opened again under a new key. Every entry is re-keyed by its problem and its repeat number among the same
problem's rows (a row without a business key by its content); the entries of one load are those still
open, and those resolved by the same batch. Where several entries get one key, one is kept (an open one
before a resolved one, else the latest resolved) with the earliest batch and creation time among them;
the others are deleted.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29 12:00:00
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from migration.convert import record_hashes

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The identities as of this revision, written out rather than imported from migration.quarantine_rows: a
# migration must keep doing what it did when it was written, whatever the loader's identity becomes later.
PROBLEM = (
    "entity",
    "stage",
    "source_system",
    "source_file",
    "source_sheet",
    "business_key",
    "column_name",
    "reason_code",
)
ROW_IDENTITY = (*PROBLEM[:5], "source_row", *PROBLEM[5:])
"""The key before this revision: the problem and its source row."""

QUARANTINE = sa.table(
    "quarantine",
    *map(sa.column, ("id", "quarantine_key", "batch_id", "created_at", "status", "resolved_at")),
    *map(sa.column, ("resolved_batch_id", "original", *ROW_IDENTITY)),
)


def upgrade() -> None:
    connection = op.get_bind()
    rows = connection.execute(sa.select(QUARANTINE).order_by(QUARANTINE.c.id)).mappings().all()
    if not rows:
        return
    loads: dict[str | None, list[Any]] = {}
    for row in rows:
        loads.setdefault(_load_of(row), []).append(row)
    keys: dict[int, str] = {}
    for entries in loads.values():
        keys.update(zip((row["id"] for row in entries), _problem_keys(entries), strict=True))
    merged: dict[str, list[Any]] = {}
    for row in rows:
        merged.setdefault(keys[row["id"]], []).append(row)
    kept = []
    for key, entries in merged.items():
        survivor = max(entries, key=_survivor_rank)
        first = min(entries, key=lambda row: (_timestamp(row["created_at"]), row["id"]))
        kept.append(
            {"row_id": survivor["id"], "key": key, "batch": first["batch_id"], "created": first["created_at"]}
        )
    ids = [row["id"] for entries in merged.values() for row in entries]
    duplicates = sorted(set(ids) - {entry["row_id"] for entry in kept})
    _keep_only(connection, duplicates, kept, quarantine_key="key", batch_id="batch", created_at="created")


def downgrade() -> None:
    """The row-number key again; of the entries that then share a key, an open one (else the first) stays."""
    connection = op.get_bind()
    rows = connection.execute(sa.select(QUARANTINE).order_by(QUARANTINE.c.id)).mappings().all()
    if not rows:
        return
    keys = record_hashes({name: [row[name] for row in rows] for name in ROW_IDENTITY})
    kept: dict[str, Any] = {}
    for row, key in zip(rows, keys, strict=True):
        if key not in kept or (row["status"] == "open" and kept[key]["status"] != "open"):
            kept[key] = row
    duplicates = sorted({row["id"] for row in rows} - {row["id"] for row in kept.values()})
    survivors = [{"row_id": row["id"], "key": key} for key, row in kept.items()]
    _keep_only(connection, duplicates, survivors, quarantine_key="key")


def _keep_only(
    connection: Any, duplicates: list[Any], survivors: list[dict[str, Any]], **values: str
) -> None:
    """Delete the entries merged away, then give each survivor (``row_id``) its new values:
    ``values`` maps a column to the name of the survivor's item that holds it."""
    if duplicates:
        connection.execute(
            sa.delete(QUARANTINE).where(QUARANTINE.c.id.in_(sa.bindparam("ids", expanding=True))),
            {"ids": duplicates},
        )
    if survivors:
        connection.execute(
            sa.update(QUARANTINE)
            .where(QUARANTINE.c.id == sa.bindparam("row_id"))
            .values({column: sa.bindparam(item) for column, item in values.items()}),
            survivors,
        )


def _load_of(row: Any) -> str | None:
    """The entries one load held together: the open ones (the latest load), or those one batch resolved."""
    return None if row["status"] == "open" else str(row["resolved_batch_id"])


def _survivor_rank(row: Any) -> tuple[bool, Any, int]:
    return (row["status"] == "open", _timestamp(row["resolved_at"]), -row["id"])


def _timestamp(value: Any) -> str:
    """A stored time in an order that compares across backends (SQLite may give text, others datetimes)."""
    return "" if value is None else str(value).replace("T", " ")


def _problem_keys(rows: list[Any]) -> list[str]:
    problems = [
        tuple(row[name] for name in PROBLEM)
        if _has_business_key(row["business_key"])
        else (
            *(row[name] for name in PROBLEM[:5]),
            _content(row["original"]),
            row["column_name"],
            row["reason_code"],
        )
        for row in rows
    ]
    rows_of: dict[tuple[Any, ...], set[Any]] = {}
    for problem, row in zip(problems, rows, strict=True):
        rows_of.setdefault(problem, set()).add(row["source_row"])
    repeat_of = {
        problem: {n: i for i, n in enumerate(sorted(numbers, key=lambda n: (n is None, n or 0)))}
        for problem, numbers in rows_of.items()
    }
    return record_hashes(
        {
            **{name: [problem[i] for problem in problems] for i, name in enumerate(PROBLEM)},
            "repeat": [repeat_of[p][row["source_row"]] for p, row in zip(problems, rows, strict=True)],
        }
    )


def _has_business_key(business_key: Any) -> bool:
    return isinstance(business_key, str) and business_key.strip("|").strip() != ""


def _content(original: Any) -> str:
    try:
        values = json.loads(original)
    except (TypeError, ValueError):
        values = None
    if isinstance(values, dict):
        values.pop("source_row", None)
        text = json.dumps(values, ensure_ascii=False, sort_keys=True)
    else:
        text = "" if original is None else str(original)
    return "content:" + hashlib.sha256(text.encode("utf-8")).hexdigest()
