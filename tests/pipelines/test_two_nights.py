"""Two nights of the sync on the sample: night 1 loads everything; night 2 brings new, changed and removed
rows in three sources (the sample's own next-night exports) plus one row edited in the store by hand.

Only the changes are processed (matching included: the second night matches only the new and changed
partners and customers), golden ids stay, rows gone from their sources follow the delete policy,
the edit is found (and rewritten under ``repair``); under the default policies the removed rows make the
reconciliation not accepted, so the run is red and its alert reaches a real webhook."""

from __future__ import annotations

import json

import dagster as dg
import pandas as pd
import pytest
from sqlalchemy import create_engine, select, update

from foundation.settings import PROJECT_ROOT
from migration.models import TABLES
from sample_data.nightly_delta import write_night_delta
from tests.receivers import http_receiver

pytestmark = pytest.mark.slow
SOURCES = PROJECT_ROOT / "sample_data" / "sources"
UNTOUCHED_FILES = {"dms/dealers.csv", "dms/price_list.csv", "erp/partners.xlsx", "erp/products.xlsx"}


def _metadata(instance: dg.DagsterInstance, asset: str, run_id: str) -> dict:
    (record,) = instance.fetch_materializations(dg.AssetKey(asset), limit=1).records
    assert record.run_id == run_id
    return {name: value.value for name, value in record.asset_materialization.metadata.items()}


def _metadata_of_run(runs: dict[str, list[dict]], asset: str, night: int) -> dict:
    """The metadata ``asset`` had on the first (0) or second (1) night."""
    return runs[asset][night]


def _read(data_dir, table: str) -> pd.DataFrame:
    engine = create_engine(f"sqlite:///{data_dir / 'channel_store.sqlite'}")
    try:
        with engine.connect() as connection:
            return pd.read_sql(select(TABLES[table]), connection)
    finally:
        engine.dispose()


def _edit_one_partner_by_hand(data_dir) -> tuple[str, str]:
    """An UPDATE in a SQL console: one golden partner's phone changed. Returns its golden id and old phone."""
    partners = _read(data_dir, "partner").sort_values("golden_id")
    golden_id, phone = partners.iloc[0][["golden_id", "phone"]]
    engine = create_engine(f"sqlite:///{data_dir / 'channel_store.sqlite'}")
    with engine.begin() as connection:
        table = TABLES["partner"]
        connection.execute(update(table).where(table.c.golden_id == golden_id).values(phone="010-00000000"))
    engine.dispose()
    return golden_id, phone


