"""Promotions (促销) and volume-discount bands for the sample, with injected defects and their truth.

Both are drawn from their own random stream (see ``generate.py``) so that adding them leaves every
other sample file byte for byte as it was. Each injected defect is logged in the defect log and, with
every row the standards must hold back because of it, in the standards truth (business key → rule).
The clean rows include what must *not* be flagged: an ended (终止) or applied-for (申请) promotion
overlapping a live one, a pair of stackable promotions overlapping, an application whose window
crosses a price change.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sample_data.defects import DefectLog

CHANNELS: tuple[str, ...] = ("经销", "KA", "电商", "特通")
STATUS_WEIGHTS: dict[str, float] = {"发布": 0.5, "审批": 0.25, "申请": 0.15, "终止": 0.10}
PROMOTIONS_FILE = "dms/promotions.csv"
BANDS_FILE = "erp/volume_bands.csv"
BAND_TIERS: tuple[str, ...] = ("tier1", "tier2")
TRUTH_COLUMNS = ["entity", "business_key", "rule", "defect_kind"]


@dataclass
class StandardsTruth:
    """Every (entity, business key, rule) the standards must report, and the defect behind it."""

    rows: list[tuple[str, str, str, str]] = field(default_factory=list)

    def add(self, entity: str, key: str, rule: str, kind: str) -> None:
        self.rows.append((entity, key, rule, kind))

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.rows, columns=TRUTH_COLUMNS).drop_duplicates(ignore_index=True)


def _day(text: str, days: int = 0) -> str:
    return (dt.date.fromisoformat(text) + dt.timedelta(days=days)).isoformat()


class _PromotionBook:
    """Promotion rows in the making; keeps the applying windows per SKU × channel apart."""

    def __init__(self) -> None:
        self.rows: list[dict] = []
        self.used: set[tuple[str, str]] = set()
        self.count = 0

    def code(self) -> str:
        self.count += 1
        return f"CX2026{self.count:04d}"

    def add(
        self, code: str, sku: str, channel: str, base: float, start: str, end: str, **extra: object
    ) -> dict:
        row = {
            "promotion_code": code,
            "promotion_name": f"{channel}{start[5:7]}月促销",
            "status": extra.pop("status", "发布"),
            "channel": channel,
            "sku_code": sku,
            "promoted_price": round(base * 0.92, 2),
            "floor_price": round(base * 0.85, 2),
            "stackable": extra.pop("stackable", "否"),
            "effective_from": start,
            "effective_to": end,
        }
        row.update(extra)
        self.rows.append(row)
        return row


def _window(rng: np.random.Generator) -> tuple[str, str]:
    """A window inside 2026 (every sample SKU has one price period covering all of it)."""
    start = _day("2026-02-01", int(rng.integers(0, 240)))
    return start, _day(start, int(rng.integers(10, 45)))


def build_promotions(
    rng: np.random.Generator,
    prices: pd.DataFrame,
    clean_skus: list[str],
    rejected_skus: list[str],
    log: DefectLog,
    truth: StandardsTruth,
) -> pd.DataFrame:
    """Promotions over ``clean_skus`` priced in ``prices``, with defects of every promotion rule.

    ``rejected_skus`` are products the product standard holds back (one is promoted, as a defect).
    """
    tier1 = prices[prices["price_tier"] == "tier1"].groupby("sku_code")["price"].min()
    two_periods = set(prices.loc[prices["effective_to"] == "2025-12-31", "sku_code"])
    # A SKU whose 2025 period was stretched into 2026 (an overlap defect) would cover a crossing window.
    stretched = set(prices.loc[prices["effective_to"] == "2026-03-31", "sku_code"])
    skus = [s for s in clean_skus if s in tier1.index]
    order = [skus[i] for i in rng.permutation(len(skus))]
    book = _PromotionBook()
    statuses, weights = list(STATUS_WEIGHTS), np.array(list(STATUS_WEIGHTS.values()))

    def key(row: dict) -> str:
        return f"{row['promotion_code']}|{row['sku_code']}"

    def defect(row: dict, column: str, kind: str, rule: str, detail: str) -> None:
        log.add("dms", PROMOTIONS_FILE, "promotion", key(row), column, kind, detail)
        truth.add("promotion", key(row), rule, kind)

    cursor = iter(range(10**9))

    def fresh(channel: str | None = None) -> tuple[str, str, float]:
        """A SKU × channel no promotion has used yet (SKUs come round again in a small sample)."""
        while True:
            k = next(cursor)
            sku = order[k % len(order)]
            chosen = channel or CHANNELS[(k // len(order) + k) % len(CHANNELS)]
            if (sku, chosen) not in book.used:
                book.used.add((sku, chosen))
                return sku, chosen, float(tier1[sku])

    for _ in range(max(4, len(order) // 6)):
        code = book.code()
        status = statuses[int(rng.choice(len(statuses), p=weights / weights.sum()))]
        start, end = _window(rng)
        sku, channel, base = fresh()
        book.add(code, sku, channel, base, start, end, status=status)
        for _ in range(int(rng.integers(0, 3))):
            sku, _, base = fresh(channel)
            book.add(code, sku, channel, base, start, end, status=status)

    # What must not be flagged: history and stackable promotions overlapping a live one.
    for status, stackable in (("终止", "否"), ("申请", "否"), ("发布", "是")):
        sku, channel, base = fresh()
        start, end = _window(rng)
        book.add(book.code(), sku, channel, base, start, end, stackable=stackable)
        book.add(
            book.code(), sku, channel, base, _day(start, 5), _day(end, 5), status=status, stackable=stackable
        )
    crossings = [s for s in order[::-1] if s in two_periods and s not in stretched]
    if crossings:
        sku = crossings.pop()
        book.add(book.code(), sku, "KA", float(tier1[sku]), "2025-12-20", "2026-01-10", status="申请")

    for _ in range(3):
        sku, channel, base = fresh()
        row = book.add(book.code(), sku, channel, base, *_window(rng))
        row["promoted_price"] = round(row["floor_price"] - 0.5, 2)
        defect(
            row,
            "促销价",
            "promotion_below_floor",
            "promotion_not_below_floor",
            f"{row['promoted_price']:.2f} below floor {row['floor_price']:.2f}",
        )
    for _ in range(3):
        sku, channel, base = fresh()
        start, end = _window(rng)
        first = book.add(book.code(), sku, channel, base, start, end)
        second = book.add(book.code(), sku, channel, base, _day(start, 3), _day(end, 3), status="审批")
        for row, other in ((first, second), (second, first)):
            defect(
                row,
                "开始日期",
                "promotion_overlap",
                "no_promotion_overlap",
                f"overlaps {other['promotion_code']}",
            )
    for sku in ("9900000001", "9900000002", *rejected_skus[:1]):
        base = float(tier1.get(sku, 20.0))
        row = book.add(book.code(), sku, CHANNELS[0], base, *_window(rng))
        why = "not a product" if sku.startswith("99") else "product fails its standard"
        defect(row, "商品编码", "promotion_invalid_sku", "promoted_sku_valid", why)
    for sku in crossings[:3]:
        row = book.add(book.code(), sku, "经销", float(tier1[sku]), "2025-12-15", "2026-01-15")
        defect(
            row,
            "开始日期",
            "promotion_outside_price_period",
            "promotion_window_in_price_period",
            "window crosses the price change on 2026-01-01",
        )
    for status in ("草稿", "已审"):
        sku, channel, base = fresh()
        row = book.add(book.code(), sku, channel, base, *_window(rng), status=status)
        defect(row, "状态", "promotion_unknown_status", "promotion_status_known", f"status {status}")
    for _ in range(2):
        sku, channel, base = fresh()
        start, end = _window(rng)
        row = book.add(book.code(), sku, channel, base, end, start)
        defect(
            row,
            "结束日期",
            "promotion_window_reversed",
            "promotion_window_order",
            f"ends {start}, starts {end}",
        )
    return pd.DataFrame(book.rows)


def build_volume_bands(rng: np.random.Generator, log: DefectLog, truth: StandardsTruth) -> pd.DataFrame:
    """Three bands per tier × channel (1–99 箱 0 %, 100–499 箱, ≥500 箱) and one defect per band rule."""
    rows: list[dict] = []
    for tier in BAND_TIERS:
        for channel in CHANNELS:
            middle = float(rng.choice([0.02, 0.03]))
            top = float(rng.choice([0.04, 0.05]))
            for low, high, rate in ((1, 99, 0.0), (100, 499, middle), (500, None, top)):
                rows.append(
                    {
                        "price_tier": tier,
                        "channel": channel,
                        "min_quantity": low,
                        "max_quantity": high,
                        "quantity_unit": "箱",
                        "discount_rate": rate,
                    }
                )
    ladders = rng.permutation(len(rows) // 3)[:4]
    defects = (
        (1, "min_quantity", 150, "volume_band_gap", "bands_contiguous", "100–149 箱 have no band"),
        (2, "min_quantity", 450, "volume_band_overlap", "bands_not_overlapping", "starts inside 100–499"),
        (
            2,
            "discount_rate",
            0.01,
            "volume_discount_falls",
            "band_discount_monotone",
            "1% after a bigger one",
        ),
        (2, "discount_rate", 0.12, "volume_discount_above_max", "band_discount_within_max", "12% over 8%"),
    )
    for ladder, (band, column, value, kind, rule, detail) in zip(ladders, defects, strict=True):
        row = rows[int(ladder) * 3 + band]
        row[column] = value
        band_key = f"{row['price_tier']}|{row['channel']}|{row['min_quantity']}"
        log.add("erp", BANDS_FILE, "volume_band", band_key, column, kind, detail)
        truth.add("volume_band", band_key, rule, kind)
    return pd.DataFrame(rows)


PRICES_FILE = "dms/price_list.csv"
APPLYING = ("审批", "发布")
PRICE_PROMOTION_RULE = "price_promotion_valid"


def build_promotion_prices(
    rng: np.random.Generator,
    promotions: pd.DataFrame,
    prices: pd.DataFrame,
    log: DefectLog,
    truth: StandardsTruth,
) -> pd.DataFrame:
    """Promotional price rows (a tier-1 price for the promotion's channel over its window, naming it) and
    one defect of each kind the price's ``promotion_code`` check catches.

    Each row is for a SKU none of whose written prices carries a defect, one row per SKU, priced between
    its factory and its tier-1 price so that it is neither inverted nor below the floor: only the named
    promotion is wrong in a defective row. The defects: a code that is no promotion, a promotion that does
    not promote the SKU, an application (申请) that does not take effect, a price running past the window.
    """
    defective_prices = set(log.frame().query("entity == 'price'")["record_key"].str.split("|").str[0])
    flagged = {key.split("|")[1] for entity, key, _, _ in truth.rows if entity == "promotion"}
    open_ended = prices[(prices["effective_to"].fillna("") == "") & prices["price"].notna()]
    factory = open_ended[open_ended["price_tier"] == "factory"].groupby("sku_code")["price"].max()
    tier1 = open_ended[open_ended["price_tier"] == "tier1"].drop_duplicates("sku_code").set_index("sku_code")
    usable = [
        sku
        for sku in tier1.index
        if sku in factory.index
        and sku not in defective_prices
        and sku not in flagged
        and float(tier1.at[sku, "price"]) - float(factory[sku]) > 0.05
    ]
    candidates = promotions[
        promotions["status"].isin(APPLYING)
        & (promotions["effective_from"] < promotions["effective_to"])
        & promotions["sku_code"].isin(usable)
    ]
    candidates = candidates[~candidates.duplicated("sku_code", keep=False)]
    candidates = candidates[
        ~(candidates["promotion_code"] + "|" + candidates["sku_code"]).isin(
            {key for entity, key, _, _ in truth.rows if entity == "promotion"}
        )
    ]
    applications = promotions[(promotions["status"] == "申请") & promotions["sku_code"].isin(usable)]
    candidates = candidates[~candidates["sku_code"].isin(applications["sku_code"].head(1))]
    chosen = candidates.iloc[rng.permutation(len(candidates))]
    rows: list[dict] = []
    used: set[str] = set(promotions["sku_code"])

    def price_row(sku: str, channel: str, code: str, start: str, end: str) -> dict:
        region = str(tier1.at[sku, "sales_region"])
        middle = (float(factory[sku]) + float(tier1.at[sku, "price"])) / 2
        row = {
            "sku_code": sku, "sku_as_written": sku, "price_tier": "tier1", "sales_region": region,
            "price": round(middle, 2), "currency": "CNY", "effective_from": start, "effective_to": end,
            "channel": channel, "promotion_code": code,
        }  # fmt: skip
        rows.append(row)
        return row

    def defect(row: dict, kind: str, detail: str) -> None:
        key = f"{row['sku_code']}|{row['price_tier']}|{row['sales_region']}|{row['effective_from']}"
        log.add("dms", PRICES_FILE, "price", key, "promotion_code", kind, detail)
        truth.add("price", key, PRICE_PROMOTION_RULE, kind)

    for promotion in chosen.head(4).itertuples(index=False):  # clean: inside the window of a live promotion
        price_row(
            promotion.sku_code, promotion.channel, promotion.promotion_code,
            promotion.effective_from, promotion.effective_to,
        )  # fmt: skip
    rest = list(chosen.iloc[4:].itertuples(index=False))
    if rest:
        late = rest.pop()
        row = price_row(
            late.sku_code, late.channel, late.promotion_code, late.effective_from, _day(late.effective_to, 10)
        )
        defect(row, "price_outside_promotion_window", f"ends 10 days after {late.promotion_code}")
    if len(applications):
        applied = applications.iloc[0]
        row = price_row(
            applied["sku_code"], applied["channel"], applied["promotion_code"],
            applied["effective_from"], applied["effective_to"],
        )  # fmt: skip
        defect(row, "price_promotion_not_applying", f"{applied['promotion_code']} is 申请")
    spare = [sku for sku in usable if sku not in used]
    if rest and spare:
        other = rest.pop()
        row = price_row(
            spare.pop(), other.channel, other.promotion_code, other.effective_from, other.effective_to
        )
        defect(row, "price_promotion_other_sku", f"{other.promotion_code} does not promote {row['sku_code']}")
    if spare:
        start, end = _window(rng)
        row = price_row(spare.pop(), CHANNELS[2], "CX20999999", start, end)
        defect(row, "price_unknown_promotion", "CX20999999 is no promotion")
    return pd.DataFrame(rows)
