"""The nightly master-data sync: every asset, 02:00 Shanghai time."""

from __future__ import annotations

import dagster as dg

master_data_sync_job = dg.define_asset_job(
    "master_data_sync",
    selection=dg.AssetSelection.all(),
    description="Land dropped exports, ingest every source, match, build golden records, validate, load, reconcile.",
    executor_def=dg.in_process_executor,
)

nightly_master_data_sync = dg.ScheduleDefinition(
    name="nightly_master_data_sync",
    job=master_data_sync_job,
    cron_schedule="0 2 * * *",
    execution_timezone="Asia/Shanghai",
    description="Keeps the new system's master data aligned while the old systems still run.",
    default_status=dg.DefaultScheduleStatus.STOPPED,
)
