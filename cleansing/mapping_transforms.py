"""The transforms a source mapping may name, and the coercion of text to canonical types.

Everything here works on whole columns (pandas string methods, ``Series.map``, vectorised
date parsing): a million-row export must not be walked row by row in Python. A value that
cannot be transformed or coerced is not dropped or guessed: it becomes a :class:`Problem`
(a row mask, a reason code and a sentence per row) that sends the row to quarantine.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from cleansing.canonical import ColumnType
from cleansing.dates import DEFAULT_DATE_FORMATS, parse_date_texts
from cleansing.numbers import DEFAULT_FORMAT, NumberFormat, parse_numbers

_TRUE = {"true", "1", "y", "yes", "是", "t"}
_FALSE = {"false", "0", "n", "no", "否", "f"}


@dataclass(frozen=True)
class Transform:
    """One named step from a mapping's ``transform:`` list."""

    name: str
    argument: Any = None
    unmapped: str = "quarantine"
    """For ``value_map``: ``quarantine`` a value not in the map, or ``keep`` it unchanged."""
    table: tuple[tuple[str, str], ...] = ()

    def with_table(self, table: dict[str, str]) -> Transform:
        return replace(self, table=tuple(table.items()))


@dataclass
class Problem:
    """Rows of one canonical column that cannot be accepted, with the reason for each."""

    mask: np.ndarray
    column: str
    reason_code: str
    reasons: pd.Series
    """Human sentence per row, indexed like the masked rows."""


TRANSFORMS: dict[str, str] = {
    "strip": "remove leading and trailing whitespace",
    "upper": "upper-case Latin letters",
    "lower": "lower-case Latin letters",
    "collapse_whitespace": "turn runs of whitespace into one space",
    "nfkc": "Unicode NFKC: full-width letters and digits to half-width",
    "value_map": "translate values with a table (name under value_maps, or inline); unmapped → quarantine or keep",
    "date": "parse dates with the given strftime format(s) into YYYY-MM-DD",
    "decimal": "remove thousands separators and currency marks before decimal parsing",
    "concat": "join several source columns with the given separator, skipping blanks",
    "coalesce": "take the first non-blank of several source columns",
    "zfill": "left-pad with zeros to the given width",
    "replace": "replace literal substrings: {replace: {old: new}}",
    "remove_prefix": "remove a literal prefix",
}


def parse_transform(entry: str | dict[str, Any]) -> Transform:
    """Turn ``strip`` or ``{date: "%Y%m%d"}`` into a :class:`Transform`; raise ``ValueError`` if unknown."""
    if isinstance(entry, str):
        name, argument, extra = entry, None, {}
    elif isinstance(entry, dict) and entry:
        name, argument = next(iter(entry.items()))
        extra = {k: v for k, v in entry.items() if k != name}
    else:
        raise ValueError("a transform is a name or a one-key dictionary")
    if name not in TRANSFORMS:
        raise ValueError(f"unknown transform {name!r}")
    unmapped = str(extra.pop("unmapped", "quarantine"))
    if extra:
        raise ValueError(f"unknown option {next(iter(extra))!r} for transform {name}")
    if name == "value_map":
        if unmapped not in ("quarantine", "keep"):
            raise ValueError("unmapped must be 'quarantine' or 'keep'")
        if isinstance(argument, dict):
            return Transform(name, None, unmapped, tuple((str(k), str(v)) for k, v in argument.items()))
        if not isinstance(argument, str):
            raise ValueError("value_map needs the name of a table under value_maps, or an inline table")
    if name == "date":
        formats = [argument] if isinstance(argument, str) else argument
        if not formats or not all(isinstance(f, str) and "%" in f for f in formats):
            raise ValueError("date needs a strftime format such as '%Y%m%d' (or a list of them)")
        argument = tuple(formats)
    if name == "zfill" and not isinstance(argument, int):
        raise ValueError("zfill needs a width, e.g. {zfill: 6}")
    if name == "replace" and not isinstance(argument, dict):
        raise ValueError("replace needs a table, e.g. {replace: {'（': '('}}")
    if name in ("concat", "remove_prefix") and argument is None:
        argument = ""
    return Transform(name, argument, unmapped)


