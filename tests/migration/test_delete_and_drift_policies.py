"""Rows gone from the sources and rows edited in the store, under each policy, on every store backend."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

import pytest
from sqlalchemy import select, update

from foundation.errors import UserError
from migration.direct_edits import check_drift_policy, find_direct_edits, rewrite_on_next_load
from migration.load import load_all
from migration.models import TABLES


def _order_marks(engine) -> dict[str, tuple]:
    table = TABLES["order_line"]
    with engine.connect() as connection:
        rows = connection.execute(
            select(table.c.order_no, table.c.line_no, table.c.absent_since_batch, table.c.deleted_at)
        )
        return {f"{r.order_no}/{r.line_no}": (r.absent_since_batch, r.deleted_at is not None) for r in rows}


def test_flag_keeps_a_gone_row_marks_it_and_unmarks_it_when_it_comes_back(store, store_frames):
    load_all(store, store_frames, "B1")
    fewer = {**store_frames, "order": store_frames["order"].iloc[:2]}

    stats = load_all(store, fewer, "B2")

    assert (stats["order_line"].absent, stats["order_line"].soft_deleted) == (1, 0)
    assert Counter(_order_marks(store).values()) == {(None, False): 2, ("B2", False): 1}
    load_all(store, fewer, "B3")  # still gone: keeps the first batch that missed it
    assert Counter(_order_marks(store).values()) == {(None, False): 2, ("B2", False): 1}
    load_all(store, store_frames, "B4")  # back in its source
    assert all(mark == (None, False) for mark in _order_marks(store).values())


def test_soft_delete_stamps_the_gone_row_and_keeps_it(store, store_frames):
    load_all(store, store_frames, "B1")
    fewer = {**store_frames, "order": store_frames["order"].iloc[:2]}

    stats = load_all(store, fewer, "B2", delete_policy="soft_delete")

    assert (stats["order_line"].absent, stats["order_line"].soft_deleted) == (1, 1)
    assert Counter(_order_marks(store).values()) == {(None, False): 2, ("B2", True): 1}
    assert load_all(store, fewer, "B3", delete_policy="soft_delete")["order_line"].soft_deleted == 0
    load_all(store, store_frames, "B4", delete_policy="soft_delete")
    assert all(mark == (None, False) for mark in _order_marks(store).values())


def test_an_unknown_policy_is_one_clear_message(store, store_frames):
    with pytest.raises(
        UserError,
        match=r"unknown delete policy 'purge' \(CHANNEL_MDM_DELETE_POLICY\); use one of: flag, soft_delete",
    ):
        load_all(store, store_frames, "B1", delete_policy="purge")  # type: ignore[arg-type]
    with pytest.raises(
        UserError, match=r"unknown drift policy 'fix' \(CHANNEL_MDM_DRIFT_POLICY\); use one of: flag, repair"
    ):
        check_drift_policy("fix")


def _edit_a_price_by_hand(store) -> None:
    table = TABLES["price"]
    with store.begin() as connection:
        connection.execute(
            update(table)
            .where(table.c.sku_code == "SKU2", table.c.price_tier == "tier1")
            .values(price=Decimal("1.00"))
        )


def _price_of_sku2(store) -> Decimal:
    table = TABLES["price"]
    with store.connect() as connection:
        return connection.execute(select(table.c.price).where(table.c.sku_code == "SKU2")).scalar_one()


def test_flag_reports_a_hand_edit_and_leaves_it(store, store_frames):
    load_all(store, store_frames, "B1")
    _edit_a_price_by_hand(store)

    edited = find_direct_edits(store)
    stats = load_all(store, store_frames, "B2")

    assert edited["price"].to_dict("records")[0]["sku_code"] == "SKU2"
    assert stats["price"].updated == 0 and _price_of_sku2(store) == Decimal("1.00")
    assert set(find_direct_edits(store)) == {"price"}  # still found, every night, until someone decides


def test_repair_rewrites_a_hand_edit_with_what_the_last_load_wrote(store, store_frames):
    load_all(store, store_frames, "B1")
    _edit_a_price_by_hand(store)

    rewrite_on_next_load(store, find_direct_edits(store))
    stats = load_all(store, store_frames, "B2")

    assert stats["price"].updated == 1 and _price_of_sku2(store) == Decimal("10.00")
    assert find_direct_edits(store) == {}


def _crosswalk_state(engine) -> dict[str, tuple]:
    table = TABLES["crosswalk"]
    with engine.connect() as connection:
        rows = connection.execute(
            select(
                table.c.source_system, table.c.source_record_id, table.c.active, table.c.absent_since_batch
            )
        )
        return {f"{r.source_system}:{r.source_record_id}": (r.active, r.absent_since_batch) for r in rows}


@pytest.mark.parametrize(("policy", "active_while_gone"), [("flag", True), ("soft_delete", False)])
def test_a_soft_deleted_crosswalk_row_is_inactive_until_its_record_comes_back(
    store, store_frames, policy, active_while_gone
):
    load_all(store, store_frames, "B1", delete_policy=policy)
    gone = store_frames["crosswalk"].iloc[-1]
    gone_key = f"{gone['source_system']}:{gone['source_record_id']}"
    fewer = {**store_frames, "crosswalk": store_frames["crosswalk"].iloc[:-1]}

    load_all(store, fewer, "B2", delete_policy=policy)

    state = _crosswalk_state(store)
    assert state.pop(gone_key) == (active_while_gone, "B2")  # flagged rows stay active: a steward decides
    assert set(state.values()) == {(True, None)}
    assert "crosswalk" not in find_direct_edits(store)  # the load's own change, not an edit by hand
    load_all(store, store_frames, "B3", delete_policy=policy)
    assert set(_crosswalk_state(store).values()) == {(True, None)}
    assert "crosswalk" not in find_direct_edits(store)


def test_only_rows_this_batch_missed_first_count_as_newly_gone(store, store_frames):
    load_all(store, store_frames, "B1", delete_policy="soft_delete")
    two_gone = {**store_frames, "order": store_frames["order"].iloc[:1]}
    one_gone = {**store_frames, "order": store_frames["order"].iloc[:2]}
    load_all(store, one_gone, "B2", delete_policy="soft_delete")

    stats = load_all(store, two_gone, "B3", delete_policy="soft_delete")["order_line"]
    again = load_all(store, two_gone, "B3", delete_policy="soft_delete")["order_line"]
    later = load_all(store, two_gone, "B4", delete_policy="soft_delete")["order_line"]

    assert (stats.absent, stats.newly_absent, stats.soft_deleted) == (2, 1, 1)
    assert (again.absent, again.newly_absent) == (2, 1)  # the same batch run again says the same
    assert (later.absent, later.newly_absent, later.soft_deleted) == (2, 0, 0)
