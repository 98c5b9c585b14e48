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

The file is read and its problems worded like every other YAML a steward edits
(:mod:`cleansing.config_files`): one :class:`~foundation.errors.UserError` naming the spec file, the key
path and what is wrong, with the key it probably meant for a misspelt one.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError, create_model, field_validator

from cleansing.config_files import describe_validation_error, read_yaml_mapping, suggest
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


def _column_names(role: str) -> Any:
    """The validator of one role's value: a column name, or (for a multi-column role) a list of them."""

    def check(value: Any) -> Any:
        if value is None:
            return None
        if isinstance(value, str) and value.strip():
            return [value]
        if (
            role in MULTI_COLUMN_ROLES
            and isinstance(value, list)
            and value
            and all(isinstance(v, str) and v.strip() for v in value)
        ):
            return list(value)
        if role in MULTI_COLUMN_ROLES:
            raise ValueError("must be a column name or a list of column names")
        raise ValueError("must be one column name")

    return field_validator(role, mode="before")(check)


SpecColumns: type[BaseModel] = create_model(  # one optional field per role, so a misspelt role gets a hint
    "SpecColumns",
    __config__=ConfigDict(extra="forbid"),
    __validators__={f"_check_{role}": _column_names(role) for role in PARTY_ROLES},
    **{role: (list[str] | None, None) for role in PARTY_ROLES},  # type: ignore[call-overload]
)


def _probability(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= 1:
        raise ValueError(f"must be a probability between 0 and 1, not {value!r}")
    return float(value)


class SpecThresholds(BaseModel):
    model_config = ConfigDict(extra="forbid")
    auto_merge: float = Thresholds().auto_merge
    review: float = Thresholds().review

    _probabilities = field_validator("auto_merge", "review", mode="before")(_probability)


class SpecFile(BaseModel):
    """A dedupe spec as written in its YAML (see the module's example)."""

    model_config = ConfigDict(extra="forbid")
    record_id: str
    entity: str = "auto"
    country: str = "CN"
    columns: SpecColumns  # type: ignore[valid-type]
    thresholds: SpecThresholds = SpecThresholds()
    max_block_size: int = 1000

    @field_validator("record_id", mode="before")
    @classmethod
    def _record_id(cls, value: Any) -> Any:
        if not isinstance(value, str) or not value.strip():
            raise ValueError("give the name of the column holding each record's id")
        return value.strip()

    @field_validator("entity", mode="before")
    @classmethod
    def _entity(cls, value: Any) -> Any:
        if value not in ENTITIES:
            raise ValueError(
                f"must be one of {', '.join(ENTITIES)}, not {value!r}{suggest(str(value), ENTITIES)}"
            )
        return value

    @field_validator("country", mode="before")
    @classmethod
    def _country(cls, value: Any) -> Any:
        if not isinstance(value, str) or not re.fullmatch(r"[A-Z]{2}", value.strip().upper()):
            raise ValueError(f"must be a two-letter ISO 3166 code such as CN, GB or US, not {value!r}")
        return value.strip().upper()

    @field_validator("columns", mode="before")
    @classmethod
    def _columns(cls, value: Any) -> Any:
        if not isinstance(value, dict) or not value:
            raise ValueError(f"must map roles ({', '.join(PARTY_ROLES)}) to input column names")
        return value

    @field_validator("max_block_size", mode="before")
    @classmethod
    def _block_size(cls, value: Any) -> Any:
        if isinstance(value, bool) or not isinstance(value, int) or value < 2:
            raise ValueError(f"must be a whole number of at least 2, not {value!r}")
        return value


def parse_spec(data: Any, source: str = "<spec>") -> DedupeSpec:
    """Validate a spec already read from YAML (a dict) and return it; every problem is one
    :class:`~foundation.errors.UserError` in the config files' style (file, key path, what is wrong)."""
    if not isinstance(data, dict):
        raise UserError(f"{source}: the dedupe spec must be a mapping with keys {', '.join(TOP_LEVEL_KEYS)}")
    try:
        written = SpecFile.model_validate(data)
    except ValidationError as exc:
        raise UserError(f"{source}: {describe_validation_error(exc, SpecFile)}") from None
    columns = {role: names for role, names in BaseModel.model_dump(written.columns).items() if names}
    if not any(role in columns for role in NAME_ROLES):
        raise UserError(f"{source}: columns: needs company_name or person_name (or given_name/family_name)")
    if len(columns.get("birth_date", [])) not in (0, 1, 3):
        raise UserError(
            f"{source}: columns.birth_date: give one column, or three in the order year, month, day "
            f"(got {len(columns['birth_date'])}: {', '.join(columns['birth_date'])})"
        )
    if written.entity == "organisation" and "company_name" not in columns:
        raise UserError(f"{source}: columns: entity organisation needs company_name")
    if written.entity == "person" and not any(
        role in columns for role in (*PERSON_NAME_ROLES, "company_name")
    ):
        raise UserError(f"{source}: columns: entity person needs person_name (or given_name/family_name)")
    thresholds = Thresholds(auto_merge=written.thresholds.auto_merge, review=written.thresholds.review)
    if thresholds.review > thresholds.auto_merge:
        raise UserError(
            f"{source}: thresholds.review: {thresholds.review} must not exceed "
            f"thresholds.auto_merge ({thresholds.auto_merge})"
        )
    spec = DedupeSpec(
        written.record_id,
        written.entity,
        columns,
        thresholds,
        written.max_block_size,
        source,
        written.country,
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
    """Read (:mod:`cleansing.config_files`: UTF-8, a byte-order mark is fine) and validate a dedupe spec."""
    return parse_spec(read_yaml_mapping(path, "spec file", ", ".join(TOP_LEVEL_KEYS)), str(path))
