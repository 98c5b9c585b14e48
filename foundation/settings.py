"""Where things live: the data folder, the store URL, the sample sources.

Everything comes from the environment (never from a file that could be committed), with
defaults that make a fresh checkout work with nothing configured.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from foundation.errors import UserError

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    """Working folder for the store, reports, steward workbooks and the drop folder."""
    store_url: str
    """SQLAlchemy URL of the target channel store. Never logged: may hold a password."""
    sources_dir: Path
    """Folder holding the source files (one sub-folder per source system)."""
    mappings_dir: Path
    """Folder of source-mapping YAML files."""
    delete_policy: str = "flag"
    """What a load does with a store row gone from its sources: ``flag`` (kept, marked, counted; the
    reconciliation is then not accepted) or ``soft_delete`` (kept with ``deleted_at``, no longer counted)."""
    drift_policy: str = "flag"
    """What a load does with a store row edited directly since the last load: ``flag`` (reported, left as
    edited) or ``repair`` (rewritten with what the sources say, reported)."""
    full_match: bool = False
    """Match every partner and customer record again even when the last match could be carried forward
    (``CHANNEL_MDM_FULL_MATCH=1``; see ``mdm.incremental``)."""

    @property
    def reports_dir(self) -> Path:
        return self.data_dir / "reports"

    @property
    def drop_dir(self) -> Path:
        return self.data_dir / "drop"

    @property
    def published_dir(self) -> Path:
        """The reports of the last run whose reconciliation was accepted (see ``migration.publish``)."""
        return self.data_dir / "published"

    @property
    def landing_dir(self) -> Path:
        """Exports landed from the drop folder; each replaces the file of the same name in ``sources_dir``."""
        return self.data_dir / "landing"


def load_settings() -> Settings:
    """Read settings from ``CHANNEL_MDM_*`` environment variables, falling back to local defaults."""
    data_dir = Path(os.environ.get("CHANNEL_MDM_DATA_DIR", PROJECT_ROOT / ".data")).resolve()
    store_url = os.environ.get("CHANNEL_MDM_STORE_URL") or f"sqlite:///{data_dir / 'channel_store.sqlite'}"
    sources_dir = Path(os.environ.get("CHANNEL_MDM_SOURCES_DIR", PROJECT_ROOT / "sample_data" / "sources"))
    mappings_dir = Path(os.environ.get("CHANNEL_MDM_MAPPINGS_DIR", PROJECT_ROOT / "sample_data" / "mappings"))
    return Settings(
        data_dir=data_dir,
        store_url=store_url,
        sources_dir=sources_dir,
        mappings_dir=mappings_dir,
        delete_policy=os.environ.get("CHANNEL_MDM_DELETE_POLICY", "").strip() or "flag",
        drift_policy=os.environ.get("CHANNEL_MDM_DRIFT_POLICY", "").strip() or "flag",
        full_match=os.environ.get("CHANNEL_MDM_FULL_MATCH", "").strip().lower() in ("1", "true", "yes"),
    )


def redact_url(url: str) -> str:
    """Return ``url`` with any password replaced by ``***`` so it can be logged or shown."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "<unparseable store URL>"


_PASSWORD_IN_TEXT = re.compile(r"(://[^:/@\s'\"]*:)[^@\s'\"]*@")


def redact_passwords_in_text(text: str) -> str:
    """Hide whatever sits between ``user:`` and ``@`` of every URL in free text (a traceback, a bad URL)."""
    return _PASSWORD_IN_TEXT.sub(r"\1***@", text)


def check_choice(value: str, choices: tuple[str, ...], what: str, variable: str) -> str:
    """``value`` if it is one of ``choices``; otherwise one clear message naming the setting and the choices."""
    if value not in choices:
        raise UserError(f"unknown {what} {value!r} ({variable}); use one of: " + ", ".join(choices))
    return value
