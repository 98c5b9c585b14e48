"""The clean-list benchmark builds what it says: every company once, a share of them entered again."""

from __future__ import annotations

import pandas as pd
import pytest

from benchmarks.bench_clean_list import clean_list
from benchmarks.bench_dedupe_accuracy import load_generated


@pytest.mark.parametrize("kind", ["as_written", "another_system"])
def test_every_company_once_and_a_share_of_them_entered_again(kind):
    records, truth = load_generated(200, 5, "partner", "standard")
    frame, entity = clean_list(records, truth["true_entity_id"], 0.05, kind, seed=1)
    companies = truth["true_entity_id"].nunique()
    assert len(frame) == len(entity) == companies + 10
    assert pd.Series(entity).value_counts().max() == 2
    assert frame["record_id"].is_unique
    again = frame[frame["record_id"].str.startswith("again:")]
    originals = frame.iloc[: len(frame) - len(again)].set_index(pd.Series(entity[:companies]))
    written = originals.loc[entity[companies:], "partner_name"].to_numpy()
    if kind == "as_written":
        assert (again["partner_name"].to_numpy() == written).all()
    else:  # another system's record of the company: its name is written otherwise at least sometimes
        assert (again["partner_name"].to_numpy() != written).any()
