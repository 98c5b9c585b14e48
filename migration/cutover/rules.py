"""Per-field rules: how a value is normalised before comparing, and when two values agree.

Both sides go through the same normalisation, so formatting is never a difference: text is
NFKC-normalised with its whitespace collapsed (and case folded when asked), money and numbers are
read by the project's one number parser and compared as ``Decimal`` within the rule's tolerances,
dates compare as dates. A value map turns an old value into the one the new system uses
(一批 → 1) before anything else. A value that cannot be read as its kind stays as its text, so it
shows up as a difference instead of disappearing.
"""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd

from cleansing.numbers import NumberFormat, parse_number
from migration.convert import to_date
from migration.cutover.config import FieldRule


@dataclass(frozen=True)
class Unreadable:
    """A value that is not a valid number or date: compared as its text, so never equal to a real one."""

    text: str

    def __str__(self) -> str:
        return self.text


def _normalise_one(value: str, rule: FieldRule) -> Any:
    text = value.strip() if isinstance(value, str) else ("" if value is None else str(value).strip())
    if rule.value_map:
        text = rule.value_map.get(text, text)
    if not text:
        return None
    if rule.kind in ("number", "money"):
        parsed = parse_number(text, NumberFormat(rule.decimal, rule.thousands))
        if parsed.problem is not None or parsed.value is None:
            return Unreadable(text)
        return parsed.value
    if rule.kind == "date":
        try:
            return to_date(text)
        except ValueError:
            return Unreadable(text)
    normal = " ".join(unicodedata.normalize("NFKC", text).split())  # whitespace collapsed and trimmed
    return normal if rule.case_sensitive else normal.casefold()


def comparable_values(values: pd.Series, rule: FieldRule, apply_value_map: bool = True) -> list[Any]:
    """Each value's comparable form (``None`` when blank), computed once per distinct value.

    ``apply_value_map=False`` for the new side: the map translates old values only.
    """
    effective = rule if apply_value_map or not rule.value_map else rule.model_copy(update={"value_map": {}})
    codes, distinct = pd.factorize(values.astype(object).where(values.notna(), ""), use_na_sentinel=False)
    normal = np.array([_normalise_one(v, effective) for v in distinct] + [None], dtype=object)[:-1]
    return normal[codes].tolist()


def agree(old: Any, new: Any, rule: FieldRule) -> bool:
    """Whether two comparable values agree under the rule (blank agrees with blank only)."""
    if old == new and type(old) is type(new):
        return True
    if isinstance(old, Decimal) and isinstance(new, Decimal):
        difference = abs(old - new)
        if rule.absolute_tolerance is not None and difference <= Decimal(str(rule.absolute_tolerance)):
            return True
        if rule.relative_tolerance is not None:
            return difference <= Decimal(str(rule.relative_tolerance)) * max(abs(old), abs(new))
    return False


def agree_many(old: list[Any], new: list[Any], rule: FieldRule) -> np.ndarray:
    """:func:`agree` over two aligned columns (a boolean array)."""
    return np.fromiter((agree(o, n, rule) for o, n in zip(old, new, strict=True)), dtype=bool, count=len(old))


def canonical(value: Any) -> str:
    """One spelling per comparable value, for hashing: 100 and 100.00 are the same number."""
    if value is None:
        return "\x00"
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value else "0"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def row_hashes(columns: list[list[Any]]) -> list[int]:
    """A 64-bit hash per row over its comparable values (columns in the order given)."""
    rows = zip(*[[v if type(v) is str else canonical(v) for v in column] for column in columns], strict=True)
    return [
        int.from_bytes(hashlib.blake2b("\x1f".join(row).encode(), digest_size=8).digest(), "big")
        for row in rows
    ]


def hash_total(hashes: list[int]) -> str:
    """Order-independent hash total: the row hashes added modulo 2**64, as 16 hex digits."""
    return f"{sum(hashes) % (1 << 64):016x}"


def shown(value: Any) -> str:
    """How a comparable value is shown in a report (blank as an empty string)."""
    return canonical(value) if value is not None else ""
