"""The roles a column of a party file (partners, customers, any list to deduplicate) may play.

One list, read by the standardiser (``cleansing.standardise``), the dedupe spec (``mdm.spec``) and the
dedupe run (``mdm.dedupe``), so a role is named the same way in a spec, a message and a column.
"""

from __future__ import annotations

__all__ = [
    "MULTI_COLUMN_ROLES",
    "NAME_ROLES",
    "PARTY_ROLES",
    "PERSON_NAME_ROLES",
    "SINGLE_COLUMN_ROLES",
    "STANDARDISED_ROLES",
]

PARTY_ROLES: tuple[str, ...] = (
    "company_name",
    "person_name",
    "given_name",
    "family_name",
    "middle_name",
    "other_names",
    "uscc",
    "national_id",
    "tax_id",
    "phone",
    "email",
    "website",
    "address",
    "province",
    "city",
    "district",
    "postcode",
    "birth_date",
    "categorical",
    "free_text",
    "exact",
)
"""Every role, in the order messages list them."""

MULTI_COLUMN_ROLES: tuple[str, ...] = (
    "person_name",
    "phone",
    "address",
    "other_names",
    "website",
    "national_id",
    "tax_id",
    "categorical",
    "free_text",
    "exact",
    "birth_date",
)
"""Roles that accept several columns: person-name parts, phones and address parts are joined; other
names, websites and identifiers are each a set any of whose values may agree; a birth date's three
columns are its year, month and day; the others are compared one by one."""

SINGLE_COLUMN_ROLES: tuple[str, ...] = tuple(r for r in PARTY_ROLES if r not in MULTI_COLUMN_ROLES)

STANDARDISED_ROLES: tuple[str, ...] = (
    "company_name",
    "person_name",
    "uscc",
    "phone",
    "address",
    "province",
    "city",
    "district",
    "email",
    "birth_date",
    "postcode",
)
"""The roles the party standardiser reads itself (the others are added by ``mdm.roles``)."""

PERSON_NAME_ROLES: tuple[str, ...] = ("person_name", "given_name", "family_name", "middle_name")
NAME_ROLES: tuple[str, ...] = ("company_name", *PERSON_NAME_ROLES)
