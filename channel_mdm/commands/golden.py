"""``channel-mdm golden``: look at a golden partner or customer in the store (``CHANNEL_MDM_STORE_URL``)
and split source records out of it.

``show ID`` prints the record, the ids merged into it, its source records, the steward decisions about
them, the winning source record and rule per attribute, and its history; an alias resolves to the
record it was merged into. ``unmerge ID --records SYS:ID,...`` splits source records out.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from foundation.errors import UserError

if TYPE_CHECKING:
    from migration.golden_reads import GoldenRecordView

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
    unmerge = actions.add_parser(
        "unmerge",
        help="split source records out of a golden record into their own",
        description="Split the named source records out of a golden partner or customer into their own golden "
        "record (getting back the id they had before a merge joined them, where there is one), and store the "
        "split as steward decisions so every later run keeps it.",
    )
    unmerge.add_argument("golden_id", metavar="ID", help="the golden id to split, e.g. P00000001")
    unmerge.add_argument(
        "--records",
        required=True,
        metavar="SYS:ID,...",
        help="the source records to split out, as source system and record id, e.g. erp:C000123,crm:A-100002",
    )
    unmerge.add_argument("--steward", help="who decided (default: the operating-system user)")
    unmerge.set_defaults(func=run_unmerge)


def run_show(args: argparse.Namespace) -> int:
    from foundation.settings import load_settings
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
            f"golden id {args.golden_id!r} is in neither the partner nor the customer table of the store, nor "
            "an alias of a merged record; check the id (e.g. P00000001) and CHANNEL_MDM_STORE_URL"
        )
    print_golden_record(view)
    return 0


def run_unmerge(args: argparse.Namespace) -> int:
    from channel_mdm.commands.review import steward_name
    from foundation.settings import load_settings
    from migration.golden_unmerge import parse_source_records, unmerge_golden_record
    from migration.store import create_store_engine, upgrade_store

    records = parse_source_records(args.records)
    engine = create_store_engine(load_settings().store_url)
    try:
        upgrade_store(engine)
        done = unmerge_golden_record(engine, args.golden_id.strip(), records, steward_name(args.steward))
    finally:
        engine.dispose()
    how = (
        f"{done.new_golden_id} (restored: it was merged into {done.golden_id} earlier)"
        if done.restored
        else (f"new golden record {done.new_golden_id}")
    )
    print(f"split {', '.join(f'{s}:{r}' for s, r in done.records)} out of {done.golden_id} into {how}")
    print(f"stored {done.decisions} steward decisions; every later run keeps the split")
    return 0


def print_golden_record(view: GoldenRecordView) -> None:
    """The record, its aliases, source records, steward decisions, winning sources and history."""
    if view.asked_for != view.golden_id:
        print(f"{view.asked_for} is an alias: it was merged into {view.golden_id}")
    print(f"{view.entity} {view.golden_id}")
    for name, value in view.record.items():
        if name not in HIDDEN and value is not None:
            print(f"  {name}: {value}")
    if view.entity == "partner":
        print(hierarchy_line(view.record))
    print(f"aliases ({len(view.aliases)}):")
    for a in view.aliases.itertuples(index=False):
        print(
            f"  {a.retired_golden_id}: merged in at {_when(a.retired_at)}{_cause(a.cause_batch_id, a.cause_file)}"
        )
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
    print(f"winning source per attribute ({len(view.lineage)}):")
    for line in view.lineage.itertuples(index=False):
        print(f"  {line.field}: {line.source_system} {line.source_record_id} ({line.rule})")
    print(f"history ({len(view.history)}):")
    for event in view.history.itertuples(index=False):
        print(
            f"  {_when(event.changed_at)} {_event_text(event)}{_cause(event.cause_batch_id, event.cause_file, event.changed_by)}"
        )


def _given(value: object) -> bool:
    """A value the store holds (a read-back NULL may arrive as None or NaN)."""
    return value is not None and value == value


def _event_text(event) -> str:  # type: ignore[no-untyped-def]
    record = f"{event.source_system} {event.source_record_id}" if _given(event.source_record_id) else ""
    if event.event == "create":
        return f"create {event.golden_id}" + (f" from {record}" if record else "")
    if event.event == "change":
        return f"change {event.field}: {_shown(event.old_value)} → {_shown(event.new_value)}"
    if event.event == "merge" and not record:
        return f"merge: {event.old_value} merged into {event.golden_id}"
    if event.event == "merge":
        joined = f" from {event.old_value}" if _given(event.old_value) else ""
        return f"merge: {record} joined {event.golden_id}{joined}"
    return f"unmerge: {record} split out of {event.old_value} into {event.new_value}"


def _shown(value: str | None) -> str:
    return repr(value) if _given(value) else "(blank)"


def _when(value) -> str:  # type: ignore[no-untyped-def]
    return f"{value:%Y-%m-%d %H:%M:%S}" if _given(value) else "-"


def _cause(batch: str | None, file: str | None, who: str | None = None) -> str:
    parts = [
        f"batch {batch}" if _given(batch) else "",
        f"by {who}" if _given(who) else "",
        (f"via {file}" if str(file).startswith("channel-mdm ") else f"steward file {file}")
        if _given(file)
        else "",
    ]
    shown = ", ".join(p for p in parts if p)
    return f" ({shown})" if shown else ""


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
