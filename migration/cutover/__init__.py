"""Old-versus-new comparison before cut-over: a YAML says what to compare, every check is accepted or not.

The public face: :func:`load_compare_config` reads and validates the YAML, :func:`run_comparison`
runs every check, :func:`write_comparison_reports` writes the HTML, workbook, JSON and sampled keys.
"""

from migration.cutover.config import CompareConfig, load_compare_config
from migration.cutover.results import CheckResult, ComparisonResult
from migration.cutover.run import run_comparison

__all__ = ["CheckResult", "CompareConfig", "ComparisonResult", "load_compare_config", "run_comparison"]
