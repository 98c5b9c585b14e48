"""The reports a team opens: values escaped in HTML, formulas neutralised and keys kept as text in the workbook."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook

from foundation.settings import PROJECT_ROOT
from migration.cutover import load_compare_config, run_comparison
from migration.cutover.report import write_comparison_reports
from migration.cutover.report_html import render_comparison_html
from migration.cutover.results import CheckResult, ComparisonResult
from tests.compare.conftest import as_new, customer_entity, customers, write_yaml


def _reports(customer_files, tmp_path, old, new):
    folder = customer_files(old, new)
    config = write_yaml(
        folder / "compare.yaml", {"entities": {"customer": customer_entity("old.csv", "new.csv")}}
    )
    result = run_comparison(load_compare_config(config))
    return result, write_comparison_reports(result, tmp_path / "out")


def test_workbook_has_one_sheet_per_check_keys_as_text_and_formulas_neutralised(customer_files, tmp_path):
    old = customers(6)
    old[1][0] = "00123"
    old[2][0] = '=HYPERLINK("http://x")'
    new = [as_new(r) for r in old]
    new[3][1] = "@SUM(A1:A9)"
    result, files = _reports(customer_files, tmp_path, old, new[:2] + new[3:])
    book = load_workbook(files.xlsx)
    assert book.sheetnames == [
        "summary", "customer row counts", "customer repeated keys", "customer key coverage",
        "customer field differences", "customer hash totals",
    ]  # fmt: skip
    coverage = book["customer key coverage"]
    assert coverage["A1"].value.startswith("1 key of the old side is missing")
    assert [c.value for c in coverage[3]] == ["problem", "key", "side", "row"]
    assert coverage["B4"].value == '\'=HYPERLINK("http://x")'
    fields = book["customer field differences"]
    assert fields["G4"].value == "'@SUM(A1:A9)"
    counts = book["customer row counts"]
    assert counts["C4"].value == 6 and counts["C4"].data_type == "n"
    summary = book["summary"]
    assert summary["B4"].value == "NOT ACCEPTED"
    # a key with leading zeros stays text
    customer_files(old, [as_new(r) for r in old[:1]])
    result = run_comparison(load_compare_config(tmp_path / "compare.yaml"))
    files = write_comparison_reports(result, tmp_path / "out2")
    sheet = load_workbook(files.xlsx)["customer key coverage"]
    keys = {row[1].value: row[1].data_type for row in sheet.iter_rows(min_row=4)}
    assert keys["00123"] == "s"


def test_html_is_self_contained_and_escapes_values(customer_files, tmp_path):
    old = customers(4)
    new = [as_new(r) for r in old]
    new[2][1] = "<script>alert(1)</script>"
    result, files = _reports(customer_files, tmp_path, old, new)
    html = files.html.read_text(encoding="utf-8")
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<svg" in html and "http://" not in html.replace("http://www.w3.org/2000/svg", "")
    assert "NOT ACCEPTED" in html


def test_json_holds_every_check_and_listed_row(customer_files, tmp_path):
    old = customers(5)
    result, files = _reports(customer_files, tmp_path, old, [as_new(r) for r in old[1:]])
    data = json.loads(files.json.read_text(encoding="utf-8"))
    assert data["accepted"] is False
    coverage = next(c for c in data["checks"] if c["check"] == "key_coverage")
    assert coverage["rows"] == [
        {"problem": "missing on the new side", "key": "C00000", "side": "old", "row": 2}
    ]
    assert files.sampled_keys is None


SNAPSHOTS = Path(__file__).parent / "snapshots"
UPDATE_ENV = "CHANNEL_MDM_UPDATE_SNAPSHOTS"
TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?([+-]\d\d:\d\d|Z)?")


def _matches_snapshot(name: str, rendered: str, folder: Path) -> None:
    """Compare with tests/compare/snapshots/<name>; CHANNEL_MDM_UPDATE_SNAPSHOTS=1 rewrites it."""
    path = SNAPSHOTS / name
    rendered = TIMESTAMP.sub("<timestamp>", rendered).replace(str(folder), "<folder>")
    if os.environ.get(UPDATE_ENV) == "1":
        path.parent.mkdir(exist_ok=True)
        path.write_text(rendered, encoding="utf-8")
    if not path.exists():
        pytest.fail(f"no snapshot {path}; run the tests with {UPDATE_ENV}=1 to create it, then review it")
    assert rendered == path.read_text(encoding="utf-8")


def test_the_committed_example_renders_as_its_snapshot(tmp_path):
    example = PROJECT_ROOT / "migration" / "examples" / "compare_customers.yaml"
    result = run_comparison(load_compare_config(example))
    files = write_comparison_reports(result, tmp_path)
    _matches_snapshot("compare_customers.html", files.html.read_text(encoding="utf-8"), example.parent)
    _matches_snapshot("compare_customers.json", files.json.read_text(encoding="utf-8"), example.parent)


def test_a_control_character_in_a_value_is_shown_not_fatal(customer_files, tmp_path):
    old = customers(3)
    new = [as_new(r) for r in old]
    new[1][1] = "华南\x1b商贸"  # an escape character left in a legacy export
    result, files = _reports(customer_files, tmp_path, old, new)
    sheet = load_workbook(files.xlsx)["customer field differences"]
    assert sheet["G4"].value == "华南\\x1b商贸"
    assert (
        "华南\x1b商贸"
        in json.loads(files.json.read_text(encoding="utf-8"))["checks"][3]["rows"][0]["new value"]
    )


def test_markup_in_a_partner_name_shows_as_text_everywhere_on_the_page():
    script = "<script>alert('x')</script>华南商贸"
    result = ComparisonResult(
        config="compare.yaml",
        mode="full",
        generated_at="2026-11-29T00:00:00+00:00",
        confidence=0.95,
        tolerable_error_rate=0.01,
        seed=7,
        sides={script: {"old": "old/<b>partners</b>.csv", "new": "$NEW_DB/partner"}},
        checks=[
            CheckResult(
                entity=script,
                check="row_counts",
                title="row counts",
                accepted=False,
                statement=f"1 row differs: {script}",
                figures={"old_rows": 2, "new_rows": 1},
                columns=["partner_name", "missing"],
                rows=[[script, True]],
                rows_total=1,
            )
        ],
    )

    page = render_comparison_html(result)

    assert "<script" not in page and "<b>" not in page
    shown = "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;华南商贸"
    # sources table, both charts, checks table (entity and statement), heading, statement, detail row
    assert page.count(shown) == 8
    assert "<svg" in page and '<td class="text ok">yes</td>' in page  # a flag shows as a coloured word
