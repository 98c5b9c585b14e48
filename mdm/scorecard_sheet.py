"""The "Scorecard" sheet of the steward's review workbook: every scored field of every source, worst first,
so a steward sees which source to fix first beside the pairs to decide."""

from __future__ import annotations

import pandas as pd
from openpyxl import Workbook

from cleansing.safe_export import neutralise_cell
from mdm.scorecard import SCORECARD_COLUMNS
from mdm.workbook_style import fit_widths, style_header

SCORECARD_SHEET = "Scorecard"
SCORECARD_GUIDE = [
    ("Scorecard sheet", "Data quality of each source, worst first: fix the sources at the top first."),
    ("measure", "completeness (value given), validity (given and valid after standardising), "
     "duplicate_rate (source records per golden record), quarantined (rows held back, by reason)."),
    ("records", "How many records were counted (for validity: the records that give the field)."),
    ("count", "Records that are fine (complete, valid), or the duplicates, or the quarantined rows."),
    ("rate", "count / records; for duplicate_rate the source records per golden record (1.00 = none)."),
    ("problem_share", "Share of the records with the problem: 0% nothing to fix, 100% every record."),
]  # fmt: skip
_PERCENT_COLUMNS = {"problem_share"}


def add_scorecard_sheet(book: Workbook, scorecard: pd.DataFrame) -> None:
    """Add the scorecard (:func:`mdm.scorecard.build_scorecard`, already worst first) as its own sheet."""
    sheet = book.create_sheet(SCORECARD_SHEET)
    sheet.append(SCORECARD_COLUMNS)
    for record in scorecard[SCORECARD_COLUMNS].itertuples(index=False):
        sheet.append([_cell(value) for value in record])
    for cells in sheet.iter_rows(min_row=2):
        for name, cell in zip(SCORECARD_COLUMNS, cells, strict=True):
            if name in _PERCENT_COLUMNS:
                cell.number_format = "0.0%"
            elif name == "rate":
                cell.number_format = "0.000"
    style_header(sheet, len(scorecard), freeze="A2")
    fit_widths(sheet, SCORECARD_COLUMNS, {c: scorecard[c] for c in SCORECARD_COLUMNS})


def _cell(value: object) -> object:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if hasattr(value, "item"):
        value = value.item()
    return neutralise_cell(value)
