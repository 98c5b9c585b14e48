"""Fixed-width text from mainframe-era finance systems, positions in bytes or characters.

A GBK Chinese character is two bytes, so a spec written in bytes must slice the raw bytes
first and decode each field after; decoding the line first would shift every later field.
Header and trailer lines are recognised by prefix, and the trailer's record count is checked
so that a truncated transfer is caught before its balances are believed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, model_validator

from cleansing.readers.base import RawTable, RejectedRow, SourceReader, make_table
from cleansing.readers.checks import FileLimits, check_size, describe_magic
from cleansing.readers.encoding import canonical_codec, decode_text
from foundation.errors import UserError


class FixedWidthField(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    start: int
    """1-based first position (byte or character), inclusive."""
    end: int
    """1-based last position, inclusive."""

    @model_validator(mode="after")
    def _ordered(self) -> FixedWidthField:
        if self.start < 1 or self.end < self.start:
            raise ValueError(
                f"field {self.name!r}: need 1 <= start <= end, got start {self.start}, end {self.end}"
            )
        return self


class FixedWidthOptions(BaseModel):
    """Reader options for ``format: fixed_width``."""

    model_config = ConfigDict(extra="forbid")
    fields: list[FixedWidthField]
    units: Literal["bytes", "chars"] = "bytes"
    encoding: str = "gb18030"
    header_prefix: str | None = None
    trailer_prefix: str | None = None
    """The trailer's first integer after the prefix is the record count, checked against the file."""


class FixedWidthReader(SourceReader):
    format_names = ("fixed_width",)

    def validate_options(self, options: Mapping[str, Any]) -> dict[str, Any]:
        return FixedWidthOptions(**options).model_dump()

    def read(self, path: Path, options: Mapping[str, Any]) -> RawTable:
        opts = FixedWidthOptions(**{k: v for k, v in options.items() if k in FixedWidthOptions.model_fields})
        check_size(path, options.get("limits") or FileLimits())
        codec = canonical_codec(opts.encoding, path)
        data = path.read_bytes()
        kind = describe_magic(data[:16])
        if kind:
            raise UserError(f"{path}: is {kind}, not a fixed-width text export")
        if b"\x00" in data:
            line = data.count(b"\n", 0, data.find(b"\x00")) + 1
            raise UserError(f"{path}: contains NUL bytes (first at line {line}); it is not a text export")
        if opts.units == "chars":
            decode_text(data, path, codec)
        lines = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n").split(b"\n")
        numbered = [(n, line) for n, line in enumerate(lines, start=1) if line.strip()]
        if not numbered:
            raise UserError(
                f"{path}: file has no text (only whitespace); re-export it from the source system"
            )
        numbered = self._strip_header_and_trailer(path, opts, numbered)
        return _slice_records(numbered, opts, codec)

    @staticmethod
    def _strip_header_and_trailer(
        path: Path, opts: FixedWidthOptions, numbered: list[tuple[int, bytes]]
    ) -> list[tuple[int, bytes]]:
        if opts.header_prefix:
            if not numbered[0][1].startswith(opts.header_prefix.encode("ascii")):
                raise UserError(
                    f"{path}: first line does not start with the header prefix {opts.header_prefix!r}"
                )
            numbered = numbered[1:]
        if opts.trailer_prefix:
            if not numbered or not numbered[-1][1].startswith(opts.trailer_prefix.encode("ascii")):
                raise UserError(
                    f"{path}: has no trailer line starting with {opts.trailer_prefix!r}; "
                    "the file may be truncated: ask for a fresh export"
                )
            line_number, trailer = numbered[-1]
            numbered = numbered[:-1]
            found = re.search(rb"\d+", trailer[len(opts.trailer_prefix) :])
            if not found:
                raise UserError(f"{path}: trailer on line {line_number} has no record count")
            declared = int(found.group())
            if declared != len(numbered):
                raise UserError(
                    f"{path}: trailer on line {line_number} says {declared:,} records but the file has "
                    f"{len(numbered):,}; the file may be truncated or edited: ask for a fresh export"
                )
        return numbered


def _slice_records(numbered: list[tuple[int, bytes]], opts: FixedWidthOptions, codec: str) -> RawTable:
    needed = max(f.end for f in opts.fields)
    unit = "bytes" if opts.units == "bytes" else "characters"
    columns: dict[str, list[str | None]] = {f.name: [] for f in opts.fields}
    numbers: list[int] = []
    rejected: list[RejectedRow] = []
    for number, raw in numbered:
        line: bytes | str = raw if opts.units == "bytes" else raw.decode(codec)
        original = raw.decode(codec, errors="backslashreplace")
        if len(line) < needed:
            reason = f"line {number} is {len(line)} {unit} long, the layout needs {needed}"
            rejected.append(RejectedRow(number, "short_line", reason, original))
            continue
        values: list[str | None] = []
        for spec in opts.fields:
            piece = line[spec.start - 1 : spec.end]
            try:
                text = piece.decode(codec) if isinstance(piece, bytes) else piece
            except UnicodeDecodeError:
                reason = (
                    f"line {number}: field {spec.name} ({unit} {spec.start}-{spec.end}) is not valid "
                    f"{codec} (a character cut in half by the layout?)"
                )
                rejected.append(RejectedRow(number, "bad_encoding", reason, original, column=spec.name))
                break
            values.append(text.strip() or None)
        else:
            for spec, value in zip(opts.fields, values, strict=True):
                columns[spec.name].append(value)
            numbers.append(number)
    table = make_table(columns, numbers)
    table.rejected = rejected
    table.cells_trimmed = True
    table.longest_line = max((len(line) for _, line in numbered), default=0)
    return table
