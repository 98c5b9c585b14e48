"""Per-field rules: how a value is normalised before comparing, and when two values agree.

Both sides go through the same normalisation, so formatting is never a difference: text is
NFKC-normalised with its whitespace collapsed (and case folded when asked), money and numbers are
read by the project's one number parser and compared as ``Decimal`` within the rule's tolerances,
dates compare as dates. A value map turns an old value into the one the new system uses
(一批 → 1) before anything else. A value that cannot be read as its kind stays as its text, so it
shows up as a difference instead of disappearing.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd

from cleansing.numbers import NumberFormat, parse_distinct_numbers
from migration.convert import to_date
from migration.cutover.config import FieldRule


@dataclass(frozen=True)
class Unreadable:
    """A value that is not a valid number or date: compared as its text, so never equal to a real one."""

    text: str

    def __str__(self) -> str:
        return self.text


def normalise_distinct(distinct: list[Any], rule: FieldRule) -> np.ndarray:
    """The comparable form of each value of ``distinct`` (``None`` when blank), as an object array.

    Works a kind at a time over the whole list: the number parser reads plain decimals straight to
    ``Decimal``, text is normalised in one pass.
    """
    if rule.kind not in ("number", "money", "date") and not rule.value_map and _all_text(distinct):
        # collapsing whitespace strips too, and NFKC never joins whitespace to what follows it
        out = np.empty(len(distinct), dtype=object)
        out[:] = normal_texts(distinct, rule.case_sensitive)
        return out
    texts = [v.strip() if type(v) is str else _text(v) for v in distinct]
    if rule.value_map:
        mapped = rule.value_map
        texts = [mapped.get(t, t) for t in texts]
    out = np.empty(len(texts), dtype=object)
    if rule.kind in ("number", "money"):
        numbers, problems = parse_distinct_numbers(texts, NumberFormat(rule.decimal, rule.thousands))
        out[:] = numbers
        for position, problem in enumerate(problems):
            if problem is not None:
                out[position] = Unreadable(texts[position])
    elif rule.kind == "date":
        for position, text in enumerate(texts):
            try:
                out[position] = to_date(text) if text else None
            except ValueError:
                out[position] = Unreadable(text)
    else:
        out[:] = normal_texts(texts, rule.case_sensitive)
    return out


_SEPARATOR = "\x00"
# The whitespace an NFKC-normalised text can hold (the rest has compatibility forms): beside the
# space, each of these means the text's whitespace must be collapsed.
_OTHER_WHITESPACE = (
    "\t",
    "\n",
    "\x0b",
    "\x0c",
    "\r",
    "\x1c",
    "\x1d",
    "\x1e",
    "\x1f",
    "\x85",
    "\u1680",
    "\u2028",
    "\u2029",
)


def normal_texts(texts: list[str], case_sensitive: bool = True) -> list[str | None]:
    """Each text NFKC-normalised with its whitespace collapsed (case folded unless ``case_sensitive``);
    ``None`` for a blank one.

    The texts are normalised as one string joined by NUL, which no composition crosses, and split
    again only when that changed something: a column of texts already in their normal form (the
    usual case) costs a few passes over one string instead of a call per value.
    """
    joined = _SEPARATOR.join(texts)
    if joined.count(_SEPARATOR) != max(len(texts) - 1, 0):  # a text holds NUL itself
        return [_normal_text(t, case_sensitive) for t in texts]
    normal = unicodedata.normalize("NFKC", joined)
    if not case_sensitive:
        normal = normal.casefold()
    untidy = (
        normal.startswith(" ") or normal.endswith(" ") or "  " in normal
        or f" {_SEPARATOR}" in normal or f"{_SEPARATOR} " in normal
        or any(c in normal for c in _OTHER_WHITESPACE)
    )  # fmt: skip
    if untidy:
        parts = [" ".join(t.split()) for t in normal.split(_SEPARATOR)]
    elif normal == joined:
        parts = list(texts)
    else:
        parts = normal.split(_SEPARATOR)
    return [t or None for t in parts]


def _normal_text(text: str, case_sensitive: bool) -> str | None:
    normal = " ".join(unicodedata.normalize("NFKC", text).split())
    return (normal if case_sensitive else normal.casefold()) or None


def _all_text(values: list[Any]) -> bool:
    """Whether every value is a ``str`` (checked in one pass of compiled code)."""
    return pd.api.types.infer_dtype(values, skipna=False) in ("string", "empty")


def _text(value: Any) -> str:
    """A value that is not text, as text: blank (``None``, NaN, ``pd.NA``) as ``""``."""
    if value is None or pd.isna(value) is True:
        return ""
    return str(value).strip()


def comparable_codes(
    values: pd.Series, rule: FieldRule, apply_value_map: bool = True
) -> tuple[np.ndarray, np.ndarray]:
    """Each value's position among the distinct values, and the distinct values' comparable forms
    (:func:`normalise_distinct`): ``distinct[codes]`` is the column's comparable values.

    ``apply_value_map=False`` for the new side: the map translates old values only.
    """
    effective = rule if apply_value_map or not rule.value_map else rule.model_copy(update={"value_map": {}})
    # missing values get code -1 (no separate pass looking for them), then one blank distinct value
    codes, distinct = pd.factorize(values.astype(object), use_na_sentinel=True)
    listed = list(distinct)
    missing = codes < 0
    if missing.any():
        codes[missing] = len(listed)
        listed.append(None)  # normalised as blank, like ""
    return codes, normalise_distinct(listed, effective)


def comparable_values(values: pd.Series, rule: FieldRule, apply_value_map: bool = True) -> np.ndarray:
    """Each value's comparable form (``None`` when blank), computed once per distinct value."""
    codes, distinct = comparable_codes(values, rule, apply_value_map)
    return distinct[codes] if len(codes) else np.empty(0, dtype=object)


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


