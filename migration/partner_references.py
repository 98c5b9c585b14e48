"""Balances name their partner by golden id *and* by the partner's code in their own system; when a partner
source record moves to another golden record (a steward's split, a record that left a merge), the rows
that name it by its code follow it, so the store keeps one row per balance instead of a stale copy under
the old golden id."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Connection, and_, bindparam, select, update

from mdm.references import load_partner_code_systems
from migration.bookkeeping import rehash_rows
from migration.models import TABLES

FOLLOWING_TABLES = ("balance", "order_line")
"""Tables whose rows name a partner source record (``source_system`` + ``partner_record_id``)."""


def move_partner_references(connection: Connection, moves: pd.DataFrame) -> int:
    """Point the rows naming each moved record at its new golden id; returns how many rows moved.

    ``moves`` has ``source_system``, ``source_record_id`` (the partner record), ``old_golden_id`` and
    ``golden_id``. A row's ``source_system`` names its partner codes in the system
    ``mdm/config/references.yaml`` says (its own by default).
    """
    if moves.empty:
        return 0
    partner = TABLES["partner"]
    live = set(
        connection.execute(
            select(partner.c.golden_id).where(partner.c.golden_id.in_(sorted(set(moves["golden_id"]))))
        ).scalars()
    )
    moves = moves[moves["golden_id"].isin(live)]  # a record whose new golden record was refused stays put
    code_systems = load_partner_code_systems()
    moved = 0
    for name in FOLLOWING_TABLES:
        table = TABLES[name]
        for move in moves.itertuples(index=False):
            systems = sorted(
                {move.source_system} | {s for s, c in code_systems.items() if c == move.source_system}
            )
            naming = and_(
                table.c.partner_record_id == move.source_record_id, table.c.source_system.in_(systems)
            )
            count = connection.execute(
                update(table)
                .where(naming, table.c.partner_golden_id == bindparam("old"))
                .values(partner_golden_id=move.golden_id),
                {"old": move.old_golden_id},
            ).rowcount
            if count:
                rehash_rows(connection, table, and_(naming, table.c.partner_golden_id == move.golden_id))
                moved += count
    return moved
