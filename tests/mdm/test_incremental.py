"""Incremental matching on the sample's second night: only the new and changed records are compared, and the
result is the full match's — same golden id for every record — with steward decisions still holding."""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cleansing.ingest import ingest_all
from cleansing.mapping import load_mappings
from foundation.settings import PROJECT_ROOT
from mdm.incremental import (
    FULL,
    INCREMENTAL,
    MatchMode,
    PreviousMatch,
    choose_match_mode,
    load_match_state,
    save_match_state,
)
from mdm.model import ModelParameters
from mdm.parties import PartyMatchResult, match_parties, record_ids, specs_for
from migration.source_changes import new_or_changed_rows, source_row_hashes
from sample_data.nightly_delta import write_night_delta

SOURCES = PROJECT_ROOT / "sample_data" / "sources"
MAPPINGS = PROJECT_ROOT / "sample_data" / "mappings"


def _trust_ranks() -> dict[str, int]:
    ranks: dict[str, int] = {}
    for mapping in load_mappings(MAPPINGS):
        ranks[mapping.source_system] = min(mapping.trust_rank, ranks.get(mapping.source_system, 99))
    return ranks


def _party_records(landing: Path | None = None) -> dict[str, pd.DataFrame]:
    results = ingest_all(MAPPINGS, SOURCES, "N", progress=False, landing_dir=landing)
    return {
        e: pd.concat([r.accepted for r in results[e]], ignore_index=True) for e in ("partner", "customer")
    }


@pytest.fixture(scope="module")
def nights(tmp_path_factory) -> dict:
    landing = tmp_path_factory.mktemp("landing")
    first = _party_records()
    write_night_delta(1, SOURCES, landing, landing)
    return {"first": first, "second": _party_records(landing), "trust": _trust_ranks()}


def _night_one(nights: dict, entity: str) -> PartyMatchResult:
    return match_parties(entity, nights["first"][entity], nights["trust"])


def _changed(nights: dict, entity: str) -> pd.Series:
    state = source_row_hashes(nights["first"][entity], entity)
    second = nights["second"][entity]
    mask = new_or_changed_rows(second, entity, state)
    return record_ids(second)[mask.to_numpy()]


def _previous(night_one: PartyMatchResult, changed: pd.Series) -> PreviousMatch:
    models = {kind: ModelParameters.from_json(text) for kind, text in night_one.models.items()}
    return PreviousMatch(frozenset(changed), models, night_one.state)


def _golden_by_record(result: PartyMatchResult) -> pd.Series:
    crosswalk = result.golden.crosswalk
    return pd.Series(crosswalk["golden_id"].to_numpy(), index=record_ids(crosswalk).to_numpy())


@pytest.mark.parametrize("entity", ["partner", "customer"])
def test_night_two_matched_incrementally_gives_the_full_match(nights, entity):
    night_one = _night_one(nights, entity)
    changed = _changed(nights, entity)
    second = nights["second"][entity]
    assert 0 < len(changed) < len(second) * 0.05  # the sample's night: a few new and changed records

    existing = night_one.golden.crosswalk
    incremental = match_parties(
        entity, second, nights["trust"], existing_crosswalk=existing, previous=_previous(night_one, changed)
    )
    full = match_parties(
        entity, second, nights["trust"], existing_crosswalk=existing, changed_record_ids=frozenset(changed)
    )

    assert incremental.matching.mode == INCREMENTAL and full.matching.mode == FULL
    assert incremental.matching.records_compared == len(changed)
    assert full.matching.records_compared == len(second)
    assert 0 < incremental.matching.pairs_scored < full.matching.pairs_scored / 10
    # every record, changed or not, lands in the same golden record as the full match puts it
    by_incremental, by_full = _golden_by_record(incremental), _golden_by_record(full)
    pd.testing.assert_series_equal(by_incremental.sort_index(), by_full.sort_index())
    # and no record that did not change moved: golden ids are the ones night one gave
    before = _golden_by_record(night_one)
    stayed = before.index.intersection(by_incremental.index).difference(changed)
    assert len(stayed) > 0.9 * len(second)
    assert (by_incremental[stayed] == before[stayed]).all()
    assert incremental.matching.golden_touched == full.matching.golden_touched
    # survivorship ran again only for the golden records touched, and chose what the full match chose
    assert incremental.matching.golden_recomputed <= incremental.matching.golden_touched
    assert full.matching.golden_recomputed == len(full.golden.golden)
    pd.testing.assert_frame_equal(
        incremental.golden.golden.sort_values("golden_id").reset_index(drop=True),
        full.golden.golden.sort_values("golden_id").reset_index(drop=True),
        check_dtype=False,
    )
    lineage = ["golden_id", "field", "source_system", "source_record_id", "rule"]
    pd.testing.assert_frame_equal(
        incremental.golden.lineage.sort_values(lineage).reset_index(drop=True),
        full.golden.lineage.sort_values(lineage).reset_index(drop=True),
        check_dtype=False,
    )


