"""The store revision that keys quarantine entries by their problem merges the copies that moved rows made
(SQLite, and PostgreSQL when a server is reachable)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pandas as pd
from alembic import command
from sqlalchemy import column, insert, select, table

from migration.load import load_all
from migration.models import TABLES
from migration.store import _alembic_config, _quiet_alembic, head_revision, store_revision, upgrade_store

NIGHT = {f"B{n}": datetime(2026, 11, 20 + n, 2, tzinfo=UTC) for n in range(1, 5)}


def _entry(sku: str, row: int, batch: str, resolved_by: str | None = None) -> dict:
    return {
        "quarantine_key": f"{sku}-{row}-{batch}",
        "batch_id": batch,
        "entity": "price",
        "stage": "ingest",
        "source_system": "dms",
        "source_file": "dms/price_list.csv",
        "source_sheet": None,
        "source_row": row,
        "business_key": f"{sku}|factory|全国|2026-01-01",
        "column_name": "price",
        "reason_code": "bad_decimal",
        "reason": "price value 'x' is not a number",
        "original": "{}",
        "record_hash": "h",
        "created_at": NIGHT[batch],
        "status": "resolved" if resolved_by else "open",
        "resolved_batch_id": resolved_by,
        "resolved_at": NIGHT[resolved_by] + timedelta(minutes=5) if resolved_by else None,
        "resolution": f"no longer quarantined by batch {resolved_by}" if resolved_by else None,
    }


CHURNED = [
    # S1 moved once: the first night's entry was resolved and a copy opened
    _entry("S1", 2, "B1", resolved_by="B2"),
    _entry("S1", 5, "B2"),
    # S2 moved every night
    _entry("S2", 3, "B1", resolved_by="B2"),
    _entry("S2", 6, "B2", resolved_by="B3"),
    _entry("S2", 8, "B3"),
    # S3 was really fixed
    _entry("S3", 4, "B1", resolved_by="B2"),
    # S4 is repeated twice in the file, both still bad
    _entry("S4", 10, "B1"),
    _entry("S4", 12, "B1"),
    # S5 moved, then was fixed
    _entry("S5", 20, "B1", resolved_by="B2"),
    _entry("S5", 21, "B2", resolved_by="B3"),
]


def _migrate(engine, action, revision: str) -> None:  # type: ignore[no-untyped-def]
    config = _alembic_config()
    with engine.begin() as connection, _quiet_alembic():
        config.attributes["connection"] = connection
        action(config, revision)


def _quarantine(engine) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    quarantine = TABLES["quarantine"]
    with engine.connect() as connection:
        rows = connection.execute(select(quarantine).order_by(quarantine.c.source_row)).mappings().all()
    return pd.DataFrame(rows)


def test_upgrading_merges_the_copies_moved_rows_made_and_keeps_the_first_batch(engine) -> None:
    _migrate(engine, command.upgrade, "0008")
    with engine.begin() as connection:
        connection.execute(insert(table("quarantine", *(column(name) for name in CHURNED[0]))), CHURNED)

    assert upgrade_store(engine) == head_revision()
    entries = _quarantine(engine)
    summary = entries[["business_key", "source_row", "batch_id", "status", "resolved_batch_id"]]
    summary = summary.assign(business_key=summary["business_key"].str[:2]).astype(object)
    assert summary.where(summary.notna(), None).values.tolist() == [
        ["S3", 4, "B1", "resolved", "B2"],
        ["S1", 5, "B1", "open", None],
        ["S2", 8, "B1", "open", None],
        ["S4", 10, "B1", "open", None],
        ["S4", 12, "B1", "open", None],
        ["S5", 21, "B1", "resolved", "B3"],
    ]
    assert entries.set_index("source_row").loc[5, "created_at"].day == NIGHT["B1"].day

    # the next night finds the open problems at yet other rows: the same entries, nothing opened or resolved
    night = pd.DataFrame(
        [
            {**_entry(sku, row, "B4"), "batch_id": "B4"}
            for sku, row in (("S1", 1), ("S2", 2), ("S4", 9), ("S4", 11))
        ]
    )
    night = night.drop(columns=["quarantine_key", "record_hash", "created_at", "status", "resolved_batch_id"])
    stats = load_all(engine, {"quarantine": night}, "B4")["quarantine"]
    after = _quarantine(engine)
    assert (stats.inserted, len(after)) == (0, 6)
    assert after["status"].value_counts().to_dict() == {"open": 4, "resolved": 2}
    assert set(after.loc[after["status"] == "open", "batch_id"]) == {"B1"}


def test_downgrading_gives_the_entries_their_row_keys_back(engine) -> None:
    _migrate(engine, command.upgrade, "0008")
    with engine.begin() as connection:
        connection.execute(insert(table("quarantine", *(column(name) for name in CHURNED[0]))), CHURNED)
    upgrade_store(engine)
    _migrate(engine, command.downgrade, "0008")
    assert store_revision(engine) == "0008"
    entries = _quarantine(engine)
    assert len(entries) == 6 and entries["quarantine_key"].is_unique
    assert upgrade_store(engine) == head_revision()
    assert len(_quarantine(engine)) == 6
