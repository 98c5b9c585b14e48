"""``channel-mdm demo``: run the whole pipeline on the sample data and say where the results are."""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import sys
import time
from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path

from channel_mdm.commands import WAVE_LOAD, add_scope_option
from channel_mdm.commands.run_failures import first_step_failure, write_run_log
from foundation.errors import UserError
from foundation.settings import PROJECT_ROOT, load_settings, redact_url
from migration.waves import WAVE_TAG, Scope, parse_scope

log = logging.getLogger(__name__)


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "demo",
        help="run every asset end to end on the sample data (SQLite store, local Dagster instance)",
        description=(
            "Generate the sample sources if they are absent, then materialise every Dagster asset in-process "
            "against a persistent local Dagster instance ($DAGSTER_HOME, default ./.dagster_home): land and "
            "ingest every source, standardise and match partners and customers, build golden records, enforce "
            "the SKU and price standards, load the channel store (CHANNEL_MDM_STORE_URL, default SQLite under "
            "./.data) and write the reconciliation report. Prints records in / accepted / quarantined / merged "
            "/ in store per entity and where the reports are."
        ),
    )
    parser.add_argument(
        "--business-date",
        type=_business_date,
        default=None,
        metavar="YYYY-MM-DD",
        help="the partition (business date) the run is recorded under; default: today in Shanghai",
    )
    add_scope_option(parser, WAVE_LOAD)
    parser.set_defaults(func=run)


def _business_date(text: str) -> str:
    try:
        day = date.fromisoformat(text).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date: give it as YYYY-MM-DD") from None
    if day > _today_in_shanghai():
        raise argparse.ArgumentTypeError(
            f"{day} has not begun in Shanghai yet (today is {_today_in_shanghai()}): give today or an earlier date"
        )
    return day


def _today_in_shanghai() -> str:
    from pipelines.defs.partitions import business_date_of

    return business_date_of(datetime.now(UTC))


def ensure_dagster_home() -> Path:
    home = Path(os.environ.setdefault("DAGSTER_HOME", str(PROJECT_ROOT / ".dagster_home")))
    home.mkdir(parents=True, exist_ok=True)
    if not (home / "dagster.yaml").exists():
        shutil.copy(PROJECT_ROOT / "dagster.yaml", home / "dagster.yaml")
    return home


def ensure_sample_sources(sources_dir: Path) -> None:
    if sources_dir.is_dir() and any(sources_dir.iterdir()):
        return
    if sources_dir.resolve() != (PROJECT_ROOT / "sample_data" / "sources").resolve():
        raise UserError(
            f"{sources_dir}: the sources folder is empty; put the source exports there or unset "
            "CHANNEL_MDM_SOURCES_DIR to use the sample data"
        )
    from sample_data.generate import generate_sample

    log.info("generating the sample sources under %s", sources_dir)
    generate_sample(sources_dir, PROJECT_ROOT / "sample_data" / "ground_truth")


def run(args: argparse.Namespace) -> int:
    return run_sync(args.business_date, "channel-mdm demo", parse_scope(args.scope))


