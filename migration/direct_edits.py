"""Rows someone edited in the store directly: their values no longer give the hash the last load wrote.

Every load stores a ``record_hash`` over a row's business columns. A row changed afterwards by hand (an
``UPDATE`` in a SQL console, another application) keeps the old hash, so the next load — whose frame
still hashes to that value — counts it as unchanged and leaves the edit in place. Recomputing the hash from
the stored values finds those rows; they are reported, not overwritten, so a steward can decide.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import select
from sqlalchemy.engine import Engine

from migration.bookkeeping import stored_record_hashes
from migration.load import BUSINESS_KEYS, LOAD_ORDER
from migration.models import TABLES


def find_direct_edits(engine: Engine, tables: tuple[str, ...] = LOAD_ORDER) -> dict[str, pd.DataFrame]:
    """Per table, the business keys of rows whose stored values differ from what the last load wrote."""
    edited: dict[str, pd.DataFrame] = {}
    with engine.connect() as connection:
        for name in tables:
            if name == "quarantine" or name not in TABLES:
                continue
            table = TABLES[name]
            stored = pd.read_sql(select(table), connection)
            if stored.empty:
                continue
            hashes = stored_record_hashes(table, stored)
            differs = stored["record_hash"].to_numpy() != pd.Series(hashes, index=stored.index).to_numpy()
            if differs.any():
                edited[name] = stored.loc[differs, list(BUSINESS_KEYS[name])].reset_index(drop=True)
    return edited
