"""Steward decisions in the pipeline's matching (:func:`mdm.parties.match_parties`): kept by source system
and source record id, enforced as hard constraints, reported when a record is gone."""

from __future__ import annotations

import pandas as pd

from mdm.parties import match_parties

TRUST = {"ERP": 1, "DMS": 2, "CRM": 3}


def _partners() -> pd.DataFrame:
    rows = [
        (
            "ERP",
            "P001",
            2,
            "深圳市华强商贸有限公司",
            "914403001922038216",
            "13812345678",
            "深圳市南山区深南大道185号",
        ),
        (
            "DMS",
            "D-9",
            5,
            "華強商貿(深圳)有限公司",
            "914403001922038216",
            "13812345678",
            "深圳南山区深南大道185号",
        ),
        ("CRM", "A-1", 7, "深圳华强商贸有限公司", "", "13812345678", "深圳市南山区深南大道185号"),
        ("ERP", "P002", 3, "成都通利食品有限公司", "", "13512341234", "四川省成都市武侯区人民南路4段"),
        ("DMS", "D-7", 9, "通利商行", "", "13600002222", "北京市海淀区中关村大街27号"),
    ]
    frame = pd.DataFrame(
        rows,
        columns=[
            "source_system",
            "source_record_id",
            "source_row",
            "partner_name",
            "uscc",
            "phone",
            "address",
        ],
    )
    return frame.assign(
        source_file="x.xlsx",
        channel_tier="1",
        sales_region="华南",
        province="",
        city="",
        district="",
        email="",
    )


def _golden(result) -> dict[str, str]:
    crosswalk = result.golden.crosswalk
    return dict(
        zip(
            crosswalk["source_system"] + ":" + crosswalk["source_record_id"],
            crosswalk["golden_id"],
            strict=True,
        )
    )


def _decisions(*rows: tuple[str, str, str, str, str]) -> pd.DataFrame:
    return pd.DataFrame(
        rows,
        columns=[
            "left_source_system",
            "left_source_record_id",
            "right_source_system",
            "right_source_record_id",
            "decision",
        ],
    )


def test_decisions_hold_in_the_pipelines_matching() -> None:
    before = _golden(match_parties("partner", _partners(), TRUST))
    assert before["ERP:P001"] == before["DMS:D-9"] == before["CRM:A-1"]
    assert before["ERP:P002"] != before["DMS:D-7"]
    decisions = _decisions(
        ("CRM", "A-1", "ERP", "P001", "not_a_match"),
        ("DMS", "D-7", "ERP", "P002", "merge"),
        ("ERP", "P404", "DMS", "D-9", "merge"),
    )
    result = match_parties("partner", _partners(), TRUST, decisions=decisions)
    after = _golden(result)
    # Apart even though DMS D-9 matches both of them.
    assert after["ERP:P001"] == after["DMS:D-9"] != after["CRM:A-1"]
    assert after["ERP:P002"] == after["DMS:D-7"]
    assert result.decisions_missing.to_dict("records") == [
        {"left_record_id": "ERP:P404", "right_record_id": "DMS:D-9", "decision": "merge"}
    ]
    decided = result.pairs[result.pairs["steward_decision"] != ""]
    assert set(decided["match_class"]) <= {"auto_merge", "no_match"}
    # Review rows name the records by source system, id and row.
    assert {"left_source_system", "left_record_id", "left_source_row", "key"} <= set(result.review.columns)
