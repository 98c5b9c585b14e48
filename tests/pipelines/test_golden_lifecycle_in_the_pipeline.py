"""The steward's loop end to end on the real pipeline, a real SQLite store and a real review workbook:
run, export the review workbook, decide in it as a steward would (one wrong cell refused and fixed),
import, run again with new and changed records from the sample generator, then split a merge back
out and run a third time.

After the second run every decision holds, no golden id changed except by the steward's merge, the
merged-away id resolves as an alias, the reconciliation is accepted and ``golden show`` prints the
history; after the unmerge the split record gets its old id back and keeps it on the next run."""

from __future__ import annotations

import io
import json
from contextlib import redirect_stdout
from pathlib import Path

import dagster as dg
import pandas as pd
import pytest
from sqlalchemy import create_engine, select

from channel_mdm.cli import main
from foundation.settings import PROJECT_ROOT
from migration.golden_reads import read_golden_record
from migration.models import TABLES
from migration.steward_decisions import load_decisions
from sample_data.generate import generate_party_data
from sample_data.writers import write_crm_partners
from tests.review_workbooks import decide

pytestmark = pytest.mark.slow
CRM_PARTNERS = PROJECT_ROOT / "sample_data" / "sources" / "crm" / "partners.jsonl"


def _generated_crm_partners(path: Path, n_entities: int, seed: int, prefix: str, difficulty: str) -> bytes:
    """Partner records from the sample generator, written as CRM accounts with ids of their own."""
    records = generate_party_data(n_entities, seed, difficulty=difficulty).records
    records = records.assign(
        source_record_id=[f"{prefix}{i:05d}" for i in range(len(records))], parent_record_id=""
    )
    write_crm_partners(path, records)
    return path.read_bytes()


def _drop_crm_partners(data_dir: Path, content: bytes) -> None:
    folder = data_dir / "drop" / "crm"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "partners.jsonl").write_bytes(content)


def _crosswalk(engine) -> pd.Series:
    table = TABLES["crosswalk"]
    query = select(table.c.source_system, table.c.source_record_id, table.c.golden_id).where(
        table.c.entity == "partner"
    )
    with engine.connect() as connection:
        frame = pd.DataFrame(connection.execute(query).all(), columns=["system", "record", "golden_id"])
    return frame.set_index(["system", "record"])["golden_id"]


def _run(job, instance, day: str):
    result = job.execute_in_process(instance=instance, partition_key=day, raise_on_error=False)
    checks = {e.check_name: e.passed for e in result.get_asset_check_evaluations()}
    return result, checks


