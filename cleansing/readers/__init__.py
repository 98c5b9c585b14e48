"""Source readers: one module per file format, all filling :class:`SourceReader`.

``get_reader(format)`` returns the reader a mapping's ``format:`` names.
"""

from __future__ import annotations

from cleansing.readers.base import RawTable, RejectedRow, SourceReader
from cleansing.readers.database import DatabaseReader
from cleansing.readers.delimited import DelimitedReader
from cleansing.readers.fixed_width import FixedWidthReader
from cleansing.readers.json_lines import JsonLinesReader
from cleansing.readers.xlsx import XlsxReader

__all__ = ["READERS", "RawTable", "RejectedRow", "SourceReader", "get_reader"]

READERS: dict[str, type[SourceReader]] = {
    name: reader
    for reader in (XlsxReader, DelimitedReader, FixedWidthReader, JsonLinesReader, DatabaseReader)
    for name in reader.format_names
}


def get_reader(format_name: str) -> SourceReader:
    """Return a reader for ``format_name`` (``xlsx``, ``csv``, ``fixed_width`` …)."""
    try:
        return READERS[format_name]()
    except KeyError:
        raise KeyError(
            f"unknown format {format_name!r}; expected one of {', '.join(sorted(READERS))}"
        ) from None
