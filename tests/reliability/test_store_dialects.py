"""A store URL of an unsupported database is refused before anything is created there.

Found by a hostile run: a MariaDB store URL created ``alembic_version`` and ``crosswalk`` before the
dialect was refused.
"""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, inspect, text

from channel_mdm.cli import main
from tests.conftest import server_url_or_skip


@pytest.mark.mysql
def test_a_mariadb_store_url_is_refused_and_creates_nothing(monkeypatch, capsys) -> None:
    server = server_url_or_skip("CHANNEL_MDM_TEST_MYSQL_URL", "MariaDB/MySQL")
    admin = create_engine(server)
    with admin.begin() as connection:
        connection.execute(text("DROP DATABASE IF EXISTS channel_mdm_refused"))
        connection.execute(text("CREATE DATABASE channel_mdm_refused"))
    url = admin.url.set(database="channel_mdm_refused", password="s3cret")
    monkeypatch.setenv("CHANNEL_MDM_STORE_URL", url.render_as_string(hide_password=False))
    try:
        assert main(["migrate", "upgrade"]) == 2
        err = capsys.readouterr().err
        assert err.strip() == (
            f"channel-mdm migrate: error: {url.render_as_string(hide_password=True)}: the channel store runs on "
            "SQLite or PostgreSQL, not mysql; set CHANNEL_MDM_STORE_URL to a sqlite:/// or postgresql+psycopg2:// URL"
        )
        assert "s3cret" not in err
        check = create_engine(admin.url.set(database="channel_mdm_refused"))
        assert inspect(check).get_table_names() == []
        check.dispose()
    finally:
        with admin.begin() as connection:
            connection.execute(text("DROP DATABASE IF EXISTS channel_mdm_refused"))
        admin.dispose()
