from __future__ import annotations

import numpy as np
import pandas as pd

from mdm.blocking import BlockingRule, _pairs_within_blocks, block, name_token_keys, phone_keys


def _pairs(candidates) -> set[tuple[int, int]]:
    return set(zip(candidates.left.tolist(), candidates.right.tolist(), strict=True))


def test_blocking_pairs_records_sharing_uscc_phone_or_name(make_frame, make_company):
    frame = make_frame(
        [
            make_company("华强", uscc="914403001922038216"),
            make_company("强华", industry="五金", city="广州市", region="广州", uscc="914403001922038216"),
            make_company("美达", industry="电器", city="北京市", region="北京", phone_e164="+8613812345678"),
            make_company("通利", industry="食品", city="成都市", region="成都", phone_e164="+8613812345678"),
            make_company("华强", city="深圳市"),
            make_company("久安", industry="建材", city="西安市", region="西安"),
        ]
    )
    pairs = _pairs(block(frame))
    assert (0, 1) in pairs  # same USCC
    assert (2, 3) in pairs  # same phone
    assert (0, 4) in pairs  # same trade name in the same city
    assert not any(5 in p for p in pairs)


def test_candidate_pairs_are_unique_and_ordered(make_frame, make_company):
    frame = make_frame([make_company("华强", phone_e164="+8613812345678", uscc="914403001922038216")] * 4)
    candidates = block(frame)
    assert len(_pairs(candidates)) == len(candidates) == 6
    assert (candidates.left < candidates.right).all()
    report = candidates.report_frame().set_index("rule")
    assert report.loc["uscc", "pairs"] == 6
    assert report.loc["phone", "new_pairs"] == 0


def test_oversize_block_is_skipped_and_reported(make_frame):
    shared = [
        {"name_normalised": f"X{i}", "name_core": f"X{i}", "phone_e164": "+864008123456"} for i in range(30)
    ]
    frame = make_frame(shared)
    candidates = block(frame, rules=(BlockingRule("phone", phone_keys),), max_block_size=20)
    assert len(candidates) == 0
    row = candidates.report[0]
    assert (row.skipped_blocks, row.skipped_records, row.largest_skipped_block) == (1, 30, 30)


def test_large_blocks_pair_only_name_neighbours():
    keys = pd.DataFrame({"row": np.arange(6), "key": ["k"] * 6})
    order = np.array([5, 0, 4, 1, 3, 2])  # name order: rows 1, 3, 5, 4, 2, 0
    left, right, *_ = _pairs_within_blocks(keys, cap=10, window=1, order=order)
    assert set(zip(left.tolist(), right.tolist(), strict=True)) == {(1, 3), (3, 5), (4, 5), (2, 4), (0, 2)}


def test_pairs_within_blocks_makes_every_pair_once():
    keys = pd.DataFrame({"row": [0, 1, 2, 3, 4, 5, 6], "key": ["a", "b", "a", "a", "b", "c", "a"]})
    left, right, blocks, skipped, _, _ = _pairs_within_blocks(keys, cap=10)
    got = set(zip(left.tolist(), right.tolist(), strict=True))
    assert got == {(0, 2), (0, 3), (0, 6), (2, 3), (2, 6), (3, 6), (1, 4)}
    assert (blocks, skipped) == (2, 0)


def test_missing_values_never_form_a_block(make_frame):
    frame = make_frame([{"name_normalised": "A"}, {"name_normalised": "B"}, {"name_normalised": "C"}])
    assert len(block(frame)) == 0


def test_name_tokens_prefer_rare_bigrams(make_frame, make_company):
    rows = [make_company(t) for t in ("华强", "美达", "通利", "久安")] + [
        make_company("华强", industry="贸易")
    ]
    frame = make_frame(rows)
    keys = name_token_keys(frame, rarest=1)
    # 商贸 is shared by four names, so the rare bigram (the trade name) is each record's key.
    assert keys.set_index("row")["key"].to_dict() == {
        0: "华强|深圳市",
        1: "美达|深圳市",
        2: "通利|深圳市",
        3: "久安|深圳市",
        4: "华强|深圳市",
    }


def test_latin_names_block_on_words_not_legal_forms(make_frame):
    frame = make_frame(
        [
            {"name_normalised": "ACME TRADING CO LTD", "name_core": "ACME TRADING CO LTD"},
            {"name_normalised": "TRADING ACME LIMITED", "name_core": "TRADING ACME LIMITED"},
            {"name_normalised": "GLOBEX CO LTD", "name_core": "GLOBEX CO LTD"},
        ]
    )
    pairs = _pairs(block(frame))
    assert pairs == {(0, 1)}
    assert np.all(name_token_keys(frame)["key"].isin(["ACME|", "TRADING|", "GLOBEX|"]))