def run_sync(
    business_date: str | None,
    title: str,
    scope: Scope | None = None,
    assets: Sequence[str] | None = None,
) -> int:
    """Run the sync job in-process on the local instance for ``business_date``; print its summary.

    ``assets``: only these assets of the job (their inputs come from the last run for this store and
    these sources); default every one.
    """
    import dagster as dg

    # Great Expectations announces each of its internal registrations at INFO: noise in a demo's output.
    logging.getLogger("great_expectations").setLevel(logging.WARNING)
    settings = load_settings()
    scope = scope or Scope()
    tags = {} if scope.is_whole else {WAVE_TAG: json.dumps(scope.to_dict(), ensure_ascii=False)}
    if assets is None:
        ensure_sample_sources(settings.sources_dir)
    home = ensure_dagster_home()
    from pipelines.definitions import defs

    business_date = business_date or _today_in_shanghai()
    started = time.perf_counter()
    # Dagster's own console output (a stack per failed step) goes to the run's log file, not the terminal.
    quiet = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}
    with dg.DagsterInstance.get() as instance:
        result = defs.resolve_job_def("master_data_sync").execute_in_process(
            instance=instance,
            run_config=quiet,
            raise_on_error=False,
            partition_key=business_date,
            tags=tags,
            asset_selection=None if assets is None else [dg.AssetKey(name) for name in assets],
        )
        if not result.success and _reconciliation_refused(result):
            # the blocking check failed the run on purpose: the report says why, and so does the summary
            print(printed_summary(settings, home, result, title, started))
            return 1
        if not result.success:
            log_path = write_run_log(
                instance, result.run_id, settings.data_dir / "runs" / result.run_id / "run.log"
            )
            failure = first_step_failure(result, settings.store_url)
            where = f"(Dagster log: {log_path}; run {result.run_id})"
            if failure.user_error:
                raise UserError(f"step '{failure.step}' failed: {failure.message} {where}")
            print(
                f"{title}: error: step '{failure.step}' failed: {failure.message} {where}",
                file=sys.stderr,
            )
            return 1
    proof = standards_proof_line(settings.sources_dir, settings.mappings_dir) if assets is None else None
    print(printed_summary(settings, home, result, title, started, proof))
    return 0


def _reconciliation_refused(result) -> bool:  # type: ignore[no-untyped-def]
    """True when the run failed because the blocking reconciliation check did not pass."""
    return any(
        e.check_name == "reconciliation_accepted" and not e.passed
        for e in result.get_asset_check_evaluations()
    )


def format_matching(result) -> list[str]:  # type: ignore[no-untyped-def]
    """Per party entity how tonight's match ran: full or incremental, why, and what it compared."""
    lines = []
    for entity in ("partner", "customer"):
        for materialization in result.asset_materializations_for_node(f"{entity}_golden"):
            meta = {name: value.value for name, value in materialization.metadata.items()}
            if "match_mode" not in meta:
                continue
            lines.append(
                f"matching {entity + ':':<10}{meta['match_mode']} ({meta['match_mode_reason'] or '-'}): "
                f"{meta['records_compared']:,} of {meta['records_in']:,} records compared, "
                f"{meta['pairs_scored']:,} pairs scored, {meta['golden_records_touched']:,} golden records touched"
            )
    return lines


def format_source_changes(sources: list[dict]) -> list[str]:
    """Per source (source system × entity): rows in, quarantined, new, changed, unchanged, deleted."""
    if not sources:
        return []
    lines = [
        "",
        f"{'source':<20}{'rows in':>9}{'quarant.':>10}{'new':>7}{'changed':>9}{'unchanged':>11}{'deleted':>9}",
    ]
    for row in sources:
        name = f"{row['source_system']} {row['entity']}"
        lines.append(
            f"{name:<20}{row['rows_in']:>9,}{row['quarantined']:>10,}{row['new']:>7,}{row['changed']:>9,}"
            f"{row['unchanged']:>11,}{row['deleted']:>9,}"
        )
    return lines


def format_gone_rows(load: dict[str, dict], delete_policy: str) -> list[str]:
    """Store rows gone from the sources: those this batch found gone, and those gone in earlier batches."""
    absent = sum(t.get("absent", 0) for t in load.values())
    if not absent:
        return []
    newly = sum(t.get("newly_absent", 0) for t in load.values())
    soft_deleted = sum(t.get("soft_deleted", 0) for t in load.values())
    earlier = absent - newly
    return [
        f"in the store, gone from the sources in this batch: {newly:,} (delete policy {delete_policy}"
        + (f"; {soft_deleted:,} soft-deleted now)" if soft_deleted else ")")
        + (f"; gone in earlier batches: {earlier:,}" if earlier else "")
    ]


SAMPLE_TRUTH = PROJECT_ROOT / "sample_data" / "ground_truth" / "standards_truth.csv"


