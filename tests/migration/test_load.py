from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pandas as pd
import pytest
from sqlalchemy import func, select

from foundation.errors import UserError
from migration.load import LoadStats, load_all, load_table
from migration.models import TABLES


def _rows(engine, table: str, *columns: str) -> list[tuple]:
    t = TABLES[table]
    with engine.connect() as connection:
        return [
            tuple(r)
            for r in connection.execute(
                select(*(t.c[c] for c in columns)).order_by(*(t.c[c] for c in columns))
            )
        ]


def _count(engine, table: str) -> int:
    with engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(TABLES[table])).scalar_one()


def test_first_load_inserts_every_row_and_logs_the_run(store, store_frames):
    stats = load_all(store, store_frames, "B1")

    assert stats == {
        "partner": LoadStats(inserted=2),
        "product": LoadStats(inserted=2),
        "price": LoadStats(inserted=3),
        "balance": LoadStats(inserted=3),
        "order_line": LoadStats(inserted=3),
        "crosswalk": LoadStats(inserted=3),
    }
    with store.connect() as connection:
        log = connection.execute(select(TABLES["run_log"])).mappings().one()
    assert (log["batch_id"], log["status"], log["stage"]) == ("B1", "succeeded", "load")
    assert json.loads(log["counts"])["price"] == {
        "inserted": 3, "updated": 0, "unchanged": 0, "deleted": 0, "quarantined": 0, "absent": 0, "retired": 0, "soft_deleted": 0,
        "newly_absent": 0,
    }  # fmt: skip


def test_loading_the_same_frames_again_changes_nothing(store, store_frames):
    load_all(store, store_frames, "B1")
    before = _rows(store, "partner", "golden_id", "record_hash", "updated_at", "load_batch_id")

    stats = load_all(store, store_frames, "B2")

    assert all(s.inserted == 0 and s.updated == 0 and s.deleted == 0 for s in stats.values())
    assert stats["order_line"].unchanged == 3
    assert _rows(store, "partner", "golden_id", "record_hash", "updated_at", "load_batch_id") == before
    assert _rows(store, "crosswalk", "source_record_id", "first_seen_batch", "last_seen_batch") == [
        ("D-9", "B1", "B2"),
        ("P001", "B1", "B2"),
        ("P002", "B1", "B2"),
    ]


def test_a_changed_field_is_one_update_and_keeps_the_creation_time(store, store_frames):
    load_all(store, store_frames, "B1")
    created = _rows(store, "price", "sku_code", "price_tier", "created_at")
    prices = store_frames["price"].copy()
    prices.loc[1, "price"] = "155.00"

    stats = load_table(store, "price", prices, "B2")

    assert stats == LoadStats(updated=1, unchanged=2)
    assert _rows(store, "price", "sku_code", "price_tier", "price", "load_batch_id") == [
        ("SKU1", "retail", Decimal("155.00"), "B2"),
        ("SKU1", "tier1", Decimal("113.00"), "B1"),
        ("SKU2", "tier1", Decimal("10.00"), "B1"),
    ]
    assert _rows(store, "price", "sku_code", "price_tier", "created_at") == created


def test_rows_missing_from_the_frame_stay_unless_replace_missing(store, store_frames):
    load_all(store, store_frames, "B1")
    fewer = store_frames["order"].iloc[:2]

    assert load_table(store, "order", fewer, "B2") == LoadStats(unchanged=2, absent=1, newly_absent=1)
    assert _count(store, "order_line") == 3

    assert load_table(store, "order", fewer, "B3", mode="replace_missing") == LoadStats(
        unchanged=2, deleted=1
    )
    assert _rows(store, "order_line", "source_system", "order_no", "line_no") == [
        ("ERP", "SO1", 1),
        ("ERP", "SO1", 2),
    ]


def _quarantine(engine) -> list[dict]:
    table = TABLES["quarantine"]
    columns = ("entity", "stage", "business_key", "column_name", "reason_code", "reason", "status")
    with engine.connect() as connection:
        rows = connection.execute(select(*(table.c[c] for c in columns)).order_by(table.c.id)).mappings()
        return [dict(r) for r in rows]


