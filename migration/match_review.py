"""The pairs the latest partner or customer matching left for a steward, kept in the store so that
``channel-mdm review export`` can write them as a workbook after a pipeline run."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pandas as pd
from sqlalchemy import Engine, delete, insert, select

from mdm.pair_review import LEAD_COLUMNS, pair_key
from migration.models import MatchReview

_RECORD = ["source_system", "record_id", "source_row"]


def save_match_review(engine: Engine, entity: str, review: pd.DataFrame) -> int:
    """Replace ``entity``'s review pairs with ``review`` (:func:`mdm.pair_review.review_pairs`)."""
    evidence_columns = [c for c in review.columns if c not in LEAD_COLUMNS and c != "key"]
    now = datetime.now(UTC)
    rows = []
    for record in review.to_dict("records"):
        row = {
            "entity": entity,
            "match_score": float(record["match_score"]),
            "match_class": record["match_class"],
        }
        for side in ("left", "right"):
            row[f"{side}_source_system"] = str(record[f"{side}_source_system"])
            row[f"{side}_source_record_id"] = str(record[f"{side}_record_id"])
            source_row = record[f"{side}_source_row"]
            row[f"{side}_source_row"] = None if pd.isna(source_row) else int(source_row)
        evidence = {c: (None if pd.isna(record[c]) else record[c]) for c in evidence_columns}
        row["evidence"] = json.dumps(evidence, ensure_ascii=False, default=str)
        row["created_at"] = now
        rows.append(row)
    compared = [c for c in (rows[0] if rows else {}) if c != "created_at"]
    with engine.begin() as connection:
        if rows:  # no review pair at all: nothing to compare, the entity's old pairs are removed
            stored = connection.execute(
                select(*(MatchReview.__table__.c[c] for c in compared)).where(MatchReview.entity == entity)
            ).mappings()
            if _as_set(stored, compared) == _as_set(rows, compared):
                return len(rows)  # a rerun on the same data leaves the table as it was
        connection.execute(delete(MatchReview).where(MatchReview.entity == entity))
        if rows:
            connection.execute(insert(MatchReview), rows)
    return len(rows)


def _as_set(rows, columns: list[str]) -> set[tuple]:
    return {tuple(row[c] for c in columns) for row in rows}


def read_match_review(engine: Engine, entity: str) -> pd.DataFrame:
    """``entity``'s review pairs in the shape :func:`mdm.pair_review.write_pair_review_workbook` takes."""
    query = select(MatchReview.__table__).where(MatchReview.entity == entity).order_by(MatchReview.review_id)
    with engine.connect() as connection:
        stored = connection.execute(query).mappings().all()
    out = []
    for row in stored:
        record: dict[str, object] = {"decision": None, "notes": None}
        record["match_score"], record["match_class"] = row["match_score"], row["match_class"]
        for side in ("left", "right"):
            record[f"{side}_source_system"] = row[f"{side}_source_system"]
            record[f"{side}_record_id"] = row[f"{side}_source_record_id"]
            record[f"{side}_source_row"] = row[f"{side}_source_row"]
        record.update(json.loads(row["evidence"] or "{}"))
        record["key"] = pair_key(
            row["left_source_system"],
            row["left_source_record_id"],
            row["right_source_system"],
            row["right_source_record_id"],
        )
        out.append(record)
    frame = pd.DataFrame(out, columns=None if out else [*LEAD_COLUMNS, "key"])
    if out:
        frame = frame[[c for c in frame.columns if c != "key"] + ["key"]]
    return frame
