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
    text = values.astype(object).where(values.notna(), "")
    damage = pd.Series("", index=values.index, dtype=object)
    numeric = (
        np.zeros(len(values), dtype=bool) if was_numeric is None else np.asarray(was_numeric, dtype=bool)
    )
    # Whole-column screens first (one join, a C-level search): a million IDs must not each go
    # through a regular expression when, as usual, none of them is damaged.
    joined = "\x1f" + "\x1f".join(map(str, text.tolist())) + "\x1f"
    long_possible = _LONG_DIGITS.search(joined) is not None
    if long_possible or (expectation and expectation.length):
        lengths = text.str.len().to_numpy()
        digits = text.str.isdigit().to_numpy(dtype=bool)
        long_digits = digits & (lengths > 15)
        if long_digits.any():
            trailing_zeros = np.zeros(len(values), dtype=bool)
            trailing_zeros[long_digits] = text[long_digits].str.fullmatch(r"\d{15}0+").to_numpy(dtype=bool)
            damage[long_digits & (numeric | trailing_zeros)] = TRUNCATED_15_DIGITS
        if expectation and expectation.length:
            short = digits & (lengths > 0) & (lengths < expectation.length)
            damage[short & (damage.to_numpy() == "")] = LOST_LEADING_ZEROS
    if ("E+" in joined or "e+" in joined or "E-" in joined or "e-" in joined) and _SCIENTIFIC_ANYWHERE.search(
        joined
    ):
        damage[text.str.fullmatch(_SCIENTIFIC).to_numpy(dtype=bool)] = SCIENTIFIC_NOTATION
    return damage


def restore_leading_zeros(values: pd.Series, damage: pd.Series, length: int) -> pd.Series:
    """Left-pad codes flagged ``lost_leading_zeros`` back to ``length`` digits."""
    lost = damage == LOST_LEADING_ZEROS
    if not lost.any():
        return values
    restored = values.copy()
    restored[lost] = values[lost].astype("str").str.zfill(length)
    return restored
