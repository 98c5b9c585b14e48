"""The quarantine is one entry per problem, whatever the number of runs, and it records fixes.

Found by a hostile run: the quarantine table doubled on every rerun (1,453 → 2,906) because its key
included the batch id.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest
from alembic import command
from sqlalchemy import column, insert, table

from migration.load import load_all
from migration.store import _alembic_config, create_store_engine, head_revision, upgrade_store
from tests.migration.quarantine_entries import price_entry, price_key, read_quarantine


def _entry(row: int, batch: str, reason_code: str = "bad_decimal") -> dict:
    return price_entry(
        row,
        batch,
        price_key(f"S{row}"),
        reason_code=reason_code,
        reason=f"price value 'x{row}' is not a number",
    )


CREATED = datetime(2026, 11, 27, tzinfo=UTC)


@pytest.fixture
def engine(tmp_path: Path):
    engine = create_store_engine(f"sqlite:///{tmp_path / 'store.sqlite'}")
    upgrade_store(engine)
    yield engine
    engine.dispose()


def test_a_rerun_of_the_same_input_leaves_the_quarantine_as_it_was(engine) -> None:
    first = load_all(engine, {"quarantine": pd.DataFrame([_entry(2, "B1"), _entry(3, "B1")])}, "B1")
    before = read_quarantine(engine)
    second = load_all(engine, {"quarantine": pd.DataFrame([_entry(2, "B2"), _entry(3, "B2")])}, "B2")
    after = read_quarantine(engine)
    assert (first["quarantine"].inserted, second["quarantine"].inserted, second["quarantine"].updated) == (
        2,
        0,
        0,
    )
    pd.testing.assert_frame_equal(before, after)
    assert after["batch_id"].tolist() == ["B1", "B1"]  # the batch that first found each problem
    assert after["status"].tolist() == ["open", "open"]


def test_a_row_fixed_at_the_source_is_resolved_and_reopened_if_it_comes_back(engine) -> None:
    load_all(engine, {"quarantine": pd.DataFrame([_entry(2, "B1"), _entry(3, "B1")])}, "B1")
    stats = load_all(engine, {"quarantine": pd.DataFrame([_entry(3, "B2")])}, "B2")
    fixed = read_quarantine(engine).set_index("source_row")
    assert stats["quarantine"].updated == 1
    assert fixed.loc[2, "status"] == "resolved"
    assert fixed.loc[2, "resolved_batch_id"] == "B2"
    assert fixed.loc[2, "resolution"] == (
        "no longer quarantined by batch B2: fixed at the source or no longer in it"
    )
    assert fixed.loc[3, "status"] == "open"
    load_all(engine, {"quarantine": pd.DataFrame([_entry(2, "B3"), _entry(3, "B3")])}, "B3")
    again = read_quarantine(engine).set_index("source_row")
    assert again.loc[2, "status"] == "open" and pd.isna(again.loc[2, "resolved_batch_id"])
    assert len(again) == 2


def test_upgrading_a_store_removes_the_copies_earlier_reruns_made(tmp_path: Path) -> None:
    engine = create_store_engine(f"sqlite:///{tmp_path / 'old.sqlite'}")
    config = _alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
        rows = [
            {
                **_entry(row, batch),
                "quarantine_key": f"{batch}-{row}",
                "record_hash": "h",
                "created_at": CREATED,
            }
            for batch in ("B1", "B2", "B3")
            for row in (2, 3)
        ]
        # the 0001 table, as an earlier version of the loader filled it
        connection.execute(insert(table("quarantine", *(column(name) for name in rows[0]))), rows)
    assert upgrade_store(engine) == head_revision()
    upgraded = read_quarantine(engine)
    assert upgraded["source_row"].tolist() == [2, 3]
    assert upgraded["batch_id"].tolist() == ["B1", "B1"]
    assert upgraded["status"].tolist() == ["open", "open"]
    # a load after the upgrade recognises them as the same entries (refreshing their hashes once)
    rerun = {"quarantine": pd.DataFrame([_entry(2, "B4"), _entry(3, "B4")])}
    assert load_all(engine, rerun, "B4")["quarantine"].inserted == 0
    assert len(read_quarantine(engine)) == 2
    stats = load_all(engine, rerun, "B5")["quarantine"]
    assert (stats.inserted, stats.updated, stats.unchanged) == (0, 0, 2)
    engine.dispose()
