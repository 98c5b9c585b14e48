"""Alembic environment for the channel store.

Called two ways: programmatically by ``migration.store.upgrade_store`` with an open connection
in ``config.attributes["connection"]``, or from the ``alembic`` command line, which takes the
URL from ``CHANNEL_MDM_STORE_URL`` (never from alembic.ini, so no password is ever committed).
"""

from __future__ import annotations

import os
from logging.config import fileConfig

from alembic import context
from sqlalchemy import Connection

from migration.models import Base

config = context.config
target_metadata = Base.metadata


def _configure_and_run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure_and_run(connection)
        return
    if config.config_file_name is not None:
        fileConfig(config.config_file_name)
    from foundation.settings import load_settings
    from migration.store import create_store_engine

    url = os.environ.get("CHANNEL_MDM_STORE_URL") or load_settings().store_url
    engine = create_store_engine(url)
    try:
        with engine.begin() as connection:
            _configure_and_run(connection)
    finally:
        engine.dispose()


def run_migrations_offline() -> None:
    url = os.environ.get("CHANNEL_MDM_STORE_URL", "sqlite://")
    context.configure(url=url, target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
