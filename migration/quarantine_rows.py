"""The store's quarantine-table shape, and quarantine rows built from any frame's rows with their reason.

Shared by the pipeline's preparation of the load and by the loader itself (rows the store refuses).
"""

from __future__ import annotations

import pandas as pd

QUARANTINE_IDENTITY = (
    "entity",
    "stage",
    "source_system",
    "source_file",
    "source_sheet",
    "source_row",
    "business_key",
    "column_name",
    "reason_code",
)
"""What makes a quarantine entry the same entry in every load: the problem and the source row, not the batch."""

QUARANTINE_TABLE_COLUMNS = ["batch_id", *QUARANTINE_IDENTITY, "reason", "original"]
RUN_STAMPS = ("batch_id", "ingested_at")
"""Provenance that belongs to the run, not to the source row."""


def quarantine_rows(
    rows: pd.DataFrame,
    entity: str,
    stage: str,
    key_columns: list[str],
    column: str | pd.Series | None,
    reason_code: str | pd.Series,
    reason: str | pd.Series,
) -> pd.DataFrame:
    """Quarantine-table rows for ``rows``, keeping their provenance and original values as JSON."""
    if rows.empty:
        return pd.DataFrame(columns=QUARANTINE_TABLE_COLUMNS)
    out = pd.DataFrame(index=rows.index)
    for name in ["batch_id", "source_system", "source_file", "source_sheet", "source_row"]:
        out[name] = rows[name] if name in rows.columns else None
    out["entity"] = entity
    out["stage"] = stage
    # an empty key part (the very reason some rows are held back) is written as nothing, not "nan"
    out["business_key"] = rows[key_columns].astype("string").fillna("").agg("|".join, axis=1)
    out["column_name"] = column
    out["reason_code"] = reason_code
    out["reason"] = reason
    # The row as the source had it: the run's own stamps would make a rerun look like a new problem.
    canonical = [c for c in rows.columns if not c.startswith("_") and c not in RUN_STAMPS]
    out["original"] = (
        rows[canonical]
        .astype(object)
        .where(rows[canonical].notna(), None)
        .apply(lambda r: r.to_json(force_ascii=False), axis=1)
    )
    return out[QUARANTINE_TABLE_COLUMNS].reset_index(drop=True)
