"""Text normalisation shared by every standardiser, and the per-distinct-value mapping that keeps it fast.

Sources mix full-width and half-width characters, traditional and simplified Chinese and stray whitespace;
two spellings of one name must become one string before anything compares them. Traditional → simplified
uses plain OpenCC ``t2s``: ``tw2sp`` also rewrites vocabulary (積體電路 → 集成电路), which changes legal names.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from functools import lru_cache
from operator import attrgetter
from typing import Any

import numpy as np
import opencc
import pandas as pd

__all__ = [
    "DistinctResults",
    "apply_distinct",
    "apply_distinct_rows",
    "chinese_characters",
    "chinese_numerals_to_arabic",
    "distinct_code_pairs",
    "distinct_values",
    "is_blank",
    "map_distinct",
    "map_distinct_tuples",
    "normalise_brackets",
    "normalise_text",
    "normalise_text_series",
    "normalise_text_values",
    "object_array",
    "to_simplified",
    "to_simplified_values",
]

_T2S = opencc.OpenCC("t2s")
_WHITESPACE = re.compile(r"\s+")
_CJK_CHARACTER = re.compile("[\u3400-\u9fff]")
_BRACKETS = str.maketrans(
    {
        "【": "(",
        "】": ")",
        "〔": "(",
        "〕": ")",
        "［": "(",
        "］": ")",
        "[": "(",
        "]": ")",
        "〖": "(",
        "〗": ")",
        "｛": "(",
        "｝": ")",
        "{": "(",
        "}": ")",
        "﹙": "(",
        "﹚": ")",
    }
)

_OTHER_BRACKET = re.compile("[" + re.escape("".join(chr(c) for c in _BRACKETS)) + "]")

_DIGITS = {
    "零": 0,
    "〇": 0,
    "○": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_UNITS = {"十": 10, "百": 100, "千": 1000}
# Numerals are only rewritten before a house-number word, so place names such as 三里屯 or 五道口 survive.
_HOUSE_NUMBER = re.compile(
    r"([零〇○一二两三四五六七八九十百千]+)(?=号|栋|幢|座|层|楼|室|单元|弄|巷|户|门|期|街坊)"
)


def is_blank(value: Any) -> bool:
    """True for None, NaN/NA and strings that are empty after stripping whitespace."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float) and value != value:
        return True
    return isinstance(value, str) and not value.strip()


@lru_cache(maxsize=200_000)
def to_simplified(text: str) -> str:
    """Traditional → simplified Chinese with OpenCC ``t2s`` (characters only, no vocabulary rewriting)."""
    return _T2S.convert(text)


def normalise_text(value: Any) -> str | None:
    """NFKC, traditional → simplified, whitespace collapsed and stripped; blank → None.

    NFKC turns full-width letters, digits and punctuation into their half-width forms (（） → ()).
    """
    if is_blank(value):
        return None
    text = unicodedata.normalize("NFKC", str(value))
    text = unicodedata.normalize("NFKC", to_simplified(text))
    text = _WHITESPACE.sub(" ", text).strip()
    return text or None


_BLOCK_SEPARATOR = "\n"
_BLOCK_SIZE = 20_000


def to_simplified_values(texts: list[str]) -> list[str]:
    """:func:`to_simplified` of each text, converting blocks of texts in one OpenCC call each.

    OpenCC's max-match segmentation never matches across a line break (no dictionary entry holds one),
    so converting ``"\\n".join(texts)`` and splitting gives each text's own conversion at a fraction of
    the per-call cost. Texts that hold a line break themselves are converted one by one; pure ASCII
    texts are left alone (OpenCC has no entry for them).
    """
    out = list(texts)
    block_positions = [
        i for i, text in enumerate(texts) if not text.isascii() and _BLOCK_SEPARATOR not in text
    ]
    for first in range(0, len(block_positions), _BLOCK_SIZE):
        positions = block_positions[first : first + _BLOCK_SIZE]
        converted = _T2S.convert(_BLOCK_SEPARATOR.join([texts[i] for i in positions])).split(_BLOCK_SEPARATOR)
        if len(converted) != len(positions):  # never expected; stay correct regardless
            converted = [_T2S.convert(texts[i]) for i in positions]
        for i, text in zip(positions, converted, strict=True):
            out[i] = text
    for i, text in enumerate(texts):
        if _BLOCK_SEPARATOR in text and not text.isascii():
            out[i] = _T2S.convert(text)
    return out


