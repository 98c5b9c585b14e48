"""Excel workbooks kept by people: title rows, merged group headers, hidden helpers, damaged IDs.

Cells stream through openpyxl in ``read_only`` mode (cached values of formulas, never the
formula). Read-only mode does not expose merged ranges or hidden rows and columns, so those
are scanned straight from the sheet XML in the zip, chunk by chunk. Numbers come back as the
text a person would have typed, flagged ``numeric`` so ID damage can be detected later; date
cells become ISO dates; Excel error values (``#N/A``) are flagged ``excel_error``.
Legacy ``.xls`` goes through ``xlrd`` when it is installed.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import zipfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from difflib import get_close_matches
from pathlib import Path
from typing import Any
from xml.sax.saxutils import unescape as xml_unescape

import numpy as np
import pandas as pd
from openpyxl.utils import column_index_from_string, get_column_letter
from pydantic import BaseModel, ConfigDict

from cleansing.readers.base import RawTable, SourceReader, make_table, number_to_text
from cleansing.readers.checks import FileLimits, check_size, check_workbook
from cleansing.readers.sheet_xml import UnsupportedSheet, iter_sheet_rows
from foundation.errors import UserError

EXCEL_ERRORS = frozenset(
    {"#N/A", "#REF!", "#DIV/0!", "#VALUE!", "#NAME?", "#NUM!", "#NULL!", "#GETTING_DATA", "#SPILL!", "#CALC!"}
)
_HEADER_SCAN_ROWS = 30
_ROW_TAG = re.compile(rb"<(?:\w+:)?row\b([^>]*)>")
_COL_TAG = re.compile(rb"<(?:\w+:)?col\b([^>]*)>")
_MERGE_TAG = re.compile(rb"<(?:\w+:)?mergeCell\b[^>]*?ref=\"([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?\"")
_ATTR = re.compile(rb'(\w+)="([^"]*)"')
_ANY_CELL = re.compile(rb'<(?:\w+:)?c r="([A-Z]+)(\d+)"[^>]*?(?:/>|>(.*?)</(?:\w+:)?c>)', re.S)
_FORMULA = re.compile(rb"<(?:\w+:)?f\b[^>]*?(?:/>|>(.*?)</(?:\w+:)?f>)", re.S)
_CACHED_VALUE = re.compile(rb"<(?:\w+:)?v>[^<]")


class XlsxOptions(BaseModel):
    """Reader options for ``format: xlsx`` / ``format: xls``."""

    model_config = ConfigDict(extra="forbid")
    sheet: str | int | None = None
    """Sheet name, or 0-based index; default the first sheet."""
    sheet_pattern: str | None = None
    """Regular expression: read every sheet whose name matches (e.g. one sheet per region)."""
    header_row: int | None = None
    """1-based header row; by default detected under any title and group-header rows."""
    header_contains: list[str] = []
    """Header names that identify the header row when detecting it."""


@dataclass
class SheetLayout:
    """What read-only mode cannot see: hidden rows and columns, merged ranges."""

    hidden_rows: set[int] = field(default_factory=set)
    hidden_columns: set[int] = field(default_factory=set)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)
    """(min_col, min_row, max_col, max_row), 1-based."""
    uncached_formulas: dict[tuple[int, int], str] = field(default_factory=dict)
    """(row, column) → formula of cells that hold a formula but no saved value (a workbook written by a
    program and never opened and saved in Excel): their value is unknown, not blank."""


class XlsxReader(SourceReader):
    format_names = ("xlsx", "xlsm", "xls")

    def validate_options(self, options: Mapping[str, Any]) -> dict[str, Any]:
        return XlsxOptions(**options).model_dump()

    def read(self, path: Path, options: Mapping[str, Any]) -> RawTable:
        opts = XlsxOptions(**{k: v for k, v in options.items() if k in XlsxOptions.model_fields})
        limits: FileLimits = options.get("limits") or FileLimits()
        keep = set(options.get("keep_columns") or ())
        if path.suffix.lower() == ".xls":
            check_size(path, limits)
            sheets = _xls_sheets(path)
        else:
            check_workbook(path, limits)
            sheets = _xlsx_sheets(path)
        try:
            selected = _select_sheets(path, opts, [name for name, _ in sheets])
            tables = [
                _read_sheet(path, name, open_sheet(), opts, keep)
                for name, open_sheet in sheets
                if name in selected
            ]
        except UserError:
            raise
        except Exception as exc:  # openpyxl/xlrd raise many types on damaged XML
            raise UserError(
                f"{path}: workbook cannot be read ({type(exc).__name__}: {exc}); re-save it in Excel"
            ) from None
        return _concat(tables)


def _xlsx_sheets(path: Path) -> list[tuple[str, Any]]:
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:
        raise UserError(
            f"{path}: workbook cannot be opened ({type(exc).__name__}: {exc}); re-save it in Excel"
        ) from None

    def opener(ws: Any) -> Any:
        def open_sheet() -> tuple[Any, SheetLayout, Any]:
            # the zip archive a read-only workbook keeps open: openpyxl exposes no public way to it
            layout = _scan_layout(workbook._archive, ws._worksheet_path)  # type: ignore[attr-defined]
            return _XlsxSheet(workbook, ws), layout, ws.sheet_state

        return open_sheet

    return [(ws.title, opener(ws)) for ws in workbook.worksheets]


class _XlsxSheet:
    """Rows of an xlsx sheet: the fast XML path, or openpyxl's cells when the XML is unusual."""

    def __init__(self, workbook: Any, ws: Any) -> None:
        self.workbook, self.ws = workbook, ws
        self.fast = True

    def numbered_rows(
        self, min_row: int = 1, max_row: int | None = None
    ) -> Iterator[tuple[int, tuple[Any, ...]]]:
        if self.fast:
            try:
                yield from iter_sheet_rows(
                    self.workbook._archive,
                    self.ws._worksheet_path,
                    self.workbook.shared_strings,
                    set(self.workbook._date_formats),
                    self.workbook.epoch,
                    min_row,
                    max_row,
                )
                return
            except UnsupportedSheet:
                self.fast = False
                raise
        rows = self.ws.iter_rows(min_row=min_row, max_row=max_row, values_only=True)
        yield from enumerate(rows, start=min_row)


