"""CSV and TSV exports: strict decoding, delimiter sniffing, ragged rows kept as quarantine.

Two paths give the same result. Files without any quote character (most ERP/DMS dumps) go
through pandas' C parser, with field counts taken from the raw bytes so that a row with too
many or too few fields is rejected rather than silently padded (when the file's delimiter count
is exactly what the header implies, the parser's own refusal of a longer line settles it without
counting per line); this is what makes a million-row export take seconds. Files with quotes go through the ``csv`` module, which knows
where each quoted record starts. Delimiters and quotes are ASCII and never occur inside a
GBK, GB18030, Big5 or UTF-8 multibyte character, so byte-level counting is exact for them.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, field_validator

from cleansing.readers.base import RawTable, RejectedRow, SourceReader, make_table
from cleansing.readers.checks import FileLimits, check_size, describe_magic
from cleansing.readers.encoding import canonical_codec, decode_text, detect_bom
from foundation.errors import UserError

_SNIFF_DELIMITERS = ",\t;|"
_BYTE_SAFE = ("utf-8", "utf-8-sig", "gb18030", "big5", "ascii")


class DelimitedOptions(BaseModel):
    """Reader options for ``format: csv`` / ``format: tsv``."""

    model_config = ConfigDict(extra="forbid")
    encoding: str | None = None
    """Declared encoding; by default detected (BOM, UTF-8, GB18030/GBK, Big5)."""
    delimiter: str | None = None
    """``,``, ``\\t`` (or ``tab``), ``;``, ``|``; by default sniffed from the first lines."""
    quotechar: str = '"'
    header_row: int = 1
    """1-based line of the column headers; lines above it (titles) are skipped."""

    @field_validator("delimiter")
    @classmethod
    def _one_character(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = "\t" if value.lower() in ("tab", "\\t") else value
        if len(value) != 1:
            raise ValueError("delimiter must be one character (or 'tab')")
        return value

    @field_validator("header_row")
    @classmethod
    def _positive(cls, value: int) -> int:
        if value < 1:
            raise ValueError("header_row is 1-based and must be at least 1")
        return value


class DelimitedReader(SourceReader):
    format_names = ("csv", "tsv", "txt")

    def validate_options(self, options: Mapping[str, Any]) -> dict[str, Any]:
        return DelimitedOptions(**options).model_dump()

    def read(self, path: Path, options: Mapping[str, Any]) -> RawTable:
        opts = DelimitedOptions(**{k: v for k, v in options.items() if k in DelimitedOptions.model_fields})
        if options.get("format") == "tsv" and opts.delimiter is None:
            opts.delimiter = "\t"
        limits: FileLimits = options.get("limits") or FileLimits()
        check_size(path, limits)
        data = raw = path.read_bytes()
        wide = (detect_bom(data) or "").startswith("utf-16") or (detect_bom(data) or "").startswith("utf-32")
        if not wide and not (opts.encoding or "").lower().replace("_", "-").startswith(("utf-16", "utf-32")):
            _refuse_binary(data, path)
        codec = _choose_codec(data, path, opts.encoding)
        if codec in _BYTE_SAFE and b"\r" in data:
            data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        if not data or data.isspace():
            raise UserError(
                f"{path}: file has no text (only whitespace); re-export it from the source system"
            )
        if codec not in _BYTE_SAFE or opts.quotechar.encode("ascii") in data:
            table = _read_with_csv_module(data, path, codec, opts)
        else:
            table = _read_fast(data, path, codec, opts)
        table.file_hash = hashlib.sha256(raw).hexdigest()  # the bytes in hand: no second read for the hash
        return table


def _choose_codec(data: bytes, path: Path, declared: str | None) -> str:
    """Pick the codec from a sample; the full strict decode happens while parsing."""
    if declared:
        codec = canonical_codec(declared, path)
        return "utf-8-sig" if codec == "utf-8" and data.startswith(b"\xef\xbb\xbf") else codec
    bom = detect_bom(data)
    if bom:
        return bom
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        if exc.start > len(data) - 4:
            return decode_text(data, path).encoding
    cut = data.rfind(b"\n", 0, 256 * 1024)
    sample = data[: cut if cut > 0 else 256 * 1024]
    return decode_text(sample, path).encoding


def _refuse_binary(data: bytes, path: Path) -> None:
    kind = describe_magic(data[:16])
    if kind:
        raise UserError(f"{path}: is {kind}, not a text export; export the data as CSV")
    nul = data.find(b"\x00")
    if nul >= 0:
        line = data.count(b"\n", 0, nul) + 1
        raise UserError(
            f"{path}: contains NUL bytes (first at line {line}); it is binary or UTF-16 without a "
            "byte-order mark: re-export it as UTF-8 CSV"
        )


def _split_header(data: bytes, header_row: int, path: Path) -> tuple[bytes, int]:
    """Return (header line, offset of the body after it) for the 1-based ``header_row``."""
    start = 0
    for _ in range(header_row - 1):
        newline = data.find(b"\n", start)
        if newline < 0:
            raise UserError(f"{path}: has fewer than {header_row} lines; check header_row in the mapping")
        start = newline + 1
    end = data.find(b"\n", start)
    end = len(data) if end < 0 else end
    return data[start:end], min(end + 1, len(data))


def _header_names(line: str, delimiter: str, quotechar: str) -> tuple[list[str], dict[str, str]]:
    fields = next(csv.reader([line], delimiter=delimiter, quotechar=quotechar), [])
    names: list[str] = []
    ambiguous: dict[str, str] = {}
    seen: dict[str, list[int]] = {}
    for position, raw in enumerate(fields, start=1):
        name = raw.strip() or f"column {position}"
        seen.setdefault(name, []).append(position)
        count = len(seen[name])
        names.append(name if count == 1 else f"{name} ({count})")
    for name, positions in seen.items():
        if len(positions) > 1:
            where = ", ".join(str(p) for p in positions)
            ambiguous[name] = f"column name {name!r} appears {len(positions)} times (columns {where})"
    return names, ambiguous


def _sniff_delimiter(sample: str) -> str:
    lines = sample.split("\n")[:50]
    try:
        return csv.Sniffer().sniff("\n".join(lines), delimiters=_SNIFF_DELIMITERS).delimiter
    except csv.Error:
        counts = {d: lines[0].count(d) for d in _SNIFF_DELIMITERS}
        best = max(counts, key=lambda d: counts[d])
        return best if counts[best] else ","


def _decode_strict(raw: bytes, codec: str, path: Path, data: bytes) -> str:
    try:
        return raw.decode(codec)
    except UnicodeDecodeError:
        decode_text(data, path, codec)  # raises the message naming the line
        raise


def _read_fast(data: bytes, path: Path, codec: str, opts: DelimitedOptions) -> RawTable:
    header_raw, offset = _split_header(data, opts.header_row, path)
    header_line = _decode_strict(header_raw, codec, path, data)
    delimiter = opts.delimiter or _sniff_delimiter(header_line + "\n" + _sample_text(data, offset, codec))
    names, ambiguous = _header_names(header_line, delimiter, opts.quotechar)
    # The body is viewed in place (no copy of a file that may be hundreds of megabytes).
    arr = np.frombuffer(data, dtype=np.uint8)[offset:]
    scan = _scan_bytes(arr, delimiter, _wide_space(codec))
    newlines = scan.newlines
    ends = newlines if not len(arr) or arr[-1] == 10 else np.r_[newlines, len(arr)]
    starts = np.r_[0, ends[:-1] + 1] if len(ends) else np.empty(0, dtype=np.int64)
    blank = (ends - starts) == 0
    first_line = opts.header_row + 1
    line_numbers = np.arange(first_line, first_line + len(ends), dtype=np.int64)
    frame: pd.DataFrame | None = None
    fields: np.ndarray | None = None
    if not len(ends):
        frame = pd.DataFrame({n: pd.Series([], dtype=object) for n in names})
        fields = np.empty(0, dtype=np.int64)
    elif scan.delimiters == (len(ends) - int(blank.sum())) * (len(names) - 1):
        # As many delimiters as the header implies for every non-blank line: either every such line
        # has exactly the header's fields, or a longer line makes up for a shorter one. The parser,
        # given exactly the header's names, refuses a longer line (or takes a longer first line's
        # extra fields as an index), so a parse that succeeds with a plain index proves the former.
        try:
            frame = _parse_bytes(data, offset, path, codec, delimiter, names)
        except pd.errors.ParserError:
            frame = None
        if frame is not None and (
            isinstance(frame.index, pd.RangeIndex) and frame.index.start == 0 and frame.index.step == 1
        ):
            fields = np.where(blank, 1, len(names))
        else:
            frame = None
    if fields is None:  # some line is ragged: count the fields of each line
        delims = np.flatnonzero(arr == ord(delimiter))
        fields = np.searchsorted(delims, ends) - np.searchsorted(delims, starts) + 1
    extras = max(int(fields.max()) - len(names), 0) if len(fields) else 0
    if frame is None:
        frame = _parse_bytes(
            data, offset, path, codec, delimiter, names + [f"__extra_{k}" for k in range(extras)]
        )
    if len(frame) != len(ends):
        return _read_with_csv_module(data, path, codec, opts)
    ragged = (fields != len(names)) & ~blank
    rejected = [
        _ragged(
            int(line_numbers[i]),
            int(fields[i]),
            len(names),
            data[offset + starts[i] : offset + ends[i]].decode(codec),
        )
        for i in np.flatnonzero(ragged)
    ]
    keep = ~(ragged | blank)
    frame = frame.loc[keep, names] if extras or not keep.all() else frame
    table = make_table(frame, line_numbers[keep])
    table.rejected = rejected
    table.ambiguous_columns = ambiguous
    table.cells_trimmed = not _has_padding(arr, scan, delimiter)
    table.longest_line = int((ends - starts).max()) if len(ends) else 0
    table.notes.append(f"encoding {codec}, delimiter {delimiter!r}")
    return table


def _sample_text(data: bytes, offset: int, codec: str) -> str:
    cut = data.rfind(b"\n", offset, offset + 65536)
    return data[offset : cut if cut > offset else offset + 65536].decode(codec, errors="ignore")


def _parse_bytes(
    data: bytes, offset: int, path: Path, codec: str, delimiter: str, names: list[str]
) -> pd.DataFrame:
    # Python's GBK decoder is faster than GB18030's and agrees with it on every byte GBK accepts;
    # the rare GB18030-only sequence (four-byte characters) retries with GB18030 itself.
    attempts = ["gbk", "gb18030"] if codec == "gb18030" else ["utf-8" if codec == "utf-8-sig" else codec]
    for attempt in attempts:
        source = io.BytesIO(data)  # shares the bytes; reading starts after the header
        source.seek(offset)
        try:
            return pd.read_csv(
                source,
                sep=delimiter,
                header=None,
                names=names,
                dtype=object,
                na_values=[""],
                keep_default_na=False,
                skip_blank_lines=False,
                quoting=csv.QUOTE_NONE,
                encoding=attempt,
                encoding_errors="strict",
                engine="c",
            )
        except UnicodeDecodeError:
            continue
    decode_text(data, path, codec)  # raises the message naming the line
    raise AssertionError("unreachable: the bytes decoded during detection")


_SCAN_CHUNK = 1 << 20
"""Bytes compared per step: the masks stay in cache instead of each filling the file's size in memory."""


