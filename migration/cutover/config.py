"""The comparison configuration: a small YAML saying what to compare between the old and the new system.

Validated on load; every problem names the YAML file and the key (``entities.partner.rules.balance``),
with the closest real name when a column is misspelt. Database URLs are never written in the YAML:
a side names the environment variable that holds its URL (``url_env: NEW_SYSTEM_URL``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from cleansing.config_files import load_yaml_model, suggest
from foundation.errors import UserError

FieldKind = Literal["text", "code", "number", "money", "date"]


class SideSpec(BaseModel):
    """Where one side's rows come from: a file (plain, or through a source mapping) or a database."""

    model_config = ConfigDict(extra="forbid")
    file: str | None = None
    """A csv or xlsx, relative to the YAML's folder."""
    sheet: str | None = None
    mapping: str | None = None
    """A source-mapping YAML (the same ingest uses); the side's columns are then the canonical ones."""
    url_env: str | None = None
    """The environment variable holding the SQLAlchemy URL (never the URL itself)."""
    table: str | None = None
    schema_name: str | None = Field(default=None, alias="schema")
    query: str | None = None
    """A read-only SELECT, instead of ``table``."""

    @model_validator(mode="after")
    def _one_source(self) -> SideSpec:
        if (self.file is None) == (self.url_env is None):
            raise ValueError("give either file: (a csv/xlsx) or url_env: (a database), not both or neither")
        if self.file is not None and (self.table or self.query):
            raise ValueError("table: and query: belong to a database side (url_env:), not a file")
        if self.url_env is not None:
            if (self.table is None) == (self.query is None):
                raise ValueError("a database side needs either table: or query:")
            if "://" in self.url_env:
                raise ValueError(
                    "url_env: names an environment variable holding the URL; never write the URL itself here"
                )
            if self.sheet or self.mapping:
                raise ValueError("sheet: and mapping: belong to a file side, not a database")
        if self.query is not None and not self.query.lstrip().lower().startswith(("select", "with")):
            raise ValueError("query: must be a SELECT (the comparison never writes)")
        return self

    def describe(self) -> str:
        """How the side is named in reports: never the URL, only the variable that holds it."""
        if self.file is not None:
            return self.file + (f" [{self.sheet}]" if self.sheet else "")
        where = self.table if self.table else "query"
        return f"${self.url_env}/{where}"


class FieldRule(BaseModel):
    """How one compared column agrees: its kind, tolerances and a value map from old values to new."""

    model_config = ConfigDict(extra="forbid")
    kind: FieldKind = "text"
    absolute_tolerance: float | None = None
    relative_tolerance: float | None = None
    value_map: dict[str, str] = {}
    """Old value → the value the new system uses for it (一批 → 1)."""
    case_sensitive: bool = True
    decimal: Literal[".", ","] = "."
    thousands: str | None = ","

    @field_validator("absolute_tolerance", "relative_tolerance")
    @classmethod
    def _not_negative(cls, value: float | None) -> float | None:
        if value is not None and value < 0:
            raise ValueError("a tolerance cannot be negative")
        return value

    @field_validator("value_map", mode="before")
    @classmethod
    def _text_map(cls, value: Any) -> Any:
        if isinstance(value, dict):
            return {str(k): "" if v is None else str(v) for k, v in value.items()}
        return value

    @model_validator(mode="after")
    def _tolerance_needs_numbers(self) -> FieldRule:
        numeric = self.kind in ("number", "money")
        if not numeric and (self.absolute_tolerance is not None or self.relative_tolerance is not None):
            raise ValueError(f"a tolerance needs kind: money or number, not {self.kind}")
        return self


class ControlTotalSpec(BaseModel):
    """A total per group on both sides: ``{sum: balance, by: [partner_code, currency]}`` or ``by_month: order_date``."""

    model_config = ConfigDict(extra="forbid")
    sum: str | None = None
    """The column to add up (old name); omitted: rows are counted."""
    by: list[str] = []
    by_month: str | None = None

    def label(self) -> str:
        what = f"sum of {self.sum}" if self.sum else "row count"
        groups = [*self.by, *([f"month of {self.by_month}"] if self.by_month else [])]
        return what + (" by " + ", ".join(groups) if groups else "")


class ReferenceSpec(BaseModel):
    """A reference from this entity to another's key: rows pointing at a missing key are orphans."""

    model_config = ConfigDict(extra="forbid")
    column: str
    """The referring column (old name)."""
    entity: str


