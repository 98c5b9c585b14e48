"""Sampled mode with both sides in database tables: counted, checked and drawn where the rows are.

Only the drawn rows cross the wire. Row counts are ``COUNT(*)``, repeated keys a ``GROUP BY … HAVING``,
and key coverage an anti-join both ways when both tables are reached through the same URL; on two
different servers the distinct keys are counted on each and every sampled key is looked up on the new
side. The sample is drawn by the same selection hash as everywhere else, sha256 of (seed, key),
computed in SQL (``sha256`` on PostgreSQL, ``SHA2`` on MariaDB/MySQL, a registered deterministic
function on SQLite) and ordered there, per stratum with ``ROW_NUMBER()``, so for the same seed the
database draws the keys :func:`migration.sampling.select_by_hash` would. Keys are taken as the
database stores them (as text); a drawn key that its field rule would spell differently, or a
database without a hash function, makes the comparison read the tables instead
(:class:`NotInDatabase`).

Control totals are one ``GROUP BY`` per total and side (:mod:`migration.cutover.totals_in_database`),
and a monetary-unit sample a running sum over the selection-hash order
(:mod:`migration.cutover.mus_in_database`).

Used when both sides are tables (not queries) on PostgreSQL, MariaDB/MySQL or SQLite and the entity
has no ``where`` or references and no other entity refers to it; anything else, or a control total
or monetary-unit sample the server cannot work out exactly, is compared by reading the tables' light
columns (:mod:`migration.cutover.prepared`).
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pandas as pd
import sqlalchemy as sa

from cleansing.readers.database import database_value_to_text, read_only_engine, table_columns
from migration.cutover import mus_in_database
from migration.cutover.config import CompareConfig, EntitySpec, FieldRule, SideSpec
from migration.cutover.coverage import key_coverage_result, repeated_keys_result, row_counts_result
from migration.cutover.prepared import PreparedEntity, _prepare_side
from migration.cutover.results import CheckResult, SampledKey
from migration.cutover.rules import comparable_values, shown
from migration.cutover.sample import StratumDraw, judge_sample
from migration.cutover.sides import SideRows, database_read_error, fetch_rows_by_key, require_columns
from migration.cutover.totals import control_total_result
from migration.cutover.totals_in_database import (
    SQLITE_DECIMAL_SUM,
    NotSummedInDatabase,
    SqliteDecimalSum,
    TotalsSide,
    column_types,
    group_totals_in_database,
    refuse_reason,
)
from migration.sampling import sample_size, selection_hash, zero_defect_sample_size

log = logging.getLogger(__name__)

HASH_DIALECTS = ("postgresql", "mysql", "mariadb", "sqlite")
_SQLITE_HASH = "channel_mdm_sha256"


class NotInDatabase(Exception):
    """The sample cannot be drawn in the database as the in-memory path would draw it; read the tables."""


def applies(name: str, spec: EntitySpec, config: CompareConfig) -> bool:
    """Whether ``spec`` can be compared in sampled mode inside its databases."""
    if config.mode != "sampled":
        return False
    if any(r.entity == name for other in config.entities.values() for r in other.references):
        return False
    if spec.where or spec.references:
        return False
    for side in (spec.old, spec.new):
        if side.url_env is None or side.table is None or not os.environ.get(side.url_env):
            return False
        try:
            backend = sa.engine.make_url(os.environ[side.url_env]).get_backend_name()
        except Exception:
            return False
        if backend not in HASH_DIALECTS:
            return False
    return all(spec.rules.get(k, FieldRule()).kind in ("text", "code") for k in spec.key)


@dataclass
class _Side:
    name: str
    spec: SideSpec
    source: str
    connection: sa.Connection
    table: sa.TableClause
    key: list[sa.ColumnClause[Any]]
    strata: list[sa.ColumnClause[Any]]
    unique_key: bool
    """The key columns are the table's primary key or carry a unique constraint."""

    @property
    def dialect(self) -> str:
        return self.connection.dialect.name

    def key_text(self) -> sa.ColumnElement[str]:
        """The key as text, parts joined with ``|`` (how keys are written everywhere)."""
        parts: list[sa.ColumnElement[str]] = [sa.cast(c, sa.String) for c in self.key]
        text = parts[0]
        for part in parts[1:]:
            text = text + sa.literal("|", sa.String) + part
        return text

    def not_blank(self) -> sa.ColumnElement[bool]:
        return sa.and_(
            *[sa.and_(c.is_not(None), sa.func.trim(sa.cast(c, sa.String)) != "") for c in self.key]
        )

    def selection_hash(self, seed: int | str) -> sa.ColumnElement[str]:
        """sha256 of (seed, key) as 64 hex digits, as :func:`migration.sampling.selection_hash` computes it."""
        text = sa.literal(f"{seed}\x1f", sa.String) + self.key_text()
        if self.dialect == "postgresql":
            return sa.func.encode(sa.func.sha256(sa.func.convert_to(text, "UTF8")), "hex")
        if self.dialect in ("mysql", "mariadb"):
            return sa.func.lower(sa.func.sha2(text, 256))
        return getattr(sa.func, _SQLITE_HASH)(text)

    def scalar(self, statement: sa.Select[Any]) -> int:
        return int(self.connection.execute(statement).scalar_one() or 0)