def normalise_text_values(values: Any) -> list[str | None]:
    """:func:`normalise_text` of each value (an iterable), with the OpenCC step done in blocks."""
    values = list(values)
    out: list[str | None] = [None] * len(values)
    positions = [i for i, value in enumerate(values) if not is_blank(value)]
    nfkc = unicodedata.normalize
    simplified = to_simplified_values([nfkc("NFKC", str(values[i])) for i in positions])
    collapse = _WHITESPACE.sub
    for i, text in zip(positions, simplified, strict=True):
        out[i] = collapse(" ", nfkc("NFKC", text)).strip() or None
    return out


def chinese_characters(text: str) -> int:
    """How many Chinese characters ``text`` holds."""
    return len(_CJK_CHARACTER.findall(text))


def normalise_brackets(text: str) -> str:
    """Map the other bracket shapes (【】〔〕［］…) onto ASCII ``()``; call after NFKC."""
    # translate() with a dict looks up every character; most texts hold none of these brackets
    return text.translate(_BRACKETS) if _OTHER_BRACKET.search(text) else text


def _numeral_value(numeral: str) -> int | None:
    if not any(c in _UNITS for c in numeral):
        # 一八五 is read digit by digit
        return int("".join(str(_DIGITS[c]) for c in numeral)) if all(c in _DIGITS for c in numeral) else None
    total, digit = 0, None
    for char in numeral:
        if char in _DIGITS:
            digit = _DIGITS[char]
        else:
            total += (1 if digit is None else digit) * _UNITS[char]
            digit = None
    return total + (digit or 0)


def chinese_numerals_to_arabic(text: str) -> str:
    """Rewrite Chinese numerals in house numbers as Arabic digits: 一八五号 → 185号, 二十三号 → 23号."""

    def replace(match: re.Match[str]) -> str:
        value = _numeral_value(match.group(1))
        return match.group(1) if value is None else str(value)

    return _HOUSE_NUMBER.sub(replace, text)


def object_array(values: list[Any]) -> np.ndarray:
    """A 1-d object array holding ``values`` as they are (tuples stay elements)."""
    return np.fromiter(values, dtype=object, count=len(values))


_object_array = object_array


@dataclass(frozen=True)
class DistinctResults:
    """One result per distinct input (``results``) and each row's position in it (``codes``)."""

    codes: np.ndarray
    results: np.ndarray

    def take(self) -> np.ndarray:
        """The results aligned with the input rows."""
        return self.results[self.codes]

    def take_field(self, name: str) -> np.ndarray:
        """One attribute of the results (None where a result is None), aligned with the input rows."""
        return _object_array([None if r is None else getattr(r, name) for r in self.results])[self.codes]

    def take_fields(self, names: tuple[str, ...]) -> dict[str, np.ndarray]:
        """:meth:`take_field` for several attributes, reading each result once."""
        get = attrgetter(*names)
        empty = (None,) * len(names)
        rows = [empty if r is None else get(r) for r in self.results]
        if len(names) == 1:
            rows = [row if r is None else (row,) for r, row in zip(self.results, rows, strict=True)]
        columns = zip(*rows, strict=True) if rows else [()] * len(names)
        return {
            name: np.fromiter(column, dtype=object, count=len(rows))[self.codes]
            for name, column in zip(names, columns, strict=True)
        }


def distinct_values(uniques: pd.Index) -> Any:
    """The distinct values ``pd.factorize`` found, ready to iterate: an index of text (Arrow-backed,
    many times slower to iterate) as a Python object array of the same strings, any other as it is."""
    if isinstance(uniques.dtype, pd.StringDtype):
        return np.asarray(uniques, dtype=object)
    return uniques


def apply_distinct(series: pd.Series, func: Callable[[Any], Any], na_value: Any = None) -> DistinctResults:
    """Call ``func`` once per distinct non-blank value of ``series``; blank values get ``na_value``.

    The work is proportional to the number of distinct values, which is what keeps a million-row
    standardisation within seconds.
    """
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    results = [na_value if is_blank(u) else func(u) for u in distinct_values(uniques)]
    # code -1 (a missing value) picks the last entry: na_value
    return DistinctResults(codes, _object_array([*results, na_value]))


