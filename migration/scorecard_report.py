"""The data-quality scorecard as a section of the run's HTML report: which source to fix first.

Drawn from a template with the report's own table macro and bar chart (inline SVG, no script), so it
opens offline like the rest of the report; every value is autoescaped.
"""

from __future__ import annotations

import pandas as pd
from markupsafe import Markup

from mdm.scorecard import NOT_PROVIDED, summarise_scorecard
from migration.report import TEMPLATES, svg_bar_chart

__all__ = ["render_scorecard_html"]

WORST_ROWS = 20
"""How many of the worst scorecard rows the report lists (the review workbook has them all)."""


def _percent(value: object) -> str:
    return "-" if value is None or pd.isna(value) else f"{float(value) * 100:.1f}%"  # type: ignore[arg-type]


def render_scorecard_html(scorecard: pd.DataFrame, unlinked_branches: pd.DataFrame | None = None) -> Markup:
    """The scorecard section (``templates/scorecard.html``, autoescaped): one row per source and entity
    worst first, charts, the worst fields and the branches without a head office."""
    summary = summarise_scorecard(scorecard)
    worst = scorecard[scorecard["measure"] != NOT_PROVIDED].head(WORST_ROWS)
    branches = (
        []
        if unlinked_branches is None or unlinked_branches.empty
        else unlinked_branches[["golden_id", "partner_name", "reason", "candidate_golden_ids"]]
        .astype(str)
        .values.tolist()
    )
    html = TEMPLATES.get_template("scorecard.html").render(
        summary_rows=[
            [
                row.entity,
                row.source_system,
                _percent(row.completeness),
                _percent(row.validity),
                "-" if pd.isna(row.records_per_golden) else f"{row.records_per_golden:.2f}",
                _percent(row.quarantined),
                f"{row.worst} ({_percent(row.worst_problem_share)} of records)",
                row.not_provided or "-",
            ]
            for row in summary.itertuples(index=False)
        ],
        charts=[] if summary.empty else _charts(summary),
        worst_rows=[
            [r.entity, r.source_system, r.measure, r.field, r.records, r.count, _percent(r.problem_share)]
            for r in worst.itertuples(index=False)
        ],
        branch_rows=branches,
    )
    return Markup(html)


def _charts(summary: pd.DataFrame) -> list[Markup]:
    """Completeness and validity of the sources that were scored field by field; quarantine of every source."""
    labels = [f"{e}/{s}" for e, s in zip(summary["entity"], summary["source_system"], strict=True)]
    scored = summary["completeness"].notna().to_numpy()
    charts: list[Markup] = []
    if scored.any():
        charts.append(
            svg_bar_chart(
                "Completeness and validity per source (%)",
                [label for label, keep in zip(labels, scored, strict=True) if keep],
                {
                    "complete": [_number(v) for v in summary.loc[scored, "completeness"]],
                    "valid": [_number(v) for v in summary.loc[scored, "validity"]],
                },
            )
        )
    charts.append(
        svg_bar_chart(
            "Rows quarantined per source (% of rows read)",
            labels,
            {"quarantined": [_number(v) for v in summary["quarantined"]]},
        )
    )
    return charts


def _number(value: object) -> float:
    return 0.0 if value is None or pd.isna(value) else round(float(value) * 100, 1)  # type: ignore[arg-type]
