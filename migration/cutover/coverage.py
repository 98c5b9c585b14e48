"""Row counts, repeated keys and key coverage: is every old record on the new side, and nothing else?

Missing keys are listed both ways with the row they came from, not just counted.
"""

from __future__ import annotations

from collections.abc import Sized

import numpy as np
import pandas as pd

from migration.cutover.prepared import PreparedEntity, PreparedSide
from migration.cutover.results import CheckResult


def _n(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def _are(items: Sized) -> str:
    return "is" if len(items) == 1 else "are"


def check_row_counts(entity: PreparedEntity) -> CheckResult:
    old, new = len(entity.old.keys), len(entity.new.keys)
    agrees = old == new
    statement = (
        f"Both sides hold {old:,} {entity.label}."
        if agrees
        else f"The old side holds {old:,} {entity.label} and the new side {new:,} ({new - old:+,})."
    )
    return CheckResult(
        entity.name, "row_counts", "row counts", agrees, statement,
        figures={"old_rows": old, "new_rows": new, "difference": new - old},
        columns=["side", "source", "rows"],
        rows=[["old", entity.old.rows.source, old], ["new", entity.new.rows.source, new]],
        rows_total=2,
    )  # fmt: skip


def check_unreadable_rows(entity: PreparedEntity, max_listed: int) -> CheckResult | None:
    """Rows a source mapping could not use: they cannot be compared, so they are listed and fail the check."""
    listed = [
        [side.rows.name, side.rows.source, row["row"], row["column"], row["reason"]]
        for side in (entity.old, entity.new)
        for row in side.rows.unreadable
    ]
    mapped = entity.spec.old.mapping is not None or entity.spec.new.mapping is not None
    if not mapped and not listed:
        return None
    statement = (
        f"Every row of the mapped sides ({entity.label}) could be read."
        if not listed
        else f"{_n(len(listed), 'row')} could not be read through the mapping and so {'was' if len(listed) == 1 else 'were'} not compared."
    )
    return CheckResult(
        entity.name, "unreadable_rows", "unreadable rows", not listed, statement,
        figures={"unreadable": len(listed)},
        columns=["side", "source", "row", "column", "reason"], rows=listed[:max_listed], rows_total=len(listed),
    )  # fmt: skip


def repeated_keys(side: PreparedSide) -> list[list[object]]:
    """``[side, key, times, rows]`` for every key that more than one row of ``side`` holds, in row order."""
    keys = pd.Series(side.keys, dtype=object)
    repeated = (keys.duplicated(keep=False) & keys.notna()).to_numpy()
    if not repeated.any():
        return []
    rows_of: dict[str | None, list[int]] = {}
    numbers = side.rows.row_numbers
    for position in np.flatnonzero(repeated).tolist():
        rows_of.setdefault(side.keys[position], []).append(numbers[position])
    return [[side.rows.name, key, len(rows), ", ".join(map(str, rows))] for key, rows in rows_of.items()]


def check_duplicate_keys(entity: PreparedEntity, max_listed: int) -> CheckResult:
    listed = [*repeated_keys(entity.old), *repeated_keys(entity.new)]
    key_names = " + ".join(entity.spec.key)
    statement = (
        f"No {key_names} repeats on either side."
        if not listed
        else f"{_n(len(listed), 'key')} ({key_names}) {'appears' if len(listed) == 1 else 'appear'} more than once on a side; each is compared once."
    )
    return CheckResult(
        entity.name, "duplicate_keys", "repeated keys", not listed, statement,
        figures={"repeated_keys": len(listed)},
        columns=["side", "key", "times", "rows"], rows=listed[:max_listed], rows_total=len(listed),
    )  # fmt: skip


def missing_keys(present: PreparedSide, absent_from: PreparedSide) -> list[tuple[str | None, int]]:
    """Keys of ``present`` (with their first row) that ``absent_from`` lacks, in row order."""
    keys = pd.Series(present.keys, dtype=object)
    others = pd.Series(absent_from.keys, dtype=object).dropna()
    missing = (keys.notna() & ~keys.duplicated() & ~keys.isin(others)).to_numpy()
    numbers = present.rows.row_numbers
    return [(present.keys[p], numbers[p]) for p in np.flatnonzero(missing).tolist()]


def check_key_coverage(entity: PreparedEntity, max_listed: int) -> CheckResult:
    not_migrated = missing_keys(entity.old, entity.new)
    not_in_old = missing_keys(entity.new, entity.old)
    old_keys = len(entity.old.first_rows[0])
    listed: list[list[object]] = [["missing on the new side", key, "old", row] for key, row in not_migrated]
    listed += [["not on the old side", key, "new", row] for key, row in not_in_old]
    blank = [
        ["blank key", "", side.rows.name, row]
        for side in (entity.old, entity.new)
        for row in side.blank_key_rows
    ]
    listed += blank
    accepted = not listed
    if accepted:
        statement = (
            f"All {old_keys:,} keys of the old side ({entity.label}) are on the new side, and no other."
        )
    else:
        parts = []
        if not_migrated:
            parts.append(
                f"{_n(len(not_migrated), 'key')} of the old side {_are(not_migrated)} missing on the new side"
            )
        if not_in_old:
            parts.append(
                f"{_n(len(not_in_old), 'key')} on the new side {_are(not_in_old)} not on the old side"
            )
        if blank:
            have = "has" if len(blank) == 1 else "have"
            parts.append(f"{_n(len(blank), 'row')} {have} a blank key and cannot be matched")
        statement = "; ".join(parts) + "; every one is listed."
    return CheckResult(
        entity.name, "key_coverage", "key coverage", accepted, statement,
        figures={
            "old_keys": old_keys, "new_keys": len(entity.new.first_rows[0]),
            "missing_on_new": len(not_migrated), "missing_on_old": len(not_in_old), "blank_keys": len(blank),
        },
        columns=["problem", "key", "side", "row"], rows=listed[:max_listed], rows_total=len(listed),
    )  # fmt: skip
