"""The spec a user writes and the top-level command line: one line for bad input, a log for bugs.

Found by a hostile run: a dedupe spec with ``country: XX`` or with one column under two roles was
accepted (every local phone stayed unparsed; the column counted twice).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from channel_mdm.cli import main

INPUTS = Path(__file__).parent / "inputs" / "command_inputs"


def _dedupe_with(spec: Path, tmp_path: Path) -> int:
    source = INPUTS / "dealers_with_title.csv"
    return main(
        ["dedupe", str(source), "--spec", str(spec), "--out", str(tmp_path / "o.csv"), "--no-progress"]
    )


def test_a_spec_with_an_unknown_country_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = INPUTS / "spec_country_xx.yaml"
    assert _dedupe_with(spec, tmp_path) == 2
    assert capsys.readouterr().err == (
        f"channel-mdm dedupe: error: {spec}: country 'XX' is not a country code phone numbers are known for "
        "(did you mean 'XK' or 'SX'?); use an ISO 3166 alpha-2 code such as CN, GB or US\n"
    )


def test_uk_is_pointed_to_gb(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(
        (INPUTS / "spec_country_xx.yaml").read_text(encoding="utf-8").replace("XX", "UK"), encoding="utf-8"
    )
    assert _dedupe_with(spec, tmp_path) == 2
    assert "country 'UK' is not a country code phone numbers are known for (did you mean 'GB'" in (
        capsys.readouterr().err
    )


def test_a_column_under_two_roles_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = INPUTS / "spec_column_two_roles.yaml"
    assert _dedupe_with(spec, tmp_path) == 2
    assert capsys.readouterr().err == (
        f"channel-mdm dedupe: error: {spec}: column 'dealer_name' is under both columns.company_name and "
        "columns.free_text; give each column one role\n"
    )
    assert not (tmp_path / "o.csv").exists()


def _fail_with_a_bug(args: object) -> int:
    raise RuntimeError("cannot reach postgresql://channel:s3cret@db/channel\nsecond line")


def test_an_unexpected_error_is_one_line_and_a_log_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # No real input reaches a bug on purpose, so a command is swapped for one that fails.
    monkeypatch.setenv("CHANNEL_MDM_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("CHANNEL_MDM_DEBUG", raising=False)
    monkeypatch.setattr("channel_mdm.commands.reconcile.add_parser", _parser_with(_fail_with_a_bug))
    assert main(["reconcile"]) == 1
    err = capsys.readouterr().err
    match = re.fullmatch(
        r"channel-mdm reconcile: unexpected error \(RuntimeError: cannot reach "
        r"postgresql://channel:\*\*\*@db/channel\); the full traceback is in (\S+\.log); "
        r"run again with --debug to see it here\n",
        err,
    )
    assert match, err
    log = Path(match.group(1))
    assert log.parent == tmp_path / "data" / "logs"
    text = log.read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in text and "_fail_with_a_bug" in text
    assert "s3cret" not in text


def test_debug_shows_the_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("channel_mdm.commands.reconcile.add_parser", _parser_with(_fail_with_a_bug))
    with pytest.raises(RuntimeError):
        main(["--debug", "reconcile"])
    monkeypatch.setenv("CHANNEL_MDM_DEBUG", "1")
    with pytest.raises(RuntimeError):
        main(["reconcile"])


def _parser_with(func):  # type: ignore[no-untyped-def]
    def add_parser(subparsers):  # type: ignore[no-untyped-def]
        subparsers.add_parser("reconcile").set_defaults(func=func)

    return add_parser
