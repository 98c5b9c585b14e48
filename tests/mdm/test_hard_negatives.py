from __future__ import annotations

import numpy as np
import pandas as pd

from mdm.comparators import FrameColumns
from mdm.dedupe import deduplicate
from mdm.hard_negatives import DISTINCTIVE_WORDS
from mdm.spec import parse_spec

SPEC = parse_spec(
    {
        "record_id": "id",
        "entity": "organisation",
        "country": "GB",
        "columns": {"company_name": "name", "address": "address", "phone": "phone"},
    }
)
FILLER = [
    f"{a} {b}"
    for a in ("NORTHERN", "SOUTHERN", "EASTERN", "WESTERN", "CENTRAL", "COASTAL")
    for b in ("SERVICES", "PACKAGING", "LOGISTICS", "FOODS")
]


def _frame(rows: list[tuple[str, str, str]]) -> pd.DataFrame:
    rows = rows + [(name, f"{i + 10} Other Road", f"020 7946 {i:04d}") for i, name in enumerate(FILLER)]
    frame = pd.DataFrame(rows, columns=["name", "address", "phone"])
    frame.insert(0, "id", [f"R{i:02d}" for i in range(len(frame))])
    return frame


def test_sister_companies_at_one_address_are_not_merged_on_it():
    frame = _frame(
        [
            ("Ashcroft Services Ltd", "1 Mill Lane, Leeds", "0113 496 0000"),
            ("Ashcroft Packaging Ltd", "1 Mill Lane, Leeds", "0113 496 0000"),
            ("Ashcroft Services Limited", "1 Mill Lane, Leeds", "0113 496 0000"),
        ]
    )
    result = deduplicate(frame, SPEC, progress=False)
    cluster = result.clusters.set_index("record_id")["cluster_id"]
    assert cluster["R00"] == cluster["R02"]  # the same company, its legal form written out
    assert cluster["R01"] != cluster["R00"]  # Packaging is another business of the family
    pair = result.pairs[(result.pairs.left_record_id == "R00") & (result.pairs.right_record_id == "R01")]
    assert pair["distinctive_words_level"].tolist() in ([], ["different_business"])


def test_two_latin_names_with_no_word_in_common_at_one_place_are_two_businesses():
    """A hotel's restaurants share its address and switchboard; an acronym or a name written
    without its spaces is still the same business."""
    frame = _frame(
        [
            ("Golden Nugget Hotel", "129 Fremont Street", "0113 496 0000"),
            ("Lillie Langtrys", "129 Fremont Street", "0113 496 0000"),
            ("Golden Nugget Hotel", "129 Fremont St.", "0113 496 0000"),
            ("Ashcroft Plastics", "7 Dock Road", "0113 496 1111"),
            ("AP Ltd", "7 Dock Road", "0113 496 1111"),
            ("Steakhouse", "2 Bay Street", "0113 496 2222"),
            ("Steak House", "2 Bay Street", "0113 496 2222"),
        ]
    )
    from mdm.dedupe import standardise_for_spec

    std = standardise_for_spec(frame, SPEC)
    levels = DISTINCTIVE_WORDS.compute(FrameColumns(std), np.array([0, 0, 3, 5]), np.array([1, 2, 4, 6]))
    # One name written twice is not a question for this comparison.
    assert [DISTINCTIVE_WORDS.labels[c] for c in levels] == [
        "different_business",
        "unknown",
        "no_conflict",
        "no_conflict",
    ]
    cluster = deduplicate(frame, SPEC, progress=False).clusters.set_index("record_id")["cluster_id"]
    assert cluster["R00"] == cluster["R02"] and cluster["R00"] != cluster["R01"]


