from __future__ import annotations

import numpy as np
import pandas as pd

from mdm.comparators import FrameColumns
from mdm.dedupe import deduplicate
from mdm.spec import parse_spec
from mdm.term_frequency import (
    COLLISION,
    ONE_ENTITY_ODDS,
    records_per_entity,
    value_frequency,
    within_value_match_odds,
)

NAME_ONLY = parse_spec({"record_id": "id", "entity": "organisation", "columns": {"company_name": "name"}})


def test_a_rare_value_weighs_more_than_a_common_one():
    # TRADING alone, 20 times, and in 78 other names: a generic name many companies carry.
    names = ["RARE", "RARE"] + ["TRADING"] * 20 + [f"N{i} TRADING" for i in range(78)]
    u = value_frequency(FrameColumns(pd.DataFrame({"name_core": names})), "name_core")
    assert u[0] == COLLISION / 100  # held by one entity's two records: only a chance collision
    assert u[2] > 100 * u[0]
    assert np.isnan(value_frequency(FrameColumns(pd.DataFrame({"name_core": [None, "A"]})), "name_core")[0])


def test_one_entity_written_many_times_is_not_a_common_name():
    # AKZO NOBEL 40 times (no other name uses its words) against TRADING CO written by 40 companies.
    generic = [f"{w} TRADING" for w in ("ALPHA", "BETA", "GAMMA", "DELTA", "OMEGA")]
    frame = pd.DataFrame({"name_core": ["AKZO NOBEL"] * 40 + ["TRADING"] * 40 + generic + ["ACME", "ACME"]})
    u = value_frequency(FrameColumns(frame), "name_core")
    assert u[0] < u[40] / 5


def test_one_entity_written_many_ways_is_not_a_common_name():
    # PHILIPS 60 times plus its own misspellings, against JOHN SMITH among other Johns and Smiths.
    philips = ["ELECTRONICS KONINK PHILIPS"] * 60 + [
        "ELECTRONIC KONINK PHILIPS",
        "ELECTRONICS KONINK PHILLIPS",
        "ELECTRONICS KONINKLIKE PHILIPS",
        "ELECTRONICS KONINK PHILIPS V",
        "ELECTRONICS KONINK PHILIPS NV",
    ]
    smiths = ["JOHN SMITH"] * 60 + [f"{g} SMITH" for g in ("ANN", "PETER", "MARY", "PAUL", "JANE")]
    smiths += [f"JOHN {f}" for f in ("BROWN", "GREEN", "WHITE", "BLACK", "YOUNG")]
    frame = pd.DataFrame({"name_core": philips + smiths})
    u = value_frequency(FrameColumns(frame), "name_core")
    assert u[0] == COLLISION / len(frame)  # its own spellings are not other entities
    assert u[len(philips)] > 10 * u[0]  # other Smiths are other people


def test_records_per_entity_reads_the_multiplicity_of_repeated_values():
    assert records_per_entity(np.array([1, 1, 1])) == 1.0
    assert records_per_entity(np.array([1, 2, 2, 3, 2])) == np.quantile([2, 2, 3, 2], 0.9)
    assert records_per_entity(np.array([2, 500])) == 5.0  # capped


def test_a_birth_date_many_records_share_weighs_less_and_a_rare_one_no_more():
    from mdm.comparators import BIRTH_DATE, compare_pairs
    from mdm.model import default_parameters
    from mdm.term_frequency import tf_adjustments

    # A placeholder carried by 40 unrelated records against dates each held by one person's two records.
    dates = ["1980-01-01"] * 40 + [f"19{y:02d}-03-{d:02d}" for y in range(30, 60) for d in range(1, 21)] * 2
    cols = FrameColumns(pd.DataFrame({"birth_date": dates}))
    u = value_frequency(cols, "birth_date")
    assert u[40] == COLLISION / len(dates)  # one person's own records are not other people
    left, right = np.array([0, 40]), np.array([1, 640])
    assert dates[40] == dates[640]
    levels = compare_pairs(cols, left, right, (BIRTH_DATE,))
    params = default_parameters((BIRTH_DATE,))
    bits = tf_adjustments(cols, left, right, levels, params.u, (BIRTH_DATE,))[0]
    assert bits[0] < -3  # the placeholder agrees, but many strangers share it
    assert bits[1] == 0  # a date of one person weighs what exact agreement weighs


def test_a_city_shared_by_many_adds_little():
    frame = pd.DataFrame({"city": ["北京市"] * 50 + ["拉萨市"] * 2})
    u = value_frequency(FrameColumns(frame), "city")
    assert u[0] == 50 / 52 and u[50] == 2 / 52


