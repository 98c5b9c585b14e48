"""A quarantine entry is its problem, wherever the row sits: a row moved by rows gained or lost above it
stays one open entry with the batch that first found it; a real fix still resolves it (SQLite, and
PostgreSQL when a server is reachable).

Found on the sample's nights: a still-bad price row that moved down the export was resolved and opened
again under a new key, some 500 times a night.
"""

from __future__ import annotations

import json

import pandas as pd

from migration.load import load_all
from tests.migration.quarantine_entries import price_entry, price_key, read_quarantine


def _entry(row: int, sku: str, batch: str, column: str = "price", reason_code: str = "bad_decimal") -> dict:
    return price_entry(
        row,
        batch,
        price_key(sku) if sku else "|||",
        column=column,
        reason_code=reason_code,
        reason=f"{column} value 'x' is not a number",
        original=json.dumps({"sku_code": sku, "price": "x", "source_row": row}, ensure_ascii=False),
    )


def _load(store, batch: str, *entries: dict):  # type: ignore[no-untyped-def]
    return load_all(store, {"quarantine": pd.DataFrame(list(entries))}, batch)["quarantine"]


def _quarantine(store) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    return read_quarantine(store, order_by="id")


def test_a_bad_row_moved_down_by_rows_added_above_stays_one_open_entry(store) -> None:
    _load(store, "B1", _entry(2, "S1", "B1"), _entry(3, "S2", "B1"))
    stats = _load(store, "B2", _entry(7, "S1", "B2"), _entry(8, "S2", "B2"))
    entries = _quarantine(store)
    assert (stats.inserted, stats.updated) == (0, 2)
    assert entries["source_row"].tolist() == [7, 8]
    assert entries["status"].tolist() == ["open", "open"]
    assert entries["batch_id"].tolist() == ["B1", "B1"]  # when each problem was first quarantined
    assert json.loads(entries["original"][0])["source_row"] == 7
    assert entries["resolved_batch_id"].isna().all()


def test_a_fixed_row_is_resolved_while_the_rows_below_it_move_up(store) -> None:
    _load(store, "B1", _entry(2, "S1", "B1"), _entry(3, "S2", "B1"))
    stats = _load(store, "B2", _entry(2, "S2", "B2"))  # S1 fixed: S2 is now the file's second line
    entries = _quarantine(store).set_index("business_key")
    assert (stats.inserted, stats.updated) == (0, 2)  # S2 moved, S1 resolved
    assert entries.loc["S1|factory|全国|2026-01-01", "status"] == "resolved"
    assert entries.loc["S1|factory|全国|2026-01-01", "resolved_batch_id"] == "B2"
    assert entries.loc["S2|factory|全国|2026-01-01", "status"] == "open"
    assert entries.loc["S2|factory|全国|2026-01-01", "source_row"] == 2


def test_the_same_problem_repeated_in_one_file_stays_one_entry_per_row(store) -> None:
    first = _load(store, "B1", _entry(2, "S1", "B1"), _entry(5, "S1", "B1"), _entry(9, "S1", "B1"))
    assert first.inserted == 3
    # a row lost above them moves all three; the last repeat is fixed
    second = _load(store, "B2", _entry(1, "S1", "B2"), _entry(4, "S1", "B2"))
    entries = _quarantine(store)
    assert (second.inserted, second.updated) == (0, 3)
    assert entries["status"].tolist() == ["open", "open", "resolved"]
    assert entries.loc[entries["status"] == "open", "source_row"].tolist() == [1, 4]


def test_the_same_row_found_twice_in_one_load_is_one_entry(store) -> None:
    stats = _load(store, "B1", _entry(2, "S1", "B1"), _entry(2, "S1", "B1"))
    assert stats.inserted == 1
    assert len(_quarantine(store)) == 1


def test_rows_without_a_business_key_are_known_by_their_content(store) -> None:
    unreadable = [{**_entry(row, "", "B1"), "original": json.dumps({"raw": text, "source_row": row})}
                  for row, text in ((4, "a;b;c"), (6, "d;e"))]  # fmt: skip
    assert _load(store, "B1", *unreadable).inserted == 2
    moved = [
        {**entry, "source_row": entry["source_row"] + 3, "batch_id": "B2"} for entry in reversed(unreadable)
    ]
    moved[0]["original"] = json.dumps({"raw": "d;e", "source_row": 9})
    moved[1]["original"] = json.dumps({"raw": "a;b;c", "source_row": 7})
    stats = _load(store, "B2", *moved)
    entries = _quarantine(store)
    assert (stats.inserted, stats.updated) == (0, 2)
    assert entries["source_row"].tolist() == [7, 9]
    assert entries["status"].tolist() == ["open", "open"]
    edited = [
        {**moved[0], "original": json.dumps({"raw": "d;e;f", "source_row": 9}), "batch_id": "B3"},
        moved[1],
    ]
    stats = _load(store, "B3", *edited)
    entries = _quarantine(store)
    # the edited row is another problem; its old form is resolved
    assert (stats.inserted, len(entries)) == (1, 3)
    assert entries["status"].tolist() == ["open", "resolved", "open"]