def test_a_value_the_store_cannot_take_is_quarantined_and_the_rest_loads(store, store_frames):
    store_frames["price"].loc[2, "price"] = "十元"

    stats = load_all(store, store_frames, "B1")

    assert stats["price"] == LoadStats(inserted=2, quarantined=1)
    assert stats["quarantine"] == LoadStats(inserted=1)
    assert _count(store, "price") == 2 and _count(store, "order_line") == 3
    assert _quarantine(store) == [
        {
            "entity": "price", "stage": "load", "business_key": "SKU2|tier1|华东|2026/01/01",
            "column_name": "price", "reason_code": "store_refused_value",
            "reason": "price='十元', which is not a number", "status": "open",
        }
    ]  # fmt: skip
    assert len(stats.refused) == 1
    with store.connect() as connection:
        log = connection.execute(select(TABLES["run_log"])).mappings().one()
    assert log["status"] == "succeeded"


def test_a_load_that_fails_rolls_back_every_table(store, store_frames):
    store_frames["product"] = store_frames["product"].drop(columns=["product_name"])

    with pytest.raises(UserError) as error:
        load_all(store, store_frames, "B1")

    assert str(error.value) == (
        "cannot load product: the frame has no column 'product_name', which the store requires; "
        "map a source column onto it"
    )
    for table in ("partner", "product", "price", "balance", "order_line", "crosswalk", "quarantine"):
        assert _count(store, table) == 0, table
    with store.connect() as connection:
        log = connection.execute(select(TABLES["run_log"])).mappings().one()
    assert log["status"] == "failed"
    assert log["message"] == str(error.value)


def test_money_is_exact_decimal_to_the_cent(store, store_frames):
    load_all(store, store_frames, "B1")

    assert _rows(store, "balance", "partner_record_id", "balance_amount", "credit_limit") == [
        ("D-9", Decimal("0.10"), Decimal("0.20")),
        ("P001", Decimal("12345.67"), Decimal("50000.00")),
        ("P002", Decimal("-500.00"), None),
    ]
    amounts = [row[0] for row in _rows(store, "balance", "balance_amount")]
    assert sum(amounts, Decimal(0)) == Decimal("11845.77")
    assert _rows(store, "order_line", "order_no", "line_no", "quantity", "order_date")[2] == (
        "SO9",
        1,
        Decimal("1.500"),
        date(2026, 10, 2),
    )


def test_tax_exclusive_price_is_rounded_half_up_from_the_product_rate(store, store_frames):
    load_all(store, store_frames, "B1")

    assert _rows(store, "price", "sku_code", "price_tier", "price", "price_excl_tax") == [
        ("SKU1", "retail", Decimal("150.00"), Decimal("132.74")),
        ("SKU1", "tier1", Decimal("113.00"), Decimal("100.00")),
        ("SKU2", "tier1", Decimal("10.00"), Decimal("8.85")),
    ]


def test_a_given_tax_exclusive_price_is_kept(store, store_frames):
    load_table(store, "product", store_frames["product"], "B1")
    prices = store_frames["price"].assign(
        price_excl_tax=["99.99", None, None], tax_rate=["0.13", "0.09", "0.09"]
    )

    load_table(store, "price", prices, "B1")

    assert [r[2] for r in _rows(store, "price", "sku_code", "price_tier", "price_excl_tax")] == [
        Decimal("137.61"),
        Decimal("99.99"),
        Decimal("9.17"),
    ]


def test_extra_columns_are_ignored_and_missing_nullable_ones_are_null(store):
    product = pd.DataFrame({"sku_code": ["SKU9"], "product_name": ["样品"], "warehouse_note": ["ignore me"]})

    assert load_table(store, "product", product, "B1") == LoadStats(inserted=1)
    assert _rows(store, "product", "sku_code", "gtin", "tax_rate") == [("SKU9", None, None)]


