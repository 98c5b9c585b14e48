"""Both sides of one entity, read and normalised once: comparable values per column and a key per row."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from migration.cutover.config import EntitySpec, FieldRule, SideSpec
from migration.cutover.rules import comparable_codes, comparable_values, shown
from migration.cutover.sides import SideRows, fetch_rows_by_key, read_side


@dataclass
class PreparedSide:
    rows: SideRows
    values: dict[str, np.ndarray]
    """Comparable values per compared column (object arrays), by its OLD name (the new side's own column
    mapped back)."""
    keys: list[str | None]
    """Each row's key as text: its normalised key values joined with ``|``; ``None`` when a key value is
    blank (an unknown key never matches another, not even another blank one)."""
    spec: SideSpec | None = None
    names: dict[str, str] = field(default_factory=dict)
    """Old column name → this side's own name."""
    is_old: bool = True
    factors: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)
    """Per column, ``(codes, distinct)`` with ``distinct[codes]`` equal to its values: what was normalised
    once per distinct value (dropped for a column whose values change afterwards)."""
    key_codes: np.ndarray | None = None
    """Each row's key as an integer, ``-1`` when blank: equal keys have equal codes, on both sides of an
    entity alike (:func:`share_key_codes`), so keys are matched and counted as integers."""

    def factorised(self, column: str) -> tuple[np.ndarray, np.ndarray]:
        """``(codes, distinct)`` of a column's comparable values."""
        if column not in self.factors:
            codes, distinct = pd.factorize(self.values[column], use_na_sentinel=False)
            self.factors[column] = (codes, np.asarray(distinct, dtype=object))
        return self.factors[column]

    def raw(self, column: str, position: int) -> str:
        return str(self.rows.frame[column].iat[position])

    @property
    def codes(self) -> np.ndarray:
        """:attr:`key_codes`, or (before an entity numbered them) codes from this side's own keys."""
        if self.key_codes is None:
            return pd.factorize(_object_array(self.keys), use_na_sentinel=True)[0]
        return self.key_codes

    @cached_property
    def first_rows(self) -> tuple[np.ndarray, np.ndarray]:
        """Each (non-blank) key once, in the order it first appears, and the position of that first row."""
        codes = self.codes
        first = np.flatnonzero((codes >= 0) & ~pd.Series(codes).duplicated().to_numpy())
        return _object_array(self.keys)[first], first

    @cached_property
    def first_position(self) -> dict[str, int]:
        """Each key's first row (a repeated key is reported on its own, then compared once)."""
        keys, positions = self.first_rows
        return dict(zip(keys.tolist(), positions.tolist(), strict=True))

    @property
    def blank_key_rows(self) -> list[int | None]:
        """Row numbers of the rows whose key has a blank value."""
        return [row for key, row in zip(self.keys, self.rows.row_numbers, strict=False) if key is None]


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

    @cached_property
    def key_match(self) -> tuple[np.ndarray, np.ndarray]:
        """For each old key (in :attr:`PreparedSide.first_rows` order) the index of the same key among
        the new side's keys (-1 when it has none), and which of the new side's keys an old key matched."""
        if self.old.key_codes is None or self.new.key_codes is None:
            share_key_codes(self.old, self.new, self.spec)
        old_codes = self.old.codes[self.old.first_rows[1]]
        new_codes = self.new.codes[self.new.first_rows[1]]
        # codes are small non-negative integers: a lookup table replaces a hash index
        size = int(max(old_codes.max(initial=-1), new_codes.max(initial=-1))) + 1
        position_of = np.full(size, -1, dtype=np.intp)
        position_of[new_codes] = np.arange(len(new_codes), dtype=np.intp)
        found = position_of[old_codes]
        hit = np.zeros(len(new_codes), dtype=bool)
        hit[found[found >= 0]] = True
        return found, hit


def prepare_entity(name: str, spec: EntitySpec, folder: Path, mode: str = "full") -> PreparedEntity:
    """Read both sides of ``spec``, keep the rows its ``where`` selects, normalise every compared column.

    In sampled mode a database table is read only in the columns every row needs (key, strata, amount,
    control totals, references, where); :func:`complete_rows` fetches the rest for the sampled rows.
    """
    only = light_columns(spec) if mode == "sampled" else None
    old_names = {c: c for c in spec.columns}
    old_rows = read_side(spec.old, "old", folder, list(spec.columns), only)
    new_only = [spec.columns[c] for c in only] if only is not None else None
    new_rows = read_side(spec.new, "new", folder, list(spec.columns.values()), new_only)
    if spec.where:
        old_rows = _selected(old_rows, spec, old_names, True)
        new_rows = _selected(new_rows, spec, spec.columns, False)
    old_factors, new_factors = _factorised_together(old_rows, new_rows, spec)
    old = _prepare_side(old_rows, spec, old_names, is_old=True, side=spec.old, factors=old_factors)
    new = _prepare_side(new_rows, spec, spec.columns, is_old=False, side=spec.new, factors=new_factors)
    share_key_codes(old, new, spec)
    return PreparedEntity(name, spec.label or f"{name} records", spec, old, new)


