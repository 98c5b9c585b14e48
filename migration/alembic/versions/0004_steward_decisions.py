"""Steward decisions on partner and customer pairs (merge / not a match), kept by source system and
source record id, with who decided, when and from which file; the pairs the latest matching left for a
steward (match_review).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29 03:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "steward_decision",
        sa.Column("decision_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("entity", sa.String(length=16), nullable=True),
        sa.Column("left_source_system", sa.String(length=32), nullable=False),
        sa.Column("left_source_record_id", sa.String(length=64), nullable=False),
        sa.Column("right_source_system", sa.String(length=32), nullable=False),
        sa.Column("right_source_record_id", sa.String(length=64), nullable=False),
        sa.Column("decision", sa.String(length=16), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("decided_by", sa.String(length=100), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("source_file", sa.String(length=500), nullable=True),
        sa.Column("source_row", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("decision_id", name=op.f("pk_steward_decision")),
    )
    op.create_table(
        "match_review",
        sa.Column("review_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("entity", sa.String(length=16), nullable=False),
        sa.Column("left_source_system", sa.String(length=32), nullable=False),
        sa.Column("left_source_record_id", sa.String(length=64), nullable=False),
        sa.Column("left_source_row", sa.Integer(), nullable=True),
        sa.Column("right_source_system", sa.String(length=32), nullable=False),
        sa.Column("right_source_record_id", sa.String(length=64), nullable=False),
        sa.Column("right_source_row", sa.Integer(), nullable=True),
        sa.Column("match_score", sa.Float(), nullable=False),
        sa.Column("match_class", sa.String(length=16), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("review_id", name=op.f("pk_match_review")),
    )
    op.create_index(op.f("ix_match_review_entity"), "match_review", ["entity"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_match_review_entity"), table_name="match_review")
    op.drop_table("match_review")
    op.drop_table("steward_decision")
