"""A rerun of the whole pipeline on the same sources changes nothing in the store.

Found by a hostile run: the quarantine table doubled on every rerun. Every table is compared in full,
row by row; only ``run_log`` (one row per load) and the crosswalk's ``last_seen_batch`` (which records
that a later batch saw the mapping again) may differ.
"""

from __future__ import annotations

import dagster as dg
import pandas as pd
import pytest
from sqlalchemy import create_engine, select

from migration.models import TABLES

pytestmark = pytest.mark.slow

ALLOWED_TO_CHANGE = {"crosswalk": {"last_seen_batch"}}


def _snapshot(url: str) -> dict[str, pd.DataFrame]:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            out = {}
            for name, table in TABLES.items():
                if name == "run_log":
                    continue
                rows = connection.execute(select(table).order_by(*table.primary_key.columns)).mappings().all()
                frame = pd.DataFrame(rows, columns=list(table.columns.keys()))
                out[name] = frame.drop(columns=list(ALLOWED_TO_CHANGE.get(name, ())))
            return out
    finally:
        engine.dispose()


def test_a_second_run_leaves_every_table_as_it_was(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("CHANNEL_MDM_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("CHANNEL_MDM_STORE_URL", raising=False)
    from pipelines.definitions import defs

    url = f"sqlite:///{tmp_path / 'channel_store.sqlite'}"
    job = defs.resolve_job_def("master_data_sync")
    with dg.DagsterInstance.ephemeral() as instance:
        assert job.execute_in_process(instance=instance, partition_key="2026-11-28").success
        first = _snapshot(url)
        second_run = job.execute_in_process(instance=instance, partition_key="2026-11-28")
    assert second_run.success
    second = _snapshot(url)
    assert len(first["quarantine"]) > 1000
    for name in first:
        pd.testing.assert_frame_equal(first[name], second[name], obj=f"table {name}")
    load = second_run.output_for_node("channel_store")["load_stats"]
    assert {t: (s["inserted"], s["updated"]) for t, s in load.items()} == {t: (0, 0) for t in load}
