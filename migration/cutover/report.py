"""Write a comparison's reports side by side: HTML, workbook, JSON and (sampled mode) the sampled keys."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

import pandas as pd

from cleansing.safe_export import write_csv, write_text_atomically
from migration.cutover.report_html import render_comparison_html
from migration.cutover.report_xlsx import write_comparison_xlsx
from migration.cutover.results import ComparisonResult

SAMPLED_KEY_COLUMNS = ["entity", "stratum", "key", "selected_by", "units", "defect", "mismatched_columns"]


@dataclass(frozen=True)
class ComparisonFiles:
    html: Path
    xlsx: Path
    json: Path
    sampled_keys: Path | None


def write_comparison_reports(
    result: ComparisonResult, out_dir: Path, name: str = "comparison"
) -> ComparisonFiles:
    """Write ``<name>.html``, ``<name>.xlsx``, ``<name>.json`` and ``sampled_keys.csv`` into ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    html = write_text_atomically(out_dir / f"{name}.html", render_comparison_html(result))
    xlsx = write_comparison_xlsx(result, out_dir / f"{name}.xlsx")
    data = json.dumps(result.to_dict(), ensure_ascii=False, indent=2, default=str)
    json_path = write_text_atomically(out_dir / f"{name}.json", data + "\n")
    sampled = None
    if result.mode == "sampled":
        frame = pd.DataFrame([asdict(k) for k in result.sampled_keys], columns=SAMPLED_KEY_COLUMNS)
        sampled = write_csv(
            frame.astype({"key": "string", "stratum": "string"}), out_dir / "sampled_keys.csv"
        )
    return ComparisonFiles(html, xlsx, json_path, sampled)
