"""Monetary-unit sampling of a database table drawn on the server, as
:func:`migration.sampling.monetary_unit_sample` draws it from rows read into Python.

Per stratum the records with an amount are ordered by the selection hash of their key, and each one's
cumulative amount (``SUM(ABS(amount)) OVER (… ORDER BY hash)``) ends its run of monetary units. The
selection points (a start fixed by the seed, then one sampling interval apart) come from the stratum's
total by the in-memory path's own :func:`migration.sampling.monetary_unit_points`; the server returns only
the records whose run may hold a point, and each point is then given exactly to the record whose run
holds it, so the drawn keys and their units are those of the in-memory path. Only exact amounts (``NUMERIC``/``DECIMAL``
or integer, on PostgreSQL and MariaDB/MySQL), keys in printable ASCII without spaces (stored as their
rule spells them) and no repeated key qualify; anything else raises :class:`NotDrawnInDatabase`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from cleansing.readers.database import database_value_to_text
from migration.cutover.config import CompareConfig, EntitySpec, FieldRule
from migration.sampling import monetary_unit_points, selection_hash, zero_defect_sample_size

if TYPE_CHECKING:
    from migration.cutover.totals_in_database import TotalsSide

_SLACK = Decimal("0.001")
"""How near (in sampling intervals) to a point a run must end to be fetched: the server's division may
round differently from Python's, so a little more is fetched and the exact test is made here."""


class NotDrawnInDatabase(Exception):
    """The monetary-unit sample cannot be drawn on the server as the in-memory path would draw it."""


def refuse_reason(spec: EntitySpec, side: TotalsSide, key: list[Any], unique: bool) -> str | None:
    """Why the sample cannot be drawn on this server (``None``: it can)."""
    assert spec.amount_column is not None
    if side.dialect == "sqlite":
        return "SQLite keeps decimal amounts as floats, so their running sum is not exact there"
    rule = spec.rules.get(spec.amount_column, FieldRule())
    if rule.value_map or rule.decimal != "." or rule.thousands == ".":
        return f"{spec.amount_column} has a value map or a decimal comma"
    declared = side.types.get(spec.amount_column)
    if isinstance(declared, sa.Float) or not isinstance(declared, sa.Integer | sa.Numeric):
        return f"{spec.amount_column} is not stored as an exact decimal or integer"
    if any(
        not spec.rules.get(k, FieldRule()).case_sensitive or spec.rules.get(k, FieldRule()).value_map
        for k in spec.key
    ):
        return "the key's rule folds case or maps values"
    if not unique:
        return (
            "a key is repeated, and a table has no order to tell which of its rows the amount is taken from"
        )
    odd = sa.or_(*[_untidy(column) for column in key])
    stored = side.connection.execute(
        sa.select(sa.func.count()).select_from(side.table).where(odd)
    ).scalar_one()
    if stored:
        return f"{stored:,} keys hold spaces or characters beyond ASCII, which their rule may spell otherwise"
    return None


def _untidy(column: Any) -> sa.ColumnElement[bool]:
    """A key value holding a space or a character beyond printable ASCII."""
    text = sa.cast(column, sa.String)
    beyond_ascii = text.regexp_match("[^!-~]")
    return sa.and_(column.is_not(None), beyond_ascii)


