"""A sync run that fails is sent to the webhook and the mailbox by the run-failure sensor."""

from __future__ import annotations

import shutil

import dagster as dg

from foundation.settings import PROJECT_ROOT
from pipelines.definitions import defs
from pipelines.defs.alerts import sync_failure_alert
from tests.receivers import http_receiver, smtp_receiver


def _failed_sync_run(tmp_path, monkeypatch, instance: dg.DagsterInstance) -> dg.DagsterRun:
    """A real run of the nightly job whose source file is missing: the ingest step fails."""
    mappings = tmp_path / "mappings"
    mappings.mkdir()
    shutil.copy(PROJECT_ROOT / "sample_data" / "mappings" / "erp_partner.yaml", mappings)
    (tmp_path / "sources").mkdir()
    monkeypatch.setenv("CHANNEL_MDM_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("CHANNEL_MDM_SOURCES_DIR", str(tmp_path / "sources"))
    monkeypatch.setenv("CHANNEL_MDM_MAPPINGS_DIR", str(mappings))
    monkeypatch.delenv("CHANNEL_MDM_STORE_URL", raising=False)
    result = defs.resolve_job_def("master_data_sync").execute_in_process(
        instance=instance, raise_on_error=False, partition_key="2026-11-28"
    )
    assert not result.success
    return instance.get_run_by_id(result.run_id)


def test_a_failed_sync_run_is_sent_to_the_webhook_and_the_mailbox(tmp_path, monkeypatch):
    with (
        dg.instance_for_test() as instance,
        http_receiver() as (url, posts),
        smtp_receiver() as (port, mails),
    ):
        run = _failed_sync_run(tmp_path, monkeypatch, instance)
        monkeypatch.setenv("CHANNEL_MDM_ALERT_WEBHOOK", url)
        monkeypatch.setenv("CHANNEL_MDM_SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("CHANNEL_MDM_SMTP_PORT", str(port))
        monkeypatch.setenv("CHANNEL_MDM_SMTP_FROM", "sync@example.cn")
        monkeypatch.setenv("CHANNEL_MDM_ALERT_EMAIL_TO", "steward@example.cn")
        (failure,) = instance.get_records_for_run(
            run_id=run.run_id, of_type=dg.DagsterEventType.RUN_FAILURE
        ).records
        context = dg.build_run_status_sensor_context(
            sensor_name="sync_failure_alert",
            dagster_instance=instance,
            dagster_run=run,
            dagster_event=failure.event_log_entry.dagster_event,
        ).for_run_failure()
        sync_failure_alert(context)

    assert not (tmp_path / "data" / "published").exists()  # nothing accepted, nothing published
    (post,) = posts
    body = post["body"]
    assert body["reason"] == "run_failed"
    assert body["run_id"] == run.run_id
    assert body["details"][0] == "partition (business date): 2026-11-28"
    assert any(
        line.startswith("step source_records: no source rows were read from") for line in body["details"]
    )
    ((recipients, mail),) = mails
    assert recipients == ["steward@example.cn"]
    assert mail["Subject"] == f"[channel-mdm] master_data_sync: run FAILED ({run.run_id[:8]})"


def test_the_alert_sensor_watches_the_nightly_job():
    sensor = defs.resolve_sensor_def("sync_failure_alert")
    assert sensor.default_status == dg.DefaultSensorStatus.RUNNING
