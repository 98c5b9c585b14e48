"""The golden record's history, computed at load time by comparing the store before and after.

A load snapshots each golden table and the crosswalk before it writes and again after; the difference
is appended to ``golden_history``: a ``create`` for each new golden id, a ``merge`` for each golden id
merged away (with the steward file behind it) and each source record that joined a golden record, an
``unmerge`` for each source record split out of one, and a ``change`` per attribute whose value changed.
Rows are only ever appended.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import pandas as pd
from sqlalchemy import Connection, select

from migration.bookkeeping import bookkeeping_columns
from migration.bulk import insert_rows
from migration.models import TABLES

HISTORY_COLUMNS = [
    "entity",
    "golden_id",
    "event",
    "field",
    "old_value",
    "new_value",
    "source_system",
    "source_record_id",
    "cause_file",
]
MEMBER_KEY = ["source_system", "source_record_id"]


def snapshot_golden(connection: Connection, table_name: str) -> pd.DataFrame:
    """The golden table's business columns and ``record_hash``, indexed by golden id."""
    table = TABLES[table_name]
    hidden = bookkeeping_columns(table) - {"record_hash"}
    columns = [c for c in table.columns if c.name not in hidden]
    frame = _frame(connection.execute(select(*columns)).all(), [c.name for c in columns])
    return frame.set_index("golden_id")


def snapshot_members(connection: Connection, entity: str) -> pd.DataFrame:
    """Where the crosswalk sends each source record of ``entity``: source_system, source_record_id, golden_id."""
    table = TABLES["crosswalk"]
    query = select(table.c.source_system, table.c.source_record_id, table.c.golden_id).where(
        table.c.entity == entity
    )
    return _frame(connection.execute(query).all(), [*MEMBER_KEY, "golden_id"])


def _frame(rows: Sequence[Any], columns: list[str]) -> pd.DataFrame:
    """Result rows as a frame (as plain tuples: pandas reads SQLAlchemy rows one by one, far slower)."""
    return pd.DataFrame.from_records([tuple(row) for row in rows], columns=columns)


def golden_events(
    entity: str,
    before: pd.DataFrame,
    after: pd.DataFrame,
    members_before: pd.DataFrame,
    members_after: pd.DataFrame,
    retired: pd.DataFrame,
) -> pd.DataFrame:
    """The history events between two snapshots of one entity (``HISTORY_COLUMNS``)."""
    parts = [
        _created(entity, before, after),
        _merged_away(entity, retired),
        _moved(entity, before, members_before, members_after, retired),
        _changed(entity, before, after),
    ]
    parts = [p for p in parts if len(p)]
    if not parts:
        return pd.DataFrame(columns=HISTORY_COLUMNS)
    return pd.concat(parts, ignore_index=True).reindex(columns=HISTORY_COLUMNS)


def append_history(
    connection: Connection,
    events: pd.DataFrame,
    now: datetime,
    cause_batch_id: str | None = None,
    changed_by: str | None = None,
) -> int:
    """Append ``events`` to ``golden_history`` with the batch or steward that caused them."""
    if events.empty:
        return 0
    frame = events.reindex(columns=HISTORY_COLUMNS).astype(object)
    columns: dict[str, list[Any]] = {
        name: [None if pd.isna(v) else str(v) for v in frame[name].tolist()] for name in HISTORY_COLUMNS
    }
    count = len(frame)
    columns |= {"cause_batch_id": [cause_batch_id] * count, "changed_by": [changed_by] * count}
    columns["changed_at"] = [now] * count
    insert_rows(connection, TABLES["golden_history"], columns)
    return count


def _created(entity: str, before: pd.DataFrame, after: pd.DataFrame) -> pd.DataFrame:
    new = after.loc[~after.index.isin(before.index)]
    return pd.DataFrame(
        {
            "entity": entity,
            "golden_id": new.index,
            "event": "create",
            "new_value": new.index,
            "source_system": new.get("primary_source_system"),
            "source_record_id": new.get("primary_source_record_id"),
        }
    )


def _merged_away(entity: str, retired: pd.DataFrame) -> pd.DataFrame:
    mine = retired.loc[retired["entity"] == entity]
    return pd.DataFrame(
        {
            "entity": entity,
            "golden_id": mine["golden_id"].to_numpy(),
            "event": "merge",
            "old_value": mine["retired_golden_id"].to_numpy(),
            "new_value": mine["golden_id"].to_numpy(),
            "cause_file": mine["cause_file"].to_numpy(),
        }
    )


def _moved(
    entity: str,
    before: pd.DataFrame,
    members_before: pd.DataFrame,
    members_after: pd.DataFrame,
    retired: pd.DataFrame,
) -> pd.DataFrame:
    """A source record that changed golden record: a merge when it joined one that existed (by a golden
    id merged away, or as a new record), an unmerge when it left one that lives on."""
    both = members_after.merge(members_before, on=MEMBER_KEY, how="left", suffixes=("", "_before"))
    moved = both[both["golden_id"] != both["golden_id_before"].fillna(both["golden_id"])]
    joined = both[both["golden_id_before"].isna() & both["golden_id"].isin(before.index)]
    mine = retired.loc[retired["entity"] == entity]
    cause = dict(zip(mine["retired_golden_id"], mine["cause_file"], strict=True))
    merged = moved["golden_id_before"].isin(cause.keys())
    frame = pd.concat(
        [
            moved.assign(event=merged.map({True: "merge", False: "unmerge"})),
            joined.assign(event="merge"),
        ]
    )
    return pd.DataFrame(
        {
            "entity": entity,
            "golden_id": frame["golden_id"].to_numpy(),
            "event": frame["event"].to_numpy(),
            "old_value": frame["golden_id_before"].to_numpy(),
            "new_value": frame["golden_id"].to_numpy(),
            "source_system": frame["source_system"].to_numpy(),
            "source_record_id": frame["source_record_id"].to_numpy(),
            "cause_file": frame["golden_id_before"].map(cause).to_numpy(),
        }
    )


def _changed(entity: str, before: pd.DataFrame, after: pd.DataFrame) -> pd.DataFrame:
    """One ``change`` per attribute whose stored value differs, for records whose hash changed."""
    common = after.index.intersection(before.index)
    differs = common[
        before.loc[common, "record_hash"].to_numpy() != after.loc[common, "record_hash"].to_numpy()
    ]
    if not len(differs):
        return pd.DataFrame(columns=HISTORY_COLUMNS)
    fields = [c for c in after.columns if c != "record_hash"]
    old = before.loc[differs, fields].astype(object).where(before.loc[differs, fields].notna(), None)
    new = after.loc[differs, fields].astype(object).where(after.loc[differs, fields].notna(), None)
    old_long = old.map(_text).stack(future_stack=True).rename("old_value")
    new_long = new.map(_text).stack(future_stack=True).rename("new_value")
    pairs = pd.concat([old_long, new_long], axis=1)
    pairs = pairs[pairs["old_value"].fillna("\0") != pairs["new_value"].fillna("\0")].reset_index()
    pairs.columns = ["golden_id", "field", "old_value", "new_value"]
    return pairs.assign(entity=entity, event="change")


def _text(value: object) -> str | None:
    return None if value is None else str(value)
