from __future__ import annotations

import numpy as np
import pandas as pd

from mdm.dedupe import deduplicate
from mdm.spec import parse_spec
from sample_data.generate import generate_party_data

SPEC = parse_spec({"record_id": "id", "columns": {"company_name": "name"}})


def _partners(make_frame, make_company):
    rows = [
        make_company(
            "华强", uscc="914403001922038216", phone_e164="+8613812345678", address_detail="深南大道1号"
        ),
        make_company("华强", phone_e164="+8613812345678", address_detail="深南大道1号"),
        make_company("华强", region=None, uscc="914403001922038216"),
        make_company("华强", region="上海", city="上海市", phone_e164="+8613812345678"),
        make_company("华强", branch_region="杭州", phone_e164="+8613812345678", address_detail="深南大道1号"),
        make_company("美达", industry="电器", uscc="91440300708461136T", phone_e164="+8613900000000"),
        make_company("美达", industry="电器", uscc="91110108551385082Q", phone_e164="+8613900000000"),
    ]
    # Unrelated companies give EM and the random-pair u something to learn from.
    rows += [make_company(t, industry=i) for t in ("通利", "久安", "宏发", "金源") for i in ("五金", "食品")]
    return make_frame(rows)


def test_deduplicate_merges_true_duplicates_and_keeps_hard_negatives_apart(make_frame, make_company):
    result = deduplicate(_partners(make_frame, make_company), SPEC, progress=False)
    cluster = result.clusters.set_index("record_id")["cluster_id"]
    assert cluster["R001"] == cluster["R000"] == cluster["R002"] == "R000"
    assert cluster["R003"] == "R003"  # 上海华强 shares the phone but is another company
    assert cluster["R004"] == "R004"  # the 杭州 branch is not its head office
    assert cluster["R006"] == "R006"  # two different valid USCCs
    assert result.clusters["record_id"].tolist() == [f"R{i:03d}" for i in range(15)]
    assert set(result.timings) >= {"block", "compare", "train", "score", "cluster"}
    assert {"uscc", "phone", "name_tokens"} <= set(result.blocking_report["rule"])


def test_pairs_carry_scores_classes_and_explanations(make_frame, make_company):
    result = deduplicate(_partners(make_frame, make_company), SPEC, progress=False)
    pairs = result.pairs
    assert {"left_record_id", "right_record_id", "match_probability", "match_class", "uscc_level"} <= set(
        pairs
    )
    merged = pairs[(pairs["left_record_id"] == "R000") & (pairs["right_record_id"] == "R001")].iloc[0]
    assert merged["match_class"] == "auto_merge" and merged["same_cluster"]
    apart = pairs[(pairs["left_record_id"] == "R005") & (pairs["right_record_id"] == "R006")]
    assert apart.empty or apart.iloc[0]["match_class"] != "auto_merge"


def test_a_trained_model_can_be_reused_unchanged(make_frame, make_company):
    frame = _partners(make_frame, make_company)
    first = deduplicate(frame, SPEC, progress=False)
    again = deduplicate(frame, SPEC, progress=False, params=first.model_params, train=False)
    pd.testing.assert_frame_equal(first.clusters, again.clusters)


def test_steward_labels_are_folded_in(make_frame, make_company):
    labels = pd.DataFrame({"left_record_id": ["R000"], "right_record_id": ["R003"], "is_match": ["no"]})
    result = deduplicate(_partners(make_frame, make_company), SPEC, progress=False, labels=labels)
    assert result.model_params.trained_on["labelled_pairs"] == 1


def test_a_name_only_list_matches_an_english_rendering_and_not_its_namesake_in_another_city():
    records = pd.DataFrame(
        {
            "id": [str(i) for i in range(8)],
            "name": [
                "深圳联婷庆食品贸易有限责任公司",
                "Shenzhen Liantingqing Food Trading Co., Ltd.",
                "Shanghai Liantingqing Food Trading Co., Ltd.",
                "上海市华强商贸有限公司",
                "北京市东方百货有限公司",
                "Hangzhou Penglin Commercial Co., Ltd.",
                "广州市阜兴迈酒业有限公司",
                "成都市宏达饮品有限公司",
            ],
        }
    )
    spec = parse_spec({"record_id": "id", "entity": "organisation", "columns": {"company_name": "name"}})
    pairs = deduplicate(records, spec, progress=False, train=False, pairs_min_probability=0.0).pairs
    found = {(p.left_record_id, p.right_record_id): p for p in pairs.itertuples()}
    same = found.get(("0", "1")) or found[("1", "0")]
    other_city = found.get(("0", "2")) or found[("2", "0")]
    assert same.company_name_level == "same_pinyin_and_industry"
    assert same.match_class != "no_match"
    assert other_city.match_class == "no_match"