Factors = dict[str, tuple[np.ndarray, np.ndarray]]


def _factorised_together(old: SideRows, new: SideRows, spec: EntitySpec) -> tuple[Factors, Factors]:
    """Both sides' ``(codes, distinct)`` per column; a column whose rule has no value map is normalised
    once for both sides, sharing ``distinct``.

    The key columns come first. With a single key column, each new row is paired with an old row
    holding the same key as written; a value written byte for byte as on its paired old row takes
    that row's code, so only the old side and the new values that differ are factorised and normalised.
    """
    old_factors: Factors = {}
    new_factors: Factors = {}
    pairs: np.ndarray | None = None
    ordered = [*spec.key, *(c for c in spec.columns if c not in spec.key)]
    for column in ordered:
        own = spec.columns[column]
        rule = spec.rules.get(column, FieldRule())
        if rule.value_map:
            old_factors[column] = comparable_codes(old.frame[column], rule, apply_value_map=True)
            new_factors[column] = comparable_codes(new.frame[own], rule, apply_value_map=False)
        elif pairs is not None:
            old_factors[column], new_factors[column] = _codes_reused(
                old.frame[column].to_numpy(dtype=object), new.frame[own].to_numpy(dtype=object), pairs, rule
            )
        else:
            both = pd.Series(
                np.concatenate(
                    [old.frame[column].to_numpy(dtype=object), new.frame[own].to_numpy(dtype=object)]
                ),
                dtype=object,
            )
            codes, distinct = comparable_codes(both, rule)
            old_factors[column] = (codes[: len(old.frame)], distinct)
            new_factors[column] = (codes[len(old.frame) :], distinct)
        if len(spec.key) == 1 and column == spec.key[0] and not rule.value_map:
            pairs = _paired_rows(old_factors[column][0], new_factors[column][0])
    return old_factors, new_factors


def _paired_rows(old_codes: np.ndarray, new_codes: np.ndarray) -> np.ndarray:
    """For each new row, an old row whose value has the same code (``-1`` when none has)."""
    size = int(max(old_codes.max(initial=-1), new_codes.max(initial=-1))) + 1
    row_of = np.full(size, -1, dtype=np.intp)
    row_of[old_codes] = np.arange(len(old_codes), dtype=np.intp)  # any such row will do
    return row_of[new_codes]


def _codes_reused(
    old: np.ndarray, new: np.ndarray, pairs: np.ndarray, rule: FieldRule
) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """``(codes, distinct)`` of both sides sharing ``distinct``: a new value equal to its paired old
    value as written takes the old code; only the others are normalised."""
    old_codes, old_distinct = comparable_codes(pd.Series(old, dtype=object), rule)
    paired = pairs >= 0
    same = np.zeros(len(new), dtype=bool)
    same[paired] = np.asarray(new[paired] == old[pairs[paired]], dtype=bool)
    rest = np.flatnonzero(~same)
    rest_codes, rest_distinct = comparable_codes(pd.Series(new[rest], dtype=object), rule)
    distinct = np.concatenate([old_distinct, rest_distinct]) if len(rest) else old_distinct
    new_codes = np.empty(len(new), dtype=np.intp)
    new_codes[same] = old_codes[pairs[same]]
    new_codes[rest] = rest_codes + len(old_distinct)
    return (old_codes, distinct), (new_codes, distinct)


