"""The data-quality scorecard as a section of the run's HTML report: which source to fix first.

Drawn with the report's own table and bar chart (inline SVG, no script), so it opens offline like the
rest of the report. Every value is escaped by the report's table.
"""

from __future__ import annotations

import pandas as pd

from mdm.scorecard import NOT_PROVIDED, summarise_scorecard
from migration.report import _table, svg_bar_chart

__all__ = ["render_scorecard_html"]

WORST_ROWS = 20
"""How many of the worst scorecard rows the report lists (the review workbook has them all)."""


def _percent(value: object) -> str:
    return "-" if value is None or pd.isna(value) else f"{float(value) * 100:.1f}%"


def _unlinked_branches_html(unlinked: pd.DataFrame) -> list[str]:
    if unlinked is None or unlinked.empty:
        return []
    return [
        "<h3>Branches without a head office</h3>",
        "<p>No head office was found for these branches, by their source's parent code or by their name. "
        "Decide which partner is the head office (or fix the name in the source).</p>",
        _table(
            ["Golden id", "Branch", "Why not linked", "Possible head offices"],
            unlinked[["golden_id", "partner_name", "reason", "candidate_golden_ids"]]
            .astype(str)
            .values.tolist(),
            text_columns=4,
        ),
    ]


def render_scorecard_html(scorecard: pd.DataFrame, unlinked_branches: pd.DataFrame | None = None) -> str:
    """The scorecard section: one row per source and entity worst first, a chart, and the worst fields."""
    summary = summarise_scorecard(scorecard)
    if summary.empty:
        return "<h2>Data quality by source</h2><p>No source records were scored.</p>"
    worst = scorecard[scorecard["measure"] != NOT_PROVIDED].head(WORST_ROWS)
    parts = [
        "<h2>Data quality by source</h2>",
        "<p>Sources are listed worst first: fix the source at the top first. Completeness and validity are "
        "averages over the fields the source carries (the fields it does not carry at all are listed apart); "
        "records per golden record above 1 means the source holds the same partner or customer more than "
        "once; quarantined is the share of the rows read that were held back for any reason.</p>",
        _table(
            [
                "Entity",
                "Source",
                "Completeness",
                "Validity",
                "Records per golden record",
                "Quarantined",
                "Worst",
                "Not in the source",
            ],
            [
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
            text_columns=2,
        ),
        *_charts(summary),
        f"<h3>The {len(worst)} worst fields</h3>",
        _table(
            ["Entity", "Source", "Measure", "Field", "Records", "Fine / counted", "Share with a problem"],
            [
                [r.entity, r.source_system, r.measure, r.field, r.records, r.count, _percent(r.problem_share)]
                for r in worst.itertuples(index=False)
            ],
            text_columns=4,
        ),
        *_unlinked_branches_html(unlinked_branches),
    ]
    return "\n".join(parts)


def _charts(summary: pd.DataFrame) -> list[str]:
    """Completeness and validity of the sources that were scored field by field; quarantine of every source."""
    labels = [f"{e}/{s}" for e, s in zip(summary["entity"], summary["source_system"], strict=True)]
    scored = summary["completeness"].notna().to_numpy()
    charts = []
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
    return 0.0 if value is None or pd.isna(value) else round(float(value) * 100, 1)
