"""The reconciliation report: one self-contained HTML file, the same numbers as JSON, and the sampled keys.

The HTML has inline CSS and inline SVG charts and no script, so it opens offline, prints,
and can be attached to a sign-off. The store URL is shown only with its password masked.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import jinja2
import pandas as pd
from markupsafe import Markup

from cleansing.safe_export import write_text_atomically
from foundation.settings import redact_url
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


TEMPLATES = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).resolve().parent / "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    keep_trailing_newline=True,
)
_STATUS_CLASS = {"agrees": "ok", "yes": "ok", "differs": "bad", "no": "bad"}


def _shown(value: object) -> str:
    """A table cell's text: whole numbers with thousands separators, anything else as it is."""
    return f"{value:,}" if isinstance(value, int) and not isinstance(value, bool) else str(value)


TEMPLATES.filters["shown"] = _shown
TEMPLATES.globals["status_class"] = _STATUS_CLASS


def svg_bar_chart(
    title: str, categories: list[str], series: dict[str, list[float]], width: int = 640
) -> Markup:
    """A grouped horizontal bar chart as inline SVG: one group per category, one bar per series.

    Drawn from ``templates/bar_chart.svg`` with autoescaping, so a category named by a source file
    shows as text.
    """
    bar, gap, label_width, top = 14, 10, 110, 30
    group = bar * len(series) + gap
    height = top + group * len(categories) + 24
    largest = max([v for values in series.values() for v in values] + [1])
    scale = (width - label_width - 90) / largest
    legends = [
        {"x": label_width + index * 120, "colour": PALETTE[index % 4], "name": name}
        for index, name in enumerate(series)
    ]
    groups = [
        {
            "category": category,
            "label_y": top + row * group + group / 2,
            "bars": [
                {
                    "y": top + row * group + index * bar,
                    "length": max(values[row] * scale, 0),
                    "value": values[row],
                    "colour": PALETTE[index % 4],
                }
                for index, values in enumerate(series.values())
            ],
        }
        for row, category in enumerate(categories)
    ]
    svg = TEMPLATES.get_template("bar_chart.svg").render(
        title=title, width=width, height=height, legends=legends, groups=groups,
        label_width=label_width, bar_height=bar,
    )  # fmt: skip
    return Markup(svg.strip())


def render_html(result: ReconciliationResult, appendix: str = "") -> str:
    """The whole report as one HTML document; ``appendix`` (ready HTML, e.g. the data-quality scorecard)
    goes before the sign-off (``templates/reconciliation.html``, autoescaped)."""
    totals = result.control_totals
    listed = [
        [c.entity, direction, key]
        for c in totals
        for direction, keys in (("missing from the store", c.missing_from_store), ("in the store, not from the source", c.not_from_source))
        for key in keys
    ]  # fmt: skip
    return TEMPLATES.get_template("reconciliation.html").render(
        result=result,
        css=Markup(CSS),  # our own constant, not data
        verdict_text=(
            "Every control total agrees and every sampled stratum supports the claim below."
            if result.accepted
            else "Not ready for sign-off: a control total differs or a sampled stratum found defects (marked below)."
        ),
        settings=[
            ["Generated at", result.generated_at],
            ["Load batch", result.batch_id or "-"],
            ["Migration wave", result.wave or "everything (no wave)"],
            ["Store", redact_url(result.store)],
            ["Confidence", f"{result.confidence * 100:g}%"],
            ["Tolerable record error rate", f"{result.tolerable_error_rate * 100:g}%"],
            ["Sampling seed", str(result.seed)],
        ],
        control_headers=["Entity", "Rows in source", "Quarantined", "Accepted", "Merged away", "Unmapped",
                         "Expected in store", "In store", "Difference", ""],
        control_rows=[
            [c.entity, c.rows_in_source, c.quarantined, c.accepted, c.merged_away, c.unmapped,
             c.expected_in_store, c.actually_in_store, c.difference,
             "agrees" if c.difference == 0 and c.unmapped == 0 else "differs"]
            for c in totals
        ],
        records_chart=svg_bar_chart(
            "Records: source, accepted, in store",
            [c.entity for c in totals],
            {
                "in source": [c.rows_in_source for c in totals],
                "accepted": [c.accepted for c in totals],
                "expected": [c.expected_in_store for c in totals],
                "in store": [c.actually_in_store for c in totals],
            },
        ),
        listed=listed,
        listed_counts=", ".join(
            f"{c.entity}: {c.missing_count:,} missing, {c.not_from_source_count:,} not from the source"
            for c in totals
            if c.missing_count or c.not_from_source_count
        ),
        money_rows=[
            [m.entity, m.column, f"{m.source_total:,}", f"{m.store_total:,}", f"{m.difference:,}",
             "agrees" if m.difference == 0 else "differs"]
            for m in result.money_totals
        ],
        tier_rows=[[p.price_tier, p.source_rows, p.store_rows, p.difference] for p in result.price_tiers],
        stratum_headers=["Entity", "Population", "Method", "Sampled", "Records compared", "Defects", "Upper bound",
                         "Fields enriched", "Fields withheld (damaged at source)", "Accepted"],
        stratum_rows=[
            [s.entity, s.population, s.method, s.sample_size, s.records_compared, s.defects,
             f"{s.upper_bound * 100:.2f}%", s.enriched_fields, s.withheld_fields, "yes" if s.accepted else "no"]
            for s in result.strata
        ],
        sample_chart=svg_bar_chart(
            "Sampled and defective per stratum",
            [s.entity for s in result.strata],
            {"sampled": [s.sample_size for s in result.strata], "defects": [s.defects for s in result.strata]},
        ),
        mismatch_rows=[
            [m.entity, m.key, m.column, m.old_value, m.new_value] for s in result.strata for m in s.mismatches
        ],
        appendix=Markup(appendix),  # built escaped by its own renderer
    )  # fmt: skip


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


def write_report(
    result: ReconciliationResult, out_dir: Path, name: str = "reconciliation", appendix: str = ""
) -> ReportFiles:
    """Write ``<name>.html``, ``<name>.json`` and ``sampled_keys.csv`` into ``out_dir``.

    Each file is replaced atomically (temporary file, then rename), so a run killed half-way leaves the
    previous complete file, and each names its load batch, so a file left from an earlier run can be told apart.
    """
    # Render everything before replacing anything: a rendering error leaves the previous report whole.
    html, data, keys = render_html(result, appendix), render_json(result), sampled_keys_frame(result)
    keys_path = save_sampled_keys(keys, out_dir / "sampled_keys.csv")
    json_path = write_text_atomically(out_dir / f"{name}.json", data)
    html_path = write_text_atomically(out_dir / f"{name}.html", html)
    return ReportFiles(html_path, json_path, keys_path)


def load_result(path: Path) -> ReconciliationResult:
    """Read a saved JSON report back, to re-render it."""
    from foundation.errors import UserError

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
