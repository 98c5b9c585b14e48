from __future__ import annotations

import logging

import pytest
from sqlalchemy import inspect, select, text
from sqlalchemy.engine import make_url

from migration.models import TABLES
from migration.store import create_store_engine, head_revision, store_revision, upgrade_store

STORE_TABLES = {
    "partner",
    "customer",
    "product",
    "price",
    "balance",
    "order_line",
    "crosswalk",
    "product_crosswalk",
    "quarantine",
    "run_log",
}


def test_upgrade_creates_every_table_on_an_empty_store(engine):
    assert store_revision(engine) is None

    revision = upgrade_store(engine)

    assert revision == head_revision() == store_revision(engine)
    assert set(inspect(engine).get_table_names()) >= STORE_TABLES


def test_upgrade_of_a_current_store_changes_nothing(engine):
    upgrade_store(engine)
    with engine.begin() as connection:
        connection.execute(
            TABLES["run_log"]
            .insert()
            .values(run_id="r1", started_at=text("CURRENT_TIMESTAMP"), status="succeeded")
        )

    assert upgrade_store(engine) == head_revision()

    with engine.connect() as connection:
        assert connection.execute(select(TABLES["run_log"].c.run_id)).scalars().all() == ["r1"]


def test_the_schema_matches_the_models_after_upgrade(engine):
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from migration.models import Base

    upgrade_store(engine)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_upgrade_accepts_a_url_and_creates_the_sqlite_folder(tmp_path):
    url = f"sqlite:///{tmp_path / 'new' / 'folder' / 'store.sqlite'}"

    assert upgrade_store(url) == head_revision()
    assert (tmp_path / "new" / "folder" / "store.sqlite").exists()


def test_sqlite_connections_enforce_foreign_keys_and_use_wal(tmp_path):
    engine = create_store_engine(f"sqlite:///{tmp_path / 'store.sqlite'}")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    engine.dispose()


@pytest.mark.postgres
def test_the_store_password_never_reaches_the_log(postgres_database_url, caplog):
    url = make_url(postgres_database_url).set(password="s3cret-pw").render_as_string(hide_password=False)
    caplog.set_level(logging.DEBUG)

    upgrade_store(url)

    assert "s3cret-pw" not in caplog.text
    assert "***" in caplog.text


def test_an_invalid_store_url_is_a_user_error():
    from foundation.errors import UserError

    with pytest.raises(UserError) as error:
        create_store_engine("not a url")
    assert str(error.value) == (
        "store URL 'not a url' is not a SQLAlchemy URL; set CHANNEL_MDM_STORE_URL to e.g. "
        "sqlite:///.data/channel_store.sqlite or postgresql+psycopg2://user@host/db"
    )
