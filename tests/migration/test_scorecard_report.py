"""The data-quality section of the run's HTML report (:mod:`migration.scorecard_report`)."""

from __future__ import annotations

import re

import pandas as pd

from mdm.hierarchy import UNLINKED_BRANCH_COLUMNS
from mdm.scorecard import SCORECARD_COLUMNS
from migration.scorecard_report import render_scorecard_html


def _scorecard() -> pd.DataFrame:
    return pd.DataFrame(
        [
            ("price", "dms", "quarantined", "any reason", 5144, 836, 836 / 5144, 836 / 5144),
            ("partner", "<b>crm</b>", "completeness", "uscc", 687, 618, 618 / 687, 69 / 687),
            ("partner", "<b>crm</b>", "validity", "uscc", 618, 596, 596 / 618, 22 / 618),
            ("partner", "erp", "completeness", "uscc", 1057, 1031, 1031 / 1057, 26 / 1057),
            ("partner", "erp", "validity", "phone", 1000, 990, 0.99, 0.01),
            ("partner", "erp", "not_provided", "email", 1057, 0, 0.0, 1.0),
        ],
        columns=SCORECARD_COLUMNS,
    )


def _rows(html: str, table: int) -> list[list[str]]:
    body = re.findall(r"<tbody>(.*?)</tbody>", html, re.S)[table]
    return [re.findall(r"<td[^>]*>(.*?)</td>", row) for row in re.findall(r"<tr>(.*?)</tr>", body)]


def test_sources_are_listed_worst_first_with_what_they_do_not_carry():
    html = render_scorecard_html(_scorecard())
    summary = _rows(html, 0)
    assert [row[:2] for row in summary] == [
        ["price", "dms"],
        ["partner", "&lt;b&gt;crm&lt;/b&gt;"],
        ["partner", "erp"],
    ]
    assert summary[2][2:] == ["97.5%", "99.0%", "-", "0.0%", "completeness uscc (2.5% of records)", "email"]
    assert "<b>crm</b>" not in html  # a source's name is text, never markup
    # completeness is charted only for sources scored field by field; quarantine for every source
    charts = re.findall(r'aria-label="([^"]+)"', html)
    assert charts == [
        "Completeness and validity per source (%)",
        "Rows quarantined per source (% of rows read)",
    ]
    first_chart = re.search(r"<svg.*?</svg>", html, re.S).group(0)
    assert "price/dms" not in first_chart and "partner/erp" in first_chart
    # the worst fields leave out the fields a source does not carry at all
    assert [row[2:4] for row in _rows(html, 1)][-1] == ["validity", "phone"]


def test_branches_without_a_head_office_are_listed_with_the_reason():
    unlinked = pd.DataFrame(
        [("P00000003", "华强商贸有限公司宁波分公司", "ambiguous", "2 golden partners could be …", "P1, P2")],
        columns=UNLINKED_BRANCH_COLUMNS,
    )
    html = render_scorecard_html(_scorecard(), unlinked)
    assert _rows(html, 2) == [
        ["P00000003", "华强商贸有限公司宁波分公司", "2 golden partners could be …", "P1, P2"]
    ]
    assert "Branches without a head office" not in render_scorecard_html(_scorecard())


def test_nothing_scored_says_so():
    assert "No source records were scored" in render_scorecard_html(pd.DataFrame(columns=SCORECARD_COLUMNS))
