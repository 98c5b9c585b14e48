"""The comparison as a workbook: a summary sheet, then one sheet per check with its listed rows.

Every text cell goes through :func:`cleansing.safe_export.neutralise_cell`, so a value starting with
``=`` is shown, not run; keys and codes are written as text cells (``00123`` stays ``00123``).
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from cleansing.safe_export import neutralise_cell, write_atomically
from mdm.workbook_style import new_workbook
from migration.cutover.results import ComparisonResult

_BAD_SHEET_CHARACTERS = re.compile(r"[\[\]:*?/\\]")


def _sheet_name(wanted: str, taken: set[str]) -> str:
    base = _BAD_SHEET_CHARACTERS.sub(" ", wanted).strip("'")[:31] or "check"
    name, number = base, 2
    while name.lower() in taken:
        suffix = f" ({number})"
        name, number = base[: 31 - len(suffix)] + suffix, number + 1
    taken.add(name.lower())
    return name


def _write(sheet: Any, row: int, values: list[Any]) -> None:
    for column, value in enumerate(values, start=1):
        if isinstance(value, bool):
            value = "yes" if value else "no"
        elif value is None:
            value = ""
        elif not isinstance(value, int | float):
            # a control character (from a legacy export) cannot be stored in a workbook: show it as \x1b
            value = ILLEGAL_CHARACTERS_RE.sub(lambda m: f"\\x{ord(m.group()):02x}", str(value))
        cell = sheet.cell(row=row, column=column, value=neutralise_cell(value))
        if isinstance(value, str):
            cell.data_type = "s"
            cell.number_format = "@"


def _fit(sheet: Any, rows: list[list[Any]]) -> None:
    for index in range(1, max((len(r) for r in rows), default=0) + 1):
        # CJK characters take two columns' width
        width = max(
            (sum(2 if ord(ch) > 0x2E80 else 1 for ch in str(r[index - 1])) for r in rows if len(r) >= index),
            default=8,
        )
        sheet.column_dimensions[get_column_letter(index)].width = min(max(width + 2, 8), 80)


def render_comparison_xlsx(result: ComparisonResult) -> bytes:
    workbook, summary = new_workbook("summary")
    taken = {"summary"}
    verdict = "ACCEPTED" if result.accepted else "NOT ACCEPTED"
    wave = result.wave.get("label", "everything (no wave)")
    header = [["comparison", result.config], ["mode", result.mode], ["generated", result.generated_at],
              ["verdict", verdict], ["wave", wave], []]  # fmt: skip
    for row, values in enumerate(header, start=1):
        _write(summary, row, values)
    table: list[list[Any]] = [["entity", "check", "accepted", "statement", "listed rows", "sheet"]]
    sheets = []
    for check in result.checks:
        name = _sheet_name(check.sheet_name, taken)
        sheets.append((name, check))
        table.append([check.entity, check.title, check.accepted, check.statement, check.rows_total, name])
    start = len(header) + 1
    for offset, values in enumerate(table):
        _write(summary, start + offset, values)
    for cell in summary[start]:
        cell.font = Font(bold=True)
    summary.freeze_panes = f"A{start + 1}"
    _fit(summary, table)

    for name, check in sheets:
        sheet = workbook.create_sheet(name)
        _write(sheet, 1, [check.statement])
        _write(sheet, 3, check.columns)
        for cell in sheet[3]:
            cell.font = Font(bold=True)
        for offset, values in enumerate(check.rows, start=4):
            _write(sheet, offset, values)
        if check.rows_total > len(check.rows):
            _write(
                sheet, 4 + len(check.rows), [f"... {check.rows_total - len(check.rows):,} more not listed"]
            )
        sheet.freeze_panes = "A4"
        if check.columns:
            sheet.auto_filter.ref = f"A3:{get_column_letter(len(check.columns))}{3 + max(len(check.rows), 1)}"
        _fit(sheet, [check.columns, *check.rows[:500]])
    if result.sampled_keys:
        sheet = workbook.create_sheet(_sheet_name("sampled keys", taken))
        key_columns = ["entity", "stratum", "key", "selected_by", "units", "defect", "mismatched_columns"]
        rows: list[list[Any]] = [[k.entity, k.stratum, k.key, k.selected_by, k.units, k.defect, k.mismatched_columns]
                for k in result.sampled_keys]  # fmt: skip
        for offset, values in enumerate([key_columns, *rows], start=1):
            _write(sheet, offset, values)
        sheet.freeze_panes = "A2"
        _fit(sheet, [key_columns, *rows[:500]])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write_comparison_xlsx(result: ComparisonResult, path: Path) -> Path:
    return write_atomically(path, render_comparison_xlsx(result))
