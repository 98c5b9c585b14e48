"""Promotions and volume-discount bands are stored by their business keys and reconciled like prices."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pandas as pd
from sqlalchemy import select

from migration.load import LoadStats, load_all
from migration.models import TABLES
from migration.reconcile import reconcile

PROMOTION = pd.DataFrame(
    {
        "promotion_code": ["CX20260001", "CX20260001", "CX20260002"],
        "promotion_name": ["KA03月促销", "KA03月促销", "电商05月促销"],
        "status": ["发布", "发布", "申请"],
        "channel": ["KA", "KA", "电商"],
        "sku_code": ["SKU1", "SKU2", "SKU1"],
        "promoted_price": ["103.96", "9.20", "100.00"],
        "floor_price": ["96.05", "8.50", "96.05"],
        "stackable": ["否", "是", ""],
        "effective_from": ["2026-03-01", "2026-03-01", "2026-05-01"],
        "effective_to": ["2026-03-31", "2026-03-31", "2026-05-20"],
    }
)
VOLUME_BAND = pd.DataFrame(
    {
        "price_tier": ["tier1", "tier1", "tier1"],
        "channel": ["经销", "经销", "经销"],
        "min_quantity": ["1", "100", "500"],
        "max_quantity": ["99", "499", ""],
        "quantity_unit": ["箱", "箱", "箱"],
        "discount_rate": ["0", "0.03", "0.05"],
    }
)


def _frames(store_frames: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    return {**store_frames, "promotion": PROMOTION.copy(), "volume_band": VOLUME_BAND.copy()}


def test_promotions_and_volume_bands_load_once_and_reload_unchanged(store, store_frames):
    first = load_all(store, _frames(store_frames), "B1")
    again = load_all(store, _frames(store_frames), "B2")

    assert (first["promotion"], first["volume_band"]) == (LoadStats(inserted=3), LoadStats(inserted=3))
    assert (again["promotion"], again["volume_band"]) == (LoadStats(unchanged=3), LoadStats(unchanged=3))
    with store.connect() as connection:
        promotion = (
            connection.execute(select(TABLES["promotion"]).where(TABLES["promotion"].c.sku_code == "SKU2"))
            .mappings()
            .one()
        )
        bands = connection.execute(
            select(TABLES["volume_band"].c.min_quantity, TABLES["volume_band"].c.discount_rate).order_by(
                TABLES["volume_band"].c.min_quantity
            )
        ).all()
    assert (promotion["promoted_price"], promotion["stackable"]) == (Decimal("9.20"), True)
    assert (promotion["effective_from"], promotion["effective_to"]) == (date(2026, 3, 1), date(2026, 3, 31))
    assert [(int(q), r) for q, r in bands] == [
        (1, Decimal("0")),
        (100, Decimal("0.03")),
        (500, Decimal("0.05")),
    ]


def test_a_promotion_of_a_sku_not_in_the_store_is_held_back_with_its_reason(store, store_frames):
    frames = _frames(store_frames)
    frames["promotion"] = pd.concat(
        [frames["promotion"], PROMOTION.iloc[[0]].assign(sku_code="SKU9")], ignore_index=True
    )

    stats = load_all(store, frames, "B1")

    assert stats["promotion"] == LoadStats(inserted=3, quarantined=1)
    refused = stats.refused[stats.refused["entity"] == "promotion"]
    assert refused["business_key"].tolist() == ["CX20260001|SKU9"]
    assert "SKU9" in refused["reason"].iat[0]


def test_the_reconciliation_counts_and_sums_promotions_and_bands(store, store_frames, old_frames):
    load_all(store, _frames(store_frames), "B1")

    result = reconcile({**old_frames, "promotion": PROMOTION, "volume_band": VOLUME_BAND}, store)

    totals = {t.entity: t for t in result.control_totals}
    for entity in ("promotion", "volume_band"):
        assert (totals[entity].accepted, totals[entity].actually_in_store) == (3, 3)
        assert totals[entity].missing_count == totals[entity].not_from_source_count == 0
    money = {(m.entity, m.column): m for m in result.money_totals}
    promoted = money["promotion", "promoted_price"]
    assert promoted.source_total == promoted.store_total == Decimal("213.16")
    strata = {s.entity: s for s in result.strata}
    assert strata["promotion"].defects == strata["volume_band"].defects == 0
    assert result.accepted


def test_the_nightly_change_detection_tells_a_changed_promotion_and_a_new_band():
    from migration.source_changes import detect_source_changes, source_row_hashes

    def hashes(promotion: pd.DataFrame, bands: pd.DataFrame) -> pd.DataFrame:
        return pd.concat(
            [
                source_row_hashes(promotion.assign(source_system="dms"), "promotion"),
                source_row_hashes(bands.assign(source_system="erp"), "volume_band"),
            ],
            ignore_index=True,
        )

    before = hashes(PROMOTION, VOLUME_BAND.iloc[:2])
    tonight = hashes(PROMOTION.assign(promoted_price=["103.96", "9.10", "100.00"]), VOLUME_BAND)
    reports = pd.DataFrame(
        {
            "entity": ["promotion", "volume_band"],
            "source_system": ["dms", "erp"],
            "rows_in": [3, 3],
            "accepted": [3, 3],
            "quarantined": [0, 0],
            "error": ["", ""],
        }
    )

    counts = detect_source_changes(tonight, before, reports).counts.set_index("entity")
    assert counts.loc["promotion", ["new", "changed", "unchanged"]].tolist() == [0, 1, 2]
    assert counts.loc["volume_band", ["new", "changed", "unchanged"]].tolist() == [1, 0, 2]
