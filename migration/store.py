"""Open the target channel store and keep its schema at the latest Alembic revision.

The URL always comes from the caller (ultimately ``CHANNEL_MDM_STORE_URL``); it may hold a
password, so it is only ever logged through :func:`foundation.settings.redact_url`.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import URL, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import InterfaceError, NoSuchModuleError, OperationalError

if TYPE_CHECKING:
    from alembic.config import Config

from foundation.errors import UserError
from foundation.settings import redact_passwords_in_text

log = logging.getLogger(__name__)

ALEMBIC_INI = Path(__file__).resolve().parent / "alembic.ini"
SUPPORTED_BACKENDS = ("sqlite", "postgresql")


def create_store_engine(url: str) -> Engine:
    """Create an engine for the store at ``url``.

    For SQLite the parent folder is created, and every connection turns on foreign keys and
    write-ahead logging (so readers such as a report do not block the nightly load). A URL that
    cannot work (not a URL, unknown dialect, driver not installed, folder not creatable) raises
    :class:`UserError` naming the URL with its password hidden.
    """
    try:
        parsed = make_url(url)
    except Exception:
        raise UserError(
            f"store URL {redact_passwords_in_text(url)!r} is not a SQLAlchemy URL; set CHANNEL_MDM_STORE_URL to e.g. "
            "sqlite:///.data/channel_store.sqlite or postgresql+psycopg2://user@host/db"
        ) from None
    shown = parsed.render_as_string(hide_password=True)
    backend = parsed.get_backend_name()
    if backend not in SUPPORTED_BACKENDS:
        # Refused before anything connects, so nothing (not even alembic_version) is created there.
        raise UserError(
            f"{shown}: the channel store runs on SQLite or PostgreSQL, "
            f"not {backend}; set CHANNEL_MDM_STORE_URL to a sqlite:/// or postgresql+psycopg2:// URL"
        )
    if backend != "sqlite":
        return _create_engine(parsed, shown, pool_pre_ping=True)

    database = parsed.database or ""
    in_memory = database in ("", ":memory:") or database.startswith("file::memory:")
    if not in_memory:
        folder = Path(database).expanduser().resolve().parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            in_the_way = next((p for p in (folder, *folder.parents) if p.exists() and not p.is_dir()), None)
            reason = f"{in_the_way} is a file" if in_the_way else exc.strerror
            raise UserError(
                f"store {shown}: cannot create the folder {folder} ({reason}); "
                "point CHANNEL_MDM_STORE_URL at a writable folder"
            ) from None
        if not os.access(folder, os.W_OK):
            raise UserError(
                f"store {shown}: the folder {folder} is not writable; "
                "point CHANNEL_MDM_STORE_URL at a writable folder"
            )
    engine = _create_engine(parsed, shown)

    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_connection, _record) -> None:
        # The driver's own transaction handling is switched off, and SQLAlchemy emits BEGIN itself
        # (below): otherwise a SAVEPOINT opened first would start, and its RELEASE commit, a
        # transaction of its own, and a load killed half-way would leave half a batch behind.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA cache_size=-65536")
        if not in_memory:
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _sqlite_begin(connection) -> None:
        connection.exec_driver_sql("BEGIN")

    return engine


def _create_engine(url: URL, shown: str, **kwargs: Any) -> Engine:
    """``create_engine`` with an unknown dialect or a missing driver told in one line."""
    try:
        return create_engine(url, **kwargs)
    except NoSuchModuleError:
        raise UserError(
            f"store {shown}: unknown database dialect or driver '{url.drivername}'; "
            "use sqlite or postgresql+psycopg2"
        ) from None
    except ImportError as exc:
        raise UserError(
            f"store {shown}: the database driver for '{url.drivername}' is not installed ({exc}); "
            "install it (for PostgreSQL: pip install -e '.[postgres]') or use another driver in the URL"
        ) from None


def check_store_connection(engine: Engine) -> None:
    """Open one connection, so an unreachable or unopenable store is one line, not a traceback."""
    try:
        with engine.connect():
            pass
    except (OperationalError, InterfaceError) as exc:
        detail = str(exc.orig or exc).strip()
        reason = detail.splitlines()[0] if detail else type(exc).__name__
        raise UserError(
            f"store {engine.url.render_as_string(hide_password=True)}: cannot connect ({reason}); "
            "check the host, port, database name and credentials in CHANNEL_MDM_STORE_URL"
        ) from None


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
        check_store_connection(engine)
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
