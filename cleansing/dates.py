"""The one reader of dates written as text: source columns, birth dates, store loads, comparisons, standards.

A date is read in one of a short list of formats (``2024-03-07``, ``2024/3/7``, ``20240307``,
``2024.03.07``, ``2024年3月7日``), after NFKC normalisation (full-width digits). A date-time keeps its
date; a time other than midnight is accepted only where a caller says so (a record's creation time may
carry one, a date column in the store may not). Excel serial numbers are read where the cell was numeric.
"""

from __future__ import annotations

import unicodedata
from datetime import date, datetime

import numpy as np
import pandas as pd

from cleansing.text import EXCEL_FLOAT_TAIL

__all__ = [
    "DEFAULT_DATE_FORMATS",
    "EXCEL_EPOCH",
    "date_of_parts",
    "parse_date",
    "parse_date_texts",
    "year_last_formats",
]

DEFAULT_DATE_FORMATS: tuple[str, ...] = ("%Y-%m-%d", "%Y/%m/%d", "%Y%m%d", "%Y.%m.%d", "%Y年%m月%d日")
MONTH_FIRST_COUNTRIES = frozenset({"US"})
"""Countries that write the month before the day (``07/03/1985`` is July 3)."""


def year_last_formats(country: str | None) -> tuple[str, ...]:
    """Formats of a date written day, month, year (``14/03/1980``, ``14-03-1980``, ``14.03.1980``), as most
    countries do, or month, day, year in :data:`MONTH_FIRST_COUNTRIES`; where both could read a date, the
    country's custom decides, and a comparison that forgives a swapped day and month forgives the rest."""
    first, second = ("%m", "%d") if (country or "").upper() in MONTH_FIRST_COUNTRIES else ("%d", "%m")
    return tuple(f"{first}{sep}{second}{sep}%Y" for sep in "/-.")


EXCEL_EPOCH = date(1899, 12, 30)
"""Day 0 of Excel's serial dates (so that serial 60 is the 1900-02-29 Excel believes in)."""
_ISO_FORMATS = ("%Y-%m-%d", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M")
"""Tried first, in C, before any format a mapping names: a datetime keeps only its date."""
_MIDNIGHT = ("00:00:00", "00:00", "00:00:00.000")
_LATEST_EXCEL_SERIAL = 2958465  # 9999-12-31


def parse_date(
    value: object, formats: tuple[str, ...] = DEFAULT_DATE_FORMATS, any_time: bool = False
) -> date | None:
    """One value as a date, or ``None`` when it is blank or not a date in one of ``formats``.

    A ``date``/``datetime`` is taken as it is. Text may be followed by a time (after a space or ``T``):
    midnight only, unless ``any_time``.
    """
    if isinstance(value, datetime):  # pd.Timestamp is a datetime
        return value.date()
    if isinstance(value, date):
        return value
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    text = unicodedata.normalize("NFKC", str(value)).strip()
    head, time = _split_time(text)
    if time and not any_time and time not in _MIDNIGHT:
        return None
    for fmt in formats:
        try:
            return datetime.strptime(head, fmt).date()
        except ValueError:
            continue
    return None


def _split_time(text: str) -> tuple[str, str]:
    for separator in (" ", "T"):
        head, found, time = text.partition(separator)
        if found and head and time[:1].isdigit() and ":" in time:
            return head, time.strip()
    return text, ""


def parse_date_texts(
    values: pd.Series, formats: tuple[str, ...] = DEFAULT_DATE_FORMATS, excel_serial: np.ndarray | None = None
) -> pd.Series:
    """A column as ``datetime64[s]`` dates (``NaT`` where blank or not a date), format by format in C.

    ISO dates and date-times are tried first; ``excel_serial`` marks rows whose cell was a number
    in the workbook, read as Excel serial dates when no format fits.
    """
    known = values.notna()
    text = values.astype(object).where(known, None)
    present = known.to_numpy()
    parsed = pd.Series(pd.NaT, index=values.index, dtype="datetime64[s]")  # [ns] overflows before 1677
    for fmt in (*_likely_first(text, present, _ISO_FORMATS), *formats):
        todo = present & parsed.isna().to_numpy()
        if not todo.any():
            break
        parsed[todo] = (
            pd.to_datetime(text[todo], format=fmt, errors="coerce").dt.normalize().astype("datetime64[s]")
        )
    if excel_serial is not None:
        todo = present & parsed.isna().to_numpy() & excel_serial
        if todo.any():
            serial = pd.to_numeric(text[todo], errors="coerce")
            ok = serial.between(1, _LATEST_EXCEL_SERIAL)
            parsed[serial[ok].index] = pd.Timestamp(EXCEL_EPOCH) + pd.to_timedelta(
                serial[ok].round(), unit="D"
            )
    return parsed


def _likely_first(text: pd.Series, present: np.ndarray, formats: tuple[str, ...]) -> tuple[str, ...]:
    """Put the format matching the first value's length first: a failed pass over a million rows costs."""
    positions = np.flatnonzero(present)
    if not len(positions):
        return formats
    length = len(text.iloc[int(positions[0])])
    matching = [f for f in formats if len(pd.Timestamp(2000, 1, 1).strftime(f)) == length]
    return (*matching, *[f for f in formats if f not in matching])


def date_of_parts(year: pd.Series, month: pd.Series, day: pd.Series) -> pd.Series:
    """``1967``, ``9``, ``27`` (three columns) → ``19670927``, a text :func:`parse_date` reads; blank where
    a part is blank or not a whole number. An impossible date (month 13) is written all the same, so a
    comparison can still weigh its digits."""

    def digits(part: pd.Series, width: int) -> pd.Series:
        text = cell_digits(part)
        whole = text.str.fullmatch(rf"\d{{1,{width}}}").fillna(False).astype(bool)
        return text.str.zfill(width).where(whole)

    return (digits(year, 4) + digits(month, 2) + digits(day, 2)).rename(None)


def year_alone(values: pd.Series) -> pd.Series:
    """``1964`` (or ``1964.0``, ``１９６４``): a year of birth from 1800 to 2099 written alone, as
    text; missing where a cell holds anything else."""
    text = cell_digits(values)
    year = text.str.fullmatch(r"(18|19|20)\d\d").fillna(False).astype(bool)
    return text.where(year)


def cell_digits(values: pd.Series) -> pd.Series:
    """Cells as text to read a whole number from: full-width digits as ASCII (NFKC), spaces trimmed,
    and the ``.0`` a spreadsheet adds to a whole number dropped."""
    return (
        values.astype("string")
        .str.normalize("NFKC")
        .str.strip()
        .str.replace(EXCEL_FLOAT_TAIL, "", regex=True)
    )