@dataclass(frozen=True)
class _ByteScan:
    newlines: np.ndarray
    """Positions of every ``\\n``."""
    delimiters: int
    """How many delimiter bytes the body holds."""
    blanks: np.ndarray
    """Positions of every space and tab."""
    wide: np.ndarray
    """Positions where the full-width space starts."""
    wide_width: int
    """Bytes of the full-width space in the file's encoding."""


def _wide_space(codec: str) -> bytes:
    """The full-width space U+3000 in ``codec`` (empty when the codec has none)."""
    return "\u3000".encode("utf-8" if codec == "utf-8-sig" else codec, errors="ignore")


def _scan_bytes(arr: np.ndarray, delimiter: str, wide: bytes) -> _ByteScan:
    """One pass over the body for line ends, the delimiter count and padding candidates."""
    size = len(arr)
    hit = np.empty(min(size, _SCAN_CHUNK), dtype=bool)
    tab = np.empty_like(hit)
    newlines: list[np.ndarray] = [np.empty(0, dtype=np.intp)]
    blanks: list[np.ndarray] = [np.empty(0, dtype=np.intp)]
    leads: list[np.ndarray] = [np.empty(0, dtype=np.intp)]
    delimiters = 0
    for start in range(0, size, _SCAN_CHUNK):
        chunk = arr[start : start + _SCAN_CHUNK]
        mask, other = hit[: len(chunk)], tab[: len(chunk)]
        newlines.append(np.flatnonzero(np.equal(chunk, 10, out=mask)) + start)
        delimiters += int(np.count_nonzero(np.equal(chunk, ord(delimiter), out=mask)))
        np.equal(chunk, 0x20, out=mask)
        np.logical_or(mask, np.equal(chunk, 0x09, out=other), out=mask)
        blanks.append(np.flatnonzero(mask) + start)
        if wide:
            leads.append(np.flatnonzero(np.equal(chunk, wide[0], out=mask)) + start)
    found = np.concatenate(leads)
    for k in range(1, len(wide)):
        found = found[found + k < size]
        found = found[arr[found + k] == wide[k]]
    return _ByteScan(np.concatenate(newlines), delimiters, np.concatenate(blanks), found, len(wide))


