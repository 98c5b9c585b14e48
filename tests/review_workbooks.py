"""Filling in a review workbook as a steward does in Excel, shared by the tests of the steward's loop."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook


def decide(path: Path, answers: dict[tuple[str, str], str], notes: str = "") -> dict[tuple[str, str], int]:
    """Pick a decision (and a note) for the given pairs, by their two record ids; return each pair's row.

    Every pair answered must be in the workbook: a test that decides a pair the review no longer holds
    says so instead of silently deciding nothing.
    """
    book = load_workbook(path)
    sheet = book["review"]
    header = [c.value for c in sheet[1]]
    rows = {}
    for row in sheet.iter_rows(min_row=2):
        values = dict(zip(header, (c.value for c in row), strict=True))
        pair = (values["left_record_id"], values["right_record_id"])
        rows[pair] = row[0].row
        if pair in answers:
            row[header.index("decision")].value = answers[pair]
            row[header.index("notes")].value = notes or None
    book.save(path)
    assert set(answers) <= set(rows), f"pairs not in the review workbook: {set(answers) - set(rows)}"
    return rows
