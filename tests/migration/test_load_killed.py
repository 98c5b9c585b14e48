"""A load process killed half-way (SIGKILL: no clean-up runs) leaves the store as the last committed load
left it, and running the load again completes. On SQLite always, on PostgreSQL when a server is reachable."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from benchmarks.bench_load import make_frames
from foundation.settings import PROJECT_ROOT
from migration.load import load_all
from migration.models import TABLES
from migration.store import create_store_engine, upgrade_store

pytestmark = pytest.mark.slow

BIG = 300_000
"""Order lines in the killed load: enough that it is still writing when it is killed."""

LOAD = """
import sys
from benchmarks.bench_load import make_frames
from migration.load import load_all
from migration.store import create_store_engine
engine = create_store_engine(sys.argv[1])
load_all(engine, make_frames(int(sys.argv[2])), sys.argv[3])
print("committed", flush=True)
"""

TABLE_NAMES = ("partner", "product", "price", "balance", "order_line", "crosswalk", "quarantine", "run_log")


def _start_load(url: str, orders: int, batch: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", LOAD, url, str(orders), batch],
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _state(url: str) -> dict[str, object]:
    """Row counts of every table, the order lines' record hashes and the load log."""
    engine = create_store_engine(url)
    try:
        with engine.connect() as connection:
            counts = {
                name: connection.execute(select(func.count()).select_from(TABLES[name])).scalar_one()
                for name in TABLE_NAMES
            }
            order = TABLES["order_line"]
            hashes = (
                connection.execute(select(order.c.record_hash).order_by(order.c.record_hash)).scalars().all()
            )
            log = TABLES["run_log"]
            runs = connection.execute(select(log.c.batch_id, log.c.status).order_by(log.c.started_at)).all()
    finally:
        engine.dispose()
    return {"counts": counts, "order_hashes": hashes, "runs": [tuple(r) for r in runs]}


def _wait_until_writing(url: str, process: subprocess.Popen) -> None:
    """Block until the load is part-way: its transaction is writing rows that are not committed yet."""
    parsed = make_url(url)
    deadline = time.monotonic() + 300
    if parsed.get_backend_name() == "sqlite":
        wal = Path(f"{parsed.database}-wal")
        while not (wal.exists() and wal.stat().st_size > 4_000_000):
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline, "the load never started writing"
            time.sleep(0.05)
        return
    monitor = create_engine(url)
    try:
        query = text(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND state = 'active' AND (query LIKE 'COPY %' OR query LIKE 'INSERT INTO %')"
        )
        while True:
            with monitor.connect() as connection:
                if connection.execute(query).scalar_one():
                    return
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline, "the load never started writing"
            time.sleep(0.05)
    finally:
        monitor.dispose()


def test_a_killed_load_leaves_the_last_committed_state_and_a_rerun_completes(store_url):
    engine = create_store_engine(store_url)
    upgrade_store(engine)
    load_all(engine, make_frames(1_000), "B1")
    engine.dispose()
    committed = _state(store_url)

    process = _start_load(store_url, BIG, "B2")
    _wait_until_writing(store_url, process)
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=60)
    assert process.returncode == -signal.SIGKILL

    assert _state(store_url) == committed

    rerun = _start_load(store_url, BIG, "B2")
    out, err = rerun.communicate(timeout=900)
    assert rerun.returncode == 0, err[-2000:]
    assert out.strip() == "committed"
    after = _state(store_url)
    frames = make_frames(BIG)
    assert after["counts"]["order_line"] == len(frames["order_line"])  # B1's order keys are a subset of B2's
    assert after["counts"]["partner"] == len(frames["partner"])
    assert after["runs"] == [*committed["runs"], ("B2", "succeeded")]
