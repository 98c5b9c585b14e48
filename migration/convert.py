"""Turn frame columns (text as ingested, or already typed) into the store's column types.

Strings come in, typed values go out: ``Decimal`` for money and quantities (never float, so
totals reconcile to the cent), ``date`` for dates, ``int`` for counts. A value that cannot be
converted raises :class:`ValueError` with the problem in words; the loader adds the table,
business key and column. The same typed values feed :func:`record_hashes`, which is what lets
a re-load tell an updated row from an unchanged one.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Boolean, Column, Date, DateTime, Float, Integer, Numeric, String, Text

from cleansing.dates import parse_date
from cleansing.numbers import parse_number

Converter = Callable[[Any], Any]

_TRUE = {"true", "t", "yes", "y", "1", "是", "有效"}
_FALSE = {"false", "f", "no", "n", "0", "否", "无效"}
_NULL_TEXT = {"", "nan", "none", "null", "nat", "<na>"}


def is_blank(value: Any) -> bool:
    """True for None, NaN, NaT, pd.NA and empty or whitespace-only text: an unknown value."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and value.strip().lower() in _NULL_TEXT


def to_text(value: Any, length: int | None) -> str:
    if isinstance(value, float) and value.is_integer():
        # an ID that travelled through a float column; 12.0 means "12", never "12.0"
        value = int(value)
    text = value.strip() if isinstance(value, str) else str(value)
    if length is not None and len(text) > length:
        raise ValueError(f"is {len(text)} characters long; the store allows at most {length}")
    return text


def _number_from_text(value: Any, percent: bool = False) -> Decimal:
    """Text read by the one number parser; a value it refuses raises ``ValueError`` with its reason."""
    parsed = parse_number(value, percent=percent)
    if parsed.problem is not None or parsed.value is None:
        raise ValueError(parsed.problem or "is not a number")
    return parsed.value


def to_decimal(value: Any, precision: int | None, scale: int | None, percent: bool = False) -> Decimal:
    """``value`` as a Decimal that fits ``Numeric(precision, scale)``; with ``percent`` text ``3%`` is 0.03."""
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, bool):
        raise ValueError("is a yes/no value, not a number")
    elif isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float):
        number = Decimal(repr(value))
    else:
        number = _number_from_text(value, percent)
    if not number.is_finite():
        raise ValueError("is not a finite number")
    if scale is not None:
        quantized = number.quantize(Decimal(1).scaleb(-scale))
        if quantized != number:
            raise ValueError(f"has more than {scale} decimal places; round it in the source or the mapping")
        number = quantized
    if precision is not None and scale is not None and abs(number) >= Decimal(10) ** (precision - scale):
        raise ValueError(f"is too large for the store (at most {precision - scale} digits before the point)")
    return number


