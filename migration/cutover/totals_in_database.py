"""Control totals of a database table worked out on the server: one ``SELECT …, SUM(…), COUNT(*) … GROUP BY``
per total and side, so a total over millions of rows brings back one row per stored group.

The groups are formed from the values as stored and then normalised by the same rules as a side read
whole (value map, NFKC text, case, dates), and groups that normalise alike are added together, so a
value map or a stray space gives exactly the groups of :func:`migration.cutover.totals.group_totals`.
A month is cut from a ``DATE`` column on the server (``date_trunc`` on PostgreSQL, ``DATE_FORMAT``
on MariaDB/MySQL); any other month column is grouped by its stored values and read as dates here.
Amounts are added as exact decimals: a ``NUMERIC``/``DECIMAL`` or integer column on PostgreSQL and
MariaDB/MySQL, and on SQLite (which keeps decimals as floats) by a registered aggregate adding each
value as the side reader spells it. An amount the server cannot add as the number parser would read
it (a text or floating-point column, a value map on the amount, a decimal comma) is
:class:`NotSummedInDatabase`, and the comparison reads the tables instead.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

import pandas as pd
import sqlalchemy as sa

from cleansing.readers.database import database_value_to_text
from migration.cutover.config import ControlTotalSpec, EntitySpec, FieldRule
from migration.cutover.rules import comparable_values, shown
from migration.cutover.totals import group_value

SQLITE_DECIMAL_SUM = "channel_mdm_decimal_sum"
_NOT_A_NUMBER = "!"


class NotSummedInDatabase(Exception):
    """A control total the server cannot work out as the in-memory path would; read the tables."""


class SqliteDecimalSum:
    """``channel_mdm_decimal_sum(x)`` for SQLite: the exact sum of the values as the side reader spells
    them (``10.1`` for the float 10.1), as text; ``!`` when a value is text or spelt with an exponent."""

    def __init__(self) -> None:
        self.total: Decimal | None = None
        self.unreadable = False

    def step(self, value: Any) -> None:
        if value is None:
            return
        text = database_value_to_text(value) or ""
        if isinstance(value, str | bytes) or not text.lstrip("-").replace(".", "", 1).isdigit():
            self.unreadable = True
            return
        self.total = (self.total or Decimal(0)) + Decimal(text)

    def finalize(self) -> str | None:
        if self.unreadable:
            return _NOT_A_NUMBER
        return None if self.total is None else format(self.total, "f")


@dataclass
class TotalsSide:
    """One side's table as the control totals need it: its own column names and whether its values pass
    through the value maps (the old side's do)."""

    connection: sa.Connection
    table: sa.TableClause
    names: dict[str, str]
    """Old column name → this side's own name."""
    is_old: bool
    types: dict[str, sa.types.TypeEngine[Any]]
    """This side's own column name → its type as the database declares it."""

    @property
    def dialect(self) -> str:
        return self.connection.dialect.name


def column_types(
    connection: sa.Connection, table: str, schema: str | None
) -> dict[str, sa.types.TypeEngine[Any]]:
    """Each column's declared type (reflected)."""
    return {c["name"]: c["type"] for c in sa.inspect(connection).get_columns(table, schema=schema)}


def refuse_reason(entity: EntitySpec, total: ControlTotalSpec, side: TotalsSide) -> str | None:
    """Why ``total`` cannot be added up on this side's server as the in-memory path adds it (``None``: it can)."""
    if total.sum is None:
        return None
    rule = entity.rules.get(total.sum, FieldRule())
    own = side.names[total.sum]
    if rule.value_map:
        return f"{total.sum} has a value map, which the database cannot apply before adding up"
    if rule.decimal != "." or rule.thousands == ".":
        return f"{total.sum} is read with a decimal comma, which the database's numbers are not written in"
    declared = side.types.get(own)
    if side.dialect == "sqlite":
        if isinstance(declared, sa.String):
            return f"{own} is a text column; its amounts are read by the number parser"
        return None
    if isinstance(declared, sa.Float) or not isinstance(declared, sa.Integer | sa.Numeric):
        kind = type(declared).__name__ if declared is not None else "unknown"
        return f"{own} is stored as {kind}, not as an exact decimal or integer"
    return None


def _month(side: TotalsSide, column: sa.ColumnClause[Any], rule: FieldRule) -> sa.ColumnElement[Any]:
    """The first day of a ``DATE`` column's month where the server can cut it exactly, else the value."""
    if rule.kind != "date" or rule.value_map or not isinstance(side.types.get(column.name), sa.Date):
        return column
    if side.dialect == "postgresql":
        return sa.cast(sa.func.date_trunc("month", column), sa.Date)
    if side.dialect in ("mysql", "mariadb"):
        return sa.func.date_format(column, "%Y-%m-01")
    return column  # SQLite keeps dates as text in any spelling: grouped as stored, read here


def _exactly(
    side: TotalsSide, value: sa.ColumnElement[Any]
) -> tuple[sa.ColumnElement[Any], sa.ColumnElement[Any]]:
    """What to select and what to group by so that values differing in any character stay apart.

    MariaDB/MySQL compare text by its collation, usually blind to case and accents (``USD`` = ``usd``),
    while a rule may tell them apart: a text column is grouped by its bytes there, and each group's
    value (the same in every row of the group) taken with ``MIN``.
    """
    declared = side.types.get(value.name) if isinstance(value, sa.ColumnClause) else None
    if side.dialect in ("mysql", "mariadb") and (declared is None or isinstance(declared, sa.String)):
        return sa.func.min(value), sa.cast(value, sa.LargeBinary)
    return value, value


def _amount(side: TotalsSide, column: sa.ColumnClause[Any]) -> sa.ColumnElement[Any]:
    if side.dialect == "sqlite":
        return getattr(sa.func, SQLITE_DECIMAL_SUM)(column)
    return sa.func.sum(column)


def _as_decimal(value: Any, where: str) -> Decimal | None:
    if value is None:
        return None
    if value == _NOT_A_NUMBER:
        raise NotSummedInDatabase(f"{where} holds amounts that are not plain numbers")
    if isinstance(value, Decimal):
        return value
    try:
        return Decimal(value if isinstance(value, str) else str(value))
    except (InvalidOperation, TypeError):
        raise NotSummedInDatabase(f"{where}: the database returned {value!r} as a sum") from None


def _normalised(values: list[Any], rule: FieldRule, is_old: bool) -> list[Any]:
    texts = pd.Series([database_value_to_text(v) or "" for v in values], dtype=object)
    return list(comparable_values(texts, rule, apply_value_map=is_old))


def group_totals_in_database(
    entity: EntitySpec, total: ControlTotalSpec, side: TotalsSide, where: str
) -> tuple[dict[tuple[str, ...], Decimal], int]:
    """The totals per group of one side (as :func:`migration.cutover.totals.group_totals` returns them),
    from one ``GROUP BY`` on the server; no amount is left unread (the column is numeric)."""
    reason = refuse_reason(entity, total, side)
    if reason is not None:
        raise NotSummedInDatabase(f"{where}: {reason}")
    grouped = [_exactly(side, side.table.c[side.names[c]]) for c in total.by]
    if total.by_month:
        month_rule = entity.rules.get(total.by_month, FieldRule())
        grouped.append(_exactly(side, _month(side, side.table.c[side.names[total.by_month]], month_rule)))
    figure = _amount(side, side.table.c[side.names[total.sum]]) if total.sum else sa.func.count()
    statement = sa.select(*[shown for shown, _ in grouped], figure).select_from(side.table)
    if grouped:
        statement = statement.group_by(*[group for _, group in grouped])
    rows = side.connection.execute(statement).all()
    columns: list[list[str]] = []
    for index, name in enumerate(total.by):
        normal = _normalised([r[index] for r in rows], entity.rules.get(name, FieldRule()), side.is_old)
        columns.append([shown(v) for v in normal])
    if total.by_month:
        month_rule = entity.rules.get(total.by_month, FieldRule())
        normal = _normalised([r[len(total.by)] for r in rows], month_rule, side.is_old)
        columns.append([group_value(v, True) for v in normal])
    totals: dict[tuple[str, ...], Decimal] = defaultdict(Decimal)
    for position, row in enumerate(rows):
        group = tuple(column[position] for column in columns)
        amount = _as_decimal(row[-1], where)
        if amount is None:
            totals.setdefault(group, Decimal(0))
        else:
            totals[group] += amount
    return dict(totals), 0
