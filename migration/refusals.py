"""Rows the store refuses, kept instead of failing the load: each becomes a quarantine entry with its reason.

A price with three decimals, a required value that is empty, two rows with one business key, an order
whose product is not in the store, or anything the database itself rejects: the row is held back at
stage ``load`` with the column and the reason, and every other row loads.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from cleansing.canonical import ENTITIES
from migration.quarantine_rows import QUARANTINE_TABLE_COLUMNS, quarantine_rows

ENTITY_OF_TABLE = {"order_line": "order"}
"""Store tables whose canonical entity has another name."""


@dataclass(frozen=True)
class Refusal:
    """Why the store cannot take one row of a frame."""

    position: int
    """The row's position in the frame."""
    column: str | None
    reason_code: str
    """store_refused_value | store_missing_value | duplicate_key | unknown_reference | store_refused_row"""
    reason: str


def first_refusal_per_row(refusals: list[Refusal]) -> dict[int, Refusal]:
    """One refusal per row (the first found), so a row is one quarantine entry per load."""
    chosen: dict[int, Refusal] = {}
    for refusal in refusals:
        chosen.setdefault(refusal.position, refusal)
    return chosen


def refused_rows(
    frame: pd.DataFrame, table_name: str, refusals: dict[int, Refusal], business_key: tuple[str, ...]
) -> pd.DataFrame:
    """Quarantine-table rows for the refused rows of ``frame`` (empty when none were refused)."""
    if not refusals:
        return pd.DataFrame(columns=QUARANTINE_TABLE_COLUMNS)
    entity = ENTITY_OF_TABLE.get(table_name, table_name)
    canonical = ENTITIES.get(entity)
    key = list(canonical.business_key) if canonical is not None else []
    if not key or not all(c in frame.columns for c in key):
        key = [c for c in business_key if c in frame.columns]
    positions = sorted(refusals)
    rows = frame.iloc[positions]
    index = rows.index
    column = pd.Series([refusals[p].column for p in positions], index=index, dtype=object)
    code = pd.Series([refusals[p].reason_code for p in positions], index=index, dtype=object)
    reason = pd.Series([refusals[p].reason for p in positions], index=index, dtype=object)
    return quarantine_rows(rows, entity, "load", key, column, code, reason)
