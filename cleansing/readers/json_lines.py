"""JSON lines and JSON arrays from CRM-style exports, nested objects flattened to dotted paths.

``{"address": {"city": "深圳"}}`` becomes a column ``address.city``. A line that is not JSON,
or JSON that is not an object, is rejected with its line number instead of stopping the file.
Numbers become text the way :func:`number_to_text` writes them and are flagged ``numeric``,
so an ID exported as a JSON number can be checked for damage like an Excel one. A key written twice in
one object is flagged ``duplicate_key`` when both values agree; when they differ the row is rejected,
since which one the source meant cannot be known.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict

from cleansing.readers.base import (
    RawTable,
    RejectedRow,
    SourceReader,
    make_table,
    scalar_to_text,
)
from cleansing.readers.checks import FileLimits, check_size, describe_magic
from cleansing.readers.encoding import decode_text
from foundation.errors import UserError


class JsonOptions(BaseModel):
    """Reader options for ``format: jsonl`` / ``format: json``."""

    model_config = ConfigDict(extra="forbid")
    encoding: str | None = None
    layout: Literal["auto", "lines", "array"] = "auto"
    """``auto`` reads ``format: json`` or a file starting with ``[`` as one JSON array, else JSON lines."""


class JsonLinesReader(SourceReader):
    format_names = ("jsonl", "json", "ndjson")

    def validate_options(self, options: Mapping[str, Any]) -> dict[str, Any]:
        return JsonOptions(**options).model_dump()

    def read(self, path: Path, options: Mapping[str, Any]) -> RawTable:
        opts = JsonOptions(**{k: v for k, v in options.items() if k in JsonOptions.model_fields})
        check_size(path, options.get("limits") or FileLimits())
        data = path.read_bytes()
        kind = describe_magic(data[:16])
        if kind:
            raise UserError(f"{path}: is {kind}, not a JSON export")
        text = decode_text(data, path, opts.encoding or "utf-8").text
        if not text.strip():
            raise UserError(
                f"{path}: file has no text (only whitespace); re-export it from the source system"
            )
        layout = opts.layout
        if layout == "auto":
            whole = text.lstrip().startswith("[") or options.get("format") == "json"
            layout = "array" if whole else "lines"
        return _to_table(_parse_array(path, text) if layout == "array" else _parse_lines(text))


class _JsonObject(dict):
    """A JSON object that remembers the keys the export wrote more than once, with every value."""

    duplicates: dict[str, list[Any]]


def _remember_duplicates(pairs: list[tuple[str, Any]]) -> _JsonObject:
    values: dict[str, list[Any]] = {}
    for key, value in pairs:
        values.setdefault(key, []).append(value)
    obj = _JsonObject((key, found[-1]) for key, found in values.items())  # JSON's usual rule: the last wins
    obj.duplicates = {key: found for key, found in values.items() if len(found) > 1}
    return obj


def _loads(text: str) -> Any:
    return json.loads(text, object_pairs_hook=_remember_duplicates)


def duplicate_keys(record: Mapping[str, Any], prefix: str = "") -> dict[str, list[Any]]:
    """Dotted path → every value written, for each key an object (or a nested one) repeats."""
    found: dict[str, list[Any]] = {}
    for key, values in getattr(record, "duplicates", {}).items():
        found[f"{prefix}{key}"] = values
    for key, value in record.items():
        if isinstance(value, dict):
            found.update(duplicate_keys(value, f"{prefix}{key}."))
    return found


def _conflict(
    number: int, what: str, repeated: dict[str, list[Any]], original: Callable[[], str]
) -> RejectedRow | None:
    """A row whose repeated key holds different values cannot be read one way: it is rejected."""
    for key, values in repeated.items():
        if any(v != values[0] for v in values[1:]):
            shown = ", ".join(json.dumps(v, ensure_ascii=False) for v in values)
            return RejectedRow(
                number,
                "duplicate_key",
                f"{what} {number} has the key '{key}' {len(values)} times with different values ({shown}); "
                "fix the export so that each key appears once",
                original(),
            )
    return None


@dataclass
class _ParsedRows:
    """Objects read so far, with their line (or element) numbers, the rows rejected, and for each
    accepted object the dotted keys it repeated with one value (flagged later)."""

    records: list[dict[str, Any]] = field(default_factory=list)
    numbers: list[int] = field(default_factory=list)
    rejected: list[RejectedRow] = field(default_factory=list)
    repeated: list[list[str]] = field(default_factory=list)

    def add(self, number: int, what: str, record: dict[str, Any], original: Callable[[], str]) -> None:
        found = duplicate_keys(record)
        conflict = _conflict(number, what, found, original) if found else None
        if conflict is not None:
            self.rejected.append(conflict)
            return
        self.records.append(record)
        self.numbers.append(number)
        self.repeated.append(list(found))


def _parse_lines(text: str) -> _ParsedRows:
    rows = _ParsedRows()
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            value = _loads(line)
        except json.JSONDecodeError as exc:
            rows.rejected.append(
                RejectedRow(
                    number,
                    "not_json",
                    f"line {number} is not valid JSON ({exc.msg} at column {exc.colno})",
                    line,
                )
            )
            continue
        if not isinstance(value, dict):
            rows.rejected.append(
                RejectedRow(
                    number,
                    "not_an_object",
                    f"line {number} is a JSON {_json_kind(value)}, not an object",
                    line,
                )
            )
            continue
        rows.add(number, "line", value, functools.partial(str, line))
    return rows


def _parse_array(path: Path, text: str) -> _ParsedRows:
    try:
        value = _loads(text)
    except json.JSONDecodeError as exc:
        raise UserError(
            f"{path}: is not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})"
        ) from None
    if not isinstance(value, list):
        kind = _json_kind(value)
        article = "an" if kind[0] in "aeio" else "a"
        raise UserError(
            f"{path}: top-level JSON is {article} {kind}; expected an array of objects or JSON lines"
        )
    rows = _ParsedRows()
    for number, item in enumerate(value, start=1):
        if isinstance(item, dict):
            rows.add(number, "array element", item, functools.partial(json.dumps, item, ensure_ascii=False))
        else:
            rows.rejected.append(
                RejectedRow(
                    number,
                    "not_an_object",
                    f"array element {number} is a JSON {_json_kind(item)}, not an object",
                    json.dumps(item, ensure_ascii=False),
                )
            )
    return rows


def _json_kind(value: Any) -> str:
    return {dict: "object", list: "array", str: "string", bool: "boolean", type(None): "null"}.get(
        type(value), "number"
    )


def flatten(record: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Flatten nested objects to dotted keys; lists stay as JSON text."""
    flat: dict[str, Any] = {}
    for key, value in record.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(flatten(value, f"{name}."))
        else:
            flat[name] = value
    return flat


def _to_table(rows: _ParsedRows) -> RawTable:
    flat = [flatten(r) for r in rows.records]
    names = list(dict.fromkeys(k for r in flat for k in r))
    columns: dict[str, list[Any]] = {}
    numeric_flags: dict[str, np.ndarray] = {}
    for name in names:
        raw = [r.get(name) for r in flat]
        mask = np.fromiter(
            (isinstance(v, int | float) and not isinstance(v, bool) for v in raw), dtype=bool, count=len(raw)
        )
        columns[name] = [_to_text(v) for v in raw]
        if mask.any():
            numeric_flags[name] = mask
    table = make_table(
        pd.DataFrame(columns, dtype=object) if columns else pd.DataFrame(index=range(len(flat))),
        rows.numbers,
    )
    table.rejected = rows.rejected
    if numeric_flags:
        table.cell_flags["numeric"] = numeric_flags
    repeated: dict[str, np.ndarray] = {}
    for position, keys in enumerate(rows.repeated):
        for key in keys:
            repeated.setdefault(key, np.zeros(len(flat), dtype=bool))[position] = True
    if repeated:
        table.cell_flags["duplicate_key"] = repeated
    return table


def _to_text(value: Any) -> str | None:
    return scalar_to_text(value, lambda other: json.dumps(other, ensure_ascii=False))