def test_a_typo_in_a_two_character_trade_name_still_meets_its_original(make_frame, make_company):
    frame = make_frame(
        [
            make_company("华强", district="南山区"),
            make_company("华张", district="南山区"),
            make_company("华张", city="广州市"),
        ]
    )
    candidates = block(frame)
    assert (0, 1) in _pairs(candidates)
    assert (0, 2) not in _pairs(candidates)
    assert candidates.report_frame().set_index("rule").loc["trade_char_industry_district", "pairs"] == 1


def test_a_list_without_cities_still_pairs_names_by_their_first_characters(make_frame, make_company):
    from mdm.blocking import name_prefix_city_keys

    frame = make_frame([make_company("美达", city=None), make_company("美达通", city=None, industry="电器")])
    rule = BlockingRule("name_prefix_city", name_prefix_city_keys)
    assert _pairs(block(frame, rules=(rule,))) == {(0, 1)}


def test_a_crowd_of_one_name_is_chained_and_does_not_hide_the_names_around_it(make_frame):
    crowd = ["ELECTRONICS KONINK PHILIPS"] * 40
    variants = ["ELECTRONIC KONINK PHILIPS", "ELECTRONICS KONINK PHILLIPS", "ELECTRONICS KONINKLIKE PHILIPS"]
    names = crowd[:20] + variants + crowd[20:]
    frame = make_frame([{"name_normalised": n, "name_core": n} for n in names])
    candidates = block(frame)
    pairs = _pairs(candidates)
    crowd_rows = [i for i, n in enumerate(names) if n == crowd[0]]
    variant_rows = [i for i, n in enumerate(names) if n != crowd[0]]
    # Every record of the crowd is joined to the next one: linear, and one chain.
    assert {(a, b) for a, b in zip(crowd_rows, crowd_rows[1:], strict=False)} <= pairs
    # The spellings meet each other and the crowd, not only the crowd.
    assert {(a, b) for a in variant_rows for b in variant_rows if a < b} <= pairs
    assert all(any(v in p for p in pairs if set(p) & set(crowd_rows)) for v in variant_rows)
    assert len(candidates) < 3 * len(names)


def _one_block(names: list[str]) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """One block over ``names``: keys, name order and name groups (first row of each name)."""
    keys = pd.DataFrame({"row": np.arange(len(names)), "key": ["k"] * len(names)})
    codes, uniques = pd.factorize(pd.Series(names))
    order = np.argsort(np.argsort(np.asarray(uniques, dtype=str)))[codes]
    first = {name: names.index(name) for name in names}
    return keys, order, np.array([first[n] for n in names])


def test_a_crowd_under_a_few_spellings_has_every_spelling_meet_every_other():
    spellings = [f"KONINK PHILIPS {chr(65 + i)}" for i in range(12)]
    names = ["ELECTRONICS KONINK PHILIPS"] * 60 + spellings + ["GLOEILAMPENFAB PHILIPS"] * 20
    keys, order, group = _one_block(names)
    left, right, *_ = _pairs_within_blocks(
        keys, cap=1000, window=3, order=order, name_group=group, names_in_full=True
    )
    met = {frozenset((names[a], names[b])) for a, b in zip(left.tolist(), right.tolist(), strict=True)}
    distinct = sorted(set(names))
    assert met == {frozenset((a, b)) for i, a in enumerate(distinct) for b in distinct[i + 1 :]}
    # One record per spelling: the 92 records cost the 91 pairs of their 14 names.
    assert len(left) == 14 * 13 // 2
    windowed, *_ = _pairs_within_blocks(keys, cap=1000, window=3, order=order, name_group=group)
    assert len(windowed) < len(left) <= 3 * len(names)


def test_a_block_of_distinct_names_keeps_its_window():
    names = [f"NAME {chr(65 + i)}" for i in range(9)]
    keys, order, group = _one_block(names)
    full = _pairs_within_blocks(keys, cap=1000, window=3, order=order, name_group=group, names_in_full=True)
    windowed = _pairs_within_blocks(keys, cap=1000, window=3, order=order, name_group=group)
    assert len(full[0]) == 3 + 3 + 3 + 3 + 3 + 3 + 2 + 1
    assert np.array_equal(full[0], windowed[0]) and np.array_equal(full[1], windowed[1])


