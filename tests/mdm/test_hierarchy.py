"""The partner hierarchy (:mod:`mdm.hierarchy`): a branch's head office from its source's parent code, or
else by name; what a steward is told about a branch left unlinked; 二批 dealers and their supplier."""

from __future__ import annotations

import pandas as pd

from mdm.hierarchy import LINK_BY_NAME, LINK_BY_SOURCE_CODE, count_hierarchy, link_branches_to_head_offices
from mdm.parties import match_parties


def _golden(rows: list[tuple]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["golden_id", "partner_name", "city", "parent_golden_id"])
    return frame.assign(province=None)


def _links(golden: pd.DataFrame) -> dict[str, tuple[str, str]]:
    result = link_branches_to_head_offices(golden)
    return {
        gid: (parent, how)
        for gid, parent, how in zip(
            golden["golden_id"], result.parent_golden_id, result.parent_link, strict=True
        )
        if not pd.isna(parent)
    }


def test_a_branch_without_a_parent_code_finds_its_head_office_by_name():
    golden = _golden(
        [
            ("P1", "深圳市华强商贸有限公司", "深圳市", None),
            ("P2", "深圳市华强商贸有限公司杭州分公司", "杭州市", None),
            ("P3", "深圳市华强电子有限公司", "深圳市", None),
        ]
    )
    assert _links(golden) == {"P2": ("P1", LINK_BY_NAME)}


def test_a_branch_written_in_english_finds_its_head_office_by_name():
    golden = _golden(
        [
            ("P1", "Huaxin Trading Co., Ltd.", "上海市", None),
            ("P2", "Huaxin Trading Co., Ltd. Shanghai Branch", "上海市", None),
            ("P3", "Huaxin Electronics Co., Ltd.", "上海市", None),
            ("P4", "Delta Electronics (Shanghai) Co., Ltd.", "上海市", None),
            ("P5", "Delta Electronics (Shanghai) Co., Ltd. Beijing Representative Office", "北京市", None),
        ]
    )
    assert _links(golden) == {"P2": ("P1", LINK_BY_NAME), "P5": ("P4", LINK_BY_NAME)}


def test_a_parent_code_from_the_source_is_kept_and_said_so():
    golden = _golden(
        [
            ("P1", "深圳市华强商贸有限公司", "深圳市", None),
            ("P2", "深圳市华强商贸有限公司杭州分公司", "杭州市", "P9"),
            ("P9", "华强控股有限公司", "深圳市", None),
        ]
    )
    assert _links(golden) == {"P2": ("P9", LINK_BY_SOURCE_CODE)}


def test_the_head_office_in_the_branch_names_region_wins_over_a_namesake_elsewhere():
    golden = _golden(
        [
            ("P1", "上海华强商贸有限公司", "上海市", None),
            ("P2", "深圳华强商贸有限公司", "深圳市", None),
            ("P3", "深圳市华强商贸有限公司宁波分公司", "宁波市", None),
        ]
    )
    assert _links(golden) == {"P3": ("P2", LINK_BY_NAME)}


def test_a_head_office_whose_name_has_no_region_is_placed_by_its_city():
    branch = ("P2", "北京市青腾供应链管理有限责任公司上海分公司", "上海市", None)
    in_beijing = _golden([("P1", "青腾供应链管理有限责任公司", "北京市", None), branch])
    assert _links(in_beijing) == {"P2": ("P1", LINK_BY_NAME)}

    in_guangzhou = _golden([("P1", "青腾供应链管理有限责任公司", "广州市", None), branch])
    result = link_branches_to_head_offices(in_guangzhou)
    assert result.parent_golden_id.isna().all()
    assert result.unlinked_branches[["golden_id", "reason_code", "candidate_golden_ids"]].to_dict(
        "records"
    ) == [{"golden_id": "P2", "reason_code": "region_mismatch", "candidate_golden_ids": "P1"}]


def test_two_possible_head_offices_leave_the_branch_for_a_steward():
    golden = _golden(
        [
            ("P1", "上海华强商贸有限公司", "上海市", None),
            ("P2", "深圳华强商贸有限公司", "深圳市", None),
            ("P3", "华强商贸有限公司宁波分公司", "宁波市", None),
        ]
    )
    result = link_branches_to_head_offices(golden)
    assert result.parent_golden_id.isna().all()
    unlinked = result.unlinked_branches.iloc[0]
    assert (unlinked["golden_id"], unlinked["reason_code"]) == ("P3", "ambiguous")
    assert unlinked["candidate_golden_ids"] == "P1, P2"
    assert unlinked["reason"] == (
        "2 golden partners could be the head office 华强商贸有限公司: decide which one "
        "(or merge them if they are the same company)"
    )


