"""The "Scorecard" sheet of the steward's review workbook: every scored field of every source, worst first,
so a steward sees which source to fix first beside the pairs to decide."""

from __future__ import annotations

import pandas as pd
from openpyxl import Workbook

from mdm.scorecard import SCORECARD_COLUMNS
from mdm.workbook_style import add_table_sheet

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


def add_scorecard_sheet(book: Workbook, scorecard: pd.DataFrame) -> None:
    """Add the scorecard (:func:`mdm.scorecard.build_scorecard`, already worst first) as its own sheet."""
    formats = {"problem_share": "0.0%", "rate": "0.000"}
    add_table_sheet(book, SCORECARD_SHEET, scorecard[SCORECARD_COLUMNS], formats)
