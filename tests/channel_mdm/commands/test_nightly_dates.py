"""Which business date the sample's next night is synced under, and dates that have not begun."""

import argparse
import json

import pytest

from channel_mdm.commands.demo import _business_date, _today_in_shanghai
from channel_mdm.commands.nightly import next_business_date


def _summary(tmp_path, business_date):
    path = tmp_path / "summary.json"
    path.write_text(json.dumps({"business_date": business_date}), encoding="utf-8")
    return path


def test_the_next_night_follows_the_last_synced_date(tmp_path):
    assert next_business_date(_summary(tmp_path, "2026-11-20"), today="2026-11-29") == "2026-11-21"


def test_a_night_after_todays_sync_runs_under_today_again_and_says_so(tmp_path, capsys):
    assert next_business_date(_summary(tmp_path, "2026-11-29"), today="2026-11-29") == "2026-11-29"
    assert "2026-11-30 has not begun in Shanghai yet" in capsys.readouterr().out


def test_without_an_earlier_sync_the_run_takes_its_default(tmp_path):
    assert next_business_date(tmp_path / "summary.json", today="2026-11-29") is None
    assert next_business_date(_summary(tmp_path, None), today="2026-11-29") is None


def test_a_business_date_that_has_not_begun_is_refused_with_today_named():
    assert _business_date("2026-01-05") == "2026-01-05"
    with pytest.raises(argparse.ArgumentTypeError, match=f"today is {_today_in_shanghai()}"):
        _business_date("2999-01-01")
