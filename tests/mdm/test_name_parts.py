from __future__ import annotations

import numpy as np
import pandas as pd

from mdm.comparators import FrameColumns
from mdm.dedupe import deduplicate, standardise_for_spec
from mdm.name_parts import shared_part_chance, words_agree
from mdm.spec import parse_spec

NAMES_ONLY = parse_spec(
    {
        "record_id": "id",
        "entity": "person",
        "columns": {"given_name": "given", "family_name": "family"},
    }
)
COMMON_GIVEN = ["JOHN", "MARY", "PETER", "ANNE", "JAMES", "SARAH", "DAVID", "EMMA"]
COMMON_FAMILY = ["SMITH", "JONES", "BROWN", "TAYLOR", "WILSON", "DAVIES", "EVANS", "THOMAS"]


def _made_up_names(n: int, endings: tuple[str, ...]) -> list[str]:
    starts = ("AL", "BO", "CA", "DE", "EL", "FI", "GU", "HA")
    return [s + e for e in endings for s in starts][:n]


def _people(extra: list[tuple[str, str]], size: int = 8) -> pd.DataFrame:
    """``size`` × ``size`` people of common given and family names, each written once, then ``extra``."""
    given = COMMON_GIVEN if size == 8 else _made_up_names(size, ("RON", "TINA", "VEN", "MARA", "SONIA"))
    family = (
        COMMON_FAMILY if size == 8 else _made_up_names(size, ("WOOD", "FIELD", "STONE", "BRIDGE", "WELL"))
    )
    rows = [(g, f) for g in given for f in family] + extra
    return pd.DataFrame(
        {
            "id": [f"R{i:03d}" for i in range(len(rows))],
            "given": [g for g, _ in rows],
            "family": [f for _, f in rows],
        }
    )


def _columns(frame: pd.DataFrame) -> FrameColumns:
    std = pd.DataFrame(
        {
            "given_name": frame["given"],
            "family_name": frame["family"],
            "person_name": frame["given"] + " " + frame["family"],
        }
    )
    return FrameColumns(std)


def test_a_name_of_rare_parts_is_less_likely_shared_by_chance_than_one_of_common_parts():
    frame = _people([("ZACHARY", "FITZGERALD"), ("ZACHARY", "FITZGERALD"), ("JOHN", "SMITH")])
    cols = _columns(frame)
    n = len(frame)
    chance = shared_part_chance(cols, np.array([64, 0]), np.array([65, 66]))
    # Names here are written twice at most: one person's two records. ZACHARY and FITZGERALD are held
    # by that person alone, so by one other record at most (the other of the pair, were they two).
    assert chance[0] == (1 / n) * (1 / n)
    assert chance[1] == (7 / n) * (7 / n)  # JOHN and SMITH: nine records each, two of them one person's


def test_the_chance_counts_only_the_parts_both_records_share():
    frame = _people([("ZACHARY", "FITZGERALD"), ("ROBERT", "FITZGERALD"), ("FITZGERALD", "ZACHARY")])
    cols = _columns(frame)
    n = len(frame)
    one_part, swapped, none = shared_part_chance(cols, np.array([64, 64, 64]), np.array([65, 66, 0]))
    # FITZGERALD, held by two records as a family name and nothing written twice: one person's records
    # are one, so one other record holds it.
    assert one_part == 1 / n
    # A given name written as the family name is still shared, as common as its more common role.
    assert swapped == (1 / n) * (1 / n)
    assert np.isnan(none)  # ZACHARY FITZGERALD and JOHN SMITH share nothing


COMMON_CHINESE_GIVEN = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊"]
COMMON_CHINESE_FAMILY = ["王", "李", "张", "刘", "陈", "杨", "黄", "赵"]


def _chinese_people(extra: list[str]) -> pd.DataFrame:
    """64 people of common family and given names in one column, each written once, then ``extra``."""
    names = [f + g for f in COMMON_CHINESE_FAMILY for g in COMMON_CHINESE_GIVEN] + extra
    return pd.DataFrame({"id": [f"R{i:03d}" for i in range(len(names))], "name": names})


NAME_COLUMN_ONLY = parse_spec({"record_id": "id", "entity": "person", "columns": {"person_name": "name"}})


def test_a_chinese_name_in_one_column_is_weighed_by_its_family_and_given_name():
    frame = _chinese_people(["王嘉敏", "王嘉敏", "欧阳明华", "欧阳明华", "王伟"])
    cols = FrameColumns(standardise_for_spec(frame, NAME_COLUMN_ONLY))
    n = len(frame)
    rare, compound, common = shared_part_chance(cols, np.array([64, 66, 0]), np.array([65, 67, 68]))
    # Names here are written twice at most: one person's two records. 嘉敏 is held by that person
    # alone, so by one other record at most; 王 by eleven records, two of them one person's.
    assert rare == (1 / n) * ((11 - 2) / n)
    # 欧阳 is one family name, not 欧 and 阳明华.
    assert compound == (1 / n) * (1 / n)
    # 王伟 twice: 伟 and 王 are each in many names, so another person is far likelier to hold it.
    assert common == ((11 - 2) / n) * ((9 - 2) / n)
    assert common > 5 * rare


def test_a_chinese_names_only_list_merges_a_rare_name_but_not_a_common_one():
    frame = _chinese_people(["谢嘉敏", "谢嘉敏"])
    frame = pd.concat([frame, frame.iloc[:64].assign(id=lambda f: "S" + f["id"].str[1:])], ignore_index=True)
    clusters = deduplicate(frame, NAME_COLUMN_ONLY, progress=False).clusters.set_index("record_id")[
        "cluster_id"
    ]
    assert clusters["R064"] == clusters["R065"]
    # 王伟 twice, among many 王 and many 伟: two people as likely as one.
    assert clusters["R000"] != clusters["S000"]


