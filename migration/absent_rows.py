"""What a load does with store rows its sources no longer have: the delete policy.

A row gone from its source is never removed silently. Under ``flag`` (the default) it is kept as it
was, marked with the first batch that missed it (``absent_since_batch``) and counted; the
reconciliation then finds a store row no accepted record backs, so a steward decides. Under
``soft_delete`` it is also stamped ``deleted_at``: it stays in the table for history, and every count
the reconciliation makes of the store leaves it out, as the sources do. A row that comes back
loses both marks.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal, cast, get_args

from sqlalchemy import ColumnElement, Connection, Table, and_, bindparam, select, true, update

from foundation.settings import check_choice

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
    newly_absent = _execute(
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
    return AbsenceMarks(newly_absent, soft_deleted, came_back)


def _execute(connection: Connection, statement: Any, params: list[dict[str, Any]]) -> int:
    count = 0
    for start in range(0, len(params), CHUNK_SIZE):
        count += connection.execute(statement, params[start : start + CHUNK_SIZE]).rowcount
    return count
