"""What changed in each source since the last load: new, changed, unchanged and deleted rows.

Every accepted source row gets a key (its entity's business key, e.g. source system + record id) and a
hash over its canonical values (provenance left out, so a row that only moved within its file is
unchanged). Comparing them with the hashes the last committed load saw (table ``source_row_state``)
gives the night's changes per source, i.e. per source system × entity. A source none of whose files
could be read this night is reported as not read: its rows are not counted as deleted.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pandas as pd
from sqlalchemy import Connection, Engine, and_, bindparam, delete, insert, inspect, select

from cleansing.canonical import ENTITIES, PROVENANCE_COLUMNS, get_entity
from migration.models import TABLES
from migration.sampling import key_strings

STATE_COLUMNS = ["entity", "source_system", "row_key", "row_hash"]
CHANGE_COLUMNS = [
    "entity",
    "source_system",
    "rows_in",
    "quarantined",
    "new",
    "changed",
    "unchanged",
    "deleted",
]
NOT_HASHED = set(PROVENANCE_COLUMNS) - {"source_system"}
CHUNK_SIZE = 5_000


@dataclass(frozen=True)
class SourceChanges:
    """The night's changes: counts per source, and each row's key and hash with how it changed."""

    counts: pd.DataFrame
    """One row per source (entity, source system): rows_in, quarantined, new, changed, unchanged, deleted."""
    rows: pd.DataFrame
    """entity, source_system, row_key, row_hash, change (new | changed | unchanged | deleted)."""
    unread: list[tuple[str, str]]
    """Sources (entity, source system) none of whose files could be read: their state is left as it was."""
    files: dict[str, dict[str, str]] = field(default_factory=dict)
    """Per source file read: its content hash and, when this run skipped it, the batch it is unchanged since."""


def source_row_hashes(records: pd.DataFrame, entity: str) -> pd.DataFrame:
    """entity, source_system, row_key, row_hash for every accepted row of one entity."""
    if records.empty:
        return pd.DataFrame(columns=STATE_COLUMNS)
    key = key_strings(records, get_entity(entity).business_key)
    repeat = key.groupby(key).cumcount()
    key = key.where(repeat == 0, key + "#" + (repeat + 1).astype(str))  # a repeated key stays one row each
    values = records[sorted(c for c in records.columns if c not in NOT_HASHED)]
    text = values.astype("string").fillna("\x1f")
    hashes = pd.util.hash_pandas_object(text, index=False).map("{:016x}".format)
    return pd.DataFrame(
        {
            "entity": entity,
            "source_system": records["source_system"].astype(str).to_numpy(),
            "row_key": key.astype(str).str.slice(0, 255).to_numpy(),
            "row_hash": hashes.to_numpy(),
        }
    )


def new_or_changed_rows(records: pd.DataFrame, entity: str, previous: pd.DataFrame) -> pd.Series:
    """Per accepted row of ``entity`` (aligned with ``records``): True when the last committed load did not
    see it with this hash (``previous`` as :func:`read_source_state` returns it)."""
    current = source_row_hashes(records, entity)
    before = previous[previous["entity"] == entity]
    seen = pd.Series(
        before["row_hash"].to_numpy(),
        index=pd.MultiIndex.from_arrays([before["source_system"].astype(str), before["row_key"].astype(str)]),
    )
    seen = seen[~seen.index.duplicated()]
    keys = pd.MultiIndex.from_arrays([current["source_system"].astype(str), current["row_key"].astype(str)])
    hash_before = seen.reindex(keys).to_numpy() if len(current) else []
    return pd.Series(current["row_hash"].to_numpy() != hash_before, index=records.index, dtype=bool)


def read_source_state(engine: Engine) -> pd.DataFrame:
    """The row hashes the last committed load saw (empty for a store never loaded)."""
    table = TABLES["source_row_state"]
    if not inspect(engine).has_table(table.name):
        return pd.DataFrame(columns=STATE_COLUMNS)
    with engine.connect() as connection:
        rows = connection.execute(select(*(table.c[c] for c in STATE_COLUMNS))).all()
    return pd.DataFrame(rows, columns=STATE_COLUMNS)


def file_hashes(records: pd.DataFrame, file_reports: pd.DataFrame) -> dict[str, dict[str, str]]:
    """Per source file: the sha256 of its bytes (from the rows' provenance) and the batch it was skipped as
    unchanged since (empty when it was read)."""
    hashes = (
        records.drop_duplicates("source_file").set_index("source_file")["file_hash"] if len(records) else {}
    )
    return {
        report["file"]: {
            "file_hash": str(hashes.get(report["file"], "") or ""),
            "unchanged_since": str(report.get("unchanged_since", "") or ""),
        }
        for report in file_reports.to_dict("records")
        if not report.get("error")
    }


def detect_source_changes(
    current: pd.DataFrame,
    previous: pd.DataFrame,
    file_reports: pd.DataFrame,
    files: dict[str, dict[str, str]] | None = None,
) -> SourceChanges:
    """Compare this night's row hashes with the last load's, per source.

    ``file_reports`` (entity, source_system, rows_in, accepted, quarantined, error) gives the rows read
    and which sources could not be read at all.
    """
    source = ["entity", "source_system"]
    reports = file_reports.assign(read=file_reports["error"].fillna("") == "")
    per_source = reports.groupby(source).agg(
        rows_in=("rows_in", "sum"), quarantined=("quarantined", "sum"), read=("read", "any")
    )
    unread = [key for key, ok in per_source["read"].items() if not ok]
    merged = current.merge(
        previous, on=["entity", "source_system", "row_key"], how="outer", suffixes=("", "_before")
    )
    change = pd.Series("unchanged", index=merged.index, dtype=object)
    change[merged["row_hash_before"].isna()] = "new"
    change[
        merged["row_hash"].notna()
        & merged["row_hash_before"].notna()
        & (merged["row_hash"] != merged["row_hash_before"])
    ] = "changed"
    change[merged["row_hash"].isna()] = "deleted"
    merged["change"] = change
    not_read = pd.Series(
        list(zip(merged["entity"], merged["source_system"], strict=True)), index=merged.index
    ).isin(set(unread))
    rows = merged[~(not_read & (merged["change"] == "deleted"))]
    tally = rows.groupby([*source, "change"]).size().unstack("change", fill_value=0)
    counts = per_source[["rows_in", "quarantined"]].join(tally, how="outer").fillna(0)
    for name in ("new", "changed", "unchanged", "deleted"):
        counts[name] = counts[name] if name in counts.columns else 0
    counts = counts.reset_index()[CHANGE_COLUMNS]
    entity_order = {name: position for position, name in enumerate(ENTITIES)}
    counts = counts.sort_values(
        ["entity", "source_system"], key=lambda c: c.map(entity_order) if c.name == "entity" else c
    )
    counts[CHANGE_COLUMNS[2:]] = counts[CHANGE_COLUMNS[2:]].astype(int)
    return SourceChanges(
        counts.reset_index(drop=True),
        rows[[*STATE_COLUMNS, "change"]].reset_index(drop=True),
        unread,
        files or {},
    )


def save_source_state(connection: Connection, changes: SourceChanges, batch_id: str) -> None:
    """Record this load's row hashes: drop deleted and changed rows' old hashes, insert new and changed."""
    table = TABLES["source_row_state"]
    rows = changes.rows
    gone = rows[rows["change"].isin(["deleted", "changed"])]
    condition = and_(*(table.c[c] == bindparam(f"k_{c}") for c in ("entity", "source_system", "row_key")))
    params = [
        {f"k_{c}": row[c] for c in ("entity", "source_system", "row_key")}
        for row in gone[["entity", "source_system", "row_key"]].to_dict("records")
    ]
    for start in range(0, len(params), CHUNK_SIZE):
        connection.execute(delete(table).where(condition), params[start : start + CHUNK_SIZE])
    fresh = rows[rows["change"].isin(["new", "changed"])][STATE_COLUMNS].assign(changed_batch=batch_id)
    records = fresh.to_dict("records")
    for start in range(0, len(records), CHUNK_SIZE):
        connection.execute(insert(table), records[start : start + CHUNK_SIZE])


def record_source_changes(
    connection: Connection, changes: SourceChanges, batch_id: str, started: datetime
) -> None:
    """Within the load's transaction (the state must commit with the rows it describes, or the next
    night would misclassify them): save the row hashes the load saw and a ``run_log`` row (stage
    ``source_changes``) holding the per-source counts and each file's content hash (and whether it was
    skipped as unchanged)."""
    sources = {
        f"{row['source_system']} {row['entity']}": {name: int(row[name]) for name in CHANGE_COLUMNS[2:]}
        for row in changes.counts.to_dict("records")
    }
    counts = {"sources": sources, "files": changes.files}
    save_source_state(connection, changes, batch_id)
    connection.execute(
        insert(TABLES["run_log"]).values(
            run_id=uuid.uuid4().hex,
            batch_id=batch_id,
            started_at=started,
            finished_at=datetime.now(UTC),
            status="succeeded",
            stage="source_changes",
            counts=json.dumps(counts, sort_keys=True),
            message=None,
        )
    )
