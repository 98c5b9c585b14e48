from __future__ import annotations

import json
import os
import re
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import delete, update

from migration.load import load_all
from migration.models import TABLES
from migration.reconcile import reconcile
from migration.report import load_result, render_html, render_json, svg_bar_chart, write_report
from migration.results import ReconciliationResult
from migration.store import create_store_engine, upgrade_store

SNAPSHOTS = Path(__file__).parent / "snapshots"
UPDATE_ENV = "CHANNEL_MDM_UPDATE_SNAPSHOTS"
TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?([+-]\d\d:\d\d|Z)?")


def _masked(text: str) -> str:
    return TIMESTAMP.sub("<timestamp>", text)


def assert_matches_snapshot(name: str, rendered: str) -> None:
    """Compare with tests/migration/snapshots/<name>; CHANNEL_MDM_UPDATE_SNAPSHOTS=1 rewrites it."""
    path = SNAPSHOTS / name
    rendered = _masked(rendered)
    if os.environ.get(UPDATE_ENV) == "1":
        path.write_text(rendered, encoding="utf-8")
    if not path.exists():
        pytest.fail(f"no snapshot {path}; run the tests with {UPDATE_ENV}=1 to create it, then review it")
    assert rendered == path.read_text(encoding="utf-8")


@pytest.fixture
def small_case(tmp_path, old_frames, store_frames) -> ReconciliationResult:
    """The small migration with one wrong price and one lost order line, on SQLite."""
    engine = create_store_engine(f"sqlite:///{tmp_path / 'store.sqlite'}")
    upgrade_store(engine)
    load_all(engine, store_frames, "B1")
    price, order = TABLES["price"], TABLES["order_line"]
    with engine.begin() as connection:
        connection.execute(
            update(price).where(price.c.price_tier == "retail").values(price=Decimal("151.00"))
        )
        connection.execute(delete(order).where(order.c.order_no == "SO9"))
    result = reconcile(old_frames, engine, seed=20261126)
    engine.dispose()
    # as if run against a password-protected server: the report must mask the password
    result.store = "postgresql+psycopg2://migrator:hunter2@db.example.internal:5432/channel"
    return result


def test_html_report_matches_the_snapshot(small_case):
    assert_matches_snapshot("small_case.html", render_html(small_case))


def test_json_report_matches_the_snapshot(small_case):
    assert_matches_snapshot("small_case.json", render_json(small_case))


def test_reports_never_show_the_store_password(small_case):
    for rendered in (render_html(small_case), render_json(small_case)):
        assert "hunter2" not in rendered
        assert "migrator:***@db.example.internal" in rendered


def test_the_html_is_self_contained(small_case):
    html = render_html(small_case)
    assert "<script" not in html
    assert not re.search(r"\b(src|href)=", html)
    assert html.count("<svg") == 2
    assert "Prepared by" in html and "Reviewed by" in html


def test_a_saved_json_renders_the_same_report(small_case, tmp_path):
    files = write_report(small_case, tmp_path / "reports")

    reloaded = load_result(files.json)

    assert render_html(reloaded) == render_html(small_case)
    assert json.loads(files.json.read_text(encoding="utf-8"))["accepted"] is False
    keys = pd.read_csv(files.sampled_keys, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert list(keys.columns) == [
        "entity", "key", "selected_by", "units", "defect", "mismatched_columns", "batch_id", "generated_at",
    ]  # fmt: skip
    assert keys[keys["defect"] == "True"][["entity", "key", "mismatched_columns"]].values.tolist() == [
        ["price", "SKU1|retail|华南|2026-01-01", "price"],
        ["order", "DMS|SO9|1", "(row)"],
    ]


def test_bar_lengths_are_proportional_to_values():
    svg = svg_bar_chart("t", ["a", "b"], {"rows": [50, 100]}, width=300)
    widths = [float(w) for w in re.findall(r'<rect x="110" y="\d+" width="([\d.]+)" height="12"', svg)]
    assert widths[1] == pytest.approx(2 * widths[0])
