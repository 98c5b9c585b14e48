"""Large writes: foreign keys checked once for the whole table (PostgreSQL), references that are not
there quarantined with their reason, COPY text that reads back exactly. On SQLite always, on PostgreSQL
when a server is reachable."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pandas as pd
import pytest
from sqlalchemy import func, insert, inspect, select
from sqlalchemy.exc import IntegrityError

from migration import bulk, copy_text, load
from migration.copy_text import copy_text_pieces
from migration.load import LoadStats, load_all
from migration.models import TABLES


@pytest.fixture
def every_write_is_bulk(monkeypatch: pytest.MonkeyPatch) -> None:
    """Small frames take the path of a large write."""
    monkeypatch.setattr(bulk, "BULK_REFERENCE_ROWS", 1)


def _frames(orders: int, unknown_sku_at: int | None = None) -> dict[str, pd.DataFrame]:
    partner = pd.DataFrame(
        {"golden_id": ["P1", "P2"], "partner_name": ["华南商贸有限公司", "东方贸易有限公司"]}
    )
    product = pd.DataFrame({"sku_code": ["SKU1", "SKU2"], "product_name": ["纯净水 500ml", "绿茶 250ml"]})
    skus = [f"SKU{1 + i % 2}" for i in range(orders)]
    if unknown_sku_at is not None:
        skus[unknown_sku_at] = "SKU404"
    order = pd.DataFrame(
        {
            "source_system": "ERP",
            "order_no": [f"SO{i}" for i in range(orders)],
            "line_no": "1",
            "partner_record_id": "R1",
            "partner_golden_id": [f"P{1 + i % 2}" for i in range(orders)],
            "order_date": "2026-10-01",
            "sku_code": skus,
            "quantity": "2",
        }
    )
    return {"partner": partner, "product": product, "order_line": order}


def _foreign_keys(engine) -> set[str]:
    with engine.connect() as connection:
        return {fk["name"] for fk in inspect(connection).get_foreign_keys("order_line")}


def _quarantine(engine) -> list[tuple]:
    table = TABLES["quarantine"]
    with engine.connect() as connection:
        return [tuple(r) for r in connection.execute(select(table.c.business_key, table.c.reason_code))]


def _order_lines(engine) -> int:
    with engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(TABLES["order_line"])).scalar_one()


def test_an_unknown_reference_in_a_large_write_is_quarantined_and_the_rest_loads(store, every_write_is_bulk):
    before = _foreign_keys(store)

    stats = load_all(store, _frames(50, unknown_sku_at=7), "B1")

    assert stats["order_line"] == LoadStats(inserted=49, quarantined=1)
    assert _quarantine(store) == [("ERP|SO7|1", "unknown_reference")]
    assert _order_lines(store) == 49
    assert _foreign_keys(store) == before == {c.name for c in TABLES["order_line"].foreign_key_constraints}


def test_the_foreign_keys_still_refuse_a_bad_reference_after_a_large_write(store, every_write_is_bulk):
    load_all(store, _frames(20), "B1")

    now = datetime.now(UTC)
    bad = {
        "source_system": "ERP", "order_no": "SO-X", "line_no": 1, "partner_record_id": "R1",
        "order_date": date(2026, 10, 1), "sku_code": "SKU404", "quantity": Decimal(1), "record_hash": "x",
        "load_batch_id": "B2", "created_at": now, "updated_at": now,
    }  # fmt: skip
    with pytest.raises(IntegrityError), store.begin() as connection:
        connection.execute(insert(TABLES["order_line"]).values(**bad))


def test_a_reference_the_checks_miss_is_refused_by_the_store_and_the_rest_loads(
    store, every_write_is_bulk, monkeypatch: pytest.MonkeyPatch
):
    """Should a reference slip past the set-based check, the store's own foreign key still refuses it:
    the row is found, quarantined, and every other row loads."""
    monkeypatch.setattr(load, "reference_refusals", lambda *args: [])

    stats = load_all(store, _frames(30, unknown_sku_at=12), "B1")

    assert stats["order_line"] == LoadStats(inserted=29, quarantined=1)
    assert _quarantine(store) == [("ERP|SO12|1", "store_refused_row")]
    assert _order_lines(store) == 29
    assert _foreign_keys(store) == {c.name for c in TABLES["order_line"].foreign_key_constraints}


def test_a_large_reload_writes_only_the_changed_rows(store, every_write_is_bulk):
    frames = _frames(40)
    load_all(store, frames, "B1")
    frames["order_line"].loc[[3, 5], "quantity"] = "9"

    stats = load_all(store, frames, "B2")

    assert stats["order_line"] == LoadStats(updated=2, unchanged=38)
    order = TABLES["order_line"]
    with store.connect() as connection:
        rewritten = connection.execute(
            select(order.c.order_no).where(order.c.load_batch_id == "B2").order_by(order.c.order_no)
        ).scalars()
        assert list(rewritten) == ["SO3", "SO5"]


def test_a_write_sent_in_pieces_loads_every_row_and_still_finds_the_one_the_store_refuses(
    store, every_write_is_bulk, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(copy_text, "COPY_ROWS", 4)
    monkeypatch.setattr(load, "reference_refusals", lambda *args: [])

    stats = load_all(store, _frames(30, unknown_sku_at=21), "B1")

    assert stats["order_line"] == LoadStats(inserted=29, quarantined=1)
    assert _quarantine(store) == [("ERP|SO21|1", "store_refused_row")]
    order = TABLES["order_line"]
    with store.connect() as connection:
        stored = set(connection.execute(select(order.c.order_no)).scalars())
    assert stored == {f"SO{i}" for i in range(30)} - {"SO21"}


def test_copy_text_in_pieces_is_the_same_text_as_in_one():
    columns = [[f"SO{i}" for i in range(10)], [Decimal(i) / 4 for i in range(10)], [None, "a\tb"] * 5]

    pieces = list(copy_text_pieces(columns, rows=3))

    assert len(pieces) == 4
    assert "".join(pieces) == copy_text.copy_text(columns)


def test_copy_text_escapes_what_copy_reads_specially_and_writes_null_as_backslash_n():
    moment = datetime(2026, 10, 1, 8, 30, tzinfo=UTC)
    text = copy_text.copy_text(
        [
            ["\\N", "a\tb\nc\r\\", None],
            [Decimal("1.50"), None, Decimal("-2")],
            [True, False, None],
            [date(2026, 1, 2), moment, None],
        ]
    )
    assert text.split("\n") == [
        "\\\\N\t1.50\ttrue\t2026-01-02",
        "a\\tb\\nc\\r\\\\\t\\N\tfalse\t2026-10-01T08:30:00+00:00",
        "\\N\t-2\t\\N\t\\N",
        "",
    ]
