"""The sample's next-night exports: the same night gives the same files, each night builds on the last."""

from __future__ import annotations

import json

from channel_mdm.cli import main
from foundation.settings import PROJECT_ROOT
from sample_data.nightly_delta import DELTA_FILES, write_night_delta

SOURCES = PROJECT_ROOT / "sample_data" / "sources"


def _lines(path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def test_the_same_night_gives_the_same_exports_and_the_counts_it_reports(tmp_path):
    one = write_night_delta(3, SOURCES, tmp_path / "landing", tmp_path / "a")
    write_night_delta(3, SOURCES, tmp_path / "landing", tmp_path / "b")

    for relative in DELTA_FILES:
        assert (tmp_path / "a" / relative).read_bytes() == (tmp_path / "b" / relative).read_bytes()
    before = {json.loads(line)["cust_id"] for line in _lines(SOURCES / "crm" / "customers.jsonl")}
    after = {json.loads(line)["cust_id"] for line in _lines(tmp_path / "a" / "crm" / "customers.jsonl")}
    counts = one.files["crm/customers.jsonl"]
    assert (len(after - before), len(before - after)) == (counts["added"], counts["removed"]) == (12, 12)


def test_a_later_night_starts_from_the_landed_export(tmp_path):
    landing = tmp_path / "landing"
    write_night_delta(1, SOURCES, landing, landing)  # as if night 1's drop had been landed
    night_one = {json.loads(line)["acct_id"] for line in _lines(landing / "crm" / "partners.jsonl")}

    write_night_delta(2, SOURCES, landing, tmp_path / "drop")

    night_two = {json.loads(line)["acct_id"] for line in _lines(tmp_path / "drop" / "crm" / "partners.jsonl")}
    added = night_two - night_one  # night 1's exports carried forward, only night 2's rows are new
    assert len(added) == 12 and all(i.startswith("A-9002") for i in added)
    assert len(night_one - night_two) == 12


def test_nightly_refuses_sources_other_than_the_sample(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CHANNEL_MDM_SOURCES_DIR", str(tmp_path))
    monkeypatch.setenv("CHANNEL_MDM_DATA_DIR", str(tmp_path / "data"))

    assert main(["nightly"]) == 2

    assert capsys.readouterr().err.strip() == (
        f"channel-mdm nightly: error: {tmp_path}: 'nightly' changes the sample's exports only; unset "
        "CHANNEL_MDM_SOURCES_DIR (for real exports, drop them into the drop folder and let the sensor or "
        "schedule run the sync)"
    )
