"""The ceiling benchmark reads m, u and the prior off the truth, and its reference joins names by ratio."""

from __future__ import annotations

import numpy as np
import pandas as pd

from benchmarks.bench_model_ceiling import (
    _standardised,
    name_ratio_figures,
    nonmatch_pair_positions,
    true_pair_positions,
    truth_fitted_parameters,
)
from mdm.comparators import compare_pairs
from mdm.dedupe import deduplicate
from mdm.spec import parse_spec

SPEC = {
    "record_id": "record_id",
    "entity": "person",
    "country": "GB",
    "columns": {"given_name": "given", "family_name": "family", "birth_date": "dob"},
}


def _persons() -> tuple[pd.DataFrame, pd.Series]:
    rows = [
        ("1", "olivia", "hartley", "1980-02-03", "a"),
        ("2", "olivia", "hartley", "1980-02-03", "a"),
        ("3", "olivia", "hartly", "1980-02-03", "a"),
        ("4", "marcus", "fenwick", "1975-11-30", "b"),
        ("5", "marcus", "fenwick", "1975-11-30", "b"),
        ("6", "priya", "ramaswamy", "1991-06-14", "c"),
        ("7", "tobias", "wexford", "1968-09-01", "d"),
        ("8", "ingrid", "solberg", "2001-12-25", "e"),
        ("9", "ingrid", "soelberg", "2001-12-25", "e"),
        ("10", "declan", "murtagh", "1959-04-17", "f"),
    ]
    frame = pd.DataFrame(rows, columns=["record_id", "given", "family", "dob", "entity"])
    return frame.drop(columns="entity"), frame["entity"]


def test_true_pairs_are_every_pair_of_one_label():
    left, right = true_pair_positions(np.array(["a", "b", "a", "c", "a", "b"]))
    assert sorted(zip(left.tolist(), right.tolist(), strict=True)) == [(0, 2), (0, 4), (1, 5), (2, 4)]
    assert len(true_pair_positions(np.array(["a", "b"]))[0]) == 0


def test_non_matching_pairs_on_a_small_file_are_all_pairs_of_two_labels():
    truth = np.array(["a", "b", "a", "c", "a", "b"])
    left, right = nonmatch_pair_positions(truth)
    assert len(left) == 15 - 4
    assert (truth[left] != truth[right]).all()
    assert len(set(zip(left.tolist(), right.tolist(), strict=True))) == len(left)


def test_parameters_from_the_truth_are_the_shares_of_true_and_other_pairs():
    records, entity = _persons()
    spec = parse_spec(SPEC, "<test>")
    cols, comparisons = _standardised(records, spec)
    truth = entity.to_numpy()
    true_left, true_right = true_pair_positions(truth)
    other_left, other_right = nonmatch_pair_positions(truth)
    learned = deduplicate(records, spec, progress=False).model_params
    fitted = truth_fitted_parameters(
        compare_pairs(cols, true_left, true_right, comparisons),
        compare_pairs(cols, other_left, other_right, comparisons),
        learned,
        comparisons,
        prior=len(true_left) / 45,
    )
    assert fitted.prior_match_probability == len(true_left) / 45
    dates = fitted.levels["birth_date"]
    # Every one of the five true pairs writes one birth date; no two other persons do.
    exact = dates.index("exact")
    levels = len(dates)
    assert np.isclose(fitted.m["birth_date"][exact], 5.5 / (5 + 0.5 * levels))
    assert np.isclose(fitted.u["birth_date"][exact], 0.5 / (40 + 0.5 * levels))
    assert np.isclose(sum(fitted.m["person_name"]), 1) and np.isclose(sum(fitted.u["person_name"]), 1)
    assert learned.prior_match_probability != fitted.prior_match_probability  # a copy, the model untouched
    result = deduplicate(records, spec, progress=False, params=fitted, train=False)
    cluster = result.clusters.set_index("record_id")["cluster_id"]
    assert cluster["1"] == cluster["2"] == cluster["3"] and cluster["8"] == cluster["9"]
    assert cluster.nunique() == entity.nunique()


def test_the_name_ratio_joins_close_names_through_chains_and_never_empty_ones():
    records = pd.DataFrame(
        {
            "record_id": ["1", "2", "3", "4", "5", "6"],
            "given": ["Jonathan", "jonathon", "JONATHAN", "Mary", "", ""],
            "family": ["Smithers", "smithers", "Smithers", "Jones", "", ""],
        }
    )
    truth = pd.Series(["a", "a", "a", "b", "c", "d"])
    spec = parse_spec(
        {
            "record_id": "record_id",
            "entity": "person",
            "columns": {"given_name": "given", "family_name": "family"},
        },
        "<test>",
    )
    scores = name_ratio_figures(records, truth, spec)
    assert scores["pair_precision"] == 1.0 and scores["pair_recall"] == 1.0
