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
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD COLUMN, never a batch copy of the table: on SQLite a copy must drop ``partner``, which
    # customers, balances and order lines reference. SQLite cannot add a named foreign key to an existing
    # table either, so the supplier is a plain column: it is always resolved through the crosswalk of the
    # same load, like the head office.
    op.add_column("partner", sa.Column("parent_link", sa.String(length=32), nullable=True))
    op.add_column("partner", sa.Column("supplier_golden_id", sa.String(length=16), nullable=True))
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
    op.drop_column("partner", "supplier_golden_id")
    op.drop_column("partner", "parent_link")
