"""Pairwise scoring and pair completeness on a tiny hand-built frame."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from benchmarks.scoring import (
    count_true_pairs,
    pair_completeness,
    pair_completeness_through_chains,
    records_touched,
    score_clusters,
    score_pairwise,
)

# Records 0-2 are one entity, 3-4 another, 5 alone: 3 + 1 = 4 true pairs.
TRUTH = np.array(["a", "a", "a", "b", "b", "c"])


def test_true_pairs_are_counted_within_entities():
    assert count_true_pairs(TRUTH) == 4


def test_perfect_clusters_score_one():
    figures = score_pairwise(np.array([7, 7, 7, 8, 8, 9]), TRUTH)
    assert figures == {"pair_precision": 1.0, "pair_recall": 1.0, "pair_f1": 1.0}


def test_a_split_and_a_wrong_merge():
    # {0,1} {2} {3,4,5}: predicted pairs 01, 34, 35, 45; true among them 01, 34.
    figures = score_pairwise(np.array([1, 1, 2, 3, 3, 3]), TRUTH)
    assert figures["pair_precision"] == pytest.approx(2 / 4)
    assert figures["pair_recall"] == pytest.approx(2 / 4)
    assert figures["pair_f1"] == pytest.approx(0.5)


def test_all_singletons_have_no_precision_and_no_recall():
    figures = score_pairwise(np.arange(6), TRUTH)
    assert figures == {"pair_precision": 0.0, "pair_recall": 0.0, "pair_f1": 0.0}


def test_score_clusters_adds_bcubed_and_exact_clusters():
    figures = score_clusters(np.array([7, 7, 7, 8, 8, 9]), TRUTH)
    assert figures["bcubed_f1"] == 1.0
    assert figures["exact_clusters"] == 1.0
    assert figures["recall_by_kind"] == {}


def test_pair_completeness_counts_each_true_pair_once_in_either_order():
    left = np.array([0, 1, 2, 0, 3, 4])
    right = np.array([1, 0, 1, 5, 4, 4])  # 01 twice, 21, 05 (false), 34, 44 (self)
    assert pair_completeness(left, right, TRUTH) == pytest.approx(3 / 4)


def test_pair_completeness_without_true_pairs_is_undefined():
    assert np.isnan(pair_completeness(np.array([0]), np.array([1]), np.array(["a", "b"])))


def test_pair_completeness_counts_pairs_of_one_name_and_of_two_compared_names():
    name_group = np.array([0, 0, 2, 3, 3, 5])  # records 0 and 1 share a name, as do 3 and 4
    # 1–2 compared: names 0 and 2 met, so 0–2 counts too; 0–1 and 3–4 are one name each.
    assert pair_completeness(np.array([1]), np.array([2]), TRUTH, name_group) == pytest.approx(4 / 4)
    assert pair_completeness(
        np.array([], dtype=np.int64), np.array([], dtype=np.int64), TRUTH, name_group
    ) == (pytest.approx(2 / 4))


def test_completeness_through_chains_counts_the_pairs_a_chain_of_offered_pairs_reaches():
    # 0–1 and 1–2 offered: 0–2 is reached through 1; 3–4 is not offered; 0–5 joins two entities, no chain.
    left, right = np.array([0, 1, 0]), np.array([1, 2, 5])
    assert pair_completeness(left, right, TRUTH) == pytest.approx(2 / 4)
    assert pair_completeness_through_chains(left, right, TRUTH) == pytest.approx(3 / 4)


def test_a_chain_through_a_record_of_another_entity_reaches_nothing():
    # 2–5 and 5–0 would join 0 and 2 only through record 5, which is not their entity.
    assert pair_completeness_through_chains(np.array([2, 5]), np.array([5, 0]), TRUTH) == 0.0


def test_completeness_through_chains_joins_records_of_one_name():
    name_group = np.array([0, 0, 2, 3, 3, 5])  # 0 and 1 one name, 3 and 4 one name
    # 1–2 offered: 0 reaches 2 through its namesake 1; 3–4 are one name.
    assert pair_completeness_through_chains(np.array([1]), np.array([2]), TRUTH, name_group) == 1.0


def test_records_of_one_name_are_joined_within_their_entity_whoever_holds_the_name_first():
    truth = np.array(["b", "a", "a"])
    name_group = np.array([0, 0, 0])  # one name, first held by record 0 of another entity
    assert (
        pair_completeness_through_chains(
            np.array([], dtype=np.int64), np.array([], dtype=np.int64), truth, name_group
        )
        == 1.0
    )


def test_records_touched_counts_each_record_once_whichever_side_it_is_on():
    assert records_touched(pd.Series(["a", "b", "c"]), pd.Series(["b", "d", "a"])) == 4
    assert records_touched(pd.Series([], dtype=str), pd.Series([], dtype=str)) == 0
