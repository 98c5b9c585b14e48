"""One sync into the store through :func:`migration.publish_store.publish_store`, without Dagster: golden ids
on customers, balances and orders, the quarantine of what resolves to nothing, the source rows' state, and
rows gone from the sources counted per batch."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd
from sqlalchemy import select

from expectations.runner import ValidationOutcome
from mdm.parties import match_parties
from migration.models import TABLES
from migration.publish_store import SyncResults, publish_store
from migration.source_changes import detect_source_changes, read_source_state, source_row_hashes

TRUST = {"ERP": 1, "DMS": 2}


def _partners(old_frames) -> pd.DataFrame:
    return old_frames["partner"].assign(address="", province="", city="", district="", email="")


def _customers() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "source_system": ["ERP", "ERP"],
            "source_file": "erp_customers.xlsx",
            "source_row": [2, 3],
            "source_record_id": ["C1", "C2"],
            "customer_kind": "business",
            "customer_name": ["广州市天河百货有限公司", "成都市锦江便利店有限公司"],
            "uscc": "",
            "phone": ["020-38881234", "028-85551234"],
            "address": "",
            "province": "",
            "city": "",
            "district": "",
            "email": "",
            "postcode": "",
            "birth_date": "",
            "created_date": "",
            "partner_record_id": ["P001", "P404"],
        }
    )


def _passed(frame: pd.DataFrame, name: str) -> ValidationOutcome:
    return ValidationOutcome(name, True, [], frame, pd.DataFrame(columns=["severity"]), None)


def _sync(old_frames, store, batch_id: str, partners: pd.DataFrame) -> SyncResults:
    balances = pd.concat(
        [old_frames["balance"], old_frames["balance"].iloc[[0]].assign(partner_record_id="P999")],
        ignore_index=True,
    )
    reports = pd.DataFrame(
        [
            {"entity": "partner", "source_system": s, "rows_in": 3, "quarantined": 0, "error": ""}
            for s in ("ERP", "DMS")
        ]
    )
    changes = detect_source_changes(source_row_hashes(partners, "partner"), read_source_state(store), reports)
    return SyncResults(
        batch_id=batch_id,
        trust_ranks=TRUST,
        partner_golden=match_parties("partner", partners, TRUST),
        customer_golden=match_parties("customer", _customers(), TRUST),
        customer_records=_customers(),
        products=_passed(old_frames["product"], "products"),
        prices=_passed(old_frames["price"], "prices"),
        promotions=_passed(pd.DataFrame(), "promotions"),
        volume_bands=_passed(pd.DataFrame(), "volume_bands"),
        balance_records=balances,
        orders=old_frames["order"],
        product_master=SimpleNamespace(  # type: ignore[arg-type]  # the store needs only its crosswalk
            crosswalk=pd.DataFrame(columns=["source_system", "source_code", "sku_code", "match_method"])
        ),
        ingest_quarantine=pd.DataFrame(),
        source_changes=changes,
    )


def _rows(store, name: str, *columns: str) -> list[tuple]:
    table = TABLES[name]
    with store.connect() as connection:
        return sorted(connection.execute(select(*(table.c[c] for c in columns))).all())


def test_one_sync_resolves_partners_quarantines_the_unknown_and_saves_the_source_state(store, old_frames):
    partners = _partners(old_frames)

    published = publish_store(store, _sync(old_frames, store, "B1", partners))

    unknown = published.quarantine[published.quarantine["reason_code"] == "unknown_partner"]
    assert unknown["business_key"].tolist() == ["ERP|P999|2026-10-31"]
    assert ("P999",) not in _rows(store, "balance", "partner_record_id")
    partner_of = dict(_rows(store, "crosswalk", "source_record_id", "golden_id"))
    assert _rows(store, "customer", "customer_name", "partner_golden_id") == [
        ("广州市天河百货有限公司", partner_of["P001"]),
        ("成都市锦江便利店有限公司", None),  # its partner code names no partner
    ]
    assert sorted(read_source_state(store)["row_key"]) == ["DMS|D-9", "ERP|P001", "ERP|P002"]
    assert [s for (s,) in _rows(store, "run_log", "stage")] == ["load", "source_changes"]


def test_rows_gone_tonight_are_counted_apart_from_those_gone_before(store, old_frames):
    partners = _partners(old_frames)
    publish_store(store, _sync(old_frames, store, "B1", partners), delete_policy="soft_delete")
    fewer = partners[partners["source_record_id"] != "P002"].reset_index(drop=True)

    tonight = publish_store(store, _sync(old_frames, store, "B2", fewer), delete_policy="soft_delete")
    next_night = publish_store(store, _sync(old_frames, store, "B3", fewer), delete_policy="soft_delete")

    # the partner, its crosswalk row and its two balances (whose partner code now resolves to nothing)
    assert tonight.gone_this_batch == tonight.gone == {"partner": 1, "balance": 2, "crosswalk": 1}
    assert next_night.gone == tonight.gone and next_night.gone_this_batch == {}
    assert ("P002", False) in _rows(store, "crosswalk", "source_record_id", "active")
