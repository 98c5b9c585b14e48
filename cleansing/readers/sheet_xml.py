"""Stream cell values straight from a worksheet's XML, several times faster than openpyxl's cell objects.

openpyxl builds a descriptor-checked object per cell; for a 200,000-row export that is most
of the time spent. Sheets written by Excel, WPS and openpyxl put cell attributes in the order
``r``, ``s``, ``t``, so one regular expression per row finds every cell and its value in C.
Values come out exactly as openpyxl's ``iter_rows(values_only=True)`` gives them (shared and
inline strings, numbers, dates by cell style, booleans, error codes, cached formula results).
A sheet in any other shape raises :class:`UnsupportedSheet` and the caller falls back to openpyxl.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator, Sequence
from typing import Any
from xml.sax.saxutils import unescape

from openpyxl.utils import column_index_from_string
from openpyxl.utils.datetime import from_excel

_ROW = re.compile(rb"<(?:\w+:)?row\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?row>)", re.S)
_ROW_NUMBER = re.compile(rb'\br="(\d+)"')
_CELL = re.compile(
    rb'<(?:\w+:)?c r="([A-Z]+)\d+"(?: s="(\d+)")?(?: t="(\w+)")?((?: [^>]*?)?)(?:/>|>(.*?)</(?:\w+:)?c>)',
    re.S,
)
_CELL_TAG = re.compile(rb"<(?:\w+:)?c[ >/]")
_VALUE = re.compile(rb"<(?:\w+:)?v>(.*?)</(?:\w+:)?v>", re.S)
_TEXT = re.compile(rb"<(?:\w+:)?t(?: [^>]*)?>(.*?)</(?:\w+:)?t>|<(?:\w+:)?t(?: [^>]*)?/>", re.S)
_PHONETIC = re.compile(rb"<(?:\w+:)?rPh\b.*?</(?:\w+:)?rPh>", re.S)
_ENTITIES = {"&quot;": '"', "&apos;": "'"}
_CHUNK = 4 << 20


class UnsupportedSheet(Exception):
    """The sheet XML is not in the shape the fast path understands; read it with openpyxl."""


def iter_sheet_rows(
    archive: zipfile.ZipFile,
    member: str,
    shared_strings: Sequence[str],
    date_styles: set[int],
    epoch: Any,
    min_row: int = 1,
    max_row: int | None = None,
) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """Yield ``(row_number, values)`` for each row present in the sheet, in order."""
    columns: dict[bytes, int] = {}
    for row_number, body in _rows(archive, member):
        if row_number < min_row:
            continue
        if max_row is not None and row_number > max_row:
            return
        if not body:
            yield row_number, ()
            continue
        cells = _CELL.findall(body)
        if len(cells) != len(_CELL_TAG.findall(body)):
            raise UnsupportedSheet(f"row {row_number}: cell attributes in an unexpected order")
        values: list[Any] = []
        for letters, style, kind, rest, inner in cells:
            if b" t=" in rest or b" s=" in rest:
                raise UnsupportedSheet(f"row {row_number}: cell attributes in an unexpected order")
            index = columns.get(letters)
            if index is None:
                index = columns[letters] = column_index_from_string(letters.decode()) - 1
            if index >= len(values):
                values.extend([None] * (index + 1 - len(values)))
            values[index] = _value(inner, kind, style, shared_strings, date_styles, epoch)
        yield row_number, tuple(values)


def _rows(archive: zipfile.ZipFile, member: str) -> Iterator[tuple[int, bytes]]:
    carry = b""
    expected = 1
    with archive.open(member) as source:
        while True:
            chunk = source.read(_CHUNK)
            data = carry + chunk
            end = data.rfind(b"</row>") + len(b"</row>") if chunk else len(data)
            if chunk and end < len(b"</row>"):
                carry = data
                continue
            for match in _ROW.finditer(data, 0, end):
                number = _ROW_NUMBER.search(match.group(1))
                row_number = int(number.group(1)) if number else expected
                expected = row_number + 1
                yield row_number, match.group(2) or b""
            carry = data[end:]
            if not chunk:
                return


def _value(
    inner: bytes, kind: bytes, style: bytes, shared: Sequence[str], date_styles: set[int], epoch: Any
) -> Any:
    if kind == b"inlineStr":
        if inner.startswith(b"<is><t>") and inner.endswith(b"</t></is>") and inner.count(b"<t", 7) == 0:
            return _decode(inner[7:-9])  # the common case: one plain text run
        return _text(_PHONETIC.sub(b"", inner) if b"rPh" in inner else inner)
    found = _VALUE.search(inner) if inner else None
    if found is None:
        return None
    raw = found.group(1)
    if kind == b"s":
        return shared[int(raw)]
    if kind in (b"str", b"e"):
        return _decode(raw)
    if kind == b"b":
        return raw == b"1"
    if kind == b"d":
        return _decode(raw)
    try:
        number: int | float = float(raw) if (b"." in raw or b"E" in raw or b"e" in raw) else int(raw)
    except ValueError:
        raise UnsupportedSheet(f"cell value {raw[:40]!r} is not a number") from None
    if style and int(style) in date_styles:
        return from_excel(number, epoch)
    return number


def _text(inner: bytes) -> str | None:
    parts = [m.group(1) or b"" for m in _TEXT.finditer(inner)]
    return _decode(b"".join(parts)) if parts else None


def _decode(raw: bytes) -> str:
    text = raw.decode("utf-8")
    return unescape(text, _ENTITIES) if "&" in text else text
