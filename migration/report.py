"""The reconciliation report: one self-contained HTML file, the same numbers as JSON, and the sampled keys.

The HTML has inline CSS and inline SVG charts and no script, so it opens offline, prints,
and can be attached to a sign-off. The store URL is shown only with its password masked.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from html import escape
from pathlib import Path

import pandas as pd

from channel_mdm.settings import redact_url
from cleansing.safe_export import write_text_atomically
from migration.results import ReconciliationResult
from migration.sampling import save_sampled_keys

CSS = """
body{font-family:-apple-system,"Segoe UI","PingFang SC","Microsoft YaHei","Noto Sans CJK SC","Source Han Sans SC",sans-serif;margin:2em auto;max-width:1100px;color:#222}
h1{font-size:1.5em}h2{font-size:1.2em;margin-top:1.8em;border-bottom:1px solid #ccc}
table{border-collapse:collapse;margin:.6em 0}th,td{border:1px solid #ccc;padding:.25em .6em;text-align:right}
th{background:#f2f2f2}td.text,th.text{text-align:left}
.ok{color:#1a7f37;font-weight:bold}.bad{color:#c62828;font-weight:bold}
.verdict{padding:.6em 1em;border-radius:4px;margin:1em 0}.verdict.ok{background:#e8f5e9}.verdict.bad{background:#ffebee}
.signoff td{height:2.2em;min-width:16em;text-align:left}
.meta td{text-align:left}svg{margin:.5em 0}
@media print{body{margin:0}}
""".strip()

PALETTE = ("#4c78a8", "#f58518", "#54a24b", "#e45756")


@dataclass(frozen=True)
class ReportFiles:
    html: Path
    json: Path
    sampled_keys: Path


def svg_bar_chart(title: str, categories: list[str], series: dict[str, list[float]], width: int = 640) -> str:
    """A grouped horizontal bar chart as inline SVG: one group per category, one bar per series."""
    bar, gap, label_width, top = 14, 10, 110, 30
    group = bar * len(series) + gap
    height = top + group * len(categories) + 24
    largest = max([v for values in series.values() for v in values] + [1])
    scale = (width - label_width - 90) / largest
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" '
        f'aria-label="{escape(title)}">',
        f'<text x="0" y="16" font-size="13" font-weight="bold">{escape(title)}</text>',
    ]
    for index, name in enumerate(series):
        x = label_width + index * 120
        parts.append(f'<rect x="{x}" y="{height - 14}" width="10" height="10" fill="{PALETTE[index % 4]}"/>')
        parts.append(f'<text x="{x + 14}" y="{height - 5}" font-size="11">{escape(name)}</text>')
    for row, category in enumerate(categories):
        y0 = top + row * group
        parts.append(f'<text x="0" y="{y0 + group / 2}" font-size="12">{escape(category)}</text>')
        for index, (_name, values) in enumerate(series.items()):
            value = values[row]
            y = y0 + index * bar
            length = max(value * scale, 0)
            parts.append(
                f'<rect x="{label_width}" y="{y}" width="{length:.1f}" height="{bar - 2}" fill="{PALETTE[index % 4]}"/>'
            )
            parts.append(
                f'<text x="{label_width + length + 4:.1f}" y="{y + bar - 4}" font-size="11">{value:,.0f}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)


_STATUS_CLASS = {"agrees": "ok", "yes": "ok", "differs": "bad", "no": "bad"}


def _cell(tag: str, value: object, text: bool) -> str:
    shown = f"{value:,}" if isinstance(value, int) and not isinstance(value, bool) else str(value)
    classes = " ".join(c for c in ("text" if text else "", _STATUS_CLASS.get(shown, "")) if c)
    attribute = f' class="{classes}"' if classes else ""
    return f"<{tag}{attribute}>{escape(shown)}</{tag}>"


def _table(headers: list[str], rows: list[list[object]], text_columns: int = 1) -> str:
    """An HTML table; the first ``text_columns`` columns are left-aligned text, the rest numbers."""
    head = "".join(_cell("th", h, i < text_columns) for i, h in enumerate(headers))
    body = "".join(
        "<tr>" + "".join(_cell("td", v, i < text_columns) for i, v in enumerate(row)) + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def render_html(result: ReconciliationResult) -> str:
    """The whole report as one HTML document."""
    verdict = "ok" if result.accepted else "bad"
    verdict_text = (
        "Every control total agrees and every sampled stratum supports the claim below."
        if result.accepted
        else "Not ready for sign-off: a control total differs or a sampled stratum found defects (marked below)."
    )
    totals = result.control_totals
    sections = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN"><head><meta charset="utf-8">',
        # Machine-readable stamp: compare with the store's latest committed load (run_log.batch_id).
        f'<meta name="channel-mdm-batch-id" content="{escape(result.batch_id)}">',
        f'<meta name="channel-mdm-generated-at" content="{escape(result.generated_at)}">',
        "<title>Migration reconciliation report</title>",
        f"<style>{CSS}</style></head><body>",
        "<h1>Migration reconciliation report</h1>",
        _table(
            ["Setting", "Value"],
            [
                ["Generated at", result.generated_at],
                ["Load batch", result.batch_id or "-"],
                ["Migration wave", result.wave or "everything (no wave)"],
                ["Store", redact_url(result.store)],
                ["Confidence", f"{result.confidence * 100:g}%"],
                ["Tolerable record error rate", f"{result.tolerable_error_rate * 100:g}%"],
                ["Sampling seed", str(result.seed)],
            ],
            text_columns=2,
        ).replace("<table>", '<table class="meta">'),
        f'<div class="verdict {verdict}">{escape(verdict_text)}</div>',
        "<h2>Conclusions</h2><ul>",
        *(
            f'<li><span class="{"ok" if s.accepted else "bad"}">{escape(s.entity)}</span>: {escape(s.conclusion)}</li>'
            for s in result.strata
        ),
        "</ul>",
        "<h2>Control totals</h2>",
        _table(
            [
                "Entity",
                "Rows in source",
                "Quarantined",
                "Accepted",
                "Merged away",
                "Unmapped",
                "Expected in store",
                "In store",
                "Difference",
                "",
            ],
            [
                [
                    c.entity,
                    c.rows_in_source,
                    c.quarantined,
                    c.accepted,
                    c.merged_away,
                    c.unmapped,
                    c.expected_in_store,
                    c.actually_in_store,
                    c.difference,
                    "agrees" if c.difference == 0 and c.unmapped == 0 else "differs",
                ]
                for c in totals
            ],
        ),  # fmt: skip
        svg_bar_chart(
            "Records: source, accepted, in store",
            [c.entity for c in totals],
            {
                "in source": [c.rows_in_source for c in totals],
                "accepted": [c.accepted for c in totals],
                "expected": [c.expected_in_store for c in totals],
                "in store": [c.actually_in_store for c in totals],
            },
        ),
    ]
    listed = [
        [c.entity, direction, key]
        for c in totals
        for direction, keys in (("missing from the store", c.missing_from_store), ("in the store, not from the source", c.not_from_source))
        for key in keys
    ]  # fmt: skip
    if listed:
        counts = ", ".join(
            f"{c.entity}: {c.missing_count:,} missing, {c.not_from_source_count:,} not from the source"
            for c in totals
            if c.missing_count or c.not_from_source_count
        )
        sections += [
            "<h2>Keys that do not add up</h2>",
            f"<p>{escape(counts)} (at most 1,000 listed per entity and direction; all are in the JSON counts).</p>",
            _table(["Entity", "Problem", "Key"], listed, text_columns=3),
        ]
    if result.money_totals:
        sections += [
            "<h2>Money totals</h2>",
            _table(
                ["Entity", "Column", "Source (accepted rows)", "Store", "Difference", ""],
                [
                    [m.entity, m.column, f"{m.source_total:,}", f"{m.store_total:,}", f"{m.difference:,}",
                     "agrees" if m.difference == 0 else "differs"]
                    for m in result.money_totals
                ],
                text_columns=2,
            ),
        ]  # fmt: skip
    if result.price_tiers:
        sections += [
            "<h2>Price rows per tier</h2>",
            _table(
                ["Price tier", "Source rows", "Store rows", "Difference"],
                [[p.price_tier, p.source_rows, p.store_rows, p.difference] for p in result.price_tiers],
            ),
        ]
    sections += [
        "<h2>Sampled old-versus-new comparison</h2>",
        _table(
            [
                "Entity",
                "Population",
                "Method",
                "Sampled",
                "Records compared",
                "Defects",
                "Upper bound",
                "Fields enriched",
                "Fields withheld (damaged at source)",
                "Accepted",
            ],
            [
                [
                    s.entity,
                    s.population,
                    s.method,
                    s.sample_size,
                    s.records_compared,
                    s.defects,
                    f"{s.upper_bound * 100:.2f}%",
                    s.enriched_fields,
                    s.withheld_fields,
                    "yes" if s.accepted else "no",
                ]
                for s in result.strata
            ],
            text_columns=1,
        ),  # fmt: skip
        svg_bar_chart(
            "Sampled and defective per stratum",
            [s.entity for s in result.strata],
            {
                "sampled": [s.sample_size for s in result.strata],
                "defects": [s.defects for s in result.strata],
            },
        ),
    ]
    mismatches = [m for s in result.strata for m in s.mismatches]
    if mismatches:
        sections += [
            "<h2>Defects found</h2>",
            _table(
                ["Entity", "Record key", "Column", "Old value", "Store value"],
                [[m.entity, m.key, m.column, m.old_value, m.new_value] for m in mismatches],
                text_columns=5,
            ),
        ]
    sections += [
        "<h2>Sign-off</h2>",
        "<p>The sampled record keys are listed in sampled_keys.csv beside this report; "
        "re-running with the same seed draws the same records.</p>",
        '<table class="signoff"><tr><th class="text">Prepared by</th><td></td><th class="text">Date</th><td></td></tr>'
        '<tr><th class="text">Reviewed by</th><td></td><th class="text">Date</th><td></td></tr>'
        '<tr><th class="text">Approved for cut-over by</th><td></td><th class="text">Date</th><td></td></tr></table>',
        "</body></html>",
    ]
    return "\n".join(sections) + "\n"


def render_json(result: ReconciliationResult) -> str:
    """The report's numbers as JSON (money as exact decimal strings)."""
    data = result.to_dict()
    data["store"] = redact_url(data["store"])
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def sampled_keys_frame(result: ReconciliationResult) -> pd.DataFrame:
    """One row per sampled key, stamped with the load (batch id) and time of the report it belongs to."""
    columns = ["entity", "key", "selected_by", "units", "defect", "mismatched_columns"]
    frame = pd.DataFrame([[getattr(k, c) for c in columns] for k in result.sampled_keys], columns=columns)
    return frame.assign(batch_id=result.batch_id, generated_at=result.generated_at)


def write_report(result: ReconciliationResult, out_dir: Path, name: str = "reconciliation") -> ReportFiles:
    """Write ``<name>.html``, ``<name>.json`` and ``sampled_keys.csv`` into ``out_dir``.

    Each file is replaced atomically (temporary file, then rename), so a run killed half-way leaves the
    previous complete file, and each names its load batch, so a file left from an earlier run can be told apart.
    """
    # Render everything before replacing anything: a rendering error leaves the previous report whole.
    html, data, keys = render_html(result), render_json(result), sampled_keys_frame(result)
    keys_path = save_sampled_keys(keys, out_dir / "sampled_keys.csv")
    json_path = write_text_atomically(out_dir / f"{name}.json", data)
    html_path = write_text_atomically(out_dir / f"{name}.html", html)
    return ReportFiles(html_path, json_path, keys_path)


def load_result(path: Path) -> ReconciliationResult:
    """Read a saved JSON report back, to re-render it."""
    from channel_mdm.errors import UserError

    try:
        return ReconciliationResult.from_dict(json.loads(path.read_text(encoding="utf-8")))
    except FileNotFoundError:
        raise UserError(
            f"{path}: no such file; pass the reconciliation JSON written beside the HTML report"
        ) from None
    except (json.JSONDecodeError, KeyError, TypeError) as exc:
        raise UserError(
            f"{path}: not a reconciliation JSON report ({exc}); re-run the reconciliation"
        ) from None