def _decision(left: str, right: str, decision: str) -> dict:
    (ls, lr), (rs, rr) = left.split(":", 1), right.split(":", 1)
    return {
        "left_source_system": ls,
        "left_source_record_id": lr,
        "right_source_system": rs,
        "right_source_record_id": rr,
        "decision": decision,
    }


def test_steward_decisions_made_since_the_last_match_hold_incrementally(nights):
    night_one = _night_one(nights, "customer")
    changed = set(_changed(nights, "customer"))
    golden = _golden_by_record(night_one)
    golden = golden[~golden.index.isin(changed) & golden.index.isin(record_ids(nights["second"]["customer"]))]
    sizes = golden.groupby(golden).transform("size")
    together = golden[sizes >= 2]
    split_a, split_b = together[together == together.iloc[0]].index[:2]
    # two persons the matcher kept apart, whom the steward now merges (no hard rule stands between them)
    records = nights["second"]["customer"].assign(record_id=record_ids(nights["second"]["customer"]))
    persons = records.loc[records["customer_kind"] == "person", "record_id"]
    alone = golden[(sizes == 1) & golden.index.isin(persons)].index
    merge_a, merge_b = alone[0], alone[1]
    decisions = pd.DataFrame(
        [_decision(split_a, split_b, "not_a_match"), _decision(merge_a, merge_b, "merge")]
    )

    result = match_parties(
        "customer",
        nights["second"]["customer"],
        nights["trust"],
        existing_crosswalk=night_one.golden.crosswalk,
        decisions=decisions,
        previous=_previous(night_one, pd.Series(sorted(changed))),
    )

    after = _golden_by_record(result)
    assert after[split_a] != after[split_b]  # the rejected pair is never merged
    assert after[merge_a] == after[merge_b]  # the forced merge is kept
    assert after[split_a] == golden[split_a] or after[split_b] == golden[split_b]  # one keeps the id
    untouched = golden.index.difference([split_a, split_b, merge_a, merge_b])
    assert (after[untouched] == golden[untouched]).mean() > 0.99


def test_a_state_saved_before_the_comparisons_changed_is_not_carried_forward(nights, tmp_path, monkeypatch):
    """After an upgrade that gives a comparison another level, the next night matches in full
    instead of failing on a model that no longer fits."""
    import mdm.dedupe
    from mdm.comparators import ComparisonLevel

    save_match_state(tmp_path, _night_one(nights, "partner").state)
    specs = specs_for("partner")
    assert load_match_state(tmp_path, "partner", specs)[0] is not None
    original = mdm.dedupe.comparisons_for

    def upgraded(spec):
        first, *rest = original(spec)
        more = dataclasses.replace(first, levels=(*first.levels, ComparisonLevel("new", 0.01, 0.001)))
        return (more, *rest)

    monkeypatch.setattr(mdm.dedupe, "comparisons_for", upgraded)
    assert load_match_state(tmp_path, "partner", specs) == (
        None,
        None,
        "the saved match state is for another spec or version",
    )


