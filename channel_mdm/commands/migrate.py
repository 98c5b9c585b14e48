"""``channel-mdm migrate``: create or upgrade the target channel store's schema, or show its revision."""

from __future__ import annotations

import argparse
import logging

from foundation.settings import load_settings, redact_url

log = logging.getLogger(__name__)


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "migrate",
        help="create or upgrade the target channel store schema",
        description=(
            "Manage the schema of the target channel store (CHANNEL_MDM_STORE_URL; default a SQLite "
            "file in the data folder). 'upgrade' brings an empty or older store to the latest revision "
            "and does nothing when it is current; 'current' prints the store's revision."
        ),
    )
    parser.add_argument(
        "action", choices=("upgrade", "current"), help="upgrade the schema, or show its revision"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from migration.store import (
        check_store_connection,
        create_store_engine,
        head_revision,
        store_revision,
        upgrade_store,
    )

    url = load_settings().store_url
    engine = create_store_engine(url)
    try:
        check_store_connection(engine)
        if args.action == "upgrade":
            revision = upgrade_store(engine)
            print(f"store {redact_url(url)} is at revision {revision} (latest)")
            return 0
        current = store_revision(engine)
        head = head_revision()
        state = "latest" if current == head else f"latest is {head}; run 'channel-mdm migrate upgrade'"
        print(f"store {redact_url(url)} is at revision {current or '<empty>'} ({state})")
        return 0
    finally:
        engine.dispose()
