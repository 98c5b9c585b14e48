"""The code location a user opens with `make ui`: assets, checks, schedule and sensor."""

from __future__ import annotations

import dagster as dg

from pipelines.definitions import defs
from pipelines.defs.sensors import drop_folder_sensor


def test_every_stage_is_an_asset_and_the_standards_are_checks():
    graph = defs.resolve_asset_graph()
    keys = {key.to_user_string() for key in graph.get_all_asset_keys()}
    assert {
        "landed_sources", "partner_records", "customer_records", "product_records", "price_records",
        "balance_records", "order_records", "ingest_quarantine", "partner_golden", "customer_golden",
        "validated_products", "validated_prices", "channel_store", "reconciliation_report",
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

        again = drop_folder_sensor(dg.build_sensor_context(instance=instance, cursor=result.cursor))
        assert isinstance(again, dg.SkipReason)
