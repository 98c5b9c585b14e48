"""The one reader of numbers written as text: amounts, prices, quantities, rates.

A number is accepted only when it can be read one way. ``1,234.50`` and ``¥1,234.50`` are 1234.50
under the default separators (decimal ``.``, thousands ``,``); ``1.234,50`` would silently become
1.2345 and ``1,2,3`` 123 if separators were simply stripped, so such values are refused with a reason
that says how to declare the separators the source really uses. ``inf``, ``NaN`` and friends are never
numbers. Accounting negatives ``(12.50)`` read as -12.50; full-width digits and separators are
normalised first (NFKC).

Everything is done once per distinct value, so a million prices cost what their distinct values cost.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache

import pandas as pd

SEPARATORS = (".", ",", " ", "'")
"""What a source may declare as its decimal or thousands separator (space: also a narrow no-break space)."""
_CURRENCY = re.compile(r"^(?:CNY|RMB|USD|EUR|[¥$€£])\s*|\s*(?:CNY|RMB|USD|EUR|元|[¥$€£])$", re.IGNORECASE)
_PLAIN_DECIMAL = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?")
_ALL_PLAIN = re.compile(rf"(?:{_PLAIN_DECIMAL.pattern}\x00)*{_PLAIN_DECIMAL.pattern}")
_NON_FINITE = {"inf", "+inf", "-inf", "infinity", "+infinity", "-infinity", "nan", "+nan", "-nan", "snan"}


@dataclass(frozen=True)
class NumberFormat:
    """How a source writes numbers. The default reads ``1,234.50``."""

    decimal: str = "."
    thousands: str | None = ","

    def __post_init__(self) -> None:
        if self.decimal not in (".", ","):
            raise ValueError(f"decimal separator must be '.' or ',', not {self.decimal!r}")
        if self.thousands is not None and self.thousands not in SEPARATORS:
            raise ValueError(
                f"thousands separator must be one of {SEPARATORS} or none, not {self.thousands!r}"
            )
        if self.thousands == self.decimal:
            raise ValueError(f"the decimal and thousands separators are both {self.decimal!r}")

    def pattern(self) -> re.Pattern[str]:
        """The whole-value pattern of a number written this way (built once per format)."""
        return _number_pattern(self.decimal, self.thousands)


@lru_cache(maxsize=16)
def _number_pattern(decimal: str, thousands: str | None) -> re.Pattern[str]:
    d = re.escape(decimal)
    fraction = rf"(?:{d}\d+)?"
    plain = rf"\d+{fraction}|{d}\d+"
    if thousands is None:
        return re.compile(rf"[+-]?(?:{plain})")
    t = re.escape(thousands)
    grouped = rf"\d{{1,3}}(?:{t}\d{{3}})+{fraction}"
    return re.compile(rf"[+-]?(?:{grouped}|{plain})")


DEFAULT_FORMAT = NumberFormat()


@dataclass(frozen=True)
class ParsedNumber:
    value: Decimal | None
    problem: str | None
    """Why the text is not a number; ``None`` when it is one (or is blank)."""


def parse_number(
    text: object, number_format: NumberFormat = DEFAULT_FORMAT, percent: bool = False
) -> ParsedNumber:
    """Read one value. Blank and missing give ``ParsedNumber(None, None)``.

    With ``percent=True`` a trailing ``%`` divides by 100 (``13%`` → 0.13).
    """
    if text is None or (isinstance(text, float) and text != text) or text is pd.NA:
        return ParsedNumber(None, None)
    if type(text) is str and number_format.decimal == "." and _PLAIN_DECIMAL.fullmatch(text):
        # the common case, 1234.50 as a system writes it: nothing to normalise, one way to read it
        return ParsedNumber(Decimal(text), None)
    raw = unicodedata.normalize("NFKC", str(text)).strip().replace("\u202f", " ")
    if not raw:
        return ParsedNumber(None, None)
    if raw.lower() in _NON_FINITE:
        return ParsedNumber(None, "is not a finite number")
    body, negative = raw, False
    if body.startswith("(") and body.endswith(")"):
        body, negative = body[1:-1].strip(), True
    sign = ""
    if body[:1] in ("+", "-"):
        sign, body = body[0], body[1:].strip()
    body = sign + _CURRENCY.sub("", body).strip()
    scale = 1
    if percent and body.endswith("%"):
        body, scale = body[:-1].strip(), 100
    if not number_format.pattern().fullmatch(body):
        return ParsedNumber(None, _why_not(body, number_format))
    digits = body if number_format.thousands is None else body.replace(number_format.thousands, "")
    digits = digits.replace(number_format.decimal, ".")
    try:
        value = Decimal(digits)
    except InvalidOperation:
        return ParsedNumber(None, "is not a number")
    if negative:
        value = -value
    return ParsedNumber(value / scale if scale != 1 else value, None)


def _why_not(body: str, number_format: NumberFormat) -> str:
    """A reason a steward can act on: which separator reading was refused, and what to declare."""
    d, t = number_format.decimal, number_format.thousands
    other = "," if d == "." else "."
    if re.fullmatch(r"[+-]?[\d.,]+\s*[万亿]", body):
        return (
            "is written in 万 or 亿 (tens of thousands, hundreds of millions), which is not converted; "
            "write the number out in full in the source"
        )
    if not re.fullmatch(r"[+-]?[\d.,' ]+", body) or not re.search(r"\d", body):
        return "is not a number"
    if " " in body and t != " ":
        decimal = "," if "," in body.rsplit(" ", 1)[-1] else d
        return (
            "groups digits with spaces, which this source does not declare; declare the source's "
            f"separators in the mapping (numbers: {{decimal: '{decimal}', thousands: ' '}})"
        )
    if d in body and other in body and body.rfind(other) > body.rfind(d):
        return (
            f"looks like a number written with '{other}' as the decimal separator; "
            f"declare the source's separators in the mapping (numbers: {{decimal: '{other}', thousands: '{d}'}})"
        )
    if t is not None and t in body:
        hint = f"; if '{t}' is this source's decimal separator, declare it in the mapping (numbers: {{decimal: '{t}'}})"
        return f"has the thousands separator '{t}' in the wrong places (ambiguous, not guessed)" + (
            hint if t in (".", ",") else ""
        )
    if other in body:
        return (
            f"uses '{other}', which this source does not declare; declare the source's separators in the "
            "mapping (numbers: {decimal: …, thousands: …})"
        )
    return "is not a number"


_parse_text = lru_cache(maxsize=1 << 17)(
    lambda text, number_format, percent: parse_number(text, number_format, percent)
)
"""``parse_number`` remembered for text: the same price column is read by several rules of one run."""


def parse_numbers(
    values: pd.Series, number_format: NumberFormat = DEFAULT_FORMAT, percent: bool = False
) -> tuple[pd.Series, pd.Series]:
    """Read a column: ``(Decimal or None per row, problem or None per row)``, once per distinct value."""
    codes, distinct = pd.factorize(values.astype(object), use_na_sentinel=True)
    read, why = parse_distinct_numbers(list(distinct), number_format, percent)
    numbers = pd.Series([*read, None], dtype=object)
    problems = pd.Series([*why, None], dtype=object)
    return (
        pd.Series(numbers.to_numpy()[codes], index=values.index, dtype=object),
        pd.Series(problems.to_numpy()[codes], index=values.index, dtype=object),
    )


def _all_plain(values: Sequence[object]) -> bool:
    """Whether every value is text written as a plain decimal (``-1234.50``)."""
    try:
        joined = "\x00".join(values)  # type: ignore[arg-type]
    except TypeError:  # not all text
        return False
    # a value holding NUL itself would pass as two numbers
    return joined.count("\x00") == len(values) - 1 and _ALL_PLAIN.fullmatch(joined) is not None


def parse_distinct_numbers(
    distinct: Sequence[object], number_format: NumberFormat = DEFAULT_FORMAT, percent: bool = False
) -> tuple[list[Decimal | None], list[str | None]]:
    """Read values already made distinct: ``(Decimal or None, problem or None)`` per value.

    When every value is a plain decimal (checked in one pass over the values joined by NUL), each is
    read straight to ``Decimal``.
    """
    if number_format.decimal == "." and distinct and _all_plain(distinct):
        return list(map(Decimal, distinct)), [None] * len(distinct)  # type: ignore[arg-type]
    plain = _PLAIN_DECIMAL.fullmatch if number_format.decimal == "." else None
    read: list[Decimal | None] = []
    why: list[str | None] = []
    for v in distinct:
        if plain is not None and type(v) is str and plain(v):  # parse_number's fast path, without a call
            read.append(Decimal(v))
            why.append(None)
            continue
        parsed = (
            _parse_text(v, number_format, percent)
            if isinstance(v, str)
            else parse_number(v, number_format, percent)
        )
        read.append(parsed.value)
        why.append(parsed.problem)
    return read, why
