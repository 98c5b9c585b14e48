"""The steward's partner/customer review workbook: pairs the matcher would not decide alone, written
out for a decision and read back checked.

One row per pair: both records side by side (source system, record id, source row), the score, and
per field the two values with the comparison level and its weight. The steward picks ``merge``,
``not a match`` or ``skip`` in a dropdown and may add a note. A hidden ``key`` column names the two
records with a checksum, so an edited or foreign row is recognised on the way back in. Every cell
passes through :func:`cleansing.safe_export.neutralise_cell`; ids are written as text.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from urllib.parse import quote, unquote

import numpy as np
import pandas as pd
from openpyxl.utils import get_column_letter

from cleansing.safe_export import neutralise_cell
from mdm.hierarchy import UNLINKED_BRANCH_COLUMNS
from mdm.scorecard_sheet import SCORECARD_GUIDE, add_scorecard_sheet
from mdm.workbook_style import (
    add_dropdown,
    add_guide_sheet,
    add_table_sheet,
    fit_widths,
    new_workbook,
    save_workbook,
    style_header,
)

SHEET = "review"
CHOICES = ("merge", "not a match", "skip")
NAME_COMPARISONS = ("company_name", "person_name")
RECORD_COLUMNS = ("source_system", "record_id", "source_row")
LEAD_COLUMNS = [
    "decision",
    "notes",
    "match_score",
    "match_class",
    *[f"left_{c}" for c in RECORD_COLUMNS],
    *[f"right_{c}" for c in RECORD_COLUMNS],
]
EVIDENCE_PARTS = ("left", "right", "level", "weight")
GUIDE = [
    ("decision", "Your decision: merge (one partner/customer), not a match (two), or skip. Blank = later."),
    ("notes", "Anything you want to keep with the decision (why, who confirmed it)."),
    ("match_score", "Match probability 0–1 the matcher gave the pair."),
    ("match_class", "needs_review: the score is in the review band; auto_merge: merged, names disagree."),
    ("left_/right_source_system", "The system each record comes from."),
    ("left_/right_record_id", "The record's id in that system (decisions are kept by system + id)."),
    ("left_/right_source_row", "Row of the record in the file it was read from."),
    (
        "already_joined",
        "yes: the two records are one partner/customer already, through other records they each "
        "match; 'not a match' splits them, 'merge' changes nothing. These pairs come last.",
    ),
    ("<field> left / right", "The two values the matcher compared (standardised)."),
    ("<field> level", "How they compared: exact, close, different, unknown (blank on one side) …"),
    ("<field> weight", "Evidence for (+) or against (−) a match; the score adds these up. 0 = said nothing."),
    ("key", "Hidden. Names the two records; do not edit. An edited key is refused on import."),
]


BRANCHES_SHEET = "Branches without a head office"
BRANCHES_GUIDE = [
    ("Branches … sheet", "Partner branches whose head office neither their source nor their name gave."),
    ("reason_code", "ambiguous: several partners could be the head office; region_mismatch: one has the "
     "name but in another region; no_head_office: no partner has the head office's name."),
    ("candidate_golden_ids", "The partners that could be the head office: decide, or fix the name in the source."),
]  # fmt: skip


def pair_key(left_system: str, left_id: str, right_system: str, right_id: str) -> str:
    """The hidden key of a pair: both records and a checksum that catches an edit."""
    body = "|".join(quote(part, safe="") for part in (left_system, left_id, right_system, right_id))
    check = hashlib.sha256(body.encode("utf-8")).hexdigest()[:10]
    return f"{body}|{check}"


def parse_pair_key(key: str) -> tuple[str, str, str, str] | None:
    """The four parts of a key written by :func:`pair_key`, or ``None`` if it was edited or is foreign."""
    parts = [unquote(part) for part in str(key).split("|")]
    if len(parts) != 5 or pair_key(*parts[:4]) != key:
        return None
    return parts[0], parts[1], parts[2], parts[3]


def joined_through_others(pairs: pd.DataFrame) -> np.ndarray:
    """Per scored pair (:attr:`mdm.dedupe.DedupeResult.pairs`) whether it is in the review band with its
    two records in one cluster already, joined through other records (an automatic merge is joined by
    itself): a decision on it asks only whether that join is wrong."""
    same_cluster = pairs.get("same_cluster", pd.Series(False, index=pairs.index)).fillna(False).astype(bool)
    return (same_cluster & (pairs["match_class"] == "needs_review")).to_numpy()


def review_pairs(pairs: pd.DataFrame, records: pd.DataFrame) -> pd.DataFrame:
    """The pairs a steward should see, one row each, in :data:`LEAD_COLUMNS` + evidence + ``key``.

    ``pairs`` is ``DedupeResult.pairs``; ``records`` has ``record_id`` (as matched), ``source_system``,
    ``source_record_id`` and ``source_row``. Listed: every ``needs_review`` pair, and every
    ``auto_merge`` of records from two systems whose names do not speak for the match. A pair a
    steward has already decided is not asked again.
    """
    decided = pairs.get("steward_decision", pd.Series("", index=pairs.index)).fillna("") != ""
    name_weight = sum(
        (pairs[f"{c}_weight"] for c in NAME_COMPARISONS if f"{c}_weight" in pairs.columns),
        start=pd.Series(0.0, index=pairs.index),
    )
    by_id = records.drop_duplicates("record_id").set_index(records["record_id"].astype(str).drop_duplicates())
    left = by_id.reindex(pairs["left_record_id"].astype(str))
    right = by_id.reindex(pairs["right_record_id"].astype(str))
    across = left["source_system"].to_numpy() != right["source_system"].to_numpy()
    weak_merge = (pairs["match_class"] == "auto_merge").to_numpy() & across & (name_weight <= 0).to_numpy()
    chosen = ((pairs["match_class"] == "needs_review").to_numpy() | weak_merge) & ~decided.to_numpy()
    # Pairs whose decision changes the result first: a pair already joined through other records (in one
    # cluster) asks only whether the join is wrong.
    joined = joined_through_others(pairs)
    order = np.flatnonzero(chosen)
    order = order[np.argsort(joined[order], kind="stable")]
    pairs, left, right = pairs.iloc[order], left.iloc[order], right.iloc[order]
    out = pd.DataFrame(
        {
            "decision": None,
            "notes": None,
            "match_score": pairs["match_probability"].to_numpy(),
            "match_class": pairs["match_class"].to_numpy(),
        }
    )
    for side, frame in (("left", left), ("right", right)):
        out[f"{side}_source_system"] = frame["source_system"].astype(str).to_numpy()
        out[f"{side}_record_id"] = frame["source_record_id"].astype(str).to_numpy()
        out[f"{side}_source_row"] = frame["source_row"].to_numpy()
    out["already_joined"] = np.where(joined[order], "yes", "")
    for name in _compared_fields(pairs):
        for part, suffix in zip(EVIDENCE_PARTS, ("_l", "_r", "_level", "_weight"), strict=True):
            out[f"{name} {part}"] = pairs[f"{name}{suffix}"].to_numpy()
    out["key"] = [
        pair_key(*row)
        for row in out[
            ["left_source_system", "left_record_id", "right_source_system", "right_record_id"]
        ].itertuples(index=False)
    ]
    return out.reset_index(drop=True)


def _compared_fields(pairs: pd.DataFrame) -> list[str]:
    """Fields with something known on both sides of at least one pair."""
    names = [c[: -len("_level")] for c in pairs.columns if c.endswith("_level")]
    return [
        n
        for n in names
        if {f"{n}_l", f"{n}_r", f"{n}_weight"} <= set(pairs.columns)
        and (pairs[f"{n}_level"] != "unknown").any()
    ]


def write_pair_review_workbook(
    review: pd.DataFrame,
    path: Path,
    scorecard: pd.DataFrame | None = None,
    unlinked_branches: pd.DataFrame | None = None,
) -> Path:
    """Write :func:`review_pairs` as an xlsx a steward fills in; with ``scorecard``
    (:func:`mdm.scorecard.build_scorecard`) also a "Scorecard" sheet of data quality per source, and with
    ``unlinked_branches`` (:mod:`mdm.hierarchy`) a sheet of the branches no head office was found for."""
    book, sheet = new_workbook(SHEET)
    columns = list(review.columns)
    sheet.append(columns)
    text_columns = {i for i, c in enumerate(columns) if not c.endswith(("weight", "score", "source_row"))}
    for row in review.itertuples(index=False):
        sheet.append([_cell(value, as_text=i in text_columns) for i, value in enumerate(row)])
    for cells in sheet.iter_rows(min_row=2):
        for i, cell in enumerate(cells):
            if i in text_columns:
                cell.number_format = "@"
    style_header(sheet, len(review), freeze="C2")
    add_dropdown(sheet, columns.index("decision") + 1, CHOICES, len(review), "decision")
    fit_widths(sheet, columns, {c: review[c] for c in columns if c != "key"})
    key_letter = get_column_letter(columns.index("key") + 1)
    sheet.column_dimensions[key_letter].hidden = True
    guide = list(GUIDE)
    if scorecard is not None:
        add_scorecard_sheet(book, scorecard)
        guide += SCORECARD_GUIDE
    if unlinked_branches is not None:
        add_table_sheet(book, BRANCHES_SHEET, unlinked_branches[UNLINKED_BRANCH_COLUMNS])
        guide += BRANCHES_GUIDE
    add_guide_sheet(book, guide)
    return save_workbook(book, path)


def _cell(value: object, as_text: bool) -> object:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if as_text:
        value = str(value)
    return neutralise_cell(value)
