from __future__ import annotations

from decimal import Decimal

import pandas as pd
import pytest
from sqlalchemy import delete, update

from foundation.errors import UserError
from migration.load import load_all, load_table
from migration.models import TABLES
from migration.reconcile import reconcile
from migration.results import ControlTotals, FieldMismatch, MoneyTotal
from migration.sampling import error_rate_upper_bound


def _by_entity(items):
    return {item.entity: item for item in items}


def test_a_faithful_migration_is_accepted(loaded_store, old_frames):
    result = reconcile(old_frames, loaded_store, seed=1)

    assert result.accepted
    totals = _by_entity(result.control_totals)
    assert totals["partner"] == ControlTotals("partner", 3, 0, 3, 1, 0, 2, 2)
    assert totals["order"] == ControlTotals("order", 3, 0, 3, 0, 0, 3, 3)
    assert (
        MoneyTotal("balance", "balance_amount", Decimal("11845.77"), Decimal("11845.77"))
        in result.money_totals
    )
    assert [(p.price_tier, p.source_rows, p.store_rows) for p in result.price_tiers] == [
        ("retail", 1, 1),
        ("tier1", 2, 2),
    ]
    strata = _by_entity(result.strata)
    assert strata["partner"].conclusion == (
        "0 defects in all 3 partner records (every record compared): the record error rate is 0.0%."
    )
    assert all(s.defects == 0 for s in result.strata)
    assert "secret" not in result.store


def test_a_planted_mismatch_and_a_missing_row_are_found(loaded_store, old_frames):
    price, order = TABLES["price"], TABLES["order_line"]
    with loaded_store.begin() as connection:
        connection.execute(
            update(price).where(price.c.price_tier == "retail").values(price=Decimal("151.00"))
        )
        connection.execute(delete(order).where(order.c.order_no == "SO9"))

    result = reconcile(old_frames, loaded_store, seed=1)

    assert not result.accepted
    strata = _by_entity(result.strata)
    assert strata["price"].mismatches == [
        FieldMismatch("price", "SKU1|retail|华南|2026-01-01", "price", "150", "151.00")
    ]
    assert strata["price"].conclusion == (
        "1 defect in all 3 price records (every record compared): the record error rate is 33.3%, "
        "above the tolerable 1.0%; not accepted until the defects listed are fixed."
    )
    assert strata["order"].mismatches == [
        FieldMismatch("order", "DMS|SO9|1", "(row)", "present", "missing from the store")
    ]
    totals = _by_entity(result.control_totals)
    assert totals["order"].difference == -1
    # the control totals list the key, not only the count
    assert (totals["order"].missing_from_store, totals["order"].missing_count) == (["DMS|SO9|1"], 1)
    assert totals["order"].not_from_source == [] and totals["price"].missing_from_store == []
    amounts = {(m.entity, m.column): m for m in result.money_totals}
    assert amounts[("order", "amount")].difference == Decimal("-169.50")
    assert amounts[("balance", "balance_amount")].difference == 0


def test_a_partner_record_without_a_golden_record_is_a_defect(loaded_store, old_frames, store_frames):
    crosswalk = store_frames["crosswalk"]
    crosswalk = crosswalk[crosswalk["source_record_id"] != "D-9"]

    result = reconcile({"partner": old_frames["partner"]}, loaded_store, crosswalk=crosswalk, seed=1)

    (totals,) = result.control_totals
    assert (totals.unmapped, totals.merged_away, totals.expected_in_store) == (1, 0, 2)
    assert result.strata[0].mismatches == [
        FieldMismatch("partner", "DMS|D-9", "(crosswalk)", "source record", "no golden record")
    ]


def test_golden_fields_are_compared_only_with_the_record_they_were_built_from(loaded_store, old_frames):
    partner = TABLES["partner"]
    with loaded_store.begin() as connection:
        connection.execute(
            update(partner).where(partner.c.golden_id == "P00000001").values(phone="020-87654321")
        )

    result = reconcile({"partner": old_frames["partner"]}, loaded_store, seed=1)

    # ERP|P001 built the golden record and disagrees; DMS|D-9 was merged into it and is only checked for mapping
    assert result.strata[0].mismatches == [
        FieldMismatch("partner", "ERP|P001", "phone", "0755-12345678", "020-87654321")
    ]


