"""Text normalisation shared by every standardiser, and the per-distinct-value mapping that keeps it fast.

Sources mix full-width and half-width characters, traditional and simplified Chinese and stray whitespace;
two spellings of one name must become one string before anything compares them. Traditional → simplified
uses plain OpenCC ``t2s``: ``tw2sp`` also rewrites vocabulary (積體電路 → 集成电路), which changes legal names.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Hashable
from functools import lru_cache
from typing import Any

import numpy as np
import opencc
import pandas as pd

__all__ = [
    "chinese_numerals_to_arabic",
    "is_blank",
    "map_distinct",
    "normalise_brackets",
    "normalise_text",
    "normalise_text_series",
    "to_simplified",
]

_T2S = opencc.OpenCC("t2s")
_WHITESPACE = re.compile(r"\s+")
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


def normalise_brackets(text: str) -> str:
    """Map the other bracket shapes (【】〔〕［］…) onto ASCII ``()``; call after NFKC."""
    return text.translate(_BRACKETS)


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


def map_distinct(series: pd.Series, func: Callable[[Any], Any], na_value: Any = None) -> np.ndarray:
    """Apply ``func`` once per distinct non-blank value of ``series``; blanks get ``na_value``.

    Returns an object array aligned with ``series``. The work is proportional to the number of distinct
    values, which is what keeps a million-row standardisation within seconds.
    """
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    results = [na_value if is_blank(u) else func(u) for u in uniques]
    lookup = np.empty(len(results) + 1, dtype=object)
    lookup[: len(results)] = results
    lookup[len(results)] = na_value
    return lookup[codes]


def map_distinct_tuples(columns: list[pd.Series], func: Callable[..., Hashable]) -> np.ndarray:
    """Apply ``func(*values)`` once per distinct combination of several aligned columns."""
    frame = pd.DataFrame({i: c.to_numpy(dtype=object) for i, c in enumerate(columns)})
    codes = frame.groupby(list(frame.columns), dropna=False, sort=False).ngroup().to_numpy()
    firsts = pd.Series(np.arange(len(frame))).groupby(codes).first().to_numpy()
    results = np.empty(len(firsts), dtype=object)
    rows = frame.to_numpy(dtype=object)
    for group, row in enumerate(firsts):
        results[group] = func(*(None if is_blank(v) else v for v in rows[row]))
    return results[codes]


def normalise_text_series(series: pd.Series) -> pd.Series:
    """Vectorised :func:`normalise_text`: a nullable string Series, same index, blanks as ``pd.NA``."""
    return pd.Series(pd.array(map_distinct(series, normalise_text), dtype="string"), index=series.index)
