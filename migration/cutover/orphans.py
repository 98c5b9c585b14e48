"""Orphans: new-side rows that refer to a record the new side does not have (an order whose partner or
product did not arrive)."""

from __future__ import annotations

from migration.cutover.config import ReferenceSpec
from migration.cutover.prepared import PreparedEntity
from migration.cutover.results import CheckResult
from migration.cutover.rules import shown


def check_orphans(
    entity: PreparedEntity, reference: ReferenceSpec, target: PreparedEntity, max_listed: int
) -> CheckResult:
    known = set(target.new.first_position)
    values = entity.new.values[reference.column]
    listed = []
    referring = 0
    for position, value in enumerate(values):
        if value is None:
            continue
        referring += 1
        text = shown(value)
        if text not in known:
            listed.append([entity.new.keys[position] or "", entity.new.rows.row_numbers[position], text])
    new_column = entity.new_name(reference.column)
    if not listed:
        statement = (
            f"Every one of the {referring:,} {entity.label} with a {new_column} on the new side finds it among "
            f"the new side's {target.label}."
        )
    else:
        statement = (
            f"{len(listed):,} {entity.label} on the new side name a {new_column} that is not among the "
            f"new side's {target.label}; every one is listed."
        )
    return CheckResult(
        entity.name, "orphans", f"orphans by {reference.column}", not listed, statement,
        figures={"rows_referring": referring, "orphans": len(listed), "target": reference.entity},
        columns=["key", "new row", new_column], rows=listed[:max_listed], rows_total=len(listed),
    )  # fmt: skip
