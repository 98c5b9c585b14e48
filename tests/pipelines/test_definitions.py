"""The code location a user opens with `make ui`: assets, checks, schedule and sensor."""

from __future__ import annotations

import os
import secrets
import shutil
from datetime import UTC, datetime

import dagster as dg
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from foundation.settings import PROJECT_ROOT
from pipelines.definitions import defs
from pipelines.defs.partitions import BUSINESS_DATES, business_date_of
from pipelines.defs.schedules import SYNC_TAG
from pipelines.defs.sensors import drop_folder_sensor


def test_every_stage_is_an_asset_and_the_standards_are_checks():
    graph = defs.resolve_asset_graph()
    keys = {key.to_user_string() for key in graph.get_all_asset_keys()}
    assert {
        "landed_sources",
        "partner_records",
        "customer_records",
        "product_records",
        "price_records",
        "balance_records",
        "order_records",
        "ingest_quarantine",
        "partner_golden",
        "customer_golden",
        "validated_products",
        "validated_prices",
        "channel_store",
        "reconciliation_report",
    } <= keys
    checks = {(c.asset_key.to_user_string(), c.name) for c in graph.asset_check_keys}
    assert ("validated_products", "gtin_valid") in checks
    assert ("validated_prices", "no_tier_inversion") in checks
    assert ("validated_prices", "no_period_overlap") in checks
    assert ("partner_golden", "every_record_has_a_golden_id") in checks


def test_nightly_schedule_runs_at_two_in_shanghai():
    schedule = defs.resolve_schedule_def("nightly_master_data_sync")
    assert schedule.cron_schedule == "0 2 * * *"
    assert schedule.execution_timezone == "Asia/Shanghai"


def test_the_two_oclock_run_syncs_the_business_date_that_just_closed():
    schedule = defs.resolve_schedule_def("nightly_master_data_sync")
    two_am_shanghai = datetime(2026, 11, 28, 18, 0, tzinfo=UTC)  # 2026-11-29 02:00 in Shanghai
    with dg.instance_for_test() as instance:
        context = dg.build_schedule_context(
            instance=instance,
            scheduled_execution_time=two_am_shanghai,
            repository_def=defs.get_repository_def(),
        )
        (request,) = schedule.evaluate_tick(context).run_requests
    assert request.partition_key == "2026-11-28"
    assert request.run_key == "2026-11-28"


def test_every_asset_is_partitioned_by_business_date_and_runs_carry_the_sync_tag():
    job = defs.resolve_job_def("master_data_sync")
    assert job.partitions_def == BUSINESS_DATES
    assert job.tags[SYNC_TAG] == "store"
    graph = defs.resolve_asset_graph()
    assert {graph.get(key).partitions_def for key in graph.get_all_asset_keys()} == {BUSINESS_DATES}


def test_the_instance_lets_one_sync_run_go_at_a_time(tmp_path):
    """The shipped dagster.yaml loads, and its queue allows a single run tagged as a sync."""
    shutil.copy(PROJECT_ROOT / "dagster.yaml", tmp_path / "dagster.yaml")
    with dg.DagsterInstance.from_config(str(tmp_path)) as instance:
        queue = instance.run_coordinator.get_run_queue_config()
    assert queue.max_concurrent_runs == 1
    assert {"key": SYNC_TAG, "limit": 1} in queue.tag_concurrency_limits


def test_sensor_requests_one_run_per_new_drop(tmp_path, monkeypatch):
    monkeypatch.setenv("CHANNEL_MDM_DATA_DIR", str(tmp_path))
    with dg.DagsterInstance.ephemeral() as instance:
        context = dg.build_sensor_context(instance=instance)
        assert isinstance(drop_folder_sensor(context), dg.SkipReason)

        (tmp_path / "drop" / "erp").mkdir(parents=True)
        (tmp_path / "drop" / "erp" / "partners.xlsx").write_bytes(b"new export")
        result = drop_folder_sensor(dg.build_sensor_context(instance=instance))
        assert len(result.run_requests) == 1
        assert result.run_requests[0].tags["channel_mdm/dropped_files"] == "erp/partners.xlsx"
        assert result.run_requests[0].partition_key == business_date_of(datetime.now(UTC))

        again = drop_folder_sensor(dg.build_sensor_context(instance=instance, cursor=result.cursor))
        assert isinstance(again, dg.SkipReason)


