"""The store's quarantine-table shape, quarantine rows built from any frame's rows with their reason, and
the key that makes a quarantine entry the same entry from one load to the next.

Shared by the pipeline's preparation of the load and by the loader itself (rows the store refuses).

An entry is identified by its problem, not by where the row sat: entity, stage, source system, file and
sheet, business key, column and reason code. A night's export that gains or loses rows above a still-bad
row moves the problem to another row number; the entry is the same one, and the load updates its row
number and original values instead of resolving it and opening a copy.

Two refinements keep distinct problems distinct:

- The same problem can repeat within one file (several rows with the same business key, or none). The
  repeats are numbered in file order (by source row; the same row found twice is one problem), and the
  number is part of the key. Rows removed or added between repeats leave the numbering alone; a new
  repeat above an old one renumbers the ones below it, which then update to their new rows.
- A row with no business key at all (every key part empty: an unreadable or unparseable row) is
  identified by its content instead, the original values without the row number, which is what a
  steward recognises the row by: the same unreadable line moved elsewhere is the same entry, and the
  row edited at the source is a new problem (the old one resolved).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from migration.convert import record_hashes

PROBLEM_IDENTITY = (
    "entity",
    "stage",
    "source_system",
    "source_file",
    "source_sheet",
    "business_key",
    "column_name",
    "reason_code",
)
"""What makes a quarantine entry the same entry in every load: the problem, not the batch nor the row number."""

QUARANTINE_IDENTITY = (*PROBLEM_IDENTITY[:5], "source_row", *PROBLEM_IDENTITY[5:])
"""Where a quarantined problem was found: the problem and the row it sat in."""

QUARANTINE_TABLE_COLUMNS = ["batch_id", *QUARANTINE_IDENTITY, "reason", "original"]
RUN_STAMPS = ("batch_id", "ingested_at")
"""Provenance that belongs to the run, not to the source row."""


def quarantine_rows(
    rows: pd.DataFrame,
    entity: str,
    stage: str,
    key_columns: list[str],
    column: str | pd.Series | None,
    reason_code: str | pd.Series,
    reason: str | pd.Series,
) -> pd.DataFrame:
    """Quarantine-table rows for ``rows``, keeping their provenance and original values as JSON."""
    if rows.empty:
        return pd.DataFrame(columns=QUARANTINE_TABLE_COLUMNS)
    out = pd.DataFrame(index=rows.index)
    for name in ["batch_id", "source_system", "source_file", "source_sheet", "source_row"]:
        out[name] = rows[name] if name in rows.columns else None
    out["entity"] = entity
    out["stage"] = stage
    # an empty key part (the very reason some rows are held back) is written as nothing, not "nan"
    out["business_key"] = rows[key_columns].astype("string").fillna("").agg("|".join, axis=1)
    out["column_name"] = column
    out["reason_code"] = reason_code
    out["reason"] = reason
    # The row as the source had it: the run's own stamps would make a rerun look like a new problem.
    canonical = [c for c in rows.columns if not c.startswith("_") and c not in RUN_STAMPS]
    out["original"] = (
        rows[canonical]
        .astype(object)
        .where(rows[canonical].notna(), None)
        .apply(lambda r: r.to_json(force_ascii=False), axis=1)
    )
    return out[QUARANTINE_TABLE_COLUMNS].reset_index(drop=True)


def quarantine_keys(columns: Mapping[str, Sequence[Any]]) -> list[str]:
    """The ``quarantine_key`` of each entry: its problem, the repeat number among the same problem's rows.

    ``columns`` holds the typed entry columns of one load (:data:`PROBLEM_IDENTITY`, ``source_row`` and
    ``original``). Entries of the same problem and the same row get the same key (found twice, one entry).
    """
    at = PROBLEM_IDENTITY.index("business_key")
    problems = [
        problem
        if has_business_key(problem[at])
        else (*problem[:at], content_identity(original), *problem[at + 1 :])
        for problem, original in zip(
            zip(*(columns[name] for name in PROBLEM_IDENTITY), strict=True), columns["original"], strict=True
        )
    ]
    rows_of: dict[tuple[Any, ...], set[Any]] = {}
    for problem, row in zip(problems, columns["source_row"], strict=True):
        rows_of.setdefault(problem, set()).add(row)
    repeat_of = {
        problem: {row: n for n, row in enumerate(sorted(rows, key=_file_order))}
        for problem, rows in rows_of.items()
    }
    repeats = [repeat_of[p][row] for p, row in zip(problems, columns["source_row"], strict=True)]
    identity = {name: [p[i] for p in problems] for i, name in enumerate(PROBLEM_IDENTITY)}
    return record_hashes({**identity, "repeat": repeats})


def has_business_key(business_key: Any) -> bool:
    """Whether an entry's business key names anything (its parts are ``|``-joined; an empty part is blank)."""
    return isinstance(business_key, str) and business_key.strip("|").strip() != ""


def content_identity(original: Any) -> str:
    """A row's identity by content: a hash of its original values without the row number."""
    try:
        values = json.loads(original)
    except (TypeError, ValueError):
        values = None
    if isinstance(values, dict):
        values.pop("source_row", None)
        text = json.dumps(values, ensure_ascii=False, sort_keys=True)
    else:
        text = "" if original is None else str(original)
    return "content:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def _file_order(row: Any) -> tuple[bool, Any]:
    return (row is None, row if row is not None else 0)
