"""Detect identifiers damaged upstream by spreadsheet software, before anyone trusts them.

Excel stores numbers as doubles and shows them with 15 significant digits. An 18-digit USCC
typed into a number cell becomes ``9.14403E+17`` when saved as CSV, or ``914403001922038000``
(every digit past the 15th lost) when read back; a postcode or SKU with a leading zero loses it.
None of these can be repaired from the value alone except the last one, and only when the
expected length is known. Damage is flagged per cell so a steward sees it; it is not guessed away.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

SCIENTIFIC_NOTATION = "scientific_notation"
TRUNCATED_15_DIGITS = "truncated_15_digits"
LOST_LEADING_ZEROS = "lost_leading_zeros"

DAMAGE_REASONS: dict[str, str] = {
    SCIENTIFIC_NOTATION: "is in scientific notation (Excel showed a long code as a number); the digits are lost",
    TRUNCATED_15_DIGITS: "has more than 15 digits stored as a number; digits after the 15th were lost",
    LOST_LEADING_ZEROS: "is shorter than the expected length and all digits; leading zeros were probably lost",
}

_SCIENTIFIC = r"[+-]?\d(?:\.\d+)?[eE][+-]\d{1,3}"
"""The way Excel and Python write a large number: one digit, decimals, ``E+17``. A USCC may
legitimately contain the letter E between digits, so the sign is required."""
_SCIENTIFIC_ANYWHERE = re.compile(r"\d[eE][+-]\d")
_LONG_DIGITS = re.compile(r"\x1f\d{16,}\x1f")
_DIGITS_AS_ZERO = bytes.maketrans(b"123456789", b"000000000")
_LONG_HEAD = b"\x1f" + b"0" * 16
_LONG_TAIL = b"0" * 16 + b"\x1f"


@dataclass(frozen=True)
class IdExpectation:
    """What a well-formed code looks like, where the mapping knows it."""

    length: int | None = None
    """Exact length of an all-digit code (enables the lost-leading-zeros check)."""


def detect_id_damage(
    values: pd.Series,
    was_numeric: np.ndarray | None = None,
    expectation: IdExpectation | None = None,
) -> pd.Series:
    """Return, per value, the kind of upstream damage (``""`` when none is visible).

    Parameters
    ----------
    values:
        Text values of one ID column (blank cells may be ``None``/NaN).
    was_numeric:
        Boolean mask of cells that were numbers in the source (Excel, JSON); a long code that was
        a number has lost precision even when its last digits are not zeros.
    expectation:
        Known exact length of the code, for lost leading zeros.
    """
    kinds = id_damage_kinds(values, was_numeric, expectation)
    if kinds is None:
        kinds = np.empty(len(values), dtype=object)
        kinds.fill("")
    return pd.Series(kinds, index=values.index, dtype=object)


def id_damage_kinds(
    values: pd.Series,
    was_numeric: np.ndarray | None = None,
    expectation: IdExpectation | None = None,
) -> np.ndarray | None:
    """Like :func:`detect_id_damage`, as an array; ``None`` when no value shows any damage."""
    # Whole-column screens first (one join, a C-level search): a million IDs must not each go
    # through a regular expression or a string method when, as usual, none of them is damaged.
    joined = _joined(values)
    long_possible = _long_digits_possible(joined)
    length = expectation.length if expectation else None
    # Any value shorter than the expected length (a superset of the all-digit ones that lost zeros).
    short_possible = (
        length is not None
        and length > 1
        and re.search(f"\x1f[^\x1f]{{1,{length - 1}}}\x1f", joined) is not None
    )
    # A sign is one character (a fast scan); only when there is one, look for an exponent.
    marks: tuple[str, ...] = ("E+", "e+") if "+" in joined else ()
    marks += ("E-", "e-") if "-" in joined else ()
    scientific = any(mark in joined for mark in marks) and _SCIENTIFIC_ANYWHERE.search(joined) is not None
    if not (long_possible or short_possible or scientific):
        return None
    text = values.astype(object).where(values.notna(), "")
    damage = pd.Series("", index=values.index, dtype=object)
    numeric = (
        np.zeros(len(values), dtype=bool) if was_numeric is None else np.asarray(was_numeric, dtype=bool)
    )
    if long_possible or short_possible:
        lengths = text.str.len().to_numpy()
        digits = text.str.isdigit().to_numpy(dtype=bool)
        long_digits = digits & (lengths > 15)
        if long_digits.any():
            trailing_zeros = np.zeros(len(values), dtype=bool)
            trailing_zeros[long_digits] = text[long_digits].str.fullmatch(r"\d{15}0+").to_numpy(dtype=bool)
            damage[long_digits & (numeric | trailing_zeros)] = TRUNCATED_15_DIGITS
        if length:
            short = digits & (lengths > 0) & (lengths < length)
            damage[short & (damage.to_numpy() == "")] = LOST_LEADING_ZEROS
    if scientific:
        damage[text.str.fullmatch(_SCIENTIFIC).to_numpy(dtype=bool)] = SCIENTIFIC_NOTATION
    kinds = damage.to_numpy()
    return kinds if (kinds != "").any() else None


def _long_digits_possible(joined: str) -> bool:
    """Whether a value of the joined column is more than 15 digits (``_LONG_DIGITS``)."""
    if joined.isascii():
        # Every digit becomes "0" in one C pass; a value of 16+ digits then shows as a separator
        # followed by 16 zeros and as 16 zeros followed by a separator, two fast substring searches.
        # Most columns fail one of them; the regular expression (slow over long runs of digits,
        # as in phone numbers and USCCs) only confirms what they let through.
        shape = joined.encode("ascii").translate(_DIGITS_AS_ZERO)
        if _LONG_HEAD not in shape or _LONG_TAIL not in shape:
            return False
    return _LONG_DIGITS.search(joined) is not None


def _joined(values: pd.Series) -> str:
    """Every value (blanks left out) between unit separators, for the whole-column screens."""
    try:
        body = "\x1f".join(values.tolist())
    except TypeError:  # blanks (None, NaN) or values that are not text
        body = "\x1f".join(map(str, values[values.notna()].tolist()))
    return "\x1f" + body + "\x1f"


def restore_leading_zeros(values: pd.Series, damage: pd.Series, length: int) -> pd.Series:
    """Left-pad codes flagged ``lost_leading_zeros`` back to ``length`` digits."""
    lost = damage == LOST_LEADING_ZEROS
    if not lost.any():
        return values
    restored = values.copy()
    restored[lost] = values[lost].astype("str").str.zfill(length)
    return restored
