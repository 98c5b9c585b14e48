"""CSV and TSV exports: strict decoding, delimiter sniffing, ragged rows kept as quarantine.

Two paths give the same result. Files without any quote character (most ERP/DMS dumps) go
through pandas' C parser, with field counts per line taken from the raw bytes so that a row
with too many or too few fields is rejected rather than silently padded; this is what makes a
million-row export take seconds. Files with quotes go through the ``csv`` module, which knows
where each quoted record starts. Delimiters and quotes are ASCII and never occur inside a
GBK, GB18030, Big5 or UTF-8 multibyte character, so byte-level counting is exact for them.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, field_validator

from channel_mdm.errors import UserError
from cleansing.readers.base import RawTable, RejectedRow, SourceReader, make_table
from cleansing.readers.checks import FileLimits, check_size, describe_magic
from cleansing.readers.encoding import canonical_codec, decode_text, detect_bom

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
        data = path.read_bytes()
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
            return _read_with_csv_module(data, path, codec, opts)
        return _read_fast(data, path, codec, opts)


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


def _split_header(data: bytes, header_row: int, path: Path) -> tuple[bytes, bytes]:
    """Return (header line, body after it) for the 1-based ``header_row``."""
    start = 0
    for _ in range(header_row - 1):
        newline = data.find(b"\n", start)
        if newline < 0:
            raise UserError(f"{path}: has fewer than {header_row} lines; check header_row in the mapping")
        start = newline + 1
    end = data.find(b"\n", start)
    end = len(data) if end < 0 else end
    return data[start:end], data[end + 1 :]


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
    header_raw, body = _split_header(data, opts.header_row, path)
    header_line = _decode_strict(header_raw, codec, path, data)
    delimiter = opts.delimiter or _sniff_delimiter(header_line + "\n" + _sample_text(body, codec))
    names, ambiguous = _header_names(header_line, delimiter, opts.quotechar)
    arr = np.frombuffer(body, dtype=np.uint8)
    newlines = np.flatnonzero(arr == 10)
    ends = newlines if body.endswith(b"\n") or not body else np.r_[newlines, len(arr)]
    starts = np.r_[0, ends[:-1] + 1] if len(ends) else np.empty(0, dtype=np.int64)
    delims = np.flatnonzero(arr == ord(delimiter))
    fields = np.searchsorted(delims, ends) - np.searchsorted(delims, starts) + 1
    blank = (ends - starts) == 0
    extras = max(int(fields.max()) - len(names), 0) if len(fields) else 0
    all_names = names + [f"__extra_{k}" for k in range(extras)]
    first_line = opts.header_row + 1
    if not len(ends):
        frame = pd.DataFrame({n: pd.Series([], dtype=object) for n in names})
    else:
        frame = _parse_bytes(body, path, data, codec, delimiter, all_names)
        if len(frame) != len(ends):
            return _read_with_csv_module(data, path, codec, opts)
    line_numbers = np.arange(first_line, first_line + len(ends), dtype=np.int64)
    ragged = (fields != len(names)) & ~blank
    rejected = [
        _ragged(int(line_numbers[i]), int(fields[i]), len(names), body[starts[i] : ends[i]].decode(codec))
        for i in np.flatnonzero(ragged)
    ]
    keep = ~(ragged | blank)
    frame = frame.loc[keep, names] if extras or not keep.all() else frame
    table = make_table(frame, line_numbers[keep])
    table.rejected = rejected
    table.ambiguous_columns = ambiguous
    table.cells_trimmed = not _has_padding(arr, [delims, newlines], codec)
    table.longest_line = int((ends - starts).max()) if len(ends) else 0
    table.notes.append(f"encoding {codec}, delimiter {delimiter!r}")
    return table


def _sample_text(body: bytes, codec: str) -> str:
    cut = body.rfind(b"\n", 0, 65536)
    return body[: cut if cut > 0 else 65536].decode(codec, errors="ignore")


def _parse_bytes(
    body: bytes, path: Path, data: bytes, codec: str, delimiter: str, names: list[str]
) -> pd.DataFrame:
    # Python's GBK decoder is faster than GB18030's and agrees with it on every byte GBK accepts;
    # the rare GB18030-only sequence (four-byte characters) retries with GB18030 itself.
    attempts = ["gbk", "gb18030"] if codec == "gb18030" else ["utf-8" if codec == "utf-8-sig" else codec]
    for attempt in attempts:
        try:
            return pd.read_csv(
                io.BytesIO(body),
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


def _has_padding(arr: np.ndarray, boundaries: list[np.ndarray], codec: str) -> bool:
    """True when a space, tab or full-width space touches a delimiter or line end (a cell needs stripping).

    Looks only at the bytes next to each boundary (delimiters and newlines, found already).
    """
    size = len(arr)
    if not size:
        return False
    blank = np.zeros(256, dtype=bool)
    blank[[0x20, 0x09]] = True
    if blank[arr[0]] or blank[arr[-1]]:
        return True
    wide = np.frombuffer("\u3000".encode(codec, errors="ignore") or b"\x00", dtype=np.uint8)
    for positions in boundaries:
        after = positions[positions + 1 < size] + 1
        before = positions[positions > 0] - 1
        first, last = arr[after], arr[before]
        if blank[first].any() or blank[last].any():
            return True
        if wide[0] and (
            _touches(arr, after[first == wide[0]], wide, forward=True)
            or _touches(arr, before[last == wide[-1]], wide, forward=False)
        ):
            return True
    return False


def _touches(arr: np.ndarray, positions: np.ndarray, pattern: np.ndarray, forward: bool) -> bool:
    """Whether ``pattern`` starts (forward) or ends (backward) at any of ``positions``."""
    width = len(pattern)
    candidates = positions
    for k in range(1, width):
        step = k if forward else -k
        byte = pattern[k] if forward else pattern[width - 1 - k]
        candidates = candidates[(candidates + step >= 0) & (candidates + step < len(arr))]
        candidates = candidates[arr[candidates + step] == byte]
    return bool(len(candidates))


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
