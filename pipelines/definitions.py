"""The Dagster code location: every asset, check, schedule and sensor of channel-mdm."""

from __future__ import annotations

import dagster as dg

from pipelines.defs import changes, ingest, matching, products, quality, store, validation
from pipelines.defs.alerts import sync_failure_alert
from pipelines.defs.resources import ChannelMdmConfig
from pipelines.defs.run_storage import RunScopedIOManager, keep_runs_from_environment
from pipelines.defs.schedules import master_data_sync_job, nightly_master_data_sync
from pipelines.defs.sensors import drop_folder_sensor

channel_mdm = ChannelMdmConfig()

defs = dg.Definitions(
    assets=dg.load_assets_from_modules([ingest, changes, matching, products, validation, store, quality]),
    jobs=[master_data_sync_job],
    schedules=[nightly_master_data_sync],
    sensors=[drop_folder_sensor, sync_failure_alert],
    resources={
        "channel_mdm": channel_mdm,
        # Intermediate frames belong to their run and store, never to $DAGSTER_HOME/storage.
        "io_manager": RunScopedIOManager(channel_mdm=channel_mdm, keep_runs=keep_runs_from_environment()),
    },
)
