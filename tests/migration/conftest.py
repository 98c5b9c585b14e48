"""Store fixtures: every store test runs on SQLite, and on PostgreSQL when a server is reachable.

PostgreSQL: set CHANNEL_MDM_TEST_POSTGRES_URL (e.g. postgresql+psycopg2://postgres@127.0.0.1:5432/postgres).
One throwaway database is created per test session and dropped at the end; each test starts
from an empty schema.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator

import pandas as pd
import pytest
from sqlalchemy import DDL, Engine, create_engine
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import OperationalError

from foundation.settings import redact_url
from migration.store import create_store_engine, upgrade_store

POSTGRES_ENV = "CHANNEL_MDM_TEST_POSTGRES_URL"


@pytest.fixture(scope="session")
def postgres_database_url() -> Iterator[URL]:
    server = os.environ.get(POSTGRES_ENV)
    if not server:
        pytest.skip(f"{POSTGRES_ENV} is not set; PostgreSQL store tests skipped")
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        admin.connect().close()
    except OperationalError as exc:
        admin.dispose()
        reason = str(exc.orig).strip().splitlines()[0]
        pytest.skip(f"PostgreSQL at {redact_url(server)} is not reachable ({reason}); store tests skipped")
    name = f"channel_mdm_test_{secrets.token_hex(4)}"
    quoted = admin.dialect.identifier_preparer.quote(name)
    with admin.connect() as connection:
        connection.execute(DDL(f"CREATE DATABASE {quoted}"))
    try:
        yield make_url(server).set(database=name)
    finally:
        with admin.connect() as connection:
            connection.execute(DDL(f"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)"))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, tmp_path) -> str:
    """URL of an empty store database on each backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store' / 'channel_store.sqlite'}"
    url: URL = request.getfixturevalue("postgres_database_url")
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(DDL("DROP SCHEMA public CASCADE"))
        connection.execute(DDL("CREATE SCHEMA public"))
    engine.dispose()
    return url.render_as_string(hide_password=False)


@pytest.fixture
def engine(store_url: str) -> Iterator[Engine]:
    engine = create_store_engine(store_url)
    yield engine
    engine.dispose()


@pytest.fixture
def store(engine: Engine) -> Engine:
    """An engine on a store upgraded to the latest schema."""
    upgrade_store(engine)
    return engine


def _old_frames() -> dict[str, pd.DataFrame]:
    """A small migration as ingested: canonical columns, text values, provenance."""
    partner = pd.DataFrame(
        {
            "source_system": ["ERP", "DMS", "ERP"],
            "source_file": ["erp_partners.xlsx", "dms_partners.csv", "erp_partners.xlsx"],
            "source_sheet": ["客户", None, "客户"],
            "source_row": [2, 2, 3],
            "source_record_id": ["P001", "D-9", "P002"],
            "partner_name": ["深圳市华南商贸有限公司", "深圳华南商贸", "上海东方贸易有限公司"],
            "uscc": ["914403001922038216", "", "91440300708461136T"],
            "channel_tier": ["1", "1", "2"],
            "sales_region": ["华南", "华南", "华东"],
            "phone": ["0755-12345678", "", "13812345678"],
        }
    )
    product = pd.DataFrame(
        {
            "sku_code": ["SKU1", "SKU2"],
            "gtin": ["6901234567892", "06901234567908"],
            "product_name": ["纯净水 500ml", "绿茶 250ml"],
            "spec": ["500ml×12瓶/箱", "250ml*24瓶/箱"],
            "net_content": ["500", "250"],
            "units_per_case": ["12", "24"],
            "tax_rate": ["0.13", "0.13"],
        }
    )
    price = pd.DataFrame(
        {
            "sku_code": ["SKU1", "SKU1", "SKU2"],
            "price_tier": ["tier1", "retail", "tier1"],
            "sales_region": ["华南", "华南", "华东"],
            "price": ["113.00", "150", "10.00"],
            "currency": ["CNY", "CNY", "CNY"],
            "effective_from": ["2026-01-01", "2026-01-01", "2026/01/01"],
            "effective_to": ["", "", "2026-12-31"],
        }
    )
    balance = pd.DataFrame(
        {
            "source_system": ["ERP", "ERP", "DMS"],
            "partner_record_id": ["P001", "P002", "D-9"],
            "balance_amount": ["12,345.67", "-500.00", "0.10"],
            "credit_limit": ["50000", "", "0.20"],
            "currency": ["CNY", "CNY", "CNY"],
            "as_of_date": ["2026-10-31", "2026-10-31", "2026-10-31"],
        }
    )
    order = pd.DataFrame(
        {
            "source_system": ["ERP", "ERP", "DMS"],
            "order_no": ["SO1", "SO1", "SO9"],
            "line_no": ["1", "2", "1"],
            "partner_record_id": ["P001", "P001", "D-9"],
            "order_date": ["2026-10-01", "2026-10-01", "2026-10-02"],
            "sku_code": ["SKU1", "SKU2", "SKU1"],
            "quantity": ["10", "3", "1.5"],
            "unit_price": ["113.00", "10.00", "113.00"],
            "amount": ["1130.00", "30.00", "169.50"],
            "status": ["closed", "closed", "open"],
        }
    )
    return {"partner": partner, "product": product, "price": price, "balance": balance, "order": order}