def to_int(value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError("is a yes/no value, not a whole number")
    if isinstance(value, int):
        return value
    number = to_decimal(value, None, None)
    if number != number.to_integral_value():
        raise ValueError("is not a whole number")
    return int(number)


def to_date(value: Any) -> date:
    parsed = parse_date(value)
    if parsed is None:
        raise ValueError("is not a date; write it as YYYY-MM-DD")
    return parsed


def to_datetime(value: Any) -> datetime:
    if isinstance(value, datetime):
        moment = value
    else:
        try:
            moment = datetime.fromisoformat(str(value).strip())
        except ValueError:
            raise ValueError("is not a timestamp; write it as YYYY-MM-DDTHH:MM:SS+08:00") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def to_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError("is not a yes/no value (true/false, 1/0)")


def to_float(value: Any) -> float:
    """A finite float; text is read by the one number parser, so ``1,2,3`` or ``inf`` never gets in."""
    if isinstance(value, bool):
        raise ValueError("is a yes/no value, not a number")
    if isinstance(value, int | float | Decimal):
        number = float(value)
    else:
        number = float(_number_from_text(value))
    if not math.isfinite(number):
        raise ValueError("is not a finite number")
    return number


def to_json_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def converter_for(column: Column) -> Converter:
    """The conversion a value needs to be stored in ``column``."""
    kind = column.type
    if isinstance(kind, Numeric) and not isinstance(kind, Float):
        percent = bool(column.info.get("percent"))
        return lambda v: to_decimal(v, kind.precision, kind.scale, percent)
    if isinstance(kind, Float):
        return to_float
    if isinstance(kind, Integer):
        return to_int
    if isinstance(kind, DateTime):
        return to_datetime
    if isinstance(kind, Date):
        return to_date
    if isinstance(kind, Boolean):
        return to_bool
    if isinstance(kind, Text):
        return to_json_text
    if isinstance(kind, String):
        return lambda v: to_text(v, kind.length)
    raise TypeError(f"no converter for {column.table.name}.{column.name} of type {kind!r}")


_MISSING = object()
_CACHE_LIMIT = 200_000


def convert_column(values: pd.Series, convert: Converter) -> tuple[list[Any], int | None, str | None]:
    """Convert every value; return the typed list, or the position and problem of the first failure.

    Blanks become ``None``. Repeated values (dates, statuses, tiers) are converted once.
    """
    typed: list[Any] = []
    cache: dict[Any, Any] = {}
    missing = values.isna().tolist()
    for position, (value, is_missing) in enumerate(zip(values.tolist(), missing, strict=True)):
        if is_missing:
            typed.append(None)
            continue
        try:
            key: Any = (value, type(value))
            result = cache.get(key, _MISSING)
        except TypeError:  # unhashable, e.g. a dict for a JSON column
            key, result = None, _MISSING
        if result is _MISSING:
            if isinstance(value, str) and value.strip().lower() in _NULL_TEXT:
                result = None
            else:
                try:
                    result = convert(value)
                except ValueError as exc:
                    return typed, position, str(exc)
            if key is not None and len(cache) < _CACHE_LIMIT:
                cache[key] = result
        typed.append(result)
    return typed, None, None


def text_as_stored(values: pd.Series, column: Column) -> list[str] | None:
    """The column's values as they are, when every one is text a ``String`` column stores unchanged:
    no blank, no surrounding space, none too long. ``None`` when any needs :func:`convert_column_all`.

    Each test is one C-level pass over the column, so the ids and names that make up most of a
    load skip the conversion per distinct value.
    """
    kind = column.type
    if not isinstance(kind, String) or isinstance(kind, Text) or values.dtype not in (object, "str"):
        return None
    texts = values.tolist()
    try:
        "".join(texts)  # only text joins
    except TypeError:
        return None
    if not texts or list(map(str.strip, texts)) != texts or not _NULL_TEXT.isdisjoint(map(str.lower, texts)):
        return None
    if kind.length is not None and max(map(len, texts)) > kind.length:
        return None
    return texts


def convert_column_all(values: pd.Series, convert: Converter) -> tuple[list[Any], dict[int, str]]:
    """Convert every value; a value that fails becomes ``None`` and its position maps to the problem.

    Blanks become ``None``. Each distinct value is converted once (a column of a million order
    dates has a few hundred), then spread back over the rows.
    """
    try:
        codes, distinct = pd.factorize(values.astype(object), use_na_sentinel=True)
    except TypeError:  # unhashable values, e.g. dicts for a JSON column: one by one
        return _convert_each(values, convert)
    converted = np.empty(len(distinct) + 1, dtype=object)  # the extra last slot is for blanks (code -1)
    failed: dict[int, str] = {}
    for index, value in enumerate(distinct):
        if isinstance(value, str) and value.strip().lower() in _NULL_TEXT:
            continue
        try:
            converted[index] = convert(value)
        except ValueError as exc:
            failed[index] = str(exc)
    typed = converted[codes].tolist()
    if not failed:
        return typed, {}
    problems = {int(p): failed[int(codes[p])] for p in np.flatnonzero(np.isin(codes, list(failed)))}
    return typed, problems


def _convert_each(values: pd.Series, convert: Converter) -> tuple[list[Any], dict[int, str]]:
    typed: list[Any] = []
    problems: dict[int, str] = {}
    for position, value in enumerate(values.tolist()):
        if is_blank(value) or (isinstance(value, str) and value.strip().lower() in _NULL_TEXT):
            typed.append(None)
            continue
        try:
            typed.append(convert(value))
        except ValueError as exc:
            problems[position] = str(exc)
            typed.append(None)
    return typed, problems


def canonical_text(value: Any) -> str:
    """One spelling per typed value, for hashing: 100.00 and Decimal('100.00') hash alike."""
    if value is None:
        return "\x00"
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value)
    return str(value)


def per_distinct_value(values: list[Any], convert: Any, blank: Any = None) -> list[Any]:
    """``convert`` applied once per distinct value, spread back over the rows; ``None`` becomes ``blank``.

    A column of a million order lines holds a few hundred dates, one batch id, a handful of statuses:
    converting each distinct value once is what keeps a bulk load out of per-row Python.
    """
    if convert is None:
        return values
    try:
        # fromiter: np.asarray would probe every value for nested sequences, several times slower
        codes, distinct = pd.factorize(
            np.fromiter(values, dtype=object, count=len(values)), use_na_sentinel=True
        )
    except TypeError:  # unhashable values: one by one
        return [blank if v is None else convert(v) for v in values]
    if len(distinct) == len(values):  # every value differs (a key): nothing to share
        return [blank if v is None else convert(v) for v in values]
    converted = np.empty(len(distinct) + 1, dtype=object)  # the last slot (code -1) is for None
    converted[: len(distinct)] = [convert(v) for v in distinct]
    converted[-1] = blank
    return converted[codes].tolist()


def _canonical_column(values: list[Any]) -> list[str]:
    try:
        "".join(values)  # only a column of text joins: the check in one C loop
        return values
    except TypeError:
        pass
    return per_distinct_value(values, canonical_text, blank=canonical_text(None))


def record_hashes(columns: dict[str, list[Any]]) -> list[str]:
    """sha256 over the named typed columns of each row (column order by name, so stable)."""
    names = sorted(columns)
    texts = [_canonical_column(columns[name]) for name in names]
    rows = zip(*texts, strict=True) if texts else iter(())
    sha256 = hashlib.sha256
    return [sha256("\x1f".join(row).encode("utf-8")).hexdigest() for row in rows]
