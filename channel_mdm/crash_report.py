"""Where an unexpected failure's traceback goes: a log file under the data folder, not the terminal.

A user sees one line saying what failed and where the full traceback is; a developer sets
``--debug`` or ``CHANNEL_MDM_DEBUG=1`` to get the traceback on the terminal instead. Passwords in
URLs are hidden in the file, as everywhere else.
"""

from __future__ import annotations

import tempfile
import traceback
from datetime import UTC, datetime
from pathlib import Path

from foundation.settings import load_settings, redact_passwords_in_text

DEBUG_ENV = "CHANNEL_MDM_DEBUG"
"""Set to 1 (or true/yes) to let unexpected errors raise with their traceback."""


def write_crash_report(exc: BaseException, command: str) -> Path:
    """Write ``exc``'s traceback to ``<data dir>/logs/crash-<UTC time>-<command>.log``; return the path.

    Falls back to the system temporary folder when the data folder cannot be written.
    """
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    text = redact_passwords_in_text("".join(traceback.format_exception(exc)))
    for folder in (load_settings().data_dir / "logs", Path(tempfile.gettempdir())):
        path = folder / f"crash-{stamp}-{command}.log"
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path.write_text(f"channel-mdm {command} failed\n\n{text}", encoding="utf-8")
            return path
        except OSError:
            continue
    raise exc


def describe_failure(exc: BaseException) -> str:
    """``TypeError: message`` cut to its first line, with any password hidden."""
    first = (str(exc).strip().splitlines() or [""])[0]
    return redact_passwords_in_text(f"{type(exc).__name__}: {first}" if first else type(exc).__name__)