def _two_nights(tmp_path, monkeypatch, instance, delete_policy: str, drift_policy: str):
    monkeypatch.setenv("CHANNEL_MDM_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("CHANNEL_MDM_STORE_URL", raising=False)
    monkeypatch.setenv("CHANNEL_MDM_DELETE_POLICY", delete_policy)
    monkeypatch.setenv("CHANNEL_MDM_DRIFT_POLICY", drift_policy)
    from pipelines.definitions import defs

    job = defs.resolve_job_def("master_data_sync")
    first = job.execute_in_process(instance=instance, partition_key="2026-11-27")
    assert first.success
    crosswalk_before = _read(tmp_path, "crosswalk")
    edited = _edit_one_partner_by_hand(tmp_path)
    delta = write_night_delta(1, SOURCES, tmp_path / "landing", tmp_path / "drop")
    second = job.execute_in_process(instance=instance, partition_key="2026-11-28", raise_on_error=False)
    return first, second, crosswalk_before, edited, delta


def test_night_two_processes_only_its_changes_soft_deletes_and_repairs(tmp_path, monkeypatch):
    with dg.instance_for_test() as instance:
        _, second, crosswalk_before, (golden_id, phone), delta = _two_nights(
            tmp_path, monkeypatch, instance, "soft_delete", "repair"
        )
        assert second.success  # soft-deleted rows are left out of the reconciliation's counts: accepted
        changes = _metadata(instance, "source_changes", second.run_id)
        store = _metadata(instance, "channel_store", second.run_id)
        instance_runs = {
            asset: [
                {name: value.value for name, value in r.asset_materialization.metadata.items()}
                for r in reversed(instance.fetch_materializations(dg.AssetKey(asset), limit=2).records)
            ]
            for asset in ("partner_golden", "customer_golden")
        }

    per_source = {(r["source_system"], r["entity"]): r for r in changes["changes_per_source"]}
    for source in (("crm", "partner"), ("crm", "customer"), ("dms", "order")):
        row = per_source[source]
        assert (row["new"], row["changed"], row["deleted"]) == (12, 12, 12), source
        assert row["rows_in"] == row["quarantined"] + row["new"] + row["changed"] + row["unchanged"]
    for source, row in per_source.items():
        if source not in (("crm", "partner"), ("crm", "customer"), ("dms", "order")):
            assert (row["new"], row["changed"], row["deleted"]) == (0, 0, 0), source
    skipped = changes["files_skipped_unchanged"]
    assert set(skipped) >= UNTOUCHED_FILES and not set(delta.files) & set(skipped)
    assert all(text.startswith("skipped, unchanged since ") for text in skipped.values())
    (logged,) = _read(tmp_path, "run_log").query(
        "stage == 'source_changes' and batch_id == @store['batch_id']"
    )["counts"]
    logged = json.loads(logged)  # the store's run log keeps the same counts and each file's content hash
    assert logged["sources"]["crm partner"]["deleted"] == 12
    assert logged["files"]["erp/partners.xlsx"]["unchanged_since"] == skipped["erp/partners.xlsx"].split()[-1]
    assert len(logged["files"]["crm/partners.jsonl"]["file_hash"]) == 64

    loaded = store["loaded"]
    for table in ("product", "price", "balance"):  # their sources did not change: nothing written
        assert loaded[table]["inserted"] == loaded[table]["updated"] == 0, table
    assert loaded["order_line"]["inserted"] <= 12 and loaded["order_line"]["updated"] <= 12
    assert loaded["order_line"]["soft_deleted"] == loaded["order_line"]["absent"] > 0

    # golden ids are never renumbered: every source record still there keeps its golden id
    crosswalk_after = _read(tmp_path, "crosswalk")
    both = crosswalk_before.merge(crosswalk_after, on=["entity", "source_system", "source_record_id"])
    assert len(both) == len(crosswalk_before)  # nothing removed, gone rows included
    kept = both[both["deleted_at_y"].isna()]
    assert (kept["golden_id_x"] == kept["golden_id_y"]).all()
    gone = crosswalk_after[crosswalk_after["deleted_at"].notna()]
    assert len(gone) == loaded["crosswalk"]["soft_deleted"] == 24  # 12 CRM partners and 12 CRM customers
    assert set(gone["source_system"]) == {"crm"} and gone["absent_since_batch"].notna().all()
    assert not gone["active"].astype(bool).any() and kept["active_y"].astype(bool).all()

    # the second night matched only the new and changed records against the golden records it kept
    for entity in ("partner", "customer"):
        first_match = _metadata_of_run(instance_runs, f"{entity}_golden", 0)
        second_match = _metadata_of_run(instance_runs, f"{entity}_golden", 1)
        assert first_match["match_mode"] == "full", entity
        assert first_match["match_mode_reason"] == "no previous match in the store"
        assert first_match["records_compared"] == first_match["records_in"]
        changed = per_source[("crm", entity)]["new"] + per_source[("crm", entity)]["changed"]
        assert second_match["match_mode"] == "incremental", entity
        assert second_match["records_compared"] == changed, entity
        assert 0 < second_match["pairs_scored"] < first_match["pairs_scored"] / 10
        assert 0 < second_match["golden_records_touched"] <= 3 * changed
        # survivorship ran again only for the golden records touched
        assert second_match["golden_records_recomputed"] <= second_match["golden_records_touched"]
        assert first_match["golden_records_recomputed"] == first_match["golden_records"]

    # the hand edit was found and rewritten with what the sources say
    assert store["rows_edited_in_store"] == {"partner": 1} and store["rows_repaired"] == 1
    partners = _read(tmp_path, "partner").set_index("golden_id")
    assert partners.loc[golden_id, "phone"] == phone


def test_under_the_default_policies_night_two_is_red_and_its_alert_is_sent(tmp_path, monkeypatch):
    with dg.instance_for_test() as instance, http_receiver() as (url, posts):
        _, second, _, (golden_id, _), _ = _two_nights(tmp_path, monkeypatch, instance, "flag", "flag")
        store = _metadata(instance, "channel_store", second.run_id)
        monkeypatch.setenv("CHANNEL_MDM_ALERT_WEBHOOK", url)
        _send_failure_alert(instance, second.run_id)
    evaluations = {e.check_name: e.passed for e in second.get_asset_check_evaluations()}
    assert evaluations["reconciliation_accepted"] is False and not second.success
    (post,) = posts
    assert post["body"]["reason"] == "reconciliation_not_accepted"
    assert post["body"]["details"][0] == "partition (business date): 2026-11-28"

    crosswalk = _read(tmp_path, "crosswalk")
    flagged = crosswalk[crosswalk["absent_since_batch"].notna()]
    assert len(flagged) == store["loaded"]["crosswalk"]["absent"] == 24  # kept and flagged, not deleted
    assert flagged["active"].astype(bool).all()  # flagged, not deleted: a steward decides
    assert crosswalk["deleted_at"].isna().all() and store["rows_soft_deleted"] == 0
    assert store["rows_edited_in_store"] == {"partner": 1} and store["rows_repaired"] == 0
    assert _read(tmp_path, "partner").set_index("golden_id").loc[golden_id, "phone"] == "010-00000000"


def _send_failure_alert(instance: dg.DagsterInstance, run_id: str) -> None:
    """What the daemon does for a failed run: evaluate the run-failure sensor on it."""
    from pipelines.defs.alerts import sync_failure_alert

    (failure,) = instance.get_records_for_run(run_id=run_id, of_type=dg.DagsterEventType.RUN_FAILURE).records
    context = dg.build_run_status_sensor_context(
        sensor_name="sync_failure_alert",
        dagster_instance=instance,
        dagster_run=instance.get_run_by_id(run_id),
        dagster_event=failure.event_log_entry.dagster_event,
    ).for_run_failure()
    sync_failure_alert(context)
