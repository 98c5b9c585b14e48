"""``channel-mdm compare CONFIG.yaml``: the cut-over gate between the old and the new system."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from channel_mdm.commands import add_scope_option

DESCRIPTION = """\
Compare an old side with a new side, entity by entity, as a YAML file describes them, and
say whether the new system may go live.

Each side is a csv/xlsx file (plain, or read through a source mapping) or a database table or
SELECT query, read-only; a database URL is taken from the environment variable the YAML names
(url_env), never written in the YAML, never shown or logged.

Checks per entity: row counts, repeated keys, key coverage (keys missing on either side are listed),
then in mode 'full' every field of every record (every difference listed with both values) and
hash totals over the normalised rows; in mode 'sampled' an acceptance sample per stratum sized
n = ceil(ln(1-C)/ln(1-p)) (or hypergeometric), drawn by key hash (reruns draw the same keys) or
by monetary unit, with the sentence the result supports. Control totals per group and orphans
(rows naming a partner or product the new side lacks) when the YAML asks for them.

Writes comparison.html (self-contained), comparison.xlsx (one sheet per check), comparison.json
and, when sampled, sampled_keys.csv. Exit code 0 when every check is accepted, 1 when any is not,
2 when the YAML or a source cannot be used (one line naming the file, key, row or column).
See migration/examples/ for commented examples."""


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "compare",
        help="compare the old and the new system and gate the cut-over (exit 0 only when accepted)",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("config", type=Path, help="the comparison YAML (see migration/examples/)")
    parser.add_argument(
        "--out",
        type=Path,
        help="folder for the reports (default: <data dir>/reports/compare/<YAML name>)",
    )
    parser.add_argument("--mode", choices=["full", "sampled"], help="override the YAML's mode")
    parser.add_argument("--seed", help="override the YAML's sampling seed")
    add_scope_option(parser, "; needs wave_columns: in the YAML (see README, 'Migration in waves')")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from foundation.settings import load_settings
    from migration.cutover import load_compare_config, run_comparison
    from migration.cutover.report import write_comparison_reports
    from migration.waves import parse_scope

    config = load_compare_config(args.config)
    scope = parse_scope(args.scope)
    updates: dict[str, object] = {}
    if args.mode:
        updates["mode"] = args.mode
    if args.seed is not None:
        updates["seed"] = args.seed
    if updates:
        config = config.model_copy(update=updates)
    result = run_comparison(config, scope)
    out = args.out or load_settings().reports_dir / "compare" / args.config.stem / scope.folder_name
    files = write_comparison_reports(result, out)
    if not scope.is_whole:
        print(f"wave: {scope.label}")
        for entity, covers in result.wave_coverage.items():
            print(f"     {entity:<12} {covers}")
    for check in result.checks:
        mark = "ok  " if check.accepted else "FAIL"
        print(f"{mark} {check.entity:<12} {check.title:<24} {check.statement}")
    verdict = "ACCEPTED" if result.accepted else f"NOT ACCEPTED ({len(result.failed_checks)} checks failed)"
    print(f"\ncomparison: {verdict}")
    print(f"report (HTML): {files.html}")
    print(f"workbook:      {files.xlsx}")
    print(f"JSON:          {files.json}")
    if files.sampled_keys:
        print(f"sampled keys:  {files.sampled_keys}")
    sys.stdout.flush()
    return 0 if result.accepted else 1
