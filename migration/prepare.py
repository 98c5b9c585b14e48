"""Shape the pipeline's results into the store's tables.

Golden partners and customers, valid products and prices, and balances and order lines whose
partner codes are translated into golden ids. A transactional row whose partner code matches
no golden partner is not loaded with a dangling reference: it is quarantined at stage ``load``.
"""

from __future__ import annotations

import pandas as pd

from migration.quarantine_rows import QUARANTINE_TABLE_COLUMNS, quarantine_rows

__all__ = [
    "QUARANTINE_TABLE_COLUMNS",
    "attach_partner_golden_ids",
    "hold_unknown_references",
    "ingest_quarantine_rows",
    "quarantine_rows",
    "validation_quarantine_rows",
]


def attach_partner_golden_ids(
    frame: pd.DataFrame, partner_golden_ids: pd.Series, entity: str, key_columns: list[str]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Add ``partner_golden_id``; rows whose partner code resolves to nothing go to quarantine."""
    frame = frame.assign(partner_golden_id=partner_golden_ids.to_numpy())
    unresolved = frame["partner_golden_id"].isna()
    quarantined = frame.loc[unresolved]
    reason = (
        "partner code "
        + quarantined["partner_record_id"].fillna("(empty)").astype(str)
        + " matches no partner record: check the code or add the partner to its source, then re-run"
    )
    return frame.loc[~unresolved], quarantine_rows(
        quarantined, entity, "load", key_columns, "partner_record_id", "unknown_partner", reason
    )


def ingest_quarantine_rows(quarantine: pd.DataFrame) -> pd.DataFrame:
    """The ingest stage's quarantine, in the store's quarantine-table shape."""
    if quarantine.empty:
        return pd.DataFrame(columns=QUARANTINE_TABLE_COLUMNS)
    out = quarantine.rename(columns={"column": "column_name"}).assign(stage="ingest")
    for name in QUARANTINE_TABLE_COLUMNS:
        if name not in out.columns:
            out[name] = None
    return out[QUARANTINE_TABLE_COLUMNS].reset_index(drop=True)


def validation_quarantine_rows(
    quarantined: pd.DataFrame, entity: str, key_columns: list[str]
) -> pd.DataFrame:
    """Error-level rule failures from the standards, in the store's quarantine-table shape."""
    errors = quarantined.loc[quarantined["severity"] == "error"] if len(quarantined) else quarantined
    if errors.empty:
        return pd.DataFrame(columns=QUARANTINE_TABLE_COLUMNS)
    out = pd.DataFrame(
        {
            "batch_id": errors.get("batch_id"),
            "entity": entity,
            "stage": "validate",
            "source_system": errors.get("source_system"),
            "source_file": errors.get("source_file"),
            "source_sheet": errors.get("source_sheet"),
            "source_row": errors.get("source_row"),
            "business_key": errors[key_columns].astype(str).agg("|".join, axis=1),
            "column_name": errors["column"],
            "reason_code": errors["rule"],
            "reason": errors["reason"],
            "original": errors["value"].astype("string"),
        }
    )
    return out[QUARANTINE_TABLE_COLUMNS].reset_index(drop=True)


def hold_unknown_references(
    frame: pd.DataFrame, column: str, known: pd.Series, entity: str, key_columns: list[str], target: str
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Quarantine rows whose ``column`` names a ``target`` that is not being loaded (e.g. a quarantined SKU)."""
    unknown = ~frame[column].isin(set(known.dropna()))
    held = frame.loc[unknown]
    reason = (
        f"{column} "
        + held[column].fillna("(empty)").astype(str)
        + f" is not a loaded {target} (missing, or quarantined by the {target} standard): fix the {target} first"
    )
    return frame.loc[~unknown], quarantine_rows(
        held, entity, "load", key_columns, column, f"unknown_{target}", reason
    )
