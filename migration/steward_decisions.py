"""Steward decisions in the store: appended with who, when and from which file; read back as the
latest decision per pair."""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
from sqlalchemy import Connection, Engine, insert, select

from migration.models import StewardDecision

PAIR_COLUMNS = [
    "left_source_system",
    "left_source_record_id",
    "right_source_system",
    "right_source_record_id",
]


def save_decisions(
    engine: Engine | Connection,
    decisions: pd.DataFrame,
    decided_by: str,
    source_file: str,
    entity: str | None = None,
) -> int:
    """Append ``decisions`` (pair columns, ``decision``, ``notes``, ``sheet_row``) in one transaction
    (the caller's, given a connection)."""
    now = datetime.now(UTC)
    rows = [
        {
            "entity": entity,
            **{c: str(getattr(r, c)) for c in PAIR_COLUMNS},
            "decision": r.decision,
            "notes": r.notes or None,
            "decided_by": decided_by,
            "decided_at": now,
            "source_file": source_file,
            "source_row": int(r.sheet_row) if pd.notna(r.sheet_row) else None,
        }
        for r in decisions.itertuples(index=False)
    ]
    if not rows:
        return 0
    if isinstance(engine, Connection):
        engine.execute(insert(StewardDecision), rows)
    else:
        with engine.begin() as connection:
            connection.execute(insert(StewardDecision), rows)
    return len(rows)


def load_decisions(engine: Engine, entity: str | None = None) -> pd.DataFrame:
    """The latest decision on every pair (all entities, or those of ``entity`` and those without one)."""
    query = select(StewardDecision).order_by(StewardDecision.decision_id)
    if entity is not None:
        query = query.where((StewardDecision.entity == entity) | StewardDecision.entity.is_(None))
    with engine.connect() as connection:
        frame = pd.DataFrame(connection.execute(query).mappings().all())
    if frame.empty:
        return pd.DataFrame(
            columns=[*PAIR_COLUMNS, "decision", "notes", "decided_by", "decided_at", "source_file"]
        )
    return (
        frame.drop_duplicates(PAIR_COLUMNS, keep="last").drop(columns=["decision_id"]).reset_index(drop=True)
    )