def _has_padding(arr: np.ndarray, scan: _ByteScan, delimiter: str) -> bool:
    """True when a space, tab or full-width space touches a delimiter, a line end or either end of
    the body (a cell needs stripping). Looks only at the bytes next to each blank found by the scan.
    """
    boundary = np.zeros(256, dtype=bool)
    boundary[[0x0A, ord(delimiter)]] = True
    return _touches_boundary(arr, scan.blanks, 1, boundary) or _touches_boundary(
        arr, scan.wide, scan.wide_width, boundary
    )


def _touches_boundary(arr: np.ndarray, starts: np.ndarray, width: int, boundary: np.ndarray) -> bool:
    """Whether a run ``[start, start + width)`` (starts sorted) is at an end of ``arr`` or next to a boundary."""
    if not len(starts):
        return False
    ends = starts + width
    if starts[0] == 0 or ends[-1] >= len(arr):
        return True
    return bool(boundary[arr[starts - 1]].any() or boundary[arr[ends]].any())


def _ragged(line: int, found: int, expected: int, original: str) -> RejectedRow:
    code = "too_many_fields" if found > expected else "too_few_fields"
    return RejectedRow(
        source_row=line,
        reason_code=code,
        reason=f"line {line} has {found} fields, the header has {expected}",
        original=original,
    )


