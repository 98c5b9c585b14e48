"""Quarantine entries identified by the problem, not the batch; open/resolved lifecycle.

A re-run used to add every quarantined row again (the key included the batch id). The key is
recomputed without the batch; of the copies a re-run made, the first (oldest) is kept.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 17:20:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from migration.convert import record_hashes

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The identity as of this revision, written out rather than imported from migration.load: a migration
# must keep doing what it did when it was written, whatever the loader's identity becomes later.
IDENTITY = (
    "entity",
    "stage",
    "source_system",
    "source_file",
    "source_sheet",
    "source_row",
    "business_key",
    "column_name",
    "reason_code",
)


def upgrade() -> None:
    with op.batch_alter_table("quarantine") as batch:
        batch.add_column(sa.Column("status", sa.String(length=16), server_default="open", nullable=False))
        batch.add_column(sa.Column("resolved_batch_id", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("resolution", sa.Text(), nullable=True))
        batch.create_index(batch.f("ix_quarantine_status"), ["status"], unique=False)
    connection = op.get_bind()
    quarantine = sa.table(
        "quarantine", sa.column("id"), sa.column("quarantine_key"), *map(sa.column, IDENTITY)
    )
    rows = connection.execute(sa.select(quarantine).order_by(quarantine.c.id)).mappings().all()
    if not rows:
        return
    keys = record_hashes({name: [row[name] for row in rows] for name in IDENTITY})
    kept: dict[str, int] = {}
    duplicates: list[int] = []
    for row, key in zip(rows, keys, strict=True):
        if key in kept:
            duplicates.append(row["id"])
        else:
            kept[key] = row["id"]
    if duplicates:
        connection.execute(
            sa.delete(quarantine).where(quarantine.c.id.in_(sa.bindparam("ids", expanding=True))),
            {"ids": duplicates},
        )
    # Give every kept row a temporary unique key first, so no new key collides with an old one mid-way.
    connection.execute(
        sa.update(quarantine).values(
            quarantine_key=sa.func.substr(quarantine.c.quarantine_key, 1, 60)
            + sa.cast(quarantine.c.id, sa.String)
        )
    )
    connection.execute(
        sa.update(quarantine)
        .where(quarantine.c.id == sa.bindparam("row_id"))
        .values(quarantine_key=sa.bindparam("key")),
        [{"row_id": row_id, "key": key} for key, row_id in kept.items()],
    )


def downgrade() -> None:
    with op.batch_alter_table("quarantine") as batch:
        batch.drop_index(batch.f("ix_quarantine_status"))
        batch.drop_column("resolution")
        batch.drop_column("resolved_at")
        batch.drop_column("resolved_batch_id")
        batch.drop_column("status")
