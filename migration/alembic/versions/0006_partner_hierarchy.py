"""Partner hierarchy and the data-quality scorecard: how each branch's head office was found, the 一批
distributor that supplies a 二批 dealer, and the latest run's scorecard per source system and entity.

Revision ID: 0006
Revises: 0004
Create Date: 2026-11-29 05:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("partner") as batch:
        batch.add_column(sa.Column("parent_link", sa.String(length=32), nullable=True))
        batch.add_column(sa.Column("supplier_golden_id", sa.String(length=16), nullable=True))
        batch.create_foreign_key(
            batch.f("fk_partner_supplier_golden_id_partner"),
            "partner",
            ["supplier_golden_id"],
            ["golden_id"],
            deferrable=True,
            initially="DEFERRED",
        )
    op.create_table(
        "quality_score",
        sa.Column("score_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("entity", sa.String(length=16), nullable=False),
        sa.Column("source_system", sa.String(length=32), nullable=False),
        sa.Column("measure", sa.String(length=32), nullable=False),
        sa.Column("field", sa.String(length=64), nullable=False),
        sa.Column("records", sa.Integer(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("rate", sa.Float(), nullable=True),
        sa.Column("problem_share", sa.Float(), nullable=False),
        sa.Column("batch_id", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("score_id", name=op.f("pk_quality_score")),
    )


def downgrade() -> None:
    op.drop_table("quality_score")
    with op.batch_alter_table("partner") as batch:
        batch.drop_constraint(batch.f("fk_partner_supplier_golden_id_partner"), type_="foreignkey")
        batch.drop_column("supplier_golden_id")
        batch.drop_column("parent_link")
