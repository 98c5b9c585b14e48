"""``channel-mdm load``: load the channel store from the last run's results, whole or one migration wave."""

from __future__ import annotations

import argparse

from channel_mdm.commands import WAVE_LOAD, add_scope_option
from channel_mdm.commands.demo import _business_date, run_sync
from migration.waves import parse_scope

LOAD_ASSETS = ("source_changes", "channel_store", "reconciliation_report")
"""The pipeline's own steps this command runs: what changed per source since the store's last load
(counted against the store as it is now), the load, and its reconciliation."""

DESCRIPTION = """\
Load the channel store (CHANNEL_MDM_STORE_URL) from the results of the last pipeline run for this
store and these sources ('channel-mdm demo', 'channel-mdm nightly' or the nightly schedule): golden
partners and customers, products and prices that met the standards, balances, orders, crosswalks and
the quarantine. Nothing is read or matched again; the load and the reconciliation are the pipeline's
own steps (its channel_store and reconciliation_report assets), run in one Dagster run on the local
instance ($DAGSTER_HOME).

The load is one transaction: a run that fails or is killed leaves the store as the last committed
load left it, and running the same load again changes nothing. Rows the store refuses (a value it
cannot hold, a reference to a partner or product that is not there, a repeated key) are quarantined
with their reason; the rest loads.

--scope loads one migration wave: only the wave's partners (with their head offices), the customers
they serve, their balances and orders, plus the shared products and prices; rows of other waves
already in the store are left as they are. The wave's reconciliation compares only its own rows.

Exit code 0 when the load's reconciliation is accepted, 1 when it is not (or the load failed), 2
when an option cannot be used or no earlier run has results for this store and these sources (run
'channel-mdm demo' first)."""


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "load",
        help="load the store from the last run's results (one migration wave with --scope) and reconcile it",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_scope_option(parser, WAVE_LOAD)
    parser.add_argument(
        "--business-date",
        type=_business_date,
        default=None,
        metavar="YYYY-MM-DD",
        help="the partition (business date) the load is recorded under; default: today in Shanghai",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    scope = parse_scope(args.scope)
    return run_sync(args.business_date, "channel-mdm load", scope, assets=LOAD_ASSETS)
