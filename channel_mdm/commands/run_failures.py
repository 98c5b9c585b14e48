"""Turn a failed Dagster run into one line a user can act on, and keep the full stack in the run's log.

Dagster wraps an exception raised inside an asset in its own step error and prints the whole chain
(hundreds of lines) to the console. A user needs the failed step and the underlying problem; a
developer needs the stack, which goes to ``<data folder>/runs/<run id>/run.log`` instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from cleansing.safe_export import write_text_atomically
from foundation.settings import redact_passwords_in_text, redact_url

if TYPE_CHECKING:
    import dagster as dg
    from dagster._utils.error import SerializableErrorInfo

USER_ERROR = "UserError"
STORE_ERRORS = ("OperationalError", "InterfaceError")
"""Errors of the database driver: the store is unreachable or refused the connection."""


@dataclass(frozen=True)
class StepFailure:
    """The first failed step of a run and what went wrong in it, in the user's terms."""

    step: str
    message: str
    user_error: bool
    """True when the step raised ``UserError`` (bad input or configuration): exit code 2, else 1."""


def first_step_failure(result: dg.ExecuteInProcessResult, store_url: str) -> StepFailure:
    """Describe the run's first failed step by its underlying error, with any password removed."""
    for event in result.all_events:
        if event.is_step_failure and event.step_failure_data is not None:
            error = event.step_failure_data.error
            underlying = _underlying(error) if error else None
            if underlying is None:
                return StepFailure(event.step_key or "?", event.message or "failed", False)
            user_error = underlying.cls_name == USER_ERROR
            text = underlying.message.strip()
            # "foundation.errors.UserError: the file ..." -> "the file ..."; keep other types' names.
            text = _redact(text.split(": ", 1)[1] if user_error and ": " in text else text, store_url)
            if underlying.cls_name in STORE_ERRORS:
                text += (
                    f" (channel store {redact_url(store_url)}: check CHANNEL_MDM_STORE_URL and that the "
                    "database server is running and reachable)"
                )
            return StepFailure(event.step_key or "?", text, user_error)
    return StepFailure("?", "the run failed before any step ran", False)


def _underlying(error: SerializableErrorInfo) -> SerializableErrorInfo:
    """The user's own error if one is in the chain, else the innermost cause (not Dagster's wrapper)."""
    chain = [error]
    while chain[-1].cause is not None:
        chain.append(chain[-1].cause)
    return next((e for e in chain if e.cls_name == USER_ERROR), chain[-1])


def _redact(text: str, store_url: str) -> str:
    text = text.replace(store_url, redact_url(store_url)).splitlines()[0] if text else text
    return redact_passwords_in_text(text)


def write_run_log(instance: dg.DagsterInstance, run_id: str, path: Path) -> Path:
    """Write every event of the run, failed steps with their full stack, to ``path`` (returned)."""
    lines = []
    for entry in instance.all_logs(run_id):
        when = datetime.fromtimestamp(entry.timestamp, UTC).isoformat(timespec="seconds")
        lines.append(f"{when} {entry.step_key or '-'} {entry.message or entry.user_message}")
        event = entry.dagster_event
        failure = event.step_failure_data if event is not None and event.is_step_failure else None
        if failure is not None and failure.error is not None:
            lines.append(failure.error.to_string())
    return write_text_atomically(path, "\n".join(lines) + "\n")
