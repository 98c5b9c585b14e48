"""Promotions (one row per promotion × SKU) and volume-discount bands (one row per price tier × channel ×
first quantity) are stored.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29 09:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _bookkeeping() -> list[sa.Column]:
    return [
        sa.Column("record_hash", sa.String(length=64), nullable=False),
        sa.Column("load_batch_id", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("absent_since_batch", sa.String(length=64), nullable=True),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
    ]


def upgrade() -> None:
    op.create_table(
        "promotion",
        sa.Column("promotion_code", sa.String(length=64), nullable=False),
        sa.Column("sku_code", sa.String(length=64), nullable=False),
        sa.Column("promotion_name", sa.String(length=200), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("promoted_price", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("floor_price", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("stackable", sa.Boolean(), nullable=True),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("effective_to", sa.Date(), nullable=False),
        *_bookkeeping(),
        sa.ForeignKeyConstraint(
            ["sku_code"], ["product.sku_code"], name=op.f("fk_promotion_sku_code_product")
        ),
        sa.PrimaryKeyConstraint("promotion_code", "sku_code", name=op.f("pk_promotion")),
    )
    op.create_table(
        "volume_band",
        sa.Column("price_tier", sa.String(length=16), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("min_quantity", sa.Numeric(precision=18, scale=3), nullable=False),
        sa.Column("max_quantity", sa.Numeric(precision=18, scale=3), nullable=True),
        sa.Column("quantity_unit", sa.String(length=16), nullable=True),
        sa.Column("discount_rate", sa.Numeric(precision=5, scale=4), nullable=False),
        *_bookkeeping(),
        sa.PrimaryKeyConstraint("price_tier", "channel", "min_quantity", name=op.f("pk_volume_band")),
    )


def downgrade() -> None:
    op.drop_table("volume_band")
    op.drop_table("promotion")
