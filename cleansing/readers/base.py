"""The one contract every source reader fills: a file in, a table of text cells out.

A reader never guesses types. Every cell comes back as text (or ``None`` when blank) so that
codes, phones and USCCs keep their exact characters; type coercion happens later, per canonical
column, where the mapping says what each column is. What the reader saw along the way (a cell
that was a number in Excel, an ``#N/A`` error cell, a hidden row) travels with the table as
cell flags and notes, and rows it could not read at all come back as rejected rows with a reason,
so that every input row is accounted for.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

CELL_FLAG_NOTES: dict[str, str] = {
    "numeric": "was numeric in the source (converted back to text)",
    "date": "was a date cell (converted to ISO date)",
    "excel_error": "was an Excel error value",
    "hidden_row": "row is hidden in the workbook",
    "duplicate_key": "the key appears more than once in the JSON object, with the same value",
    "uncached_formula": "holds a formula with no saved value (value unknown)",
}
"""Cell flags a reader may set, with the note a steward reads."""


@dataclass(frozen=True)
class RejectedRow:
    """A row the reader could not turn into cells (a line that is not JSON, a ragged CSV row)."""

    source_row: int
    reason_code: str
    reason: str
    original: str
    source_sheet: str = ""
    column: str = ""


@dataclass
class RawTable:
    """All-text cells read from one source file, with where each row came from.

    ``frame`` holds only ``str`` or ``None`` cells (object dtype). ``source_rows`` is the 1-based
    row (or line) number of each frame row in the original file, counting title and header rows.
    ``cell_flags`` maps a flag name (see :data:`CELL_FLAG_NOTES`) to ``{column: boolean mask}``.
    """

    frame: pd.DataFrame
    source_rows: np.ndarray
    source_sheets: np.ndarray
    cell_flags: dict[str, dict[str, np.ndarray]] = field(default_factory=dict)
    rejected: list[RejectedRow] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    uncached_formulas: dict[str, dict[int, str]] = field(default_factory=dict)
    """column → {frame position: ``B3 =SUM(B1:B2)``} for cells holding a formula with no saved value,
    so the quarantine reason can name the cell and the formula."""
    ambiguous_columns: dict[str, str] = field(default_factory=dict)
    """Header names that cannot be mapped safely (duplicates), with the reason."""
    longest_line: int | None = None
    """Longest physical line in bytes, when the reader knows it (lets ingest skip the cell-length check)."""
    cells_trimmed: bool = False
    """True when the reader knows no cell has leading or trailing whitespace (lets ingest skip a strip)."""
    file_hash: str | None = None
    """SHA-256 (hex) of the file, when the reader had all its bytes in hand (saves reading it again)."""

    @property
    def rows_in(self) -> int:
        """Rows the file holds: rows read plus rows rejected by the reader."""
        return len(self.frame) + len(self.rejected)

    @property
    def sheet(self) -> str:
        """The sheet name when the table comes from one sheet, else the names joined with ``,``."""
        names = list(dict.fromkeys(self.source_sheets.tolist())) if len(self.source_sheets) else []
        return ",".join(str(n) for n in names)

    def flag_mask(self, flag: str, column: str) -> np.ndarray | None:
        """Return the boolean mask of ``flag`` for ``column``, or ``None`` when no cell has it."""
        return self.cell_flags.get(flag, {}).get(column)

    def cell_notes(self) -> Iterator[tuple[int, str, str]]:
        """Yield ``(source_row, column, note)`` for every flagged cell, e.g. "was numeric in Excel"."""
        for flag, by_column in self.cell_flags.items():
            for column, mask in by_column.items():
                for position in np.flatnonzero(mask):
                    yield int(self.source_rows[position]), column, CELL_FLAG_NOTES.get(flag, flag)


def make_table(
    columns: Mapping[str, list[Any]] | pd.DataFrame,
    source_rows: Any,
    sheet: str | Any = "",
) -> RawTable:
    """Build a :class:`RawTable` from text columns, one sheet name or one name per row."""
    frame = columns if isinstance(columns, pd.DataFrame) else pd.DataFrame(dict(columns), dtype=object)
    rows = np.asarray(source_rows, dtype=np.int64)
    sheets = (
        np.full(len(rows), sheet, dtype=object) if isinstance(sheet, str) else np.asarray(sheet, dtype=object)
    )
    return RawTable(frame=frame.reset_index(drop=True), source_rows=rows, source_sheets=sheets)


def scalar_to_text(value: Any, other: Callable[[Any], str]) -> str | None:
    """A driver or JSON value as cell text: blank → None, booleans as true/false, numbers as typed;
    ``other`` writes every other type (dates from a database, objects from JSON)."""
    if value is None:
        return None
    if isinstance(value, str):
        return value or None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return number_to_text(value)
    return other(value)


def number_to_text(value: int | float) -> str:
    """Write a number read from a spreadsheet or JSON the way a person would type it.

    ``13800138000.0`` → ``13800138000``; ``9.14403001922038e+17`` → ``914403001922038000`` (the
    digits Excel kept: the damage stays visible instead of turning into float noise ``...8016``).
    """
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if value != value or value in (float("inf"), float("-inf")):
        return str(value)
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    text = format(Decimal(repr(value)), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


class SourceReader(ABC):
    """Reads one file format into a :class:`RawTable`.

    ``options`` are the reader options from the source mapping (already validated by
    :meth:`validate_options`) plus ``keep_columns``: the source columns the mapping uses, so
    a reader can keep hidden spreadsheet columns that are mapped and drop the rest.
    Bad input raises :class:`foundation.errors.UserError` naming the file and the problem.
    """

    format_names: tuple[str, ...] = ()

    @abstractmethod
    def read(self, path: Path, options: Mapping[str, Any]) -> RawTable:
        """Read ``path`` into an all-text table."""

    def validate_options(self, options: Mapping[str, Any]) -> dict[str, Any]:
        """Check the reader options of a mapping; return them with defaults filled in."""
        return dict(options)
