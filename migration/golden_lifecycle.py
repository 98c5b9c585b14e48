"""What a load does to golden records beyond upserting them: retire merged-away ids into aliases and
append the history of what changed, both inside the load's transaction."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import pandas as pd
from sqlalchemy import Connection

from migration.golden_aliases import GOLDEN_TABLES, RETIRED_COLUMNS, retire_golden_ids
from migration.golden_history import append_history, golden_events, snapshot_golden, snapshot_members
from migration.partner_references import move_partner_references

if TYPE_CHECKING:
    from migration.load import LoadStats


@dataclass
class GoldenLifecycle:
    """The golden tables and crosswalk as they were before a load, and the retirements it applied."""

    before: dict[str, pd.DataFrame]
    members_before: dict[str, pd.DataFrame]
    crosswalk: pd.DataFrame = field(default_factory=pd.DataFrame)
    """The crosswalk the load writes (empty when it writes none)."""
    now: datetime = field(default_factory=lambda: datetime.now(UTC))
    applied: dict[str, pd.DataFrame] = field(default_factory=dict)

    @classmethod
    def before_load(cls, connection: Connection, frames: dict[str, pd.DataFrame]) -> GoldenLifecycle:
        """Snapshot every golden entity the load's ``frames`` carry."""
        entities = [entity for entity, table in GOLDEN_TABLES.items() if table in frames]
        return cls(
            {entity: snapshot_golden(connection, GOLDEN_TABLES[entity]) for entity in entities},
            {entity: snapshot_members(connection, entity) for entity in entities},
            frames.get("crosswalk", pd.DataFrame()),
        )

    def retire(
        self,
        connection: Connection,
        table_name: str,
        retired: pd.DataFrame,
        batch_id: str,
        stats: LoadStats,
        missing: set[tuple[Any, ...]],
    ) -> LoadStats:
        """After a golden table's upsert: merge its retired ids into their survivors."""
        entity = next((e for e, t in GOLDEN_TABLES.items() if t == table_name and e in self.before), None)
        if entity is None:
            return stats
        applied = retire_golden_ids(connection, entity, retired, batch_id, self.now)
        self.applied[entity] = applied
        if entity == "partner":
            move_partner_references(connection, self._moved_between_live_records(entity, applied, missing))
        gone = sum((golden_id,) in missing for golden_id in applied["retired_golden_id"])
        return replace(stats, retired=gone, absent=stats.absent - gone)

    def _moved_between_live_records(
        self, entity: str, applied: pd.DataFrame, missing: set[tuple[Any, ...]]
    ) -> pd.DataFrame:
        """Source records the load's crosswalk sends to another golden record than the store did, where
        the one they left lives on (a retired one is handled by :func:`retire_golden_ids`)."""
        columns = ["source_system", "source_record_id", "old_golden_id", "golden_id"]
        if self.crosswalk.empty:
            return pd.DataFrame(columns=columns)
        written = self.crosswalk[self.crosswalk["entity"] == entity][
            ["source_system", "source_record_id", "golden_id"]
        ]
        before = self.members_before[entity].rename(columns={"golden_id": "old_golden_id"})
        both = written.merge(before, on=["source_system", "source_record_id"])
        gone = {key[0] for key in missing} | set(applied["retired_golden_id"])
        moved = both[(both["golden_id"] != both["old_golden_id"]) & ~both["old_golden_id"].isin(gone)]
        return moved[columns]

    def record_history(self, connection: Connection, batch_id: str) -> int:
        """Append what changed for each snapshotted entity; returns the number of events."""
        count = 0
        for entity, before in self.before.items():
            events = golden_events(
                entity,
                before,
                snapshot_golden(connection, GOLDEN_TABLES[entity]),
                self.members_before[entity],
                snapshot_members(connection, entity),
                self.applied.get(entity, pd.DataFrame(columns=RETIRED_COLUMNS)),
            )
            count += append_history(connection, events, self.now, cause_batch_id=batch_id)
        return count
