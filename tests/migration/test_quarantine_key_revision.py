"""The store revision that keys quarantine entries by their problem merges the copies that moved rows made
(SQLite, and PostgreSQL when a server is reachable)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pandas as pd
from alembic import command
from sqlalchemy import column, insert, table

from migration.load import load_all
from migration.store import _alembic_config, _quiet_alembic, head_revision, store_revision, upgrade_store
from tests.migration.quarantine_entries import price_entry, price_key, read_quarantine

NIGHT = {f"B{n}": datetime(2026, 11, 20 + n, 2, tzinfo=UTC) for n in range(1, 5)}


def _entry(sku: str, row: int, batch: str, resolved_by: str | None = None) -> dict:
    return {
        **price_entry(row, batch, price_key(sku)),
        "quarantine_key": f"{sku}-{row}-{batch}",
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


def test_upgrading_merges_the_copies_moved_rows_made_and_keeps_the_first_batch(engine) -> None:
    _migrate(engine, command.upgrade, "0008")
    with engine.begin() as connection:
        connection.execute(insert(table("quarantine", *(column(name) for name in CHURNED[0]))), CHURNED)

    assert upgrade_store(engine) == head_revision()
    entries = read_quarantine(engine)
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
    after = read_quarantine(engine)
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
    entries = read_quarantine(engine)
    assert len(entries) == 6 and entries["quarantine_key"].is_unique
    assert upgrade_store(engine) == head_revision()
    assert len(read_quarantine(engine)) == 6