def test_latin_names_sharing_a_word_in_another_order_differ_by_their_distinctive_words():
    frame = _frame(
        [
            ("Cafe Ritz-Carlton Buckhead", "3434 Peachtree Road", "0113 496 0000"),
            ("Ritz-Carlton Dining Room (Buckhead)", "3434 Peachtree Road", "0113 496 0000"),
            ("Ritz-Carlton Buckhead Cafe", "3434 Peachtree Road", "0113 496 0000"),
            ("Cafe Roma", "1 High Street", "0113 496 3333"),
            ("Cafe Milano", "2 High Street", "0113 496 4444"),
            ("Dining Room at the Park", "3 High Street", "0113 496 5555"),
            ("Blue Dining Room", "4 High Street", "0113 496 6666"),
        ]
    )
    from mdm.dedupe import standardise_for_spec

    std = standardise_for_spec(frame, SPEC)
    levels = DISTINCTIVE_WORDS.compute(FrameColumns(std), np.array([0, 0]), np.array([1, 2]))
    # CAFE and DINING are words of the trade here (three names each use them), unlike each other.
    assert [DISTINCTIVE_WORDS.labels[c] for c in levels] == ["different_business", "no_conflict"]


def test_a_typo_or_a_rare_word_is_not_a_different_business():
    frame = _frame(
        [
            ("Ashcroft Services", "1 Mill Lane", "0113 496 0000"),
            ("Ashcroft Servces", "1 Mill Lane", "0113 496 0000"),  # typo
            ("Ashcroft Zyxwv", "1 Mill Lane", "0113 496 0000"),  # a word no other name uses
            ("Ashcroft Packaging", "9 Far Street", "0113 496 9999"),  # no shared address or phone
        ]
    )
    from mdm.dedupe import standardise_for_spec

    std = standardise_for_spec(frame, SPEC)
    levels = DISTINCTIVE_WORDS.compute(FrameColumns(std), np.array([0, 0, 0]), np.array([1, 2, 3]))
    assert [DISTINCTIVE_WORDS.labels[c] for c in levels] == ["no_conflict", "no_conflict", "unknown"]


def test_chinese_sister_companies_differ_after_the_trade_name():
    spec = parse_spec({"record_id": "id", "columns": {"company_name": "name", "phone": "phone"}})
    names = ["广州市财富桂烟酒店有限公司", "广州市财富桂生鲜超市有限公司", "广州市财富桂烟酒店有限责任公司"]
    filler = [
        f"广州市{a}{b}有限公司" for a in ("金源", "宏发", "通利") for b in ("烟酒店", "生鲜超市", "五金")
    ]
    frame = pd.DataFrame(
        {
            "id": [f"R{i:02d}" for i in range(len(names) + len(filler))],
            "name": names + filler,
            "phone": ["13712430407"] * 3 + [f"1390000{i:04d}" for i in range(len(filler))],
        }
    )
    result = deduplicate(frame, spec, progress=False)
    cluster = result.clusters.set_index("record_id")["cluster_id"]
    assert cluster["R00"] == cluster["R02"]
    assert cluster["R01"] != cluster["R00"]


CHINESE_SPEC = parse_spec(
    {"record_id": "id", "columns": {"company_name": "name", "phone": "phone", "address": "addr"}}
)


def _chinese_frame(rows: list[tuple[str, str, str]]) -> pd.DataFrame:
    filler = [
        (f"{a}{b}商贸有限公司", f"1390000{i:04d}", f"人民路{i + 1}号")
        for i, (a, b) in enumerate((a, b) for a in "甲乙丙丁戊己庚辛" for b in "子丑寅卯辰巳")
    ]
    frame = pd.DataFrame(rows + filler, columns=["name", "phone", "addr"])
    frame.insert(0, "id", [f"R{i:02d}" for i in range(len(frame))])
    return frame


def test_two_trade_names_with_nothing_in_common_at_one_place_are_two_businesses():
    frame = _chinese_frame(
        [
            ("广州市百麟博便利店有限公司", "13800138000", "北京路1234号"),
            ("广州市风心业良便利店有限公司", "13800138000", "北京路1234号"),  # the owner's other shop
            ("百麟博便利店(广州)有限公司", "13800138000", "北京路1234号"),  # the first one written again
        ]
    )
    clusters = deduplicate(frame, CHINESE_SPEC, progress=False).clusters.set_index("record_id")["cluster_id"]
    assert clusters["R00"] == clusters["R02"]
    assert clusters["R00"] != clusters["R01"]


