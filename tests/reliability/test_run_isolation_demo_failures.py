"""``channel-mdm demo`` on broken input ends with one line naming the failed step and why.

Found by a hostile run: a failing step printed ~680 lines of Dagster stack and the last line said only
'Execution of step "validated_prices" failed.'; the stack now goes to the run's log file.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from foundation.settings import PROJECT_ROOT

pytestmark = pytest.mark.slow

MAPPINGS = PROJECT_ROOT / "sample_data" / "mappings"
UNREACHABLE_STORE = "postgresql+psycopg2://channel:s3cret@127.0.0.1:1/channel"
RUN_LOG = r"\(Dagster log: (?P<log>\S+/runs/(?P<run>[0-9a-f-]{36})/run\.log); run (?P=run)\)"


def _start_demo(root: Path, **env: str) -> subprocess.Popen:
    environment = {
        **os.environ,
        "DAGSTER_HOME": str(root / "dagster_home"),
        "CHANNEL_MDM_DATA_DIR": str(root / "data"),
        **env,
    }
    environment.pop("CHANNEL_MDM_SOURCES_DIR", None)
    if "CHANNEL_MDM_STORE_URL" not in env:
        environment.pop("CHANNEL_MDM_STORE_URL", None)
    return subprocess.Popen(
        [sys.executable, "-m", "channel_mdm.cli", "demo"],
        cwd=PROJECT_ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _mappings_with(root: Path, name: str, edit) -> Path:
    folder = root / "mappings"
    shutil.copytree(MAPPINGS, folder)
    path = folder / name
    path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def demos(tmp_path_factory):
    """Three demo runs at once, each on its own broken input: (root, exit code, stdout, stderr) by case."""
    roots = {case: tmp_path_factory.mktemp(case) for case in ("bad_yaml", "no_store", "missing_column")}
    bad_yaml = _mappings_with(
        roots["bad_yaml"], "dms_price.yaml", lambda _: "source_system: dms\nentity: price\nfile: [unclosed\n"
    )
    missing_column = _mappings_with(
        roots["missing_column"],
        "dms_price.yaml",
        lambda text: text.replace("sales_region: region\n", "sales_region: regoin\n"),
    )
    runs = {
        "bad_yaml": _start_demo(roots["bad_yaml"], CHANNEL_MDM_MAPPINGS_DIR=str(bad_yaml)),
        "no_store": _start_demo(roots["no_store"], CHANNEL_MDM_STORE_URL=UNREACHABLE_STORE),
        "missing_column": _start_demo(roots["missing_column"], CHANNEL_MDM_MAPPINGS_DIR=str(missing_column)),
    }
    outcomes = {}
    for case, run in runs.items():
        out, err = run.communicate(timeout=600)
        outcomes[case] = (roots[case], run.returncode, out, err)
    return outcomes


def _last_line(err: str) -> str:
    return err.rstrip("\n").splitlines()[-1]


def test_a_mapping_that_is_not_yaml_names_the_step_and_the_file_exit_2(demos):
    root, code, out, err = demos["bad_yaml"]
    assert code == 2, err
    assert out == ""
    line = _last_line(err)
    expected = (
        f"channel-mdm demo: error: step 'landed_sources' failed: {root / 'mappings' / 'dms_price.yaml'}: "
        "not valid YAML at line 4, column 1: expected ',' or ']', but got '<stream end>' "
    )
    assert line.startswith(expected), line
    assert re.fullmatch(re.escape(expected) + RUN_LOG, line), line


def test_an_unreachable_store_names_the_step_and_the_store_without_its_password_exit_1(demos):
    root, code, out, err = demos["no_store"]
    assert code == 1, err
    line = _last_line(err)
    expected = (
        "channel-mdm demo: error: step 'customer_golden' failed: psycopg2.OperationalError: connection to server "
        'at "127.0.0.1", port 1 failed: Connection refused (channel store '
        "postgresql+psycopg2://channel:***@127.0.0.1:1/channel: check CHANNEL_MDM_STORE_URL and that the "
        "database server is running and reachable) "
    )
    assert line.startswith(expected), line
    match = re.fullmatch(re.escape(expected) + RUN_LOG, line)
    assert match, line
    assert "s3cret" not in out + err
    # The stack is in the run's log, not on the terminal.
    assert "Traceback" not in err and "Stack Trace" not in err and "dagster._core.errors" not in err
    log = Path(match["log"])
    assert log.is_relative_to(root / "data" / "runs")
    text = log.read_text(encoding="utf-8")
    assert "Stack Trace" in text and "OperationalError" in text
    assert "s3cret" not in text


def test_a_mapping_to_a_missing_column_reports_the_file_and_finishes(demos):
    # Before, the unreadable price list left no prices and the price checks failed the whole run.
    root, code, out, err = demos["missing_column"]
    assert code == 0, _last_line(err)
    sources = PROJECT_ROOT / "sample_data" / "sources"
    assert (
        f"unreadable: {sources / 'dms' / 'price_list.csv'}: has no column 'regoin' "
        f"(mapping {root / 'mappings' / 'dms_price.yaml'}, columns.sales_region); did you mean 'region'? "
        "Columns in the file: sku, price_type, region, price, currency, start_date, end_date, channel, "
        "promotion_code"
    ) in out.splitlines()
    assert "Traceback" not in err
