"""The steward's product review workbook: candidate pairs the matcher would not decide alone.

A real workbook, not a dump: a frozen, filtered header, a ``decision`` column with a dropdown
(``match`` / ``no_match``), widths that fit Chinese text, and a sheet explaining the columns. Every
cell from a source passes through :func:`cleansing.safe_export.neutralise_cell`, so a product name
that starts with ``=`` is shown as text instead of running as a formula. Decisions read back with
:func:`read_review_decisions` are applied by the next match.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from openpyxl import load_workbook
from openpyxl.styles import Alignment

from cleansing.safe_export import FORMULA_PREFIXES, neutralise_cell, write_csv
from foundation.errors import UserError
from mdm.product_match import REVIEW_COLUMNS
from mdm.workbook_style import (
    add_dropdown,
    add_guide_sheet,
    fit_widths,
    new_workbook,
    save_workbook,
    style_header,
)

DECISIONS = ("match", "no_match")
SHEET = "review"
EXPLAIN = [
    (
        "decision",
        "Your decision: match (the two codes are one product) or no_match. Leave blank to decide later.",
    ),
    ("match_score", "0–1; at or above 0.90 the matcher merges on its own, from 0.75 it asks you."),
    (
        "explanation",
        "How the score was made: name similarity, brand, net content and pack, with their weights.",
    ),
    (
        "left_… / right_…",
        "The two source records: source system, the code it uses, name, brand, spec and GTIN.",
    ),
]


def write_review_workbook(review: pd.DataFrame, path: Path) -> Path:
    """Write the review pairs (``ProductMatchResult.review``) as an xlsx a steward fills in."""
    book, sheet = new_workbook(SHEET)
    columns = ["decision", *REVIEW_COLUMNS]
    sheet.append(columns)
    for row in review.reindex(columns=REVIEW_COLUMNS).itertuples(index=False):
        sheet.append([None, *(neutralise_cell(None if pd.isna(v) else v) for v in row)])
    style_header(sheet, len(review))
    add_dropdown(sheet, 1, DECISIONS, len(review), "decision")
    fit_widths(sheet, columns, {c: review[c] for c in review.columns})
    for row in sheet.iter_rows(min_row=2, min_col=3, max_col=3):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    add_guide_sheet(book, EXPLAIN)
    return save_workbook(book, path)


def read_review_decisions(path: Path) -> pd.DataFrame:
    """The decided rows of a review workbook: left/right source system and code, and ``is_match``."""
    try:
        sheet = load_workbook(path, read_only=True, data_only=True)[SHEET]
    except FileNotFoundError:
        raise UserError(f"{path}: review workbook not found") from None
    except KeyError:
        raise UserError(f"{path}: no sheet named '{SHEET}'; is this a product review workbook?") from None
    rows = list(sheet.iter_rows(values_only=True))
    frame = pd.DataFrame(rows[1:], columns=rows[0]) if rows else pd.DataFrame(columns=["decision"])
    decided = frame[frame["decision"].notna()].copy()
    wrong = decided[~decided["decision"].isin(DECISIONS)]
    if len(wrong):
        raise UserError(
            f"{path}: row {int(wrong.index[0]) + 2} has decision {wrong['decision'].iloc[0]!r}; use match or no_match"
        )
    keys = ["left_source_system", "left_source_code", "right_source_system", "right_source_code"]
    out = decided[keys].astype(str).apply(_unneutralise)
    out["is_match"] = decided["decision"].eq("match").to_numpy()
    return out.reset_index(drop=True)


def _unneutralise(values: pd.Series) -> pd.Series:
    """The value as the source wrote it: the apostrophe an export put before a formula-like cell removed."""
    neutralised = values.str.startswith("'") & values.str[1:].str.startswith(FORMULA_PREFIXES)
    return values.where(~neutralised, values.str[1:])


DECISION_KEYS = ["left_source_system", "left_source_code", "right_source_system", "right_source_code"]


def remember_decisions(review_path: Path, decisions_path: Path) -> pd.DataFrame:
    """Every steward decision so far: those kept in ``decisions_path`` (CSV) plus the ones just made in
    the review workbook at ``review_path``; a later decision on the same pair replaces an earlier one.
    The merged list is written back, so decisions persist when the workbook is replaced."""
    parts = []
    if Path(decisions_path).exists():
        kept = pd.read_csv(decisions_path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        kept[DECISION_KEYS] = kept[DECISION_KEYS].apply(_unneutralise)
        parts.append(kept.assign(is_match=kept["is_match"].eq("True")))
    if Path(review_path).exists():
        parts.append(read_review_decisions(review_path))
    if not parts:
        return pd.DataFrame(columns=[*DECISION_KEYS, "is_match"])
    decisions = pd.concat(parts, ignore_index=True).drop_duplicates(DECISION_KEYS, keep="last")
    write_csv(decisions, Path(decisions_path))  # a code such as =HYPERLINK(…) is written as text
    return decisions.reset_index(drop=True)
