"""Rows someone edited in the store directly: their values no longer give the hash the last load wrote.

Every load stores a ``record_hash`` over a row's business columns. A row changed afterwards by hand (an
``UPDATE`` in a SQL console, another application) keeps the old hash, so the next load — whose frame
still hashes to that value — counts it as unchanged and leaves the edit in place. Recomputing the hash from
the stored values finds those rows. The drift policy decides what happens next: ``flag`` (the default)
reports them and leaves them as edited, so a steward can decide; ``repair`` makes the next load rewrite
them with what the sources say (for an unchanged source row, exactly what the last load wrote).
"""

from __future__ import annotations

from typing import Literal, cast, get_args

import pandas as pd
from sqlalchemy import and_, bindparam, select, update
from sqlalchemy.engine import Engine

from foundation.settings import check_choice
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


DriftPolicy = Literal["flag", "repair"]
DRIFT_POLICIES: tuple[str, ...] = get_args(DriftPolicy)

NEEDS_REWRITE = ""
"""The hash a row to be repaired is given: no frame row hashes to it, so the load rewrites the row."""


def check_drift_policy(policy: str) -> DriftPolicy:
    """``policy`` if it is one the load knows; otherwise one clear message saying which ones are."""
    return cast(DriftPolicy, check_choice(policy, DRIFT_POLICIES, "drift policy", "CHANNEL_MDM_DRIFT_POLICY"))


def rewrite_on_next_load(engine: Engine, edited: dict[str, pd.DataFrame]) -> None:
    """Make the next load rewrite the ``edited`` rows from its frame (the ``repair`` policy).

    The load writes a row when the frame's hash differs from the stored one; forgetting the stored hash
    of each edited row makes the load write it back. A row the frame no longer has stays as edited (and is
    found again by the next :func:`find_direct_edits`).
    """
    with engine.begin() as connection:
        for name, keys in edited.items():
            table = TABLES[name]
            key_names = BUSINESS_KEYS[name]
            condition = and_(*(table.c[k] == bindparam(f"k_{k}") for k in key_names))
            params = [{f"k_{k}": row[k] for k in key_names} for row in keys.to_dict("records")]
            connection.execute(update(table).where(condition).values(record_hash=NEEDS_REWRITE), params)