def differ_many(old: np.ndarray, new: np.ndarray, rule: FieldRule) -> np.ndarray:
    """``not agree`` over two aligned object arrays: equal values are found by one array comparison
    (comparable values of different types are never equal), only the rest go through :func:`agree`."""
    if not len(old):
        return np.zeros(0, dtype=bool)
    differs = ~np.asarray(old == new, dtype=bool)
    for position in np.flatnonzero(differs).tolist():
        if agree(old[position], new[position], rule):
            differs[position] = False
    return differs


def canonical(value: Any) -> str:
    """One spelling per comparable value, for hashing: 100 and 100.00 are the same number."""
    if value is None:
        return "\x00"
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value else "0"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


_ROW_PRIME = np.uint64(0x100000001B3)


def distinct_hashes(distinct: np.ndarray) -> np.ndarray:
    """A 64-bit hash of each value's canonical spelling (:func:`canonical`)."""
    spelled = np.array([v if type(v) is str else canonical(v) for v in distinct] + [""], dtype=object)[:-1]
    return pd.util.hash_array(spelled, categorize=False)


def column_hashes(codes: np.ndarray, distinct: np.ndarray) -> np.ndarray:
    """A 64-bit hash per value of a column given as ``distinct[codes]`` (:func:`distinct_hashes`)."""
    return distinct_hashes(distinct)[codes]


def row_hashes(columns: list[np.ndarray]) -> np.ndarray:
    """A 64-bit hash per row from its columns' value hashes (:func:`column_hashes`, in the order given)."""
    rows = np.zeros(len(columns[0]) if columns else 0, dtype=np.uint64)
    for column in columns:
        rows = (rows ^ column) * _ROW_PRIME  # wraps modulo 2**64
    return rows


def hash_total(hashes: np.ndarray) -> str:
    """Order-independent hash total: the row hashes added modulo 2**64, as 16 hex digits."""
    return f"{int(hashes.sum(dtype=np.uint64)):016x}"


def shown(value: Any) -> str:
    """How a comparable value is shown in a report (blank as an empty string)."""
    return canonical(value) if value is not None else ""