def test_names_repeated_less_often_than_the_window_reaches_keep_their_window():
    names = [f"NAME {chr(65 + i)}" for i in range(10)] * 2
    keys, order, group = _one_block(names)
    full = _pairs_within_blocks(keys, cap=1000, window=3, order=order, name_group=group, names_in_full=True)
    windowed = _pairs_within_blocks(keys, cap=1000, window=3, order=order, name_group=group)
    assert np.array_equal(full[0], windowed[0]) and np.array_equal(full[1], windowed[1])


def test_too_many_spellings_for_the_records_stay_windowed():
    names = [f"NAME {i:02d}" for i in range(30)] + ["NAME 00"] * 10
    keys, order, group = _one_block(names)
    left, *_ = _pairs_within_blocks(
        keys, cap=1000, window=3, order=order, name_group=group, names_in_full=True
    )
    # 30 names make 435 pairs, more than a window of 3 spends on 40 records: each meets 3 neighbours.
    assert len(left) <= 3 * 30


def test_the_name_rules_pair_the_spellings_of_a_crowd(make_frame):
    spellings = ["ELECTRONIC KONINK PHILIPS", "ELECTRONICS KONINK PHILLIPS"]
    spellings += ["ELECTRONICS KONINK PHILPS", "ELECTRNICS KONINK PHILIPS", "ELECTRICS KONINK PHILIPS"]
    spellings += ["ELETRONICS KONINK PHILIPS", "ELECRONICS KONINK PHILIPS", "ELECTONICS KONINK PHILIPS"]
    names = ["ELECTRONICS KONINK PHILIPS"] * 60 + spellings
    frame = make_frame([{"name_normalised": n, "name_core": n} for n in names])
    candidates = block(frame)
    met = {frozenset((names[a], names[b])) for a, b in _pairs(candidates)}
    distinct = sorted(set(names))
    assert {frozenset((a, b)) for i, a in enumerate(distinct) for b in distinct[i + 1 :]} <= met
    assert len(candidates) < 3 * len(names)


def test_estimated_completeness_counts_the_pairs_a_cluster_closed_as_missed():
    from mdm.blocking import CandidatePairs

    # Four records in one cluster: 0 and 1 share a name; 1–2 and 2–3 compared, 0–3 only by the chain.
    candidates = CandidatePairs(
        left=np.array([1, 2]), right=np.array([2, 3]), report=[], n=4, name_group=np.array([0, 0, 2, 3])
    )
    # Pairs: 01 (one name), 02 and 12 (names 0–2 compared), 23 compared; 03 and 13 not offered.
    assert candidates.offered_in_clusters(np.zeros(4, dtype=np.int64)) == 4 / 6
    assert np.isnan(candidates.offered_in_clusters(np.arange(4)))


def test_an_address_with_a_typo_in_one_part_meets_its_original_through_the_other(make_frame):
    frame = make_frame(
        [
            {"email_normalised": "ar20@miller-torres.org"},
            {"email_normalised": "ar20@miller-t2orres.org"},  # the domain mistyped
            {"email_normalised": "amelia.morgan92@davidson-taylor.com"},
            {"email_normalised": "amelia.moyrgan92@davidson-taylor.com"},  # the mailbox name mistyped
            {"email_normalised": "zoe@elsewhere.net"},
        ]
    )
    pairs = _pairs(block(frame))
    assert {(0, 1), (2, 3)} <= pairs
    assert not any(4 in p for p in pairs)


def test_a_mailbox_name_many_records_share_is_no_block(make_frame):
    frame = make_frame([{"email_normalised": f"sales@company{i}.com"} for i in range(30)])
    candidates = block(frame)
    assert len(candidates) == 0
    report = candidates.report_frame().set_index("rule")
    assert report.loc["email_local", "skipped_records"] == 30


def test_a_rule_for_some_records_keeps_only_their_pairs():
    frame = pd.DataFrame({"name_core": ["A", "B", "C", "D"]})
    marked = np.array([False, False, True, False])
    rule = BlockingRule(
        "all_together",
        lambda f: pd.DataFrame({"row": np.arange(len(f)), "key": 0}),
        pairs_of=lambda f: marked,
    )
    pairs = _pairs(block(frame, rules=(rule,)))
    assert pairs == {(0, 2), (1, 2), (2, 3)}
