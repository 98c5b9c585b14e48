"""``channel-mdm golden show ID``: one golden partner or customer, the source records behind it and the
steward decisions about them, read from the store (``CHANNEL_MDM_STORE_URL``)."""

from __future__ import annotations

import argparse

from channel_mdm.errors import UserError

HIDDEN = {"record_hash", "load_batch_id", "created_at", "updated_at", "parent_link", "supplier_golden_id"}
HEAD_OFFICE_FOUND_BY = {
    "source_parent_code": "the source's parent code",
    "name_rule": "the branch's name",
}


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("golden", help="look at golden partner and customer records in the store")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    show = actions.add_parser(
        "show",
        help="one golden record, its source records and the steward decisions about them",
        description="Print a golden partner or customer, the source records the crosswalk sends to it, "
        "and the steward decisions naming them.",
    )
    show.add_argument("golden_id", metavar="ID", help="a golden id, e.g. P00000001")
    show.set_defaults(func=run_show)


def run_show(args: argparse.Namespace) -> int:
    from channel_mdm.settings import load_settings
    from migration.golden_reads import read_golden_record
    from migration.store import create_store_engine, upgrade_store

    engine = create_store_engine(load_settings().store_url)
    try:
        upgrade_store(engine)
        view = read_golden_record(engine, args.golden_id.strip())
    finally:
        engine.dispose()
    if view is None:
        raise UserError(
            f"golden id {args.golden_id!r} is in neither the partner nor the customer table of the store; "
            "check the id (e.g. P00000001) and CHANNEL_MDM_STORE_URL"
        )
    print(f"{view.entity} {args.golden_id.strip()}")
    for name, value in view.record.items():
        if name not in HIDDEN and value is not None:
            print(f"  {name}: {value}")
    if view.entity == "partner":
        print(hierarchy_line(view.record))
    print(f"source records ({len(view.members)}):")
    for m in view.members.itertuples(index=False):
        score = (
            "" if m.match_score is None or m.match_score != m.match_score else f" score {m.match_score:.3f}"
        )
        state = "" if m.active else " (no longer in its source)"
        print(f"  {m.source_system} {m.source_record_id}: {m.match_decision}{score}{state}")
    print(f"steward decisions ({len(view.decisions)}):")
    for d in view.decisions.itertuples(index=False):
        print(
            f"  {d.left_source_system} {d.left_source_record_id} / {d.right_source_system} "
            f"{d.right_source_record_id}: {d.decision} by {d.decided_by} at {d.decided_at}"
        )
    return 0


def hierarchy_line(record: dict[str, object]) -> str:
    """Where a partner sits in the channel: its head office (and how it was found), its supplying 一批."""
    parent = record.get("parent_golden_id")
    head_office = (
        f"{parent} (found by {HEAD_OFFICE_FOUND_BY.get(str(record.get('parent_link')), 'an earlier load')})"
        if parent
        else "-"
    )
    supplier = record.get("supplier_golden_id")
    if supplier:
        supplied_by = str(supplier)
    elif str(record.get("channel_tier")) == "2":
        supplied_by = "not named by any source"
    else:
        supplied_by = "-"
    return f"hierarchy: head office {head_office}; supplying distributor (一批) {supplied_by}"
