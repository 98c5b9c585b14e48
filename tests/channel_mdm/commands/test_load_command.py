"""``channel-mdm load``: a pilot wave computed and loaded by ``demo --scope``, the next wave loaded from the
same results without computing them again, the pilot's rows left as they were, then everything."""

from __future__ import annotations

import contextlib
import io

import pandas as pd
import pytest
import sqlalchemy as sa

from channel_mdm.cli import main

pytestmark = pytest.mark.slow


def _partners(url: str) -> pd.DataFrame:
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        frame = pd.read_sql(
            sa.text("SELECT golden_id, sales_region, record_hash, updated_at FROM partner"), connection
        )
    engine.dispose()
    return frame.set_index("golden_id")


@pytest.fixture(scope="module")
def waves(tmp_path_factory):
    """Exit code, output and the store's partners after each command, in order."""
    data_dir = tmp_path_factory.mktemp("data")
    url = f"sqlite:///{data_dir / 'store.sqlite'}"
    mp = pytest.MonkeyPatch()
    mp.setenv("CHANNEL_MDM_DATA_DIR", str(data_dir))
    mp.setenv("CHANNEL_MDM_STORE_URL", url)
    mp.setenv("DAGSTER_HOME", str(tmp_path_factory.mktemp("dagster_home")))
    steps = {}
    for name, argv in (
        ("pilot", ["demo", "--scope", "region=华东"]),
        ("second", ["load", "--scope", "region=华北"]),
        ("whole", ["load"]),
    ):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            code = main(argv)
        steps[name] = (code, out.getvalue(), _partners(url))
    other_store = f"sqlite:///{data_dir / 'other.sqlite'}"
    mp.setenv("CHANNEL_MDM_STORE_URL", other_store)
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        steps["other_store"] = (main(["load"]), err.getvalue(), pd.DataFrame())
    mp.undo()
    return steps


def _exit_code_of_verdict(out: str) -> int:
    """0 when the printed reconciliation is accepted, else 1: what the command must return."""
    return 0 if "reconciliation:   ACCEPTED" in out else 1


def test_the_next_wave_loads_from_the_pilots_results_and_reconciles_only_itself(waves):
    code, out, partners = waves["second"]
    assert "migration wave:   region=华北" in out
    assert code == _exit_code_of_verdict(out), out
    pilot = waves["pilot"][2]
    added = partners.index.difference(pilot.index)
    assert len(added) and "华北" in set(partners.loc[added, "sales_region"])
    assert len(partners) < len(waves["whole"][2])  # the other regions are not loaded yet
    assert "in the store outside this wave (other waves, or gone from the sources; kept)" in out


def test_loading_the_next_wave_leaves_the_pilots_rows_as_they_were(waves):
    _, _, pilot = waves["pilot"]
    _, _, second = waves["second"]
    assert len(pilot) and "华东" in set(pilot["sales_region"])  # with the head offices of its branches
    pd.testing.assert_frame_equal(second.loc[pilot.index], pilot)


def test_loading_everything_afterwards_loads_every_region(waves):
    code, out, partners = waves["whole"]
    assert "migration wave:   everything (no wave)" in out
    assert code == _exit_code_of_verdict(out), out
    assert len(partners) > len(waves["second"][2])
    assert len(set(partners["sales_region"])) > 2


def test_a_store_without_results_is_one_line_and_exit_2(waves):
    code, err, _ = waves["other_store"]
    assert code == 2
    assert "has no output computed for this store" in err
    assert "Traceback" not in err


def test_a_misspelt_scope_is_named_with_exit_2(capsys):
    assert main(["load", "--scope", "regoin=华东"]) == 2
    assert "did you mean region=…?" in capsys.readouterr().err
