"""The spec roles beyond the party columns: person-name parts, other names, websites, identifiers.

``standardise_extra_roles`` adds one standardised column per role to a frame that
``cleansing.standardise.standardise_parties`` produced; :mod:`mdm.set_comparisons` and
:mod:`mdm.blocking` read them. Several values of one record (a list of columns, or aliases in one
cell separated by ``;`` or ``|``) are kept as one text of sorted distinct values joined by
:data:`SEPARATOR`, so that equal sets have equal codes and any single value can be looked up.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlsplit

import numpy as np
import pandas as pd

from cleansing.company_names import parse_company_names
from cleansing.person_names import latin_name_parts, normalise_person_names
from cleansing.text import map_distinct

SEPARATOR = "|"
PART_COLUMNS = {"given_name": "given_name", "family_name": "family_name", "middle_name": "middle_name"}
SET_COLUMNS = {
    "other_names": "other_names",
    "website": "website_domain",
    "national_id": "national_id",
    "tax_id": "tax_id",
}
_SPLIT = re.compile(r"\s*[;|；]\s*")
_SECOND_LEVEL = frozenset({"CO", "COM", "NET", "ORG", "GOV", "EDU", "AC", "GEN", "LTD", "PLC"})


def name_part(value: object) -> str | None:
    """``Zoë-Anne`` → ``ZOE ANNE``: upper-case Latin letters without accents, other scripts as written."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    text = unicodedata.normalize("NFKD", str(value))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).upper()
    text = re.sub(r"[^\w]+|_", " ", text).strip()
    return re.sub(r"\s+", " ", text) or None


def registered_domain(value: object) -> str | None:
    """``https://www.shop.example.co.uk/about`` → ``EXAMPLE.CO.UK``; ``mailto:`` and e-mail addresses read the same."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    text = str(value).strip().lower()
    if not text:
        return None
    text = text.split("@")[-1]
    host = urlsplit(text if "//" in text else "//" + text).hostname or ""
    labels = [label for label in host.split(".") if label]
    if len(labels) < 2:
        return None
    # example.co.uk, example.com.cn: a short second-level label belongs to the suffix.
    keep = 3 if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2].upper() in _SECOND_LEVEL else 2
    return ".".join(labels[-keep:]).upper()


MASK = "*"
"""A character an export hid (``110101********1234``): kept in its place, so the digits around it
still say where they stand."""
_MASKS = str.maketrans({"●": MASK, "•": MASK, "×": MASK, "＊": MASK})


def identifier(value: object) -> str | None:
    """An identifier as its upper-case letters and digits (``12 345-678 A`` → ``12345678A``), hidden
    characters kept as :data:`MASK` (``110101********1234``); blank, all zeros or all hidden → None."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    text = unicodedata.normalize("NFKC", str(value).translate(_MASKS)).upper()
    text = re.sub(r"[^0-9A-Z*]", "", text)
    visible = text.replace(MASK, "")
    if not visible or set(visible) == {"0"}:
        return None
    return text


def _split_values(frame: pd.DataFrame, columns: list[str]) -> list[list[str]]:
    """Per row the non-blank values of ``columns``, a cell split on ``;`` or ``|``."""
    out: list[list[str]] = [[] for _ in range(len(frame))]
    for column in columns:
        for i, cell in enumerate(frame[column].astype("string").to_numpy(dtype=object, na_value=None)):
            if cell is not None and cell.strip():
                out[i].extend(v for v in _SPLIT.split(cell.strip()) if v)
    return out


def _as_sets(values: list[list[str]], normalise) -> pd.Series:
    """Normalise each value (once per distinct value) and join each row's distinct values."""
    distinct = sorted({v for row in values for v in row})
    normalised = dict(zip(distinct, normalise(distinct), strict=True))
    joined = []
    for row in values:
        kept = sorted({normalised[v] for v in row if normalised[v]})
        joined.append(SEPARATOR.join(kept) if kept else None)
    return pd.Series(pd.array(joined, dtype="string"))


def _normalise_names(values: list[str], organisation: bool) -> list[str | None]:
    series = pd.Series(values, dtype=object)
    if organisation:
        return list(parse_company_names(series)["core"].astype(object).where(lambda s: s.notna(), None))
    return list(normalise_person_names(series).astype(object).where(lambda s: s.notna(), None))


def joined_person_name(frame: pd.DataFrame, columns: dict[str, list[str]]) -> pd.Series | None:
    """The person's full name: the ``person_name`` columns joined, else given, middle and family name."""
    names = columns.get("person_name") or [
        columns[role][0] for role in ("given_name", "middle_name", "family_name") if role in columns
    ]
    if not names:
        return None
    if len(names) == 1:
        return frame[names[0]]
    parts = [frame[c].astype("string").str.strip().fillna("") for c in names]
    joined = parts[0]
    for part in parts[1:]:
        joined = joined + " " + part
    joined = joined.str.strip().str.replace(r"\s+", " ", regex=True)
    return joined.where(joined != "")


def _parts_of_one_column(frame: pd.DataFrame, columns: dict[str, list[str]]) -> dict[str, list] | None:
    """Given and family name of the Latin person names written in one column, where the spec maps no
    part itself and the column holds such a name at all (a list of Chinese names keeps one column)."""
    if "person_name" not in columns or any(role in columns for role in PART_COLUMNS):
        return None
    parts = map_distinct(
        joined_person_name(frame, columns),
        lambda v: tuple(name_part(p) for p in latin_name_parts(v)),
        na_value=(None, None),
    )
    if all(given is None for given, _ in parts):
        return None
    return {"given_name": [p[0] for p in parts], "family_name": [p[1] for p in parts]}


def standardise_extra_roles(
    std: pd.DataFrame, frame: pd.DataFrame, columns: dict[str, list[str]], organisation: bool
) -> pd.DataFrame:
    """Add the standardised columns of the roles present in ``columns`` to ``std`` (row for row with ``frame``).

    A Latin person's name written in one column (``John Smith``, ``SMITH, John``) gives its given and
    family name too, as if the spec had mapped them (:func:`~cleansing.person_names.latin_name_parts`):
    the comparisons and blocking keys of names in parts (a part replaced, a part missing, the two
    swapped) then serve it as well."""
    parts = _parts_of_one_column(frame, columns)
    if parts is None and not any(role in columns for role in (*PART_COLUMNS, *SET_COLUMNS)):
        return std
    std = std.copy()
    for role, column in PART_COLUMNS.items():
        if role in columns:
            values = map_distinct(frame[columns[role][0]], name_part)
            std[column] = pd.array(values, dtype="string")
    for role, derived in (parts or {}).items():
        std[PART_COLUMNS[role]] = pd.array(derived, dtype="string")
    if "other_names" in columns:
        names = _split_values(frame, columns["other_names"])
        std["other_names"] = _as_sets(names, lambda v: _normalise_names(v, organisation)).to_numpy()
    normalisers = {"website": registered_domain, "national_id": identifier, "tax_id": identifier}
    for role, normalise in normalisers.items():
        if role in columns:
            identifiers = _split_values(frame, columns[role])
            std[SET_COLUMNS[role]] = _as_sets(
                identifiers, lambda v, f=normalise: [f(x) for x in v]
            ).to_numpy()
    return std