class EntitySpec(BaseModel):
    """One entity to compare: its two sides, key, compared columns and rules."""

    model_config = ConfigDict(extra="forbid")
    label: str | None = None
    """How sentences name its records (``customers``); default the entity name."""
    old: SideSpec
    new: SideSpec
    key: list[str] = Field(min_length=1)
    """The key columns, by their old names (each must also appear in ``columns``)."""
    columns: dict[str, str] = Field(min_length=1)
    """Old column name → new column name, for every compared column and the key."""
    rules: dict[str, FieldRule] = {}
    control_totals: list[ControlTotalSpec] = []
    references: list[ReferenceSpec] = []
    where: dict[str, list[str]] = {}
    """Compare only the rows holding one of these values (old names and old values), e.g. one wave:
    ``where: {sales_region: [华南]}``; applied to both sides."""
    wave_columns: dict[Literal["region", "partner"], str] = {}
    """Which column (old name) tells a row's sales region and partner code, so ``--scope region=…`` or
    ``--scope partners=…`` can select a migration wave: ``{region: 省份, partner: 客户编码}``. An entity
    without them follows a reference to one that has them (an order follows its customer)."""
    strata: list[str] = []
    """Sampled mode: sample each group of these columns on its own."""
    amount_column: str | None = None
    """Sampled mode: draw by monetary unit over this (money) column."""

    @field_validator("where", mode="before")
    @classmethod
    def _value_lists(cls, value: Any) -> Any:
        if isinstance(value, dict):
            return {str(k): [str(x) for x in (v if isinstance(v, list) else [v])] for k, v in value.items()}
        return value

    @field_validator("columns", mode="before")
    @classmethod
    def _text_names(cls, value: Any) -> Any:
        if isinstance(value, list):  # same name on both sides
            return {str(v): str(v) for v in value}
        if isinstance(value, dict):
            return {str(k): str(v if v is not None else k) for k, v in value.items()}
        return value


class CompareConfig(BaseModel):
    """The whole comparison."""

    model_config = ConfigDict(extra="forbid")
    mode: Literal["full", "sampled"] = "full"
    confidence: float = Field(default=0.95, gt=0, lt=1)
    tolerable_error_rate: float = Field(default=0.01, gt=0, lt=1)
    seed: int | str = 20261126
    finite_population: bool = False
    """Sampled mode: use the (smaller) hypergeometric sample size for each stratum's population."""
    max_listed: int = Field(default=10_000, gt=0)
    """At most this many missing keys, mismatches or orphans are listed per check (all are counted)."""
    entities: dict[str, EntitySpec] = Field(min_length=1)
    path: Path = Path(".")

    @property
    def folder(self) -> Path:
        return self.path.parent


def load_compare_config(path: Path) -> CompareConfig:
    """Read and validate a comparison YAML; raise :class:`UserError` naming the file and key."""
    config = load_yaml_model(path, CompareConfig, "comparison file", "an entities: key", path=path)
    for name, entity in config.entities.items():
        _check_entity(path, name, entity)
    check_references(config)
    return config


def _check_entity(path: Path, name: str, entity: EntitySpec) -> None:
    known = list(entity.columns)

    def need(where: str, column: str | None) -> None:
        if column is not None and column not in entity.columns:
            raise UserError(
                f"{path}: entities.{name}.{where}: {column!r} is not one of the compared columns"
                f"{suggest(column, known)}; add it under entities.{name}.columns (old name: new name)"
            )

    for index, column in enumerate(entity.key):
        need(f"key[{index}]", column)
    for column in entity.rules:
        need(f"rules.{column}", column)
    for index, total in enumerate(entity.control_totals):
        need(f"control_totals[{index}].sum", total.sum)
        for column in total.by:
            need(f"control_totals[{index}].by", column)
        need(f"control_totals[{index}].by_month", total.by_month)
        if total.sum and entity.rules.get(total.sum, FieldRule()).kind not in ("money", "number"):
            raise UserError(
                f"{path}: entities.{name}.control_totals[{index}].sum: {total.sum!r} must have a rule with "
                "kind: money or number to be added up"
            )
    for index, reference in enumerate(entity.references):
        need(f"references[{index}].column", reference.column)
    for column in entity.strata:
        need("strata", column)
    for column in entity.where:
        need(f"where.{column}", column)
    for kind, column in entity.wave_columns.items():
        need(f"wave_columns.{kind}", column)
    need("amount_column", entity.amount_column)
    if entity.amount_column and entity.rules.get(entity.amount_column, FieldRule()).kind not in (
        "money",
        "number",
    ):
        raise UserError(
            f"{path}: entities.{name}.amount_column: {entity.amount_column!r} must have a rule with kind: money"
        )


def check_references(config: CompareConfig) -> None:
    """Every reference names an entity of the comparison with a one-column key."""
    for name, entity in config.entities.items():
        for index, reference in enumerate(entity.references):
            target = config.entities.get(reference.entity)
            where = f"{config.path}: entities.{name}.references[{index}].entity"
            if target is None:
                raise UserError(
                    f"{where}: no entity {reference.entity!r} in this comparison"
                    f"{suggest(reference.entity, list(config.entities))}"
                )
            if len(target.key) != 1:
                raise UserError(
                    f"{where}: {reference.entity!r} has a key of several columns; refer to one column"
                )
