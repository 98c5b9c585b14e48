"""The run summary's line about store rows gone from the sources: this batch's apart from earlier ones."""

from __future__ import annotations

from channel_mdm.commands.demo import format_gone_rows


def test_rows_gone_in_earlier_batches_are_shown_apart_from_this_batch():
    load = {
        "customer": {"absent": 14, "newly_absent": 12, "soft_deleted": 12},
        "order_line": {"absent": 24, "newly_absent": 12, "soft_deleted": 12},
        "price": {"absent": 0, "newly_absent": 0, "soft_deleted": 0},
    }

    assert format_gone_rows(load, "soft_delete") == [
        "in the store, gone from the sources in this batch: 24 (delete policy soft_delete; 24 soft-deleted now)"
        "; gone in earlier batches: 14"
    ]


def test_nothing_gone_says_nothing_and_a_flagged_night_has_no_earlier_part():
    assert format_gone_rows({"partner": {"absent": 0}}, "flag") == []
    assert format_gone_rows({"partner": {"absent": 3, "newly_absent": 3}}, "flag") == [
        "in the store, gone from the sources in this batch: 3 (delete policy flag)"
    ]
