"""Identifiers with their check characters: 统一社会信用代码 (GB 32100-2015) and GTIN-13.

Vectorised over NumPy arrays so a million codes take well under a second.
"""

from __future__ import annotations

import unicodedata

import numpy as np

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = np.array([pow(3, i, 31) for i in range(17)], dtype=np.int64)
_USCC_VALUE = {ch: i for i, ch in enumerate(USCC_ALPHABET)}


def uscc_check_char(body: str) -> str:
    """The 18th character of a USCC whose first 17 characters are ``body``."""
    total = sum(_USCC_VALUE[ch] * int(w) for ch, w in zip(body, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def is_valid_uscc(code: str) -> bool:
    """True when ``code`` is 18 characters from the USCC alphabet with a correct check character."""
    if not isinstance(code, str) or len(code) != 18 or any(ch not in _USCC_VALUE for ch in code):
        return False
    return uscc_check_char(code[:17]) == code[17]


ORG_CODE_WEIGHTS = np.array([3, 7, 9, 10, 5, 8, 4, 2], dtype=np.int64)
"""GB 11714 weights of the 9-character organisation code embedded at positions 9–17."""


def make_usccs(
    rng: np.random.Generator,
    prefixes: np.ndarray,
    division_codes: np.ndarray,
    registered_since_2016: np.ndarray | None = None,
) -> np.ndarray:
    """Valid USCCs: a 2-character registration prefix, a 6-digit division code, a 9-character
    organisation code and the check character.

    Entities registered before the 2016 reform keep their old GB 11714 organisation code (8 digits
    and a mod-11 check digit, ``X`` for 10); newer ones get the ``MA…`` codes issued since.
    """
    n = len(prefixes)
    heads = np.char.add(np.asarray(prefixes, dtype=str), np.asarray(division_codes, dtype=str))
    unique_heads, inverse = np.unique(heads, return_inverse=True)
    head_table = np.array([[_USCC_VALUE[ch] for ch in h] for h in unique_heads], dtype=np.int64).reshape(
        -1, 8
    )
    new = (
        np.zeros(n, dtype=bool) if registered_since_2016 is None else np.asarray(registered_since_2016, bool)
    )
    digits = rng.integers(0, 10, size=(n, 8))
    org_check = (11 - (digits * ORG_CODE_WEIGHTS).sum(axis=1) % 11) % 11
    old_org = np.concatenate(
        [digits, np.where(org_check == 10, _USCC_VALUE["X"], org_check)[:, None]], axis=1
    )
    tail = np.where(
        rng.random((n, 7)) < 0.25, rng.integers(10, 31, size=(n, 7)), rng.integers(0, 10, size=(n, 7))
    )
    ma = np.tile([_USCC_VALUE["M"], _USCC_VALUE["A"]], (n, 1))
    new_org = np.concatenate([ma, tail], axis=1)
    org = np.where(new[:, None], new_org, old_org)
    values = np.concatenate([head_table[inverse.reshape(-1)], org], axis=1)
    check = (31 - (values * USCC_WEIGHTS).sum(axis=1) % 31) % 31
    alphabet = np.array(list(USCC_ALPHABET), dtype="<U1")
    chars = np.ascontiguousarray(alphabet[np.concatenate([values, check[:, None]], axis=1)])
    return chars.view("<U18").reshape(n).astype(object)


def gtin_check_digit(body: str) -> str:
    """The GS1 check digit for ``body`` (weights 3,1,3,… from the right)."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return str((10 - total % 10) % 10)


def is_valid_gtin(code: str) -> bool:
    """True when ``code`` is 8, 12, 13 or 14 digits with a correct check digit."""
    if not isinstance(code, str) or not code.isdigit() or len(code) not in (8, 12, 13, 14):
        return False
    return gtin_check_digit(code[:-1]) == code[-1]


def make_gtin13(company_prefix: str, item_reference: int) -> str:
    """A GTIN-13 from a GS1 company prefix and an item reference filling the remaining digits."""
    width = 12 - len(company_prefix)
    body = f"{company_prefix}{item_reference:0{width}d}"
    return body + gtin_check_digit(body)


def is_mobile_phone(phone: str) -> bool:
    """True when the digits of ``phone`` (after a +86/0086 prefix) look like a mainland mobile."""
    digits = "".join(ch for ch in unicodedata.normalize("NFKC", phone) if ch.isdigit())
    for prefix in ("0086", "86"):
        if digits.startswith(prefix) and len(digits) == 11 + len(prefix):
            digits = digits[len(prefix) :]
    return len(digits) in (10, 11, 12) and digits.startswith("1")
