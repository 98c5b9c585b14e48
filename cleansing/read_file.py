"""Read one CSV or xlsx a user hands to a command, through the same readers ingest uses.

``dedupe`` and ``validate`` take a file without a mapping. They still go through
:mod:`cleansing.readers`, so the same guards apply (zip bombs, oversized files, PDFs renamed
``.xlsx``, NUL bytes, encodings) with the same messages, and then a command-level check that no
row was lost: a row the reader could not split and a cell longer than Excel allows are refused
with the row and column, because a command without a quarantine must not drop them silently.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from cleansing.ingest import MAX_CELL_CHARS, cell_lengths
from cleansing.readers import RawTable, get_reader
from cleansing.readers.checks import FileLimits
from foundation.errors import UserError

FORMATS_BY_SUFFIX: dict[str, str] = {
    ".xlsx": "xlsx",
    ".xlsm": "xlsm",
    ".csv": "csv",
    ".txt": "csv",
    ".tsv": "tsv",
}
HEADER_SEARCH_LINES = 20
"""How far down a CSV to look for the header row (exports often start with a title line)."""


def read_text_table(
    path: Path,
    limits: FileLimits | None = None,
    sheet: str | None = None,
    expected_columns: Sequence[str] = (),
) -> RawTable:
    """Read ``path`` (CSV/TSV in any common encoding, or xlsx) into an all-text table.

    The header is the line (CSV) among the first few naming the most ``expected_columns``, or
    the row the xlsx reader detects under any title rows. Raises :class:`UserError` naming the
    file (and row and column) when it cannot be read, or when a row would be lost.
    """
    fmt = FORMATS_BY_SUFFIX.get(path.suffix.lower())
    if fmt is None:
        raise UserError(f"{path}: unsupported file type '{path.suffix}'; use .csv or .xlsx")
    options: dict[str, object] = {
        "format": fmt,
        "limits": limits or FileLimits(),
        "keep_columns": list(expected_columns),
    }
    if fmt in ("xlsx", "xlsm"):
        if sheet:
            options["sheet"] = sheet
    else:
        if sheet:
            raise UserError(f"{path}: --sheet only applies to xlsx files")
        options["header_row"] = _csv_header_row(path, expected_columns)
    table = get_reader(fmt).read(path, options)
    refuse_lost_rows(path, table)
    return table


def refuse_lost_rows(path: Path, table: RawTable) -> None:
    """Refuse a table with a row the reader rejected or a cell over :data:`MAX_CELL_CHARS`."""
    if table.rejected:
        first = table.rejected[0]
        more = f" ({len(table.rejected):,} such rows in all)" if len(table.rejected) > 1 else ""
        where = "" if str(first.source_row) in first.reason else f"row {first.source_row}: "
        raise UserError(f"{path}: {where}{first.reason}{more}; fix those rows and run again")
    for column in table.frame.columns:
        lengths = cell_lengths(table, column)
        if lengths is None:
            return  # the reader knows no line (so no cell) is that long
        too_long = np.flatnonzero(lengths > MAX_CELL_CHARS)
        if len(too_long):
            at = int(too_long[0])
            raise UserError(
                f"{path}: row {int(table.source_rows[at])}: column '{column}' holds {int(lengths[at]):,} "
                f"characters, more than the {MAX_CELL_CHARS:,} a cell may hold; fix the export"
            )


def table_to_frame(table: RawTable) -> pd.DataFrame:
    """The table's cells as a frame of strings, blank cells as ``""``; ``attrs['source_rows']`` holds row numbers."""
    frame = table.frame.astype(object).where(table.frame.notna(), "")
    frame.columns = [str(c) for c in frame.columns]
    frame.attrs["source_rows"] = table.source_rows
    return frame


def _csv_header_row(path: Path, expected_columns: Sequence[str]) -> int:
    """The 1-based line among the first few naming the most expected columns (1 when none does)."""
    if not expected_columns or not path.is_file():
        return 1
    with path.open("rb") as handle:
        head = b"".join(handle.readline(64 * 1024) for _ in range(HEADER_SEARCH_LINES))
    for codec in ("utf-8-sig", "gb18030"):
        try:
            text = head.decode(codec)
            break
        except UnicodeDecodeError:
            continue
    else:
        return 1
    expected = set(expected_columns)
    best_line, best_hits = 1, 0
    try:
        for number, row in enumerate(csv.reader(io.StringIO(text)), start=1):
            hits = len(expected & {cell.strip() for cell in row})
            if hits > best_hits:
                best_line, best_hits = number, hits
    except csv.Error:
        return best_line
    return best_line
