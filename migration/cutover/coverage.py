"""Row counts, repeated keys and key coverage: is every old record on the new side, and nothing else?

Missing keys are listed both ways with the row they came from, not just counted.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from migration.cutover.prepared import PreparedEntity, PreparedSide
from migration.cutover.results import CheckResult


def _n(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def check_row_counts(entity: PreparedEntity) -> CheckResult:
    return row_counts_result(
        entity.name, entity.label, (entity.old.rows.source, entity.new.rows.source),
        len(entity.old.keys), len(entity.new.keys),
    )  # fmt: skip


def row_counts_result(name: str, label: str, sources: tuple[str, str], old: int, new: int) -> CheckResult:
    """The row-count check from the two counts (however they were counted)."""
    agrees = old == new
    statement = (
        f"Both sides hold {old:,} {label}."
        if agrees
        else f"The old side holds {old:,} {label} and the new side {new:,} ({new - old:+,})."
    )
    return CheckResult(
        name, "row_counts", "row counts", agrees, statement,
        figures={"old_rows": old, "new_rows": new, "difference": new - old},
        columns=["side", "source", "rows"],
        rows=[["old", sources[0], old], ["new", sources[1], new]],
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
    codes = side.codes
    repeated = pd.Series(codes).duplicated(keep=False).to_numpy() & (codes >= 0)
    if not repeated.any():
        return []
    rows_of: dict[str | None, list[int | None]] = {}
    numbers = side.rows.row_numbers
    for position in np.flatnonzero(repeated).tolist():
        rows_of.setdefault(side.keys[position], []).append(numbers[position])
    return [[side.rows.name, key, len(rows), ", ".join(map(str, rows))] for key, rows in rows_of.items()]


def check_duplicate_keys(entity: PreparedEntity, max_listed: int) -> CheckResult:
    listed = [*repeated_keys(entity.old), *repeated_keys(entity.new)]
    return repeated_keys_result(entity.name, entity.spec.key, listed, len(listed), max_listed)


def repeated_keys_result(
    name: str, key: list[str], listed: list[list[object]], total: int, max_listed: int
) -> CheckResult:
    """The repeated-keys check from the ``[side, key, times, rows]`` found and how many there are in all."""
    key_names = " + ".join(key)
    statement = (
        f"No {key_names} repeats on either side."
        if not total
        else f"{_n(total, 'key')} ({key_names}) {'appears' if total == 1 else 'appear'} more than once on a side; each is compared once."
    )
    return CheckResult(
        name, "duplicate_keys", "repeated keys", not total, statement,
        figures={"repeated_keys": total},
        columns=["side", "key", "times", "rows"], rows=listed[:max_listed], rows_total=total,
    )  # fmt: skip


def missing_keys(
    entity: PreparedEntity,
) -> tuple[list[tuple[str | None, object]], list[tuple[str | None, object]]]:
    """Keys of the old side the new one lacks and keys of the new side the old one lacks, each with its
    first row, in row order."""
    found, hit = entity.key_match
    out = []
    for side, lacking in ((entity.old, found < 0), (entity.new, ~hit)):
        keys, first = side.first_rows
        numbers = side.rows.row_numbers
        out.append([(keys[i], numbers[first[i]]) for i in np.flatnonzero(lacking).tolist()])
    return out[0], out[1]


def check_key_coverage(entity: PreparedEntity, max_listed: int) -> CheckResult:
    not_migrated, not_in_old = missing_keys(entity)
    blank: list[list[object]] = [
        [side.rows.name, row] for side in (entity.old, entity.new) for row in side.blank_key_rows
    ]
    return key_coverage_result(
        entity.name, entity.label, (len(entity.old.first_rows[0]), len(entity.new.first_rows[0])),
        (not_migrated, len(not_migrated)), (not_in_old, len(not_in_old)), (blank, len(blank)), max_listed,
    )  # fmt: skip


def key_coverage_result(
    name: str,
    label: str,
    keys: tuple[int, int],
    not_migrated: tuple[list[tuple[str | None, object]], int],
    not_in_old: tuple[list[tuple[str | None, object]], int],
    blank: tuple[list[list[object]], int],
    max_listed: int,
) -> CheckResult:
    """The key-coverage check from the keys each side lacks (key, row) and the rows with a blank key
    (side, row), each with how many there are in all (the lists may stop early)."""
    listed: list[list[object]] = [
        ["missing on the new side", key, "old", row] for key, row in not_migrated[0]
    ]
    listed += [["not on the old side", key, "new", row] for key, row in not_in_old[0]]
    listed += [["blank key", "", side, row] for side, row in blank[0]]
    missing_on_new, missing_on_old, blanks = not_migrated[1], not_in_old[1], blank[1]
    accepted = not (missing_on_new or missing_on_old or blanks)
    if accepted:
        statement = f"All {keys[0]:,} keys of the old side ({label}) are on the new side, and no other."
    else:
        parts = []
        if missing_on_new:
            are = "is" if missing_on_new == 1 else "are"
            parts.append(f"{_n(missing_on_new, 'key')} of the old side {are} missing on the new side")
        if missing_on_old:
            are = "is" if missing_on_old == 1 else "are"
            parts.append(f"{_n(missing_on_old, 'key')} on the new side {are} not on the old side")
        if blanks:
            have = "has" if blanks == 1 else "have"
            parts.append(f"{_n(blanks, 'row')} {have} a blank key and cannot be matched")
        statement = "; ".join(parts) + "; every one is listed."
    return CheckResult(
        name, "key_coverage", "key coverage", accepted, statement,
        figures={
            "old_keys": keys[0], "new_keys": keys[1],
            "missing_on_new": missing_on_new, "missing_on_old": missing_on_old, "blank_keys": blanks,
        },
        columns=["problem", "key", "side", "row"], rows=listed[:max_listed],
        rows_total=missing_on_new + missing_on_old + blanks,
    )  # fmt: skip
