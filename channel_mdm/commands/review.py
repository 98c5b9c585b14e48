"""``channel-mdm review``: bring a steward's decisions on partner and customer pairs into the store.

Usage::

    channel-mdm review export --entity partner review.xlsx       # after a pipeline run
    channel-mdm dedupe partners.xlsx --spec SPEC.yaml --out clusters.csv --review-workbook review.xlsx
    channel-mdm review import review.xlsx [--steward NAME] [--entity partner|customer]

``import`` checks the whole workbook first (decision words, hidden keys, a pair decided twice with
different answers, decisions that contradict each other through a chain, also with decisions already
in the store) and applies nothing if anything is wrong (exit 2). Otherwise the decisions are added to
the store's ``steward_decision`` table with who decided, when and from which file; every later
``channel-mdm dedupe --decisions store`` enforces them.
"""

from __future__ import annotations

import argparse
import getpass
import logging
from pathlib import Path

log = logging.getLogger(__name__)


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "review",
        help="import a steward's partner/customer review workbook into the store",
        description="Steward decisions on partner and customer pairs (see 'channel-mdm dedupe --review-workbook').",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    exported = actions.add_parser(
        "export",
        help="write the pairs the latest pipeline run left for a steward as a review workbook",
        description="Write the partner or customer pairs stored by the latest matching as an xlsx to fill in.",
    )
    exported.add_argument("--entity", required=True, choices=("partner", "customer"))
    exported.add_argument("out", metavar="OUT.xlsx", type=Path, help="the review workbook to write")
    exported.set_defaults(func=run_export)
    imported = actions.add_parser(
        "import",
        help="check a filled-in review workbook and store its decisions",
        description="Check the whole workbook, then store its decisions (nothing is stored if anything is wrong).",
    )
    imported.add_argument("workbook", metavar="FILE.xlsx", type=Path, help="a filled-in review workbook")
    imported.add_argument("--steward", help="who decided (default: the operating-system user)")
    imported.add_argument(
        "--entity", choices=("partner", "customer"), help="which entity the decisions are about (optional)"
    )
    imported.set_defaults(func=run_import)


def steward_name(given: str | None) -> str:
    if given and given.strip():
        return given.strip()
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def run_export(args: argparse.Namespace) -> int:
    from foundation.settings import load_settings
    from mdm.hierarchy import link_branches_to_head_offices
    from mdm.pair_review import write_pair_review_workbook
    from migration.match_review import read_match_review
    from migration.quality_scores import read_quality_scores
    from migration.store import create_store_engine, upgrade_store
    from migration.store_reads import read_partner_hierarchy

    engine = create_store_engine(load_settings().store_url)
    try:
        upgrade_store(engine)
        review = read_match_review(engine, args.entity)
        scorecard = read_quality_scores(engine)
        partners = read_partner_hierarchy(engine) if args.entity == "partner" else None
    finally:
        engine.dispose()
    unlinked = None if partners is None else link_branches_to_head_offices(partners).unlinked_branches
    write_pair_review_workbook(review, args.out, scorecard, unlinked)
    log.info("wrote %s %s pairs for a steward to %s", f"{len(review):,}", args.entity, args.out)
    return 0


def run_import(args: argparse.Namespace) -> int:
    from foundation.settings import load_settings
    from mdm.pair_decisions import read_pair_decisions
    from migration.steward_decisions import load_decisions, save_decisions
    from migration.store import create_store_engine, upgrade_store

    engine = create_store_engine(load_settings().store_url)
    try:
        upgrade_store(engine)
        earlier = load_decisions(engine, args.entity)
        decisions = read_pair_decisions(args.workbook, earlier)
        who = steward_name(args.steward)
        stored = save_decisions(engine, decisions, who, args.workbook.name, args.entity)
    finally:
        engine.dispose()
    counts = decisions["decision"].value_counts()
    log.info(
        "stored %s decisions from %s by %s (%s merge, %s not a match)",
        f"{stored:,}",
        args.workbook,
        who,
        f"{int(counts.get('merge', 0)):,}",
        f"{int(counts.get('not_a_match', 0)):,}",
    )
    return 0
