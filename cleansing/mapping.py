"""Source mappings: one YAML per source file saying how its columns become canonical columns.

A steward adds a new source by writing a mapping, without code. The mapping is validated on
load and every problem names the YAML file and the key (``columns.partner_type.transform[1]``),
with close-match suggestions for misspelt canonical columns, transforms and value maps.
Whether the mapped *source* columns exist is only known once the file is read:
:func:`check_source_columns` reports those the same way. See ``sample_data/mappings/README.md``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)

from cleansing.canonical import ENTITIES, PROVENANCE_COLUMNS, CanonicalEntity, get_entity
from cleansing.config_files import describe_validation_error, load_yaml_model, suggest
from cleansing.mapping_transforms import TRANSFORMS, Transform, parse_transform
from cleansing.numbers import NumberFormat
from cleansing.readers import READERS, get_reader
from foundation.errors import UserError

VIRTUAL_COLUMNS = ("@sheet", "@file")
"""Source columns every reader provides: the sheet name and the file name of the row."""


class NumberSeparators(BaseModel):
    """How a source writes numbers: ``numbers: {decimal: ",", thousands: "."}`` reads ``1.234,50``."""

    model_config = ConfigDict(extra="forbid")
    decimal: str = "."
    thousands: str | None = ","

    @model_validator(mode="after")
    def _valid(self) -> NumberSeparators:
        self.number_format()  # raises ValueError with the reason
        return self

    def number_format(self) -> NumberFormat:
        return NumberFormat(decimal=self.decimal, thousands=self.thousands)


class ColumnSpec(BaseModel):
    """How one canonical column is filled from the source."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    source: str | list[str] = Field(alias="from")
    transform: list[str | dict[str, Any]] = []
    default: str | None = None
    """Used when the source cell is blank."""
    id_length: int | None = None
    """Exact length of an all-digit code: enables the lost-leading-zeros check."""
    restore_leading_zeros: bool = False
    """Left-pad codes that lost their leading zeros back to ``id_length`` (flagged, not silent)."""
    numbers: NumberSeparators | None = None
    """This column's decimal and thousands separators, where they differ from the mapping's."""

    @property
    def sources(self) -> list[str]:
        return [self.source] if isinstance(self.source, str) else list(self.source)


class SourceMapping(BaseModel):
    """One source file (or table) of one source system, mapped onto one canonical entity."""

    model_config = ConfigDict(extra="forbid")
    source_system: str
    entity: str
    trust_rank: int = Field(ge=1)
    file: str | None = None
    """Glob relative to the sources folder, e.g. ``erp/partners*.xlsx``."""
    format: str
    options: dict[str, Any] = {}
    columns: dict[str, str | ColumnSpec]
    constants: dict[str, str] = {}
    value_maps: dict[str, dict[str, str]] = {}
    numbers: NumberSeparators = NumberSeparators()
    """How the source writes numbers (default ``1,234.50``)."""
    _path: Path | None = PrivateAttr(default=None)
    _transforms: dict[str, list[Transform]] = PrivateAttr(default_factory=dict)

    @field_validator("constants", mode="before")
    @classmethod
    def _constants_as_text(cls, value: Any) -> Any:
        return (
            {k: None if v is None else str(v) for k, v in value.items()} if isinstance(value, dict) else value
        )

    @field_validator("value_maps", mode="before")
    @classmethod
    def _value_maps_as_text(cls, value: Any) -> Any:
        if not isinstance(value, dict):
            return value
        return {
            n: {str(k): str(v) for k, v in m.items()} if isinstance(m, dict) else m for n, m in value.items()
        }

    @property
    def path(self) -> Path | None:
        """The YAML file the mapping was loaded from."""
        return self._path

    @property
    def transforms(self) -> dict[str, list[Transform]]:
        """Parsed transforms per canonical column (value-map names resolved)."""
        return self._transforms

    def number_format(self, column: str) -> NumberFormat:
        """The separators numbers in canonical ``column`` are written with."""
        spec = self.columns.get(column)
        if isinstance(spec, ColumnSpec) and spec.numbers is not None:
            return spec.numbers.number_format()
        return self.numbers.number_format()

    @property
    def name(self) -> str:
        return self.path.stem if self.path else f"{self.source_system}_{self.entity}"

    @property
    def canonical(self) -> CanonicalEntity:
        return get_entity(self.entity)

    def spec(self, column: str) -> ColumnSpec:
        value = self.columns[column]
        return ColumnSpec.model_validate({"from": value}) if isinstance(value, str) else value

    def source_columns(self) -> list[str]:
        """Every source column the mapping reads, in mapping order."""
        return list(dict.fromkeys(s for c in self.columns for s in self.spec(c).sources))


def load_mapping(path: Path) -> SourceMapping:
    """Read and validate one mapping YAML; raise :class:`UserError` naming the file and key."""
    mapping = load_yaml_model(path, SourceMapping, "mapping", "source_system, entity, format and columns")
    mapping._path = path
    _check_semantics(mapping, path)
    return mapping