CROSSWALK = pd.DataFrame(
    {
        "entity": ["partner", "partner", "partner"],
        "source_system": ["ERP", "DMS", "ERP"],
        "source_record_id": ["P001", "D-9", "P002"],
        "golden_id": ["P00000001", "P00000001", "P00000002"],
        "match_score": [1.0, 0.93, None],
        "match_decision": ["auto_merge", "auto_merge", "singleton"],
    }
)


def _golden_of(frame: pd.DataFrame, golden_of: dict[tuple[str, str], str]) -> list[str]:
    pairs = zip(frame["source_system"], frame["partner_record_id"], strict=True)
    return [golden_of[pair] for pair in pairs]


def _store_frames() -> dict[str, pd.DataFrame]:
    """What the golden-record step hands the loader for :func:`old_frames`."""
    old = _old_frames()
    golden_of = {("ERP", "P001"): "P00000001", ("DMS", "D-9"): "P00000001", ("ERP", "P002"): "P00000002"}
    partner = pd.DataFrame(
        {
            "golden_id": ["P00000001", "P00000002"],
            "partner_name": ["深圳市华南商贸有限公司", "上海东方贸易有限公司"],
            "uscc": ["914403001922038216", "91440300708461136T"],
            "channel_tier": ["1", "2"],
            "sales_region": ["华南", "华东"],
            "phone": ["0755-12345678", "13812345678"],
            "source_count": [2, 1],
            "primary_source_system": ["ERP", "ERP"],
            "primary_source_record_id": ["P001", "P002"],
        }
    )
    product = old["product"].assign(gtin=["06901234567892", "06901234567908"])
    balance = old["balance"].assign(partner_golden_id=_golden_of(old["balance"], golden_of))
    order = old["order"].assign(partner_golden_id=_golden_of(old["order"], golden_of))
    return {
        "partner": partner,
        "product": product,
        "price": old["price"],
        "balance": balance,
        "order": order,
        "crosswalk": CROSSWALK.copy(),
    }


@pytest.fixture
def old_frames() -> dict[str, pd.DataFrame]:
    """Canonical frames as ingested from the old systems (a fresh copy per test)."""
    return _old_frames()


@pytest.fixture
def store_frames() -> dict[str, pd.DataFrame]:
    """The frames the loader receives for the same records (a fresh copy per test)."""
    return _store_frames()


@pytest.fixture
def loaded_store(store: Engine) -> Engine:
    """A store holding the small migration, loaded as batch B1."""
    from migration.load import load_all

    load_all(store, _store_frames(), "B1")
    return store