def test_tiny_name_only_list_finds_its_eight_companies():
    """24 rows: 8 companies each written three times (twice identically, once with another legal form)."""
    names = [
        "深圳市华强电子有限公司",
        "广州市白云山医药贸易有限公司",
        "上海浦江机械设备有限公司",
        "北京中关村科技发展有限公司",
        "杭州西湖茶叶商贸有限公司",
        "成都天府餐饮管理有限公司",
        "武汉长江物流有限公司",
        "南京金陵酒店用品有限公司",
    ]
    rows = [n for name in names for n in (name, name, name.replace("有限公司", "有限责任公司"))]
    frame = pd.DataFrame({"id": [f"R{i:02d}" for i in range(24)], "name": rows})
    result = deduplicate(frame, NAME_ONLY, progress=False)
    clusters = result.clusters.set_index("record_id")["cluster_id"]
    assert clusters.nunique() == 8
    for k in range(8):
        assert clusters.iloc[3 * k : 3 * k + 3].nunique() == 1
    assert (result.pairs["match_class"] == "needs_review").sum() == 0


def test_name_only_list_merges_a_rare_name_but_not_a_generic_one():
    others = [f"{a}{b}贸易有限公司" for a in "甲乙丙丁戊己庚辛" for b in "子丑寅卯辰巳午未"]
    rows = ["深圳市曜晟光电有限公司", "深圳市曜晟光电有限公司"] + ["贸易有限公司"] * 12 + others
    frame = pd.DataFrame({"id": [f"R{i:03d}" for i in range(len(rows))], "name": rows})
    result = deduplicate(frame, NAME_ONLY, progress=False)
    clusters = result.clusters.set_index("record_id")["cluster_id"]
    assert clusters["R000"] == clusters["R001"]
    # 贸易有限公司 twelve times, its only word in 64 other names: nothing says it is one company.
    assert clusters[[f"R{i:03d}" for i in range(2, 14)]].nunique() == 12


def test_odds_within_a_value_read_how_many_of_its_records_other_entities_hold():
    # ACME written 150 times by one company, its word in three sister companies' names; TRADING 12
    # times, its word in 40 other names.
    rows = ["ACME"] * 150 + ["ACME LOGISTICS", "ACME BAKERY", "ACME MINING"]
    rows += ["TRADING"] * 12 + [f"N{i} TRADING" for i in range(40)] + ["ZORBO", "ZORBO"]
    odds = within_value_match_odds(FrameColumns(pd.DataFrame({"name_core": rows})), "name_core")
    assert odds[0] >= ONE_ENTITY_ODDS
    assert odds[153] < 1
    assert np.isinf(odds[-1])  # no other entity counted


def test_a_name_one_company_writes_many_times_merges_beside_its_sisters():
    rows = ["ACME"] * 150 + ["ACME LOGISTICS", "ACME BAKERY", "ACME MINING"]
    rows += ["TRADING"] * 12 + [f"N{i} TRADING" for i in range(40)]
    frame = pd.DataFrame({"id": [f"R{i:03d}" for i in range(len(rows))], "name": rows})
    result = deduplicate(frame, NAME_ONLY, progress=False)
    clusters = result.clusters.set_index("record_id")["cluster_id"]
    assert clusters.iloc[:150].nunique() == 1
    assert clusters.iloc[150:153].nunique() == 3 and clusters.iloc[0] not in set(clusters.iloc[150:153])
    # TRADING alone says nothing of which of many trading companies wrote it.
    assert clusters.iloc[153:165].nunique() == 12


def test_another_holder_of_a_names_rare_word_rarely_writes_its_other_words_too():
    # ASML NETHERLANDS written 40 times; three other applicants hold ASML, few names NETHERLANDS.
    # GLOBAL TRADING written 12 times; GLOBAL heads other firms' names, and most names hold TRADING.
    asml = ["ASML NETHERLANDS"] * 40 + ["ASML HOLLAND", "ASML US", "ASML MASKTOOLS"]
    asml += [f"{w} NETHERLANDS" for w in ("PHILIPS", "SHELL", "UNILEVER", "AKZO", "DSM")]
    generic = [f"GLOBAL TRADING {c}" for c in ("NORTH", "SOUTH", "EAST", "WEST", "EUROPE", "ASIA")]
    generic += [f"{w} GLOBAL TRADING" for w in ("ALPHA", "BETA", "GAMMA", "DELTA", "OMEGA", "SIGMA")]
    generic += [f"GLOBAL {w}" for w in ("FOODS", "METALS", "PAPER", "TEXTILES")]
    generic += [f"N{i} TRADING" for i in range(20)]
    rows = asml + ["GLOBAL TRADING"] * 12 + generic
    frame = pd.DataFrame({"id": [f"R{i:03d}" for i in range(len(rows))], "name": rows})
    odds = within_value_match_odds(FrameColumns(frame.rename(columns={"name": "name_core"})), "name_core")
    assert odds[0] >= ONE_ENTITY_ODDS
    assert odds[len(asml)] < ONE_ENTITY_ODDS
    clusters = deduplicate(frame, NAME_ONLY, progress=False).clusters["cluster_id"]
    assert clusters.iloc[:40].nunique() == 1
    assert clusters.iloc[len(asml) : len(asml) + 12].nunique() == 12