def test_pairs_scored_a_chunk_at_a_time_match_those_scored_at_once(make_frame, make_company, monkeypatch):
    import mdm.dedupe

    frame = _partners(make_frame, make_company)
    at_once = deduplicate(frame, SPEC, progress=False)
    monkeypatch.setattr(mdm.dedupe, "_CHUNK", 3)
    in_chunks = deduplicate(frame, SPEC, progress=False)
    assert at_once.candidate_pairs > 3
    pd.testing.assert_frame_equal(at_once.clusters, in_chunks.clusters)
    pd.testing.assert_frame_equal(at_once.pairs, in_chunks.pairs)


def test_pairs_compared_in_forked_processes_match_those_compared_in_one(
    make_frame, make_company, monkeypatch
):
    """A large file's pairs are compared in one range per core after the first few: the levels, and so
    every score and cluster, are those of one process."""
    import mdm.dedupe

    frame = _partners(make_frame, make_company)
    in_one = deduplicate(frame, SPEC, progress=False)
    monkeypatch.setattr(mdm.dedupe, "PARALLEL_MIN_PAIRS", 4)
    monkeypatch.setattr(mdm.dedupe, "_WARM_UP_PAIRS", 3)
    monkeypatch.setattr(mdm.dedupe, "_CHUNK", 5)
    forked = deduplicate(frame, SPEC, progress=False)
    assert in_one.candidate_pairs > 3 + 4
    pd.testing.assert_frame_equal(in_one.clusters, forked.clusters)
    pd.testing.assert_frame_equal(in_one.pairs, forked.pairs)


def test_a_list_of_person_names_alone_lists_no_pair_of_identical_names_for_review():
    """Two rows 刘波 and nothing else: a steward sees what the model saw and cannot tell a duplicate from
    a namesake, so such pairs are merged where the model is sure and otherwise left apart, not listed."""
    rng = np.random.default_rng(4)
    chars = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平"
    pool = [f"{f}{g}" for f in "王李张刘陈杨黄赵" for g in chars]
    pool += [f"{f}{a}{b}" for f in "王李张刘" for a in chars[:10] for b in chars[10:]]
    people = list(rng.choice(pool, 300))  # namesakes among them
    names = people + people[:100]  # and a third of them written twice
    frame = pd.DataFrame({"id": [f"C{i:03d}" for i in range(len(names))], "name": names})
    spec = parse_spec({"record_id": "id", "entity": "person", "columns": {"person_name": "name"}})
    pairs = deduplicate(frame, spec, progress=False).pairs
    identical = pairs["person_name_l"] == pairs["person_name_r"]
    assert identical.sum() >= 100  # the pairs are scored and shown in the pairs output …
    assert not (identical & (pairs["match_class"] == "needs_review")).any()  # … but none is for review


def test_a_phone_number_many_names_write_merges_no_namesakes():
    """13800000000 is what a clerk types when the customer gives no number: records of different
    people written with it share nothing, and two namesakes among them are not one person."""
    rng = np.random.default_rng(1)
    family, given = "王李张刘陈杨黄赵吴周", "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平"
    names = [
        f"{rng.choice(list(family))}{rng.choice(list(given))}{rng.choice(list(given))}" for _ in range(300)
    ]
    names[10] = names[20] = "王建国"  # namesakes, both written with the placeholder
    phones = [f"139{i:08d}" if i % 4 else "13800000000" for i in range(300)]
    phones[10] = phones[20] = "13800000000"
    frame = pd.DataFrame({"id": [f"C{i:03d}" for i in range(300)], "name": names, "phone": phones})
    spec = parse_spec(
        {"record_id": "id", "entity": "person", "columns": {"person_name": "name", "phone": "phone"}}
    )
    result = deduplicate(frame, spec, progress=False)
    cluster = result.clusters.set_index("record_id")["cluster_id"]
    assert cluster["C010"] != cluster["C020"]
    pairs = result.pairs
    placeholder = pairs[(pairs["contact_l"] == "+8613800000000") & (pairs["contact_r"] == "+8613800000000")]
    assert set(placeholder["contact_level"]) == {"shared_contact"}
    assert (placeholder["match_class"] != "auto_merge").all()