def map_distinct(series: pd.Series, func: Callable[[Any], Any], na_value: Any = None) -> np.ndarray:
    """:func:`apply_distinct` as an object array aligned with ``series``."""
    return apply_distinct(series, func, na_value).take()


def _distinct_codes(columns: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Group rows by the combination of several integer code arrays: (group per row, first row per group)."""
    combined = np.zeros(len(columns[0]), dtype=np.int64)
    for codes in columns:
        codes = np.asarray(codes, dtype=np.int64) + 1  # -1 (missing) becomes a code of its own
        combined = combined * (int(codes.max(initial=0)) + 1) + codes
        combined = pd.factorize(combined)[0].astype(np.int64)  # keep the mixed-radix key small
    # factorize numbers the groups in order of first appearance, so group k's first row is the k-th
    _, firsts = np.unique(combined, return_index=True)
    return combined.astype(np.intp), firsts


def distinct_code_pairs(left: np.ndarray, right: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Group rows by (``left``, ``right``) integer codes: (group per row, first row of each group)."""
    return _distinct_codes([left, right])


def apply_distinct_rows(columns: list[pd.Series], func: Callable[..., Any]) -> DistinctResults:
    """Call ``func(*values)`` once per distinct combination of several aligned columns (blanks as None)."""
    if not columns or not len(columns[0]):
        return DistinctResults(np.zeros(0, dtype=np.intp), _object_array([]))
    values = [c.to_numpy(dtype=object) for c in columns]
    codes, firsts = _distinct_codes([pd.factorize(v, use_na_sentinel=True)[0] for v in values])
    results = [func(*(None if is_blank(v[row]) else v[row] for v in values)) for row in firsts]
    return DistinctResults(codes, _object_array(results))


def map_distinct_tuples(columns: list[pd.Series], func: Callable[..., Hashable]) -> np.ndarray:
    """:func:`apply_distinct_rows` as an object array aligned with the columns."""
    return apply_distinct_rows(columns, func).take()


def normalise_text_series(series: pd.Series) -> pd.Series:
    """Vectorised :func:`normalise_text`: a nullable string Series, same index, blanks as ``pd.NA``."""
    return pd.Series(pd.array(map_distinct(series, normalise_text), dtype="string"), index=series.index)


INVISIBLE_CHARACTERS = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f"
    "\u202a-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0]"
)
"""Zero-width spaces and joiners, direction marks, soft hyphens, BOMs, variation selectors."""


EXCEL_FLOAT_TAIL = re.compile(r"\.0+$")
"""What a spreadsheet cell read as a number adds to a whole number written in it (``2000.0``, ``9.0``)."""


def normalise_code(value: Any) -> Any:
    """A code as a system would compare it: NFKC (full-width digits and letters → ASCII), invisible
    characters removed, no-break and other spaces at the ends trimmed. Non-text passes through."""
    if not isinstance(value, str):
        return value
    cleaned = INVISIBLE_CHARACTERS.sub("", unicodedata.normalize("NFKC", value)).strip()
    return cleaned or None


def normalise_codes(values: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """``normalise_code`` over a column, once per distinct value; also the mask of values it changed.

    Nearly every code is plain ASCII with nothing around it, which ``normalise_code`` leaves as it is
    (NFKC changes no ASCII and no invisible character is ASCII): those are recognised in one cheap pass
    and only the others are normalised.
    """
    array = values.to_numpy(dtype=object)
    as_is = np.fromiter(
        (type(v) is str and v != "" and v.isascii() and v.strip() == v for v in array),
        dtype=bool,
        count=len(array),
    )
    changed = np.zeros(len(array), dtype=bool)
    if as_is.all():
        return pd.Series(array, index=values.index, dtype=object), changed
    rest = values[~as_is]
    present = rest.notna().to_numpy()
    # missing stays None
    normalised = np.where(present, map_distinct(rest, normalise_code), None)  # type: ignore[call-overload]  # numpy's stubs refuse None, which numpy takes as an object value
    changed[~as_is] = present & (normalised != rest.to_numpy(dtype=object))
    out = array.copy()
    out[~as_is] = normalised
    return pd.Series(out, index=values.index, dtype=object), changed