def test_a_rare_name_weighs_more_on_a_close_spelling_only_where_each_spells_the_other():
    # Two restaurant guides, most restaurants in both: SECOND STREET GRILLE / SECOND STREET GRILL is
    # one name misspelt; BIZOU / CAFE BIZOU a one-word name inside another (another business as often).
    rng = np.random.default_rng(3)
    letters = np.array(list("ABDEFGHKLMNOPRSTUVWZ"))
    names = sorted(
        {"".join(rng.choice(letters, 7)) + " " + "".join(rng.choice(letters, 6)) for _ in range(300)}
    )
    fillers = names + names
    rows = ["SECOND STREET GRILLE", "SECOND STREET GRILL", "BIZOU", "CAFE BIZOU"] + fillers
    frame = pd.DataFrame({"id": [f"R{i:03d}" for i in range(len(rows))], "name": rows})
    pairs = deduplicate(frame, NAME_ONLY, progress=False, pairs_min_probability=0.0).pairs.set_index(
        ["left_record_id", "right_record_id"]
    )
    spelt, inside = pairs.loc[("R000", "R001")], pairs.loc[("R002", "R003")]
    assert spelt["company_name_level"] == inside["company_name_level"] == "close"
    assert spelt["company_name_weight"] > inside["company_name_weight"] + 2


def test_a_registered_company_name_written_alike_is_one_company_on_a_name_only_list():
    """郑州市元佳副食品有限公司 written four times is one company (a name with its region is registered
    once), however common the file's own duplicates make it look; 品隆粮油有限公司 without a region may be
    registered in several cities and keeps its weight."""
    from benchmarks.bench_dedupe_accuracy import PARTNER_SPEC, load_generated, thinned
    from mdm.comparators import FrameColumns, registered_names
    from mdm.dedupe import standardise_for_spec

    records, _ = load_generated(3000, 20261126, "partner", "standard")
    spec = parse_spec(thinned(PARTNER_SPEC, "name"))
    pairs = deduplicate(records, spec, progress=False).pairs
    std = standardise_for_spec(records, spec).reset_index(drop=True)
    registered = pd.Series(registered_names(FrameColumns(std)), index=records["record_id"].astype(str))
    identical = pairs[pairs["company_name_l"] == pairs["company_name_r"]]
    on_record = registered.reindex(identical["left_record_id"].astype(str)).to_numpy()
    assert on_record.sum() > 1000
    assert (identical.loc[on_record, "match_class"] == "auto_merge").all()


def test_a_chains_shops_at_many_addresses_stay_apart_and_one_shop_written_twice_merges():
    """美宜佳便利店 at twenty-four addresses is a chain's shops, not one company written twenty-four times:
    no word of the name is held by another name, which on a list without sites (PATSTAT's applicants)
    makes a name many records write one entity's; here their addresses say otherwise."""
    from benchmarks.bench_dedupe_accuracy import load_generated

    records, _ = load_generated(400, 7, "partner", "standard")
    frame = records[["record_id", "partner_name", "address"]].rename(columns={"partner_name": "name"})
    roads = ["建安一路", "新湖路", "创业二路", "宝民一路", "前进二路", "公园路", "裕安一路", "西乡大道"]
    shops = [
        (f"MYJ-{i}-{k}", "美宜佳便利店", f"广东省深圳市宝安区{road}{number}号")
        for i, road in enumerate(roads)
        for k, number in enumerate((118 + 10 * i, 236 + 10 * i, 352 + 10 * i))
    ]
    shops.append(("MYJ-0-0-again", "美宜佳便利店", "深圳市宝安区建安一路118号"))
    frame = pd.concat(
        [frame, pd.DataFrame(shops, columns=["record_id", "name", "address"])], ignore_index=True
    )
    spec = parse_spec(
        {
            "record_id": "record_id",
            "entity": "organisation",
            "columns": {"company_name": "name", "address": "address"},
        }
    )
    clusters = deduplicate(frame, spec, progress=False).clusters.set_index("record_id")["cluster_id"]
    shops = clusters[clusters.index.str.startswith("MYJ-")].rename("cluster").to_frame()
    assert shops.loc["MYJ-0-0", "cluster"] == shops.loc["MYJ-0-0-again", "cluster"]
    shops["road"] = shops.index.str.split("-").str[1]
    # No cluster holds shops of two roads (two shops of one road, another number each, weigh as a number
    # mistyped would: on this small list they may merge).
    assert shops.groupby("cluster")["road"].nunique().max() == 1
