"""Read one golden record back from the store with every source record the crosswalk sends to it, the
steward decisions about those records, the ids merged into it, where each value came from and its
history. A merged-away id resolves to the record it was merged into."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy import Engine, or_, select

from migration.golden_aliases import GOLDEN_TABLES, resolve_alias
from migration.models import TABLES, StewardDecision

ALIAS_COLUMNS = ["retired_golden_id", "retired_at", "cause_batch_id", "cause_file"]
LINEAGE_COLUMNS = ["field", "source_system", "source_record_id", "rule"]
HISTORY_COLUMNS = [
    "changed_at",
    "event",
    "field",
    "old_value",
    "new_value",
    "source_system",
    "source_record_id",
    "cause_batch_id",
    "cause_file",
    "changed_by",
]


@dataclass(frozen=True)
class GoldenRecordView:
    entity: str
    record: dict[str, object]
    members: pd.DataFrame
    """Crosswalk rows (active and inactive) pointing at the golden id."""
    decisions: pd.DataFrame
    """Steward decisions naming any member record."""
    golden_id: str = ""
    asked_for: str = ""
    """The id asked for: an alias of ``golden_id`` when they differ."""
    aliases: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=ALIAS_COLUMNS))
    """Golden ids merged into this one, when and why."""
    lineage: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=LINEAGE_COLUMNS))
    """Per attribute the winning source record and the survivorship rule that chose it."""
    history: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=HISTORY_COLUMNS))
    """Oldest first: creates, merges, unmerges and attribute changes of this record and its aliases."""


def read_golden_record(engine: Engine, golden_id: str) -> GoldenRecordView | None:
    """The golden record ``golden_id`` (partner or customer; an alias resolves to its survivor), or
    ``None`` if the store has neither."""
    crosswalk = TABLES["crosswalk"]
    with engine.connect() as connection:
        alias = resolve_alias(connection, golden_id)
        wanted = alias[1] if alias else golden_id
        for entity, name in GOLDEN_TABLES.items():
            table = TABLES[name]
            row = connection.execute(select(table).where(table.c.golden_id == wanted)).mappings().first()
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
                    .where(crosswalk.c.entity == entity, crosswalk.c.golden_id == wanted)
                    .order_by(crosswalk.c.source_system, crosswalk.c.source_record_id)
                ).all(),
                columns=["source_system", "source_record_id", "match_score", "match_decision", "active"],
            )
            keys = list(zip(members["source_system"], members["source_record_id"], strict=True))
            decisions = _decisions_about(connection, keys)
            aliases = _aliases_of(connection, entity, wanted)
            return GoldenRecordView(
                entity,
                dict(row),
                members,
                decisions,
                golden_id=wanted,
                asked_for=golden_id,
                aliases=aliases,
                lineage=_lineage_of(connection, entity, wanted),
                history=_history_of(connection, entity, [wanted, *aliases["retired_golden_id"]]),
            )
    return None


def _aliases_of(connection, entity: str, golden_id: str) -> pd.DataFrame:
    table = TABLES["golden_alias"]
    query = (
        select(*(table.c[c] for c in ALIAS_COLUMNS))
        .where(table.c.entity == entity, table.c.golden_id == golden_id)
        .order_by(table.c.retired_golden_id)
    )
    return pd.DataFrame(connection.execute(query).all(), columns=ALIAS_COLUMNS)


def _lineage_of(connection, entity: str, golden_id: str) -> pd.DataFrame:
    table = TABLES["golden_lineage"]
    query = select(*(table.c[c] for c in LINEAGE_COLUMNS)).where(
        table.c.entity == entity, table.c.golden_id == golden_id
    )
    return pd.DataFrame(connection.execute(query).all(), columns=LINEAGE_COLUMNS)


def _history_of(connection, entity: str, golden_ids: list[str]) -> pd.DataFrame:
    """Events on the records, and source records that left them (an unmerge names the id they left)."""
    table = TABLES["golden_history"]
    query = (
        select(table.c.golden_id, *(table.c[c] for c in HISTORY_COLUMNS))
        .where(
            table.c.entity == entity,
            table.c.golden_id.in_(golden_ids)
            | table.c.old_value.in_(golden_ids) & (table.c.event == "unmerge"),
        )
        .order_by(table.c.history_id)
    )
    return pd.DataFrame(connection.execute(query).all(), columns=["golden_id", *HISTORY_COLUMNS])


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
