"""Migration waves through the whole asset graph on the committed sample: a pilot region is loaded and
reconciled on its own, a second wave leaves the pilot's rows exactly as they were and does not count
them, and the whole load afterwards is accepted."""

from __future__ import annotations

import json

import dagster as dg
import pandas as pd
import pytest
import sqlalchemy as sa

from migration.waves import WAVE_TAG, parse_scope

pytestmark = pytest.mark.slow

TABLES = {
    "partner": ["golden_id"],
    "customer": ["golden_id"],
    "balance": ["partner_golden_id", "as_of_date", "source_system", "partner_record_id"],
    "order_line": ["source_system", "order_no", "line_no"],
}


def _store_rows(url: str) -> dict[str, pd.DataFrame]:
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        frames = {
            name: pd.read_sql(
                sa.text(f"SELECT {', '.join(key)}, record_hash, load_batch_id, updated_at FROM {name}"),
                connection,
            ).set_index(key)
            for name, key in TABLES.items()
        }
    engine.dispose()
    return frames


@pytest.fixture(scope="module")
def waves(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("data")
    url = f"sqlite:///{data_dir / 'store.sqlite'}"
    mp = pytest.MonkeyPatch()
    mp.setenv("CHANNEL_MDM_DATA_DIR", str(data_dir))
    mp.setenv("CHANNEL_MDM_STORE_URL", url)
    from pipelines.definitions import defs

    job = defs.resolve_job_def("master_data_sync")
    outcomes = {}
    with dg.DagsterInstance.ephemeral() as instance:
        for name, options in (("pilot", ["region=华东"]), ("second", ["region=华北"]), ("whole", [])):
            scope = parse_scope(options)
            tags = {WAVE_TAG: json.dumps(scope.to_dict(), ensure_ascii=False)} if options else {}
            result = job.execute_in_process(
                instance=instance, partition_key="2026-11-28", tags=tags, raise_on_error=False
            )
            report = json.loads((data_dir / "reports" / "reconciliation.json").read_text(encoding="utf-8"))
            outcomes[name] = (result, report, _store_rows(url))
    mp.undo()
    return outcomes


def test_the_pilot_wave_loads_and_reconciles_only_its_region(waves):
    result, report, rows = waves["pilot"]
    assert result.success
    assert report["accepted"] and report["wave"] == "region=华东"
    summary = result.output_for_node("reconciliation_report")
    assert summary["wave"] == "region=华东"
    assert 0 < len(rows["partner"]) < 1_000  # the sample holds about 1,200 golden partners in all regions
    for totals in report["control_totals"]:
        assert totals["expected_in_store"] == totals["actually_in_store"], totals
        assert totals["missing_count"] == 0 and totals["not_from_source_count"] == 0, totals


def test_a_second_wave_leaves_the_pilots_rows_as_they_were_and_does_not_count_them(waves):
    _, _, pilot = waves["pilot"]
    result, report, second = waves["second"]
    assert report["wave"] == "region=华北"
    for name, before in pilot.items():
        after = second[name].reindex(before.index)
        pd.testing.assert_frame_equal(after, before, check_dtype=False, obj=name)
    for totals in report["control_totals"]:
        # the pilot's rows are in the store but are no part of this wave: neither extra nor missing
        assert totals["not_from_source_count"] == 0 and totals["missing_count"] == 0, totals
        assert totals["expected_in_store"] == totals["actually_in_store"], totals
    partners = next(t for t in report["control_totals"] if t["entity"] == "partner")
    assert partners["actually_in_store"] < len(second["partner"])  # the store holds both waves
    assert partners["actually_in_store"] < len(
        pilot["partner"]
    )  # the second, smaller wave counts only its own


def test_the_whole_load_after_the_waves_is_accepted(waves):
    result, report, rows = waves["whole"]
    assert result.success and report["accepted"] and report["wave"] == "everything (no wave)"
