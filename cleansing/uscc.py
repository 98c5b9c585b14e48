"""统一社会信用代码 (USCC, GB 32100-2015): cleaning, check character and a status for every value.

The check is done here rather than with python-stdnum, whose ``cn.uscc`` rejects legitimate codes whose
first eight characters are not all digits (N-, A-, Y- registering departments). A checksum failure is a
flag for a steward, not a rejection: the cleaned code is kept with status ``invalid_checksum``.

Cleaning removes formatting only (spaces, dashes, full-width forms, lower case). The letters I and O never
occur in a code; a value containing them is read as 1 and 0 *only* when the result passes the check
character, because O could equally be a mistyped Q or D. Damaged values (Excel scientific notation,
digits lost past 15 significant figures) come back with no code at all, so two damaged values can never
look like the same identifier.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from cleansing.text import DistinctResults, is_blank, object_array

__all__ = [
    "USCC_ALPHABET",
    "UsccResult",
    "UsccStatus",
    "classify_uscc",
    "classify_uscc_series",
    "clean_uscc",
    "is_valid_organisation_code",
    "is_valid_uscc",
    "organisation_code_check_character",
    "uscc_check_character",
    "uscc_division_code",
]

UsccStatus = Literal[
    "valid",
    "invalid_checksum",
    "malformed",
    "legacy_registration_number",
    "legacy_organisation_code",
    "damaged",
    "missing",
]

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUE = {c: i for i, c in enumerate(USCC_ALPHABET)}
_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_ORG_VALUE = {c: int(c, 36) for c in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"}

_SEPARATORS = re.compile(r"[\s\-‐‑‒–—―_/\\·.,:;'\"]+")
_SCIENTIFIC = re.compile(r"^[0-9](\.[0-9]+)?E\+?[0-9]+$")
_FLOAT_TAIL = re.compile(r"^([0-9]+)\.0+$")
_PLACEHOLDERS = frozenset(
    {"无", "暂无", "没有", "NULL", "NONE", "NAN", "N/A", "NA", "-", "--", "/", "0", "#N/A", "待补充"}
)


@dataclass(frozen=True)
class UsccResult:
    """``code`` is the cleaned code (None when missing or damaged); ``corrected`` when I/O were read as 1/0."""

    code: str | None
    status: UsccStatus
    corrected: bool = False


def uscc_check_character(first17: str) -> str:
    """The 18th character for a 17-character body (weights 3^i mod 31)."""
    total = sum(_VALUE[c] * w for c, w in zip(first17, _WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def is_valid_uscc(code: str) -> bool:
    """True for an 18-character code from the USCC alphabet with a correct check character (no cleaning)."""
    return (
        isinstance(code, str)
        and len(code) == 18
        and all(c in _VALUE for c in code)
        and uscc_check_character(code[:17]) == code[17]
    )


def organisation_code_check_character(first8: str) -> str:
    """GB 11714 check character for an 8-character organisation code body (mod 11; 10 → X)."""
    total = sum(_ORG_VALUE[c] * w for c, w in zip(first8, _ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return "X" if check == 10 else "0" if check == 11 else str(check)


def is_valid_organisation_code(code: str) -> bool:
    """True for a 9-character GB 11714 organisation code with a correct check character."""
    return (
        len(code) == 9
        and all(c in _ORG_VALUE for c in code[:8])
        and organisation_code_check_character(code[:8]) == code[8]
    )


def clean_uscc(value: object) -> str | None:
    """Formatting removed: NFKC (full-width → half-width), upper case, no spaces/dashes; blank → None."""
    if is_blank(value):
        return None
    text = unicodedata.normalize("NFKC", str(value)).strip().upper()
    float_tail = _FLOAT_TAIL.match(text)
    if float_tail:
        text = float_tail.group(1)
    return _SEPARATORS.sub("", text) or None


def _classify_18(code: str) -> UsccResult:
    if is_valid_uscc(code):
        return UsccResult(code, "valid")
    if code.isdigit() and code.endswith("000"):
        return UsccResult(None, "damaged")  # Excel kept 15 significant digits and padded with zeros
    if set(code) & {"I", "O"}:
        repaired = code.replace("I", "1").replace("O", "0")
        if is_valid_uscc(repaired):
            return UsccResult(repaired, "valid", corrected=True)
    if all(c in _VALUE for c in code):
        return UsccResult(code, "invalid_checksum")
    return UsccResult(code, "malformed")


def classify_uscc(value: object) -> UsccResult:
    """Clean one value and say what it is: a valid code, a flagged one, a legacy number, damage or nothing."""
    if is_blank(value):
        return UsccResult(None, "missing")
    raw = unicodedata.normalize("NFKC", str(value)).strip().upper()
    if raw in _PLACEHOLDERS:
        return UsccResult(None, "missing")
    if _SCIENTIFIC.match(raw.replace(" ", "")):
        return UsccResult(None, "damaged")
    code = clean_uscc(raw)
    if code is None or code in _PLACEHOLDERS or set(code) == {"0"}:
        return UsccResult(None, "missing")
    if _FLOAT_TAIL.match(raw) and not is_valid_uscc(code):
        return UsccResult(None, "damaged")  # read as a number: precision is gone
    if len(code) == 18:
        return _classify_18(code)
    if len(code) == 15 and code.isdigit():
        return UsccResult(code, "legacy_registration_number")
    if len(code) == 9 and all(c in _ORG_VALUE for c in code):
        if is_valid_organisation_code(code):
            return UsccResult(code, "legacy_organisation_code")
        return UsccResult(code, "invalid_checksum")
    return UsccResult(code, "malformed")


def uscc_division_code(code: object) -> str | None:
    """Positions 3–8 of a USCC: the GB/T 2260 division where the entity was registered."""
    cleaned = clean_uscc(code)
    if cleaned is None or len(cleaned) != 18 or not cleaned[2:8].isdigit():
        return None
    return cleaned[2:8]


_PLAIN_CODE = re.compile(r"[0-9A-HJ-NPQRTUWXY]{18}")
_ALPHABET_VALUES = np.zeros(128, dtype=np.int64)
for _char, _value in _VALUE.items():
    _ALPHABET_VALUES[ord(_char)] = _value


def _plain_codes_valid(codes: list[str]) -> np.ndarray:
    """For 18-character codes already in the USCC alphabet: is the check character right? (all at once)"""
    if not codes:
        return np.zeros(0, dtype=bool)
    values = _ALPHABET_VALUES[np.frombuffer("".join(codes).encode("ascii"), dtype=np.uint8).reshape(-1, 18)]
    total = values[:, :17] @ np.array(_WEIGHTS, dtype=np.int64)
    return values[:, 17] == (31 - total % 31) % 31


def _classify_values(values: np.ndarray) -> list[UsccResult]:
    """:func:`classify_uscc` of each value; clean valid codes (the bulk of real data) checked in one pass."""
    results: list[UsccResult | None] = [None] * len(values)
    plain = [
        i
        for i, value in enumerate(values)
        if isinstance(value, str)
        and _PLAIN_CODE.fullmatch(value)
        and not _SCIENTIFIC.match(value)
        and value != "0" * 18
    ]
    for i, valid in zip(plain, _plain_codes_valid([values[i] for i in plain]), strict=True):
        if valid:
            results[i] = UsccResult(values[i], "valid")
    return [
        classify_uscc(value) if result is None else result
        for value, result in zip(values, results, strict=True)
    ]


def classify_uscc_series(series: pd.Series) -> pd.DataFrame:
    """Vectorised :func:`classify_uscc`: columns ``uscc`` and ``uscc_status``, one classification per distinct value."""
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    classified = _classify_values(np.asarray(uniques, dtype=object))
    results = DistinctResults(codes, object_array([*classified, UsccResult(None, "missing")]))
    fields = results.take_fields(("code", "status"))
    return pd.DataFrame(
        {
            "uscc": pd.array(fields["code"], dtype="string"),
            "uscc_status": pd.array(fields["status"], dtype="string"),
        },
        index=series.index,
    )