def share_key_codes(old: PreparedSide, new: PreparedSide, spec: EntitySpec) -> None:
    """Number both sides' keys in one code space (:attr:`PreparedSide.key_codes`).

    A single key column normalised once for both sides is numbered per distinct value (two raw
    spellings with the same comparable value get one code); any other key by its joined text.
    """
    old_codes, old_distinct = old.factors.get(spec.key[0], (None, None))
    new_codes, new_distinct = new.factors.get(spec.key[0], (None, None))
    if len(spec.key) == 1 and old_distinct is not None and old_distinct is new_distinct:
        assert old_codes is not None and new_codes is not None
        spelled = _object_array([v if v is None or type(v) is str else shown(v) for v in old_distinct])
        by_distinct = pd.factorize(spelled, use_na_sentinel=True)[0]
        old.key_codes, new.key_codes = by_distinct[old_codes], by_distinct[new_codes]
        return
    both = pd.factorize(_object_array([*old.keys, *new.keys]), use_na_sentinel=True)[0]
    old.key_codes, new.key_codes = both[: len(old.keys)], both[len(old.keys) :]


def _object_array(values: list[Any]) -> np.ndarray:
    """A list as a one-dimensional object array (never split into a second dimension)."""
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def light_columns(spec: EntitySpec) -> list[str]:
    """The columns (old names) every row is needed in, whatever the sample draws."""
    needed = [*spec.key, *spec.strata, *spec.where, *(r.column for r in spec.references)]
    needed += [spec.amount_column] if spec.amount_column else []
    for total in spec.control_totals:
        needed += [
            *total.by,
            *([total.sum] if total.sum else []),
            *([total.by_month] if total.by_month else []),
        ]
    return list(dict.fromkeys(needed))


def complete_rows(entity: PreparedEntity, side: PreparedSide, positions: list[int]) -> None:
    """Fetch the compared columns of a partly read side for the rows at ``positions`` (the sampled ones)."""
    if not side.rows.partial or not positions or side.spec is None:
        return
    frame = side.rows.frame
    key_own = [side.names[c] for c in entity.spec.key]
    compared_own = [side.names[c] for c in entity.compared_columns]
    raw_keys = [tuple(str(frame[c].iat[p]) for c in key_own) for p in positions]
    fetched = fetch_rows_by_key(side.spec, key_own, list(dict.fromkeys(raw_keys)), compared_own)
    index = frame.index[positions]
    for own in compared_own:
        frame.loc[index, own] = [fetched.get(k, {}).get(own, "") for k in raw_keys]
    for column in entity.compared_columns:
        subset = frame.loc[index, side.names[column]]
        normal = comparable_values(subset, entity.rule(column), apply_value_map=side.is_old)
        side.values[column][positions] = normal
        side.factors.pop(column, None)


def _prepare_side(
    rows: SideRows,
    spec: EntitySpec,
    names: dict[str, str],
    is_old: bool,
    side: SideSpec | None = None,
    factors: Factors | None = None,
) -> PreparedSide:
    """One side normalised: ``factors`` when already worked out (rows already selected by ``where``)."""
    if factors is None:
        if spec.where:
            rows = _selected(rows, spec, names, is_old)
        factors = {
            column: comparable_codes(
                rows.frame[own], spec.rules.get(column, FieldRule()), apply_value_map=is_old
            )
            for column, own in names.items()
        }
    values = {
        column: distinct[codes] if len(codes) else np.empty(0, dtype=object)
        for column, (codes, distinct) in factors.items()
    }
    parts = [values[c] for c in spec.key]
    if len(parts) == 1:
        codes, distinct = factors[spec.key[0]]
        spelled = np.array([v if v is None or type(v) is str else shown(v) for v in distinct] + [None])
        keys = spelled[:-1][codes].tolist() if len(codes) else []
    else:
        keys = [
            None if any(v is None for v in key) else "|".join(shown(v) for v in key)
            for key in zip(*parts, strict=True)
        ]
    return PreparedSide(rows, values, keys, side, names, is_old, factors)


def _selected(rows: SideRows, spec: EntitySpec, names: dict[str, str], is_old: bool) -> SideRows:
    """The rows whose ``where`` columns hold one of the listed values (compared as normalised, and for
    the new side after the column's value map: ``where`` is written in the old side's values)."""
    keep = pd.Series(True, index=rows.frame.index)
    for column, wanted in spec.where.items():
        rule = spec.rules.get(column, FieldRule())
        allowed = {shown(v) for v in comparable_values(pd.Series(wanted, dtype=object), rule)}
        own = comparable_values(rows.frame[names[column]], rule, apply_value_map=is_old)
        keep &= pd.Series([shown(v) in allowed for v in own], index=rows.frame.index)
    mask = keep.to_numpy()
    numbers = [n for n, k in zip(rows.row_numbers, mask, strict=False) if k]
    frame = rows.frame[mask].reset_index(drop=True)
    return SideRows(rows.name, rows.source, frame, numbers, rows.unreadable, partial=rows.partial)
