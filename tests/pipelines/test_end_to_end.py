"""The whole asset graph, in-process, on the committed sample, checked against its ground truth."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import dagster as dg
import pandas as pd
import pytest

from foundation.settings import PROJECT_ROOT
from tests.receivers import http_receiver

TRUTH = PROJECT_ROOT / "sample_data" / "ground_truth"
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("data")
    mp = pytest.MonkeyPatch()
    mp.setenv("CHANNEL_MDM_DATA_DIR", str(data_dir))
    mp.delenv("CHANNEL_MDM_STORE_URL", raising=False)
    from pipelines.definitions import defs

    job = defs.resolve_job_def("master_data_sync")
    with dg.DagsterInstance.ephemeral() as instance:
        first = job.execute_in_process(instance=instance, partition_key="2026-11-28")
        second = job.execute_in_process(instance=instance, partition_key="2026-11-28")
    mp.undo()
    return first, second, data_dir


def _output(result, node: str, name: str = "result"):
    return result.output_for_node(node, name)


def test_every_source_row_is_accepted_or_quarantined(runs):
    first, _, _ = runs
    reports = _output(first, "source_records", "ingest_file_reports")
    assert len(reports) >= 9
    assert (reports["error"] == "").all(), reports.loc[reports["error"] != "", "error"].tolist()
    assert (reports["rows_in"] == reports["accepted"] + reports["quarantined"]).all()
    manifest = pd.read_json(TRUTH / "manifest.json", typ="series")
    assert reports["rows_in"].sum() > 10_000, manifest


def _pairs(frame: pd.DataFrame, group: str) -> set[tuple[str, str]]:
    pairs: set[tuple[str, str]] = set()
    for ids in frame.groupby(group)["record_id"]:
        pairs.update(itertools.combinations(sorted(ids[1]), 2))
    return pairs


@pytest.mark.parametrize("entity", ["partner", "customer"])
def test_merges_agree_with_the_true_entities(runs, entity):
    first, _, _ = runs
    clusters = _output(first, f"{entity}_golden").clusters
    truth = pd.read_csv(TRUTH / "entities.csv", dtype=str)
    truth = truth[truth["entity"] == entity]
    joined = clusters.merge(truth, on=["source_system", "source_record_id"], validate="one_to_one")
    assert len(joined) == len(clusters)
    predicted, true = _pairs(joined, "cluster_id"), _pairs(joined, "true_entity_id")
    found = len(predicted & true)
    precision, recall = found / len(predicted), found / len(true)
    assert precision >= 0.98, f"{entity} pairwise precision {precision:.3f}"
    assert recall >= 0.95, f"{entity} pairwise recall {recall:.3f}"


def test_hard_negatives_are_never_merged(runs):
    first, _, _ = runs
    relations = pd.read_csv(TRUTH / "relations.csv", dtype=str)
    truth = pd.read_csv(TRUTH / "entities.csv", dtype=str)
    merged = []
    for entity in ("partner", "customer"):
        clusters = _output(first, f"{entity}_golden").clusters.merge(
            truth[truth["entity"] == entity], on=["source_system", "source_record_id"]
        )
        clusters_of = clusters.groupby("true_entity_id")["cluster_id"].agg(set)
        for row in relations[relations["entity"] == entity].itertuples():
            a, b = clusters_of.get(row.true_entity_id_a, set()), clusters_of.get(row.true_entity_id_b, set())
            if a & b:
                merged.append((row.true_entity_id_a, row.true_entity_id_b, row.relation))
    assert merged == []


def _caught(defect, found: dict[str, set[str]]) -> bool:
    key = f"{defect.entity}|{defect.source_system}|{defect.record_key}"
    return key in found.get(defect.defect_kind, set()) or key in found.get("*", set())


def test_every_injected_defect_is_caught(runs):
    first, _, _ = runs
    found: dict[str, set[str]] = {}

    def add(kind: str, entity: str, systems, keys) -> None:
        found.setdefault(kind, set()).update(f"{entity}|{s}|{k}" for s, k in zip(systems, keys, strict=True))

    quarantine = _output(first, "channel_store")["quarantine"]
    for entity in ("partner", "customer", "product", "price", "balance", "order", "promotion", "volume_band"):
        held = quarantine[quarantine["entity"] == entity]
        add("*", entity, held["source_system"], held["business_key"].astype(str).str.split("|").str[-1])
        add("*", entity, held["source_system"], held["business_key"])
    for entity in ("partner", "customer"):
        std = _output(first, f"{entity}_golden").standardised
        system, record = (
            std["record_id"].str.split(":", n=1).str[0],
            std["record_id"].str.split(":", n=1).str[1],
        )
        bad_code = std["uscc_status"].isin(["invalid_checksum", "malformed", "damaged"])
        add("invalid_uscc", entity, system[bad_code], record[bad_code])
        bad_phone = std["phone_kind"].eq("invalid")
        add("malformed_phone", entity, system[bad_phone], record[bad_phone])
    for entity, key in (
        ("customer", ["source_record_id"]),
        ("price", ["sku_code", "price_tier", "sales_region", "effective_from"]),
    ):
        records = _output(first, "source_records", f"{entity}_records")
        flagged = records[records["data_flags"].fillna("") != ""]
        keys = flagged[key].astype(str).agg("|".join, axis=1)
        for kind in ("sci_notation_id", "truncated_id", "lost_leading_zero"):
            add(kind, entity, flagged["source_system"], keys)
    products = _output(first, "validated_products").quarantined
    add("*", "product", products["source_system"], products["sku_code"])
    # A unit alias (PCS, 瓶装, 箱装) is standardised, not quarantined: caught if the row says so.
    standardised = _output(first, "standardised_products")
    rewritten = standardised[
        standardised["data_flags"].str.contains("sales_unit:alias_standardised", na=False)
    ]
    add("nonstandard_unit", "product", rewritten["source_system"], rewritten["sku_code"])
    prices = _output(first, "validated_prices").quarantined
    add(
        "*",
        "price",
        prices["source_system"],
        prices[["sku_code", "price_tier", "sales_region", "effective_from"]]
        .astype(str)
        .agg("|".join, axis=1),
    )

    defects = pd.read_csv(TRUTH / "defects.csv", dtype=str)
    missed = [d for d in defects.itertuples() if not _caught(d, found)]
    assert not missed, f"{len(missed)} of {len(defects)} defects missed, e.g. {missed[:3]}"


def test_second_run_changes_nothing_in_the_store(runs):
    _, second, _ = runs
    stats = _output(second, "channel_store")["load_stats"]
    for table in ("partner", "customer", "product", "price", "balance", "order_line", "crosswalk"):
        assert stats[table]["inserted"] == 0 and stats[table]["updated"] == 0, (table, stats[table])


def test_golden_ids_survive_a_rerun(runs):
    first, second, _ = runs
    before = _output(first, "partner_golden").golden.crosswalk
    after = _output(second, "partner_golden").golden.crosswalk
    key = ["source_system", "source_record_id"]
    merged = before.merge(after, on=key, suffixes=("_before", "_after"))
    assert len(merged) == len(before)
    assert (merged["golden_id_before"] == merged["golden_id_after"]).all()


def test_reports_are_written(runs):
    first, _, data_dir = runs
    summary = _output(first, "reconciliation_report")
    assert Path(summary["reports"]["html"]).is_file()
    assert Path(summary["reports"]["json"]).is_file()
    assert (Path(data_dir) / "reports" / "data_docs").is_dir()
    html = Path(summary["reports"]["html"]).read_text(encoding="utf-8")
    assert "<svg" in html and "http://" not in html.replace("http://www.w3.org/2000/svg", "")


def test_an_accepted_reconciliation_passes_its_blocking_check(runs):
    first, _, _ = runs
    [evaluation] = [
        e for e in first.get_asset_check_evaluations() if e.check_name == "reconciliation_accepted"
    ]
    assert evaluation.passed and first.success


def test_a_reconciliation_that_is_not_accepted_fails_the_run(tmp_path):
    """Balances lost from the store after the load: the blocking check turns the run red."""
    from sqlalchemy import delete

    from migration.models import TABLES
    from migration.store import create_store_engine

    mp = pytest.MonkeyPatch()
    mp.setenv("CHANNEL_MDM_DATA_DIR", str(tmp_path))
    mp.delenv("CHANNEL_MDM_STORE_URL", raising=False)
    from pipelines.definitions import defs

    job = defs.resolve_job_def("master_data_sync")
    try:
        with dg.DagsterInstance.ephemeral() as instance, http_receiver() as (url, posts):
            accepted = job.execute_in_process(instance=instance, partition_key="2026-11-27")
            assert accepted.success
            engine = create_store_engine(f"sqlite:///{tmp_path / 'channel_store.sqlite'}")
            with engine.begin() as connection:
                connection.execute(delete(TABLES["balance"]))
            engine.dispose()
            result = job.execute_in_process(
                instance=instance,
                partition_key="2026-11-28",
                asset_selection=[dg.AssetKey("reconciliation_report")],
                raise_on_error=False,
            )
            mp.setenv("CHANNEL_MDM_ALERT_WEBHOOK", url)
            _send_failure_alert(instance, result.run_id)
    finally:
        mp.undo()
    assert not result.success
    # the last accepted run stays published
    published = json.loads((tmp_path / "published" / "published.json").read_text(encoding="utf-8"))
    assert (published["run_id"], published["business_date"]) == (accepted.run_id, "2026-11-27")
    assert json.loads((tmp_path / "published" / "summary.json").read_text(encoding="utf-8"))["accepted"]
    (post,) = posts
    assert post["body"]["reason"] == "reconciliation_not_accepted"
    assert post["body"]["details"][0] == "partition (business date): 2026-11-28"
    assert "balance_conclusion: " in post["body"]["text"]
    [evaluation] = [
        e for e in result.get_asset_check_evaluations() if e.check_name == "reconciliation_accepted"
    ]
    assert not evaluation.passed
    summary = json.loads((tmp_path / "reports" / "summary.json").read_text(encoding="utf-8"))
    assert summary["accepted"] is False


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


def test_every_branch_gets_its_true_head_office(runs):
    first, _, _ = runs
    result = _output(first, "partner_golden")
    truth = pd.read_csv(TRUTH / "entities.csv", dtype=str)
    true_of = (
        result.golden.crosswalk.merge(
            truth[truth["entity"] == "partner"], on=["source_system", "source_record_id"]
        )
        .drop_duplicates("golden_id")
        .set_index("golden_id")["true_entity_id"]
    )
    relations = pd.read_csv(TRUTH / "relations.csv", dtype=str)
    branch_of = relations[(relations["entity"] == "partner") & (relations["relation"] == "branch_of")]
    expected = set(zip(branch_of["true_entity_id_a"], branch_of["true_entity_id_b"], strict=True))
    golden = result.golden.golden.dropna(subset=["parent_golden_id"])
    linked = set(
        zip(true_of.reindex(golden["golden_id"]), true_of.reindex(golden["parent_golden_id"]), strict=True)
    )
    present = {(a, b) for a, b in expected if a in set(true_of) and b in set(true_of)}
    assert linked <= expected  # no branch is given a wrong head office
    assert linked == present  # and every branch whose head office is in some source has it
    assert result.unlinked_branches.empty
    assert golden["parent_link"].value_counts().to_dict() == {"source_parent_code": 33, "name_rule": 3}


def test_the_hierarchy_and_the_scorecard_are_counted_and_reported(runs):
    first, _, data_dir = runs
    metadata = first.asset_materializations_for_node("partner_golden")[0].metadata
    counts = {
        k: metadata[k].value
        for k in ("head_office_by_source_code", "head_office_by_name", "branches_unlinked")
    }
    assert counts == {"head_office_by_source_code": 33, "head_office_by_name": 3, "branches_unlinked": 0}
    # no sample source names the 一批 that supplies a 二批 dealer: every dealer is counted without one
    assert metadata["tier2_dealers_with_supplier"].value == 0
    assert metadata["tier2_dealers_without_supplier"].value == metadata["tier2_dealers"].value > 0

    scorecard = _output(first, "quality_scorecard")
    systems = set(zip(scorecard["entity"], scorecard["source_system"], strict=True))
    assert {("partner", "erp"), ("partner", "dms"), ("partner", "crm"), ("customer", "sales")} <= systems
    html = (data_dir / "reports" / "reconciliation.html").read_text(encoding="utf-8")
    assert "Data quality by source" in html
    summary = json.loads((data_dir / "reports" / "summary.json").read_text(encoding="utf-8"))
    assert len(summary["data_quality"]) == len({(e, s) for e, s in systems})