def standards_proof_line(sources_dir: Path, mappings_dir: Path) -> str | None:
    """On the committed sample: the standards scored against its truth, lowest precision and recall of any rule."""
    if (
        sources_dir.resolve() != SAMPLE_TRUTH.parents[1].joinpath("sources").resolve()
        or not SAMPLE_TRUTH.is_file()
    ):
        return None
    from expectations.standards_proof import prove_standards

    scores = prove_standards(sources_dir, mappings_dir, SAMPLE_TRUTH).scores
    return (
        f"standards proof:  {len(scores)} rules against the sample's injected defects: lowest precision "
        f"{scores['precision'].min():.3f}, lowest recall {scores['recall'].min():.3f}"
    )


def printed_summary(  # type: ignore[no-untyped-def]
    settings, home: Path, result, title: str, started: float, proof: str | None = None
) -> str:
    """The summary a finished run prints, read from the ``summary.json`` its reconciliation wrote."""
    summary = json.loads((settings.reports_dir / "summary.json").read_text(encoding="utf-8"))
    return format_summary(
        summary,
        time.perf_counter() - started,
        settings.store_url,
        home,
        result.run_id,
        settings.reports_dir,
        title,
        proof,
        format_matching(result),
    )


def format_summary(
    summary: dict,
    elapsed: float,
    store_url: str,
    home: Path,
    run_id: str,
    reports: Path,
    title: str = "channel-mdm demo",
    proof: str | None = None,
    matching: list[str] | None = None,
) -> str:
    lines = [
        f"{title} finished in {elapsed:.0f} s (business date {summary.get('business_date') or '-'}, "
        f"batch {summary['batch_id']}, Dagster run {run_id[:8]})",
        "",
        f"{'entity':<12}{'records in':>10}{'accepted':>10}{'quarantined':>13}{'merged':>9}{'in store':>10}",
    ]
    for row in summary["entities"]:
        lines.append(
            f"{row['entity']:<12}{row['records_in']:>10,}{row['accepted']:>10,}{row['quarantined']:>13,}"
            f"{row['merged_away']:>9,}{row['in_store']:>10,}"
        )
    lines += format_source_changes(summary.get("sources", []))
    if matching:
        lines += ["", *matching]
    edits = summary.get("store_edits") or {}
    if any(edits.get("found", {}).values()):
        found = ", ".join(f"{name} {count:,}" for name, count in edits["found"].items())
        repaired = sum(edits.get("repaired", {}).values())
        lines.append(
            f"edited in the store directly: {found} (drift policy {edits['policy']}: "
            + (f"{repaired:,} rewritten)" if edits["policy"] == "repair" else "left as edited)")
        )
    absent = sum(t.get("absent", 0) for t in summary.get("load", {}).values())
    wave = summary.get("wave", "everything (no wave)")
    if absent and wave != "everything (no wave)":  # a wave's frames leave out the other waves' rows
        lines.append(
            f"in the store outside this wave (other waves, or gone from the sources; kept): {absent:,}"
        )
    else:
        lines += format_gone_rows(summary.get("load", {}), summary.get("delete_policy", "flag"))
    for bad in summary.get("unreadable_files", []):
        lines.append(f"unreadable: {bad['error']}")
    verdict = "ACCEPTED" if summary["accepted"] else "NOT ACCEPTED (see the defects listed in the report)"
    lines += [
        "",
        f"migration wave:   {wave}",
        f"reconciliation:   {verdict}",
        *([proof] if proof else []),
        f"report (HTML):    {summary['reports'].get('html', '-')}",
        f"report (JSON):    {summary['reports'].get('json', '-')}",
        f"sampled keys:     {summary['reports'].get('sampled_keys', '-')}",
        f"data docs:        {reports / 'data_docs' / 'index.html'}",
        f"standards page:   {reports / 'data_docs' / 'standards.html'}",
        f"channel store:    {redact_url(store_url)}",
        f"dagster instance: {home}  (browse it with 'make ui')",
    ]
    return "\n".join(lines)
