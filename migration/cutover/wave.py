"""One migration wave of a comparison: which entities it checks and which of their rows.

An entity with ``wave_columns`` is narrowed by them (``region`` → the rows of the wave's regions,
``partner`` → the rows of the wave's partner codes) on both sides, so the new system's rows of an
earlier wave are neither missing nor extra in a later one. An entity without them follows its first
reference to a narrowed entity (an order belongs to the wave when its customer does, on either side);
an entity with neither is compared whole, and the report says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from difflib import get_close_matches

from foundation.errors import UserError
from migration.cutover.config import CompareConfig, EntitySpec
from migration.waves import Scope

SCOPE_COLUMN_KINDS = {"region": "region", "partners": "partner"}
"""The ``--scope`` kind → the ``wave_columns`` key that carries it."""


@dataclass(frozen=True)
class WaveEntity:
    """How one entity takes part in a wave."""

    spec: EntitySpec
    """The entity's spec with the wave's own columns added to its ``where``."""
    checked: bool
    """Its checks run (``False``: read only because an entity of the wave refers to it)."""
    follows: tuple[str, str] | None
    """``(column, entity)``: its rows are those whose ``column`` names a row of ``entity`` in the wave."""
    covers: str
    """The sentence reports print for it: what part of the entity this wave compares."""


def plan_wave(config: CompareConfig, scope: Scope) -> dict[str, WaveEntity]:
    """Each entity the wave needs, in an order where an entity comes after the one it follows."""
    _check_scope(config, scope)
    wanted = {
        k: SCOPE_COLUMN_KINDS[k] for k, v in (("region", scope.regions), ("partners", scope.partners)) if v
    }
    values = {"region": list(scope.regions), "partner": list(scope.partners)}
    direct = {
        name for name, e in config.entities.items() if wanted and set(wanted.values()) <= set(e.wave_columns)
    }
    follows: dict[str, tuple[str, str]] = {}
    changed = True
    while changed:  # an entity follows a reference to one the wave already narrows
        changed = False
        for name, entity in config.entities.items():
            if name in direct or name in follows:
                continue
            for reference in entity.references:
                if reference.entity in direct or reference.entity in follows:
                    follows[name] = (reference.column, reference.entity)
                    changed = True
                    break
    checked = [n for n in config.entities if scope.includes_entity(n)]
    needed = list(dict.fromkeys(checked))
    for name in list(needed):  # what the checked entities refer to or follow is read too
        for reference in config.entities[name].references:
            needed.append(reference.entity)
    position = 0
    while position < len(needed):
        name = needed[position]
        if name in follows:
            needed.append(follows[name][1])
        position += 1
    needed = list(dict.fromkeys(needed))
    plan: dict[str, WaveEntity] = {}
    for name in _followed_first(needed, follows):
        entity = config.entities[name]
        where = dict(entity.where)
        narrowed = []
        for kind, column_kind in wanted.items():
            column = entity.wave_columns.get(column_kind)  # type: ignore[call-overload]
            if column is None or name in follows:
                continue
            where[column] = _intersect(where.get(column), values[column_kind])
            narrowed.append(f"{column} in the wave's {'regions' if kind == 'region' else 'partner codes'}")
        if name in follows:
            column, target = follows[name]
            covers = (
                f"the rows whose {column} names one of the wave's {config.entities[target].label or target}"
            )
        elif narrowed:
            covers = "the rows with " + " and ".join(narrowed)
        elif wanted:
            covers = "every row (no wave column, no reference to an entity with one)"
        else:
            covers = "every row"
        plan[name] = WaveEntity(
            entity.model_copy(update={"where": where}), name in checked, follows.get(name), covers
        )
    return plan


def _check_scope(config: CompareConfig, scope: Scope) -> None:
    names = list(config.entities)
    for name in scope.entities:
        if name not in config.entities:
            close = get_close_matches(name, names, n=1, cutoff=0.6)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise UserError(
                f"--scope entity={name}: {config.path} has no entity {name!r}{hint} (entities: {', '.join(names)})"
            )
    for kind, values in (("region", scope.regions), ("partners", scope.partners)):
        column_kind = SCOPE_COLUMN_KINDS[kind]
        if values and not any(column_kind in e.wave_columns for e in config.entities.values()):
            raise UserError(
                f"--scope {kind}=…: no entity of {config.path} says which column holds its {column_kind}; add "
                f"wave_columns: {{{column_kind}: COLUMN}} to the entities that have one"
            )


def _intersect(existing: list[str] | None, wave: list[str]) -> list[str]:
    return wave if existing is None else [v for v in existing if v in set(wave)]


def _followed_first(names: list[str], follows: dict[str, tuple[str, str]]) -> list[str]:
    ordered: list[str] = []

    def visit(name: str) -> None:
        if name in ordered:
            return
        if name in follows:
            visit(follows[name][1])
        ordered.append(name)

    for name in names:
        visit(name)
    return ordered
