"""Hash totals over normalised rows and control totals per group (balance per partner and currency,
order amount per month): the figures an auditor ticks off on both sides."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any

from migration.cutover.config import ControlTotalSpec, EntitySpec, FieldRule
from migration.cutover.prepared import PreparedEntity, PreparedSide
from migration.cutover.results import CheckResult
from migration.cutover.rules import Unreadable, column_hashes, distinct_hashes, hash_total, row_hashes, shown


def check_hash_totals(entity: PreparedEntity, fields_agree: bool) -> CheckResult:
    """Order-independent hash totals of every row's normalised key and compared values, per side.

    Equal totals prove both sides hold the same rows. Unequal totals are still accepted when the
    row-by-row checks found every key on both sides and no field outside its tolerance: the
    difference then comes from amounts that differ within tolerance, which the rules allow.
    """
    columns = list(entity.spec.columns)
    old_columns, new_columns = [], []
    for column in columns:
        (old_codes, old_distinct), (new_codes, new_distinct) = (
            entity.old.factorised(column),
            entity.new.factorised(column),
        )
        if old_distinct is new_distinct:  # normalised once for both sides: hashed once too
            hashes = distinct_hashes(old_distinct)
            old_columns.append(hashes[old_codes])
            new_columns.append(hashes[new_codes])
        else:
            old_columns.append(column_hashes(old_codes, old_distinct))
            new_columns.append(column_hashes(new_codes, new_distinct))
    old, new = hash_total(row_hashes(old_columns)), hash_total(row_hashes(new_columns))
    equal = old == new
    if equal:
        statement = f"The hash totals of all {entity.label} agree ({old}): both sides hold the same rows."
    elif fields_agree:
        statement = (
            f"The hash totals differ ({old} / {new}) only because of values within the field rules' tolerances: "
            "every key is on both sides and no field differs beyond its tolerance."
        )
    else:
        statement = (
            f"The hash totals differ ({old} / {new}): the sides do not hold the same {entity.label} rows."
        )
    return CheckResult(
        entity.name, "hash_totals", "hash totals", equal or fields_agree, statement,
        figures={"old_hash_total": old, "new_hash_total": new, "columns": columns},
        columns=["side", "rows", "hash total"],
        rows=[["old", len(entity.old.keys), old], ["new", len(entity.new.keys), new]], rows_total=2,
    )  # fmt: skip


def group_value(value: Any, by_month: bool) -> str:
    """How a group column's comparable value names its group (a date as its month with ``by_month``)."""
    if by_month:
        return value.strftime("%Y-%m") if isinstance(value, date) else f"(not a date) {shown(value)}"
    return shown(value)


def group_totals(side: PreparedSide, spec: ControlTotalSpec) -> tuple[dict[tuple[str, ...], Decimal], int]:
    """Sum (or count) per group; returns the totals and how many summed values were not numbers."""
    columns = [side.values[c] for c in spec.by]
    months = side.values[spec.by_month] if spec.by_month else None
    amounts = side.values[spec.sum] if spec.sum else None
    totals: dict[tuple[str, ...], Decimal] = defaultdict(Decimal)
    unreadable = 0
    for position in range(len(side.keys)):
        group = tuple(shown(column[position]) for column in columns)
        if months is not None:
            group += (group_value(months[position], True),)
        if amounts is None:
            totals[group] += 1
            continue
        amount = amounts[position]
        if isinstance(amount, Decimal):
            totals[group] += amount
        elif isinstance(amount, Unreadable):
            unreadable += 1
        else:
            totals.setdefault(group, Decimal(0))
    return dict(totals), unreadable


def check_control_total(entity: PreparedEntity, spec: ControlTotalSpec, max_listed: int) -> CheckResult:
    return control_total_result(
        entity.name,
        entity.spec,
        spec,
        group_totals(entity.old, spec),
        group_totals(entity.new, spec),
        max_listed,
    )


Totals = tuple[dict[tuple[str, ...], Decimal], int]
"""The total per group and how many summed values were not numbers (:func:`group_totals`)."""


def control_total_result(
    name: str,
    entity: EntitySpec,
    spec: ControlTotalSpec,
    old_totals: Totals,
    new_totals: Totals,
    max_listed: int,
) -> CheckResult:
    """The check of one control total from both sides' totals per group, however they were worked out."""
    (old, old_unreadable), (new, new_unreadable) = old_totals, new_totals
    rule = entity.rules.get(spec.sum, FieldRule()) if spec.sum else None
    tolerance = (
        Decimal(str(rule.absolute_tolerance)) if rule and rule.absolute_tolerance is not None else Decimal(0)
    )
    rows = []
    differing = 0
    for group in sorted(set(old) | set(new)):
        a, b = old.get(group, Decimal(0)), new.get(group, Decimal(0))
        agrees = abs(b - a) <= tolerance
        differing += not agrees
        rows.append([*group, _plain(a), _plain(b), _plain(b - a), "agrees" if agrees else "differs"])
    rows.sort(key=lambda r: r[-1] == "agrees")  # differing groups first
    grand_old, grand_new = sum(old.values(), Decimal(0)), sum(new.values(), Decimal(0))
    accepted = differing == 0 and old_unreadable == 0 and new_unreadable == 0
    label = spec.label()
    if accepted:
        groups = "the one group agrees" if len(rows) == 1 else f"all {len(rows):,} groups agree"
        statement = f"{label}: {groups} (total {_plain(grand_old)} on both sides)."
    else:
        statement = (
            f"{label}: {differing:,} of {len(rows):,} groups differ (old total {_plain(grand_old)}, "
            f"new total {_plain(grand_new)}, difference {_plain(grand_new - grand_old)})"
        )
        if old_unreadable or new_unreadable:
            statement += f"; {old_unreadable + new_unreadable:,} amounts are not numbers"
        statement += "."
    group_columns = [*spec.by, *([f"month of {spec.by_month}"] if spec.by_month else [])]
    return CheckResult(
        name, "control_totals", label, accepted, statement,
        figures={
            "groups": len(rows), "differing_groups": differing, "old_total": _plain(grand_old),
            "new_total": _plain(grand_new), "old_not_numbers": old_unreadable, "new_not_numbers": new_unreadable,
        },
        columns=[*group_columns, "old", "new", "difference", "status"], rows=rows[:max_listed], rows_total=len(rows),
    )  # fmt: skip


def _plain(value: Decimal) -> str:
    return format(value, "f")
