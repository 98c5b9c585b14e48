"""Chinese phone numbers to E.164: mobiles, landlines with area codes, 400/800 numbers and extensions.

The extension is split off *before* separators are stripped: ``0755-26881234-8001`` is a landline with
extension 8001, while ``075526881234 8001`` stripped naively would be an invalid 16-digit number.
Chinese numbers are checked against the numbering plan's shape (area code, length, first digit) rather than
``phonenumbers``' per-area number ranges, which reject local numbers in ranges its metadata does not list;
``phonenumbers`` handles numbers from other countries. A cell holding several numbers
(``13812345678/0755-26881234``) yields the first as the phone; the others, as E.164, come from
:func:`other_phone_numbers`, and all of them as written from :func:`split_phone_numbers`.

Matching compares the number without its extension; a stored phone keeps the extension in the RFC 3966
form ``+8675520026264;ext=460`` (:func:`phone_with_extension`), so the number and its extension always
travel together.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import numpy as np
import pandas as pd
import phonenumbers

from cleansing.text import DistinctResults, is_blank, object_array

__all__ = [
    "PhoneKind",
    "PhoneParts",
    "is_chinese_mobile",
    "other_phone_numbers",
    "parse_phone",
    "phone_area",
    "parse_phones",
    "phone_with_extension",
    "split_phone_numbers",
]

PhoneKind = Literal["mobile", "landline", "toll_free", "invalid", "missing"]

_CELL_SEPARATORS = re.compile(r"[/;,、|\n\r]+|或|和|及")
_EXTENSION_WORD = re.compile(r"\s*(?:转|分机|EXT\.?|X|#|\*)\s*(\d{1,6})\s*$", re.IGNORECASE)
# 0755-26881234-8001: a trailing group after a *complete* landline (area code + 7–8 digits) is an extension
_TRAILING_EXTENSION = re.compile(r"^(\(?0\d{2,3}\)?[\s\-]*\d{3,4}[\s\-]?\d{4})[\s\-]+(\d{1,6})$")
_NON_DIGITS = re.compile(r"[^\d+]")
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_TOLL_FREE = re.compile(r"^(400|800)\d{7}$")
# 010 and 02x take 8-digit local numbers, 0xxx take 7 or 8; local numbers never start with 0 or 1
_LANDLINE = re.compile(r"^0(?:(?:10|2\d)[2-9]\d{7}|[3-9]\d{2}[2-9]\d{6,7})$")
_LOCAL = re.compile(r"^[2-9]\d{6,7}$")
_AREA_CODE_DIGITS = 4
"""A piece of a cell with this many digits or fewer is no number of its own (an area code)."""
_PLACEHOLDERS = frozenset(
    {"无", "暂无", "没有", "NULL", "NONE", "NAN", "N/A", "NA", "-", "--", "#N/A", "待补充"}
)


@dataclass(frozen=True)
class PhoneParts:
    """``e164`` is None unless the number is complete and valid (a local number without area code has none)."""

    e164: str | None
    kind: PhoneKind
    extension: str | None = None


_MISSING = PhoneParts(None, "missing")


def split_phone_numbers(value: object) -> list[str]:
    """The separate numbers written in one cell, in order, NFKC-normalised and stripped."""
    if is_blank(value):
        return []
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a number column read as float: 13812345678.0
    text = unicodedata.normalize("NFKC", str(value)).strip()
    pieces: list[str] = []
    area_code = ""
    for piece in _CELL_SEPARATORS.split(text):
        piece = piece.strip(" :：")
        if not piece:
            continue
        if area_code:
            piece, area_code = f"{area_code} {piece}", ""
        elif len(re.sub(r"\D", "", piece)) <= _AREA_CODE_DIGITS:
            area_code = piece  # 310/246-1501, 0755/26881234: an area code before its number, not a number
            continue
        tokens = piece.split()
        # 13812345678 13987654321: whitespace separates numbers only when every token is a whole number
        if len(tokens) > 1 and all(len(re.sub(r"\D", "", t)) >= 11 for t in tokens):
            pieces.extend(tokens)
        else:
            pieces.append(piece)
    if area_code:
        pieces.append(area_code)
    return pieces


def _split_extension(number: str) -> tuple[str, str | None]:
    match = _EXTENSION_WORD.search(number)
    if match and len(re.sub(r"\D", "", number[: match.start()])) >= 7:
        return number[: match.start()], match.group(1)
    match = _TRAILING_EXTENSION.match(number.strip())
    if match:
        return match.group(1), match.group(2)
    return number, None


def _national_digits(number: str) -> str:
    """Digits without the +86 / 0086 / 86 country code (callers route other countries elsewhere)."""
    digits = _NON_DIGITS.sub("", number).replace("+", "")
    had_country_code = True
    if number.lstrip().startswith("+"):
        digits = digits[2:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    elif digits.startswith("86") and (len(digits) == 13 and digits[2] == "1" or digits[2:3] == "0"):
        digits = digits[2:]
    else:
        had_country_code = False
    if (
        had_country_code
        and not digits.startswith("0")
        and not (_MOBILE.match(digits) or _TOLL_FREE.match(digits))
    ):
        digits = "0" + digits  # +86 755 26881234: the trunk 0 is dropped after the country code
    return digits


def _foreign(number: str, extension: str | None, region: str | None = None) -> PhoneParts:
    """A number outside China's plan: written with ``+``, or national to ``region`` (ISO 3166 code)."""
    try:
        parsed = phonenumbers.parse(_NON_DIGITS.sub("", number), region)
    except phonenumbers.NumberParseException:
        return PhoneParts(None, "invalid", extension)
    if not phonenumbers.is_valid_number(parsed):
        return PhoneParts(None, "invalid", extension)
    kind_of = phonenumbers.number_type(parsed)
    kind: PhoneKind = "mobile" if kind_of == phonenumbers.PhoneNumberType.MOBILE else "landline"
    return PhoneParts(
        phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164), kind, extension
    )


