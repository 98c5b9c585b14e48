"""A steward's decision stored after one pipeline run holds in the next: a pair the matcher merged and
the steward called not a match ends in two golden records; the pairs left for review are in the store
for ``channel-mdm review export``."""

from __future__ import annotations

import dagster as dg
import pandas as pd
import pytest
from sqlalchemy import create_engine, select

from migration.match_review import read_match_review
from migration.models import TABLES
from migration.steward_decisions import save_decisions

pytestmark = pytest.mark.slow


def _partner_crosswalk(engine) -> pd.DataFrame:
    table = TABLES["crosswalk"]
    query = select(table.c.source_system, table.c.source_record_id, table.c.golden_id).where(
        table.c.entity == "partner", table.c.active.is_(True)
    )
    with engine.connect() as connection:
        return pd.DataFrame(
            connection.execute(query).all(), columns=["source_system", "source_record_id", "golden_id"]
        )


def test_a_not_a_match_decision_splits_a_merged_pair_on_the_next_run(tmp_path, monkeypatch):
    monkeypatch.setenv("CHANNEL_MDM_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("CHANNEL_MDM_STORE_URL", raising=False)
    from pipelines.definitions import defs

    job = defs.resolve_job_def("master_data_sync")
    engine = create_engine(f"sqlite:///{tmp_path / 'channel_store.sqlite'}")
    try:
        with dg.instance_for_test() as instance:
            assert job.execute_in_process(instance=instance, partition_key="2026-11-27").success
            assert read_match_review(engine, "partner").columns.size > 0  # the table is there, filled or not
            crosswalk = _partner_crosswalk(engine)
            merged = crosswalk[crosswalk.duplicated("golden_id", keep=False)].sort_values("golden_id")
            pair = merged[merged["golden_id"] == merged["golden_id"].iloc[0]].iloc[:2]
            (left, right) = pair.itertuples(index=False)
            decision = pd.DataFrame(
                [
                    {
                        "left_source_system": left.source_system,
                        "left_source_record_id": left.source_record_id,
                        "right_source_system": right.source_system,
                        "right_source_record_id": right.source_record_id,
                        "decision": "not_a_match",
                        "notes": "two shops",
                        "sheet_row": 2,
                    }
                ]
            )
            save_decisions(
                engine, decision, decided_by="steward", source_file="review.xlsx", entity="partner"
            )
            second = job.execute_in_process(
                instance=instance, partition_key="2026-11-28", raise_on_error=False
            )
            (record,) = instance.fetch_materializations(dg.AssetKey("partner_golden"), limit=1).records
            metadata = record.asset_materialization.metadata
        after = _partner_crosswalk(engine).set_index(["source_system", "source_record_id"])["golden_id"]
    finally:
        engine.dispose()
    assert record.run_id == second.run_id
    assert metadata["steward_decisions_applied"].value == 1
    assert (
        after[(left.source_system, left.source_record_id)]
        != after[(right.source_system, right.source_record_id)]
    )