def blank_to_na(series: pd.Series) -> pd.Series:
    """Treat empty strings as blank, so a blank never counts as a value."""
    return series.where(series.notna() & (series != ""), None)


def apply_transforms(
    sources: list[pd.Series], transforms: list[Transform], column: str, source_label: str
) -> tuple[pd.Series, list[Problem]]:
    """Run a column's transforms in order; return the values and any problems found."""
    values = sources[0]
    problems: list[Problem] = []
    for transform in transforms:
        if transform.name == "concat":
            values = _concat(sources, str(transform.argument))
        elif transform.name == "coalesce":
            values = _coalesce(sources)
        elif transform.name == "value_map":
            values, problem = _value_map(values, transform, column, source_label)
            problems += [problem] if problem else []
        elif transform.name == "date":
            values, problem = parse_dates(values, transform.argument, column, source_label)
            problems += [problem] if problem else []
        else:
            values = blank_to_na(_SIMPLE[transform.name](values.astype(object), transform.argument))
    return values, problems


def _concat(sources: list[pd.Series], separator: str) -> pd.Series:
    result = sources[0].astype(object)
    for other in sources[1:]:
        other = other.astype(object)
        joined = result.astype("str") + separator + other.astype("str")
        result = joined.where(result.notna() & other.notna(), result.where(result.notna(), other)).astype(
            object
        )
    return blank_to_na(result)


def _coalesce(sources: list[pd.Series]) -> pd.Series:
    result = sources[0].astype(object)
    for other in sources[1:]:
        result = result.where(result.notna(), other.astype(object))
    return result


def _value_map(
    values: pd.Series, transform: Transform, column: str, source_label: str
) -> tuple[pd.Series, Problem | None]:
    table = dict(transform.table)
    mapped = values.map(table)
    unmapped = (values.notna() & mapped.isna()).to_numpy()
    if not unmapped.any():
        return mapped.astype(object), None
    if transform.unmapped == "keep":
        return mapped.where(~unmapped, values).astype(object), None
    known = ", ".join(list(table)[:8])
    reasons = pd.Series(
        [
            f"{source_label} value {v!r} is not in the value map for {column} (known: {known})"
            for v in values[unmapped]
        ],
        index=values.index[unmapped],
    )
    return mapped.astype(object), Problem(unmapped, column, "unmapped_value", reasons)


def parse_dates(
    values: pd.Series,
    formats: tuple[str, ...],
    column: str,
    source_label: str,
    excel_serial: np.ndarray | None = None,
) -> tuple[pd.Series, Problem | None]:
    """Parse text to ISO ``YYYY-MM-DD`` trying each format; a datetime keeps only its date."""
    text = values.astype(object).where(values.notna(), None)
    present = values.notna().to_numpy()
    parsed = parse_date_texts(values, formats, excel_serial)
    bad = present & parsed.isna().to_numpy()
    iso = pd.Series(_iso_dates(parsed), index=values.index, dtype=object)
    if not bad.any():
        return iso, None
    expected = " or ".join(_format_hint(f) for f in formats)
    reasons = pd.Series(
        [f"{source_label} value {v!r} is not a date (expected {expected})" for v in text[bad]],
        index=values.index[bad],
    )
    return iso, Problem(bad, column, "bad_date", reasons)


def _iso_dates(parsed: pd.Series) -> np.ndarray:
    """``YYYY-MM-DD`` text (NaN for NaT, as pandas' strftime leaves it), formatted once per distinct
    date rather than once per row."""
    codes, uniques = pd.factorize(parsed)
    texts = np.empty(len(uniques) + 1, dtype=object)
    texts[:-1] = uniques.strftime("%Y-%m-%d").to_numpy(dtype=object)
    texts[-1] = np.nan  # code -1: NaT
    return texts[codes]


def _format_hint(fmt: str) -> str:
    return (
        fmt.replace("%Y", "YYYY")
        .replace("%m", "MM")
        .replace("%d", "DD")
        .replace("%H", "hh")
        .replace("%M", "mm")
        .replace("%S", "ss")
    )


