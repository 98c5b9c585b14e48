"""The last accepted sync, published: reports a reader can rely on while a newer run is still unproven.

``<data dir>/reports/`` always holds the latest run's reports, accepted or not. Only a run whose
reconciliation is accepted replaces ``<data dir>/published/``: its reports and ``published.json``
(business date, run, load batch, when). A run that fails, or whose reconciliation is not accepted, leaves
the published copy as it was.
"""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

PUBLISHED_FILE = "published.json"


def publish_accepted_run(reports: list[Path], published_dir: Path, facts: dict[str, object]) -> Path:
    """Replace ``published_dir`` with copies of ``reports`` and a ``published.json`` holding ``facts``."""
    staging = published_dir.with_name(published_dir.name + ".writing")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    for report in reports:
        if report.is_file():
            shutil.copy2(report, staging / report.name)
    stamp = {**facts, "published_at": datetime.now(UTC).isoformat(timespec="seconds")}
    (staging / PUBLISHED_FILE).write_text(json.dumps(stamp, ensure_ascii=False, indent=2), encoding="utf-8")
    previous = published_dir.with_name(published_dir.name + ".previous")
    shutil.rmtree(previous, ignore_errors=True)
    if published_dir.exists():
        published_dir.rename(previous)
    staging.rename(published_dir)
    shutil.rmtree(previous, ignore_errors=True)
    return published_dir / PUBLISHED_FILE


def read_published(published_dir: Path) -> dict | None:
    """What ``published.json`` says, or None when no run has been accepted yet."""
    try:
        return json.loads((published_dir / PUBLISHED_FILE).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
