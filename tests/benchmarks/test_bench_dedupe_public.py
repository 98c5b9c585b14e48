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
    assert 0 <= row["pair_completeness"] <= 1
    assert row["candidate_pairs"] >= 0
    assert 0 <= row["decide_records_share"] <= row["review_records_share"]
