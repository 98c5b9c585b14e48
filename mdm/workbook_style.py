"""What makes a steward's xlsx a real workbook: a bold, frozen, filtered header, a dropdown for the
decision column, widths that fit Chinese text, a sheet explaining the columns, an atomic save."""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Iterable, Sequence
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from cleansing.safe_export import neutralise_cell, write_atomically

HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


def text_width(values: Iterable[object], header: str) -> int:
    """Column width in Excel units: a CJK character is two wide."""
    texts = [header, *("" if v is None or v is pd.NA else str(v) for v in list(values)[:500])]
    longest = max(sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in t) for t in texts)
    return min(max(longest + 2, 8), 60)


def style_header(sheet: Worksheet, n_rows: int, freeze: str = "B2") -> None:
    """Bold, shaded, frozen header with an autofilter over ``n_rows`` data rows."""
    for cell in sheet[1]:
        cell.font, cell.fill = Font(bold=True), HEADER_FILL
    sheet.freeze_panes = freeze
    sheet.auto_filter.ref = f"A1:{get_column_letter(sheet.max_column)}{max(n_rows + 1, 2)}"


def add_dropdown(sheet: Worksheet, column: int, choices: Sequence[str], n_rows: int, title: str) -> None:
    """A list dropdown on ``column`` (1-based) of the data rows; a blank cell is allowed."""
    choice = DataValidation(type="list", formula1=f'"{",".join(choices)}"', allow_blank=True)
    choice.error, choice.errorTitle = f"Choose {' or '.join(choices)}", title
    sheet.add_data_validation(choice)
    letter = get_column_letter(column)
    choice.add(f"{letter}2:{letter}{max(n_rows + 1, 2)}")


def fit_widths(sheet: Worksheet, columns: Sequence[str], values: dict[str, Iterable[object]]) -> None:
    for index, name in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = text_width(values.get(name, ()), name)


def add_guide_sheet(book: Workbook, rows: Sequence[tuple[str, str]], title: str = "columns") -> None:
    """A second sheet saying what each column means."""
    guide = book.create_sheet(title)
    guide.append(["column", "meaning"])
    for cell in guide[1]:
        cell.font = Font(bold=True)
    for name, meaning in rows:
        guide.append([name, meaning])
    guide.column_dimensions["A"].width, guide.column_dimensions["B"].width = 24, 100


def new_workbook(title: str) -> tuple[Workbook, Worksheet]:
    """A fresh workbook and its first sheet, named ``title``."""
    book = Workbook()
    sheet = book.worksheets[0]
    assert isinstance(sheet, Worksheet)  # a new workbook starts with one ordinary sheet
    sheet.title = title
    return book, sheet


def save_workbook(book: Workbook, path: Path) -> Path:
    buffer = io.BytesIO()
    book.save(buffer)
    return write_atomically(Path(path), buffer.getvalue())


def add_table_sheet(
    book: Workbook, title: str, frame: pd.DataFrame, number_formats: dict[str, str] | None = None
) -> None:
    """``frame`` as a sheet of its own (in its row order): styled header, fitted widths, every cell made
    safe from formula injection, ``number_formats`` by column (e.g. ``{"share": "0.0%"}``)."""
    sheet = book.create_sheet(title)
    columns = list(frame.columns)
    sheet.append(columns)
    for record in frame.itertuples(index=False):
        sheet.append([_safe_cell(value) for value in record])
    formats = number_formats or {}
    for cells in sheet.iter_rows(min_row=2):
        for name, cell in zip(columns, cells, strict=True):
            if name in formats:
                cell.number_format = formats[name]
    style_header(sheet, len(frame), freeze="A2")
    fit_widths(sheet, columns, {c: frame[c] for c in columns})


def _safe_cell(value: object) -> object:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if hasattr(value, "item"):
        value = value.item()
    return neutralise_cell(value)
