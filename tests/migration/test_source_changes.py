"""New, changed, unchanged and deleted rows per source, against what the last load saw."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from functools import partial

import pandas as pd
import pytest
from sqlalchemy import func, select

from migration.load import load_all
from migration.models import TABLES
from migration.source_changes import (
    detect_source_changes,
    new_or_changed_rows,
    read_source_state,
    record_source_changes,
    source_row_hashes,
)


def _partners(rows: list[tuple[str, str, str]], source_row_start: int = 2) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "source_system": [r[0] for r in rows],
            "source_record_id": [r[1] for r in rows],
            "partner_name": [r[2] for r in rows],
            "source_row": range(source_row_start, source_row_start + len(rows)),
            "batch_id": "B",
        }
    )


def _reports(*unreadable: str) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "entity": "partner",
                "source_system": s,
                "rows_in": 3,
                "quarantined": 0,
                "error": "bad" if s in unreadable else "",
            }
            for s in ("erp", "crm")
        ]
    )


NIGHT_ONE = [
    ("erp", "P1", "华南商贸"),
    ("erp", "P2", "东方贸易"),
    ("erp", "P3", "北方物流"),
    ("crm", "A1", "西部商行"),
]


def test_each_source_row_is_new_changed_unchanged_or_deleted():
    before = source_row_hashes(_partners(NIGHT_ONE), "partner")
    # P1 unchanged but moved down a row, P2 renamed, P3 gone, P4 new
    tonight = _partners(
        [
            ("erp", "P4", "新星商贸"),
            ("erp", "P1", "华南商贸"),
            ("erp", "P2", "东方贸易集团"),
            ("crm", "A1", "西部商行"),
        ]
    )

    changes = detect_source_changes(source_row_hashes(tonight, "partner"), before, _reports())

    counts = changes.counts.set_index("source_system")
    assert counts.loc["erp", ["new", "changed", "unchanged", "deleted"]].tolist() == [1, 1, 1, 1]
    assert counts.loc["crm", ["new", "changed", "unchanged", "deleted"]].tolist() == [0, 0, 1, 0]
    assert dict(zip(changes.rows["row_key"], changes.rows["change"], strict=True)) == {
        "erp|P1": "unchanged", "erp|P2": "changed", "erp|P3": "deleted", "erp|P4": "new", "crm|A1": "unchanged",
    }  # fmt: skip


def test_a_source_that_could_not_be_read_has_no_deleted_rows():
    before = source_row_hashes(_partners(NIGHT_ONE), "partner")
    tonight = _partners([("crm", "A1", "西部商行")])  # the ERP file was unreadable tonight

    changes = detect_source_changes(source_row_hashes(tonight, "partner"), before, _reports("erp"))

    assert changes.unread == [("partner", "erp")]
    assert changes.counts.set_index("source_system").loc["erp", "deleted"] == 0


def test_the_state_saved_after_a_load_is_what_the_next_night_compares_with(store):
    files = {"erp/partners.xlsx": {"file_hash": "ab12", "unchanged_since": ""}}
    first = detect_source_changes(
        source_row_hashes(_partners(NIGHT_ONE), "partner"), read_source_state(store), _reports(), files
    )
    with store.begin() as connection:
        record_source_changes(connection, first, "B1", datetime.now(UTC))
    tonight = source_row_hashes(_partners([*NIGHT_ONE[:2], NIGHT_ONE[3]]), "partner")

    second = detect_source_changes(tonight, read_source_state(store), _reports())
    with store.begin() as connection:
        record_source_changes(connection, second, "B2", datetime.now(UTC))

    assert second.counts["deleted"].sum() == 1 and second.counts["unchanged"].sum() == 3
    assert sorted(read_source_state(store)["row_key"]) == ["crm|A1", "erp|P1", "erp|P2"]
    log = TABLES["run_log"]
    with store.connect() as connection:
        stages = connection.execute(
            select(log.c.stage, log.c.batch_id, log.c.counts).order_by(log.c.batch_id)
        ).all()
    assert [(stage, batch) for stage, batch, _ in stages] == [
        ("source_changes", "B1"),
        ("source_changes", "B2"),
    ]
    counts = json.loads(stages[0].counts)
    assert counts["files"] == files
    assert counts["sources"]["erp partner"] == {
        "rows_in": 3, "quarantined": 0, "new": 3, "changed": 0, "unchanged": 0, "deleted": 0,
    }  # fmt: skip


def _source_changes_of_night_one(store):
    return detect_source_changes(
        source_row_hashes(_partners(NIGHT_ONE), "partner"), read_source_state(store), _reports()
    )


def test_the_source_state_commits_with_the_load_that_saw_it(store, store_frames):
    changes = _source_changes_of_night_one(store)

    load_all(
        store,
        store_frames,
        "B1",
        in_same_transaction=partial(
            record_source_changes, changes=changes, batch_id="B1", started=datetime.now(UTC)
        ),
    )

    assert len(read_source_state(store)) == len(NIGHT_ONE)
    with store.connect() as connection:
        stages = connection.execute(select(TABLES["run_log"].c.stage, TABLES["run_log"].c.batch_id)).all()
    assert sorted(stages) == [("load", "B1"), ("source_changes", "B1")]


def test_a_load_that_fails_after_the_state_was_written_leaves_neither_behind(store, store_frames):
    changes = _source_changes_of_night_one(store)

    def record_then_fail(connection):
        record_source_changes(connection, changes, "B1", datetime.now(UTC))
        raise RuntimeError("the server went away")

    with pytest.raises(RuntimeError, match="the server went away"):
        load_all(store, store_frames, "B1", in_same_transaction=record_then_fail)

    assert read_source_state(store).empty  # the next night still compares against the last committed load
    with store.connect() as connection:
        assert connection.execute(select(func.count()).select_from(TABLES["partner"])).scalar_one() == 0
        stages = connection.execute(select(TABLES["run_log"].c.stage, TABLES["run_log"].c.status)).all()
    assert stages == [("load", "failed")]


def test_the_rows_a_match_must_look_at_again_are_the_new_and_changed_ones():
    before = source_row_hashes(_partners(NIGHT_ONE), "partner")
    tonight = _partners(
        [("erp", "P1", "华南商贸"), ("erp", "P2", "东方贸易集团"), ("erp", "P9", "西部物流")], 7
    )
    tonight.index = [10, 11, 12]  # aligned with the records, whatever their index
    changed = new_or_changed_rows(tonight, "partner", before)
    assert changed.to_dict() == {10: False, 11: True, 12: True}
    assert new_or_changed_rows(tonight, "partner", before.iloc[:0]).all()  # a store never loaded
