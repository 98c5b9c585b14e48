"""Open the target channel store and keep its schema at the latest Alembic revision.

The URL always comes from the caller (ultimately ``CHANNEL_MDM_STORE_URL``); it may hold a
password, so it is only ever logged through :func:`channel_mdm.settings.redact_url`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

if TYPE_CHECKING:
    from alembic.config import Config

from channel_mdm.errors import UserError

log = logging.getLogger(__name__)

ALEMBIC_INI = Path(__file__).resolve().parent / "alembic.ini"
SUPPORTED_BACKENDS = ("sqlite", "postgresql")


def create_store_engine(url: str) -> Engine:
    """Create an engine for the store at ``url``.

    For SQLite the parent folder is created, and every connection turns on foreign keys and
    write-ahead logging (so readers such as a report do not block the nightly load).
    """
    try:
        parsed = make_url(url)
    except Exception:
        raise UserError(
            "the store URL is not a valid SQLAlchemy URL; set CHANNEL_MDM_STORE_URL to e.g. "
            "sqlite:///.data/channel_store.sqlite or postgresql+psycopg2://user@host/db"
        ) from None
    backend = parsed.get_backend_name()
    if backend not in SUPPORTED_BACKENDS:
        # Refused before anything connects, so nothing (not even alembic_version) is created there.
        raise UserError(
            f"{parsed.render_as_string(hide_password=True)}: the channel store runs on SQLite or PostgreSQL, "
            f"not {backend}; set CHANNEL_MDM_STORE_URL to a sqlite:/// or postgresql+psycopg2:// URL"
        )
    if backend != "sqlite":
        return create_engine(url, pool_pre_ping=True)

    database = parsed.database or ""
    in_memory = database in ("", ":memory:") or database.startswith("file::memory:")
    if not in_memory:
        Path(database).expanduser().resolve().parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url)

    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        if not in_memory:
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    return engine


def _alembic_config() -> Config:
    with _quiet_alembic():  # importing alembic.config announces its plugins at INFO
        from alembic.config import Config
    config = Config(str(ALEMBIC_INI))
    config.set_main_option("script_location", str(ALEMBIC_INI.parent / "alembic"))
    return config


@contextmanager
def _quiet_alembic() -> Iterator[None]:
    """Alembic narrates every step at INFO; the store logs one line of its own instead."""
    logger = logging.getLogger("alembic")
    level = logger.level
    logger.setLevel(max(level, logging.WARNING))
    try:
        yield
    finally:
        logger.setLevel(level)


def head_revision() -> str:
    """The newest schema revision this version of channel-mdm knows."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    assert head is not None
    return head


def upgrade_store(url_or_engine: str | Engine) -> str:
    """Bring the store's schema to the latest revision and return it.

    Works on an empty database and does nothing when the schema is already current.
    """
    engine = create_store_engine(url_or_engine) if isinstance(url_or_engine, str) else url_or_engine
    try:
        before = store_revision(engine)
        config = _alembic_config()
        from alembic import command

        with engine.begin() as connection, _quiet_alembic():
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
        after = store_revision(engine)
    finally:
        if isinstance(url_or_engine, str):
            engine.dispose()
    where = engine.url.render_as_string(hide_password=True)
    if before == after:
        log.info("store %s is at revision %s, nothing to do", where, after)
    else:
        log.info("upgraded store %s from revision %s to %s", where, before or "<empty>", after)
    assert after is not None
    return after


def store_revision(engine: Engine) -> str | None:
    """The store's current schema revision, or ``None`` for an empty database."""
    with _quiet_alembic():
        from alembic.runtime.migration import MigrationContext
    with engine.connect() as connection, _quiet_alembic():
        return MigrationContext.configure(connection).get_current_revision()
