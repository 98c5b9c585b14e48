"""Read back what earlier runs left in the store (the crosswalk keeps golden ids stable)."""

from __future__ import annotations

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