def load_mappings(directory: Path) -> list[SourceMapping]:
    """Load every ``*.yaml``/``*.yml`` mapping in ``directory``, sorted by file name."""
    if not directory.is_dir():
        raise UserError(f"{directory}: mappings folder not found")
    files = sorted([*directory.glob("*.yaml"), *directory.glob("*.yml")])
    if not files:
        raise UserError(f"{directory}: no mapping files (*.yaml) found")
    return [load_mapping(p) for p in files]


def _check_semantics(mapping: SourceMapping, path: Path) -> None:
    if mapping.entity not in ENTITIES:
        raise UserError(
            f"{path}: entity: unknown entity {mapping.entity!r}{suggest(mapping.entity, list(ENTITIES))} "
            f"Expected one of {', '.join(ENTITIES)}"
        )
    if mapping.format not in READERS:
        raise UserError(
            f"{path}: format: unknown format {mapping.format!r}{suggest(mapping.format, list(READERS))} "
            f"Expected one of {', '.join(sorted(READERS))}"
        )
    if mapping.format != "database" and not mapping.file:
        raise UserError(f"{path}: missing required key 'file' (a glob relative to the sources folder)")
    try:
        mapping.options = get_reader(mapping.format).validate_options(mapping.options)
    except ValidationError as exc:
        raise UserError(f"{path}: {describe_validation_error(exc, prefix=('options',))}") from None
    entity = mapping.canonical
    known = entity.column_names
    for column in [*mapping.columns, *mapping.constants]:
        if column not in known:
            hint = suggest(column, known)
            section = "columns" if column in mapping.columns else "constants"
            raise UserError(
                f"{path}: {section}.{column}: unknown canonical column {column!r} for entity "
                f"{entity.name}{hint} Known columns: {', '.join(known)}"
            )
    both = set(mapping.columns) & set(mapping.constants)
    if both:
        raise UserError(f"{path}: columns.{sorted(both)[0]}: mapped both as a column and as a constant")
    for column in mapping.columns:
        mapping._transforms[column] = _parse_transforms(mapping, column, path)
    covered = set(mapping.columns) | set(mapping.constants) | set(PROVENANCE_COLUMNS)
    for canonical_column in entity.columns:
        if canonical_column.required and canonical_column.name not in covered:
            raise UserError(
                f"{path}: columns: required canonical column {canonical_column.name!r} of entity {entity.name} is not mapped; "
                "add it under columns (or constants)"
            )


def _parse_transforms(mapping: SourceMapping, column: str, path: Path) -> list[Transform]:
    spec = mapping.spec(column)
    parsed = []
    for position, entry in enumerate(spec.transform):
        key = f"columns.{column}.transform[{position}]"
        try:
            transform = parse_transform(entry)
        except ValueError as exc:
            name = entry if isinstance(entry, str) else next(iter(entry), "")
            hint = suggest(str(name), list(TRANSFORMS)) if "unknown transform" in str(exc) else ""
            raise UserError(f"{path}: {key}: {exc}{hint}") from None
        if transform.name == "value_map" and isinstance(transform.argument, str):
            if transform.argument not in mapping.value_maps:
                hint = suggest(transform.argument, list(mapping.value_maps))
                raise UserError(
                    f"{path}: {key}: value map {transform.argument!r} is not defined under value_maps{hint}"
                )
            transform = transform.with_table(mapping.value_maps[transform.argument])
        if transform.name in ("concat", "coalesce") and len(spec.sources) < 2:
            raise UserError(f"{path}: {key}: {transform.name} needs a list of source columns in 'from'")
        if transform.name in ("concat", "coalesce") and position != 0:
            raise UserError(f"{path}: {key}: {transform.name} must be the first transform")
        parsed.append(transform)
    if len(spec.sources) > 1 and not any(t.name in ("concat", "coalesce") for t in parsed):
        raise UserError(
            f"{path}: columns.{column}: several source columns need a concat or coalesce transform"
        )
    return parsed


def check_source_columns(
    mapping: SourceMapping, available: list[str], ambiguous: dict[str, str], source: str
) -> None:
    """Fail when a mapped source column is absent from (or ambiguous in) the file just read."""
    present = [*available, *VIRTUAL_COLUMNS]
    for column in mapping.columns:
        for name in mapping.spec(column).sources:
            if name in ambiguous:
                raise UserError(
                    f"{source}: {ambiguous[name]}; mapping {mapping.path} columns.{column} cannot tell them apart: "
                    "rename one in the file"
                )
            if name not in present:
                raise UserError(
                    f"{source}: has no column {name!r} (mapping {mapping.path}, columns.{column})"
                    f"{suggest(name, available)} Columns in the file: {', '.join(available)}"
                )
