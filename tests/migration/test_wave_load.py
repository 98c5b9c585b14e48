"""Which golden records and store rows a migration wave covers."""

from __future__ import annotations

import pandas as pd
import pytest
from sqlalchemy import func, select

from foundation.errors import UserError
from migration.load import load_all
from migration.models import TABLES
from migration.reconcile import reconcile
from migration.store_reads import read_crosswalk
from migration.wave_load import (
    source_frames_in_wave,
    store_frames_in_wave,
    store_rows_in_wave,
    tables_cut_to_wave,
    wave_members,
)
from migration.waves import parse_scope
from tests.migration.conftest import CROSSWALK as CROSSWALK_FRAME

PARTNERS = pd.DataFrame({
    "golden_id": ["G1", "G2", "G3", "G4"],
    "sales_region": ["华东", "华南", "华东 ", "华北"],
    "parent_golden_id": [None, None, "G4", None],  # G3 is a branch of a head office in another region
})  # fmt: skip
CUSTOMERS = pd.DataFrame({"golden_id": ["K1", "K2", "K3"], "partner_golden_id": ["G1", "G2", None]})
EMPTY_CUSTOMERS = pd.DataFrame({"golden_id": [], "partner_golden_id": []})
CROSSWALK = pd.DataFrame({"source_system": ["ERP", "DMS"], "source_record_id": ["P-001", "D-9"],
                          "golden_id": ["G2", "G1"]})  # fmt: skip


def test_a_region_wave_takes_its_partners_their_head_offices_and_the_customers_they_serve():
    members = wave_members(parse_scope(["region=华东"]), PARTNERS, CUSTOMERS, CROSSWALK)
    assert members.partners == {"G1", "G3", "G4"}
    assert members.customers == {"K1"}


def test_a_partner_wave_accepts_golden_ids_or_any_source_code():
    members = wave_members(parse_scope(["partners=P-001,G4"]), PARTNERS, CUSTOMERS, CROSSWALK)
    assert members.partners == {"G2", "G4"}
    assert members.customers == {"K2"}


def test_a_wave_writes_only_its_rows_and_the_shared_master_data_whole():
    members = wave_members(parse_scope(["partners=G2"]), PARTNERS, CUSTOMERS, CROSSWALK)
    frames = {
        "partner": PARTNERS,
        "customer": CUSTOMERS,
        "order_line": pd.DataFrame({"order_no": ["1", "2"], "partner_golden_id": ["G1", "G2"]}),
        "crosswalk": CROSSWALK.assign(entity="partner"),
        "product": pd.DataFrame({"sku_code": ["A", "B"]}),
        "quarantine": pd.DataFrame({"entity": ["order"]}),
    }
    chosen = store_frames_in_wave(frames, members)
    assert chosen["partner"]["golden_id"].tolist() == ["G2"]
    assert chosen["customer"]["golden_id"].tolist() == ["K2"]
    assert chosen["order_line"]["order_no"].tolist() == ["2"]
    assert chosen["crosswalk"]["source_record_id"].tolist() == ["P-001"]
    assert len(chosen["product"]) == 2 and len(chosen["quarantine"]) == 1

    only_customers = store_frames_in_wave(
        frames, wave_members(parse_scope(["entity=customer"]), PARTNERS, CUSTOMERS, CROSSWALK)
    )
    assert set(only_customers) == {"customer", "crosswalk", "quarantine"}
    assert only_customers["crosswalk"].empty  # the crosswalk's partner rows belong to the partner wave


def test_an_entity_the_store_does_not_load_is_named():
    with pytest.raises(
        UserError,
        match=r"--scope entity=custmer: not an entity the store loads; use one of partner, customer",
    ):
        wave_members(parse_scope(["entity=custmer"]), PARTNERS, CUSTOMERS, CROSSWALK)


def _wave_rows(engine, table: str, condition) -> list[tuple]:
    from sqlalchemy import select

    t = TABLES[table]
    with engine.connect() as connection:
        rows = connection.execute(select(t.c.record_hash, t.c.load_batch_id, t.c.updated_at).where(condition))
        return sorted(tuple(r) for r in rows)


@pytest.mark.parametrize("delete_policy", ["flag", "soft_delete"])
def test_waves_load_and_reconcile_on_their_own_on_each_backend(
    store, old_frames, store_frames, delete_policy
):
    """Two regions loaded one after the other into a real store (SQLite, and PostgreSQL when reachable):
    each wave is accepted on its own, the second leaves the first's rows as they were (under either delete
    policy: another wave's rows are not gone from the sources), and the whole is accepted at the end."""

    def load_and_reconcile(region: str, batch: str):
        frames = {**store_frames, "order_line": store_frames["order"]}
        del frames["order"]
        members = wave_members(
            parse_scope([f"region={region}"]), frames["partner"], EMPTY_CUSTOMERS, CROSSWALK_FRAME
        )
        load_all(
            store,
            store_frames_in_wave(frames, members),
            batch,
            delete_policy=delete_policy,
            written_in_part=tables_cut_to_wave(members),
        )
        old = source_frames_in_wave(old_frames, members, read_crosswalk(store), {})
        return members, reconcile(old, store, seed=1, store_rows=store_rows_in_wave(members), wave=region)

    east, first = load_and_reconcile("华东", "W1")
    assert first.accepted and first.wave == "华东"
    partner = next(t for t in first.control_totals if t.entity == "partner")
    assert (partner.rows_in_source, partner.actually_in_store) == (1, 1)
    conditions = store_rows_in_wave(east)
    before = {
        name: _wave_rows(store, name, conditions[name]) for name in ("partner", "balance", "order_line")
    }

    south, second = load_and_reconcile("华南", "W2")
    assert second.accepted, [
        (t.entity, t.missing_from_store, t.not_from_source) for t in second.control_totals
    ]
    for name, rows in before.items():
        assert _wave_rows(store, name, conditions[name]) == rows, name
    partner = next(t for t in second.control_totals if t.entity == "partner")
    assert (partner.rows_in_source, partner.actually_in_store, partner.not_from_source_count) == (2, 1, 0)
    with store.connect() as connection:
        partners = TABLES["partner"]
        marked = connection.execute(
            select(func.count()).where(
                partners.c.absent_since_batch.is_not(None) | partners.c.deleted_at.is_not(None)
            )
        ).scalar_one()
    assert marked == 0  # nothing flagged or soft-deleted: the first wave's partners are not gone
    assert reconcile(old_frames, store, seed=1).accepted
