"""Loud failures: a failed sync run, or one whose reconciliation is not accepted, sends an alert."""

from __future__ import annotations

import dagster as dg

from foundation.alerts import Alert, alert_settings_from_environment, send_alert
from foundation.settings import redact_passwords_in_text
from pipelines.defs.schedules import master_data_sync_job
from pipelines.defs.store import RECONCILIATION_CHECK


def alert_for_failed_run(
    instance: dg.DagsterInstance, run: dg.DagsterRun, failure_message: str, step_failures: list[str]
) -> Alert:
    """Describe a failed run: the reconciliation verdict when that is what failed it, else the failed steps."""
    details = [f"partition (business date): {run.tags[PARTITION_TAG]}"] if PARTITION_TAG in run.tags else []
    not_accepted = _failed_reconciliation(instance, run.run_id)
    if not_accepted is not None:
        report = not_accepted.get("report")
        details.append(f"report: {getattr(report, 'path', report)}")
        details += [
            f"{k}: {getattr(v, 'value', v)}" for k, v in not_accepted.items() if k.endswith("_conclusion")
        ]
        summary = "The reconciliation is NOT ACCEPTED: the store disagrees with the sources; see the report."
        return Alert(run.job_name, run.run_id, "reconciliation_not_accepted", summary, details)
    details += step_failures or [failure_message]
    summary = f"The {run.job_name} run failed; the store keeps its last committed load."
    return Alert(run.job_name, run.run_id, "run_failed", summary, details)


PARTITION_TAG = "dagster/partition"


def _failed_reconciliation(instance: dg.DagsterInstance, run_id: str) -> dict | None:
    records = instance.get_records_for_run(
        run_id=run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION
    ).records
    for record in records:
        evaluation = record.event_log_entry.dagster_event.event_specific_data
        if evaluation.check_name == RECONCILIATION_CHECK and not evaluation.passed:
            return dict(evaluation.metadata)
    return None


def _root_cause(error) -> str:  # type: ignore[no-untyped-def]
    """The innermost error's message: what the step itself raised, not Dagster's wrapper around it."""
    if error is None:
        return ""
    while error.cause is not None:
        error = error.cause
    message = error.message.strip()
    if error.cls_name == "Failure":  # a step that failed on purpose says why in its own words
        message = message.split(": ", 1)[-1]
    return redact_passwords_in_text(message)


@dg.run_failure_sensor(
    name="sync_failure_alert",
    monitored_jobs=[master_data_sync_job],
    description="Sends a failed sync run (a step that raised, or a reconciliation not accepted) to the "
    "webhook and/or e-mail configured in CHANNEL_MDM_ALERT_WEBHOOK and CHANNEL_MDM_SMTP_*.",
    default_status=dg.DefaultSensorStatus.RUNNING,
)
def sync_failure_alert(context: dg.RunFailureSensorContext) -> None:
    step_failures = [
        f"step {event.step_key}: {_root_cause(event.event_specific_data.error) or event.message}"
        for event in context.get_step_failure_events()
    ]
    alert = alert_for_failed_run(
        context.instance, context.dagster_run, context.failure_event.message or "", step_failures
    )
    for outcome in send_alert(alert, alert_settings_from_environment()):
        context.log.info(outcome)
