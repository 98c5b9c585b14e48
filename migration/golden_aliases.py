"""Retire merged-away golden ids: the record leaves its golden table, everything that referred to it
now refers to the survivor, and the old id stays resolvable as an alias (``golden_alias``)."""

from __future__ import annotations

import logging
from datetime import datetime

import pandas as pd
from sqlalchemy import Column, Connection, Engine, Table, and_, delete, insert, inspect, select, update

from migration.bookkeeping import rehash_rows
from migration.models import TABLES

log = logging.getLogger(__name__)

GOLDEN_TABLES = {"partner": "partner", "customer": "customer"}
"""The golden entities and the store table holding each one's golden records."""

RETIRED_COLUMNS = ["entity", "retired_golden_id", "golden_id", "cause_file"]
"""A retirement: the golden id merged away, the surviving golden id, the steward file behind it (or none)."""


def references_to(table: Table) -> list[tuple[Table, Column]]:
    """Every store column that holds a golden id of ``table`` (foreign keys to its ``golden_id``)."""
    return [
        (other, fk.parent)
        for other in TABLES.values()
        for fk in other.foreign_keys
        if fk.column is table.c.golden_id
    ]


def retire_golden_ids(
    connection: Connection, entity: str, retired: pd.DataFrame, batch_id: str, now: datetime
) -> pd.DataFrame:
    """Merge each retired golden id of ``entity`` into its survivor, inside the caller's transaction.

    References (balances, orders, customers' partner, a branch's head office, the inactive crosswalk
    rows) are pointed at the survivor and rehashed, the retired row is deleted, and an alias records
    it; aliases of the retired id move to the survivor. A survivor the store does not hold (its row was
    refused) leaves its retired record in place. Returns the retirements applied.
    """
    golden = TABLES[GOLDEN_TABLES[entity]]
    mine = retired.loc[retired["entity"] == entity].drop_duplicates("retired_golden_id")
    if mine.empty:
        return mine
    live = set(
        connection.execute(
            select(golden.c.golden_id).where(golden.c.golden_id.in_(mine["golden_id"].unique().tolist()))
        ).scalars()
    )
    applied = mine[mine["golden_id"].isin(live)]
    if len(applied) < len(mine):
        log.warning(
            "%s: %s merged-away golden ids kept: their survivor is not in the store",
            entity,
            f"{len(mine) - len(applied):,}",
        )
    crosswalk = TABLES["crosswalk"]
    aliases = TABLES["golden_alias"]
    columns = [*references_to(golden), (crosswalk, crosswalk.c.golden_id)]
    touched: dict[str, tuple[Table, Column, set[str]]] = {}
    for row in applied.itertuples(index=False):
        for table, column in columns:
            scope = [crosswalk.c.entity == entity] if table is crosswalk else []
            moved = connection.execute(
                update(table)
                .where(column == row.retired_golden_id, *scope)
                .values({column.name: row.golden_id})
            ).rowcount
            if moved:
                touched.setdefault(f"{table.name}.{column.name}", (table, column, set()))[2].add(
                    row.golden_id
                )
        connection.execute(delete(golden).where(golden.c.golden_id == row.retired_golden_id))
        connection.execute(
            update(aliases)
            .where(aliases.c.entity == entity, aliases.c.golden_id == row.retired_golden_id)
            .values(golden_id=row.golden_id)
        )
        connection.execute(
            delete(aliases).where(
                aliases.c.entity == entity, aliases.c.retired_golden_id == row.retired_golden_id
            )
        )
    if len(applied):
        connection.execute(
            insert(aliases),
            [
                {
                    "entity": entity,
                    "retired_golden_id": row.retired_golden_id,
                    "golden_id": row.golden_id,
                    "retired_at": now,
                    "cause_batch_id": batch_id,
                    "cause_file": None if pd.isna(row.cause_file) else row.cause_file,
                }
                for row in applied.itertuples(index=False)
            ],
        )
    for table, column, survivors in touched.values():  # one rehash per table, not per merge
        scope = [crosswalk.c.entity == entity] if table is crosswalk else []
        ordered = sorted(survivors)
        for start in range(0, len(ordered), 1000):
            rehash_rows(connection, table, and_(column.in_(ordered[start : start + 1000]), *scope))
    return applied


def read_retired_golden_ids(engine: Engine, entity: str) -> pd.Series:
    """Every golden id of ``entity`` that now resolves as an alias (empty for a store without aliases)."""
    table = TABLES["golden_alias"]
    if not inspect(engine).has_table(table.name):
        return pd.Series(dtype=object)
    with engine.connect() as connection:
        ids = connection.execute(select(table.c.retired_golden_id).where(table.c.entity == entity)).scalars()
        return pd.Series(list(ids), dtype=object)


def resolve_alias(connection: Connection, golden_id: str) -> tuple[str, str] | None:
    """``(entity, surviving golden id)`` when ``golden_id`` was merged away, else ``None``."""
    table = TABLES["golden_alias"]
    row = connection.execute(
        select(table.c.entity, table.c.golden_id).where(table.c.retired_golden_id == golden_id)
    ).first()
    return (row.entity, row.golden_id) if row else None
