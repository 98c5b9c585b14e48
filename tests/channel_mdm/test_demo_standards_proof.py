"""The demo's summary says how the standards scored against the sample's injected defects."""

from __future__ import annotations

from pathlib import Path

from channel_mdm.commands.demo import standards_proof_line
from foundation.settings import PROJECT_ROOT


def test_on_the_sample_the_summary_line_gives_the_lowest_rule_scores() -> None:
    line = standards_proof_line(
        PROJECT_ROOT / "sample_data" / "sources", PROJECT_ROOT / "sample_data" / "mappings"
    )
    assert line == (
        "standards proof:  20 rules against the sample's injected defects: lowest precision 1.000, lowest recall 1.000"
    )


def test_other_sources_have_no_truth_to_score_against(tmp_path: Path) -> None:
    assert standards_proof_line(tmp_path, PROJECT_ROOT / "sample_data" / "mappings") is None