def draw(
    spec: EntitySpec,
    config: CompareConfig,
    side: TotalsSide,
    key: list[Any],
    strata: list[Any],
    digest: sa.ColumnElement[str],
    not_blank: sa.ColumnElement[bool],
    groups: dict[str, list[tuple[Any, ...]]],
) -> dict[str, list[tuple[tuple[str, ...], int]]]:
    """Each named stratum's drawn keys (as stored, one text per key column) and their monetary units, in
    selection-hash order; ``groups`` gives the raw strata values of each stratum (one group each)."""
    assert spec.amount_column is not None
    units = zero_defect_sample_size(config.confidence, config.tolerable_error_rate)
    amount = sa.func.abs(side.table.c[spec.amount_column])
    present = sa.and_(not_blank, side.table.c[spec.amount_column].is_not(None), amount > 0)
    if any(len(members) > 1 for members in groups.values()):
        raise NotDrawnInDatabase("a stratum's values are stored in several spellings")
    stratum_of = {group: name for name, members in groups.items() for group in members}
    statement = sa.select(*strata, sa.func.sum(amount)).where(present)
    totals = side.connection.execute(statement.group_by(*strata) if strata else statement).all()
    stratum_total: dict[str, Decimal] = {}
    for row in totals:
        name = stratum_of.get(tuple(row)[:-1])
        if name is not None and row[-1] is not None:
            stratum_total[name] = Decimal(row[-1])
    points = {n: monetary_unit_points(t, units, config.seed) for n, t in stratum_total.items()}
    running = (
        sa.select(
            *key,
            *strata,
            digest.label("digest"),
            amount.label("weight"),
            sa.func.sum(amount)
            .over(partition_by=strata or None, order_by=digest, rows=(None, 0))
            .label("upper"),
        )  # fmt: skip
        .where(present)
        .subquery()
    )
    width = len(key)
    start = sa.case(*_per_stratum(running, strata, groups, points, 0), else_=None)
    interval = sa.case(*_per_stratum(running, strata, groups, points, 1), else_=None)
    total = sa.case(*_per_stratum_total(running, strata, groups, stratum_total), else_=None)
    upper, lower = running.c.upper, running.c.upper - running.c.weight
    near = sa.func.ceil((upper - start) / interval + _SLACK) > sa.func.ceil(
        (lower - start) / interval - _SLACK
    )
    statement = sa.select(*list(running.c)).where(sa.or_(near, upper >= total)).order_by(running.c.digest)
    rows = side.connection.execute(statement).all()
    candidates: dict[str, list[tuple[tuple[str, ...], Decimal, Decimal]]] = {n: [] for n in groups}
    for row in rows:
        name = stratum_of[tuple(row)[width : width + len(strata)]] if strata else next(iter(groups))
        texts = tuple(database_value_to_text(v) or "" for v in tuple(row)[:width])
        if selection_hash("|".join(texts), config.seed) != str(row.digest).lower():
            raise NotDrawnInDatabase("the database's selection hash differs from sha256")
        candidates[name].append((texts, Decimal(row.upper) - Decimal(row.weight), Decimal(row.upper)))
    out: dict[str, list[tuple[tuple[str, ...], int]]] = {}
    for name in groups:
        out[name] = _assign(name, candidates[name], points.get(name), stratum_total.get(name), units)
    return out


def _assign(
    name: str,
    candidates: list[tuple[tuple[str, ...], Decimal, Decimal]],
    points: tuple[Decimal, Decimal] | None,
    total: Decimal | None,
    units: int,
) -> list[tuple[tuple[str, ...], int]]:
    """Each selection point given to the record whose run of units holds it (the last record takes any
    point past the total, as in :func:`migration.sampling.monetary_unit_sample`)."""
    if points is None or total is None or not candidates:
        return []
    start, interval = points
    if candidates[-1][2] != total:
        raise NotDrawnInDatabase(f"stratum {name}: the last record's running sum is not the stratum's total")
    counted: dict[tuple[str, ...], int] = {}
    position = 0
    for i in range(units):
        point = start + interval * i
        while position < len(candidates) - 1 and candidates[position][2] <= point:
            position += 1
        key, lower, upper = candidates[position]
        if not (lower <= point < upper or (position == len(candidates) - 1 and point >= lower)):
            raise NotDrawnInDatabase(f"stratum {name}: a selection point fell between the records fetched")
        counted[key] = counted.get(key, 0) + 1
    return [(k, counted[k]) for k, _, _ in candidates if k in counted]


def _matches(running: Any, strata: list[Any], group: tuple[Any, ...]) -> sa.ColumnElement[bool]:
    return sa.and_(
        sa.true(),
        *[
            running.c[c.name].is_(None) if v is None else running.c[c.name] == v
            for c, v in zip(strata, group, strict=True)
        ],
    )


def _per_stratum(
    running: Any,
    strata: list[Any],
    groups: dict[str, list[tuple[Any, ...]]],
    points: dict[str, tuple[Decimal, Decimal]],
    which: int,
) -> list[tuple[sa.ColumnElement[bool], Any]]:
    return [
        (_matches(running, strata, group), sa.literal(points[name][which], sa.Numeric()))
        for name, members in groups.items()
        if name in points
        for group in members
    ] or [(sa.false(), sa.literal(Decimal(1), sa.Numeric()))]


def _per_stratum_total(
    running: Any, strata: list[Any], groups: dict[str, list[tuple[Any, ...]]], totals: dict[str, Decimal]
) -> list[tuple[sa.ColumnElement[bool], Any]]:
    return [
        (_matches(running, strata, group), sa.literal(totals[name], sa.Numeric()))
        for name, members in groups.items()
        if name in totals
        for group in members
    ] or [(sa.false(), sa.literal(Decimal(0), sa.Numeric()))]
