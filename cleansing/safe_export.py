"""Files a steward opens: CSV written atomically, with spreadsheet formula injection neutralised.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a line break is read by Excel,
WPS and LibreOffice as a formula (OWASP "CSV injection"); a source value such as
``=HYPERLINK("http://…")`` would run when the exported file is opened. Every text cell that starts
so gets a leading apostrophe, which spreadsheets show as text. Two kinds of value are left as they
are because no spreadsheet reads them as formulas: numbers in numeric columns, and text that is
a plain signed number (``-12.50``, ``+8613800138000``).

Every CSV the tool writes goes through :func:`write_csv`; an xlsx writer passes each cell through
:func:`neutralise_cell`.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n")
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def neutralise_cell(value: Any) -> Any:
    """``value`` with a leading apostrophe if a spreadsheet would read it as a formula."""
    if not isinstance(value, str) or not value.startswith(FORMULA_PREFIXES):
        return value
    if _PLAIN_NUMBER.fullmatch(value):
        return value
    return "'" + value


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells cannot be read as formulas; numeric columns unchanged."""
    out = frame.copy()
    for column in out.columns:
        series = out[column]
        if pd.api.types.is_numeric_dtype(series) or pd.api.types.is_datetime64_any_dtype(series):
            continue
        text = series.astype("string")
        risky = text.str.startswith(FORMULA_PREFIXES).fillna(False) & ~text.str.fullmatch(
            _PLAIN_NUMBER
        ).fillna(False)
        if risky.any():
            series = series.astype("object")
            series[risky.to_numpy()] = "'" + text[risky]
            out[column] = series
    out.columns = [neutralise_cell(str(c)) for c in out.columns]
    return out


def write_atomically(path: Path, payload: bytes) -> Path:
    """Write ``payload`` to ``path`` through a temporary file in the same folder and a rename.

    A reader (or a run killed half-way) sees the old file or the new one, never half of one.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(payload)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


def write_text_atomically(path: Path, text: str, encoding: str = "utf-8") -> Path:
    """:func:`write_atomically` for text."""
    return write_atomically(path, text.encode(encoding))


def write_csv(frame: pd.DataFrame, path: Path, encoding: str = "utf-8-sig") -> Path:
    """Write ``frame`` as CSV (UTF-8 with a BOM so Excel reads Chinese correctly), formulas neutralised.

    Rows end in CRLF (RFC 4180), which also makes the writer quote every cell holding a carriage
    return: with ``\n`` endings a bare ``\r`` in a cell went out unquoted, spreadsheets and pandas
    split the row there, and the text after it (``=1+1``) became a cell of its own, a live formula.
    """
    text = neutralise_formulas(frame).to_csv(index=False, lineterminator="\r\n")
    return write_atomically(Path(path), text.encode(encoding))
