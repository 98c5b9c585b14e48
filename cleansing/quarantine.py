"""Rows that were not accepted, kept with everything a steward needs to fix them at source.

A quarantined row names its entity, its provenance (file, sheet, 1-based row), its business
key where it is known, the first column at fault with a ``reason_code``, a sentence for each
problem, and the original cells as JSON. Nothing is dropped silently: per file,
rows in = accepted + quarantined, checked by :func:`check_row_balance`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import pandas as pd

from cleansing.canonical import PROVENANCE_COLUMNS

QUARANTINE_COLUMNS: tuple[str, ...] = (
    "entity",
    *PROVENANCE_COLUMNS,
    "business_key",
    "column",
    "reason_code",
    "reason",
    "original",
)


class RowBalanceError(AssertionError):
    """Rows in did not equal accepted plus quarantined: a bug, never bad input."""


@dataclass(frozen=True)
class RowBalance:
    file: str
    rows_in: int
    accepted: int
    quarantined: int


def check_row_balance(balance: RowBalance) -> None:
    """Raise :class:`RowBalanceError` unless every row of the file is accepted or quarantined."""
    if balance.rows_in != balance.accepted + balance.quarantined:
        raise RowBalanceError(
            f"{balance.file}: {balance.rows_in:,} rows in but {balance.accepted:,} accepted + "
            f"{balance.quarantined:,} quarantined = {balance.accepted + balance.quarantined:,}"
        )


ORIGINAL_CELL_CHARS = 1_000
"""Longer original cells are cut in the quarantine (with their length noted) to keep it readable."""


def original_json(cells: pd.DataFrame) -> list[str]:
    """The original cells of each row as a JSON object (blank cells as null, keys in file order)."""
    clean = cells.astype(object).where(cells.notna(), None)
    return [
        json.dumps({k: cut_original(v) for k, v in record.items()}, ensure_ascii=False, default=str)
        for record in clean.to_dict("records")
    ]


def cut_original(value: object) -> object:
    """Cut a long original cell for the quarantine, noting its full length."""
    if isinstance(value, str) and len(value) > ORIGINAL_CELL_CHARS:
        return f"{value[:ORIGINAL_CELL_CHARS]}…({len(value):,} characters)"
    return value


def empty_quarantine() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series([], dtype=object) for c in QUARANTINE_COLUMNS})


def summarise_reasons(quarantine: pd.DataFrame) -> pd.DataFrame:
    """Count quarantined rows per entity, source file and reason code, largest first."""
    if quarantine.empty:
        return pd.DataFrame(columns=["entity", "source_file", "reason_code", "rows"])
    counts = quarantine.groupby(["entity", "source_file", "reason_code"]).size().rename("rows").reset_index()
    return counts.sort_values("rows", ascending=False, kind="stable").reset_index(drop=True)


def quarantined_business_keys(quarantine: pd.DataFrame, entity: str) -> pd.Series:
    """The business keys of ``entity``'s quarantined rows (one per row; unknown keys dropped)."""
    if quarantine.empty or "entity" not in quarantine.columns:
        return pd.Series([], dtype="string")
    return quarantine.loc[quarantine["entity"] == entity, "business_key"].dropna().astype("string")