def test_quarantined_rows_are_counted_and_not_expected_in_the_store(loaded_store, old_frames):
    products = pd.concat(
        [old_frames["product"], pd.DataFrame({"sku_code": ["SKU-BAD"], "product_name": ["坏数据"]})],
        ignore_index=True,
    )
    prices = old_frames["price"].assign(
        source_system="PRICE_XLS", source_file="prices.xlsx", source_sheet="价格", source_row=[2, 3, 4]
    )
    prices = pd.concat([prices, prices.iloc[[0]].assign(source_row=5, price_tier="tier2")], ignore_index=True)
    quarantine = pd.DataFrame(
        {
            "batch_id": ["B1", "B1"],
            "entity": ["product", "price"],
            "stage": ["validate", "validate"],
            "source_system": [None, "PRICE_XLS"],
            "source_file": [None, "prices.xlsx"],
            "source_sheet": [None, "价格"],
            "source_row": [None, 5],
            "business_key": ["SKU-BAD", None],
            "reason_code": ["gtin_missing", "price_inversion"],
        }
    )
    load_table(loaded_store, "quarantine", quarantine, "B1")

    result = reconcile({"product": products, "price": prices}, loaded_store, seed=1)

    totals = _by_entity(result.control_totals)
    assert (
        totals["product"].rows_in_source,
        totals["product"].quarantined,
        totals["product"].difference,
    ) == (3, 1, 0)
    assert (totals["price"].rows_in_source, totals["price"].quarantined, totals["price"].difference) == (
        4,
        1,
        0,
    )
    assert result.accepted


def _products(count: int) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "sku_code": [f"SKU{i:04d}" for i in range(count)],
            "product_name": [f"产品{i}" for i in range(count)],
            "tax_rate": ["0.13"] * count,
        }
    )


def test_a_large_stratum_is_sampled_by_hash_and_the_claim_is_stated(store):
    products = _products(500)
    load_table(store, "product", products, "B1")

    result = reconcile({"product": products}, store, confidence=0.95, tolerable_error_rate=0.05, seed=11)

    (stratum,) = result.strata
    assert (stratum.method, stratum.sample_size, stratum.defects, stratum.accepted) == ("hash", 59, 0, True)
    assert stratum.conclusion == (
        "0 defects in 59 sampled of 500 product records: with 95% confidence the record error rate is below 5.0%."
    )
    assert [k.key for k in result.sampled_keys] == [
        k.key
        for k in reconcile({"product": products}, store, tolerable_error_rate=0.05, seed=11).sampled_keys
    ]


def test_a_defect_in_the_sample_states_the_upper_bound(store):
    products = _products(500)
    load_table(store, "product", products, "B1")
    sampled = reconcile({"product": products}, store, tolerable_error_rate=0.05, seed=11).sampled_keys[0].key
    product = TABLES["product"]
    with store.begin() as connection:
        connection.execute(update(product).where(product.c.sku_code == sampled).values(product_name="改错了"))

    (stratum,) = reconcile({"product": products}, store, tolerable_error_rate=0.05, seed=11).strata

    assert stratum.defects == 1 and not stratum.accepted
    assert stratum.upper_bound == pytest.approx(error_rate_upper_bound(1, 59, 0.95))
    assert stratum.conclusion == (
        "1 defect in 59 sampled of 500 product records: with 95% confidence the record error rate is below 7.8%, "
        "above the tolerable 5.0%; not accepted until the defects listed are fixed."
    )


