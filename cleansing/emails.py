"""E-mail addresses: lower-cased, trimmed, checked for a plausible shape; anything else is unknown."""

from __future__ import annotations

import re
import unicodedata

import pandas as pd

from cleansing.text import is_blank, map_distinct

__all__ = ["normalise_email", "normalise_emails"]

_EMAIL = re.compile(
    r"^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*@([a-z0-9-]+\.)+[a-z]{2,}$"
)
_CELL_SEPARATORS = re.compile(r"[;,\s]+")


def normalise_email(value: object) -> str | None:
    """The first address in the cell, NFKC (full-width ＠ → @), trimmed and lower-cased; invalid → None."""
    if is_blank(value):
        return None
    text = unicodedata.normalize("NFKC", str(value)).strip().lower()
    text = text.removeprefix("mailto:")
    first = next((piece for piece in _CELL_SEPARATORS.split(text) if piece), "")
    first = first.strip("<>()\"'.")
    return first if _EMAIL.match(first) and ".." not in first else None


def normalise_emails(series: pd.Series) -> pd.Series:
    """Vectorised :func:`normalise_email` as a nullable string Series."""
    return pd.Series(pd.array(map_distinct(series, normalise_email), dtype="string"), index=series.index)