def _xls_sheets(path: Path) -> list[tuple[str, Any]]:
    try:
        import xlrd
    except ImportError:
        raise UserError(
            f"{path}: legacy .xls workbooks need the xlrd package, which is not installed; "
            "open the file in Excel and save it as .xlsx"
        ) from None
    try:
        book = xlrd.open_workbook(str(path), formatting_info=False, on_demand=True)
    except Exception as exc:
        raise UserError(
            f"{path}: .xls workbook cannot be opened ({exc}); open it in Excel and save it as .xlsx"
        ) from None

    def opener(index: int) -> Any:
        def open_sheet() -> tuple[Any, SheetLayout, str]:
            return _XlsSheet(book, book.sheet_by_index(index)), SheetLayout(), "visible"

        return open_sheet

    return [(name, opener(i)) for i, name in enumerate(book.sheet_names())]


class _XlsSheet:
    """Adapter giving an xlrd sheet the ``numbered_rows`` shape of the xlsx sheets."""

    def __init__(self, book: Any, sheet: Any) -> None:
        self.book, self.sheet = book, sheet

    def numbered_rows(
        self, min_row: int = 1, max_row: int | None = None
    ) -> Iterator[tuple[int, tuple[Any, ...]]]:
        import xlrd

        last = self.sheet.nrows if max_row is None else min(max_row, self.sheet.nrows)
        for r in range(min_row - 1, last):
            values = []
            for cell in self.sheet.row(r):
                if cell.ctype == xlrd.XL_CELL_DATE:
                    values.append(xlrd.xldate.xldate_as_datetime(cell.value, self.book.datemode))
                elif cell.ctype == xlrd.XL_CELL_ERROR:
                    values.append(xlrd.error_text_from_code.get(cell.value, "#N/A"))
                elif cell.ctype == xlrd.XL_CELL_BOOLEAN:
                    values.append(bool(cell.value))
                elif cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                    values.append(None)
                else:
                    values.append(cell.value)
            yield r + 1, tuple(values)