def test_balances_are_sampled_by_monetary_unit(store):
    partners = pd.DataFrame({"golden_id": [f"P{i:08d}" for i in range(300)], "partner_name": ["x"] * 300})
    balances = pd.DataFrame(
        {
            "source_system": ["ERP"] * 300,
            "partner_record_id": [f"E{i}" for i in range(300)],
            "partner_golden_id": partners["golden_id"],
            "balance_amount": ["100.00"] * 299 + ["-900000.00"],  # a large prepayment
            "as_of_date": ["2026-10-31"] * 300,
        }
    )
    load_all(store, {"partner": partners, "balance": balances}, "B1")

    result = reconcile({"balance": balances}, store, tolerable_error_rate=0.05, seed=3)

    (stratum,) = result.strata
    assert stratum.method == "monetary_unit"
    assert stratum.sample_size == 59
    assert "ERP|E299|2026-10-31" in {k.key for k in result.sampled_keys}
    assert stratum.conclusion.startswith("0 defective monetary units in 59 sampled by amount (")
    assert stratum.conclusion.endswith(
        "of 300 balance records (absolute amounts totalling 929,900.00): with 95% confidence less than 5.0% of the "
        "balance_amount is misstated."
    )


def test_an_unknown_entity_is_named(loaded_store):
    with pytest.raises(UserError) as error:
        reconcile({"invoice": pd.DataFrame()}, loaded_store)
    assert str(error.value) == (
        "cannot reconcile 'invoice': expected one of partner, customer, product, price, balance, order, "
        "promotion, volume_band"
    )


def test_a_missing_key_column_is_named(loaded_store):
    with pytest.raises(UserError) as error:
        reconcile({"price": pd.DataFrame({"sku_code": ["SKU1"]})}, loaded_store)
    assert str(error.value) == (
        "cannot reconcile price: the old frame has no column 'price_tier', part of its business key"
    )


def test_standardised_and_enriched_golden_values_are_not_defects(loaded_store, old_frames):
    partner = TABLES["partner"]
    with loaded_store.begin() as connection:
        connection.execute(
            update(partner)
            .where(partner.c.golden_id == "P00000001")
            .values(phone="+8675512345678", email="sales@huanan.cn")
        )
        connection.execute(
            update(partner).where(partner.c.golden_id == "P00000002").values(email="INFO@dongfang.cn")
        )
    old = old_frames["partner"].assign(email=["", "", "info@dongfang.cn"])

    (stratum,) = reconcile({"partner": old}, loaded_store, seed=1).strata

    assert (stratum.defects, stratum.enriched_fields, stratum.accepted) == (0, 1, True)


def test_golden_fields_that_survived_from_another_record_are_not_compared_with_lineage(store):
    """The primary record's phone lost to a better phone from another source: not a migration defect."""
    import pandas as pd

    from migration.load import load_all
    from migration.reconcile import reconcile

    old = pd.DataFrame(
        {
            "source_system": ["erp", "crm"],
            "source_record_id": ["C1", "A-1"],
            "partner_name": ["深圳市甲商贸有限公司", "深圳甲商贸有限公司"],
            "phone": ["021-598040787", "021-59804078"],
        }
    )
    golden = pd.DataFrame(
        {
            "golden_id": ["P00000001"],
            "partner_name": ["深圳市甲商贸有限公司"],
            "phone": ["+862159804078"],
            "primary_source_system": ["erp"],
            "primary_source_record_id": ["C1"],
            "source_count": [2],
        }
    )
    crosswalk = pd.DataFrame(
        {
            "entity": "partner",
            "source_system": ["erp", "crm"],
            "source_record_id": ["C1", "A-1"],
            "golden_id": "P00000001",
            "match_score": 1.0,
            "match_decision": "auto_merge",
        }
    )
    load_all(store, {"partner": golden, "crosswalk": crosswalk}, "b1")
    lineage = pd.DataFrame(
        {
            "golden_id": "P00000001",
            "field": ["partner_name", "phone"],
            "source_system": ["erp", "crm"],
            "source_record_id": ["C1", "A-1"],
        }
    )
    without = reconcile({"partner": old}, store)
    with_lineage = reconcile({"partner": old}, store, lineage=lineage)
    assert without.strata[0].defects == 1
    assert with_lineage.strata[0].defects == 0


def test_rows_quarantined_before_reconciliation_still_count_as_source_rows(store):
    import pandas as pd

    from migration.reconcile import reconcile

    upgrade = pd.DataFrame({"sku_code": ["1001"], "product_name": ["绿茶"]})
    result = reconcile({"product": upgrade}, store, rows_read={"product": 3})
    totals = result.control_totals[0]
    assert (totals.rows_in_source, totals.quarantined, totals.accepted) == (3, 2, 1)
