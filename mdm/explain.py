"""Why two records matched (or did not): per field the two values, the comparison level and its weight.

A steward reads the total as the prior plus the field weights; a negative weight is evidence
against, zero means the field was unknown on one side and said nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa

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


def _text_column(words: pa.Array, codes: np.ndarray) -> object:
    """``words`` at ``codes`` (``-1`` missing) as the column ``pd.DataFrame`` makes of the same Python
    strings (text, or objects where none is known), taken in Arrow: each distinct word is converted
    once, not once per pair."""
    known = codes >= 0
    if not known.any():
        return np.full(len(codes), None, dtype=object)
    text = pd.DataFrame({"text": np.array(["text"], dtype=object)}, copy=False)["text"].dtype
    if pd.api.types.is_object_dtype(text):
        return np.r_[np.array(words.to_pylist(), dtype=object), None][codes]
    return pd.array(words.take(pa.array(codes, mask=~known)), dtype=text)


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
        column = display_column(comparison)
        if cols.is_text(column):
            words = pa.array(cols.uniques(column), type=pa.large_string())
            codes = cols.codes(column)
            out[f"{comparison.name}_l"] = _text_column(words, codes[left])
            out[f"{comparison.name}_r"] = _text_column(words, codes[right])
        else:
            out[f"{comparison.name}_l"] = _display_values(cols, comparison, left)
            out[f"{comparison.name}_r"] = _display_values(cols, comparison, right)
        labels = pa.array(comparison.labels, type=pa.large_string())
        out[f"{comparison.name}_level"] = _text_column(labels, levels[:, j])
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
