"""Six-digit Chinese postcodes, including the ones Excel stored as numbers and stripped of a leading zero.

Postcodes beginning with 0 exist (内蒙古 01–02, 山西 03–04); read as numbers they come back with five digits.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

import pandas as pd

from cleansing.text import EXCEL_FLOAT_TAIL, apply_distinct, is_blank

__all__ = ["PostcodeResult", "PostcodeStatus", "clean_postcode", "clean_postcodes"]

PostcodeStatus = Literal["valid", "lost_leading_zero", "malformed", "missing"]


@dataclass(frozen=True)
class PostcodeResult:
    """``postcode`` is six digits or None; ``lost_leading_zero`` means a zero was put back and wants a look."""

    postcode: str | None
    status: PostcodeStatus


def clean_postcode(value: object) -> PostcodeResult:
    """NFKC, strip spaces and a ``.0`` float tail; 6 digits valid, 5 digits restored with a flag."""
    if is_blank(value):
        return PostcodeResult(None, "missing")
    text = unicodedata.normalize("NFKC", str(value)).strip()
    text = EXCEL_FLOAT_TAIL.sub("", re.sub(r"[\s\-]", "", text))
    if not text.isdigit():
        return PostcodeResult(None, "malformed")
    if set(text) == {"0"}:
        return PostcodeResult(None, "missing")
    if len(text) == 6:
        return PostcodeResult(text, "valid")
    if len(text) == 5:
        return PostcodeResult("0" + text, "lost_leading_zero")
    return PostcodeResult(None, "malformed")


def clean_postcodes(series: pd.Series) -> pd.DataFrame:
    """Vectorised :func:`clean_postcode`: ``postcode`` and ``postcode_status``."""
    results = apply_distinct(series, clean_postcode, na_value=PostcodeResult(None, "missing"))
    return pd.DataFrame(
        {
            "postcode": pd.array(results.take_field("postcode"), dtype="string"),
            "postcode_status": pd.array(results.take_field("status"), dtype="string"),
        },
        index=series.index,
    )