def test_text_that_looks_like_a_null_marker_or_csv_syntax_loads_as_written(store):
    """Bulk writes pass text through CSV (PostgreSQL COPY): quotes, commas, newlines, a backslash-N and a
    blank must come back exactly, and a missing value as NULL, whether the rows are new or updated."""
    names = ["\\N", 'say "hi", then\nleave', "tab\tinside", "\\.", "逗号，全角"]
    product = pd.DataFrame({"sku_code": [f"SKU{i}" for i in range(5)], "product_name": names,
                            "brand": [None, "\\N", None, "b", None]})  # fmt: skip
    assert load_table(store, "product", product, "B1") == LoadStats(inserted=5)
    expected = [
        (f"SKU{i}", n, b) for i, (n, b) in enumerate(zip(names, [None, "\\N", None, "b", None], strict=True))
    ]
    assert _rows(store, "product", "sku_code", "product_name", "brand") == expected
    changed = product.assign(product_name=[n + "!" for n in names], brand=["x", None, "y", None, "z"])
    assert load_table(store, "product", changed, "B2") == LoadStats(updated=5)
    assert _rows(store, "product", "sku_code", "product_name", "brand") == [
        (f"SKU{i}", n + "!", b)
        for i, (n, b) in enumerate(zip(names, ["x", None, "y", None, "z"], strict=True))
    ]


def test_a_missing_required_column_is_named(store):
    with pytest.raises(UserError) as error:
        load_table(store, "product", pd.DataFrame({"sku_code": ["SKU9"]}), "B1")
    assert str(error.value) == (
        "cannot load product: the frame has no column 'product_name', which the store requires; "
        "map a source column onto it"
    )


def test_an_empty_required_value_is_quarantined_with_its_key(store):
    frame = pd.DataFrame({"sku_code": ["SKU9", "SKU8"], "product_name": ["  ", "样品"]})
    assert load_table(store, "product", frame, "B1") == LoadStats(inserted=1, quarantined=1)
    [entry] = _quarantine(store)
    assert (entry["business_key"], entry["column_name"], entry["reason"]) == (
        "SKU9", "product_name", "product_name is empty, and the store requires it",
    )  # fmt: skip


def test_too_many_decimal_places_is_quarantined_not_rounded(store, store_frames):
    load_table(store, "product", store_frames["product"], "B1")
    prices = store_frames["price"].assign(price=["113.005", "150", "10.00"])
    assert load_table(store, "price", prices, "B1") == LoadStats(inserted=2, quarantined=1)
    [entry] = _quarantine(store)
    assert entry["reason"] == (
        "price='113.005', which has more than 2 decimal places; round it in the source or the mapping"
    )
    assert _rows(store, "price", "sku_code", "price_tier", "price") == [
        ("SKU1", "retail", Decimal("150.00")),
        ("SKU2", "tier1", Decimal("10.00")),
    ]


def test_rows_sharing_a_business_key_are_all_quarantined(store):
    frame = pd.DataFrame({"sku_code": ["SKU9", "SKU9", "SKU7"], "product_name": ["a", "b", "c"]})
    assert load_table(store, "product", frame, "B1") == LoadStats(inserted=1, quarantined=2)
    # one entry: the same problem with the same key
    assert [e["reason"] for e in _quarantine(store)] == [
        "2 rows have the same business key (sku_code='SKU9'); deduplicate them before loading"
    ]
    assert _rows(store, "product", "sku_code") == [("SKU7",)]


def test_a_reference_to_an_unknown_product_is_quarantined(store, store_frames):
    assert load_table(store, "price", store_frames["price"].iloc[:1], "B1") == LoadStats(quarantined=1)
    [entry] = _quarantine(store)
    assert (entry["reason_code"], entry["reason"]) == (
        "unknown_reference", "sku_code='SKU1' is not in product.sku_code; load that product first",
    )  # fmt: skip


def test_a_refused_head_office_takes_its_branches_with_it(store):
    partners = pd.DataFrame(
        {
            "golden_id": ["P00000002", "P00000001", "P00000003"],
            "partner_name": ["华南商贸广州分公司", "", "其他公司"],
            "parent_golden_id": ["P00000001", None, None],
        }
    )
    assert load_table(store, "partner", partners, "B1") == LoadStats(inserted=1, quarantined=2)
    assert [e["reason_code"] for e in _quarantine(store)] == ["unknown_reference", "store_missing_value"]


