"""Read one golden record back from the store with every source record the crosswalk sends to it and
the steward decisions about those records."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Engine, or_, select

from migration.models import TABLES, StewardDecision

ENTITY_TABLES = {"partner": "partner", "customer": "customer"}


@dataclass(frozen=True)
class GoldenRecordView:
    entity: str
    record: dict[str, object]
    members: pd.DataFrame
    """Crosswalk rows (active and inactive) pointing at the golden id."""
    decisions: pd.DataFrame
    """Steward decisions naming any member record."""


def read_golden_record(engine: Engine, golden_id: str) -> GoldenRecordView | None:
    """The golden record ``golden_id`` (partner or customer), or ``None`` if the store has none."""
    crosswalk = TABLES["crosswalk"]
    with engine.connect() as connection:
        for entity, name in ENTITY_TABLES.items():
            table = TABLES[name]
            row = connection.execute(select(table).where(table.c.golden_id == golden_id)).mappings().first()
            if row is None:
                continue
            members = pd.DataFrame(
                connection.execute(
                    select(
                        crosswalk.c.source_system,
                        crosswalk.c.source_record_id,
                        crosswalk.c.match_score,
                        crosswalk.c.match_decision,
                        crosswalk.c.active,
                    )
                    .where(crosswalk.c.entity == entity, crosswalk.c.golden_id == golden_id)
                    .order_by(crosswalk.c.source_system, crosswalk.c.source_record_id)
                ).all(),
                columns=["source_system", "source_record_id", "match_score", "match_decision", "active"],
            )
            keys = list(zip(members["source_system"], members["source_record_id"], strict=True))
            decisions = _decisions_about(connection, keys)
            return GoldenRecordView(entity, dict(row), members, decisions)
    return None


def _decisions_about(connection, keys: list[tuple[str, str]]) -> pd.DataFrame:
    columns = [
        "left_source_system",
        "left_source_record_id",
        "right_source_system",
        "right_source_record_id",
        "decision",
        "decided_by",
        "decided_at",
    ]
    if not keys:
        return pd.DataFrame(columns=columns)
    table = StewardDecision.__table__
    conditions = [
        (table.c.left_source_system == system) & (table.c.left_source_record_id == record_id)
        for system, record_id in keys
    ] + [
        (table.c.right_source_system == system) & (table.c.right_source_record_id == record_id)
        for system, record_id in keys
    ]
    query = select(*(table.c[c] for c in columns)).where(or_(*conditions)).order_by(table.c.decision_id)
    return pd.DataFrame(connection.execute(query).all(), columns=columns)
