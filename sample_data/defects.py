"""Defects injected into the sample sources, each one recorded in ``defects.csv``.

Rates are a few percent so that counts are meaningful. Every record here names the file, the
record's key and the source column exactly as written, so a test can find the defect in the file.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sample_data.identifiers import gtin_check_digit, is_mobile_phone, is_valid_uscc

DEFECT_COLUMNS = ["source_system", "file", "entity", "record_key", "column", "defect_kind", "detail"]
NONSTANDARD_UNITS: tuple[str, ...] = ("CTN", "PCS", "瓶装", "箱装", "件装")

PARTY_COLUMNS: dict[tuple[str, str], dict[str, str]] = {
    ("partner", "erp"): {"name": "客户名称", "uscc": "统一社会信用代码", "phone": "联系电话"},
    ("partner", "dms"): {"name": "dealer_name", "uscc": "credit_code", "phone": "tel", "mobile": "mobile"},
    ("partner", "crm"): {"name": "acct_name", "uscc": "uscc", "phone": "contact.phone"},
    ("customer", "crm"): {"name": "name", "uscc": "uscc", "phone": "phone"},
    ("customer", "sales"): {"name": "客户名称", "uscc": "信用代码", "phone": "联系电话"},
}
PARTY_FILES: dict[tuple[str, str], str] = {
    ("partner", "erp"): "erp/partners.xlsx",
    ("partner", "dms"): "dms/dealers.csv",
    ("partner", "crm"): "crm/partners.jsonl",
    ("customer", "crm"): "crm/customers.jsonl",
    ("customer", "sales"): "sales/customers.xlsx",
}


@dataclass
class DefectLog:
    """Collects injected defects in the order they are made."""

    rows: list[tuple[str, str, str, str, str, str, str]] = field(default_factory=list)

    def add(
        self, source_system: str, file: str, entity: str, record_key: str, column: str, kind: str, detail: str
    ) -> None:
        self.rows.append((source_system, file, entity, record_key, column, kind, detail))

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.rows, columns=DEFECT_COLUMNS)


def _phone_column(entity: str, source: str, phone: str) -> str:
    cols = PARTY_COLUMNS[(entity, source)]
    return cols["mobile"] if "mobile" in cols and is_mobile_phone(phone) else cols["phone"]


def _malform_phone(phone: str, u: float) -> str:
    """Lose a digit or gain one, so the number no longer has a valid length."""
    return phone[:-1] if u < 0.6 else phone + str(int(u * 100) % 10)


def inject_party_defects(rng: np.random.Generator, rec: pd.DataFrame, entity: str, log: DefectLog) -> None:
    """Blank a few names, malform a few phones, and log every USCC that fails its check."""
    name_col = "partner_name" if entity == "partner" else "customer_name"
    n = len(rec)
    u = rng.random((n, 3))
    phones = rec["phone"].to_numpy(object, copy=True)
    names = rec[name_col].to_numpy(object, copy=True)
    can_malform = np.array(
        [bool(p) and p[-1].isdigit() and "分机" not in p and "转" not in p for p in phones]
    )
    for i in range(n):
        source, key = rec["source_system"].iat[i], rec["source_record_id"].iat[i]
        file, cols = PARTY_FILES[(entity, source)], PARTY_COLUMNS[(entity, source)]
        if u[i, 0] < 0.01:
            log.add(
                source,
                file,
                entity,
                key,
                cols["name"],
                "missing_required",
                f"name is blank (true: {names[i]})",
            )
            names[i] = ""
        if u[i, 1] < 0.015 and can_malform[i]:
            new = _malform_phone(phones[i], u[i, 2])
            column = _phone_column(entity, source, new)
            log.add(source, file, entity, key, column, "malformed_phone", f"{new} (true: {phones[i]})")
            phones[i] = new
        uscc = rec["uscc"].iat[i]
        if uscc and not is_valid_uscc(uscc):
            log.add(
                source, file, entity, key, cols["uscc"], "invalid_uscc", f"{uscc} fails the GB 32100 check"
            )
    rec[name_col] = names
    rec["phone"] = phones


def inject_product_defects(rng: np.random.Generator, products: pd.DataFrame, log: DefectLog) -> pd.DataFrame:
    """Bad GTIN check digits, duplicated SKU codes, blank names/GTINs and non-standard units."""
    file, p = "erp/products.xlsx", products.copy()
    n = len(p)
    u = rng.random((n, 5))
    for i in range(n):
        sku = p["sku_code"].iat[i]
        if u[i, 0] < 0.03:
            gtin = p["gtin"].iat[i]
            wrong = str((int(gtin[-1]) + 1 + int(u[i, 4] * 8)) % 10)
            p.iat[i, p.columns.get_loc("gtin")] = gtin[:-1] + wrong
            log.add(
                "erp",
                file,
                "product",
                sku,
                "商品条码",
                "invalid_gtin",
                f"{gtin[:-1] + wrong}: check digit should be {gtin_check_digit(gtin[:-1])}",
            )
        elif u[i, 1] < 0.015:
            log.add("erp", file, "product", sku, "商品条码", "missing_required", "GTIN is blank")
            p.iat[i, p.columns.get_loc("gtin")] = ""
        if u[i, 2] < 0.01:
            log.add(
                "erp",
                file,
                "product",
                sku,
                "物料名称",
                "missing_required",
                f"name is blank (true: {p['product_name'].iat[i]})",
            )
            p.iat[i, p.columns.get_loc("product_name")] = ""
        if u[i, 3] < 0.02:
            unit = NONSTANDARD_UNITS[int(u[i, 4] * len(NONSTANDARD_UNITS))]
            log.add(
                "erp",
                file,
                "product",
                sku,
                "销售单位",
                "nonstandard_unit",
                f"{unit} (standard: {p['sales_unit'].iat[i]})",
            )
            p.iat[i, p.columns.get_loc("sales_unit")] = unit
    # The same code entered twice for two different products: the second row borrows another product's data.
    dup_n = max(1, int(round(n * 0.015)))
    targets = rng.choice(n, size=dup_n, replace=False)
    donors = rng.choice(np.setdiff1d(np.arange(n), targets), size=dup_n, replace=False)
    extra = p.iloc[donors].copy()
    extra["sku_code"] = p["sku_code"].to_numpy()[targets]
    for sku, name_a, name_b in zip(
        extra["sku_code"], p["product_name"].to_numpy()[targets], extra["product_name"], strict=True
    ):
        log.add(
            "erp",
            file,
            "product",
            sku,
            "物料编码",
            "duplicate_sku",
            f"same code for {name_a!r} and {name_b!r}",
        )
    insert_at = np.sort(rng.choice(n + 1, size=dup_n, replace=True))
    parts, start = [], 0
    for pos, row in zip(insert_at, range(dup_n), strict=True):
        parts.extend([p.iloc[start:pos], extra.iloc[[row]]])
        start = pos
    parts.append(p.iloc[start:])
    return pd.concat(parts, ignore_index=True)


def price_key(row: pd.Series | tuple) -> str:
    sku, tier, region, start = row
    return f"{sku}|{tier}|{region}|{start}"


def inject_price_defects(rng: np.random.Generator, prices: pd.DataFrame, log: DefectLog) -> pd.DataFrame:
    """Tier inversions (一批价 > 二批价, 出厂价 > 一批价), overlapping periods and missing prices."""
    file, p = "dms/price_list.csv", prices.copy()
    p["price"] = p["price"].astype(object)
    key_cols = ["sku_code", "price_tier", "sales_region", "effective_from"]
    keys = [price_key(k) for k in p[key_cols].itertuples(index=False)]
    index = {k: i for i, k in enumerate(keys)}
    n = len(p)
    u = rng.random((n, 3))
    involved = np.zeros(n, dtype=bool)
    for i in range(n):
        sku, tier, region, start = p.iloc[i][key_cols]
        if u[i, 0] >= 0.02 or involved[i] or tier not in ("tier1", "factory"):
            continue
        if tier == "tier1":
            partners = [index.get(price_key((sku, "tier2", region, start)))]
            label = "一批价 {new:.2f} > 二批价 {other:.2f}"
        else:
            partners = [index[k] for k in keys if k.startswith(f"{sku}|tier1|") and k.endswith(f"|{start}")]
            label = "出厂价 {new:.2f} > 一批价 {other:.2f}"
        partners = [j for j in partners if j is not None]
        if not partners or involved[partners].any():
            continue
        other = max(float(p["price"].iat[j]) for j in partners)
        new = round(other * 1.06, 2)
        log.add(
            "dms", file, "price", keys[i], "price", "price_tier_inversion", label.format(new=new, other=other)
        )
        p.iat[i, p.columns.get_loc("price")] = new
        involved[[i, *partners]] = True
    for i in range(n):
        if p["effective_to"].iat[i] == "2025-12-31" and u[i, 1] < 0.025:
            log.add(
                "dms",
                file,
                "price",
                keys[i],
                "end_date",
                "overlapping_price_period",
                "ends 2026-03-31, after the next period starts on 2026-01-01",
            )
            p.iat[i, p.columns.get_loc("effective_to")] = "2026-03-31"
        elif u[i, 2] < 0.015 and not involved[i]:
            log.add(
                "dms",
                file,
                "price",
                keys[i],
                "price",
                "missing_price",
                f"price is blank (true: {float(p['price'].iat[i]):.2f})",
            )
            p.iat[i, p.columns.get_loc("price")] = None
    # Somebody opened the export in Excel and saved it: a few codes with a leading zero lost it.
    p["sku_as_written"] = p["sku_code"]
    lost = (p["sku_code"].str.startswith("0") & (u[:, 1] > 0.85)).to_numpy()
    for i in np.flatnonzero(lost):
        written = p["sku_code"].iat[i].lstrip("0")
        log.add("dms", file, "price", keys[i], "sku", "lost_leading_zero", f"written as {written}")
        p.iat[i, p.columns.get_loc("sku_as_written")] = written
    return p
