"""Why two records matched (or did not): per field the two values, the comparison level and its weight.

A steward reads the total as the prior plus the field weights; a negative weight is evidence
against, zero means the field was unknown on one side and said nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from mdm.comparators import Comparison, FrameColumns
from mdm.model import ModelParameters, comparison_weight


@dataclass(frozen=True)
class FieldEvidence:
    comparison: str
    left_value: str | None
    right_value: str | None
    level: str
    weight: float


@dataclass(frozen=True)
class PairExplanation:
    left_record_id: str
    right_record_id: str
    prior_weight: float
    fields: tuple[FieldEvidence, ...]
    match_weight: float
    match_probability: float

    def as_text(self) -> str:
        lines = [f"{self.left_record_id} ↔ {self.right_record_id}: prior {self.prior_weight:+.2f}"]
        for f in self.fields:
            lines.append(
                f"  {f.comparison:<14} {f.left_value!s:<24} | {f.right_value!s:<24} {f.level:<22} {f.weight:+.2f}"
            )
        lines.append(f"  total {self.match_weight:+.2f} → probability {self.match_probability:.4f}")
        return "\n".join(lines)


def display_column(comparison: Comparison) -> str:
    """The column whose value an explanation shows for ``comparison``."""
    return comparison.display_column or comparison.columns[0]


def _display_values(cols: FrameColumns, comparison: Comparison, rows: np.ndarray) -> np.ndarray:
    """The value an explanation shows for one side of each pair."""
    return cols.values(display_column(comparison))[rows]


def explanation_columns(
    frame: pd.DataFrame | FrameColumns,
    left: np.ndarray,
    right: np.ndarray,
    levels: np.ndarray,
    params: ModelParameters,
    comparisons: tuple[Comparison, ...],
    adjustments: dict[int, np.ndarray] | None = None,
) -> pd.DataFrame:
    """Wide frame: for each comparison ``<name>_l``, ``<name>_r``, ``<name>_level``, ``<name>_weight``
    (the weight including the term-frequency ``adjustments``, when given)."""
    cols = frame if isinstance(frame, FrameColumns) else FrameColumns(frame)
    out: dict[str, object] = {}
    adjustments = adjustments or {}
    for j, comparison in enumerate(comparisons):
        labels = np.array(comparison.labels, dtype=object)
        out[f"{comparison.name}_l"] = _display_values(cols, comparison, left)
        out[f"{comparison.name}_r"] = _display_values(cols, comparison, right)
        out[f"{comparison.name}_level"] = labels[levels[:, j]]
        out[f"{comparison.name}_weight"] = np.round(
            comparison_weight(levels, params, j, adjustments.get(j)), 3
        )
    # Every array is new and this frame's alone: kept as it is instead of copied into one block per dtype.
    return pd.DataFrame(out, copy=False)


def explain_pair(
    frame: pd.DataFrame,
    left: int,
    right: int,
    params: ModelParameters,
    comparisons: tuple[Comparison, ...],
) -> PairExplanation:
    """Explain one pair of records given by position in the standardised frame."""
    from mdm.comparators import compare_pairs
    from mdm.model import score_levels

    cols = FrameColumns(frame)
    lv = compare_pairs(cols, np.array([left]), np.array([right]), comparisons)
    weight, prob = score_levels(lv, params)
    fields = []
    for j, (comparison, table) in enumerate(zip(comparisons, params.weight_tables(), strict=True)):
        a = _display_values(cols, comparison, np.array([left]))[0]
        b = _display_values(cols, comparison, np.array([right]))[0]
        fields.append(
            FieldEvidence(
                comparison.name,
                None if a is None else str(a),
                None if b is None else str(b),
                comparison.labels[lv[0, j]],
                float(table[lv[0, j]]),
            )
        )
    ids = frame["record_id"].astype(str).to_numpy()
    return PairExplanation(
        ids[left], ids[right], params.prior_weight, tuple(fields), float(weight[0]), float(prob[0])
    )
