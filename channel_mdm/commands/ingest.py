"""``channel-mdm ingest``: read every source file through its mapping into canonical CSVs and a quarantine."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

import pandas as pd

from channel_mdm.commands.file_limits import add_file_limit_arguments, file_limits
from cleansing.safe_export import write_csv
from foundation.errors import UserError
from foundation.settings import load_settings

log = logging.getLogger(__name__)


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    settings = load_settings()
    parser = subparsers.add_parser(
        "ingest",
        help="read the source files through their mappings into canonical rows and a quarantine",
        description=(
            "Read every source file named by the mappings (xlsx, csv, fixed-width, JSON lines, database "
            "tables) into the canonical columns of its entity. Every input row is either accepted "
            "(written to <entity>.csv with its provenance and data flags) or quarantined with a reason "
            "(quarantine.csv). A file that cannot be read is reported in one line and the others still "
            "process. Output CSVs are UTF-8 with every column as text."
        ),
        epilog="Example: channel-mdm ingest --sources sample_data/sources --out .data/ingest",
    )
    parser.add_argument(
        "--sources",
        type=Path,
        default=settings.sources_dir,
        help="folder holding the source files (default: %(default)s)",
    )
    parser.add_argument(
        "--mappings",
        type=Path,
        default=settings.mappings_dir,
        help="folder of source-mapping YAML files (default: %(default)s)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=settings.data_dir / "ingest",
        help="folder for <entity>.csv, quarantine.csv and file_reports.csv (default: %(default)s)",
    )
    parser.add_argument("--batch-id", default=None, help="batch id stamped on every row (default: a new one)")
    add_file_limit_arguments(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from cleansing.ingest import ingest_all
    from cleansing.provenance import new_batch_id

    if not args.sources.is_dir():
        raise UserError(
            f"--sources {args.sources}: folder not found; run 'channel-mdm generate' or pass --sources"
        )
    if args.out.exists() and not args.out.is_dir():
        raise UserError(f"--out {args.out}: is a file, not a folder")
    limits = file_limits(args.max_file_mb)
    batch_id = args.batch_id or new_batch_id()
    results = ingest_all(args.mappings, args.sources, batch_id, progress=True, limits=limits)
    args.out.mkdir(parents=True, exist_ok=True)
    quarantine: list[pd.DataFrame] = []
    reports: list[dict[str, object]] = []
    for entity, entity_results in results.items():
        accepted = [r.accepted for r in entity_results if len(r.accepted)]
        if accepted:
            frame = pd.concat(accepted, ignore_index=True)
            write_csv(frame, args.out / f"{entity}.csv", encoding="utf-8")
            log.info("wrote %s: %s rows", args.out / f"{entity}.csv", f"{len(frame):,}")
        for result in entity_results:
            quarantine.append(result.quarantined)
            for report in result.file_reports:
                reports.append(
                    {
                        "mapping": result.mapping_name,
                        "entity": entity,
                        "file": report.file,
                        "rows_in": report.rows_in,
                        "accepted": report.accepted,
                        "quarantined": report.quarantined,
                        "error": report.error or "",
                    }
                )
    quarantined = pd.concat(quarantine, ignore_index=True) if quarantine else pd.DataFrame()
    write_csv(quarantined, args.out / "quarantine.csv", encoding="utf-8")
    table = pd.DataFrame(reports)
    write_csv(table, args.out / "file_reports.csv", encoding="utf-8")
    print(format_file_reports(table, batch_id))
    return 1 if (table["error"] != "").any() else 0


def format_file_reports(table: pd.DataFrame, batch_id: str) -> str:
    """A plain-text table: one line per file with rows in / accepted / quarantined, then totals."""
    width = max([len("file"), *(len(str(f)) for f in table["file"])])
    lines = [
        f"batch {batch_id}",
        f"{'file':<{width}}  {'entity':<9} {'rows in':>9} {'accepted':>9} {'quarantined':>11}",
    ]
    for row in table.itertuples(index=False):
        if row.error:
            lines.append(f"{row.file:<{width}}  {row.entity:<9} ERROR {row.error}")
        else:
            lines.append(
                f"{row.file:<{width}}  {row.entity:<9} {row.rows_in:>9,} {row.accepted:>9,} {row.quarantined:>11,}"
            )
    ok = table[table["error"] == ""]
    lines.append(
        f"{'total':<{width}}  {'':<9} {ok['rows_in'].sum():>9,} {ok['accepted'].sum():>9,} {ok['quarantined'].sum():>11,}"
        + (
            f"  ({(table['error'] != '').sum()} file(s) could not be read)"
            if (table["error"] != "").any()
            else ""
        )
    )
    return "\n".join(lines)
