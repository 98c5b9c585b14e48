"""Our own standards page: every failing row by business key, in the steward's words, grouped by rule.

Great Expectations' Data Docs show expectations and values; a steward needs the row to fix: which
business key, which file and row, and what is wrong. Each validation with a Data Docs folder saves its
failing rows beside its site (``failing_rows.json``); ``standards.html`` is rendered from all of them
with a Jinja2 template (autoescaped, so a source value never becomes markup) and inline SVG charts
drawn by the reconciliation report's chart helper. It needs no internet connection.
"""

from __future__ import annotations

import json
from pathlib import Path

import jinja2
import pandas as pd
from markupsafe import Markup

from cleansing.safe_export import write_text_atomically
from expectations.offline_docs import SUMMARY_FILE, TEMPLATES, offline_css
from migration.report import svg_bar_chart

FAILING_ROWS_FILE = "failing_rows.json"
PAGE = "standards.html"
TEMPLATE = "standards_page.html"
ROWS_PER_RULE = 200
"""Rows listed per rule on the page (the quarantine holds all of them)."""


def save_failing_rows(suite_dir: Path, quarantined: pd.DataFrame, business_key: list[str]) -> Path:
    """Keep a suite's failing rows (key text, file, row, rule, value, reason) for the standards page."""
    key = (
        quarantined[business_key].astype("string").fillna("(empty)").agg(" / ".join, axis=1)
        if len(quarantined)
        else []
    )
    column = lambda name: quarantined[name].astype("string").fillna("") if name in quarantined.columns else ""  # noqa: E731
    rows = pd.DataFrame(
        {
            "key": key,
            "file": column("source_file"),
            "row": column("source_row"),
            "rule": quarantined["rule"] if len(quarantined) else [],
            "value": column("value"),
            "reason": quarantined["reason"] if len(quarantined) else [],
        }
    )
    payload = {"business_key": business_key, "rows": rows.to_dict(orient="records")}
    return write_text_atomically(Path(suite_dir) / FAILING_ROWS_FILE, json.dumps(payload, ensure_ascii=False))


def _rule_chart(rule: str, rows: pd.DataFrame) -> str:
    by_file = rows.groupby(rows["file"].replace("", "(no file)")).size().sort_values(ascending=False).head(8)
    return svg_bar_chart(
        f"{rule}: failing rows by source file", list(by_file.index), {"rows": by_file.tolist()}
    )


def _suite_view(summary: dict, failing: dict) -> dict:
    rows = pd.DataFrame(failing["rows"], columns=["key", "file", "row", "rule", "value", "reason"])
    rules = []
    for rule in summary["rules"]:
        mine = rows[rows["rule"] == rule["rule"]]
        if mine.empty:
            continue
        rules.append(
            {
                "rule": rule["rule"],
                "severity": rule["severity"],
                "column": rule["column"],
                "failing": int(rule["unexpected_count"]),
                "checked": int(rule["element_count"]),
                "rows": mine.head(ROWS_PER_RULE).to_dict(orient="records"),
                "chart": Markup(_rule_chart(rule["rule"], mine)),
            }
        )
    chart = ""
    if rules:
        chart = svg_bar_chart(
            f"{summary['name']}: failing rows per rule",
            [r["rule"] for r in rules],
            {"failing rows": [r["failing"] for r in rules]},
        )
    return {
        **summary,
        "key_label": " / ".join(failing["business_key"]),
        "failing_rules": rules,
        "chart": Markup(chart),
    }


def write_standards_page(data_docs_dir: Path) -> Path:
    """Render ``standards.html`` in ``data_docs_dir`` from every suite folder's summary and failing rows."""
    suites = []
    for summary_path in sorted(Path(data_docs_dir).glob(f"*/{SUMMARY_FILE}")):
        failing_path = summary_path.parent / FAILING_ROWS_FILE
        if failing_path.exists():
            summary = json.loads(summary_path.read_text(encoding="utf-8"))
            suites.append(_suite_view(summary, json.loads(failing_path.read_text(encoding="utf-8"))))
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True, undefined=jinja2.StrictUndefined
    )
    page = environment.get_template(TEMPLATE).render(suites=suites, css=offline_css())
    return write_text_atomically(Path(data_docs_dir) / PAGE, page)