def _select_sheets(path: Path, opts: XlsxOptions, names: list[str]) -> list[str]:
    if opts.sheet_pattern:
        pattern = re.compile(opts.sheet_pattern)
        chosen = [n for n in names if pattern.search(n)]
        if not chosen:
            raise UserError(
                f"{path}: no sheet matches sheet_pattern {opts.sheet_pattern!r}; sheets: {', '.join(names)}"
            )
        return chosen
    if opts.sheet is None:
        return names[:1]
    if isinstance(opts.sheet, int):
        if not 0 <= opts.sheet < len(names):
            raise UserError(
                f"{path}: sheet index {opts.sheet} is out of range; the workbook has {len(names)} sheets"
            )
        return [names[opts.sheet]]
    if opts.sheet not in names:
        close = get_close_matches(opts.sheet, names, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise UserError(f"{path}: no sheet named {opts.sheet!r}{hint} Sheets: {', '.join(names)}")
    return [opts.sheet]


def _scan_layout(archive: zipfile.ZipFile, member: str) -> SheetLayout:
    """Find hidden rows/columns and merged ranges by scanning the sheet XML in 1 MB chunks."""
    layout = SheetLayout()
    carry = b""
    with archive.open(member) as source:
        while True:
            chunk = source.read(1 << 20)
            data = carry + chunk
            cut = data.rfind(b"<") if chunk else len(data)
            cut = len(data) if cut <= 0 else cut
            _scan_chunk(data[:cut], layout)
            carry = data[cut:]
            if not chunk:
                break
    return layout


def _scan_chunk(data: bytes, layout: SheetLayout) -> None:
    if b"hidden" in data:
        for match in _ROW_TAG.finditer(data):
            attrs = dict(_ATTR.findall(match.group(1)))
            if attrs.get(b"hidden") in (b"1", b"true") and b"r" in attrs:
                layout.hidden_rows.add(int(attrs[b"r"]))
        for match in _COL_TAG.finditer(data):
            attrs = dict(_ATTR.findall(match.group(1)))
            if attrs.get(b"hidden") in (b"1", b"true"):
                layout.hidden_columns.update(range(int(attrs[b"min"]), int(attrs[b"max"]) + 1))
    if b"<f" in data or b":f" in data:
        for letters, row, inner in _ANY_CELL.findall(data):
            formula = _FORMULA.search(inner) if inner else None
            if formula is not None and not _CACHED_VALUE.search(inner):
                text = xml_unescape((formula.group(1) or b"").decode("utf-8", "replace"))
                layout.uncached_formulas[(int(row), column_index_from_string(letters.decode()))] = text
    if b"mergeCell" in data:
        for c1, r1, c2, r2 in _MERGE_TAG.findall(data):
            first_col, first_row = column_index_from_string(c1.decode()), int(r1)
            last_col = column_index_from_string(c2.decode()) if c2 else first_col
            layout.merges.append((first_col, first_row, last_col, int(r2) if r2 else first_row))


def _find_header_row(path: Path, sheet: str, rows: list[tuple[Any, ...]], opts: XlsxOptions) -> int:
    """Return the 1-based header row: the first row as wide as the widest, all text (or matching hints)."""
    if opts.header_row:
        return opts.header_row
    texts = [[str(v).strip() for v in row if v is not None and str(v).strip()] for row in rows]
    if opts.header_contains:
        for number, cells in enumerate(texts, start=1):
            if all(name in cells for name in opts.header_contains):
                return number
        raise UserError(
            f"{path}: sheet {sheet!r} has no row containing {', '.join(opts.header_contains)} "
            f"in its first {_HEADER_SCAN_ROWS} rows; check header_contains in the mapping"
        )
    widest = max((len(c) for c in texts), default=0)
    if widest == 0:
        raise UserError(f"{path}: sheet {sheet!r} is empty")
    for number, (row, cells) in enumerate(zip(rows, texts, strict=True), start=1):
        all_text = all(isinstance(v, str) for v in row if v is not None)
        if len(cells) >= max(1, math.ceil(0.8 * widest)) and all_text:
            return number
    return 1


def _header_names(
    path: Path, rows: list[tuple[Any, ...]], header_row: int, layout: SheetLayout
) -> tuple[list[str], dict[str, str], dict[int, str]]:
    """Header names, filling cells under a vertical merge and qualifying duplicates by group header."""
    header = list(rows[header_row - 1])
    while header and (header[-1] is None or str(header[-1]).strip() == ""):
        header.pop()
    groups: dict[int, str] = {}
    group_rows: dict[int, int] = {}
    for c1, r1, c2, r2 in layout.merges:
        top = rows[r1 - 1] if r1 - 1 < len(rows) else ()
        label = str(top[c1 - 1]).strip() if c1 - 1 < len(top) and top[c1 - 1] is not None else ""
        if r1 < header_row <= r2:
            for col in range(c1, min(c2, len(header)) + 1):
                if header[col - 1] in (None, ""):
                    header[col - 1] = label
        elif r2 < header_row and label:
            for col in range(c1, c2 + 1):
                if col not in group_rows or group_rows[col] < r2:  # the group row nearest the header wins
                    groups[col], group_rows[col] = label, r2
    names = [
        str(v).strip() if v is not None and str(v).strip() else f"column {get_column_letter(i)}"
        for i, v in enumerate(header, 1)
    ]
    counts = pd.Series(names).value_counts()
    ambiguous: dict[str, str] = {}
    for position, name in enumerate(list(names), start=1):
        if counts[name] > 1 and position in groups:
            names[position - 1] = f"{groups[position]}/{name}"
    final_counts = pd.Series(names).value_counts() if names else pd.Series(dtype=int)
    seen: dict[str, int] = {}
    for position, name in enumerate(list(names), start=1):
        if final_counts[name] > 1:
            letters = [get_column_letter(i) for i, n in enumerate(names, 1) if n == name]
            ambiguous[name] = (
                f"column name {name!r} appears {len(letters)} times (columns {', '.join(letters)})"
            )
            seen[name] = seen.get(name, 0) + 1
            if seen[name] > 1:
                names[position - 1] = f"{name} ({seen[name]})"
    return names, ambiguous, groups


def _read_sheet(
    path: Path, sheet: str, opened: tuple[Any, SheetLayout, str], opts: XlsxOptions, keep: set[str]
) -> RawTable:
    source, layout, state = opened
    try:
        return _read_rows(path, sheet, source, layout, state, opts, keep)
    except UnsupportedSheet:
        return _read_rows(path, sheet, source, layout, state, opts, keep)


def _read_rows(
    path: Path, sheet: str, source: Any, layout: SheetLayout, state: str, opts: XlsxOptions, keep: set[str]
) -> RawTable:
    top: list[tuple[Any, ...]] = [()] * _HEADER_SCAN_ROWS
    for number, row in source.numbered_rows(1, _HEADER_SCAN_ROWS):
        top[number - 1] = row
    if not any(any(v is not None for v in row) for row in top):
        raise UserError(f"{path}: sheet {sheet!r} is empty")
    header_row = _find_header_row(path, sheet, top, opts)
    names, ambiguous, _groups = _header_names(path, top, header_row, layout)
    width = len(names)
    values, numbers = _data_rows(source.numbered_rows(header_row + 1), width)
    table = _to_table(values, numbers, names, sheet)
    table.ambiguous_columns = ambiguous
    if state != "visible":
        table.notes.append(f"sheet {sheet!r} is {state}")
    if header_row > 1:
        table.notes.append(
            f"sheet {sheet!r}: header on row {header_row}, {header_row - 1} title/group row(s) above it skipped"
        )
    hidden_cols = sorted(c for c in layout.hidden_columns if c <= width)
    drop = [names[c - 1] for c in hidden_cols if names[c - 1] not in keep]
    for c in hidden_cols:
        action = "dropped" if names[c - 1] in drop else "kept (mapped)"
        table.notes.append(f"sheet {sheet!r}: hidden column {get_column_letter(c)} {names[c - 1]!r} {action}")
    if drop:
        table.frame = table.frame.drop(columns=drop)
        for by_column in table.cell_flags.values():
            for name in drop:
                by_column.pop(name, None)
    _flag_uncached_formulas(table, layout, names, sheet)
    if layout.hidden_rows:
        mask = np.isin(table.source_rows, sorted(layout.hidden_rows))
        if mask.any():
            table.cell_flags.setdefault("hidden_row", {})[""] = mask
            table.notes.append(f"sheet {sheet!r}: {int(mask.sum()):,} hidden row(s) kept and flagged")
    return table


def _flag_uncached_formulas(table: RawTable, layout: SheetLayout, names: list[str], sheet: str) -> None:
    """Flag ``uncached_formula`` cells (value unknown) so ingest quarantines them with the reason."""
    if not layout.uncached_formulas:
        return
    position = {int(row): i for i, row in enumerate(table.source_rows)}
    flagged = 0
    for (row, column), formula in layout.uncached_formulas.items():
        if row in position and column <= len(names) and names[column - 1] in table.frame.columns:
            mask = table.cell_flags.setdefault("uncached_formula", {}).setdefault(
                names[column - 1], np.zeros(len(table.frame), dtype=bool)
            )
            mask[position[row]] = True
            cells = table.uncached_formulas.setdefault(names[column - 1], {})
            cells[position[row]] = _describe_formula_cell(row, column, formula)
            flagged += 1
    if flagged:
        (row, column), formula = next(iter(layout.uncached_formulas.items()))
        example = _describe_formula_cell(row, column, formula)
        table.notes.append(
            f"sheet {sheet!r}: {flagged:,} formula cell(s) have no saved value (e.g. {example}); "
            "open the workbook in Excel or WPS and save it, so the values are stored"
        )


def _describe_formula_cell(row: int, column: int, formula: str) -> str:
    """``B3 =SUM(B1:B2)``: the cell and its formula, as a steward finds them in Excel."""
    return f"{get_column_letter(column)}{row}" + (f" ={formula}" if formula else " (a shared formula)")


def _data_rows(
    rows: Iterable[tuple[int, tuple[Any, ...]]], width: int
) -> tuple[list[tuple[Any, ...]], list[int]]:
    """Keep non-blank rows cut or padded to the header width, with their 1-based row numbers."""
    values: list[tuple[Any, ...]] = []
    numbers: list[int] = []
    pad = (None,) * width
    for number, row in rows:
        cells = row[:width] if len(row) >= width else tuple(row) + pad[: width - len(row)]
        if any(v is not None and v != "" for v in cells):
            values.append(cells)
            numbers.append(number)
    return values, numbers


def _to_table(values: list[tuple[Any, ...]], numbers: list[int], names: list[str], sheet: str) -> RawTable:
    columns = list(zip(*values, strict=True)) if values else [() for _ in names]
    text_columns: dict[str, list[Any]] = {}
    flags: dict[str, dict[str, np.ndarray]] = {}
    for name, column in zip(names, columns, strict=True):
        text, column_flags = _column_to_text(column)
        text_columns[name] = text
        for flag, mask in column_flags.items():
            flags.setdefault(flag, {})[name] = mask
    table = make_table(text_columns, numbers, sheet)
    table.cell_flags = flags
    return table


def _column_to_text(column: tuple[Any, ...]) -> tuple[list[Any], dict[str, np.ndarray]]:
    kinds = set(map(type, column))
    flags: dict[str, np.ndarray] = {}
    if kinds <= {str, type(None)}:
        text = [v if v else None for v in column]
        if not EXCEL_ERRORS.isdisjoint(column):
            flags["excel_error"] = np.fromiter(
                (v in EXCEL_ERRORS for v in column), dtype=bool, count=len(column)
            )
        return text, flags
    numeric = np.zeros(len(column), dtype=bool)
    dates = np.zeros(len(column), dtype=bool)
    text = []
    for i, value in enumerate(column):
        if value is None or isinstance(value, str):
            text.append(value or None)
        elif isinstance(value, bool):
            text.append("TRUE" if value else "FALSE")
        elif isinstance(value, int | float):
            numeric[i] = True
            text.append(number_to_text(value))
        elif isinstance(value, dt.datetime):
            dates[i] = True
            has_time = value.time() != dt.time(0)
            text.append(
                value.isoformat(sep=" ", timespec="seconds") if has_time else value.date().isoformat()
            )
        elif isinstance(value, dt.date | dt.time):
            dates[i] = True
            text.append(value.isoformat())
        else:
            text.append(str(value))
    if numeric.any():
        flags["numeric"] = numeric
    if dates.any():
        flags["date"] = dates
    if not EXCEL_ERRORS.isdisjoint(v for v in column if isinstance(v, str)):
        flags["excel_error"] = np.fromiter(
            (isinstance(v, str) and v in EXCEL_ERRORS for v in column), dtype=bool, count=len(column)
        )
    return text, flags


def _concat(tables: list[RawTable]) -> RawTable:
    if len(tables) == 1:
        return tables[0]
    frame = pd.concat([t.frame for t in tables], ignore_index=True, sort=False).astype(object)
    frame = frame.where(frame.notna(), None)
    merged = RawTable(
        frame=frame,
        source_rows=np.concatenate([t.source_rows for t in tables]),
        source_sheets=np.concatenate([t.source_sheets for t in tables]),
    )
    offsets = np.cumsum([0] + [len(t.frame) for t in tables])
    for table, start in zip(tables, offsets, strict=False):
        for flag, by_column in table.cell_flags.items():
            for column, mask in by_column.items():
                full = merged.cell_flags.setdefault(flag, {}).setdefault(
                    column, np.zeros(len(frame), dtype=bool)
                )
                full[start : start + len(mask)] = mask
        merged.notes.extend(table.notes)
        merged.ambiguous_columns.update(table.ambiguous_columns)
        merged.rejected.extend(table.rejected)
    return merged
