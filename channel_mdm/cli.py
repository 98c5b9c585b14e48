"""The ``channel-mdm`` command line.

Each subcommand lives in its own module under ``channel_mdm.commands`` and exposes
``add_parser(subparsers)``, which registers the subcommand and sets ``func`` to a callable
taking the parsed arguments and returning an exit code. A user error (bad file, bad spec)
is raised as :class:`foundation.errors.UserError` and printed as one clear line, never a traceback
(exit 2). Anything unexpected is one line saying what failed and where its traceback was written
(exit 1), unless ``--debug`` or ``CHANNEL_MDM_DEBUG=1`` asks for the traceback itself.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
from collections.abc import Sequence

from channel_mdm import __version__
from channel_mdm.crash_report import DEBUG_ENV, describe_failure, write_crash_report
from foundation.errors import UserError

COMMAND_MODULES: tuple[str, ...] = (
    "generate",
    "ingest",
    "dedupe",
    "review",
    "golden",
    "validate",
    "migrate",
    "reconcile",
    "compare",
    "load",
    "demo",
    "nightly",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="channel-mdm",
        description=(
            "Cleanse, deduplicate, govern and migrate channel master data "
            "(partners, customers, products, prices, balances, orders)."
        ),
        epilog="Run 'channel-mdm COMMAND --help' for the options of one command.",
    )
    parser.add_argument("--version", action="version", version=f"channel-mdm {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug detail")
    parser.add_argument(
        "--debug",
        action="store_true",
        help=f"show the traceback of an unexpected error instead of writing it to a log file (or set {DEBUG_ENV}=1)",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(f"channel_mdm.commands.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"channel_mdm.commands.{name}":
                continue
            raise
        module.add_parser(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        datefmt="%H:%M:%S",
    )
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except UserError as exc:
        print(f"channel-mdm {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as exc:
        if args.debug or os.environ.get(DEBUG_ENV, "").strip().lower() in ("1", "true", "yes"):
            raise
        where = write_crash_report(exc, args.command)
        print(
            f"channel-mdm {args.command}: unexpected error ({describe_failure(exc)}); "
            f"the full traceback is in {where}; run again with --debug to see it here",
            file=sys.stderr,
        )
        return 1


if __name__ == "__main__":
    sys.exit(main())
