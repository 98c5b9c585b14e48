"""Rows as PostgreSQL ``COPY … FROM STDIN`` reads them in its text format, built column by column.

Text format needs no quoting: a field is its value with backslash, tab, newline and carriage return
escaped, and NULL is ``\\N`` (a real value ``\\N`` is escaped to ``\\\\N``, so the two never meet).
Each column is checked for those characters in one pass over its joined text and escaped only when
it holds one; typed values are turned into text once per distinct value. The rows are then joined
by C-level ``str.join`` calls, never by a Python loop per row. Large writes are built in pieces, so
the database can ingest one while the next is built.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from migration.convert import per_distinct_value

COPY_NULL = "\\N"
"""How a NULL is written in COPY's text format."""

_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
_SPECIAL = ("\\", "\t", "\n", "\r")


COPY_ROWS = 10_000
"""Rows per piece of COPY text: small enough that the server ingests one piece while the next is built."""


def copy_text_pieces(columns: list[list[Any]], rows: int | None = None) -> Iterator[str]:
    """The rows as COPY text in pieces of ``rows`` rows (``COPY_ROWS``), each built when it is asked for."""
    count = len(columns[0]) if columns else 0
    rows = rows or COPY_ROWS
    for start in range(0, count, rows):
        yield copy_text([values[start : start + rows] for values in columns])


def copy_text(columns: list[list[Any]]) -> str:
    """The rows (given column by column, every list as long) as COPY text, one line per row."""
    if not columns or not columns[0]:
        return ""
    fields = [copy_column(values) for values in columns]
    return "\n".join(map("\t".join, zip(*fields, strict=True))) + "\n"


def copy_column(values: list[Any]) -> list[str]:
    """One column as COPY fields: text escaped where needed, other types as PostgreSQL reads them."""
    texts: list[Any] = values
    try:
        joined = "".join(values)  # only text joins: the fast check that the column is all text
    except TypeError:
        texts = per_distinct_value(values, _copy_value, blank=None)
        joined = "".join(filter(None, texts))
    if any(special in joined for special in _SPECIAL):
        texts = _escaped(texts)
    return [COPY_NULL if v is None else v for v in texts] if None in texts else texts


def _escaped(values: list[str | None]) -> list[Any]:
    return [None if v is None else v.translate(_ESCAPES) for v in values]


def _copy_value(value: Any) -> str:
    """A typed value as COPY reads it (``None`` never reaches here)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)
