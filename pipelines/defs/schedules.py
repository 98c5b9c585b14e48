"""The nightly master-data sync: every asset, 02:00 Shanghai time, for the business date that just closed."""

from __future__ import annotations

import dagster as dg

from pipelines.defs.partitions import BUSINESS_DATES, TIMEZONE, business_date_closed_before

SYNC_TAG = "channel_mdm/sync"
"""Every sync run carries this tag; dagster.yaml lets one run with it go at a time, so runs never overlap."""

master_data_sync_job = dg.define_asset_job(
    "master_data_sync",
    selection=dg.AssetSelection.all(),
    partitions_def=BUSINESS_DATES,
    tags={SYNC_TAG: "store"},
    description="Land dropped exports, ingest every source, match, build golden records, validate, load, reconcile.",
    executor_def=dg.in_process_executor,
)


@dg.schedule(
    name="nightly_master_data_sync",
    job=master_data_sync_job,
    cron_schedule="0 2 * * *",
    execution_timezone=TIMEZONE,
    description="Keeps the new system's master data aligned while the old systems still run: at 02:00 "
    "Shanghai time, the sync of the business date that just closed.",
    default_status=dg.DefaultScheduleStatus.STOPPED,
)
def nightly_master_data_sync(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
    business_date = business_date_closed_before(context.scheduled_execution_time)
    return dg.RunRequest(run_key=business_date, partition_key=business_date)