def test_a_different_legal_form_is_a_different_company():
    golden = _golden(
        [
            ("P1", "深圳市华强商贸股份有限公司", "深圳市", None),
            ("P2", "深圳市华强商贸有限公司杭州分公司", "杭州市", None),
        ]
    )
    result = link_branches_to_head_offices(golden)
    assert result.parent_golden_id.isna().all()
    assert result.unlinked_branches.to_dict("records") == [
        {
            "golden_id": "P2",
            "partner_name": "深圳市华强商贸有限公司杭州分公司",
            "reason_code": "no_head_office",
            "reason": "no golden partner is named like the head office 深圳华强商贸有限公司: the head office is "
            "in no source, or its name is written differently there",
            "candidate_golden_ids": "",
        }
    ]


def test_a_branch_is_never_its_own_or_another_branchs_head_office():
    golden = _golden(
        [
            ("P1", "深圳市华强商贸有限公司杭州分公司", "杭州市", None),
            ("P2", "深圳市华强商贸有限公司宁波分公司", "宁波市", None),
        ]
    )
    result = link_branches_to_head_offices(golden)
    assert result.parent_golden_id.isna().all()
    assert result.unlinked_branches["reason_code"].tolist() == ["no_head_office", "no_head_office"]


def _partner_records() -> pd.DataFrame:
    rows = [
        # ERP holds the head office and a distributor; DMS holds the branch (without the head office) and a
        # 二批 dealer whose supplier is the DMS copy of the distributor.
        ("ERP", "E1", "深圳市华强商贸有限公司", "914403001922038216", "1", "", ""),
        ("ERP", "E2", "成都通利食品有限公司", "91440300708461136T", "1", "", ""),
        ("DMS", "D1", "深圳市华强商贸有限公司杭州分公司", "", "1", "", ""),
        ("DMS", "D2", "成都通利食品有限公司", "91440300708461136T", "1", "", ""),
        ("DMS", "D3", "绵阳百顺副食经营部", "", "2", "", "D2"),
        ("DMS", "D4", "德阳金利副食店", "", "2", "", "D99"),
    ]
    frame = pd.DataFrame(
        rows,
        columns=[
            "source_system",
            "source_record_id",
            "partner_name",
            "uscc",
            "channel_tier",
            "parent_record_id",
            "supplier_record_id",
        ],
    )
    return frame.assign(
        source_row=range(2, 2 + len(frame)),
        source_file="x.xlsx",
        sales_region="华南",
        phone="",
        address="",
        province="",
        city="",
        district="",
        email="",
    )


def test_matching_records_each_branchs_head_office_and_each_dealers_supplier():
    result = match_parties("partner", _partner_records(), {"ERP": 1, "DMS": 2})
    golden = result.golden.golden
    crosswalk = result.golden.crosswalk.set_index(["source_system", "source_record_id"])["golden_id"]
    by_id = golden.set_index("golden_id")

    branch = by_id.loc[crosswalk[("DMS", "D1")]]
    assert (branch["parent_golden_id"], branch["parent_link"]) == (crosswalk[("ERP", "E1")], LINK_BY_NAME)
    distributor = crosswalk[("ERP", "E2")]
    assert crosswalk[("DMS", "D2")] == distributor
    assert by_id.loc[crosswalk[("DMS", "D3")], "supplier_golden_id"] == distributor
    assert pd.isna(by_id.loc[crosswalk[("DMS", "D4")], "supplier_golden_id"])  # D99 is in no source
    assert result.unlinked_branches.empty
    assert count_hierarchy(golden, result.unlinked_branches) == {
        "head_office_by_source_code": 0,
        "head_office_by_name": 1,
        "branches_unlinked": 0,
        "tier2_dealers": 2,
        "tier2_dealers_with_supplier": 1,
        "tier2_dealers_without_supplier": 1,
    }


def test_the_two_spellings_of_one_legal_form_are_the_same_company():
    golden = _golden(
        [
            ("P1", "深圳市华强商贸有限公司", "深圳市", None),
            ("P2", "深圳市华强商贸有限责任公司杭州分公司", "杭州市", None),
        ]
    )
    assert _links(golden) == {"P2": ("P1", LINK_BY_NAME)}


def test_a_shop_word_after_a_company_name_is_a_branch_but_alone_it_is_a_business():
    golden = _golden(
        [
            ("P1", "深圳市华强商贸有限公司", "深圳市", None),
            ("P2", "深圳市华强商贸有限公司杭州经营部", "杭州市", None),
            ("P3", "华强副食经营部", "杭州市", None),
            ("P4", "华强副食有限公司", "杭州市", None),
        ]
    )
    result = link_branches_to_head_offices(golden)
    assert _links(golden) == {"P2": ("P1", LINK_BY_NAME)}
    assert result.unlinked_branches.empty


def test_a_branch_name_without_a_legal_form_is_too_little_to_link():
    golden = _golden([("P1", "安洁", "兰州市", None), ("P2", "安洁济南分公司", "济南市", None)])
    result = link_branches_to_head_offices(golden)
    assert result.parent_golden_id.isna().all()
    unlinked = result.unlinked_branches.iloc[0]
    assert (unlinked["reason_code"], unlinked["candidate_golden_ids"]) == ("no_legal_form", "P1")