def test_an_email_address_many_names_write_weighs_nothing():
    """123456@qq.com given for a quarter of the customers says nothing of who a record is; one
    customer's own address still does."""
    rng = np.random.default_rng(2)
    family, given = "王李张刘陈杨黄赵吴周", "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平"
    names = [
        f"{rng.choice(list(family))}{rng.choice(list(given))}{rng.choice(list(given))}" for _ in range(200)
    ]
    names[10] = names[20] = "王建国"
    names[11] = names[21] = "李秀英"
    emails = [f"m{i}@example.cn" if i % 4 else "123456@qq.com" for i in range(200)]
    emails[10] = emails[20] = "123456@qq.com"
    emails[11] = emails[21] = "xiuying.li@example.cn"
    frame = pd.DataFrame({"id": [f"C{i:03d}" for i in range(200)], "name": names, "email": emails})
    spec = parse_spec(
        {"record_id": "id", "entity": "person", "columns": {"person_name": "name", "email": "email"}}
    )
    pairs = deduplicate(frame, spec, progress=False).pairs.set_index(["left_record_id", "right_record_id"])
    assert pairs.loc[("C010", "C020"), "contact_level"] == "shared_contact"
    assert pairs.loc[("C010", "C020"), "contact_weight"] == 0
    assert pairs.loc[("C011", "C021"), "contact_level"] == "email_exact"
    assert pairs.loc[("C011", "C021"), "contact_weight"] > 0


def test_a_registered_name_written_twice_on_a_clean_list_merges_whatever_the_lists_length():
    """A master list of distinct companies with one row entered twice: the list's own duplicate rate is
    next to nothing, and the two writings of one registered name are still one company."""
    names = generate_party_data(1200, seed=3, kind="partner", difficulty="standard").records["partner_name"]
    names = names.drop_duplicates().tolist()
    for size in (20, 1000):
        rows = [*names[:size], "深圳市华强商贸有限公司", "深圳市华强商贸有限公司", "华强商贸有限公司"]
        records = pd.DataFrame({"id": [f"R{i}" for i in range(len(rows))], "name": rows})
        spec = parse_spec({"record_id": "id", "entity": "organisation", "columns": {"company_name": "name"}})
        result = deduplicate(records, spec, progress=False)
        clusters = result.clusters.set_index("record_id")["cluster_id"]
        twice = result.pairs.set_index(["left_record_id", "right_record_id"]).loc[
            (f"R{size}", f"R{size + 1}")
        ]
        assert clusters[f"R{size}"] == clusters[f"R{size + 1}"], size
        assert twice["match_class"] == "auto_merge"
        # Written without its region, the name is no longer one registration's: 华强商贸 may be
        # another city's company, and the record is not merged on the name alone.
        assert clusters[f"R{size + 2}"] != clusters[f"R{size}"], size


def test_a_short_list_of_names_merges_one_company_written_the_ways_people_write_it():
    registered = [
        ["杭州娃哈哈(集团)有限公司", "杭州娃哈哈集团有限公司"],
        ["雀巢(中国)有限公司", "中国雀巢有限公司", "雀巢（中国）有限公司"],
        ["可口可乐(上海)饮料有限公司", "上海可口可乐饮料有限公司", "可口可乐饮料(上海)有限公司"],
        ["康师傅(天津)饮品有限公司", "天津康师傅饮品有限公司"],
        ["海尔集团(青岛)有限公司", "青岛海尔集团有限公司"],
        ["北京可口可乐饮料有限公司"],
        ["天津康师傅饮品有限公司第二分公司"],
    ]
    shops = [["张三（个体）", "张三个体户", "个体户张三"], ["重庆市渝中区李记批发部", "李记批发部"]]
    companies = registered + shops
    names = [name for written in companies for name in written]
    truth = [i for i, written in enumerate(companies) for _ in written]
    records = pd.DataFrame({"id": [str(i) for i in range(len(names))], "name": names})
    spec = parse_spec({"record_id": "id", "entity": "organisation", "columns": {"company_name": "name"}})
    result = deduplicate(records, spec, progress=False)
    found = result.clusters.set_index("record_id")["cluster_id"].reindex(records["id"]).to_numpy()
    for company in range(len(registered)):
        mine = {found[i] for i, t in enumerate(truth) if t == company}
        others = {found[i] for i, t in enumerate(truth) if t != company}
        assert len(mine) == 1, companies[company]
        assert not mine & others, companies[company]
    # A shop's name without a registration: one shop's writings are put before a steward at least.
    listed = result.pairs[result.pairs["match_class"] != "no_match"]
    linked = {
        frozenset((int(a), int(b)))
        for a, b in zip(listed["left_record_id"], listed["right_record_id"], strict=True)
    }
    for company in range(len(registered), len(companies)):
        mine = [i for i, t in enumerate(truth) if t == company]
        assert all(frozenset((a, b)) in linked for a in mine for b in mine if a < b), companies[company]
