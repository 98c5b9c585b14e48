"""Review pairs kept in the store and written as a workbook by ``channel-mdm review export``
(SQLite, and PostgreSQL when a server is reachable)."""

from __future__ import annotations

import pandas as pd
from openpyxl import load_workbook
from sqlalchemy import Engine

from channel_mdm.cli import main
from mdm.pair_review import pair_key, parse_pair_key
from migration.match_review import read_match_review, save_match_review


def _review() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "decision": [None],
            "notes": [None],
            "match_score": [0.82],
            "match_class": ["needs_review"],
            "left_source_system": ["ERP"],
            "left_record_id": ["0012"],
            "left_source_row": [4],
            "right_source_system": ["DMS"],
            "right_record_id": ["=D-9"],
            "right_source_row": [7],
            "company_name left": ["深圳市华强商贸有限公司"],
            "company_name right": ["=华强商贸"],
            "company_name level": ["close"],
            "company_name weight": [1.5],
            "key": [pair_key("ERP", "0012", "DMS", "=D-9")],
        }
    )


def test_review_pairs_are_replaced_per_entity_and_read_back(store: Engine) -> None:
    assert save_match_review(store, "partner", _review()) == 1
    assert save_match_review(store, "partner", _review()) == 1
    back = read_match_review(store, "partner")
    pd.testing.assert_frame_equal(back, _review(), check_dtype=False)
    assert read_match_review(store, "customer").empty


def test_a_run_with_no_pair_to_review_clears_the_entitys_old_pairs(store: Engine) -> None:
    save_match_review(store, "partner", _review())
    assert save_match_review(store, "partner", _review().iloc[:0]) == 0
    assert read_match_review(store, "partner").empty


def test_review_export_writes_the_stored_pairs(store: Engine, store_url: str, tmp_path, monkeypatch) -> None:
    save_match_review(store, "partner", _review())
    monkeypatch.setenv("CHANNEL_MDM_STORE_URL", store_url)
    monkeypatch.setenv("CHANNEL_MDM_DATA_DIR", str(tmp_path / "data"))
    out = tmp_path / "review.xlsx"
    assert main(["review", "export", "--entity", "partner", str(out)]) == 0
    sheet = load_workbook(out)["review"]
    header = [c.value for c in sheet[1]]
    row = dict(zip(header, (c.value for c in sheet[2]), strict=True))
    assert row["left_record_id"] == "0012" and row["right_record_id"] == "'=D-9"
    assert row["company_name right"] == "'=华强商贸"
    assert parse_pair_key(row["key"]) == ("ERP", "0012", "DMS", "=D-9")