def test_a_shared_credit_code_keeps_two_trade_names_from_being_called_two_businesses():
    from mdm.dedupe import standardise_for_spec

    spec = parse_spec(
        {"record_id": "id", "columns": {"company_name": "name", "phone": "phone", "uscc": "code"}}
    )
    frame = pd.DataFrame(
        {
            "id": ["1", "2", "3"],
            "name": ["深圳市华强商贸有限公司", "深圳市美达商贸有限公司", "深圳市美达商贸有限公司"],
            "phone": ["13800138000"] * 3,
            "code": ["91350100M000100Y43", "91350100M000100Y43", None],  # a company that changed its name
        }
    )
    cols = FrameColumns(standardise_for_spec(frame, spec))
    levels = DISTINCTIVE_WORDS.compute(cols, np.array([0, 0]), np.array([1, 2]))
    assert [DISTINCTIVE_WORDS.labels[c] for c in levels] == ["no_conflict", "different_business"]


def test_one_trade_name_with_two_industry_words_at_one_place_is_two_businesses():
    frame = _chinese_frame(
        [
            ("杭州市名翰越食品贸易有限公司", "13070360555", "府前路207号"),
            ("杭州市名翰越商贸有限公司", "13070360555", "府前路207号"),  # shares 贸 with the first
            ("名翰越食品贸易有限公司", "13070360555", "府前路207号"),  # the first written again
            ("杭州市名翰越贸易有限公司", "13070360555", "府前路207号"),  # the first cut short: not apart
        ]
    )
    result = deduplicate(frame, CHINESE_SPEC, progress=False)
    clusters = result.clusters.set_index("record_id")["cluster_id"]
    assert clusters["R00"] == clusters["R02"]
    assert clusters["R00"] != clusters["R01"]
    levels = result.pairs.set_index(["left_record_id", "right_record_id"])["distinctive_words_level"]
    assert levels.get(("R00", "R01"), "different_business") == "different_business"
    assert levels.get(("R00", "R03")) == "no_conflict"


def test_a_chains_stores_are_one_store_each_and_never_one_another():
    """美宜佳(福田店) and 美宜佳(南山店) share the brand and its hotline; each store is a branch of its own."""
    places = ["福田", "南山", "车公庙", "华强北", "科技园", "龙华"]
    rows = []
    for i, place in enumerate(places):
        address = f"深圳市福田区{place}路{10 + i}号"
        rows.append((f"S{2 * i:02d}", f"美宜佳便利店（{place}店）", "4008-123-456", address))
        rows.append((f"S{2 * i + 1:02d}", f"美宜佳({place}店)", "4008-123-456", address))
        rows.append(
            (f"T{i:02d}", f"美宜佳({place}店)", "4008-123-456", "")
        )  # a thin record: the hotline only
    rows += [
        (f"F{i:02d}", f"深圳市{trade}商贸有限公司", f"1380013{i:04d}", f"深圳市罗湖区东门路{i + 1}号")
        for i, trade in enumerate(
            ["华强", "鑫源", "泰隆", "昌恒", "达宏", "伟荣", "祥瑞", "盛兴", "恒丰", "邦瑞"]
        )
    ]
    frame = pd.DataFrame(rows, columns=["id", "name", "phone", "address"])
    spec = parse_spec(
        {
            "record_id": "id",
            "entity": "organisation",
            "columns": {"company_name": "name", "phone": "phone", "address": "address"},
        }
    )
    cluster = deduplicate(frame, spec, progress=False).clusters.set_index("record_id")["cluster_id"]
    stores = [cluster[f"S{2 * i:02d}"] for i in range(len(places))]
    assert len(set(stores)) == len(places)
    thin = [cluster[f"T{i:02d}"] for i in range(len(places))]
    assert len(set(thin)) == len(places), "a store's name, not the brand's hotline, says which store it is"
    assert all(cluster[f"S{2 * i:02d}"] == cluster[f"S{2 * i + 1:02d}"] for i in range(len(places)))