def _clusters(frame: pd.DataFrame, spec=NAMES_ONLY) -> pd.Series:
    return deduplicate(frame, spec, progress=False).clusters.set_index("record_id")["cluster_id"]


def test_a_names_only_list_merges_a_rare_name_but_not_a_common_one():
    frame = _people([("ZACHARY", "FITZGERALD"), ("ZACHARY", "FITZGERALD")])
    frame = pd.concat([frame, frame.iloc[:64].assign(id=lambda f: "S" + f["id"].str[1:])], ignore_index=True)
    clusters = _clusters(frame)
    assert clusters["R064"] == clusters["R065"]
    # JOHN SMITH twice, among many Johns and Smiths: two people as likely as one.
    assert clusters["R000"] != clusters["S000"]


def test_a_rare_name_adds_nothing_beyond_its_level_where_the_birth_date_disagrees():
    # Sixty-four people each written twice with their birthday, and two rare names twice each.
    common = _people([])
    common["born"] = [f"19{50 + i % 40}-{1 + i % 12:02d}-{1 + i % 28:02d}" for i in range(64)]
    rare = pd.DataFrame(
        {
            "given": ["ZACHARY", "ZACHARY", "XAVIER", "XAVIER"],
            "family": ["FITZGERALD", "FITZGERALD", "MCGILLICUDDY", "MCGILLICUDDY"],
            "born": ["1970-05-05", "1970-05-05", "1980-06-06", "2001-12-25"],  # the second XAVIER: another
        }
    )
    frame = pd.concat([common, common, rare], ignore_index=True)
    frame["id"] = [f"R{i:03d}" for i in range(len(frame))]
    spec = parse_spec(
        {
            "record_id": "id",
            "entity": "person",
            "columns": {"given_name": "given", "family_name": "family", "birth_date": "born"},
        }
    )
    pairs = deduplicate(frame, spec, progress=False, pairs_min_probability=0.0).pairs
    pairs = pairs.set_index(["left_record_id", "right_record_id"])

    def name_weight(a: str, b: str) -> float:
        return float(
            (pairs.loc[(a, b)] if (a, b) in pairs.index else pairs.loc[(b, a)])["person_name_weight"]
        )

    # Both names are as rare; two people of one rare name differ elsewhere.
    assert name_weight("R130", "R131") < name_weight("R128", "R129") - 2
    row = pairs.loc[("R130", "R131")] if ("R130", "R131") in pairs.index else pairs.loc[("R131", "R130")]
    assert row["match_class"] == "no_match"


def test_one_rare_family_name_at_one_address_says_more_than_one_common_family_name():
    frame = _people([("ZACHARY", "FITZGERALD"), ("ROBERT", "FITZGERALD"), ("ROBERT", "SMITH")])
    frame["postcode"] = "2600"
    spec = parse_spec(
        {
            "record_id": "id",
            "entity": "person",
            "columns": {"given_name": "given", "family_name": "family", "postcode": "postcode"},
        }
    )
    pairs = deduplicate(frame, spec, progress=False, pairs_min_probability=0.0).pairs
    pairs = pairs.set_index(["left_record_id", "right_record_id"])

    def weight(a: str, b: str) -> float:
        row = pairs.loc[(a, b)] if (a, b) in pairs.index else pairs.loc[(b, a)]
        assert row["person_name_level"] == "one_part_same"
        return float(row["person_name_weight"])

    assert weight("R064", "R065") > weight("R000", "R066") + 2  # FITZGERALD against SMITH


def test_em_does_not_learn_a_person_names_m_from_the_name_alone():
    frame = _people([("ZACHARY", "FITZGERALD"), ("ZACHARY", "FITZGERALD")])
    result = deduplicate(frame, NAMES_ONLY, progress=False)
    defaults = deduplicate(frame, NAMES_ONLY, progress=False, train=False).model_params
    assert result.model_params.m["person_name"] == defaults.m["person_name"]


def test_a_misspelt_part_is_not_a_replaced_one():
    frame = _people([("OLIVER", "HUGHES"), ("OLIVER", "HGUEHES"), ("OLIVER", "WATSON")])
    cols = _columns(frame)
    misspelt, replaced = shared_part_chance(cols, np.array([64, 64]), np.array([65, 66]))
    assert np.isnan(misspelt)  # the level says how alike the names are, not OLIVER's frequency
    assert replaced == 2 / len(frame)  # OLIVER in three records, one person's left out


def test_a_name_part_given_alone_is_as_common_as_that_part():
    frame = _people([("", "FITZGERALD"), ("", "FITZGERALD")])
    frame["given"] = frame["given"].replace("", None)
    std = pd.DataFrame(
        {
            "given_name": frame["given"],
            "family_name": frame["family"],
            "person_name": frame["given"].fillna("").str.cat(frame["family"], sep=" ").str.strip(),
        }
    )
    chance = shared_part_chance(FrameColumns(std), np.array([64]), np.array([65]))
    assert chance[0] == 1 / len(frame)  # FITZGERALD alone, twice: one person's, or one other's


def test_latin_names_in_one_column_agree_through_an_initial_a_nickname_or_a_slip():
    assert words_agree("J SMITH", "JOHN SMITH")
    assert words_agree("BOB JONES", "JONES ROBERT")
    assert words_agree("KATE O'NEIL", "KATHERINE ONEIL")
    assert not words_agree("MARY SMITH", "JOHN SMITH")  # another given name
    assert not words_agree("JOHN SMITH", "JOHN A SMITH")  # a word more: compared as a part missing
    assert not words_agree("JOHN SMITH", "JON SMYTH")  # no word in common
