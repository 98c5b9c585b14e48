"""Two runs sharing one Dagster home never read each other's intermediate outputs.

Found by a hostile run: with the default IO manager, a run on other sources and another store read the
first run's frames from ``$DAGSTER_HOME/storage`` and loaded 0 order lines instead of 4,484, 472 balances
instead of 950 and 59,932 quarantine rows instead of 1,453, exit 0.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select

from cleansing.ingest import ingest_all
from foundation.settings import PROJECT_ROOT
from migration.models import Balance, OrderLine, RunLog

MAPPINGS = PROJECT_ROOT / "sample_data" / "mappings"
THIN_CUSTOMERS = 600

pytestmark = pytest.mark.slow

RUN_JOB = """
import sys
import dagster as dg
from pipelines.definitions import defs

selection = sys.argv[1:] or None
job = defs.resolve_job_def("master_data_sync")
with dg.DagsterInstance.get() as instance:
    if selection:
        result = defs.resolve_implicit_global_asset_job_def().execute_in_process(
            instance=instance, asset_selection=[dg.AssetKey(k) for k in selection], raise_on_error=False,
            partition_key="2026-11-28")
    else:
        result = job.execute_in_process(instance=instance, raise_on_error=False, partition_key="2026-11-28")
failures = [e.message for e in result.all_events if e.is_step_failure]
print("FAILED: " + " | ".join(failures) if failures else "OK")
sys.exit(0 if result.success else 1)
"""


def _start(
    home: Path, data_dir: Path, sources: Path, *selection: str, keep_runs: str = ""
) -> subprocess.Popen:
    env = {
        **os.environ,
        "DAGSTER_HOME": str(home),
        "CHANNEL_MDM_DATA_DIR": str(data_dir),
        "CHANNEL_MDM_SOURCES_DIR": str(sources),
        "CHANNEL_MDM_KEEP_RUNS": keep_runs,
    }
    env.pop("CHANNEL_MDM_STORE_URL", None)
    return subprocess.Popen(
        [sys.executable, "-c", RUN_JOB, *selection],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _count(data_dir: Path, model) -> int:
    engine = create_engine(f"sqlite:///{data_dir / 'channel_store.sqlite'}")
    try:
        with engine.connect() as connection:
            return connection.execute(select(func.count()).select_from(model)).scalar_one()
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def two_concurrent_runs(tmp_path_factory):
    root = tmp_path_factory.mktemp("isolation")
    home = root / "dagster_home"
    home.mkdir()
    shutil.copy(PROJECT_ROOT / "dagster.yaml", home / "dagster.yaml")
    # The instance's own storage is created once, as on any machine that has run before.
    subprocess.run(
        [sys.executable, "-c", "import dagster as dg; dg.DagsterInstance.get().dispose()"],
        env={**os.environ, "DAGSTER_HOME": str(home)},
        check=True,
    )
    full_sources = PROJECT_ROOT / "sample_data" / "sources"
    thin_sources = root / "thin_sources"
    shutil.copytree(full_sources, thin_sources)
    (thin_sources / "dms" / "orders.csv").unlink()
    (thin_sources / "finance" / "ar_balances.txt").unlink()
    customers = thin_sources / "crm" / "customers.jsonl"
    lines = customers.read_text(encoding="utf-8").splitlines(keepends=True)
    customers.write_text("".join(lines[:THIN_CUSTOMERS]), encoding="utf-8")
    full_data, thin_data = root / "full", root / "thin"
    runs = [_start(home, full_data, full_sources), _start(home, thin_data, thin_sources)]
    outputs = [run.communicate(timeout=600)[0] for run in runs]
    return root, home, (full_data, thin_data), thin_sources, [r.returncode for r in runs], outputs


def _rows_read(sources: Path) -> dict[str, int]:
    """Rows per entity in ``sources``, read without Dagster: what a run of these sources alone must report."""
    return {
        entity: sum(report.rows_in for result in results for report in result.file_reports)
        for entity, results in ingest_all(MAPPINGS, sources, progress=False).items()
    }


def _completed(code: int, output: str, data_dir: Path) -> bool:
    """The run went through every step: it succeeded, or only its blocking reconciliation check failed
    (the thin sources' sample draws customers whose phone extension the golden record dropped)."""
    if code == 0:
        return True
    failures = [line for line in output.splitlines() if line.startswith("FAILED: ")]
    refused = failures == ['FAILED: Execution of step "reconciliation_report" failed.']
    return code == 1 and refused and _summary(data_dir)["accepted"] is False


def _summary(data_dir: Path) -> dict:
    return json.loads((data_dir / "reports" / "summary.json").read_text(encoding="utf-8"))


def test_concurrent_runs_count_exactly_their_own_sources(two_concurrent_runs):
    _, _, (full_data, thin_data), thin_sources, codes, outputs = two_concurrent_runs
    assert codes[0] == 0 and _completed(codes[1], outputs[1], thin_data), outputs
    full_sources = PROJECT_ROOT / "sample_data" / "sources"
    for data_dir, sources in ((full_data, full_sources), (thin_data, thin_sources)):
        summary = _summary(data_dir)
        expected = _rows_read(sources)
        read = {row["entity"]: row["records_in"] for row in summary["entities"]}
        assert {e: n for e, n in read.items() if n} == {e: n for e, n in expected.items() if n}, data_dir
        in_store = {row["entity"]: row["in_store"] for row in summary["entities"]}
        assert in_store == {row["entity"]: row["expected_in_store"] for row in summary["entities"]}
        assert _count(data_dir, OrderLine) == in_store["order"]
        assert _count(data_dir, Balance) == in_store["balance"]
    assert _rows_read(thin_sources)["customer"] < _rows_read(full_sources)["customer"]


def test_concurrent_runs_load_each_store_from_its_own_sources(two_concurrent_runs):
    _, _, (full_data, thin_data), _, codes, outputs = two_concurrent_runs
    assert codes[0] == 0 and _completed(codes[1], outputs[1], thin_data), outputs
    assert _count(full_data, OrderLine) > 4000
    assert _count(full_data, Balance) > 900
    # The thin sources have no orders and no balances: nothing of the other run's may appear.
    assert _count(thin_data, OrderLine) == 0
    assert _count(thin_data, Balance) == 0


def test_intermediate_outputs_live_per_run_under_the_data_folder(two_concurrent_runs):
    _, home, (full_data, thin_data), _, _, _ = two_concurrent_runs
    assert not (home / "storage" / "order_records").exists()  # where the default IO manager wrote
    for data_dir in (full_data, thin_data):
        runs = [p for p in (data_dir / "runs").iterdir() if p.is_dir()]
        assert len(runs) == 1
        assert (runs[0] / "identity.json").exists()
        assert (runs[0] / "order_records" / "manifest.json").exists()


def test_a_partial_run_for_another_store_refuses_instead_of_reading_the_others_outputs(two_concurrent_runs):
    root, home, _, thin_sources, _, _ = two_concurrent_runs
    other_data = root / "other_store"
    run = _start(home, other_data, thin_sources, "reconciliation_report")
    output = run.communicate(timeout=600)[0]
    assert run.returncode == 1
    assert "has no output computed for this store" in output
    assert f"sqlite:///{other_data / 'channel_store.sqlite'}" in output


def test_a_partial_run_for_the_same_store_reads_that_stores_latest_outputs(two_concurrent_runs):
    _, home, (_, thin_data), thin_sources, _, _ = two_concurrent_runs
    run = _start(home, thin_data, thin_sources, "reconciliation_report")
    output = run.communicate(timeout=600)[0]
    assert _completed(run.returncode, output, thin_data), output
    assert _count(thin_data, OrderLine) == 0


def test_every_report_names_the_load_batch_the_store_recorded(two_concurrent_runs):
    _, _, data_dirs, _, _, _ = two_concurrent_runs
    for data_dir in data_dirs:
        engine = create_engine(f"sqlite:///{data_dir / 'channel_store.sqlite'}")
        try:
            with engine.connect() as connection:
                batches = (
                    connection.execute(select(RunLog.batch_id).order_by(RunLog.finished_at)).scalars().all()
                )
        finally:
            engine.dispose()
        reports = data_dir / "reports"
        assert (
            json.loads((reports / "reconciliation.json").read_text(encoding="utf-8"))["batch_id"]
            == batches[-1]
        )
        assert json.loads((reports / "summary.json").read_text(encoding="utf-8"))["batch_id"] == batches[-1]
        assert f'Load batch</td><td class="text">{batches[-1]}</td>' in (
            reports / "reconciliation.html"
        ).read_text(encoding="utf-8")
        assert not list(reports.glob(".*.tmp"))  # no half-written file left behind


def test_a_failed_write_leaves_the_previous_file_whole(tmp_path, monkeypatch):
    from cleansing import safe_export

    target = tmp_path / "reconciliation.html"
    safe_export.write_text_atomically(target, "previous run")

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(safe_export.os, "replace", disk_full)
    with pytest.raises(OSError):
        safe_export.write_text_atomically(target, "new run, never completed")
    assert target.read_text(encoding="utf-8") == "previous run"
    assert [p.name for p in tmp_path.iterdir()] == ["reconciliation.html"]


def test_old_run_folders_are_pruned_but_not_the_outputs_a_partial_run_still_needs(two_concurrent_runs):
    # Runs after the partial run above: the thin store has its full run and one partial run so far.
    _, home, (_, thin_data), thin_sources, _, _ = two_concurrent_runs
    before = {p.name for p in (thin_data / "runs").iterdir()}
    for _ in range(2):
        run = _start(home, thin_data, thin_sources, "reconciliation_report", keep_runs="1")
        output = run.communicate(timeout=600)[0]
        assert _completed(run.returncode, output, thin_data), output
    after = {p.name for p in (thin_data / "runs").iterdir()}
    full_run = next(
        p.name for p in (thin_data / "runs").iterdir() if (p / "order_records" / "manifest.json").exists()
    )
    # With one run to keep, the last run pruned the earlier partial run (its only output had a newer copy)
    # but kept the full run (the only copy of the upstream outputs) and the run before it (the newest
    # copy of the report, still in place when pruning started).
    assert full_run in before
    assert before & after == {full_run}
    assert len(after - before) == 2
