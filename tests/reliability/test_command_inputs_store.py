"""``migrate upgrade`` on a store URL that cannot work is one line naming the URL, password hidden.

Found by a hostile run: five kinds of bad ``CHANNEL_MDM_STORE_URL`` ended in tracebacks (one of
them printing the password). Each now names the URL and the problem, exit 2.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from channel_mdm.cli import main


def _upgrade(url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> str:
    monkeypatch.setenv("CHANNEL_MDM_STORE_URL", url)
    assert main(["migrate", "upgrade"]) == 2
    captured = capsys.readouterr()
    assert "s3cret" not in captured.err + captured.out
    return captured.err


def test_text_that_is_not_a_url(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    assert _upgrade("postgresql://channel:s3cret@db:port/channel", monkeypatch, capsys) == (
        "channel-mdm migrate: error: store URL 'postgresql://channel:***@db:port/channel' is not a SQLAlchemy "
        "URL; set CHANNEL_MDM_STORE_URL to e.g. sqlite:///.data/channel_store.sqlite or "
        "postgresql+psycopg2://user@host/db\n"
    )


def test_an_unknown_dialect(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    assert _upgrade("oracel://channel:s3cret@db/channel", monkeypatch, capsys) == (
        "channel-mdm migrate: error: oracel://channel:***@db/channel: the channel store runs on SQLite or "
        "PostgreSQL, not oracel; set CHANNEL_MDM_STORE_URL to a sqlite:/// or postgresql+psycopg2:// URL\n"
    )


def test_an_unknown_driver(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    assert _upgrade("postgresql+psycopg3://channel:s3cret@db/channel", monkeypatch, capsys) == (
        "channel-mdm migrate: error: store postgresql+psycopg3://channel:***@db/channel: unknown database "
        "dialect or driver 'postgresql+psycopg3'; use sqlite or postgresql+psycopg2\n"
    )


def test_a_driver_that_is_not_installed(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    try:
        import pg8000  # noqa: F401

        pytest.skip("pg8000 is installed here")
    except ImportError:
        pass
    assert _upgrade("postgresql+pg8000://channel:s3cret@127.0.0.1/channel", monkeypatch, capsys) == (
        "channel-mdm migrate: error: store postgresql+pg8000://channel:***@127.0.0.1/channel: the database "
        "driver for 'postgresql+pg8000' is not installed (No module named 'pg8000'); install it (for "
        "PostgreSQL: pip install -e '.[postgres]') or use another driver in the URL\n"
    )


def test_an_unreachable_host(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("psycopg2")
    assert _upgrade("postgresql+psycopg2://channel:s3cret@127.0.0.1:1/channel", monkeypatch, capsys) == (
        "channel-mdm migrate: error: store postgresql+psycopg2://channel:***@127.0.0.1:1/channel: cannot "
        'connect (connection to server at "127.0.0.1", port 1 failed: Connection refused); check the host, '
        "port, database name and credentials in CHANNEL_MDM_STORE_URL\n"
    )


def test_a_sqlite_path_whose_folder_cannot_be_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "exports").write_text("a file where the folder should be", encoding="utf-8")
    url = f"sqlite:///{tmp_path}/exports/store/channel.sqlite"
    assert _upgrade(url, monkeypatch, capsys) == (
        f"channel-mdm migrate: error: store {url}: cannot create the folder {tmp_path}/exports/store "
        f"({tmp_path}/exports is a file); point CHANNEL_MDM_STORE_URL at a writable folder\n"
    )


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write to any folder")
def test_a_sqlite_path_in_a_read_only_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "read_only"
    folder.mkdir()
    folder.chmod(0o555)
    url = f"sqlite:///{folder}/channel.sqlite"
    try:
        assert _upgrade(url, monkeypatch, capsys) == (
            f"channel-mdm migrate: error: store {url}: the folder {folder} is not writable; "
            "point CHANNEL_MDM_STORE_URL at a writable folder\n"
        )
    finally:
        folder.chmod(0o755)


def test_a_sqlite_path_in_a_folder_that_does_not_exist_yet_is_created(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CHANNEL_MDM_STORE_URL", f"sqlite:///{tmp_path}/new/folder/channel.sqlite")
    assert main(["migrate", "upgrade"]) == 0
    assert (tmp_path / "new" / "folder" / "channel.sqlite").is_file()
