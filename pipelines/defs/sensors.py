"""A sensor on the drop folder: a new export starts a sync run."""

from datetime import UTC, datetime

import dagster as dg

from cleansing.landing import drop_fingerprint, list_dropped_files
from foundation.settings import load_settings
from pipelines.defs.partitions import business_date_of
from pipelines.defs.schedules import master_data_sync_job


@dg.sensor(
    name="drop_folder_sensor",
    job=master_data_sync_job,
    minimum_interval_seconds=60,
    description="Starts a master-data sync when files appear under the drop folder (drop/<source_system>/<file>).",
    default_status=dg.DefaultSensorStatus.STOPPED,
)
def drop_folder_sensor(context: dg.SensorEvaluationContext) -> dg.SensorResult | dg.SkipReason:
    drop_dir = load_settings().drop_dir
    files = list_dropped_files(drop_dir)
    if not files:
        return dg.SkipReason(f"no files waiting in {drop_dir}")
    fingerprint = drop_fingerprint(files)
    if fingerprint == context.cursor:
        return dg.SkipReason(f"{len(files)} file(s) in {drop_dir} already requested a run")
    names = ", ".join(str(f.relative) for f in files[:5]) + (" …" if len(files) > 5 else "")
    return dg.SensorResult(
        run_requests=[
            dg.RunRequest(
                run_key=fingerprint,
                partition_key=business_date_of(datetime.now(UTC)),
                tags={"channel_mdm/dropped_files": names},
            )
        ],
        cursor=fingerprint,
    )
