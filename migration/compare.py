"""Field-by-field comparison of an old record with its row in the store.

Both sides are normalised the same way before comparing, so formatting alone is never a
defect: text is NFKC-normalised and its whitespace collapsed, money and quantities compare as
``Decimal`` (100 equals 100.00), dates as ISO dates, GTINs as GTIN-14. A value the store type
cannot read stays as its text and so shows up as a mismatch, which is what the team must see.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

import pandas as pd
from sqlalchemy import Column, Date, Float, Integer, Numeric

from cleansing.canonical import ENTITIES
from cleansing.phones import EXTENSION_SEPARATOR
from migration.convert import canonical_text, is_blank, to_date, to_decimal, to_int
from migration.models import TABLES


@dataclass(frozen=True)
class EntityComparison:
    """How one canonical entity is reconciled against its store table."""

    entity: str
    table: str
    old_key: tuple[str, ...]
    """The business key of the old (canonical) record."""
    store_key: tuple[str, ...]
    """The store columns holding the same key (golden entities: resolved through the crosswalk)."""
    compared_columns: tuple[str, ...]
    label: str
    golden: bool = False
    money_columns: tuple[str, ...] = ()
    monetary_unit_column: str | None = None


COMPARISONS: dict[str, EntityComparison] = {
    c.entity: c
    for c in (
        EntityComparison(
            "partner", "partner", ("source_system", "source_record_id"), ("golden_id",),
            ("partner_name", "uscc", "partner_type", "channel_tier", "sales_region", "province", "city",
             "district", "address", "contact_name", "phone", "email", "status"),
            "partner", golden=True,
        ),
        EntityComparison(
            "customer", "customer", ("source_system", "source_record_id"), ("golden_id",),
            ("customer_kind", "customer_name", "uscc", "birth_date", "gender", "province", "city", "district",
             "address", "postcode", "phone", "email"),
            "customer", golden=True,
        ),
        EntityComparison(
            "product", "product", ENTITIES["product"].business_key, ENTITIES["product"].business_key,
            ("gtin", "product_name", "brand", "category", "spec", "net_content", "net_content_unit",
             "units_per_case", "sales_unit", "tax_rate", "status"),
            "product",
        ),
        EntityComparison(
            "price", "price", ENTITIES["price"].business_key, ENTITIES["price"].business_key,
            ("price", "currency", "effective_to"),
            "price",
        ),
        EntityComparison(
            "balance", "balance", ENTITIES["balance"].business_key, ENTITIES["balance"].business_key,
            ("balance_amount", "credit_limit", "currency"),
            "balance", money_columns=("balance_amount",), monetary_unit_column="balance_amount",
        ),
        EntityComparison(
            "order", "order_line", ENTITIES["order"].business_key, ENTITIES["order"].business_key,
            ("partner_record_id", "order_date", "sku_code", "quantity", "unit_price", "amount", "status"),
            "order line", money_columns=("amount", "quantity"),
        ),
    )
}  # fmt: skip
"""Reconciliation settings per canonical entity (``order`` lands in the ``order_line`` table)."""

ENTITY_ALIASES = {"order_line": "order", "orders": "order"}

_SPACES = re.compile(r"\s+")


def normalise(value: Any, column: Column) -> Any:
    """The comparable form of ``value`` for the store column ``column`` (``None`` when blank)."""
    if is_blank(value):
        return None
    kind = column.type
    try:
        if isinstance(kind, Numeric) and not isinstance(kind, Float):
            return to_decimal(value, None, None)
        if isinstance(kind, Integer):
            return to_int(value)
        if isinstance(kind, Date):
            return to_date(value)
    except ValueError:
        pass
    text = unicodedata.normalize("NFKC", str(value))
    text = _SPACES.sub(" ", text).strip()
    if column.name == "gtin" and text.isdigit() and len(text) <= 14:
        return text.zfill(14)
    return text


def normalise_many(values: list[Any], column: Column) -> list[Any]:
    """:func:`normalise` over a whole column, converting each distinct value once."""
    cache: dict[tuple[Any, type], Any] = {}
    out = []
    for value in values:
        try:
            key = (value, type(value))
            if key not in cache:
                cache[key] = normalise(value, column)
            out.append(cache[key])
        except TypeError:
            out.append(normalise(value, column))
    return out


def display(value: Any) -> str:
    """How a compared value is shown in the report; blank shows as an empty string."""
    if value is None:
        return ""
    if isinstance(value, Decimal | date):
        return canonical_text(value)
    return str(value)


def store_key_values(old_rows: pd.DataFrame, comparison: EntityComparison) -> list[tuple[Any, ...]]:
    """The old rows' business keys in the store's types, for looking them up."""
    table = TABLES[comparison.table]
    columns = [
        normalise_many(old_rows[old].tolist(), table.c[store])
        for old, store in zip(comparison.old_key, comparison.store_key, strict=True)
    ]
    return list(zip(*columns, strict=True))


@dataclass(frozen=True)
class FieldComparison:
    """The outcome of comparing one old record with its store row."""

    mismatches: list[tuple[str, str, str]]
    """(column, old value, store value) for every column whose value was lost or changed."""
    enriched: list[str]
    """Columns the migration filled in where the old record had nothing (or only part)."""
    withheld: list[str] = field(default_factory=list)
    """Columns left blank in the store because the old value was flagged as damaged at ingest."""


BENIGN_FLAGS = ("was_numeric",)
"""Ingest flags that describe how a value was stored, not damage to it."""


def damaged_columns(data_flags: Any) -> frozenset[str]:
    """Columns an ingest ``data_flags`` value (``uscc:scientific_notation;phone:was_numeric``) marks as damaged."""
    if not isinstance(data_flags, str) or not data_flags:
        return frozenset()
    damaged = set()
    for flag in data_flags.split(";"):
        column, _, kind = flag.partition(":")
        if kind and kind not in BENIGN_FLAGS and not kind.endswith("_restored"):
            damaged.add(column.strip())
    return frozenset(damaged)


PHONE_COLUMNS = frozenset({"phone"})
ADDRESS_COLUMNS = frozenset({"address"})
_t2s = None


def _simplified(text: str) -> str:
    global _t2s
    if _t2s is None:
        import opencc

        _t2s = opencc.OpenCC("t2s")
    return _t2s.convert(text)


def phone_digits(text: str) -> str:
    """A phone number reduced to its national significant digits: +86 10 6942-4580 → 1069424580."""
    digits = re.sub(r"\D", "", text)
    if digits.startswith("0086"):
        digits = digits[4:]
    elif digits.startswith("86") and (text.lstrip().startswith("+") or len(digits) == 13):
        digits = digits[2:]
    return digits[1:] if digits.startswith("0") else digits


def comparable(value: Any, column: Column) -> Any:
    """What must agree between old and new: formatting (spaces, width, traditional characters,
    phone notation, letter case of e-mail) never counts, the content does."""
    normal = normalise(value, column)
    if not isinstance(normal, str):
        return normal
    if column.name in PHONE_COLUMNS:
        return phone_digits(normal)
    text = _simplified(_SPACES.sub("", normal))
    return text.casefold() if column.name == "email" else text


def _completed_with_extension(old: Any, stored: Any, column: Column) -> bool:
    """The store holds the old number plus an extension (``+8675520026264;ext=460``) that another record
    of the same golden record wrote: the number agrees and the extension is enrichment."""
    if not isinstance(stored, str) or EXTENSION_SEPARATOR not in stored:
        return False
    return comparable(stored.split(EXTENSION_SEPARATOR)[0], column) == old


def _is_subsequence(part: str, whole: str) -> bool:
    characters = iter(whole)
    return all(character in characters for character in part)


def compare_fields(
    old_row: dict[str, Any], store_row: dict[str, Any], columns: list[str], table_name: str
) -> FieldComparison:
    """Compare the named columns of an old record and its store row after normalisation.

    A value that is blank in the old record and filled in the store, an address the store
    completed (the old text is contained, in order, in the new), or a phone the store completed with
    its extension, is enrichment, not a defect.
    A value ingest flagged as damaged (``data_flags``) and left blank in the store is withheld.
    """
    table = TABLES[table_name]
    mismatches: list[tuple[str, str, str]] = []
    enriched: list[str] = []
    withheld: list[str] = []
    damaged = damaged_columns(old_row.get("data_flags"))
    for name in columns:
        column = table.c[name]
        old, new = comparable(old_row.get(name), column), comparable(store_row.get(name), column)
        if old == new:
            continue
        if (
            old is None
            or (name in ADDRESS_COLUMNS and isinstance(new, str) and _is_subsequence(old, new))
            or (name in PHONE_COLUMNS and _completed_with_extension(old, store_row.get(name), column))
        ):
            enriched.append(name)
            continue
        if new is None and name in damaged:
            withheld.append(name)
            continue
        shown_old = display(normalise(old_row.get(name), column))
        shown_new = display(normalise(store_row.get(name), column))
        mismatches.append((name, shown_old, shown_new))
    return FieldComparison(mismatches, enriched, withheld)
