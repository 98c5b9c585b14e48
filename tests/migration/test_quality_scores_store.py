"""The data-quality scorecard kept in the store and written as the "Scorecard" sheet of the review workbook
by ``channel-mdm review export`` (SQLite, and PostgreSQL when a server is reachable)."""

from __future__ import annotations

import pandas as pd
import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine, select

from channel_mdm.cli import main
from mdm.scorecard import SCORECARD_COLUMNS
from migration.load import load_table
from migration.models import QualityScore
from migration.quality_scores import read_quality_scores, save_quality_scores


def _scorecard() -> pd.DataFrame:
    return pd.DataFrame(
        [
            ("partner", "=dms", "completeness", "uscc", 796, 710, 710 / 796, 86 / 796),
            ("partner", "erp", "duplicate_rate", "records per golden record", 1057, 26, 1.025, 26 / 1057),
            ("partner", "erp", "not_provided", "email", 1057, 0, 0.0, 1.0),
        ],
        columns=SCORECARD_COLUMNS,
    )


def test_the_scorecard_is_replaced_on_every_run_and_read_back_in_order(store: Engine) -> None:
    assert read_quality_scores(store).empty
    assert save_quality_scores(store, _scorecard().iloc[:1], "B1") == 1
    assert save_quality_scores(store, _scorecard(), "B2") == 3
    pd.testing.assert_frame_equal(read_quality_scores(store), _scorecard(), check_dtype=False)
    with store.connect() as connection:
        before = connection.execute(select(QualityScore.__table__)).all()
    assert save_quality_scores(store, _scorecard(), "B3") == 3  # a rerun on the same data
    with store.connect() as connection:
        assert connection.execute(select(QualityScore.__table__)).all() == before


def test_review_export_adds_the_scorecard_sheet(store: Engine, store_url: str, tmp_path, monkeypatch) -> None:
    save_quality_scores(store, _scorecard(), "B1")
    monkeypatch.setenv("CHANNEL_MDM_STORE_URL", store_url)
    monkeypatch.setenv("CHANNEL_MDM_DATA_DIR", str(tmp_path / "data"))
    out = tmp_path / "review.xlsx"
    assert main(["review", "export", "--entity", "partner", str(out)]) == 0
    book = load_workbook(out)
    assert book.sheetnames == ["review", "Scorecard", "Branches without a head office", "columns"]
    sheet = book["Scorecard"]
    assert [c.value for c in sheet[1]] == SCORECARD_COLUMNS
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    assert [(r[1], r[2], r[3]) for r in rows] == [
        ("'=dms", "completeness", "uscc"),  # a source value that reads as a formula stays text
        ("erp", "duplicate_rate", "records per golden record"),
        ("erp", "not_provided", "email"),
    ]
    assert rows[0][7] == pytest.approx(86 / 796) and sheet.cell(2, 8).number_format == "0.0%"
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:H4"
    guide = [row[0].value for row in book["columns"].iter_rows(min_row=2)]
    assert "problem_share" in guide


def test_review_export_lists_the_branches_without_a_head_office(
    store: Engine, store_url: str, tmp_path, monkeypatch
) -> None:
    partners = pd.DataFrame(
        {
            "golden_id": ["P00000001", "P00000002", "P00000003", "P00000004"],
            "partner_name": [
                "上海华强商贸有限公司",
                "深圳华强商贸有限公司",
                "华强商贸有限公司宁波分公司",
                "深圳华强商贸有限公司杭州分公司",
            ],
            "parent_golden_id": [None, None, None, "P00000002"],
            "parent_link": [None, None, None, "name_rule"],
        }
    )
    load_table(store, "partner", partners, "B1")
    monkeypatch.setenv("CHANNEL_MDM_STORE_URL", store_url)
    monkeypatch.setenv("CHANNEL_MDM_DATA_DIR", str(tmp_path / "data"))
    out = tmp_path / "review.xlsx"
    assert main(["review", "export", "--entity", "partner", str(out)]) == 0
    sheet = load_workbook(out)["Branches without a head office"]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0] == ["golden_id", "partner_name", "reason_code", "reason", "candidate_golden_ids"]
    assert [(r[0], r[2], r[4]) for r in rows[1:]] == [("P00000003", "ambiguous", "P00000001, P00000002")]

    customers = tmp_path / "customers.xlsx"
    assert main(["review", "export", "--entity", "customer", str(customers)]) == 0
    assert "Branches without a head office" not in load_workbook(customers).sheetnames
