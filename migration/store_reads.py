"""Read back what earlier runs left in the store (the crosswalk keeps golden ids stable)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pandas as pd
from sqlalchemy import Engine, inspect, select

from migration.models import TABLES


def read_crosswalk(engine: Engine, active_only: bool = True) -> pd.DataFrame:
    """The stored crosswalk (empty if the store has none yet)."""
    table = TABLES["crosswalk"]
    columns = ["entity", "source_system", "source_record_id", "golden_id", "match_score", "match_decision"]
    if not inspect(engine).has_table(table.name):
        return pd.DataFrame(columns=columns)
    query = select(*(table.c[name] for name in columns))
    if active_only:
        query = query.where(table.c.active.is_(True))
    with engine.connect() as connection:
        return pd.DataFrame(connection.execute(query).all(), columns=columns)


@dataclass(frozen=True)
class CommittedLoad:
    """One succeeded load from the store's ``run_log``: a report stamped with another batch is stale."""

    run_id: str
    batch_id: str
    finished_at: datetime | None


def latest_committed_load(engine: Engine) -> CommittedLoad | None:
    """The newest succeeded load recorded in ``run_log`` (None for a store never loaded)."""
    table = TABLES["run_log"]
    if not inspect(engine).has_table(table.name):
        return None
    query = (
        select(table.c.run_id, table.c.batch_id, table.c.finished_at)
        .where(table.c.status == "succeeded", table.c.stage == "load")
        .order_by(table.c.finished_at.desc(), table.c.started_at.desc())
        .limit(1)
    )
    with engine.connect() as connection:
        row = connection.execute(query).first()
    return CommittedLoad(row.run_id, row.batch_id or "", row.finished_at) if row else None


def read_partner_hierarchy(engine: Engine) -> pd.DataFrame:
    """Every stored golden partner's name, place and head office, for :mod:`mdm.hierarchy`."""
    table = TABLES["partner"]
    columns = ["golden_id", "partner_name", "province", "city", "parent_golden_id"]
    if not inspect(engine).has_table(table.name):
        return pd.DataFrame(columns=columns)
    query = select(*(table.c[name] for name in columns)).order_by(table.c.golden_id)
    with engine.connect() as connection:
        return pd.DataFrame(connection.execute(query).all(), columns=columns)
