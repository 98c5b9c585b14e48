"""The data-quality scorecard (:mod:`mdm.scorecard`) on frames built here."""

from __future__ import annotations

import pandas as pd
import pytest

from cleansing.standardise import standardise_parties
from mdm.scorecard import SCORECARD_COLUMNS, PartySources, build_scorecard, summarise_scorecard


def _partners() -> PartySources:
    records = pd.DataFrame(
        {
            "source_system": ["erp", "erp", "erp", "sales", "sales"],
            "source_record_id": ["E1", "E2", "E3", "S1", "S2"],
            "partner_name": [
                "深圳市华强商贸有限公司",
                "成都通利食品有限公司",
                "武汉腾绣粮油有限公司",
                "华强商贸",
                "华强商贸",
            ],
            "uscc": ["914403001922038216", "914403001922038217", "", None, None],
            "phone": ["13812345678", "0755-2688123", "13812345678", "12345", " "],
            "email": ["a@b.cn", "", None, "not an email", None],
            "address": ["深圳市南山区深南大道185号", "", "武汉市江汉区解放大道1号", "", ""],
            "channel_tier": ["1", "1", "2", None, None],
        }
    )
    roles = {
        "company_name": "partner_name",
        "uscc": "uscc",
        "phone": "phone",
        "email": "email",
        "address": "address",
    }
    standardised = standardise_parties(records, roles)
    crosswalk = records[["source_system", "source_record_id"]].assign(
        golden_id=["P1", "P2", "P3", "P1", "P1"]
    )
    return PartySources(records, standardised, crosswalk)


def _rows_in() -> pd.DataFrame:
    return pd.DataFrame(
        {"entity": ["partner", "partner"], "source_system": ["erp", "sales"], "rows_in": [4, 3]}
    )


def _quarantine() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "entity": ["partner"] * 2,
            "source_system": ["erp", "sales"],
            "reason_code": ["missing_required"] * 2,
        }
    )


@pytest.fixture(scope="module")
def scorecard() -> pd.DataFrame:
    return build_scorecard({"partner": _partners()}, _quarantine(), _rows_in())


def _row(scorecard: pd.DataFrame, system: str, measure: str, field: str) -> dict:
    found = scorecard[
        (scorecard["source_system"] == system)
        & (scorecard["measure"] == measure)
        & (scorecard["field"] == field)
    ]
    assert len(found) == 1, (system, measure, field)
    return found.iloc[0][["records", "count", "problem_share"]].to_dict()


def test_completeness_counts_blank_and_whitespace_as_missing(scorecard):
    assert list(scorecard.columns) == SCORECARD_COLUMNS
    assert _row(scorecard, "erp", "completeness", "uscc") == {
        "records": 3,
        "count": 2,
        "problem_share": 1 / 3,
    }
    assert _row(scorecard, "sales", "completeness", "phone") == {
        "records": 2,
        "count": 1,
        "problem_share": 0.5,
    }
    # a field no sales row fills is one the source does not carry: listed apart, after what can be fixed
    assert not (scorecard.loc[scorecard["measure"] == "completeness", "count"] == 0).any()
    assert _row(scorecard, "sales", "not_provided", "district") == {
        "records": 2,
        "count": 0,
        "problem_share": 1.0,
    }


def test_validity_uses_the_standardised_flags_over_the_values_given(scorecard):
    # the second USCC fails its check character; the blank one is a completeness problem, not a validity one
    assert _row(scorecard, "erp", "validity", "uscc") == {"records": 2, "count": 1, "problem_share": 0.5}
    assert _row(scorecard, "sales", "validity", "phone") == {"records": 1, "count": 0, "problem_share": 1.0}
    assert _row(scorecard, "sales", "validity", "email") == {"records": 1, "count": 0, "problem_share": 1.0}
    assert _row(scorecard, "erp", "validity", "address") == {"records": 2, "count": 2, "problem_share": 0.0}


def test_duplicate_rate_is_source_records_per_golden_record(scorecard):
    sales = scorecard[(scorecard["source_system"] == "sales") & (scorecard["measure"] == "duplicate_rate")]
    assert sales[["records", "count", "rate", "problem_share"]].iloc[0].tolist() == [2, 1, 2.0, 0.5]
    erp = scorecard[(scorecard["source_system"] == "erp") & (scorecard["measure"] == "duplicate_rate")]
    assert erp["rate"].iloc[0] == 1.0


def test_quarantined_rows_count_against_every_row_read(scorecard):
    assert _row(scorecard, "sales", "quarantined", "missing_required") == {
        "records": 3,
        "count": 1,
        "problem_share": 1 / 3,
    }


def test_a_row_quarantined_for_two_reasons_is_one_row_held_back():
    quarantine = pd.DataFrame(
        {
            "entity": ["product"] * 3,
            "source_system": ["erp"] * 3,
            "source_file": ["erp/products.xlsx"] * 3,
            "source_row": [5, 5, 9],
            "reason_code": ["gtin_valid", "sku_code_unique", "gtin_valid"],
        }
    )
    rows_in = pd.DataFrame({"entity": ["product"], "source_system": ["erp"], "rows_in": [10]})
    scorecard = build_scorecard({}, quarantine, rows_in)
    assert _row(scorecard, "erp", "quarantined", "gtin_valid")["count"] == 2
    assert _row(scorecard, "erp", "quarantined", "any reason") == {
        "records": 10,
        "count": 2,
        "problem_share": 0.2,
    }
    assert summarise_scorecard(scorecard).loc[0, "quarantined"] == 0.2


def test_worst_first(scorecard):
    fixable = scorecard[scorecard["measure"] != "not_provided"]
    assert fixable.index.max() < scorecard[scorecard["measure"] == "not_provided"].index.min()
    shares = fixable["problem_share"].tolist()
    assert shares == sorted(shares, reverse=True)
    summary = summarise_scorecard(scorecard)
    assert summary["source_system"].tolist() == ["sales", "erp"]
    assert summary.loc[0, "records_per_golden"] == 2.0
    assert summary.loc[1, "quarantined"] == pytest.approx(0.25)
    assert "district" in summary.loc[0, "not_provided"].split(", ")


def test_nothing_to_score_is_an_empty_scorecard():
    empty = build_scorecard({}, pd.DataFrame(), pd.DataFrame(columns=["entity", "source_system", "rows_in"]))
    assert list(empty.columns) == SCORECARD_COLUMNS and empty.empty
    assert summarise_scorecard(empty).empty
