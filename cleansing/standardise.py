"""Standardise a frame of parties (partners or customers) into the columns the matching engine compares.

Every standardiser works once per distinct value, and the costly steps (traditional → simplified, division
lookups, pinyin, check characters) are batched or shared across those values, so a million nearly distinct
partner records take well under a minute (see BENCHMARKS.md). Blank or unreadable input comes out as
``pd.NA`` — never an empty string or a placeholder — so that unknown can never count as agreement downstream.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timedelta
from functools import partial

import pandas as pd

from cleansing.addresses import parse_addresses
from cleansing.company_names import parse_company_names
from cleansing.dates import DEFAULT_DATE_FORMATS, EXCEL_EPOCH, parse_date, year_last_formats
from cleansing.emails import normalise_emails
from cleansing.party_roles import STANDARDISED_ROLES
from cleansing.person_names import normalise_person_names
from cleansing.phones import parse_phones
from cleansing.postcodes import clean_postcodes
from cleansing.row_chunks import map_row_chunks
from cleansing.text import is_blank, map_distinct
from cleansing.uscc import classify_uscc_series
from foundation.errors import UserError

__all__ = [
    "PARTY_COLUMNS",
    "PARTY_ROLES",
    "join_phone_columns",
    "normalise_birth_date",
    "standardise_parties",
]

PARTY_ROLES = ("record_id", *STANDARDISED_ROLES)
"""The keys of a role map: the record id and the roles standardised here."""
PARTY_COLUMNS = (
    "record_id",
    "name_normalised",
    "name_region",
    "name_trade",
    "name_industry",
    "name_legal_form",
    "name_branch",
    "name_branch_region",
    "name_is_branch",
    "name_core",
    "name_pinyin_key",
    "person_name",
    "uscc",
    "uscc_status",
    "phone_e164",
    "phone_kind",
    "phone_extension",
    "province",
    "city",
    "district",
    "division_code",
    "address_detail",
    "email_normalised",
    "birth_date",
    "postcode",
)
_NAME_COLUMNS = {
    "name_normalised": "name_normalised",
    "region": "name_region",
    "trade_name": "name_trade",
    "industry": "name_industry",
    "legal_form": "name_legal_form",
    "branch": "name_branch",
    "branch_region": "name_branch_region",
    "is_branch": "name_is_branch",
    "core": "name_core",
    "pinyin_key": "name_pinyin_key",
}


def normalise_birth_date(value: object, formats: tuple[str, ...] = DEFAULT_DATE_FORMATS) -> str | None:
    """ISO ``YYYY-MM-DD`` from dates, datetimes, ``1985/3/7``, ``1985年3月7日``, ``19850307``, an Excel serial
    or text in another of ``formats`` (:func:`cleansing.dates.year_last_formats`: ``07/03/1985``)."""
    if is_blank(value):
        return None
    if isinstance(value, datetime | date | pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    text = unicodedata.normalize("NFKC", str(value)).strip()
    if re.fullmatch(r"\d{5}(\.0+)?", text):
        serial = int(float(text))
        if 1 <= serial <= 80_000:
            return (EXCEL_EPOCH + timedelta(days=serial)).isoformat()
    parsed = parse_date(text, formats, any_time=True)
    return parsed.isoformat() if parsed is not None and 1900 <= parsed.year <= date.today().year else None


def _check_roles(frame: pd.DataFrame, roles: dict[str, str | list[str]]) -> dict[str, list[str]]:
    """Each role's source columns, with a message naming the role and column when one does not fit."""
    checked: dict[str, list[str]] = {}
    for role, columns in roles.items():
        if role not in PARTY_ROLES:
            raise UserError(
                f"unknown role {role!r} in the role map; expected one of {', '.join(PARTY_ROLES)}"
            )
        names = [columns] if isinstance(columns, str) else list(columns)
        if len(names) > 1 and role != "phone":
            raise UserError(f"role {role!r} takes one column, got {len(names)}: {', '.join(names)}")
        for name in names:
            if name not in frame.columns:
                raise UserError(
                    f"column {name!r} for role {role!r} is not in the frame; "
                    f"its columns are {', '.join(map(str, frame.columns))}"
                )
        checked[role] = names
    return checked


def join_phone_columns(frame: pd.DataFrame, names: list[str]) -> pd.Series:
    """Several phone columns read as one cell (first non-blank number first)."""
    if len(names) == 1:
        return frame[names[0]]
    joined: pd.Series | None = None
    for name in names:
        column = frame[name].astype("string").str.strip()
        column = column.where(column != "")
        joined = column if joined is None else (joined + "/" + column).fillna(joined).fillna(column)
    return joined


def _string_series(values: object, index: pd.Index) -> pd.Series:
    return pd.Series(pd.array(values, dtype="string"), index=index)


def standardise_parties(
    frame: pd.DataFrame, roles: dict[str, str | list[str]], country: str = "CN"
) -> pd.DataFrame:
    """A new frame with :data:`PARTY_COLUMNS`, same index and order as ``frame``.

    ``roles`` maps a role (``company_name``, ``phone`` …) to the column holding it; ``phone`` may name several
    columns. Roles left out give all-NA columns; without ``record_id`` the frame's index is the record id.
    A large frame is standardised in chunks of rows on every core (:func:`cleansing.row_chunks.map_row_chunks`).
    """
    columns = _check_roles(frame, roles)
    return map_row_chunks(frame, partial(_standardise_rows, columns=columns, country=country))


def _standardise_rows(frame: pd.DataFrame, columns: dict[str, list[str]], country: str) -> pd.DataFrame:
    """:func:`standardise_parties` of rows whose roles are checked."""
    index = frame.index
    empty = pd.Series([None] * len(frame), index=index, dtype=object)

    def source(role: str) -> pd.Series:
        if role not in columns:
            return empty
        if role == "phone":
            return join_phone_columns(frame, columns[role])
        return frame[columns[role][0]]

    out: dict[str, pd.Series] = {}
    record_ids = source("record_id") if "record_id" in columns else pd.Series(index.astype(str), index=index)
    record_id_text = record_ids.astype("string").str.strip()
    out["record_id"] = record_id_text.where(record_id_text != "").astype("string")

    names = parse_company_names(source("company_name"))
    for part, column in _NAME_COLUMNS.items():
        out[column] = names[part]
    out["person_name"] = normalise_person_names(source("person_name"))
    out.update(dict(classify_uscc_series(source("uscc")).items()))
    out.update(dict(parse_phones(source("phone"), country).items()))
    addresses = parse_addresses(source("address"), source("province"), source("city"), source("district"))
    out.update(dict(addresses.items()))
    out["email_normalised"] = normalise_emails(source("email"))
    formats = (*DEFAULT_DATE_FORMATS, *year_last_formats(country))
    out["birth_date"] = _string_series(
        map_distinct(source("birth_date"), partial(normalise_birth_date, formats=formats)), index
    )
    out["postcode"] = clean_postcodes(source("postcode"))["postcode"]
    return pd.DataFrame({column: out[column] for column in PARTY_COLUMNS}, index=index)
