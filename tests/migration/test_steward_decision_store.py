"""Steward decisions in the store (SQLite, and PostgreSQL when a server is reachable)."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Engine

from migration.steward_decisions import load_decisions, save_decisions


def _decisions(decision: str, notes: str = "") -> pd.DataFrame:
    return pd.DataFrame(
        {
            "left_source_system": ["ERP", "ERP"],
            "left_source_record_id": ["0012", "P001"],
            "right_source_system": ["DMS", "CRM"],
            "right_source_record_id": ["D-9", "=1+1"],
            "decision": [decision, "merge"],
            "notes": [notes, ""],
            "sheet_row": [2, 3],
        }
    )


def test_decisions_are_appended_and_the_latest_per_pair_holds(store: Engine) -> None:
    assert save_decisions(store, _decisions("merge"), "王芳", "review-1.xlsx", "partner") == 2
    assert (
        save_decisions(store, _decisions("not_a_match", "两家公司"), "李雷", "review-2.xlsx", "partner") == 2
    )
    latest = load_decisions(store, "partner").sort_values("left_source_record_id").reset_index(drop=True)
    assert latest[["left_source_record_id", "right_source_record_id", "decision", "decided_by"]].to_dict(
        "records"
    ) == [
        {
            "left_source_record_id": "0012",
            "right_source_record_id": "D-9",
            "decision": "not_a_match",
            "decided_by": "李雷",
        },
        {
            "left_source_record_id": "P001",
            "right_source_record_id": "=1+1",
            "decision": "merge",
            "decided_by": "李雷",
        },
    ]
    assert latest.loc[0, "notes"] == "两家公司" and pd.isna(latest.loc[1, "notes"])
    assert load_decisions(store, "customer").empty


def test_an_empty_store_has_no_decisions(store: Engine) -> None:
    assert load_decisions(store).empty
