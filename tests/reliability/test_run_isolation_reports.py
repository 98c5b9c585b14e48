"""Every report names the load it checks, and replacing it is all or nothing.

Found by a hostile run: a kill after the store's commit left the previous run's HTML and summary in
place, with nothing telling a reader they belonged to an earlier load.
"""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import pandas as pd
import pytest

from foundation.errors import UserError
from migration.load import load_all
from migration.reconcile import reconcile
from migration.report import write_report
from migration.store import create_store_engine, upgrade_store
from migration.store_reads import latest_committed_load

FIRST, SECOND, LATER = "20261128T090000Z-aaaaaa", "20261128T100000Z-bbbbbb", "20261128T110000Z-cccccc"


@pytest.fixture
def engine(tmp_path):
    engine = create_store_engine(f"sqlite:///{tmp_path / 'store.sqlite'}")
    upgrade_store(engine)
    yield engine
    engine.dispose()


def _products(count: int) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "sku_code": [f"SKU{i:04d}" for i in range(count)],
            "product_name": [f"产品{i}" for i in range(count)],
            "tax_rate": ["0.13"] * count,
        }
    )


def _stamps(reports: Path) -> dict[str, set[str]]:
    """The batch id each report file carries."""
    html = (reports / "reconciliation.html").read_text(encoding="utf-8")
    keys = pd.read_csv(reports / "sampled_keys.csv", encoding="utf-8-sig", dtype=str)
    return {
        "html": set(re.findall(r'<meta name="channel-mdm-batch-id" content="([^"]*)">', html)),
        "json": {json.loads((reports / "reconciliation.json").read_text(encoding="utf-8"))["batch_id"]},
        "sampled_keys": set(keys["batch_id"]),
    }


def test_the_report_is_stamped_with_the_latest_committed_load(engine, tmp_path):
    products = _products(40)
    load_all(engine, {"product": products}, FIRST)
    load_all(engine, {"product": products}, SECOND)
    with pytest.raises(UserError):  # a failed load is logged in run_log but is not a committed load
        load_all(engine, {"product": pd.DataFrame({"sku_code": ["SKU9"]})}, LATER)  # no product_name column

    files = write_report(reconcile({"product": products}, engine), tmp_path / "reports")

    latest = latest_committed_load(engine)
    assert latest is not None and latest.batch_id == SECOND
    assert _stamps(tmp_path / "reports") == {"html": {SECOND}, "json": {SECOND}, "sampled_keys": {SECOND}}
    html = files.html.read_text(encoding="utf-8")
    assert f'<td class="text">Load batch</td><td class="text">{SECOND}</td>' in html


def test_a_load_committed_after_the_report_makes_the_report_visibly_stale(engine, tmp_path):
    # As when a run is killed after the store's commit and before its report is written.
    products = _products(40)
    load_all(engine, {"product": products}, FIRST)
    files = write_report(reconcile({"product": products}, engine), tmp_path / "reports")
    load_all(engine, {"product": products}, SECOND)

    stamp = json.loads(files.json.read_text(encoding="utf-8"))["batch_id"]
    latest = latest_committed_load(engine)
    assert (stamp, latest.batch_id if latest else None) == (FIRST, SECOND)


def test_a_report_that_fails_to_render_leaves_the_previous_one_whole(engine, tmp_path):
    products = _products(40)
    load_all(engine, {"product": products}, FIRST)
    result = reconcile({"product": products}, engine)
    reports = tmp_path / "reports"
    write_report(result, reports)
    before = {path.name: path.read_bytes() for path in reports.iterdir()}

    broken = dataclasses.replace(result, batch_id=SECOND, seed=object())  # not JSON: rendering fails
    with pytest.raises(TypeError):
        write_report(broken, reports)

    assert {path.name: path.read_bytes() for path in reports.iterdir()} == before
