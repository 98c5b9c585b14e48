"""Totals and subtotal rows (合计, 小计, 总计, Total) that spreadsheets put among the records.

A workbook kept by hand often ends each region's block with ``小计`` and the sheet with ``合计``. Such
a row is not a partner or a price: it is quarantined with reason ``total_row`` (so the file's counts
still add up) instead of being accepted as a record or reported as a row with a missing code.
A row is a totals row when its first non-empty cell, or a cell of one of the mapping's key columns,
holds nothing but such a word.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cleansing.mapping_transforms import Problem

_WORDS = ("合计", "小计", "总计", "总合计", "累计", "汇总", "本页小计", "本页合计")
_LATIN = ("total", "totals", "grand total", "subtotal", "sub-total", "sub total")
_FIRST_COLUMNS = 3
"""A totals label stands in one of the first few columns; looking further would cost time on every row."""


def _spellings() -> frozenset[str]:
    out: set[str] = set()
    for word in _WORDS:
        out |= {word, " ".join(word), "  ".join(word)}
    for word in _LATIN:
        out |= {word, word.upper(), word.title(), word.capitalize()}
    return frozenset(w + end for w in out for end in ("", ":", "：", " :", " ："))


TOTAL_SPELLINGS = _spellings()
"""Every way a totals label is written, for a set look-up (a regex per cell would cost seconds per
million rows)."""


def find_total_rows(frame: pd.DataFrame, key_columns: list[str], column: str, label: str) -> Problem | None:
    """The totals rows of a raw all-text ``frame`` as a quarantine problem on canonical ``column``."""
    if frame.empty:
        return None
    words = list(TOTAL_SPELLINGS)
    key_columns = [c for c in key_columns if c in frame.columns]
    first_columns = list(frame.columns[:_FIRST_COLUMNS])
    # One look-up per column, even when a key column is also one of the first columns.
    holds_word = {c: frame[c].isin(words).to_numpy() for c in dict.fromkeys([*key_columns, *first_columns])}
    in_key = np.zeros(len(frame), dtype=bool)
    for name in key_columns:
        in_key |= holds_word[name]
    candidate = in_key.copy()
    for name in first_columns:
        candidate |= holds_word[name]
    if not candidate.any():
        return None
    mask = np.zeros(len(frame), dtype=bool)
    reasons: list[str] = []
    for row in np.flatnonzero(candidate):
        word = _first_filled(frame.iloc[row])
        if word not in TOTAL_SPELLINGS and in_key[row]:
            word = next(
                str(frame.iat[row, frame.columns.get_loc(c)])
                for c in key_columns
                if frame.iat[row, frame.columns.get_loc(c)] in TOTAL_SPELLINGS
            )
        if word in TOTAL_SPELLINGS:
            mask[row] = True
            reasons.append(f"{label}: a totals row ('{word}'), not a record; skipped")
    if not mask.any():
        return None
    return Problem(mask, column, "total_row", pd.Series(reasons, index=frame.index[mask]))


def _first_filled(row: pd.Series) -> str | None:
    for value in row:
        if value is not None and value == value and str(value).strip():
            return str(value).strip()
    return None


def put_total_rows_first(problems: list[Problem], totals: Problem) -> list[Problem]:
    """``totals`` plus the other problems restricted to rows that are not totals rows: a totals row is
    quarantined for being one, not for the code or date it lacks."""
    out = [totals]
    for problem in problems:
        mask = problem.mask & ~totals.mask
        if mask.any():
            keep = ~totals.mask[problem.mask]  # reasons are in row order, one per masked row
            out.append(Problem(mask, problem.column, problem.reason_code, problem.reasons[keep]))
    return out
