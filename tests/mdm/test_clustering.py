from __future__ import annotations

import numpy as np
import pandas as pd

from mdm.clustering import assign_cluster_ids, cannot_link_codes, cluster_records


def _cluster(frame, edges):
    left = np.array([e[0] for e in edges])
    right = np.array([e[1] for e in edges])
    score = np.array([e[2] for e in edges], dtype=float)
    result = cluster_records(len(frame), left, right, score, cannot_link_codes(frame))
    return result, assign_cluster_ids(frame["record_id"], result.cluster_index, left, right, score)


def test_chain_through_a_record_without_uscc_cannot_join_two_valid_usccs(make_frame, make_company):
    frame = make_frame(
        [
            make_company("华强", uscc="914403001922038216"),
            make_company("华强"),
            make_company("华强", uscc="91440300708461136T"),
        ]
    )
    result, clusters = _cluster(frame, [(0, 1, 0.9999), (1, 2, 0.97)])
    assert clusters["cluster_id"].tolist() == ["R000", "R000", "R002"]
    assert result.refused_merges == 1


def test_the_stronger_edge_wins_the_middle_record(make_frame, make_company):
    frame = make_frame(
        [
            make_company("华强", uscc="914403001922038216"),
            make_company("华强"),
            make_company("华强", uscc="91440300708461136T"),
        ]
    )
    _, clusters = _cluster(frame, [(0, 1, 0.96), (1, 2, 0.999)])
    assert clusters["cluster_id"].tolist() == ["R000", "R001", "R001"]


def test_a_branch_is_never_merged_with_its_head_office(make_frame, make_company):
    frame = make_frame(
        [
            make_company("华强"),
            make_company("华强", branch_region="杭州"),
            make_company("华强", branch_region="杭州", region=None),
            make_company("华强", region=None),
        ]
    )
    _, clusters = _cluster(frame, [(0, 3, 0.99), (3, 2, 0.98), (2, 1, 0.97)])
    assert clusters["cluster_id"].tolist() == ["R000", "R001", "R001", "R000"]


def test_shenzhen_and_shanghai_namesakes_stay_apart_through_a_regionless_record(make_frame, make_company):
    frame = make_frame(
        [
            make_company("华强", region="深圳"),
            make_company("华强", region=None, city=None),
            make_company("华强", region="上海", city="上海市"),
        ]
    )
    result, clusters = _cluster(frame, [(0, 1, 0.99), (1, 2, 0.99)])
    # It fits both equally: it joins neither, and both pairs go to a steward.
    assert clusters["cluster_id"].nunique() == 3
    assert result.refused_merges == 2
    result, clusters = _cluster(frame, [(0, 1, 0.9999), (1, 2, 0.99)])
    assert clusters["cluster_id"].tolist() == ["R000", "R000", "R002"]


def test_conflict_free_components_merge_whole_and_ids_are_the_smallest_record_id(make_frame, make_company):
    frame = make_frame([make_company("华强")] * 3 + [make_company("美达")] * 2)
    frame["record_id"] = pd.array(["C9", "C3", "C5", "B2", "A7"], dtype="string")
    _, clusters = _cluster(frame, [(0, 1, 0.99), (1, 2, 0.98), (3, 4, 0.96)])
    assert clusters["cluster_id"].tolist() == ["C3", "C3", "C3", "A7", "A7"]
    assert clusters["match_score"].tolist() == [0.99, 0.99, 0.98, 0.96, 0.96]


def test_singletons_score_one(make_frame, make_company):
    frame = make_frame([make_company("华强"), make_company("美达")])
    _, clusters = _cluster(frame, [])
    assert clusters["match_score"].tolist() == [1.0, 1.0]
    assert clusters["cluster_id"].tolist() == ["R000", "R001"]


def test_a_trade_name_alone_joins_one_of_two_sister_companies_not_both(make_frame, make_company):
    frame = make_frame(
        [
            make_company("晖财", industry="商业", phone_e164="+864002896943"),
            make_company("晖财", industry="", legal="", region=None, phone_e164="+864002896943"),
            make_company("晖财", industry="酒业", phone_e164="+864002896943"),
        ]
    )
    frame.loc[1, "name_industry"] = pd.NA
    # The trade name alone is much closer to the first (a credit code one character apart, say).
    result, clusters = _cluster(frame, [(0, 1, 1 - 2.0**-30), (1, 2, 1 - 2.0**-20)])
    assert clusters["cluster_id"].tolist() == ["R000", "R000", "R002"]


def test_a_trade_name_that_fits_two_sister_companies_equally_well_joins_neither(make_frame, make_company):
    frame = make_frame(
        [
            make_company("晖财", industry="商业"),
            make_company("晖财", industry="", legal="", region=None),
            make_company("晖财", industry="酒业"),
            make_company("晖财", industry="", legal="", region=None),
        ]
    )
    frame.loc[[1, 3], "name_industry"] = pd.NA
    _, clusters = _cluster(frame, [(0, 1, 0.999), (1, 2, 0.999), (2, 3, 0.99)])
    # Record 3 reaches only the second company; record 1 fits both and stays apart with a steward.
    assert clusters["cluster_id"].tolist() == ["R000", "R001", "R002", "R002"]


def test_a_stewards_merge_is_never_held_back_as_ambiguous(make_frame, make_company):
    frame = make_frame(
        [
            make_company("晖财", industry="商业"),
            make_company("晖财", industry=""),
            make_company("晖财", industry="酒业"),
        ]
    )
    frame.loc[1, "name_industry"] = pd.NA
    _, clusters = _cluster(frame, [(0, 1, 2.0), (1, 2, 0.999)])
    assert clusters["cluster_id"].tolist() == ["R000", "R000", "R002"]


def test_a_shop_word_with_or_without_its_closing_character_is_one_industry(make_frame, make_company):
    frame = make_frame([make_company("百麟博", industry="便利店"), make_company("百麟博", industry="便利")])
    _, clusters = _cluster(frame, [(0, 1, 0.99)])
    assert clusters["cluster_id"].nunique() == 1


def test_a_plain_name_cannot_chain_two_numbered_companies(make_frame):
    names = ["ACME NO 2", "ACME", "ACME NO 3"]
    frame = make_frame([{"name_normalised": n, "name_core": n} for n in names])
    result, clusters = _cluster(frame, [(0, 1, 0.9999), (1, 2, 0.97)])
    assert clusters["cluster_id"].tolist() == ["R000", "R000", "R002"]
    assert result.refused_merges == 1


def test_numbered_companies_at_one_address_are_never_one_cluster():
    from mdm.dedupe import deduplicate
    from mdm.spec import parse_spec

    names = ["Acme (No 2) Limited", "Acme (No 3) Limited", "Acme Limited", "Acme (No. 2) Ltd"]
    frame = pd.DataFrame(
        {
            "id": [str(i) for i in range(len(names))],
            "name": names,
            "address": ["12 Mill Lane, Leeds"] * len(names),
        }
    )
    spec = parse_spec(
        {"record_id": "id", "country": "GB", "columns": {"company_name": "name", "address": "address"}}
    )
    clusters = deduplicate(frame, spec, progress=False).clusters.set_index("record_id")["cluster_id"]
    assert clusters["0"] != clusters["1"]
    assert clusters["0"] == clusters["3"]  # the same number written another way