def test_the_stewards_loop_keeps_every_decision_and_the_golden_records_history(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CHANNEL_MDM_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("CHANNEL_MDM_STORE_URL", raising=False)
    from pipelines.definitions import defs

    job = defs.resolve_job_def("master_data_sync")
    engine = create_engine(f"sqlite:///{tmp_path / 'channel_store.sqlite'}")
    original = CRM_PARTNERS.read_bytes()
    # hard look-alikes from the generator (two batches): the matcher leaves some of their pairs for a steward
    look_alikes = _generated_crm_partners(tmp_path / "hard.jsonl", 25, 4242, "A-9", "hard")
    look_alikes += _generated_crm_partners(tmp_path / "hard_2.jsonl", 25, 4244, "A-7", "hard")
    _drop_crm_partners(tmp_path, original + look_alikes)
    review = tmp_path / "partners_review.xlsx"
    try:
        with dg.instance_for_test() as instance:
            first, checks = _run(job, instance, "2026-11-27")
            assert first.success and checks["reconciliation_accepted"]
            before = _crosswalk(engine)

            assert main(["review", "export", "--entity", "partner", str(review)]) == 0
            merge, confirm = ("A-700000", "A-700038"), ("A-101228", "D11432")
            apart = [("A-900023", "A-900042"), ("A-900010", "A-900042")]
            assert before[("crm", merge[0])] != before[("crm", merge[1])]
            assert before[("crm", confirm[0])] == before[("dms", confirm[1])]
            assert all(before[("crm", a)] != before[("crm", b)] for a, b in apart)
            answers = {merge: "merge", confirm: "merge", apart[0]: "not a match"}
            rows = decide(review, answers | {apart[1]: "maybe"})
            capsys.readouterr()
            assert main(["review", "import", str(review), "--steward", "王芳"]) == 2
            row = rows[apart[1]]
            assert capsys.readouterr().err.strip() == (
                f"channel-mdm review: error: partners_review.xlsx, sheet 'review', row {row}, cell A{row}: "
                "decision 'maybe' is not one of merge, not a match, skip; pick one from the dropdown; "
                "nothing was applied"
            )
            assert load_decisions(engine).empty
            decide(review, {apart[1]: "not a match"})
            assert main(["review", "import", str(review), "--steward", "王芳"]) == 0
            assert len(load_decisions(engine)) == 4

            # the next export: new partners, and a singleton CRM partner whose e-mail changed
            singles = before[before.map(before.value_counts()) == 1]
            lines = [json.loads(line) for line in original.decode("utf-8").splitlines()]
            with_email = {a["acct_id"] for a in lines if (a.get("contact") or {}).get("email")}
            changed = next(
                r for (s, r) in singles.index if s == "crm" and r.startswith("A-1") and r in with_email
            )
            for account in lines:
                if account["acct_id"] == changed:
                    old_email = account["contact"]["email"]
                    account["contact"]["email"] = "new-address@example.com"
            edited = "".join(json.dumps(a, ensure_ascii=False) + "\n" for a in lines).encode("utf-8")
            newcomers = _generated_crm_partners(tmp_path / "new.jsonl", 4, 99, "A-8", "standard")
            _drop_crm_partners(tmp_path, edited + look_alikes + newcomers)
            second, checks = _run(job, instance, "2026-11-28")
            after = _crosswalk(engine)
            shown_before_unmerge = _golden_show(before[("crm", merge[0])])

            survivor, retired = sorted([before[("crm", merge[0])], before[("crm", merge[1])]])
            assert main(["golden", "unmerge", survivor, "--records", f"crm:{merge[1]}"]) == 0
            third, checks_after_unmerge = _run(job, instance, "2026-11-29")
            after_unmerge = _crosswalk(engine)
        alias = read_golden_record(engine, retired)
    finally:
        engine.dispose()

    assert second.success and checks["reconciliation_accepted"]
    # the steward's decisions hold
    assert after[("crm", merge[0])] == after[("crm", merge[1])] == survivor
    assert after[("crm", confirm[0])] == after[("dms", confirm[1])]
    assert all(after[("crm", a)] != after[("crm", b)] for a, b in apart)
    # no golden id changed except by the steward's merge
    expected = before.replace({retired: survivor})
    assert after.reindex(before.index).equals(expected)
    new_ids = after.drop(before.index)
    assert len(new_ids) > 0 and (new_ids > before.max()).all()
    # the merged-away id resolves, and the history says what happened
    assert shown_before_unmerge[0] == f"partner {survivor}"
    history = shown_before_unmerge[shown_before_unmerge.index("aliases (1):") :]
    assert any(line.startswith(f"  {retired}: merged in at ") for line in history)
    assert any(
        line.endswith(f"merge: {retired} merged into {survivor} (batch {_batch(second)}, steward file "
                      "partners_review.xlsx)")
        for line in history
    )  # fmt: skip
    assert any(f"create {survivor} from crm" in line for line in history)
    changed_record = _golden_show(after[("crm", changed)])
    assert any(
        line.endswith(f"change email: {old_email!r} → 'new-address@example.com' (batch {_batch(second)})")
        for line in changed_record
    )
    # the unmerge gave the split record its old id back, and the next run kept it
    assert third.success and checks_after_unmerge["reconciliation_accepted"]
    assert after_unmerge[("crm", merge[1])] == retired
    assert after_unmerge[("crm", merge[0])] == survivor
    assert alias is not None and alias.golden_id == retired and alias.asked_for == retired
    assert after_unmerge.drop([("crm", merge[1])]).equals(
        after.reindex(after_unmerge.index).drop([("crm", merge[1])])
    )


def _batch(result) -> str:
    (event,) = [
        e for e in result.get_asset_materialization_events() if e.asset_key == dg.AssetKey("channel_store")
    ]
    return event.materialization.metadata["batch_id"].value


def _golden_show(golden_id: str) -> list[str]:
    """What ``channel-mdm golden show`` prints, line by line."""
    buffer = io.StringIO()
    with redirect_stdout(buffer):
        assert main(["golden", "show", golden_id]) == 0
    return buffer.getvalue().splitlines()
