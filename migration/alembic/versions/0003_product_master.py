"""Product master: a crosswalk from every source system's product code to its master SKU; prices by
channel and customer level, with discount and promotion.

The price business key gains channel and customer level (``*`` for a price that applies to every
channel or level), so one SKU may carry a 经销 and a KA price for the same tier, region and period.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29 02:20:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_KEY = ["sku_code", "price_tier", "sales_region", "effective_from"]


def upgrade() -> None:
    op.create_table(
        "product_crosswalk",
        sa.Column("source_system", sa.String(length=32), nullable=False),
        sa.Column("source_code", sa.String(length=64), nullable=False),
        sa.Column("sku_code", sa.String(length=64), nullable=False),
        sa.Column("match_method", sa.String(length=16), nullable=False),
        sa.Column("match_score", sa.Float(), nullable=True),
        sa.Column("explanation", sa.String(length=500), nullable=True),
        sa.Column("record_hash", sa.String(length=64), nullable=False),
        sa.Column("load_batch_id", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("source_system", "source_code", name=op.f("pk_product_crosswalk")),
    )
    op.create_index(op.f("ix_product_crosswalk_sku_code"), "product_crosswalk", ["sku_code"], unique=False)
    with op.batch_alter_table("price") as batch:
        # A NULL in a unique key never conflicts, so "every channel / level" is the value '*'.
        batch.add_column(sa.Column("channel", sa.String(length=32), server_default="*", nullable=False))
        batch.add_column(
            sa.Column("customer_level", sa.String(length=32), server_default="*", nullable=False)
        )
        batch.add_column(sa.Column("discount_rate", sa.Numeric(precision=5, scale=4), nullable=True))
        batch.add_column(sa.Column("discount_amount", sa.Numeric(precision=18, scale=2), nullable=True))
        batch.add_column(sa.Column("promotion_code", sa.String(length=64), nullable=True))
        batch.drop_constraint("uq_price_business_key", type_="unique")
        batch.create_unique_constraint("uq_price_business_key", [*OLD_KEY, "channel", "customer_level"])


def downgrade() -> None:
    with op.batch_alter_table("price") as batch:
        batch.drop_constraint("uq_price_business_key", type_="unique")
        batch.create_unique_constraint("uq_price_business_key", OLD_KEY)
        batch.drop_column("promotion_code")
        batch.drop_column("discount_amount")
        batch.drop_column("discount_rate")
        batch.drop_column("customer_level")
        batch.drop_column("channel")
    op.drop_index(op.f("ix_product_crosswalk_sku_code"), table_name="product_crosswalk")
    op.drop_table("product_crosswalk")
