"""What a load does with store rows its sources no longer have: the delete policy.

A row gone from its source is never removed silently. Under ``flag`` (the default) it is kept as it
was, marked with the first batch that missed it (``absent_since_batch``) and counted; the
reconciliation then finds a store row no accepted record backs, so a steward decides. Under
``soft_delete`` it is also stamped ``deleted_at``: it stays in the table for history, and every count
the reconciliation makes of the store leaves it out, as the sources do. A row that comes back
loses both marks.

A table with an ``active`` column (the crosswalk) says the same thing there: a crosswalk row whose source
record is soft-deleted becomes inactive (its golden record still lists it, as no longer in its source),
and active again when the record comes back. Under ``flag`` it stays active: the row is only marked, a
steward decides (and a migration wave's load, which marks the other waves' rows, leaves them usable). The
row is rehashed, so the direct-edit check sees it as the load left it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal, cast, get_args

from sqlalchemy import ColumnElement, Connection, Table, and_, bindparam, func, select, true, tuple_, update

from foundation.settings import check_choice
from migration.bookkeeping import rehash_rows

DeletePolicy = Literal["flag", "soft_delete"]
DELETE_POLICIES: tuple[str, ...] = get_args(DeletePolicy)
CHUNK_SIZE = 5_000


def check_delete_policy(policy: str) -> DeletePolicy:
    """``policy`` if it is one the load knows; otherwise one clear message saying which ones are."""
    return cast(
        DeletePolicy, check_choice(policy, DELETE_POLICIES, "delete policy", "CHANNEL_MDM_DELETE_POLICY")
    )


@dataclass(frozen=True)
class AbsenceMarks:
    """What one table's policy step did."""

    newly_absent: int = 0
    """Rows this batch was the first to miss (``absent_since_batch`` is this batch); a re-run of the
    same batch counts them again, rows missed since an earlier batch are not counted."""
    soft_deleted: int = 0
    came_back: int = 0


def not_soft_deleted(table: Table) -> ColumnElement[bool]:
    """The rows the store still counts as present (every row of a table without the marker)."""
    return table.c.deleted_at.is_(None) if "deleted_at" in table.c else true()


def mark_absent_rows(
    connection: Connection,
    table: Table,
    key_names: tuple[str, ...],
    missing: set[tuple[Any, ...]],
    batch_id: str,
    policy: DeletePolicy,
) -> AbsenceMarks:
    """Mark the rows whose keys are ``missing`` from this load's frame; unmark those that came back."""
    if "absent_since_batch" not in table.c:
        return AbsenceMarks()
    keys = [table.c[name] for name in key_names]
    condition = and_(*(column == bindparam(f"k_{column.name}") for column in keys))
    params = [{f"k_{n}": v for n, v in zip(key_names, key, strict=True)} for key in sorted(missing, key=repr)]
    _execute(
        connection,
        update(table)
        .where(condition, table.c.absent_since_batch.is_(None))
        .values(absent_since_batch=batch_id),
        params,
    )
    soft_deleted = 0
    if policy == "soft_delete":
        soft_deleted = _execute(
            connection,
            update(table).where(condition, table.c.deleted_at.is_(None)).values(deleted_at=datetime.now(UTC)),
            params,
        )
    marked = connection.execute(select(*keys).where(table.c.absent_since_batch.is_not(None))).all()
    back = [
        {f"k_{n}": v for n, v in zip(key_names, row, strict=True)}
        for row in marked
        if tuple(row) not in missing
    ]
    came_back = _execute(
        connection, update(table).where(condition).values(absent_since_batch=None, deleted_at=None), back
    )
    if "active" in table.c:
        _deactivate_absent(connection, table)
    newly_absent = (
        connection.execute(
            select(func.count()).select_from(table).where(table.c.absent_since_batch == batch_id)
        ).scalar_one()
        if missing
        else 0
    )
    return AbsenceMarks(newly_absent, soft_deleted, came_back)


def _deactivate_absent(connection: Connection, table: Table) -> None:
    """``active`` is false exactly while the row is soft-deleted; changed rows are rehashed."""
    for active, present in (
        (False, table.c.deleted_at.is_not(None)),
        (True, table.c.deleted_at.is_(None)),
    ):
        stale = and_(present, table.c.active.is_(not active))
        keys = [c for c in table.primary_key.columns]
        rows = connection.execute(select(*keys).where(stale)).all()
        if not rows:
            continue
        connection.execute(update(table).where(stale).values(active=active))
        for start in range(0, len(rows), CHUNK_SIZE):
            chunk = rows[start : start + CHUNK_SIZE]
            rehash_rows(connection, table, tuple_(*keys).in_([tuple(row) for row in chunk]))


def _execute(connection: Connection, statement: Any, params: list[dict[str, Any]]) -> int:
    count = 0
    for start in range(0, len(params), CHUNK_SIZE):
        count += connection.execute(statement, params[start : start + CHUNK_SIZE]).rowcount
    return count
