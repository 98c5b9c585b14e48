"""The golden record's life in the store: aliases of merged-away golden ids, per-attribute lineage
(winning source record and survivorship rule) and an append-only history of creates, merges, unmerges
and attribute changes.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29 05:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "golden_alias",
        sa.Column("entity", sa.String(length=16), nullable=False),
        sa.Column("retired_golden_id", sa.String(length=16), nullable=False),
        sa.Column("golden_id", sa.String(length=16), nullable=False),
        sa.Column("retired_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("cause_batch_id", sa.String(length=64), nullable=True),
        sa.Column("cause_file", sa.String(length=500), nullable=True),
        sa.PrimaryKeyConstraint("entity", "retired_golden_id", name=op.f("pk_golden_alias")),
    )
    op.create_index(op.f("ix_golden_alias_golden_id"), "golden_alias", ["golden_id"], unique=False)
    op.create_table(
        "golden_lineage",
        sa.Column("entity", sa.String(length=16), nullable=False),
        sa.Column("golden_id", sa.String(length=16), nullable=False),
        sa.Column("field", sa.String(length=64), nullable=False),
        sa.Column("source_system", sa.String(length=32), nullable=True),
        sa.Column("source_record_id", sa.String(length=64), nullable=True),
        sa.Column("rule", sa.String(length=32), nullable=True),
        sa.Column("record_hash", sa.String(length=64), nullable=False),
        sa.Column("load_batch_id", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("entity", "golden_id", "field", name=op.f("pk_golden_lineage")),
    )
    op.create_table(
        "golden_history",
        sa.Column("history_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("entity", sa.String(length=16), nullable=False),
        sa.Column("golden_id", sa.String(length=16), nullable=False),
        sa.Column("event", sa.String(length=16), nullable=False),
        sa.Column("field", sa.String(length=64), nullable=True),
        sa.Column("old_value", sa.Text(), nullable=True),
        sa.Column("new_value", sa.Text(), nullable=True),
        sa.Column("source_system", sa.String(length=32), nullable=True),
        sa.Column("source_record_id", sa.String(length=64), nullable=True),
        sa.Column("cause_batch_id", sa.String(length=64), nullable=True),
        sa.Column("cause_file", sa.String(length=500), nullable=True),
        sa.Column("changed_by", sa.String(length=100), nullable=True),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("history_id", name=op.f("pk_golden_history")),
    )
    op.create_index(op.f("ix_golden_history_golden_id"), "golden_history", ["golden_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_golden_history_golden_id"), table_name="golden_history")
    op.drop_table("golden_history")
    op.drop_table("golden_lineage")
    op.drop_index(op.f("ix_golden_alias_golden_id"), table_name="golden_alias")
    op.drop_table("golden_alias")
