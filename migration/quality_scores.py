"""The latest run's data-quality scorecard, kept in the store so that ``channel-mdm review export`` can
put it in the steward's workbook after a pipeline run."""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
from sqlalchemy import Engine, delete, insert, inspect, select

from mdm.scorecard import SCORECARD_COLUMNS
from migration.models import QualityScore


def save_quality_scores(engine: Engine, scorecard: pd.DataFrame, batch_id: str | None) -> int:
    """Replace the stored scorecard with ``scorecard`` (:func:`mdm.scorecard.build_scorecard`); the same
    scorecard again leaves the stored one untouched, with the batch that first scored it."""
    now = datetime.now(UTC)
    rows = [
        {
            **{c: record[c] for c in SCORECARD_COLUMNS},
            "records": int(record["records"]),
            "count": int(record["count"]),
            "rate": None if pd.isna(record["rate"]) else float(record["rate"]),
            "problem_share": float(record["problem_share"]),
            "batch_id": batch_id,
            "created_at": now,
        }
        for record in scorecard.to_dict("records")
    ]
    table = QualityScore.__table__
    with engine.begin() as connection:
        stored = connection.execute(
            select(*(table.c[c] for c in SCORECARD_COLUMNS)).order_by(table.c.score_id)
        )
        if [tuple(row) for row in stored] == [tuple(row[c] for c in SCORECARD_COLUMNS) for row in rows]:
            return len(
                rows
            )  # a rerun on the same data leaves the table (and the batch that scored it) as it was
        connection.execute(delete(QualityScore))
        if rows:
            connection.execute(insert(QualityScore), rows)
    return len(rows)


def read_quality_scores(engine: Engine) -> pd.DataFrame:
    """The stored scorecard, worst first (empty before the first run that scored anything)."""
    if not inspect(engine).has_table(QualityScore.__tablename__):
        return pd.DataFrame(columns=SCORECARD_COLUMNS)
    table = QualityScore.__table__
    with engine.connect() as connection:
        rows = connection.execute(select(*(table.c[c] for c in SCORECARD_COLUMNS)).order_by(table.c.score_id))
        return pd.DataFrame(rows.all(), columns=SCORECARD_COLUMNS)
