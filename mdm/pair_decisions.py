"""Read a filled-in partner/customer review workbook and check it whole before anything is applied.

Refused, each with the sheet, row and cell: a decision word outside the dropdown, a key that was
edited or does not come from a review workbook, one pair decided twice with different answers, and
a decision that contradicts others through transitivity (A = B and B = C, but A ≠ C) — including
decisions kept from earlier files. Nothing is returned unless the whole file is right.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pandas as pd
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from cleansing.safe_export import FORMULA_PREFIXES
from foundation.errors import UserError
from mdm.pair_review import CHOICES, SHEET, parse_pair_key
from mdm.steward_constraints import MERGE, NOT_A_MATCH

DECISION_OF_CHOICE = {"merge": MERGE, "not a match": NOT_A_MATCH, "skip": "skip"}
PAIR_COLUMNS = [
    "left_source_system",
    "left_source_record_id",
    "right_source_system",
    "right_source_record_id",
]
DECISION_FRAME_COLUMNS = [*PAIR_COLUMNS, "decision", "notes"]


def _text(value: object) -> str:
    text = "" if value is None else str(value).strip()
    if text.startswith("'") and text[1:].startswith(FORMULA_PREFIXES):
        return text[1:]
    return text


def ordered_pair(a: tuple[str, str], b: tuple[str, str]) -> tuple[str, str, str, str]:
    """A pair of (source system, record id) in one order, so A–B and B–A are one pair."""
    first, second = sorted([a, b])
    return (*first, *second)


def read_pair_decisions(path: Path, earlier: pd.DataFrame | None = None) -> pd.DataFrame:
    """The decided rows of ``path`` (``merge`` / ``not_a_match``; ``skip`` and blanks left out) in
    :data:`DECISION_FRAME_COLUMNS` plus ``sheet_row``, after checking the whole file against itself
    and against ``earlier`` decisions (same columns; a new decision on a pair replaces the earlier one).
    """
    rows = _read_rows(path)
    problems: list[str] = []
    decided: dict[tuple[str, str, str, str], tuple[str, int, str]] = {}
    header = rows[0]
    col = {name: i for i, name in enumerate(header)}
    decision_letter = get_column_letter(col["decision"] + 1)
    key_letter = get_column_letter(col["key"] + 1)
    for number, row in enumerate(rows[1:], start=2):
        word = _text(row[col["decision"]] if col["decision"] < len(row) else None).lower()
        if not word:
            continue
        where = f"{path.name}, sheet '{SHEET}', row {number}"
        if word not in DECISION_OF_CHOICE:
            problems.append(
                f"{where}, cell {decision_letter}{number}: decision {word!r} is not one of "
                f"{', '.join(CHOICES)}; pick one from the dropdown"
            )
            continue
        parts = parse_pair_key(_text(row[col["key"]] if col["key"] < len(row) else None))
        if parts is None:
            problems.append(
                f"{where}, cell {key_letter}{number}: the hidden key was edited or does not come from a "
                "review workbook; copy the row from a freshly exported workbook"
            )
            continue
        pair = ordered_pair((parts[0], parts[1]), (parts[2], parts[3]))
        decision = DECISION_OF_CHOICE[word]
        notes = _text(row[col["notes"]] if "notes" in col and col["notes"] < len(row) else None)
        if pair in decided and decided[pair][0] != decision:
            problems.append(
                f"{where}, cell {decision_letter}{number}: this pair is also decided in row "
                f"{decided[pair][1]} with a different answer; keep one"
            )
            continue
        decided[pair] = (decision, number, notes)
    new = pd.DataFrame(
        [(*pair, d, notes, number) for pair, (d, number, notes) in decided.items() if d != "skip"],
        columns=[*DECISION_FRAME_COLUMNS, "sheet_row"],
    )
    if not problems:
        problems += _contradictions(new, earlier, path, decision_letter)
    if problems:
        more = f" ({len(problems) - 1} more problem(s) in this file)" if len(problems) > 1 else ""
        raise UserError(f"{problems[0]}{more}; nothing was applied")
    return new


def _read_rows(path: Path) -> list[tuple]:
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except FileNotFoundError:
        raise UserError(f"{path}: review workbook not found") from None
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise UserError(f"{path}: cannot be read as an xlsx workbook ({exc}); save it as .xlsx") from None
    if SHEET not in book.sheetnames:
        raise UserError(f"{path}: no sheet named '{SHEET}'; is this a partner/customer review workbook?")
    rows = list(book[SHEET].iter_rows(values_only=True))
    book.close()
    header = [_text(v) for v in rows[0]] if rows else []
    missing = [c for c in ("decision", "key") if c not in header]
    if missing:
        raise UserError(
            f"{path}: sheet '{SHEET}', row 1: column(s) {', '.join(missing)} missing; export a fresh workbook"
        )
    return [tuple(header), *rows[1:]]


def _contradictions(new: pd.DataFrame, earlier: pd.DataFrame | None, path: Path, letter: str) -> list[str]:
    """Decisions that contradict others through transitivity: a not-a-match inside a group of merges."""
    kept = earlier if earlier is not None else pd.DataFrame(columns=DECISION_FRAME_COLUMNS)
    pairs_new = {
        tuple(r[:4]): r for r in new[[*PAIR_COLUMNS, "decision", "sheet_row"]].itertuples(index=False)
    }
    combined: dict[tuple, tuple[str, int | None]] = {}
    for r in kept[[*PAIR_COLUMNS, "decision"]].itertuples(index=False):
        combined[ordered_pair((r[0], r[1]), (r[2], r[3]))] = (r[4], None)
    for pair, r in pairs_new.items():
        combined[pair] = (r[4], int(r[5]))
    parent: dict[tuple[str, str], tuple[str, str]] = {}

    def find(x: tuple[str, str]) -> tuple[str, str]:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for pair, (decision, _) in combined.items():
        if decision == MERGE:
            parent[find(pair[:2])] = find(pair[2:])
    problems = []
    for pair, (decision, number) in combined.items():
        if decision == NOT_A_MATCH and find(pair[:2]) == find(pair[2:]):
            where = (
                f"{path.name}, sheet '{SHEET}', row {number}, cell {letter}{number}"
                if number is not None
                else f"{path.name}: a decision kept from an earlier file"
            )
            problems.append(
                f"{where}: {pair[0]} {pair[1]} and {pair[2]} {pair[3]} are decided 'not a match' but other "
                "'merge' decisions join them through a chain; change one of them"
            )
    return problems
