"""Split source records out of a golden record into their own, by a steward's word.

The split records get back the golden id they had before a merge joined them (when that id is an alias
of this record), or a new one. In one transaction: the crosswalk sends them to that id, balances and
orders under their codes follow, the new golden record starts as a copy of the one it left (the next
run rebuilds both from their sources), and the split is stored as steward decisions — ``not a match``
between every split record and every record that stays, ``merge`` among the split records — so every
later run keeps it. The history records an ``unmerge`` per record.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime

import pandas as pd
from sqlalchemy import Connection, Engine, and_, delete, func, insert, select, tuple_, update

from foundation.errors import UserError
from mdm.crosswalk import format_golden_id
from migration.bookkeeping import rehash_rows, stored_record_hashes
from migration.golden_aliases import GOLDEN_TABLES, resolve_alias
from migration.golden_history import append_history
from migration.load import one_load_at_a_time
from migration.models import TABLES
from migration.partner_references import move_partner_references
from migration.steward_decisions import save_decisions

SourceRecord = tuple[str, str]
COPIED = "copied at unmerge"
"""The lineage rule of a value the split record took from the record it left, until the next run."""


@dataclass(frozen=True)
class Unmerge:
    entity: str
    golden_id: str
    """The golden record the records were split out of."""
    new_golden_id: str
    restored: bool
    """True when ``new_golden_id`` is an id merged away earlier and now live again."""
    records: list[SourceRecord]
    decisions: int


def parse_source_records(text: str) -> list[SourceRecord]:
    """``SYS:ID,SYS:ID`` → ``[(SYS, ID), …]`` (a record id may itself hold ``:``)."""
    records: list[SourceRecord] = []
    for item in (part.strip() for part in text.split(",")):
        system, _, record_id = item.partition(":")
        if not item or not system.strip() or not record_id.strip():
            raise UserError(
                f"--records: {item!r} is not SOURCE_SYSTEM:RECORD_ID; write e.g. --records erp:C000123,crm:A-100002"
            )
        records.append((system.strip(), record_id.strip()))
    return list(dict.fromkeys(records))


def unmerge_golden_record(
    engine: Engine, golden_id: str, records: list[SourceRecord], steward: str, now: datetime | None = None
) -> Unmerge:
    """Split ``records`` out of ``golden_id`` (an alias is resolved to its survivor) in one transaction."""
    now = now or datetime.now(UTC)
    with engine.begin() as connection:
        one_load_at_a_time(connection)
        alias = resolve_alias(connection, golden_id)
        wanted = alias[1] if alias else golden_id
        entity, row = _golden_row(connection, wanted, golden_id)
        members = _members(connection, entity, wanted)
        _check_records(connection, entity, wanted, records, members)
        new_id, restored = _id_for_split(connection, entity, wanted, records)
        staying = [m for m in members if m not in set(records)]
        _split_golden_row(connection, entity, row, new_id, records, staying, now)
        _move_crosswalk(connection, entity, records, new_id, now)
        if entity == "partner":
            moves = pd.DataFrame(records, columns=["source_system", "source_record_id"])
            move_partner_references(connection, moves.assign(old_golden_id=wanted, golden_id=new_id))
        _copy_lineage(connection, entity, wanted, new_id, records, now)
        if restored:
            aliases = TABLES["golden_alias"]
            connection.execute(
                delete(aliases).where(aliases.c.entity == entity, aliases.c.retired_golden_id == new_id)
            )
        source = f"channel-mdm golden unmerge {wanted}"
        decided = save_decisions(connection, _split_decisions(records, staying), steward, source, entity)
        events = pd.DataFrame(
            [
                {"entity": entity, "golden_id": new_id, "event": "unmerge", "old_value": wanted,
                 "new_value": new_id, "source_system": system, "source_record_id": record_id,
                 "cause_file": source}
                for system, record_id in records
            ]
        )  # fmt: skip
        append_history(connection, events, now, changed_by=steward)
    return Unmerge(entity, wanted, new_id, restored, records, decided)


def _golden_row(connection: Connection, golden_id: str, asked: str) -> tuple[str, dict]:
    for entity, name in GOLDEN_TABLES.items():
        table = TABLES[name]
        row = connection.execute(select(table).where(table.c.golden_id == golden_id)).mappings().first()
        if row is not None:
            return entity, dict(row)
    raise UserError(
        f"golden id {asked!r} is in neither the partner nor the customer table of the store, nor an alias "
        "of a merged record; check the id with 'channel-mdm golden show' and CHANNEL_MDM_STORE_URL"
    )


def _members(connection: Connection, entity: str, golden_id: str) -> list[SourceRecord]:
    crosswalk = TABLES["crosswalk"]
    query = (
        select(crosswalk.c.source_system, crosswalk.c.source_record_id)
        .where(crosswalk.c.entity == entity, crosswalk.c.golden_id == golden_id)
        .order_by(crosswalk.c.source_system, crosswalk.c.source_record_id)
    )
    return [(r.source_system, r.source_record_id) for r in connection.execute(query)]


def _check_records(
    connection: Connection,
    entity: str,
    golden_id: str,
    records: list[SourceRecord],
    members: list[SourceRecord],
) -> None:
    shown = ", ".join(f"{s}:{r}" for s, r in members[:10]) + (" …" if len(members) > 10 else "")
    unknown = [(s, r) for s, r in records if (s, r) not in set(members)]
    if unknown:
        crosswalk = TABLES["crosswalk"]
        elsewhere = dict(
            connection.execute(
                select(
                    crosswalk.c.source_system + ":" + crosswalk.c.source_record_id, crosswalk.c.golden_id
                ).where(
                    crosswalk.c.entity == entity,
                    tuple_(crosswalk.c.source_system, crosswalk.c.source_record_id).in_(unknown),
                )
            ).all()
        )
        named = ", ".join(
            f"{s}:{r}" + (f" (it is in {elsewhere[f'{s}:{r}']})" if f"{s}:{r}" in elsewhere else "")
            for s, r in unknown
        )
        raise UserError(
            f"golden id {golden_id} has no source record {named}; its source records are {shown} "
            f"(see 'channel-mdm golden show {golden_id}')"
        )
    if len(records) == len(members):
        raise UserError(
            f"{', '.join(f'{s}:{r}' for s, r in records)} are all of {golden_id}'s source records; name only "
            f"the records to split out ({golden_id} keeps the others)"
        )


def _id_for_split(
    connection: Connection, entity: str, golden_id: str, records: list[SourceRecord]
) -> tuple[str, bool]:
    """The id the records had before they were merged into ``golden_id`` (if it is now its alias), or
    the next unused number."""
    history, aliases = TABLES["golden_history"], TABLES["golden_alias"]
    earlier = connection.execute(
        select(history.c.old_value)
        .join(
            aliases,
            and_(aliases.c.entity == history.c.entity, aliases.c.retired_golden_id == history.c.old_value),
        )
        .where(
            history.c.entity == entity,
            history.c.event == "merge",
            history.c.new_value == golden_id,
            aliases.c.golden_id == golden_id,
            tuple_(history.c.source_system, history.c.source_record_id).in_(records),
        )
    ).scalars()
    counts = Counter(earlier)
    if counts:
        return sorted(counts, key=lambda i: (-counts[i], i))[0], True
    numbers = [
        connection.execute(select(func.max(column)).where(*scope)).scalar()
        for column, scope in (
            (TABLES[GOLDEN_TABLES[entity]].c.golden_id, ()),
            (TABLES["crosswalk"].c.golden_id, (TABLES["crosswalk"].c.entity == entity,)),
            (aliases.c.retired_golden_id, (aliases.c.entity == entity,)),
        )
    ]
    highest = max(int(n[1:]) for n in numbers if n)
    return format_golden_id(entity, highest + 1), False


def _split_golden_row(
    connection: Connection,
    entity: str,
    row: dict,
    new_id: str,
    records: list[SourceRecord],
    staying: list[SourceRecord],
    now: datetime,
) -> None:
    table = TABLES[GOLDEN_TABLES[entity]]
    primary = (row.get("primary_source_system"), row.get("primary_source_record_id"))
    split = row | {
        "golden_id": new_id,
        "source_count": len(records),
        "primary_source_system": (primary if primary in records else records[0])[0],
        "primary_source_record_id": (primary if primary in records else records[0])[1],
        "created_at": now,
        "updated_at": now,
    }
    if entity == "partner" and split.get("parent_golden_id") == new_id:
        split["parent_golden_id"] = None
    split["record_hash"] = stored_record_hashes(table, pd.DataFrame([split]))[0]
    connection.execute(insert(table).values(split))
    kept = primary if primary in staying else staying[0]
    connection.execute(
        update(table)
        .where(table.c.golden_id == row["golden_id"])
        .values(
            source_count=len(staying),
            primary_source_system=kept[0],
            primary_source_record_id=kept[1],
            updated_at=now,
        )
    )
    rehash_rows(connection, table, table.c.golden_id.in_([row["golden_id"], new_id]))


def _move_crosswalk(
    connection: Connection, entity: str, records: list[SourceRecord], new_id: str, now: datetime
) -> None:
    crosswalk = TABLES["crosswalk"]
    which = and_(
        crosswalk.c.entity == entity,
        tuple_(crosswalk.c.source_system, crosswalk.c.source_record_id).in_(records),
    )
    connection.execute(
        update(crosswalk).where(which).values(golden_id=new_id, match_decision="steward", updated_at=now)
    )
    rehash_rows(connection, crosswalk, which)


def _copy_lineage(
    connection: Connection,
    entity: str,
    golden_id: str,
    new_id: str,
    records: list[SourceRecord],
    now: datetime,
) -> None:
    lineage = TABLES["golden_lineage"]
    rows = pd.DataFrame(
        connection.execute(
            select(lineage).where(lineage.c.entity == entity, lineage.c.golden_id == golden_id)
        )
        .mappings()
        .all()
    )
    connection.execute(delete(lineage).where(lineage.c.entity == entity, lineage.c.golden_id == new_id))
    if rows.empty:
        return
    won = pd.Series(list(zip(rows["source_system"], rows["source_record_id"], strict=True))).isin(records)
    rows = rows.assign(
        golden_id=new_id, rule=rows["rule"].where(won.to_numpy(), COPIED), created_at=now, updated_at=now
    )
    rows["record_hash"] = stored_record_hashes(lineage, rows)
    connection.execute(insert(lineage), rows.astype(object).where(rows.notna(), None).to_dict("records"))


def _split_decisions(records: list[SourceRecord], staying: list[SourceRecord]) -> pd.DataFrame:
    """``not_a_match`` between every split record and every record that stays; ``merge`` chaining the
    split records together."""
    rows = [(a, b, "not_a_match") for a in records for b in staying]
    rows += [(records[0], other, "merge") for other in records[1:]]
    return pd.DataFrame(
        [
            {
                "left_source_system": a[0],
                "left_source_record_id": a[1],
                "right_source_system": b[0],
                "right_source_record_id": b[1],
                "decision": decision,
                "notes": "split out by golden unmerge",
                "sheet_row": None,
            }
            for a, b, decision in rows
        ]
    )
