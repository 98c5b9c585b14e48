"""Quarantine entries of a price list as the ingest writes them, and the store's quarantine read back,
for the tests of how entries are keyed, kept and resolved across loads and store revisions."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import select
from sqlalchemy.engine import Engine

from migration.models import TABLES


def price_key(sku: str) -> str:
    """A price row's business key (SKU, tier, region, valid from)."""
    return f"{sku}|factory|全国|2026-01-01"


def price_entry(
    row: int,
    batch: str,
    business_key: str,
    *,
    column: str = "price",
    reason_code: str = "bad_decimal",
    reason: str = "price value 'x' is not a number",
    original: str = "{}",
) -> dict:
    """One ingest quarantine entry of ``dms/price_list.csv`` row ``row``, found by ``batch``."""
    return {
        "entity": "price",
        "stage": "ingest",
        "source_system": "dms",
        "source_file": "dms/price_list.csv",
        "source_sheet": None,
        "source_row": row,
        "business_key": business_key,
        "column_name": column,
        "reason_code": reason_code,
        "reason": reason,
        "original": original,
        "batch_id": batch,
    }


def read_quarantine(engine: Engine, order_by: str = "source_row") -> pd.DataFrame:
    """The store's quarantine table, ordered by ``order_by``."""
    quarantine = TABLES["quarantine"]
    with engine.connect() as connection:
        rows = connection.execute(select(quarantine).order_by(quarantine.c[order_by])).mappings().all()
    return pd.DataFrame(rows)
