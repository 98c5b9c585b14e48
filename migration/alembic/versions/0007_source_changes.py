"""Rows gone from their sources are marked (``absent_since_batch``) and, under the ``soft_delete``
policy, soft-deleted (``deleted_at``); each source row's hash as the last load saw it
(``source_row_state``) tells the next night's new, changed, unchanged and deleted rows per source.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29 05:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MARKED_TABLES = (
    "partner",
    "customer",
    "product",
    "price",
    "product_crosswalk",
    "balance",
    "order_line",
    "crosswalk",
    "golden_lineage",
)


def upgrade() -> None:
    for name in MARKED_TABLES:
        # plain ALTER TABLE: a batch copy of a table others reference fails on SQLite with foreign keys on
        op.add_column(name, sa.Column("absent_since_batch", sa.String(length=64), nullable=True))
        op.add_column(name, sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "source_row_state",
        sa.Column("entity", sa.String(length=16), nullable=False),
        sa.Column("source_system", sa.String(length=32), nullable=False),
        sa.Column("row_key", sa.String(length=255), nullable=False),
        sa.Column("row_hash", sa.String(length=64), nullable=False),
        sa.Column("changed_batch", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("entity", "source_system", "row_key", name=op.f("pk_source_row_state")),
    )


def downgrade() -> None:
    op.drop_table("source_row_state")
    for name in MARKED_TABLES:
        op.drop_column(name, "deleted_at")
        op.drop_column(name, "absent_since_batch")