def coerce(
    values: pd.Series,
    kind: ColumnType,
    column: str,
    source_label: str,
    excel_serial: np.ndarray | None = None,
    number_format: NumberFormat = DEFAULT_FORMAT,
) -> tuple[pd.Series, Problem | None]:
    """Coerce transformed text to the canonical column type: ids and text stay text.

    Numbers are read by :func:`cleansing.numbers.parse_numbers` with the source's declared separators;
    a value that can be read more than one way is a problem, never a guess.
    """
    if kind in ("id", "text"):
        return values, None
    if kind == "date":
        return parse_dates(values, DEFAULT_DATE_FORMATS, column, source_label, excel_serial)
    text = values.astype("str").str.strip().where(values.notna(), None)
    if kind == "boolean":
        lowered = text.str.lower()
        result = pd.Series(None, index=values.index, dtype=object)
        result[lowered.isin(_TRUE)] = True
        result[lowered.isin(_FALSE)] = False
        bad = (text.notna() & result.isna()).to_numpy()
        return result, _problem(
            bad, text, column, "bad_boolean", source_label, "is not yes/no (true/false, 是/否, 1/0)"
        )
    numbers, why = parse_numbers(text, number_format)
    if kind == "decimal":
        return numbers, _problem(why.notna().to_numpy(), text, column, "bad_decimal", source_label, why)
    whole = numbers.map(lambda v: v is None or v == v.to_integral_value())
    why = why.where(whole, "is not a whole number")
    bad = why.notna().to_numpy()
    result = pd.Series(pd.NA, index=values.index, dtype="Int64")
    ok = numbers.notna().to_numpy() & ~bad
    if ok.any():
        result[ok] = [int(v) for v in numbers[ok]]
    return result, _problem(bad, text, column, "bad_integer", source_label, why)


def _problem(
    bad: np.ndarray, text: pd.Series, column: str, code: str, source_label: str, what: str | pd.Series
) -> Problem | None:
    """Rows ``bad`` as one problem; ``what`` says why, for all of them or (a Series) per row."""
    if not bad.any():
        return None
    whats = what[bad] if isinstance(what, pd.Series) else [what] * int(bad.sum())
    reasons = pd.Series(
        [f"{source_label} value {v!r} {w}" for v, w in zip(text[bad], whats, strict=True)],
        index=text.index[bad],
    )
    return Problem(bad, column, code, reasons)


def _nfkc(values: pd.Series, _argument: Any) -> pd.Series:
    return values.map(lambda v: unicodedata.normalize("NFKC", v) if isinstance(v, str) else v)


def _replace(values: pd.Series, table: dict[str, str]) -> pd.Series:
    text = values.astype("str")
    for old, new in table.items():
        text = text.str.replace(str(old), str(new), regex=False)
    return text.where(values.notna(), None)


def _already(values: pd.Series, name: str) -> bool:
    """Whether ``upper``/``lower`` would change nothing, tested on the whole column joined at once."""
    if name not in ("upper", "lower"):
        return False
    try:
        joined = "\x1f".join(values.tolist())
    except TypeError:  # blanks (None, NaN), or a value that is not text
        try:
            joined = "\x1f".join(values[values.notna()].tolist())
        except TypeError:
            return False
    return getattr(joined, name)() == joined


def _str_method(name: str) -> Callable[[pd.Series, Any], pd.Series]:
    def run(values: pd.Series, argument: Any) -> pd.Series:
        if _already(values, name):
            return values
        text = values.astype("str")
        method = getattr(text.str, name)
        result = method(argument) if argument is not None and name in ("zfill", "removeprefix") else method()
        return result.where(values.notna(), None)

    return run


def _collapse(values: pd.Series, _argument: Any) -> pd.Series:
    return values.astype("str").str.replace(r"\s+", " ", regex=True).str.strip().where(values.notna(), None)


def _as_written(values: pd.Series, _argument: Any) -> pd.Series:
    """Kept so older mappings still load: every decimal column is read by the one number parser,
    which removes currency marks and reads separators as the mapping declares them."""
    return values


_SIMPLE: dict[str, Callable[[pd.Series, Any], pd.Series]] = {
    "strip": _str_method("strip"),
    "upper": _str_method("upper"),
    "lower": _str_method("lower"),
    "zfill": _str_method("zfill"),
    "remove_prefix": _str_method("removeprefix"),
    "collapse_whitespace": _collapse,
    "nfkc": _nfkc,
    "replace": _replace,
    "decimal": _as_written,
}
