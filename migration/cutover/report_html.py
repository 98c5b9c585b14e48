"""The comparison report as one self-contained HTML page: inline CSS and SVG, no script, no web font.

Every value from either side is HTML-escaped. Sources are named by file or by ``$VARIABLE/table``,
never by URL. Long lists are cut in the page (the workbook and JSON hold them all).
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from migration.cutover.results import CheckResult, ComparisonResult
from migration.report import CSS, svg_bar_chart

HTML_ROWS = 200
"""Detail rows shown per check in the page."""


def _cell(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    return escape("" if value is None else str(value))


def _table(columns: list[str], rows: Sequence[Sequence[object]]) -> str:
    head = "".join(f'<th class="text">{escape(c)}</th>' for c in columns)
    body = "".join(
        "<tr>" + "".join(f'<td class="text">{_cell(v)}</td>' for v in row) + "</tr>" for row in rows
    )
    return f"<table><tr>{head}</tr>{body}</table>"


def _verdict(accepted: bool) -> str:
    return '<span class="ok">ACCEPTED</span>' if accepted else '<span class="bad">NOT ACCEPTED</span>'


def _check_section(check: CheckResult) -> str:
    parts = [
        f"<h3>{escape(check.entity)}: {escape(check.title)} — {_verdict(check.accepted)}</h3>",
        f"<p>{escape(check.statement)}</p>",
    ]
    if check.rows:
        parts.append(_table(check.columns, check.rows[:HTML_ROWS]))
        if check.rows_total > min(len(check.rows), HTML_ROWS):
            parts.append(
                f"<p>Showing {min(len(check.rows), HTML_ROWS):,} of {check.rows_total:,}; "
                "the workbook and the JSON beside this page list "
                f"{'all of them' if len(check.rows) == check.rows_total else f'the first {len(check.rows):,}'}.</p>"
            )
    return "\n".join(parts)


def _charts(result: ComparisonResult) -> str:
    counts = {c.entity: c.figures for c in result.checks if c.check == "row_counts"}
    if not counts:
        return ""
    entities = list(counts)
    chart = svg_bar_chart(
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
    return chart + "\n" + verdicts


def render_comparison_html(result: ComparisonResult) -> str:
    verdict = (
        "Every check is accepted: the new side agrees with the old one."
        if result.accepted
        else f"{len(result.failed_checks)} of {len(result.checks)} checks are not accepted (marked below)."
    )
    sides = [
        [entity, s["old"], s["new"], result.wave_coverage.get(entity, "")]
        for entity, s in result.sides.items()
    ]
    wave = result.wave.get("label", "everything (no wave)")
    summary = [[c.entity, c.title, c.accepted, c.statement] for c in result.checks]
    sections = [
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">',
        "<title>Old-versus-new comparison</title>",
        f"<style>{CSS}</style></head><body>",
        "<h1>Old-versus-new comparison</h1>",
        f'<div class="verdict {"ok" if result.accepted else "bad"}">{_verdict(result.accepted)}: {escape(verdict)}</div>',
        '<table class="meta">'
        f"<tr><th>configuration</th><td>{escape(result.config)}</td></tr>"
        f"<tr><th>wave</th><td>{escape(wave)}</td></tr>"
        f"<tr><th>mode</th><td>{escape(result.mode)}</td></tr>"
        f"<tr><th>generated</th><td>{escape(result.generated_at)}</td></tr>"
        f"<tr><th>confidence / tolerable mismatch rate</th><td>{result.confidence:g} / {result.tolerable_error_rate:g}</td></tr>"
        f"<tr><th>seed</th><td>{escape(str(result.seed))}</td></tr></table>",
        "<h2>Sources</h2>",
        _table(["entity", "old side", "new side", "rows compared"], sides),
        "<h2>Checks</h2>",
        _charts(result),
        _table(["entity", "check", "accepted", "statement"], summary),
        "<h2>Details</h2>",
        *(_check_section(c) for c in result.checks),
        "<h2>Sign-off</h2>",
        "<p>The sampled keys (sampled mode) are in sampled_keys.csv beside this page; "
        "rerunning with the same seed draws the same keys.</p>",
        '<table class="signoff"><tr><th class="text">Prepared by</th><td></td><th class="text">Date</th><td></td></tr>'
        '<tr><th class="text">Reviewed by</th><td></td><th class="text">Date</th><td></td></tr>'
        '<tr><th class="text">Approved for cut-over by</th><td></td><th class="text">Date</th><td></td></tr></table>',
        "</body></html>",
    ]
    return "\n".join(sections) + "\n"