def test_a_full_match_is_chosen_when_the_last_one_cannot_be_carried_forward(nights, tmp_path):
    ids = pd.Series([f"crm:{i}" for i in range(100)])
    few = np.zeros(100, dtype=bool)
    few[:3] = True
    many = np.zeros(100, dtype=bool)
    many[:30] = True
    crosswalk = pd.DataFrame({"entity": ["partner"], "source_system": ["crm"], "source_record_id": ["0"]})
    specs = specs_for("partner")
    assert load_match_state(tmp_path, "partner", specs) == (None, None, "no saved match state")

    save_match_state(tmp_path, _night_one(nights, "partner").state)
    state, models, _ = load_match_state(tmp_path, "partner", specs)
    assert state is not None and set(models) == {"*"}
    other_spec = {"*": dataclasses.replace(specs["*"], max_block_size=5)}
    assert load_match_state(tmp_path, "partner", other_spec) == (
        None,
        None,
        "the saved match state is for another spec or version",
    )

    def mode(changed, existing=crosswalk, saved=models, force=""):
        return choose_match_mode(ids, changed, existing, "partner", saved, "no saved match state", force)

    assert mode(few) == MatchMode(INCREMENTAL, "3 of 100 records new or changed")
    assert mode(few, force="--full-match").mode == FULL
    assert mode(few, existing=crosswalk.iloc[:0]).reason == "no previous match in the store"
    assert mode(few, saved=None).reason == "no saved match state"
    assert mode(many).reason == "30% of the records are new or changed (more than 20%)"
    assert state.models_trained_on  # the full match that trained the models dated them

    def aged(trained_on):
        return choose_match_mode(
            ids, few, crosswalk, "partner", models, models_trained_on=trained_on, today=date(2026, 11, 29)
        )

    assert aged("2026-11-23").mode == INCREMENTAL
    assert aged("2026-11-22") == MatchMode(FULL, "the match model is 7 days old (retrained every 7 days)")


def _review_rows(*pairs: tuple[str, str]) -> pd.DataFrame:
    from mdm.pair_review import pair_key

    rows = []
    for left, right in pairs:
        (ls, lr), (rs, rr) = left.split(":"), right.split(":")
        rows.append(
            {"left_source_system": ls, "left_record_id": lr, "right_source_system": rs,
             "right_record_id": rr, "key": pair_key(ls, lr, rs, rr)}
        )  # fmt: skip
    return pd.DataFrame(rows)


def test_a_pair_waiting_for_a_steward_stays_pending_on_a_night_that_does_not_compare_it():
    from mdm.incremental import carried_review

    saved = _review_rows(("erp:1", "crm:7"), ("erp:2", "crm:8"), ("erp:3", "crm:9"), ("erp:4", "crm:10"))
    tonight = _review_rows(("erp:2", "crm:8"), ("erp:5", "crm:11"))
    unchanged = pd.Series(["erp:1", "crm:7", "erp:2", "crm:8", "crm:9", "erp:4", "crm:10"])
    decided = pd.DataFrame({"left_record_id": ["crm:10"], "right_record_id": ["erp:4"]})

    kept = carried_review(tonight, saved, unchanged, decided)

    # tonight's two, plus erp:1/crm:7 (both unchanged, undecided); erp:2/crm:8 is not listed twice,
    # erp:3 changed (tonight decides anew) and erp:4/crm:10 was decided by a steward
    assert sorted(zip(kept["left_record_id"], kept["right_record_id"], strict=True)) == [
        ("1", "7"), ("2", "8"), ("5", "11"),
    ]  # fmt: skip
    assert carried_review(tonight, pd.DataFrame(), unchanged, decided) is tonight
