"""The brand's products and its channel price list, before any defect is injected.

Products carry realistic spec strings (``500ml×12瓶/箱``, ``250g*20袋/箱``, ``2斤/袋``) and GTIN-13
barcodes under GS1 China prefixes; prices follow the tier order 出厂价 ≤ 一批价 ≤ 二批价 ≤ 零售价
with yearly effective periods per SKU × tier × region.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sample_data.geography import SALES_REGIONS
from sample_data.identifiers import make_gtin13

BRANDS: tuple[str, ...] = ("清泉谷", "悦享", "金禾", "山野香", "福满园", "鲜之源")
GS1_COMPANY_PREFIXES: tuple[str, ...] = ("6923450", "6951873")
PRICE_TIERS: tuple[str, ...] = ("factory", "tier1", "tier2", "retail")
PRICE_TIER_LABELS: dict[str, str] = {
    "factory": "出厂价",
    "tier1": "一批价",
    "tier2": "二批价",
    "retail": "零售价",
}
NATIONAL_REGION = "全国"


@dataclass(frozen=True)
class Category:
    name: str
    bases: tuple[str, ...]
    specs: tuple[tuple[str, str], ...]
    """(spec string, sales unit) pairs."""
    modifiers: tuple[str, ...]
    factory_price: tuple[float, float]
    tax_rate: float = 0.13


CATEGORIES: tuple[Category, ...] = (
    Category(
        "饮用水",
        ("天然矿泉水", "纯净水", "苏打水"),
        (("550ml×24瓶/箱", "箱"), ("1.5L×12瓶/箱", "箱"), ("5L×4桶/箱", "箱"), ("380ml*24瓶/箱", "箱")),
        ("", "含气", "弱碱性", "家庭装", "高端"),
        (18, 45),
    ),
    Category(
        "茶饮料",
        ("冰红茶", "绿茶", "乌龙茶", "茉莉花茶"),
        (("500ml×15瓶/箱", "箱"), ("250ml×24盒/箱", "箱"), ("1L×12瓶/箱", "箱")),
        ("", "无糖", "低糖", "蜜桃味", "柠檬味", "经典"),
        (28, 55),
    ),
    Category(
        "果汁",
        ("橙汁", "苹果汁", "葡萄汁", "芒果汁"),
        (("1L×6瓶/箱", "箱"), ("300ml×12瓶/箱", "箱"), ("2L×6瓶/箱", "箱")),
        ("", "100%", "NFC", "鲜榨", "果粒"),
        (35, 90),
    ),
    Category(
        "乳饮料",
        ("乳酸菌饮品", "酸奶", "核桃乳"),
        (("100ml×20瓶/箱", "箱"), ("250ml×16盒/箱", "箱"), ("240g×12罐/箱", "箱")),
        ("", "原味", "草莓味", "低脂", "益生菌"),
        (30, 70),
    ),
    Category(
        "啤酒",
        ("纯生啤酒", "精酿啤酒", "小麦啤酒"),
        (("330ml×24罐/箱", "箱"), ("500ml×12听/箱", "箱"), ("600ml×12瓶/箱", "箱")),
        ("", "经典", "冰爽", "黑啤", "白啤"),
        (40, 120),
    ),
    Category(
        "白酒",
        ("浓香型白酒", "酱香型白酒", "清香型白酒"),
        (("500ml/瓶", "瓶"), ("500ml×6瓶/箱", "箱"), ("125ml×24瓶/箱", "箱")),
        ("42度", "52度", "53度", "38度", "礼盒装"),
        (60, 900),
    ),
    Category(
        "休闲食品",
        ("薯片", "坚果", "饼干", "牛肉干"),
        (("70g×22袋/箱", "箱"), ("250g*20袋/箱", "箱"), ("500g/袋", "袋"), ("2斤/袋", "袋")),
        ("原味", "番茄味", "烧烤味", "香辣", "每日"),
        (25, 160),
        0.13,
    ),
    Category(
        "调味品",
        ("酿造酱油", "陈醋", "蚝油", "料酒"),
        (("500ml×12瓶/箱", "箱"), ("1.9L×6瓶/箱", "箱"), ("800g×12瓶/箱", "箱")),
        ("", "特级", "零添加", "减盐", "古法"),
        (30, 110),
    ),
    Category(
        "粮油",
        ("东北大米", "花生油", "菜籽油", "面粉"),
        (("5kg/袋", "袋"), ("10斤/袋", "袋"), ("5L×4桶/箱", "箱"), ("5L/桶", "桶"), ("25kg/件", "件")),
        ("", "有机", "一级", "压榨", "精选"),
        (35, 260),
        0.09,
    ),
    Category(
        "日化",
        ("洗洁精", "洗衣液", "洗手液"),
        (("1.1kg×12瓶/箱", "箱"), ("2kg×6瓶/箱", "箱"), ("500ml×24瓶/箱", "箱")),
        ("", "柠檬", "薰衣草", "深层洁净", "除菌"),
        (40, 130),
    ),
)


def build_products(rng: np.random.Generator, n: int) -> pd.DataFrame:
    """``n`` distinct products with material codes, GTIN-13s, names, specs and a factory price."""
    pool = [
        (ci, brand, mod, base, spec, unit)
        for ci, cat in enumerate(CATEGORIES)
        for base in cat.bases
        for (spec, unit) in cat.specs
        for mod in cat.modifiers
        for brand in BRANDS
    ]
    chosen = sorted(rng.choice(len(pool), size=min(n, len(pool)), replace=False))
    rows = [pool[i] for i in chosen]
    rows = [rows[i] for i in rng.permutation(len(rows))]
    m = len(rows)
    seq = np.sort(rng.choice(np.arange(1, 999_999), size=m, replace=False))
    old_numbering = rng.random(m) < 0.08
    codes = [
        f"0100{s:06d}" if old else f"10{rows[i][0] + 1:02d}{s:06d}"
        for i, (s, old) in enumerate(zip(seq, old_numbering, strict=True))
    ]
    items = rng.choice(np.arange(10_000, 99_999), size=m, replace=False)
    prefixes = rng.integers(0, len(GS1_COMPANY_PREFIXES), m)
    low = np.array([CATEGORIES[r[0]].factory_price[0] for r in rows])
    high = np.array([CATEGORIES[r[0]].factory_price[1] for r in rows])
    factory = np.round(low + (high - low) * rng.random(m), 1)
    return pd.DataFrame(
        {
            "sku_code": codes,
            "gtin": [
                make_gtin13(GS1_COMPANY_PREFIXES[p], int(it)) for p, it in zip(prefixes, items, strict=True)
            ],
            "product_name": [
                f"{r[1]}{r[2]}{r[3]} {r[4].split('×')[0].split('*')[0].split('/')[0]}" for r in rows
            ],
            "brand": [r[1] for r in rows],
            "category": [CATEGORIES[r[0]].name for r in rows],
            "spec": [r[4] for r in rows],
            "sales_unit": [r[5] for r in rows],
            "tax_rate": [CATEGORIES[r[0]].tax_rate for r in rows],
            "status": np.where(rng.random(m) < 0.95, "启用", "停用"),
            "factory_price": factory,
        }
    )


def build_prices(rng: np.random.Generator, products: pd.DataFrame) -> pd.DataFrame:
    """The clean price list: national factory and retail prices, regional tier-1/tier-2 prices,
    one or two yearly periods per SKU × tier × region."""
    rows: list[tuple] = []
    for sku, factory in zip(products["sku_code"], products["factory_price"], strict=True):
        regions = sorted(rng.choice(len(SALES_REGIONS), size=int(rng.integers(2, 5)), replace=False))
        tier1_base = factory * rng.uniform(1.08, 1.15)
        tier2_base = tier1_base * rng.uniform(1.06, 1.12)
        retail = np.ceil(tier2_base * rng.uniform(1.2, 1.4)) - 0.1
        two_periods = rng.random() < 0.6
        rise = rng.uniform(0.03, 0.06)
        prices: list[tuple[str, str, float]] = [("factory", NATIONAL_REGION, factory)]
        for r in regions:
            adjust = rng.uniform(0.98, 1.02)
            prices.append(("tier1", SALES_REGIONS[r], tier1_base * adjust))
            prices.append(("tier2", SALES_REGIONS[r], tier2_base * adjust))
        prices.append(("retail", NATIONAL_REGION, retail))
        for tier, region, price in prices:
            if two_periods:
                rows.append((sku, tier, region, round(price / (1 + rise), 2), "2025-01-01", "2025-12-31"))
                rows.append((sku, tier, region, round(price, 2), "2026-01-01", ""))
            else:
                rows.append((sku, tier, region, round(price, 2), "2025-01-01", ""))
    return pd.DataFrame(
        rows, columns=["sku_code", "price_tier", "sales_region", "price", "effective_from", "effective_to"]
    ).assign(currency="CNY")
