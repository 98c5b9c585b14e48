"""The declarative dedupe spec: which input column holds what, validated on load.

Example (``mdm/examples/partners_zh.yaml``)::

    record_id: 客户编码
    entity: organisation          # organisation | person | auto
    columns:
      company_name: 客户名称
      uscc: 统一社会信用代码
      phone: [手机, 电话]
      address: 地址
      city: 城市
    thresholds: {auto_merge: 0.95, review: 0.7}

Every problem is reported as one :class:`~foundation.errors.UserError` naming the spec file
and the key, with a suggestion where a close match exists.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cleansing.config_files import read_yaml
from cleansing.party_roles import (
    MULTI_COLUMN_ROLES,
    NAME_ROLES,
    PARTY_ROLES,
    PERSON_NAME_ROLES,
)
from foundation.errors import UserError
from mdm.model import Thresholds

TOP_LEVEL_KEYS = ("record_id", "entity", "country", "columns", "thresholds", "max_block_size")
ENTITIES = ("organisation", "person", "auto")


@dataclass
class DedupeSpec:
    record_id: str
    entity: str = "auto"
    columns: dict[str, list[str]] = field(default_factory=dict)
    thresholds: Thresholds = field(default_factory=Thresholds)
    max_block_size: int = 1000
    source: str = "<spec>"
    country: str = "CN"
    """Where phone numbers written without +country belong (ISO 3166 alpha-2)."""

    def mapped_columns(self) -> list[tuple[str, str]]:
        """(key, input column) for every column the spec names, ``record_id`` first."""
        out = [("record_id", self.record_id)]
        for role, names in self.columns.items():
            out.extend((f"columns.{role}", name) for name in names)
        return out

    def validate_columns(self, columns: Iterable[str], input_name: str) -> None:
        """Raise a UserError if a mapped column is missing from the input, suggesting a close match."""
        available = [str(c) for c in columns]
        for key, name in self.mapped_columns():
            if name in available:
                continue
            close = difflib.get_close_matches(name, available, n=1, cutoff=0.5)
            hint = (
                f"did you mean '{close[0]}'?" if close else f"the input has columns: {', '.join(available)}"
            )
            raise UserError(
                f"{input_name}: column '{name}' ({key} in {self.source}) is not in the input; {hint}"
            )


def _suggest(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _threshold(value: Any, key: str, source: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= 1:
        raise UserError(f"{source}: thresholds.{key} must be a probability between 0 and 1, not {value!r}")
    return float(value)


def parse_spec(data: Any, source: str = "<spec>") -> DedupeSpec:
    """Validate a spec already read from YAML (a dict) and return it."""
    if not isinstance(data, dict):
        raise UserError(f"{source}: the dedupe spec must be a mapping with keys {', '.join(TOP_LEVEL_KEYS)}")
    for key in data:
        if key not in TOP_LEVEL_KEYS:
            raise UserError(
                f"{source}: unknown key '{key}'; expected one of {', '.join(TOP_LEVEL_KEYS)}"
                f"{_suggest(str(key), TOP_LEVEL_KEYS)}"
            )
    record_id = data.get("record_id")
    if not isinstance(record_id, str) or not record_id.strip():
        raise UserError(f"{source}: 'record_id' is required: the name of the column holding each record's id")
    entity = data.get("entity", "auto")
    if entity not in ENTITIES:
        raise UserError(f"{source}: entity must be one of {', '.join(ENTITIES)}, not {entity!r}")
    raw_columns = data.get("columns")
    if not isinstance(raw_columns, dict) or not raw_columns:
        raise UserError(
            f"{source}: 'columns' must map roles ({', '.join(PARTY_ROLES)}) to input column names"
        )
    columns: dict[str, list[str]] = {}
    for role, value in raw_columns.items():
        if role not in PARTY_ROLES:
            raise UserError(
                f"{source}: unknown key 'columns.{role}'; expected one of {', '.join(PARTY_ROLES)}"
                f"{_suggest(str(role), PARTY_ROLES)}"
            )
        if isinstance(value, str) and value.strip():
            columns[role] = [value]
        elif (
            role in MULTI_COLUMN_ROLES
            and isinstance(value, list)
            and value
            and all(isinstance(v, str) and v.strip() for v in value)
        ):
            columns[role] = list(value)
        elif role in MULTI_COLUMN_ROLES:
            raise UserError(f"{source}: columns.{role} must be a column name or a list of column names")
        else:
            raise UserError(f"{source}: columns.{role} must be one column name")
    if not any(role in columns for role in NAME_ROLES):
        raise UserError(
            f"{source}: 'columns' must map company_name or person_name (or given_name/family_name)"
        )
    if entity == "organisation" and "company_name" not in columns:
        raise UserError(f"{source}: entity organisation needs columns.company_name")
    if entity == "person" and not any(role in columns for role in (*PERSON_NAME_ROLES, "company_name")):
        raise UserError(f"{source}: entity person needs columns.person_name (or given_name/family_name)")
    thresholds = Thresholds()
    raw_thresholds = data.get("thresholds")
    if raw_thresholds is not None:
        if not isinstance(raw_thresholds, dict):
            raise UserError(f"{source}: thresholds must be a mapping with auto_merge and review")
        for key in raw_thresholds:
            if key not in ("auto_merge", "review"):
                raise UserError(
                    f"{source}: unknown key 'thresholds.{key}'; expected auto_merge or review"
                    f"{_suggest(str(key), ('auto_merge', 'review'))}"
                )
        thresholds = Thresholds(
            auto_merge=_threshold(
                raw_thresholds.get("auto_merge", thresholds.auto_merge), "auto_merge", source
            ),
            review=_threshold(raw_thresholds.get("review", thresholds.review), "review", source),
        )
        if thresholds.review > thresholds.auto_merge:
            raise UserError(
                f"{source}: thresholds.review ({thresholds.review}) must not exceed "
                f"thresholds.auto_merge ({thresholds.auto_merge})"
            )
    max_block_size = data.get("max_block_size", 1000)
    if isinstance(max_block_size, bool) or not isinstance(max_block_size, int) or max_block_size < 2:
        raise UserError(
            f"{source}: max_block_size must be a whole number of at least 2, not {max_block_size!r}"
        )
    country = data.get("country", "CN")
    if not isinstance(country, str) or not re.fullmatch(r"[A-Z]{2}", country.strip().upper()):
        raise UserError(
            f"{source}: country must be a two-letter ISO 3166 code such as CN, GB or US, not {country!r}"
        )
    spec = DedupeSpec(
        record_id.strip(), entity, columns, thresholds, max_block_size, source, country.strip().upper()
    )
    check_spec_consistency(spec)
    return spec


COUNTRY_ALIASES = {"UK": "GB", "EN": "GB", "ZH": "CN"}
"""Codes people write that are not ISO country codes (UK is GB; ZH is the Chinese language)."""


def check_spec_consistency(spec: DedupeSpec) -> None:
    """Refuse a country phone numbers cannot use and a column given two roles, naming the spec key.

    A country ``phonenumbers`` does not know would silently leave every local phone unparsed; one
    column under two roles would compare the same value twice and double its weight.
    """
    import phonenumbers

    regions = sorted(phonenumbers.SUPPORTED_REGIONS)
    if spec.country not in phonenumbers.SUPPORTED_REGIONS:
        close = [COUNTRY_ALIASES[spec.country]] if spec.country in COUNTRY_ALIASES else []
        close += [
            c for c in difflib.get_close_matches(spec.country, regions, n=2, cutoff=0.5) if c not in close
        ]
        hint = f" (did you mean {' or '.join(repr(c) for c in close[:2])}?)" if close else ""
        raise UserError(
            f"{spec.source}: country '{spec.country}' is not a country code phone numbers are known for"
            f"{hint}; use an ISO 3166 alpha-2 code such as CN, GB or US"
        )
    first_role: dict[str, str] = {}
    for role, names in spec.columns.items():
        for name in names:
            if first_role.get(name) == role:
                raise UserError(f"{spec.source}: column '{name}' is listed twice under columns.{role}")
            if name in first_role:
                raise UserError(
                    f"{spec.source}: column '{name}' is under both columns.{first_role[name]} and "
                    f"columns.{role}; give each column one role"
                )
            first_role[name] = role


def load_spec(path: str | Path) -> DedupeSpec:
    """Read and validate a dedupe spec YAML file."""
    return parse_spec(read_yaml(path, "spec file"), str(path))
