"""The one resource every asset needs: where the data, sources, mappings and store are."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import dagster as dg

from foundation.settings import Settings, load_settings


class ChannelMdmConfig(dg.ConfigurableResource):
    """Folders and store for a run. Empty values fall back to the ``CHANNEL_MDM_*`` environment.

    The store URL is never configured here: it comes only from ``CHANNEL_MDM_STORE_URL``
    (or the SQLite default) so that a password can never end up in run config or logs.
    """

    data_dir: str = ""
    sources_dir: str = ""
    mappings_dir: str = ""

    def settings(self) -> Settings:
        base = load_settings()
        return replace(
            base,
            data_dir=Path(self.data_dir).resolve() if self.data_dir else base.data_dir,
            sources_dir=Path(self.sources_dir) if self.sources_dir else base.sources_dir,
            mappings_dir=Path(self.mappings_dir) if self.mappings_dir else base.mappings_dir,
        )