@lru_cache(maxsize=1024)
def _local_number_lengths(area_code: str) -> frozenset[int]:
    """Local-number lengths that ``phonenumbers``' metadata allows after a 4-digit ``area_code``.

    Only the *length* is taken from the metadata (probing a few first digits), not its number
    ranges, which lag behind the real allocations. Empty means the area is unknown: accept both.
    """
    lengths = set()
    for length in (7, 8):
        for first in "2345678":
            probe = phonenumbers.parse("+86" + area_code[1:] + first + "0" * (length - 1))
            if phonenumbers.is_valid_number(probe):
                lengths.add(length)
                break
    return frozenset(lengths)


def _plausible_local_length(digits: str) -> bool:
    """0371-7647476 lost a digit: Zhengzhou numbers have 8. 010/02x numbers always have 8 (checked by shape)."""
    if digits.startswith(("010", "02")):
        return True
    lengths = _local_number_lengths(digits[:4])
    return not lengths or len(digits) - 4 in lengths


@lru_cache(maxsize=200_000)
def _parse_single(number: str) -> PhoneParts:
    number, extension = _split_extension(number)
    if number.strip().startswith("+") and not re.sub(r"[^\d+]", "", number).startswith("+86"):
        return _foreign(number, extension)
    digits = _national_digits(number)
    if not digits:
        return PhoneParts(None, "invalid", extension)
    if len(set(digits)) == 1:
        return PhoneParts(None, "invalid", extension)  # 00000000, 11111111111: placeholders
    if _MOBILE.match(digits):
        return PhoneParts("+86" + digits, "mobile", extension)
    if _TOLL_FREE.match(digits):
        return PhoneParts("+86" + digits, "toll_free", extension)
    if _LANDLINE.match(digits):
        if not _plausible_local_length(digits):
            return PhoneParts(None, "invalid", extension)
        return PhoneParts("+86" + digits[1:], "landline", extension)
    if _LOCAL.match(digits):
        return PhoneParts(None, "landline", extension)  # a local number: the area code is unknown
    return PhoneParts(None, "invalid", extension)


def parse_phone(value: object, country: str = "CN") -> PhoneParts:
    """The first number in ``value`` as E.164 with its kind and extension; blank → kind ``missing``.

    ``country`` is where numbers written without ``+`` belong: China's plan by default; another
    ISO 3166 code (``GB``, ``US``) reads ``020 7946 0958`` as that country's number instead of
    Guangzhou's.
    """
    if not is_blank(value) and unicodedata.normalize("NFKC", str(value)).strip().upper() in _PLACEHOLDERS:
        return _MISSING
    numbers = split_phone_numbers(value)
    if not numbers or numbers[0].upper() in _PLACEHOLDERS:
        return _MISSING
    if country != "CN":
        number, extension = _split_extension(numbers[0])
        return _foreign(number, extension, None if number.strip().startswith("+") else country)
    return _parse_single(numbers[0])


_PLAIN_MOBILE = re.compile(r"1[3-9][0-9]{9}")
# One number with nothing but digits, brackets, dashes and +: no placeholder, no separator, no whitespace,
# so parse_phone would hand it to _parse_single unchanged.
_ONE_NUMBER = re.compile(r"[0-9()+\-]*[0-9][0-9()+\-]*")
_parse_single_uncached = _parse_single.__wrapped__  # once per distinct value: no cache to fill and evict


def _parse_value(value: object) -> PhoneParts:
    if isinstance(value, str):
        if _PLAIN_MOBILE.fullmatch(value):
            return PhoneParts("+86" + value, "mobile")
        if _ONE_NUMBER.fullmatch(value):
            return _parse_single_uncached(value)
    return _MISSING if is_blank(value) else parse_phone(value)


def _parse_values(values: np.ndarray) -> list[PhoneParts]:
    """:func:`parse_phone` of each value; a cell holding just one number skips the cell splitting."""
    return [_parse_value(value) for value in values]


