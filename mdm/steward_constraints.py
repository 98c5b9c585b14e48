"""Steward decisions as hard constraints on clustering: a pair decided ``merge`` is joined first and stays
joined, a pair decided ``not_a_match`` is never joined, not even through a chain of other records.

Decisions name records by their record id in the frame being matched; a decision whose record is not
in the frame (gone from the source, or renamed) is returned as missing, so the caller can report it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

MERGE = "merge"
NOT_A_MATCH = "not_a_match"
DECISION_COLUMNS = ("left_record_id", "right_record_id", "decision")


@dataclass
class DecisionPositions:
    must_left: np.ndarray
    must_right: np.ndarray
    cannot_left: np.ndarray
    cannot_right: np.ndarray
    missing: pd.DataFrame
    """Decisions naming a record the frame does not hold (``left_record_id, right_record_id, decision``)."""


def decision_positions(decisions: pd.DataFrame, record_id: pd.Series) -> DecisionPositions:
    """Positions in the frame (by ``record_id``) of both records of every ``merge``/``not_a_match`` decision."""
    position = pd.Series(np.arange(len(record_id)), index=record_id.astype(str).to_numpy())
    position = position[~position.index.duplicated()]
    decided = decisions[decisions["decision"].isin([MERGE, NOT_A_MATCH])].reset_index(drop=True)
    left = position.reindex(decided["left_record_id"].astype(str)).to_numpy()
    right = position.reindex(decided["right_record_id"].astype(str)).to_numpy()
    known = ~(np.isnan(left) | np.isnan(right))
    merge = (decided["decision"] == MERGE).to_numpy()
    return DecisionPositions(
        must_left=left[known & merge].astype(np.int64),
        must_right=right[known & merge].astype(np.int64),
        cannot_left=left[known & ~merge].astype(np.int64),
        cannot_right=right[known & ~merge].astype(np.int64),
        missing=decided.loc[~known, list(DECISION_COLUMNS)].reset_index(drop=True),
    )


def with_cannot_links(constraints: np.ndarray, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """``constraints`` (n × k codes) with one more column per cannot-link pair: the two records carry
    different codes, everyone else is unknown, so the clustering refuses any merge (direct or through
    a chain) that would bring the two into one cluster."""
    if len(left) == 0:
        return constraints
    extra = np.full((constraints.shape[0], len(left)), -1, dtype=np.int64)
    columns = np.arange(len(left))
    extra[left, columns] = 0
    extra[right, columns] = 1
    return np.hstack([constraints, extra])


def pair_decisions(decisions: pd.DataFrame, left_ids: np.ndarray, right_ids: np.ndarray) -> np.ndarray:
    """Per pair (either order) the steward's decision, ``""`` where there is none."""
    if decisions is None or decisions.empty:
        return np.full(len(left_ids), "", dtype=object)
    a = decisions["left_record_id"].astype(str)
    b = decisions["right_record_id"].astype(str)
    lookup = dict(zip(zip(a, b, strict=True), decisions["decision"], strict=True))
    lookup.update(zip(zip(b, a, strict=True), decisions["decision"], strict=True))
    return np.array(
        [lookup.get((str(x), str(y)), "") for x, y in zip(left_ids, right_ids, strict=True)], dtype=object
    )
