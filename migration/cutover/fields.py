"""Field-by-field comparison of records that share a key; every difference is listed with both values."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from migration.cutover.prepared import PreparedEntity
from migration.cutover.results import CheckResult
from migration.cutover.rules import differ_many

MISMATCH_COLUMNS = ["key", "old row", "new row", "old column", "new column", "old value", "new value"]


@dataclass
class FieldDifferences:
    """The outcome of comparing aligned pairs of rows."""

    defective: np.ndarray
    """Per pair: any compared field differs."""
    listed: list[list[object]]
    """One row per differing field, in :data:`MISMATCH_COLUMNS` order."""
    differs: dict[str, np.ndarray]
    """Per compared column (old name): which pairs differ in it."""

    @property
    def mismatched_columns(self) -> list[list[str]]:
        """Per pair: the old names of the columns that differ."""
        out: list[list[str]] = [[] for _ in range(len(self.defective))]
        for column, differs in self.differs.items():
            for pair in np.flatnonzero(differs).tolist():
                out[pair].append(column)
        return out


def compare_pairs(
    entity: PreparedEntity, old_positions: list[int], new_positions: list[int]
) -> FieldDifferences:
    """Compare the old rows at ``old_positions`` with the new rows at ``new_positions``, column by column."""
    count = len(old_positions)
    old_at, new_at = np.asarray(old_positions, dtype=np.intp), np.asarray(new_positions, dtype=np.intp)
    defective = np.zeros(count, dtype=bool)
    by_column: dict[str, np.ndarray] = {}
    differences: list[tuple[int, str]] = []
    for column in entity.compared_columns:
        old, new = entity.old.values[column][old_at], entity.new.values[column][new_at]
        differs = by_column[column] = differ_many(old, new, entity.rule(column))
        defective |= differs
        differences += [(pair, column) for pair in np.flatnonzero(differs).tolist()]
    order = {c: i for i, c in enumerate(entity.compared_columns)}
    differences.sort(key=lambda d: (d[0], order[d[1]]))  # record by record, columns as configured
    listed: list[list[object]] = []
    for pair, column in differences:
        o, n = old_positions[pair], new_positions[pair]
        listed.append([
            entity.old.keys[o], entity.old.rows.row_numbers[o], entity.new.rows.row_numbers[n],
            column, entity.new_name(column), entity.old.raw(column, o), entity.new.raw(entity.new_name(column), n),
        ])  # fmt: skip
    return FieldDifferences(defective, listed, by_column)


def matched_positions(
    entity: PreparedEntity, keys: list[str] | None = None
) -> tuple[list[str], list[int], list[int]]:
    """Keys on both sides (all, or those in ``keys``) with the first old and first new row of each."""
    if keys is not None:
        old_first, new_first = entity.old.first_position, entity.new.first_position
        both = [k for k in keys if k in old_first and k in new_first]
        return both, [old_first[k] for k in both], [new_first[k] for k in both]
    old_keys, old_at = entity.old.first_rows
    new_at = entity.new.first_rows[1]
    found = entity.key_match[0]
    matched = found >= 0
    return old_keys[matched].tolist(), old_at[matched].tolist(), new_at[found[matched]].tolist()


def check_all_fields(entity: PreparedEntity, max_listed: int) -> CheckResult:
    """Full mode: every record whose key is on both sides, every compared field."""
    keys, old_positions, new_positions = matched_positions(entity)
    found = compare_pairs(entity, old_positions, new_positions)
    defects = int(found.defective.sum())
    compared = len(keys)
    by_column = {c: int(d.sum()) for c, d in found.differs.items() if d.any()}
    if defects == 0:
        statement = (
            f"0 mismatches in all {compared:,} {entity.label} found on both sides, compared field by field."
        )
    else:
        statement = (
            f"{defects:,} of {compared:,} {entity.label} found on both sides differ in at least one field "
            f"({len(found.listed):,} field differences); every one is listed with both values."
        )
    return CheckResult(
        entity.name, "fields", "field differences", defects == 0, statement,
        figures={
            "records_compared": compared, "records_with_differences": defects,
            "field_differences": len(found.listed), "differences_by_column": by_column,
            "columns_compared": entity.compared_columns,
        },
        columns=MISMATCH_COLUMNS, rows=found.listed[:max_listed], rows_total=len(found.listed),
    )  # fmt: skip