def parse_phones(series: pd.Series, country: str = "CN") -> pd.DataFrame:
    """Vectorised :func:`parse_phone`: ``phone_e164``, ``phone_kind``, ``phone_extension``."""
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    values = np.asarray(uniques, dtype=object)
    parsed = _parse_values(values) if country == "CN" else [parse_phone(v, country) for v in values]
    parts = DistinctResults(codes, object_array([*parsed, _MISSING]))
    fields = parts.take_fields(("e164", "kind", "extension"))
    return pd.DataFrame(
        {
            "phone_e164": pd.array(fields["e164"], dtype="string"),
            "phone_kind": pd.array(fields["kind"], dtype="string"),
            "phone_extension": pd.array(fields["extension"], dtype="string"),
        },
        index=series.index,
    )


_SEVERAL_NUMBERS = r"[/;,、|\n\r或和及]|[0-9]\s+1[3-9][0-9]"
"""What a cell holding more than one number contains: a separator, or a mobile after a space."""


def other_phone_numbers(series: pd.Series, country: str = "CN", separator: str = "|") -> pd.Series:
    """Per cell the valid numbers after its first (:func:`parse_phone` reads the first), as E.164 joined
    by ``separator`` in the order written, without the first's own number; missing where there are none.

    ``13812345678/0755-26881234`` → ``+8675526881234``: a duplicate that shows only the landline still
    shares a number with this record. One vectorised test picks the cells that may hold several numbers;
    the rest (nearly all, on most lists) cost nothing more."""
    text = series.astype("string")
    several = text.str.contains(_SEVERAL_NUMBERS, regex=True).fillna(False).to_numpy(dtype=bool)
    out = np.full(len(series), None, dtype=object)
    if several.any():
        codes, uniques = pd.factorize(text[several], use_na_sentinel=True)
        found = [_others_of(value, country, separator) for value in uniques]
        out[several] = np.array([*found, None], dtype=object)[codes]
    return pd.Series(pd.array(out, dtype="string"), index=series.index)


def _others_of(value: object, country: str, separator: str) -> str | None:
    numbers = split_phone_numbers(value)
    if len(numbers) < 2:
        return None
    first = parse_phone(value, country).e164
    others = dict.fromkeys(
        e164 for number in numbers[1:] if (e164 := parse_phone(number, country).e164) and e164 != first
    )
    return separator.join(others) or None


EXTENSION_SEPARATOR = ";ext="
"""RFC 3966's extension parameter: ``+8675520026264;ext=460``."""


_NANP_TOLL_FREE = re.compile(r"^\+18(?:00|33|44|55|66|77|88)")


@lru_cache(maxsize=4096)
def _foreign_area(e164: str) -> str | None:
    try:
        parsed = phonenumbers.parse(e164)
    except phonenumbers.NumberParseException:
        return None
    length = phonenumbers.length_of_geographical_area_code(parsed)
    national = phonenumbers.national_significant_number(parsed)
    return f"+{parsed.country_code} {national[:length]}" if length else None


def is_chinese_mobile(e164: object) -> bool:
    """Whether an E.164 number is a Chinese mobile (``+8613812345678``), by its shape alone."""
    return isinstance(e164, str) and e164.startswith("+86") and bool(_MOBILE.match(e164[3:]))


def phone_area(e164: object) -> str | None:
    """Where an E.164 number is dialled: its country and area code (``+86 755`` for 0755-26881234,
    ``+1 212`` for a Manhattan number, mobile or not, as North America numbers them). ``None`` for a
    number that names no area: a Chinese mobile, a 400/800 or 1-800 number, one ``phonenumbers`` reads
    no area code in.

    Two lines of one business share their area; two numbers of two areas are two places."""
    if not isinstance(e164, str) or not e164.startswith("+"):
        return None
    if e164.startswith("+86"):
        if is_chinese_mobile(e164) or _TOLL_FREE.match(e164[3:]):
            return None
        # 010 and 02x have two-digit area codes, the rest three (the trunk 0 is not written in E.164)
        return "+86 " + (e164[3:5] if e164[3] in "12" else e164[3:6])
    if e164.startswith("+1"):
        return None if _NANP_TOLL_FREE.match(e164) else "+1 " + e164[2:5]
    return _foreign_area(e164)


def phone_with_extension(e164: pd.Series, extension: pd.Series) -> pd.Series:
    """The number as stored in a golden record: E.164, plus ``;ext=NNN`` (RFC 3966) when it has an extension.

    A number without E.164 form (invalid, or local without area code) stays missing here, as in ``e164``.
    """
    numbers = e164.astype("string")
    extensions = extension.astype("string").reindex(numbers.index)
    has_extension = numbers.notna() & extensions.notna() & (extensions != "")
    return numbers.where(~has_extension, numbers + EXTENSION_SEPARATOR + extensions)