def test_a_row_the_database_itself_refuses_is_found_and_quarantined(store):
    """Text with a NUL character passes every check here; PostgreSQL refuses it (SQLite stores it)."""
    frame = pd.DataFrame({"sku_code": [f"SKU{i}" for i in range(40)], "product_name": ["样品"] * 40})
    frame.loc[17, "product_name"] = "坏\x00数据"
    stats = load_table(store, "product", frame, "B1")
    if store.dialect.name == "sqlite":
        assert stats == LoadStats(inserted=40)
        return
    assert stats == LoadStats(inserted=39, quarantined=1)
    [entry] = _quarantine(store)
    assert (entry["business_key"], entry["reason_code"]) == ("SKU17", "store_refused_row")
    assert entry["reason"].startswith("the store refused the row: ")


def test_a_branch_may_arrive_before_its_head_office(store):
    partners = pd.DataFrame(
        {
            "golden_id": ["P00000002", "P00000001"],
            "partner_name": ["华南商贸广州分公司", "深圳市华南商贸有限公司"],
            "parent_golden_id": ["P00000001", None],
        }
    )
    assert load_table(store, "partner", partners, "B1") == LoadStats(inserted=2)


def test_quarantine_entries_are_not_repeated_by_a_reload(store):
    entries = pd.DataFrame(
        {
            "batch_id": ["B1", "B1"],
            "entity": ["partner", "partner"],
            "stage": ["validate", "validate"],
            "source_system": ["ERP", "ERP"],
            "source_file": ["erp.xlsx", "erp.xlsx"],
            "source_row": [7, 7],
            "column_name": ["uscc", "phone"],
            "reason_code": ["uscc_checksum", "phone_invalid"],
            "original": [{"uscc": "914403001922038215"}, {"phone": "123"}],
        }
    )
    assert load_table(store, "quarantine", entries, "B1") == LoadStats(inserted=2)
    assert load_table(store, "quarantine", entries, "B1") == LoadStats(unchanged=2)
    assert _rows(store, "quarantine", "column_name", "original")[1] == (
        "uscc",
        '{"uscc": "914403001922038215"}',
    )


def test_an_unknown_table_is_named():
    with pytest.raises(UserError) as error:
        load_table(None, "invoice", pd.DataFrame(), "B1")
    assert str(error.value) == (
        "cannot load 'invoice': not a store table; expected one of "
        "partner, product, customer, price, promotion, volume_band, balance, order_line, crosswalk, golden_lineage, "
        "product_crosswalk, quarantine"
    )


def test_replace_missing_across_tables_deletes_children_before_parents(store, store_frames):
    load_all(store, store_frames, "B1")
    keep = store_frames["partner"].iloc[[1]]
    frames = {
        "partner": keep,
        "product": store_frames["product"],
        "price": store_frames["price"],
        "balance": store_frames["balance"][store_frames["balance"]["partner_golden_id"] == "P00000002"],
        "order": store_frames["order"].iloc[[]],
    }

    stats = load_all(store, frames, "B2", mode="replace_missing")

    assert stats["partner"] == LoadStats(unchanged=1, deleted=1)
    assert stats["balance"] == LoadStats(unchanged=1, deleted=2)
    assert stats["order_line"] == LoadStats(deleted=3)
    assert _rows(store, "partner", "golden_id") == [("P00000002",)]


def test_an_unknown_load_mode_is_named(store, store_frames):
    with pytest.raises(UserError) as error:
        load_all(store, store_frames, "B1", mode="merge")
    assert str(error.value) == "unknown load mode 'merge'; use 'upsert' or 'replace_missing'"


def test_a_row_edited_in_the_store_directly_is_found_and_left_as_edited(store, store_frames):
    from sqlalchemy import update

    from migration.direct_edits import find_direct_edits

    load_all(store, store_frames, "B1")
    assert find_direct_edits(store) == {}
    partner = TABLES["partner"]
    golden_id = _rows(store, "partner", "golden_id")[0][0]
    with store.begin() as connection:
        connection.execute(
            update(partner).where(partner.c.golden_id == golden_id).values(partner_name="手工改过的名称")
        )

    edited = find_direct_edits(store)

    assert list(edited) == ["partner"]
    assert edited["partner"].to_dict("records") == [{"golden_id": golden_id}]
    assert load_all(store, store_frames, "B2")["partner"].updated == 0  # the load alone would not see it
