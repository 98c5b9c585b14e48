"""Two loads of the same data into one PostgreSQL store at the same time report what really changed.

Found by a hostile run: both concurrent loads read the store before either had committed, so both
reported every row as inserted. Loads now queue on a transaction-level advisory lock per store.
"""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from migration.load import LoadStats, load_all
from migration.models import TABLES
from migration.store import create_store_engine, upgrade_store
from tests.migration.conftest import _store_frames, postgres_database_url, store_url  # noqa: F401

pytestmark = pytest.mark.postgres


@pytest.mark.parametrize("store_url", ["postgresql"], indirect=True)
def test_two_concurrent_loads_of_the_same_data_count_right(store_url: str) -> None:  # noqa: F811
    engine = create_store_engine(store_url)
    try:
        upgrade_store(engine)
        start = threading.Barrier(2)
        results: dict[str, dict[str, LoadStats] | BaseException] = {}

        def load(batch_id: str) -> None:
            start.wait()
            try:
                results[batch_id] = load_all(engine, _store_frames(), batch_id)
            except BaseException as exc:  # reported by the assertion below
                results[batch_id] = exc

        threads = [threading.Thread(target=load, args=(batch,)) for batch in ("B1", "B2")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        assert all(isinstance(r, dict) for r in results.values()), results
        counts = sorted(
            [
                {t: (s.inserted, s.updated, s.unchanged) for t, s in stats.items()}
                for stats in results.values()
            ],
            key=lambda c: -c["product"][0],
        )
        first, second = counts
        assert first["product"] == (2, 0, 0) and first["order_line"] == (3, 0, 0)
        assert all(inserted == 0 and updated == 0 for inserted, updated, _ in second.values()), second
        assert second["product"] == (0, 0, 2) and second["order_line"] == (0, 0, 3)
        with engine.connect() as connection:
            assert connection.scalar(select(func.count()).select_from(TABLES["product"])) == 2
    finally:
        engine.dispose()
