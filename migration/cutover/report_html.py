"""The comparison report as one self-contained HTML page: inline CSS and SVG, no script, no web font.

Rendered from ``migration/templates/comparison.html`` with the reconciliation report's autoescaping
Jinja2 environment, table macro and SVG bar chart, so every value from either side shows as text, never
markup. Sources are named by file or by ``$VARIABLE/table``, never by URL. Long lists are cut in the
page (the workbook and JSON hold them all).
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from migration.cutover.results import CheckResult, ComparisonResult
from migration.report import CSS, TEMPLATES, svg_bar_chart

HTML_ROWS = 200
"""Detail rows shown per check in the page."""


@dataclass(frozen=True)
class _Section:
    check: CheckResult
    rows: list[list[object]]
    cut_note: str


def _shown(value: object) -> object:
    """A cell as the page shows it: yes/no for a flag, blank for nothing; numbers are formatted by the macro."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return "" if value is None else value


def _section(check: CheckResult) -> _Section:
    rows = [[_shown(v) for v in row] for row in check.rows[:HTML_ROWS]]
    cut_note = ""
    if rows and check.rows_total > min(len(check.rows), HTML_ROWS):
        listed = "all of them" if len(check.rows) == check.rows_total else f"the first {len(check.rows):,}"
        cut_note = (
            f"Showing {min(len(check.rows), HTML_ROWS):,} of {check.rows_total:,}; "
            f"the workbook and the JSON beside this page list {listed}."
        )
    return _Section(check, rows, cut_note)


def _charts(result: ComparisonResult) -> list[Markup]:
    counts = {c.entity: c.figures for c in result.checks if c.check == "row_counts"}
    if not counts:
        return []
    entities = list(counts)
    rows_chart = svg_bar_chart(
        "Rows per entity",
        entities,
        {"old": [counts[e]["old_rows"] for e in entities], "new": [counts[e]["new_rows"] for e in entities]},
    )
    per_entity = {e: [0, 0] for e in entities}
    for check in result.checks:
        per_entity.setdefault(check.entity, [0, 0])[0 if check.accepted else 1] += 1
    verdicts = svg_bar_chart(
        "Checks per entity",
        list(per_entity),
        {
            "accepted": [v[0] for v in per_entity.values()],
            "not accepted": [v[1] for v in per_entity.values()],
        },
    )
    return [rows_chart, verdicts]


def render_comparison_html(result: ComparisonResult) -> str:
    """The whole comparison as one HTML document (``templates/comparison.html``, autoescaped)."""
    verdict_text = (
        "Every check is accepted: the new side agrees with the old one."
        if result.accepted
        else f"{len(result.failed_checks)} of {len(result.checks)} checks are not accepted (marked below)."
    )
    return TEMPLATES.get_template("comparison.html").render(
        result=result,
        css=Markup(CSS),  # our own constant, not data
        verdict_text=verdict_text,
        settings=[
            ["configuration", result.config],
            ["wave", result.wave.get("label", "everything (no wave)")],
            ["mode", result.mode],
            ["generated", result.generated_at],
            [
                "confidence / tolerable mismatch rate",
                f"{result.confidence:g} / {result.tolerable_error_rate:g}",
            ],
            ["seed", str(result.seed)],
        ],
        sides=[
            [entity, s["old"], s["new"], _shown(result.wave_coverage.get(entity, ""))]
            for entity, s in result.sides.items()
        ],
        charts=_charts(result),
        summary=[[c.entity, c.title, _shown(c.accepted), c.statement] for c in result.checks],
        sections=[_section(c) for c in result.checks],
    )
