"""The nightly master-data sync: every asset, 02:00 Shanghai time, for the business date that just closed."""

from __future__ import annotations

import os

import dagster as dg

from foundation.errors import UserError
from pipelines.defs.partitions import BUSINESS_DATES, TIMEZONE, business_date_closed_before

SYNC_TAG = "channel_mdm/sync"
"""Every sync run carries this tag; dagster.yaml lets one run with it go at a time, so runs never overlap."""

EXECUTOR_ENV = "CHANNEL_MDM_EXECUTOR"


def sync_executor() -> dg.ExecutorDefinition:
    """How the sync's steps run: ``in_process`` (default; one process per run, steps are quick) or
    ``multiprocess`` (each step in its own process, up to ``CHANNEL_MDM_MAX_CONCURRENT_STEPS``, default 2,
    at once: worth it only when steps are heavy, since each pays seconds to start its process)."""
    choice = os.environ.get(EXECUTOR_ENV, "").strip() or "in_process"
    if choice == "in_process":
        return dg.in_process_executor
    if choice == "multiprocess":
        steps = os.environ.get("CHANNEL_MDM_MAX_CONCURRENT_STEPS", "").strip() or "2"
        if not steps.isdigit() or int(steps) < 1:
            raise UserError(f"CHANNEL_MDM_MAX_CONCURRENT_STEPS={steps!r}: give a whole number of 1 or more")
        return dg.multiprocess_executor.configured({"max_concurrent": int(steps)})
    raise UserError(f"{EXECUTOR_ENV}={choice!r}: use in_process or multiprocess")


master_data_sync_job = dg.define_asset_job(
    "master_data_sync",
    selection=dg.AssetSelection.all(),
    partitions_def=BUSINESS_DATES,
    tags={SYNC_TAG: "store"},
    description="Land dropped exports, ingest every source, match, build golden records, validate, load, reconcile.",
    executor_def=sync_executor(),
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
