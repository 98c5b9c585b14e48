"""Both sides of one entity, read and normalised once: comparable values per column and a key per row."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from migration.cutover.config import EntitySpec, FieldRule
from migration.cutover.rules import comparable_values, shown
from migration.cutover.sides import SideRows, read_side


@dataclass
class PreparedSide:
    rows: SideRows
    values: dict[str, list[Any]]
    """Comparable values per compared column, by its OLD name (the new side's own column mapped back)."""
    keys: list[str]
    """Each row's key as text: its normalised key values joined with ``|``."""

    def raw(self, column: str, position: int) -> str:
        return str(self.rows.frame[column].iat[position])

    @property
    def first_position(self) -> dict[str, int]:
        """Each key's first row (a repeated key is reported on its own, then compared once)."""
        positions: dict[str, int] = {}
        for position, key in enumerate(self.keys):
            positions.setdefault(key, position)
        return positions


@dataclass
class PreparedEntity:
    name: str
    label: str
    spec: EntitySpec
    old: PreparedSide
    new: PreparedSide

    def rule(self, column: str) -> FieldRule:
        return self.spec.rules.get(column, FieldRule())

    @property
    def compared_columns(self) -> list[str]:
        """Every compared column that is not part of the key (old names)."""
        return [c for c in self.spec.columns if c not in self.spec.key]

    def new_name(self, column: str) -> str:
        return self.spec.columns[column]


def prepare_entity(name: str, spec: EntitySpec, folder: Path) -> PreparedEntity:
    """Read both sides of ``spec`` and normalise every compared column under its rule."""
    old_rows = read_side(spec.old, "old", folder, list(spec.columns))
    new_rows = read_side(spec.new, "new", folder, list(spec.columns.values()))
    old = _prepare_side(old_rows, spec, {c: c for c in spec.columns}, is_old=True)
    new = _prepare_side(new_rows, spec, spec.columns, is_old=False)
    return PreparedEntity(name, spec.label or f"{name} records", spec, old, new)


def _prepare_side(rows: SideRows, spec: EntitySpec, names: dict[str, str], is_old: bool) -> PreparedSide:
    values = {
        column: comparable_values(
            rows.frame[own], spec.rules.get(column, FieldRule()), apply_value_map=is_old
        )
        for column, own in names.items()
    }
    parts = [[shown(v) for v in values[c]] for c in spec.key]
    keys = ["|".join(p) for p in zip(*parts, strict=True)] if len(rows.frame) else []
    return PreparedSide(rows, values, keys)


def key_frame(side: PreparedSide) -> pd.DataFrame:
    """Key and row number per row, for joins."""
    return pd.DataFrame({"key": side.keys, "row": side.rows.row_numbers[: len(side.keys)]})
