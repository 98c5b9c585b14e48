"""What the store would refuse, found row by row before writing: values of the wrong type or precision,
empty required values, repeated business keys and references to rows that are not there.

Each finding is a :class:`~migration.refusals.Refusal` naming the row, the column and the reason; the
loader quarantines those rows and loads the rest.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pandas as pd
from sqlalchemy import Connection, Table, select

from foundation.errors import UserError
from migration.convert import canonical_text, convert_column_all, converter_for, is_blank, text_as_stored
from migration.models import ALL
from migration.refusals import Refusal

DEFAULTS: dict[tuple[str, str], Any] = {
    ("crosswalk", "active"): True,
    ("price", "channel"): ALL,
    ("price", "customer_level"): ALL,
}
"""Values a column takes when the frame lacks it or leaves a cell blank."""


def typed_columns(
    table: Table, frame: pd.DataFrame, bookkeeping: set[str]
) -> tuple[dict[str, list[Any]], list[Refusal]]:
    """The frame's columns in the table's types, and a refusal for each value that cannot be stored.

    A column the store requires and the frame lacks altogether is a mistake in the caller's mapping,
    not in a row: it raises :class:`UserError`.
    """
    present: dict[str, pd.Series] = {}
    for column in table.columns:
        if column.name in bookkeeping:
            continue
        if column.name in frame.columns and (table.name, column.name) in DEFAULTS:
            values = frame[column.name].astype(object)  # a blank cell takes the default too
            blank = values.map(is_blank).to_numpy(dtype=bool)
            present[column.name] = values.mask(blank, DEFAULTS[(table.name, column.name)])
        elif column.name in frame.columns:
            present[column.name] = frame[column.name]
        elif (table.name, column.name) in DEFAULTS:
            present[column.name] = pd.Series([DEFAULTS[(table.name, column.name)]] * len(frame), dtype=object)
        elif not column.nullable:
            raise UserError(
                f"cannot load {table.name}: the frame has no column {column.name!r}, which the store requires; "
                f"map a source column onto it"
            )
        else:
            present[column.name] = pd.Series([None] * len(frame), dtype=object)

    typed: dict[str, list[Any]] = {}
    refusals: list[Refusal] = []
    for name, values in present.items():
        column = table.columns[name]
        as_stored = text_as_stored(values, column)
        problems: dict[int, str] = {}
        if as_stored is not None:
            converted = as_stored
        else:
            converted, problems = convert_column_all(values, converter_for(column))
        typed[name] = converted
        for position, problem in problems.items():
            value = values.iloc[position]
            refusals.append(
                Refusal(position, name, "store_refused_value", f"{name}={value!r}, which {problem}")
            )
        if not column.nullable and None in converted:  # one C-level scan; the loop only when one is empty
            for position, value in enumerate(converted):
                if value is None and position not in problems:
                    refusals.append(
                        Refusal(
                            position,
                            name,
                            "store_missing_value",
                            f"{name} is empty, and the store requires it",
                        )
                    )
    refusals.sort(key=lambda r: r.position)
    return typed, refusals


def show_key(key_names: tuple[str, ...], key: tuple[Any, ...]) -> str:
    """A typed business key as the user wrote it: sku_code='SKU1', effective_from='2026-01-01'."""
    return ", ".join(
        f"{name}={canonical_text(value)!r}" if value is not None else f"{name}=None"
        for name, value in zip(key_names, key, strict=True)
    )


def duplicate_key_refusals(
    key_names: tuple[str, ...], keys: list[tuple[Any, ...]], refused: set[int]
) -> list[Refusal]:
    """Every row whose business key another row of the frame also has: which one is right is not ours to guess."""
    if not refused and len(set(keys)) == len(keys):  # the usual case, told by one C-level pass
        return []
    counts = Counter(key for position, key in enumerate(keys) if position not in refused)
    return [
        Refusal(
            position, None, "duplicate_key",
            f"{counts[key]} rows have the same business key ({show_key(key_names, key)}); "
            "deduplicate them before loading",
        )
        for position, key in enumerate(keys)
        if position not in refused and counts[key] > 1
    ]  # fmt: skip


def reference_refusals(
    connection: Connection, table: Table, columns: dict[str, list[Any]], refused: set[int]
) -> list[Refusal]:
    """Rows whose foreign key points at no row: not in the store, or (same table) only in refused rows.

    A self-reference (a branch naming its head office) is repeated until nothing changes, so the
    branches of a refused head office are refused too.
    """
    found: list[Refusal] = []
    held = set(refused)
    changed = True
    while changed:
        changed = False
        for fk in table.foreign_keys:
            name = fk.parent.name
            if name not in columns:
                continue
            target = fk.column
            known = set(connection.execute(select(target)).scalars())
            if target.table is table:
                known.update(v for p, v in enumerate(columns[target.name]) if p not in held)
            if known.issuperset(set(columns[name]) - {None}):  # every value is known: no row to look at
                continue
            for position, value in enumerate(columns[name]):
                if position in held or value is None or value in known:
                    continue
                held.add(position)
                changed = changed or target.table is table
                found.append(
                    Refusal(
                        position, name, "unknown_reference",
                        f"{name}={value!r} is not in {target.table.name}.{target.name}; "
                        f"load that {target.table.name} first",
                    )
                )  # fmt: skip
    return found
