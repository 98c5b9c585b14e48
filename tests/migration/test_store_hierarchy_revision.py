"""The store revision that adds the partner hierarchy columns and the scorecard table, on a store that
already holds partners referenced by customers (SQLite, and PostgreSQL when a server is reachable)."""

from __future__ import annotations

from datetime import UTC, datetime

from alembic import command
from sqlalchemy import column, insert, inspect, select, table

from migration.store import _alembic_config, _quiet_alembic, head_revision, store_revision, upgrade_store

NOW = datetime(2026, 11, 29, tzinfo=UTC)


def _table(name: str, *columns: str):  # type: ignore[no-untyped-def]
    return table(name, *(column(c) for c in columns))


def _migrate(engine, action, revision: str) -> None:
    config = _alembic_config()
    with engine.begin() as connection, _quiet_alembic():
        config.attributes["connection"] = connection
        action(config, revision)


def test_a_store_with_partners_and_their_customers_upgrades_and_downgrades(engine):
    _migrate(engine, command.upgrade, "0004")
    stamp = {"record_hash": "h", "load_batch_id": "B1", "created_at": NOW, "updated_at": NOW}
    with engine.begin() as connection:
        connection.execute(
            insert(_table("partner", "golden_id", "partner_name", *stamp)),
            [{"golden_id": "P00000001", "partner_name": "深圳市华强商贸有限公司", **stamp}],
        )
        connection.execute(
            insert(_table("customer", "golden_id", "customer_name", "partner_golden_id", *stamp)),
            [{"golden_id": "C00000001", "customer_name": "王芳", "partner_golden_id": "P00000001", **stamp}],
        )

    assert upgrade_store(engine) == head_revision()
    columns = {c["name"] for c in inspect(engine).get_columns("partner")}
    assert {"parent_link", "supplier_golden_id"} <= columns
    assert "quality_score" in inspect(engine).get_table_names()
    with engine.connect() as connection:
        customer = _table("customer", "partner_golden_id")
        assert connection.execute(select(customer.c.partner_golden_id)).scalar() == "P00000001"

    _migrate(engine, command.downgrade, "0004")
    assert store_revision(engine) == "0004"
    assert "supplier_golden_id" not in {c["name"] for c in inspect(engine).get_columns("partner")}
