"""Shared fixtures: database servers for the backend-parametrised tests."""

from __future__ import annotations

import os

import pytest


def server_url_or_skip(env_var: str, what: str) -> str:
    """The URL in ``env_var`` if a server answers there; otherwise skip with the reason."""
    url = os.environ.get(env_var)
    if not url:
        pytest.skip(f"{what} tests need {env_var} (e.g. set by .ci/run); not set")
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as exc:  # any connection failure means: no server here
        pytest.skip(f"{what} server at {env_var} is not reachable: {type(exc).__name__}")
    finally:
        engine.dispose()
    return url
