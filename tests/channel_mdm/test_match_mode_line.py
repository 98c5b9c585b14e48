"""The printed summary says how partners and customers were matched; ``CHANNEL_MDM_FULL_MATCH`` asks for a full match."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from channel_mdm.commands.demo import format_matching
from foundation.settings import load_settings


def _result(metadata_by_node: dict[str, dict]) -> SimpleNamespace:
    def materializations(node: str) -> list:
        meta = metadata_by_node.get(node)
        if meta is None:
            return []
        return [SimpleNamespace(metadata={k: SimpleNamespace(value=v) for k, v in meta.items()})]

    return SimpleNamespace(asset_materializations_for_node=materializations)


def test_the_summary_names_the_match_mode_and_what_it_compared():
    partner = {
        "match_mode": "incremental",
        "match_mode_reason": "24 of 2,540 records new or changed",
        "records_compared": 24,
        "records_in": 2540,
        "pairs_scored": 88,
        "golden_records_touched": 36,
    }
    customer = {**partner, "match_mode": "full", "match_mode_reason": "no previous match in the store"}
    customer.update(records_compared=2401, records_in=2401, pairs_scored=7667, golden_records_touched=1500)
    lines = format_matching(_result({"partner_golden": partner, "customer_golden": customer}))
    assert lines == [
        "matching partner:  incremental (24 of 2,540 records new or changed): 24 of 2,540 records compared, "
        "88 pairs scored, 36 golden records touched",
        "matching customer: full (no previous match in the store): 2,401 of 2,401 records compared, "
        "7,667 pairs scored, 1,500 golden records touched",
    ]
    assert format_matching(_result({})) == []


@pytest.mark.parametrize(("value", "full"), [("1", True), ("yes", True), ("", False), ("0", False)])
def test_full_match_is_asked_for_through_the_environment(monkeypatch, value, full):
    monkeypatch.setenv("CHANNEL_MDM_FULL_MATCH", value)
    assert load_settings().full_match is full
