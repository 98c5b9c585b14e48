"""Partner names and keys from the sources are text, never markup, in the reconciliation report.

Found by a hostile run: a ``<script>`` in a partner name must not run when a migration team opens
the report, and a key starting with ``=`` must not run as a formula in ``sampled_keys.csv``.
"""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd

from migration.report import load_result, write_report

SNAPSHOT = Path(__file__).parents[1] / "migration" / "snapshots" / "small_case.json"
SCRIPT = "<script>alert(1)</script>"
IMAGE = '"><img src=x onerror=alert(1)>'


class _Elements(HTMLParser):
    """Every element of a page, with the text inside ``<script>`` elements."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attributes: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes += [f"{name}={value}" for name, value in attrs]


def test_partner_names_in_the_reconciliation_report_are_text(tmp_path: Path) -> None:
    data = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    (price,) = [s for s in data["strata"] if s["mismatches"]][:1]
    price["mismatches"] = [
        {"entity": "partner", "key": f"=P1{IMAGE}", "column": "partner_name", "old_value": SCRIPT,
         "new_value": IMAGE},
    ]  # fmt: skip
    data["sampled_keys"] = [{**row, "key": "=HYPERLINK(1)"} for row in data["sampled_keys"][:1]]
    saved = tmp_path / "injected.json"
    saved.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")

    files = write_report(load_result(saved), tmp_path / "reports")

    page = files.html.read_text(encoding="utf-8")
    elements = _Elements()
    elements.feed(page)
    assert "script" not in elements.tags and "img" not in elements.tags
    assert not [a for a in elements.attributes if "alert(" in a]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert (
        "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in page
    )  # the quote too: no attribute to break out of
    keys = pd.read_csv(files.sampled_keys, dtype=str, encoding="utf-8-sig", keep_default_na=False)
    assert keys["key"].tolist()[:1] == ["'=HYPERLINK(1)"]