def _read_with_csv_module(data: bytes, path: Path, codec: str, opts: DelimitedOptions) -> RawTable:
    text = decode_text(data, path, codec).text
    if codec not in _BYTE_SAFE:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        if "\x00" in text:
            raise UserError(f"{path}: contains NUL characters; re-export it as UTF-8 CSV")
    lines = text.split("\n", opts.header_row)
    if len(lines) < opts.header_row:
        raise UserError(f"{path}: has fewer than {opts.header_row} lines; check header_row in the mapping")
    header_line = lines[opts.header_row - 1]
    body = lines[opts.header_row] if len(lines) > opts.header_row else ""
    delimiter = opts.delimiter or _sniff_delimiter(header_line + "\n" + body[:65536])
    names, ambiguous = _header_names(header_line, delimiter, opts.quotechar)
    reader = csv.reader(
        io.StringIO(body, newline=""), delimiter=delimiter, quotechar=opts.quotechar, strict=True
    )
    rows: list[list[str]] = []
    line_numbers: list[int] = []
    rejected: list[RejectedRow] = []
    offset = opts.header_row
    previous_end = 0
    try:
        for record in reader:
            start = offset + previous_end + 1
            previous_end = reader.line_num
            if not record or record == [""] and len(names) > 1:
                continue
            if len(record) != len(names):
                rejected.append(_ragged(start, len(record), len(names), delimiter.join(record)))
                continue
            rows.append(record)
            line_numbers.append(start)
    except csv.Error as exc:
        line = offset + previous_end + 1
        if "end of data" in str(exc) or "EOF" in str(exc):
            raise UserError(
                f"{path}: unterminated quote in the record starting at line {line}; "
                "close the quote or re-export with quoting"
            ) from None
        raise UserError(f"{path}: malformed CSV at line {offset + reader.line_num}: {exc}") from None
    columns = {name: [r[i] or None for r in rows] for i, name in enumerate(names)}
    table = make_table(columns, line_numbers)
    table.rejected = rejected
    table.ambiguous_columns = ambiguous
    table.notes.append(f"encoding {codec}, delimiter {delimiter!r}")
    return table
