"""Two nightly runs: an export dropped between them is landed outside the sources folder, and the rows it
no longer has stay in the store, counted and reported, never removed silently; the reconciliation then
finds store rows that no accepted record backs, so the run is red (and the failure sensor sends it)."""

from __future__ import annotations

import hashlib

import dagster as dg
import pytest
from sqlalchemy import create_engine, func, select

from foundation.settings import PROJECT_ROOT
from migration.models import TABLES

pytestmark = pytest.mark.slow
SOURCES = PROJECT_ROOT / "sample_data" / "sources"


def _digest_of_sources() -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in SOURCES.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(SOURCES)).encode() + path.read_bytes())
    return digest.hexdigest()


def _store_metadata(instance: dg.DagsterInstance, run_id: str) -> dict:
    (record,) = instance.fetch_materializations(dg.AssetKey("channel_store"), limit=1).records
    assert record.run_id == run_id
    return record.asset_materialization.metadata


def test_a_shorter_export_is_landed_and_its_missing_rows_are_kept_and_reported(tmp_path, monkeypatch):
    monkeypatch.setenv("CHANNEL_MDM_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("CHANNEL_MDM_STORE_URL", raising=False)
    from pipelines.definitions import defs

    job = defs.resolve_job_def("master_data_sync")
    sources_before = _digest_of_sources()
    lines = (SOURCES / "crm" / "partners.jsonl").read_bytes().splitlines(keepends=True)
    with dg.instance_for_test() as instance:
        first = job.execute_in_process(instance=instance, partition_key="2026-11-27")
        assert first.success
        assert _store_metadata(instance, first.run_id)["rows_gone_from_sources"].value == 0
        crosswalk_after_first = _crosswalk_rows(tmp_path)

        (tmp_path / "drop" / "crm").mkdir(parents=True)
        (tmp_path / "drop" / "crm" / "partners.jsonl").write_bytes(b"".join(lines[:-40]))
        second = job.execute_in_process(instance=instance, partition_key="2026-11-28", raise_on_error=False)
        metadata = _store_metadata(instance, second.run_id)
        crosswalk_after_second = _crosswalk_rows(tmp_path)
        # the kept rows come from no accepted record: the reconciliation says so and the run is red
        evaluations = {e.check_name: e.passed for e in second.get_asset_check_evaluations()}
    assert evaluations["reconciliation_accepted"] is False and not second.success

    assert (tmp_path / "landing" / "crm" / "partners.jsonl").read_bytes() == b"".join(lines[:-40])
    assert not (tmp_path / "drop" / "crm" / "partners.jsonl").exists()
    assert _digest_of_sources() == sources_before  # the sources folder is never written to
    crosswalk = metadata["loaded"].value["crosswalk"]
    assert (crosswalk["absent"], crosswalk["deleted"]) == (40, 0)
    assert metadata["rows_gone_from_sources"].value == 44  # 40 crosswalk rows and 4 golden partners
    assert crosswalk_after_second == crosswalk_after_first  # nothing was removed


def _crosswalk_rows(data_dir) -> int:
    engine = create_engine(f"sqlite:///{data_dir / 'channel_store.sqlite'}")
    try:
        with engine.connect() as connection:
            return connection.execute(select(func.count()).select_from(TABLES["crosswalk"])).scalar_one()
    finally:
        engine.dispose()
