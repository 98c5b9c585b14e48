"""The subcommands of ``channel-mdm``, one module each, and the options several of them share."""

from __future__ import annotations

import argparse

from migration.waves import SCOPE_HELP

WAVE_LOAD = ": load and reconcile only this wave; other waves' rows in the store are left as they are"
"""What ``--scope`` does for a command that loads the store."""


def add_scope_option(parser: argparse.ArgumentParser, what: str) -> None:
    """``--scope KIND=VALUES`` (repeatable): one migration wave; ``what`` says what the command does with it."""
    parser.add_argument("--scope", action="append", metavar="KIND=VALUES", help=SCOPE_HELP + what)