def test_the_production_instance_file_validates_against_dagster(tmp_path):
    """dagster.production.yaml is checked by Dagster's own instance schema; a misspelt key is refused."""
    from dagster._config import process_config
    from dagster._core.errors import DagsterInvalidConfigError
    from dagster._core.instance.config import dagster_instance_config
    from dagster._core.run_coordinator import QueuedRunCoordinator

    config, _ = dagster_instance_config(str(PROJECT_ROOT), config_filename="dagster.production.yaml")
    assert config["storage"]["postgres"]["postgres_db"]["password"] == {"env": "DAGSTER_PG_PASSWORD"}
    assert {"key": SYNC_TAG, "limit": 1} in config["run_coordinator"]["config"]["tag_concurrency_limits"]
    coordinator = process_config(QueuedRunCoordinator.config_type(), config["run_coordinator"]["config"])
    assert coordinator.success, coordinator.errors

    text = (PROJECT_ROOT / "dagster.production.yaml").read_text(encoding="utf-8")
    (tmp_path / "dagster.yaml").write_text(text.replace("      hostname:", "      hostnam:"))
    with pytest.raises(DagsterInvalidConfigError):
        dagster_instance_config(str(tmp_path))


def test_the_production_instance_starts_with_dagster_postgres():
    from dagster._core.instance.config import dagster_instance_config
    from dagster_postgres import PostgresEventLogStorage, PostgresRunStorage, PostgresScheduleStorage

    config, _ = dagster_instance_config(str(PROJECT_ROOT), config_filename="dagster.production.yaml")
    assert "postgres" in config["storage"]
    assert config["storage"]["postgres"]["postgres_db"]["db_name"] == {"env": "DAGSTER_PG_DB"}
    assert all(
        isinstance(c, type) for c in (PostgresRunStorage, PostgresEventLogStorage, PostgresScheduleStorage)
    )


@dg.op
def count_partners() -> int:
    return 3


@dg.op
def report_partners(count: int) -> str:
    return f"{count} partners"


@dg.job(executor_def=dg.multiprocess_executor)
def tiny_multiprocess_job():
    report_partners(count_partners())


@pytest.mark.postgres
def test_a_job_runs_on_the_production_instance_with_postgres_storage_and_the_multiprocess_executor(
    tmp_path, monkeypatch
):
    """dagster.production.yaml as deployed: runs and event logs in PostgreSQL (a throwaway database on this
    machine's server), each step in its own process."""
    server = os.environ.get("CHANNEL_MDM_TEST_POSTGRES_URL")
    if not server:
        pytest.skip("CHANNEL_MDM_TEST_POSTGRES_URL is not set; the PostgreSQL instance test is skipped")
    url = make_url(server)
    database = f"dagster_nightly_{secrets.token_hex(4)}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{database}"'))
    home = tmp_path / "dagster_home"
    home.mkdir()
    production = (PROJECT_ROOT / "dagster.production.yaml").read_text(encoding="utf-8")
    (home / "dagster.yaml").write_text(
        production.replace("/var/lib/dagster/compute_logs", str(tmp_path / "logs"))
    )
    for name, value in {
        "DAGSTER_HOME": str(home),
        "DAGSTER_PG_HOST": url.host or "127.0.0.1",
        "DAGSTER_PG_PORT": str(url.port or 5432),
        "DAGSTER_PG_DB": database,
        "DAGSTER_PG_USER": url.username or "postgres",
        "DAGSTER_PG_PASSWORD": url.password or "",
    }.items():
        monkeypatch.setenv(name, value)
    try:
        with dg.DagsterInstance.get() as instance:
            assert type(instance.run_storage).__name__ == "PostgresRunStorage"
            with dg.execute_job(dg.reconstructable(tiny_multiprocess_job), instance=instance) as result:
                assert result.success
                assert result.output_for_node("report_partners") == "3 partners"
                run_id = result.run_id
            starts = instance.get_records_for_run(run_id, of_type=dg.DagsterEventType.STEP_START).records
            processes = {r.event_log_entry.dagster_event.pid for r in starts}
        assert len(processes) == 2  # each step in its own process
        stored = create_engine(url.set(database=database))
        with stored.connect() as connection:
            status = connection.execute(
                text("SELECT status FROM runs WHERE run_id = :r"), {"r": run_id}
            ).scalar_one()
        stored.dispose()
        assert status == "SUCCESS"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        admin.dispose()


def test_the_sync_runs_in_process_unless_the_environment_asks_for_the_multiprocess_executor(monkeypatch):
    from foundation.errors import UserError
    from pipelines.defs.schedules import sync_executor

    assert defs.resolve_job_def("master_data_sync").executor_def is dg.in_process_executor
    monkeypatch.setenv("CHANNEL_MDM_EXECUTOR", "multiprocess")
    monkeypatch.setenv("CHANNEL_MDM_MAX_CONCURRENT_STEPS", "3")
    assert sync_executor().name == "multiprocess"
    monkeypatch.setenv("CHANNEL_MDM_EXECUTOR", "threads")
    with pytest.raises(UserError, match=r"^CHANNEL_MDM_EXECUTOR='threads': use in_process or multiprocess$"):
        sync_executor()
