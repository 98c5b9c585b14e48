"""Members of one household share an address and a landline, not a name: they stay apart."""

from __future__ import annotations

import numpy as np
import pandas as pd

from mdm.comparators import FrameColumns
from mdm.dedupe import deduplicate, standardise_for_spec
from mdm.households import HOUSEHOLD
from mdm.party_kind import mark_person_names
from mdm.spec import parse_spec

ZH_SPEC = parse_spec(
    {
        "record_id": "id",
        "entity": "person",
        "columns": {"person_name": "name", "phone": "phone", "address": "address", "birth_date": "birthday"},
    }
)
SURNAMES = "赵钱孙周吴郑冯陈褚卫蒋沈韩杨朱秦尤许何吕施孔曹严华金魏陶姜"
GIVEN = "子涵浩宇思远嘉怡梓轩雨桐一诺欣妍俊杰晨曦"


def _filler(n: int) -> list[tuple[str, str, str, str]]:
    """Other members, one record each, at homes of their own."""
    return [
        (
            SURNAMES[i % len(SURNAMES)] + GIVEN[(3 * i) % len(GIVEN)] + GIVEN[(7 * i + 1) % len(GIVEN)],
            f"139{i:08d}",
            f"上海市徐汇区漕溪北路{i + 100}号{i % 9 + 1}室",
            "",
        )
        for i in range(n)
    ]


def _zh_frame(rows: list[tuple[str, str, str, str]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows + _filler(60), columns=["name", "phone", "address", "birthday"])
    frame.insert(0, "id", [f"M{i:03d}" for i in range(len(frame))])
    return frame


HOME = "上海市浦东新区张杨路500号12栋301室"
LANDLINE = "021-58301234"


def test_a_family_at_one_home_is_several_members_and_each_member_written_twice_is_one():
    frame = _zh_frame(
        [
            ("王建国", LANDLINE, HOME, "1968-03-02"),
            ("李秀英", LANDLINE, HOME, ""),  # his wife: another family name
            ("王小明", LANDLINE, HOME, ""),  # their children share a generation character
            ("王小红", LANDLINE, HOME, ""),
            ("王建国", "(021)58301234", "浦东新区张杨路500号12栋301室", "1968/3/2"),  # he again
            ("王小明", "13812345678", HOME, ""),
            ("王晓明", LANDLINE, HOME, ""),  # the same son: a character of the same sound typed
        ]
    )
    result = deduplicate(frame, ZH_SPEC, progress=False)
    cluster = result.clusters.set_index("record_id")["cluster_id"]
    assert cluster["M000"] == cluster["M004"]
    assert cluster["M002"] == cluster["M005"] == cluster["M006"]
    members = [cluster[r] for r in ("M000", "M001", "M002", "M003")]
    assert len(set(members)) == 4, "a couple and their two children are four people"


def _levels(frame: pd.DataFrame, spec, pairs: list[tuple[int, int]]) -> list[str]:
    std = mark_person_names(standardise_for_spec(frame, spec).reset_index(drop=True), spec.entity)
    left, right = (np.array(side) for side in zip(*pairs, strict=True))
    codes = HOUSEHOLD.compute(FrameColumns(std), left, right)
    return ["unknown" if c == 0 else HOUSEHOLD.levels[c - 1].label for c in codes]


def test_what_only_one_person_has_speaks_for_one_person_at_a_shared_home():
    frame = pd.DataFrame(
        {
            "id": ["a", "b", "c", "d", "e", "f", "g"],
            "name": ["刘芳", "刘丽", "刘芳", "刘丽", "刘放", "陈静", "刘芳芳"],
            "phone": [LANDLINE, LANDLINE, "13911112222", "13911112222", LANDLINE, "", ""],
            "address": [HOME, HOME, HOME, HOME, HOME, "北京市朝阳区建国路1号", HOME],
            "birthday": ["", "", "1990-01-01", "1990-01-01", "", "", ""],
        }
    )
    assert _levels(frame, ZH_SPEC, [(0, 1), (2, 3), (0, 4), (0, 5), (0, 6)]) == [
        "household_members",  # 芳 and 丽 do not sound alike: two sisters at one home and landline
        "no_conflict",  # one mobile and one birth date: one person, a name written two ways
        "no_conflict",  # 芳 / 放: the same sound, a slip
        "unknown",  # no home in common: not this rule's to judge
        "household_members",  # a character more is another given name
    ]


def test_latin_names_of_a_couple_at_one_address_are_two_people_but_initials_are_one():
    spec = parse_spec(
        {
            "record_id": "id",
            "entity": "person",
            "country": "GB",
            "columns": {"person_name": "name", "address": "address", "email": "email"},
        }
    )
    frame = pd.DataFrame(
        {
            "id": ["a", "b", "c", "d", "e", "f"],
            "name": [
                "Hamish Vincent",
                "Ruth Vincent",
                "H. Vincent",
                "Hamish John Vincent",
                "Ruth Ryan",
                "Bob Ryan",
            ],
            "address": ["12 Mill Lane, Leeds"] * 6,
            "email": ["", "ruth@example.org", "", "", "ruth@example.org", ""],
        }
    )
    assert _levels(frame, spec, [(0, 1), (0, 2), (0, 3), (1, 4), (0, 5)]) == [
        "household_members",  # a couple
        "no_conflict",  # an initial
        "no_conflict",  # a middle name written out
        "no_conflict",  # a married name: her own e-mail says she is one person
        "household_members",  # nothing in common but the address
    ]


def test_a_record_showing_only_the_landline_meets_one_that_writes_the_mobile_first():
    """An ERP with a mobile and a landline column beside a CRM that kept the landline only."""
    spec = parse_spec(
        {
            "record_id": "id",
            "entity": "person",
            "columns": {"person_name": "name", "phone": ["mobile", "landline"]},
        }
    )
    rows = [
        ("刘德明", "13812345678", LANDLINE),
        ("刘德明", "", "(021)5830 1234"),  # the same man: the landline in common
        ("刘德明", "13987654321", "010-65001111"),  # a namesake in Beijing
        ("刘德芳", "", LANDLINE),  # his sister at home: one landline, two people
    ] + [(name, mobile, "") for name, mobile, _, _ in _filler(60)]
    frame = pd.DataFrame(rows, columns=["name", "mobile", "landline"])
    frame.insert(0, "id", [f"P{i:03d}" for i in range(len(frame))])
    result = deduplicate(frame, spec, progress=False)
    cluster = result.clusters.set_index("record_id")["cluster_id"]
    assert cluster["P000"] == cluster["P001"]
    assert cluster["P002"] != cluster["P000"]
    assert cluster["P003"] != cluster["P000"]
    pair = result.pairs[(result.pairs.left_record_id == "P000") & (result.pairs.right_record_id == "P001")]
    assert pair["contact_level"].tolist() == ["phone_exact"]
