"""GTIN standardisation: check digits, GTIN-14 text and GS1 prefix facts.

Product barcodes arrive as EAN-8, UPC-12, EAN-13 or GTIN-14, sometimes with spaces or hyphens
and sometimes damaged by Excel (``6.90123E+12``). Everything is stored as GTIN-14 text; a code
whose check digit fails is kept out of the standard form and reported, never "repaired".
All functions on Series are vectorised: they are used on whole product masters.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

GtinStatus = Literal["valid", "invalid_check_digit", "malformed", "missing"]
GTIN_STATUSES: tuple[GtinStatus, ...] = ("valid", "invalid_check_digit", "malformed", "missing")
GTIN_LENGTHS: frozenset[int] = frozenset({8, 12, 13, 14})

CHINA_PREFIXES = range(690, 700)
"""GS1 China member prefixes 690–699."""
RESTRICTED_CIRCULATION_PREFIXES = range(200, 300)
"""In-store / variable-weight numbers: assigned by a retailer, not globally unique."""

# Weights for the 13 body digits of a GTIN-14, 3,1,3,… counted from the right of the body.
_BODY_WEIGHTS = np.array([3 if i % 2 == 0 else 1 for i in range(13)], dtype=np.int64)
_SEPARATORS = r"[\s\-‐‑–—]"


def gtin_check_digit(body: str) -> int:
    """Return the check digit for ``body`` (a GTIN without its check digit, 7, 11, 12 or 13 digits)."""
    if not body.isdigit():
        raise ValueError(f"GTIN body must be digits, got {body!r}")
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return (10 - total % 10) % 10


def is_valid_gtin(code: str) -> bool:
    """True when ``code`` is an 8/12/13/14-digit GTIN whose check digit is right."""
    code = code.strip()
    return code.isdigit() and len(code) in GTIN_LENGTHS and gtin_check_digit(code[:-1]) == int(code[-1])


def _clean_text(values: pd.Series) -> np.ndarray:
    """GTIN text as a numpy unicode array: NFKC (full-width digits), separators dropped, blanks empty.

    Clean digit strings, the usual case, skip the per-value Python work entirely.
    """
    raw = values.to_numpy(dtype=object, na_value="")
    text = np.asarray(raw, dtype=str) if len(raw) else np.zeros(0, dtype="U1")
    if text.size == 0:
        return text
    width = text.dtype.itemsize // 4
    non_ascii_digit = text.view(np.uint32).reshape(len(text), width).max(axis=1) > ord("9")
    # numpy's isdigit accepts full-width digits, which NFKC must turn into ASCII first.
    dirty = (~np.strings.isdigit(text) | non_ascii_digit) & (np.strings.str_len(text) > 0)
    if dirty.any():
        cleaned = [re.sub(_SEPARATORS, "", unicodedata.normalize("NFKC", v)) for v in text[dirty].tolist()]
        text = text.astype(f"U{max(text.dtype.itemsize // 4, max(map(len, cleaned), default=1), 1)}")
        text[dirty] = cleaned
    return text


def _check_digits_ok(gtin14: np.ndarray) -> np.ndarray:
    """Vectorised check-digit test over an array of 14-digit strings."""
    if gtin14.size == 0:
        return np.zeros(0, dtype=bool)
    digits = gtin14.astype("U14").view(np.uint32).reshape(-1, 14).astype(np.int64) - 48
    expected = (10 - (digits[:, :13] @ _BODY_WEIGHTS) % 10) % 10
    return expected == digits[:, 13]


def _between(numbers: np.ndarray, allowed: range) -> np.ndarray:
    return (numbers >= allowed.start) & (numbers < allowed.stop)


@dataclass(frozen=True)
class _GtinParts:
    """The vectorised reading of a GTIN column that every public function builds on."""

    lengths: np.ndarray
    missing: np.ndarray
    well_formed: np.ndarray
    padded: np.ndarray
    """GTIN-14 text of the well-formed values only."""
    check_ok: np.ndarray


def _read_gtins(values: pd.Series) -> _GtinParts:
    text = _clean_text(values)
    lengths = np.strings.str_len(text)
    missing = (lengths == 0) | np.strings.isspace(text)
    well_formed = np.strings.isdigit(text) & np.isin(lengths, list(GTIN_LENGTHS))
    padded = (
        np.strings.zfill(text[well_formed], 14).astype("U14") if well_formed.any() else np.zeros(0, "U14")
    )
    check_ok = np.zeros(len(text), dtype=bool)
    check_ok[well_formed] = _check_digits_ok(padded)
    return _GtinParts(lengths, missing, well_formed, padded, check_ok)


def _prefix_numbers(parts: _GtinParts) -> tuple[np.ndarray, np.ndarray]:
    """GS1 prefix text (well-formed values only) and its number per value (-1 when unknown)."""
    # EAN-8 keeps its prefix in its own first digits; longer codes are read as GTIN-13 (GTIN-14 minus indicator).
    is_ean8 = parts.lengths[parts.well_formed] == 8
    prefix_text = np.where(
        is_ean8, np.strings.slice(parts.padded, 6, 9), np.strings.slice(parts.padded, 1, 4)
    ).astype(object)
    numbers = np.full(len(parts.lengths), -1, dtype=np.int64)
    if parts.well_formed.any():
        numbers[parts.well_formed] = prefix_text.astype(np.int64)
    return prefix_text, numbers


def valid_gtin_mask(values: pd.Series) -> np.ndarray:
    """True where the value is a well-formed GTIN with a correct check digit (the fast path for checks)."""
    return _read_gtins(values).check_ok


def restricted_circulation_mask(values: pd.Series) -> np.ndarray:
    """True where a well-formed GTIN carries an in-store / variable-weight prefix (200–299)."""
    return _between(_prefix_numbers(_read_gtins(values))[1], RESTRICTED_CIRCULATION_PREFIXES)


def gtin_facts(values: pd.Series) -> pd.DataFrame:
    """Classify each GTIN and describe its GS1 prefix.

    Returns a frame on ``values.index`` with columns ``gtin14`` (standard text, only for valid codes),
    ``gtin_status`` (one of :data:`GTIN_STATUSES`), ``gs1_prefix`` (3 digits, for well-formed codes),
    ``is_china_prefix`` and ``is_restricted_circulation`` (200–299: not globally unique, a steward flag).
    """
    parts = _read_gtins(values)
    status = np.full(len(parts.lengths), "malformed", dtype=object)
    status[parts.missing] = "missing"
    status[parts.well_formed] = np.where(parts.check_ok[parts.well_formed], "valid", "invalid_check_digit")
    prefix_text, prefix_number = _prefix_numbers(parts)
    prefix = np.full(len(parts.lengths), None, dtype=object)
    prefix[parts.well_formed] = prefix_text
    gtin14 = np.full(len(parts.lengths), None, dtype=object)
    gtin14[parts.check_ok] = parts.padded[parts.check_ok[parts.well_formed]]
    return pd.DataFrame(
        {
            "gtin14": pd.array(gtin14, dtype="string"),
            "gtin_status": pd.array(status, dtype="string"),
            "gs1_prefix": pd.array(prefix, dtype="string"),
            "is_china_prefix": _between(prefix_number, CHINA_PREFIXES),
            "is_restricted_circulation": _between(prefix_number, RESTRICTED_CIRCULATION_PREFIXES),
        },
        index=values.index,
    )


def classify_gtin(values: pd.Series) -> pd.Series:
    """Return ``valid``, ``invalid_check_digit``, ``malformed`` or ``missing`` for each value."""
    return gtin_facts(values)["gtin_status"]


def normalise_gtin(values: pd.Series) -> pd.Series:
    """Return each valid GTIN as 14-digit text (leading zeros added); invalid or missing codes become NA."""
    return gtin_facts(values)["gtin14"]
