"""The public benchmark prints a row, not a traceback, for a spec this version rejects."""

from __future__ import annotations

import pandas as pd

from benchmarks.bench_dedupe_public import markdown, run_ours
from cleansing.party_roles import PARTY_ROLES


def test_a_spec_the_engine_rejects_becomes_an_unsupported_row():
    records = pd.DataFrame({"record_id": ["1", "2"], "name": ["Ann Lee", "Ann Lee"]})
    truth = pd.Series(["a", "a"])
    spec = {"record_id": "record_id", "entity": "person", "columns": {"shoe_size": "name"}}
    row = run_ours(records, truth, None, spec)
    assert row == {
        "unsupported": "<generated spec>: unknown key 'columns.shoe_size'; expected one of "
        + ", ".join(PARTY_ROLES)
    }
    table = markdown([{"data": "tiny", "records": 2, "true_pairs": 1, "system": "channel-mdm", **row}])
    assert table.splitlines()[-1].startswith(
        "| tiny | 2 | 1 | channel-mdm | spec not supported by this version: <generated spec>: unknown key"
    )


def test_a_spec_naming_a_missing_column_is_reported_the_same_way():
    records = pd.DataFrame({"record_id": ["1"], "name": ["Acme Ltd"]})
    spec = {"record_id": "record_id", "entity": "organisation", "columns": {"company_name": "nmae"}}
    row = run_ours(records, pd.Series(["a"]), None, spec)
    assert row == {
        "unsupported": "input: column 'nmae' (columns.company_name in <generated spec>) is not in the input; "
        "did you mean 'name'?"
    }


def test_figures_of_a_run_are_pairwise_and_completeness():
    records = pd.DataFrame(
        {
            "record_id": [str(i) for i in range(6)],
            "name": [
                "Acme Trading Ltd",
                "ACME Trading Limited",
                "Acme Trading Ltd.",
                "Birch Foods",
                "Birch Foods Co",
                "Cedar Works",
            ],
            "city": ["London"] * 6,
        }
    )
    truth = pd.Series(["a", "a", "a", "b", "b", "c"])
    spec = {
        "record_id": "record_id",
        "entity": "organisation",
        "country": "GB",
        "columns": {"company_name": "name", "city": "city"},
    }
    row = run_ours(records, truth, None, spec)
    assert set(row) >= {
        "pair_precision",
        "pair_recall",
        "pair_completeness",
        "review_pairs",
        "decide_records_share",
        "seconds",
        "peak_mb",
    }
    assert 0 <= row["pair_completeness"] <= row["completeness_through_chains"] <= 1
    assert row["candidate_pairs"] >= 0
    assert 0 <= row["decide_records_share"] <= row["review_records_share"]


def test_candidate_pairs_are_read_back_in_the_input_order_and_a_shuffle_moves_no_figure():
    """The engine blocks in an order its ids fix; the benchmark counts the pairs it offered against
    the truth row for row, so their positions must be the input's, whatever order the set is in."""
    from benchmarks.bench_dedupe_public import candidate_pairs_of_engine, shuffled
    from benchmarks.public_datasets import PublicSet
    from mdm.spec import parse_spec

    names = [
        "Acme Trading Ltd",
        "Birch Foods",
        "Cedar Works",
        "Dune Logistics",
        "Elm Paper",
        "Acme Trading Ltd",
    ]
    records = pd.DataFrame({"record_id": [f"r{i}" for i in range(6)], "name": names})
    truth = pd.Series(["a", "b", "c", "d", "e", "a"])
    spec = {"record_id": "record_id", "entity": "organisation", "columns": {"company_name": "name"}}
    left, right, group = candidate_pairs_of_engine(records, parse_spec(spec, "<test>"))
    offered = {frozenset((int(a), int(b))) for a, b in zip(left, right, strict=True)}
    assert frozenset((0, 5)) in offered or (group is not None and group[0] == group[5])
    assert all(names[a] == names[b] for a, b in map(tuple, offered) if names[a] == "Acme Trading Ltd")

    data = PublicSet("tiny", records, truth)
    again = shuffled(data, 3)
    assert again.records["record_id"].tolist() != records["record_id"].tolist()
    first, second = run_ours(records, truth, None, spec), run_ours(again.records, again.truth, None, spec)
    for key in ("pair_precision", "pair_recall", "pair_completeness", "candidate_pairs", "review_pairs"):
        assert first[key] == second[key], key
    assert first["pair_completeness"] == 1.0
