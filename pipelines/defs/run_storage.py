"""Intermediate outputs that belong to their run and to their store.

Dagster's default IO manager keeps one file per asset under ``$DAGSTER_HOME/storage``: two runs sharing
an instance — other sources, another store — read and overwrite each other's frames. Here every output
is written under ``<data folder>/runs/<run id>/`` beside an ``identity.json`` naming the store (password
removed) and the source and mapping folders it was computed from. A step reads its inputs from its own
run; when a run materialises only some assets, an upstream output is taken from the newest earlier run
with the *same* identity, and a run that has none fails with a message instead of reading another
store's data. Only the newest ``keep_runs`` run folders are kept.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import dagster as dg

from cleansing.safe_export import write_atomically
from foundation.errors import UserError
from foundation.frame_files import MANIFEST, read_result, write_result
from foundation.settings import Settings, redact_url
from pipelines.defs.resources import ChannelMdmConfig

IDENTITY_FILE = "identity.json"
KEEP_RUNS_ENV = "CHANNEL_MDM_KEEP_RUNS"


def keep_runs_from_environment(default: int = 10) -> int:
    """How many run folders to keep: ``CHANNEL_MDM_KEEP_RUNS`` (a whole number, at least 1) or ``default``."""
    text = os.environ.get(KEEP_RUNS_ENV, "").strip()
    if not text:
        return default
    if not text.isdigit() or int(text) < 1:
        raise UserError(f"{KEEP_RUNS_ENV}={text!r}: give a whole number of run folders to keep, at least 1")
    return int(text)


def run_identity(settings: Settings) -> dict[str, str]:
    """What an intermediate output was computed for: the store and the folders its inputs came from."""
    return {
        "store": redact_url(settings.store_url),
        "sources_dir": str(Path(settings.sources_dir).resolve()),
        "mappings_dir": str(Path(settings.mappings_dir).resolve()),
    }


class RunScopedIOManager(dg.ConfigurableIOManager):
    """Writes each output as Parquet files and a manifest under ``<data folder>/runs/<run id>/<asset>/``;
    never reads another store's outputs."""

    channel_mdm: ChannelMdmConfig
    keep_runs: int = 10
    """How many run folders to keep (``CHANNEL_MDM_KEEP_RUNS``); older finished runs' folders are deleted
    when a new run writes its first output. A run still in progress is never pruned."""

    def _runs_dir(self) -> Path:
        return self.channel_mdm.settings().data_dir / "runs"

    @staticmethod
    def _relative_path(asset_key: dg.AssetKey) -> Path:
        return Path(*asset_key.path)

    def handle_output(self, context: dg.OutputContext, obj: Any) -> None:
        run_dir = self._runs_dir() / context.run_id
        if not (run_dir / IDENTITY_FILE).exists():
            identity = run_identity(self.channel_mdm.settings())
            write_atomically(run_dir / IDENTITY_FILE, json.dumps(identity, indent=2).encode("utf-8"))
            self._prune(keep=run_dir, instance=context.step_context.instance)
        path = run_dir / self._relative_path(context.asset_key)
        write_result(obj, path)
        context.add_output_metadata({"stored_at": dg.MetadataValue.path(str(path))})

    def load_input(self, context: dg.InputContext) -> Any:
        run_id = context.step_context.run_id
        relative = self._relative_path(context.asset_key)
        own = self._runs_dir() / run_id / relative
        if (own / MANIFEST).exists():
            return read_result(own)
        earlier = self._earlier_output(context, relative)
        if earlier is None:
            identity = run_identity(self.channel_mdm.settings())
            raise UserError(
                f"asset '{context.asset_key.to_user_string()}' has no output computed for this store "
                f"({identity['store']}) and these sources ({identity['sources_dir']}); "
                "materialise it in this run (run the whole job, e.g. 'channel-mdm demo')"
            )
        context.log.info(
            f"reading {context.asset_key.to_user_string()} from the earlier run at {earlier.parent}"
        )
        return read_result(earlier)

    def _earlier_output(self, context: dg.InputContext, relative: Path) -> Path | None:
        """The newest earlier materialisation of the same asset computed for the same store and sources."""
        wanted = run_identity(self.channel_mdm.settings())
        records = context.instance.fetch_materializations(context.asset_key, limit=50).records
        for record in records:
            run_dir = self._runs_dir() / record.run_id
            path = run_dir / relative
            if not (path / MANIFEST).exists():
                continue
            try:
                identity = json.loads((run_dir / IDENTITY_FILE).read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            if identity == wanted:
                return path
        return None

    def _prune(self, keep: Path, instance: dg.DagsterInstance) -> None:
        """Delete all but the newest ``keep_runs`` run folders, except runs in progress and folders that
        hold the newest output of some asset for their store and sources (a later partial run reads it)."""
        runs = [p for p in self._runs_dir().iterdir() if p.is_dir() and p != keep]
        runs.sort(key=lambda p: p.stat().st_mtime, reverse=True)
        for old in _superseded(runs)[max(self.keep_runs - 1, 0) :]:
            run = instance.get_run_by_id(old.name)
            if run is None or run.is_finished:
                shutil.rmtree(old, ignore_errors=True)


def _superseded(runs: list[Path]) -> list[Path]:
    """The run folders (newest first) whose every output has a newer copy for the same store and sources."""
    newest: set[tuple[str, str]] = set()
    superseded = []
    for run_dir in runs:
        try:
            identity = (run_dir / IDENTITY_FILE).read_text(encoding="utf-8")
        except OSError:
            identity = ""  # a run that failed before its first output
        outputs = (
            {(identity, str(p.parent.relative_to(run_dir))) for p in run_dir.rglob(MANIFEST)}
            if identity
            else set()
        )
        if outputs <= newest:
            superseded.append(run_dir)
        newest |= outputs
    return superseded