def _sha256_hex(text: str | None) -> str | None:
    return None if text is None else hashlib.sha256(text.encode()).hexdigest()


@contextmanager
def _opened(
    spec: SideSpec, name: str, columns: list[str], key: list[str], strata: list[str]
) -> Iterator[_Side]:
    assert spec.url_env is not None and spec.table is not None
    source = spec.describe()
    engine = read_only_engine(os.environ[spec.url_env])
    if engine.dialect.name == "sqlite":

        @sa.event.listens_for(engine, "connect")
        def _register(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.create_function(_SQLITE_HASH, 1, _sha256_hex, deterministic=True)
            dbapi_connection.create_aggregate(SQLITE_DECIMAL_SUM, 1, SqliteDecimalSum)

    try:
        with engine.connect() as connection:
            present = table_columns(connection, spec.table, spec.schema_name, spec.url_env, source)
            require_columns(source, name, present, columns)
            table = sa.table(spec.table, *[sa.column(c) for c in present], schema=spec.schema_name)
            keys = [table.c[k] for k in key]
            unique = _unique_key(connection, spec, key)
            yield _Side(name, spec, source, connection, table, keys, [table.c[s] for s in strata], unique)
    except sa.exc.SQLAlchemyError as exc:
        raise database_read_error(source, spec, exc) from None
    finally:
        engine.dispose()


def _unique_key(connection: sa.Connection, spec: SideSpec, key: list[str]) -> bool:
    """Whether the table's primary key or one of its unique constraints is exactly the key columns."""
    assert spec.table is not None
    inspector = sa.inspect(connection)
    wanted = set(key)
    primary = (
        inspector.get_pk_constraint(spec.table, schema=spec.schema_name).get("constrained_columns") or []
    )
    if set(primary) == wanted:
        return True
    unique = inspector.get_unique_constraints(spec.table, schema=spec.schema_name)
    return any(set(u.get("column_names") or []) == wanted for u in unique)


def _text(values: tuple[Any, ...]) -> str:
    return "|".join(database_value_to_text(v) or "" for v in values)


@dataclass
class _Counts:
    rows: int
    blank: int
    repeated: list[list[object]]
    repeated_total: int
    excess: int
    """Rows beyond the first of each repeated key."""

    @property
    def keys(self) -> int:
        return self.rows - self.blank - self.excess


def _counts(side: _Side, max_listed: int) -> _Counts:
    table, key = side.table, side.key
    blank_row = sa.case((side.not_blank(), 0), else_=1)
    counted = side.connection.execute(
        sa.select(sa.func.count(), sa.func.sum(blank_row)).select_from(table)
    ).one()
    rows, blank = int(counted[0] or 0), int(counted[1] or 0)
    if side.unique_key:  # the database already refuses a repeated key
        return _Counts(rows, blank, [], 0, 0)
    groups = (
        sa.select(*key, sa.func.count().label("times"))
        .where(side.not_blank())
        .group_by(*key)
        .having(sa.func.count() > 1)
        .subquery()
    )
    totals = side.connection.execute(sa.select(sa.func.count(), sa.func.sum(groups.c.times))).one()
    repeated_total, repeated_rows = int(totals[0] or 0), int(totals[1] or 0)
    listed: list[list[object]] = []
    if repeated_total:
        ordered = sa.select(groups).order_by(*[groups.c[c.name] for c in key]).limit(max_listed)
        for row in side.connection.execute(ordered):
            listed.append([side.name, _text(tuple(row)[:-1]), int(row[-1]), ""])
    return _Counts(rows, blank, listed, repeated_total, repeated_rows - repeated_total)


def _absent(present: _Side, other: _Side, max_listed: int) -> tuple[list[tuple[str | None, object]], int]:
    """Keys of ``present`` with no row on ``other`` (both tables on one server): an anti-join."""
    match = sa.and_(*[o == p for o, p in zip(other.key, present.key, strict=True)])
    lacking = (
        sa.select(*present.key)
        .where(present.not_blank())
        .where(~sa.exists(sa.select(sa.literal(1)).select_from(other.table).where(match)))
        .distinct()
        .subquery()
    )
    total = present.scalar(sa.select(sa.func.count()).select_from(lacking))
    keys = present.connection.execute(sa.select(lacking).order_by(*lacking.c).limit(max_listed)).all()
    return [(_text(tuple(k)), "") for k in keys], total


def _same_server(old: SideSpec, new: SideSpec) -> bool:
    assert old.url_env is not None and new.url_env is not None
    return os.environ.get(old.url_env) == os.environ.get(new.url_env)


def _strata_draws(
    side: _Side, spec: EntitySpec, config: CompareConfig, counts: _Counts
) -> dict[str, tuple[int, int, list[tuple[Any, ...]]]]:
    """Each stratum's name, population, sample size and the raw strata values of its groups."""
    if not spec.strata:
        population = counts.keys
        return {"all": (population, _size(population, config), [()])}
    count = sa.func.count(sa.distinct(side.key_text())) if counts.excess else sa.func.count()
    groups = side.connection.execute(
        sa.select(*side.strata, count).where(side.not_blank()).group_by(*side.strata)
    ).all()
    raw = [tuple(g)[:-1] for g in groups]
    shown_columns = [_shown_column(spec, c, [r[i] for r in raw]) for i, c in enumerate(spec.strata)]
    names = [" | ".join(parts) for parts in zip(*shown_columns, strict=True)] if raw else []
    out: dict[str, tuple[int, int, list[tuple[Any, ...]]]] = {}
    for stratum, group, size in sorted(zip(names, raw, [int(g[-1]) for g in groups], strict=True)):
        population, _, members = out.get(stratum, (0, 0, []))
        out[stratum] = (population + size, 0, [*members, group])
    return {s: (p, _size(p, config), members) for s, (p, _, members) in sorted(out.items())}


def _shown_column(spec: EntitySpec, column: str, values: list[Any]) -> list[str]:
    texts = pd.Series([database_value_to_text(v) or "" for v in values], dtype=object)
    return [shown(v) for v in comparable_values(texts, spec.rules.get(column, FieldRule()))]


def _size(population: int, config: CompareConfig) -> int:
    return sample_size(population, config.confidence, config.tolerable_error_rate, config.finite_population)


def _draw(
    side: _Side, config: CompareConfig, strata: dict[str, tuple[int, int, list[tuple[Any, ...]]]], excess: int
) -> dict[str, list[tuple[str, ...]]]:
    """The drawn keys of every stratum, smallest selection hash first (every key for a census)."""
    digest = side.selection_hash(config.seed)
    limits = {
        group: min(n, population) + excess for population, n, groups in strata.values() for group in groups
    }
    if not side.strata:
        statement = sa.select(*side.key, digest).where(side.not_blank()).order_by(digest).limit(limits[()])
        rows = [(tuple(r)[: len(side.key)], r[-1], ()) for r in side.connection.execute(statement)]
    else:
        limit = sa.case(
            *[
                (
                    sa.and_(
                        *[
                            c.is_(None) if v is None else c == v
                            for c, v in zip(side.strata, group, strict=True)
                        ]
                    ),
                    n,
                )
                for group, n in limits.items()
            ],
            else_=0,
        )
        ranked = (
            sa.select(
                *side.key,
                *side.strata,
                digest.label("digest"),
                sa.func.row_number().over(partition_by=side.strata, order_by=digest).label("place"),
                limit.label("wanted"),
            )  # fmt: skip
            .where(side.not_blank())
            .subquery()
        )
        width = len(side.key)
        statement = sa.select(*list(ranked.c)[: width + len(side.strata) + 1]).where(
            ranked.c.place <= ranked.c.wanted
        )
        rows = [
            (tuple(r)[:width], r[width + len(side.strata)], tuple(r)[width : width + len(side.strata)])
            for r in side.connection.execute(statement)
        ]
    stratum_of = {group: name for name, (_, _, groups) in strata.items() for group in groups}
    drawn: dict[str, list[tuple[str, tuple[str, ...]]]] = {name: [] for name in strata}
    for key, digest_value, group in rows:
        texts = tuple(database_value_to_text(v) or "" for v in key)
        if selection_hash("|".join(texts), config.seed) != str(digest_value).lower():
            raise NotInDatabase(f"{side.source}: the database's selection hash differs from sha256")
        drawn[stratum_of[group]].append((str(digest_value).lower(), texts))
    out: dict[str, list[tuple[str, ...]]] = {}
    for name, (population, n, _) in strata.items():
        keys = list(dict.fromkeys(k for _, k in sorted(drawn[name])))
        out[name] = sorted(keys) if n >= population else keys[:n]
    return out


def _check_spelling(spec: EntitySpec, draws: dict[str, list[tuple[str, ...]]]) -> None:
    """Every drawn key is stored as its rule spells it (so it is the key the in-memory path hashes)."""
    keys = [k for drawn in draws.values() for k in drawn]
    for index, column in enumerate(spec.key):
        stored = [k[index] for k in keys]
        if _shown_column(spec, column, stored) != stored:
            raise NotInDatabase(f"a drawn {column} is stored in another spelling than its rule compares")


def check_in_database(
    name: str, spec: EntitySpec, config: CompareConfig
) -> tuple[list[CheckResult], list[SampledKey], dict[str, str]]:
    """Row counts, repeated keys, key coverage and the sample of one entity, worked out in its databases.

    Returns the checks, the sampled keys and each side's source (for the report). Raises
    :class:`NotInDatabase` when the sample would not be the one the in-memory path draws.
    """
    listed = config.max_listed
    old_columns, new_columns = list(spec.columns), [spec.columns[c] for c in spec.columns]
    new_key, new_strata = [spec.columns[k] for k in spec.key], [spec.columns[s] for s in spec.strata]
    with (
        _opened(spec.old, "old", old_columns, list(spec.key), list(spec.strata)) as old,
        _opened(spec.new, "new", new_columns, new_key, new_strata) as new,
    ):
        old_totals, new_totals = _totals_side(old, spec, True), _totals_side(new, spec, False)
        for total in spec.control_totals:  # before any work: a total the server cannot add reads the tables
            for side, totals_side in ((old, old_totals), (new, new_totals)):
                reason = refuse_reason(spec, total, totals_side)
                if reason is not None:
                    raise NotInDatabase(f"{side.source}: {total.label()}: {reason}")
        old_counts, new_counts = _counts(old, listed), _counts(new, listed)
        strata = _strata_draws(old, spec, config, old_counts)
        by_unit = {s: m for s, (p, n, m) in strata.items() if spec.amount_column and n < p}
        if by_unit:
            reason = mus_in_database.refuse_reason(spec, old_totals, old.key, old_counts.excess == 0)
            if reason is not None:
                raise NotInDatabase(f"{old.source}: drawing by {spec.amount_column}: {reason}")
        hashed = {s: (p, 0, m) if s in by_unit else (p, n, m) for s, (p, n, m) in strata.items()}
        if len(by_unit) < len(strata):
            draws = _draw(old, config, hashed, old_counts.excess)
        else:  # every stratum drawn by monetary unit
            draws = {stratum: [] for stratum in strata}
        units: dict[str, list[int]] = {}
        if by_unit:
            try:
                drawn = mus_in_database.draw(
                    spec, config, old_totals, old.key, old.strata, old.selection_hash(config.seed),
                    old.not_blank(), by_unit,
                )  # fmt: skip
            except mus_in_database.NotDrawnInDatabase as reason:
                raise NotInDatabase(f"{old.source}: drawing by {spec.amount_column}: {reason}") from None
            for stratum, chosen in drawn.items():
                draws[stratum] = [k for k, _ in chosen]
                units[stratum] = [u for _, u in chosen]
        _check_spelling(spec, draws)
        if _same_server(spec.old, spec.new):
            coverage = key_coverage_result(
                name, spec.label or f"{name} records", (old_counts.keys, new_counts.keys),
                _absent(old, new, listed), _absent(new, old, listed),
                ([[s.name, ""] for s, c in ((old, old_counts), (new, new_counts)) for _ in range(min(c.blank, listed))],
                 old_counts.blank + new_counts.blank),
                listed,
            )  # fmt: skip
        else:
            coverage = _counted_coverage(name, spec, old_counts, new_counts)
        try:
            totals = [
                control_total_result(
                    name, spec, total,
                    group_totals_in_database(spec, total, old_totals, f"{old.source}: {total.label()}"),
                    group_totals_in_database(spec, total, new_totals, f"{new.source}: {total.label()}"),
                    listed,
                )
                for total in spec.control_totals
            ]  # fmt: skip
        except NotSummedInDatabase as reason:
            raise NotInDatabase(str(reason)) from None
    label = spec.label or f"{name} records"
    checks = [
        row_counts_result(name, label, (old.source, new.source), old_counts.rows, new_counts.rows),
        repeated_keys_result(
            name,
            list(spec.key),
            [*old_counts.repeated, *new_counts.repeated],
            old_counts.repeated_total + new_counts.repeated_total,
            listed,
        ),  # fmt: skip
        coverage,
    ]
    entity = _drawn_rows(name, spec, draws)
    aimed = zero_defect_sample_size(config.confidence, config.tolerable_error_rate)
    stratum_draws = {
        stratum: StratumDraw(
            population,
            pd.DataFrame({"key": ["|".join(k) for k in draws[stratum]], "units": units.get(stratum, 1)}),
            "monetary_unit" if stratum in units else "census" if n >= population else "hash",
            aimed if stratum in units else n,
        )
        for stratum, (population, n, _) in strata.items()
    }
    sample, sampled = judge_sample(entity, config, stratum_draws)
    return [*checks, sample, *totals], sampled, {"old": old.source, "new": new.source}


def _totals_side(side: _Side, spec: EntitySpec, is_old: bool) -> TotalsSide:
    assert side.spec.table is not None
    names = {c: c for c in spec.columns} if is_old else dict(spec.columns)
    types = (
        column_types(side.connection, side.spec.table, side.spec.schema_name)
        if spec.control_totals or spec.amount_column
        else {}
    )
    return TotalsSide(side.connection, side.table, names, is_old, types)


def _counted_coverage(name: str, spec: EntitySpec, old: _Counts, new: _Counts) -> CheckResult:
    """Two servers: the distinct keys are counted on each side, not matched one by one."""
    label = spec.label or f"{name} records"
    blank = old.blank + new.blank
    accepted = old.keys == new.keys and not blank
    statement = (
        f"The old side holds {old.keys:,} distinct keys ({label}) and the new side {new.keys:,}"
        + ("" if old.keys == new.keys else f" ({new.keys - old.keys:+,})")
        + (f"; {blank:,} rows have a blank key" if blank else "")
        + ". The two sides are on different servers, so their keys are counted, not matched one by one; "
        "every sampled key is looked up on the new side."
    )
    return CheckResult(
        name, "key_coverage", "key coverage", accepted, statement,
        figures={
            "old_keys": old.keys, "new_keys": new.keys, "missing_on_new": None, "missing_on_old": None,
            "blank_keys": blank, "matched": "counted on each server",
        },
        columns=["problem", "key", "side", "row"], rows=[], rows_total=0,
    )  # fmt: skip


def _drawn_rows(name: str, spec: EntitySpec, draws: dict[str, list[tuple[str, ...]]]) -> PreparedEntity:
    """Both sides' rows for the drawn keys only, read and normalised as a whole side would be."""
    keys = list(dict.fromkeys(k for drawn in draws.values() for k in drawn))
    sides = []
    for side_spec, names, is_old in (
        (spec.old, {c: c for c in spec.columns}, True),
        (spec.new, spec.columns, False),
    ):
        own = [names[c] for c in spec.columns]
        fetched = fetch_rows_by_key(side_spec, [names[k] for k in spec.key], keys, own)
        found = [fetched[k] for k in keys if k in fetched]
        frame = (
            pd.DataFrame(found, columns=own, dtype=object)
            if found
            else pd.DataFrame(columns=own, dtype=object)
        )
        rows = SideRows("old" if is_old else "new", side_spec.describe(), frame, [None] * len(frame))
        sides.append(_prepare_side(rows, spec, names, is_old, side_spec))
    return PreparedEntity(name, spec.label or f"{name} records", spec, sides[0], sides[1])
