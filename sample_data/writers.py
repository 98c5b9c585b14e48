"""Writers for the five legacy systems' exports, each in its own layout, encoding and format.

The outputs are byte-for-byte reproducible: workbook timestamps and zip entry dates are fixed.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import zipfile
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from sample_data.geography import SALES_REGIONS
from sample_data.identifiers import is_mobile_phone
from sample_data.products import PRICE_TIER_LABELS

EXPORT_DATE = dt.datetime(2026, 11, 1, 8, 0, 0)
PARTNER_TYPE_LABELS = {"distributor": "经销商", "dealer": "分销商", "agent": "代理商"}
STATUS_LABELS = {"active": "正常", "frozen": "冻结"}
ERP_PARTNER_COLUMNS = [
    "客户编码",
    "客户名称",
    "统一社会信用代码",
    "客户类型",
    "渠道级别",
    "销售大区",
    "省份",
    "城市",
    "区县",
    "详细地址",
    "联系人",
    "联系电话",
    "上级客户编码",
    "状态",
    "建档日期",
]
ERP_PARTNER_GROUPS = (("基本信息", 5), ("地址", 4), ("联系方式", 3), ("其他", 3))
ERP_PRODUCT_COLUMNS = ["物料编码", "商品条码", "物料名称", "品牌", "品类", "规格", "销售单位", "税率", "状态"]
SALES_COLUMNS = [
    "客户编号",
    "客户名称",
    "客户类型",
    "信用代码",
    "联系电话",
    "地址",
    "邮编",
    "所属经销商",
    "备注(内部)",
]
SALES_NOTES = ("", "", "", "老客户", "重点跟进", "月结", "已转介绍", "电话常打不通", "节前备货")


def _save_workbook(wb: Workbook, path: Path) -> None:
    """Save with fixed document timestamps and zip entry dates, so the same data gives the same bytes."""
    wb.properties.creator = "channel-mdm sample"
    wb.properties.created = EXPORT_DATE
    buffer = io.BytesIO()
    wb.save(buffer)
    stamp = EXPORT_DATE.strftime("%Y-%m-%dT%H:%M:%SZ")
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(buffer) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + stamp.encode(), data)
            entry = zipfile.ZipInfo(info.filename, date_time=EXPORT_DATE.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(entry, data)


def _text(value: object) -> str:
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)


def write_erp_partners(path: Path, rec: pd.DataFrame) -> int:
    """ERP 经销商档案: a merged title row, merged group headers, column headers, data from row 4."""
    wb = Workbook()
    ws = wb.active
    ws.title = "经销商档案"
    ncol = len(ERP_PARTNER_COLUMNS)
    ws.cell(1, 1, f"经销商档案导出（ERP）导出日期：{EXPORT_DATE:%Y-%m-%d}").font = Font(bold=True, size=14)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=ncol)
    col = 1
    for label, width in ERP_PARTNER_GROUPS:
        ws.cell(2, col, label).alignment = Alignment(horizontal="center")
        ws.merge_cells(start_row=2, start_column=col, end_row=2, end_column=col + width - 1)
        col += width
    for j, name in enumerate(ERP_PARTNER_COLUMNS, start=1):
        ws.cell(3, j, name).font = Font(bold=True)
    for i, r in enumerate(rec.itertuples(index=False), start=4):
        values = [
            r.source_record_id,
            r.partner_name,
            r.uscc,
            PARTNER_TYPE_LABELS[r.partner_type],
            "一批" if r.channel_tier == "1" else "二批",
            r.sales_region,
            r.province,
            r.city,
            r.district,
            r.address,
            r.contact_name,
            r.phone,
            r.parent_record_id,
            STATUS_LABELS[r.status],
        ]
        for j, v in enumerate(values, start=1):
            if v:
                ws.cell(i, j, v).number_format = "@"
        cell = ws.cell(i, ncol, dt.datetime.strptime(r.created_date, "%Y-%m-%d"))
        cell.number_format = "yyyy-mm-dd"
    for j, width in enumerate([10, 36, 22, 8, 8, 8, 10, 10, 10, 44, 8, 18, 12, 6, 12], start=1):
        ws.column_dimensions[get_column_letter(j)].width = width
    notes = wb.create_sheet("说明")
    for i, line in enumerate(
        (
            "本表由ERP系统客户主数据导出，仅供渠道主数据治理项目使用。",
            "客户类型：经销商=一批商，分销商=二批商，代理商按合同约定。",
            "上级客户编码：分公司/办事处对应的总公司客户编码。",
            "状态为冻结的客户不得新建销售订单。",
        ),
        start=1,
    ):
        notes.cell(i, 1, line)
    _save_workbook(wb, path)
    return len(rec)


def write_erp_products(path: Path, products: pd.DataFrame) -> int:
    """ERP 物料主数据: a merged title row, headers on row 2, GTINs and codes as text cells."""
    wb = Workbook()
    ws = wb.active
    ws.title = "物料主数据"
    ws.cell(1, 1, f"物料主数据导出 导出日期：{EXPORT_DATE:%Y-%m-%d}").font = Font(bold=True, size=14)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(ERP_PRODUCT_COLUMNS))
    for j, name in enumerate(ERP_PRODUCT_COLUMNS, start=1):
        ws.cell(2, j, name).font = Font(bold=True)
    for i, r in enumerate(products.itertuples(index=False), start=3):
        for j, v in enumerate(
            [r.sku_code, r.gtin, r.product_name, r.brand, r.category, r.spec, r.sales_unit], start=1
        ):
            if v:
                ws.cell(i, j, v).number_format = "@"
        ws.cell(i, 8, float(r.tax_rate)).number_format = "0%"
        ws.cell(i, 9, r.status)
    _save_workbook(wb, path)
    return len(products)


def _write_gbk_csv(path: Path, frame: pd.DataFrame) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, index=False, encoding="gbk", lineterminator="\r\n")
    return len(frame)


def write_dms_dealers(path: Path, rec: pd.DataFrame) -> int:
    """DMS dealers, GBK CSV; mobiles and landlines in separate columns."""
    mobile = rec["phone"].map(is_mobile_phone)
    seconds = pd.Series(range(len(rec))).mul(7919).mod(36000).add(8 * 3600).to_numpy()
    created = [
        f"{d} {s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}"
        for d, s in zip(rec["created_date"], seconds, strict=True)
    ]
    frame = pd.DataFrame(
        {
            "dealer_code": rec["source_record_id"],
            "dealer_name": rec["partner_name"],
            "credit_code": rec["uscc"],
            "dealer_level": rec["channel_tier"].map({"1": "一级", "2": "二级"}),
            "region": rec["sales_region"],
            "province": rec["province"],
            "city": rec["city"],
            "addr": rec["address"],
            "contact": rec["contact_name"],
            "mobile": rec["phone"].where(mobile, ""),
            "tel": rec["phone"].where(~mobile, ""),
            "email": rec["email"],
            "parent_code": rec["parent_record_id"],
            "create_time": created,
        }
    )
    return _write_gbk_csv(path, frame)


def write_dms_prices(path: Path, prices: pd.DataFrame) -> int:
    frame = pd.DataFrame(
        {
            "sku": prices["sku_as_written"] if "sku_as_written" in prices else prices["sku_code"],
            "price_type": prices["price_tier"].map(PRICE_TIER_LABELS),
            "region": prices["sales_region"],
            "price": [f"{float(p):.2f}" if p is not None and not pd.isna(p) else "" for p in prices["price"]],
            "currency": prices["currency"],
            "start_date": prices["effective_from"],
            "end_date": prices["effective_to"],
            "channel": prices.get("channel"),
            "promotion_code": prices.get("promotion_code"),
        }
    )
    return _write_gbk_csv(path, frame)


def write_dms_promotions(path: Path, promotions: pd.DataFrame) -> int:
    """DMS promotions (促销), GBK CSV: one row per promotion × promoted SKU."""
    frame = pd.DataFrame(
        {
            "促销编码": promotions["promotion_code"],
            "促销名称": promotions["promotion_name"],
            "状态": promotions["status"],
            "渠道": promotions["channel"],
            "商品编码": promotions["sku_code"],
            "促销价": promotions["promoted_price"].map("{:.2f}".format),
            "最低限价": promotions["floor_price"].map("{:.2f}".format),
            "可叠加": promotions["stackable"],
            "开始日期": promotions["effective_from"],
            "结束日期": promotions["effective_to"],
        }
    )
    return _write_gbk_csv(path, frame)


def write_erp_volume_bands(path: Path, bands: pd.DataFrame) -> int:
    """ERP volume-discount bands (数量折扣), GBK CSV: one row per price tier × channel × band."""
    frame = pd.DataFrame(
        {
            "价格类型": bands["price_tier"].map(PRICE_TIER_LABELS),
            "渠道": bands["channel"],
            "起订量": bands["min_quantity"].map("{:g}".format),
            "截止量": bands["max_quantity"].map(lambda v: "" if v is None or pd.isna(v) else f"{v:g}"),
            "单位": bands["quantity_unit"],
            "折扣率": bands["discount_rate"].map("{:.2f}".format),
        }
    )
    return _write_gbk_csv(path, frame)


def write_dms_orders(path: Path, orders: pd.DataFrame) -> int:
    frame = pd.DataFrame(
        {
            "order_no": orders["order_no"],
            "line_no": orders["line_no"],
            "dealer_code": orders["partner_record_id"],
            "order_date": orders["order_date"],
            "sku": orders["sku_code"],
            "qty": orders["quantity"],
            "unit_price": orders["unit_price"].map("{:.2f}".format),
            "amount": orders["amount"].map("{:.2f}".format),
            "status": orders["status"],
        }
    )
    return _write_gbk_csv(path, frame)


def _or_null(value: object) -> object:
    return value if value not in ("", None) else None


def _write_jsonl(path: Path, objects: list[dict]) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="\n") as fh:
        for obj in objects:
            fh.write(json.dumps(obj, ensure_ascii=False) + "\n")
    return len(objects)


def write_crm_partners(path: Path, rec: pd.DataFrame) -> int:
    objects = [
        {
            "acct_id": r.source_record_id,
            "acct_name": _or_null(r.partner_name),
            "uscc": _or_null(r.uscc),
            "type": r.partner_type,
            "tier": int(r.channel_tier),
            "region": r.sales_region,
            "address": {"province": r.province, "city": r.city, "district": r.district, "street": r.address},
            "contact": {
                "name": _or_null(r.contact_name),
                "phone": _or_null(r.phone),
                "email": _or_null(r.email),
            },
            "parent_acct_id": _or_null(r.parent_record_id),
            "created": r.created_date,
        }
        for r in rec.itertuples(index=False)
    ]
    return _write_jsonl(path, objects)


def write_crm_customers(path: Path, rec: pd.DataFrame) -> int:
    objects = [
        {
            "cust_id": r.source_record_id,
            "kind": r.customer_kind,
            "name": _or_null(r.customer_name),
            "uscc": _or_null(r.uscc),
            "id_no_masked": _or_null(r.id_number_masked),
            "birthday": _or_null(r.birth_date),
            "gender": _or_null(r.gender),
            "addr": _or_null(r.address),
            "zip": _or_null(r.postcode),
            "phone": _or_null(r.phone),
            "email": _or_null(r.email),
            "dealer_id": _or_null(r.partner_record_id),
            "created": r.created_date,
        }
        for r in rec.itertuples(index=False)
    ]
    return _write_jsonl(path, objects)


def write_sales_customers(path: Path, rec: pd.DataFrame, cells: pd.DataFrame, notes: list[str]) -> int:
    """Sales staff's workbook: one sheet per region, header on row 1, a hidden internal-notes column."""
    wb = Workbook()
    wb.remove(wb.active)
    for region in [r for r in SALES_REGIONS if r in set(rec["sales_region"])]:
        part = rec[rec["sales_region"] == region]
        ws = wb.create_sheet(region)
        for j, name in enumerate(SALES_COLUMNS, start=1):
            ws.cell(1, j, name).font = Font(bold=True)
        for i, idx in enumerate(part.index, start=2):
            r = rec.loc[idx]
            values = [
                r["source_record_id"],
                r["customer_name"],
                "企业" if r["customer_kind"] == "business" else "个人",
                cells.at[idx, "uscc_cell"],
                cells.at[idx, "phone_cell"],
                r["address"],
                cells.at[idx, "postcode_cell"],
                r["partner_record_id"],
                notes[rec.index.get_loc(idx)],
            ]
            for j, v in enumerate(values, start=1):
                if v is not None and v != "" and not (isinstance(v, float) and pd.isna(v)):
                    ws.cell(i, j, v)
        ws.column_dimensions["I"].hidden = True
    _save_workbook(wb, path)
    return len(rec)


def _fit_gbk(text: str, width: int) -> bytes:
    """``text`` in GBK, cut at a character boundary and space-padded to ``width`` bytes."""
    data = b""
    for ch in text:
        encoded = ch.encode("gbk")
        if len(data) + len(encoded) > width:
            break
        data += encoded
    return data.ljust(width, b" ")


def write_finance_balances(path: Path, balances: pd.DataFrame) -> int:
    """Fixed-width GBK text: header, one 91-byte record per balance, trailer with the record count."""
    lines = [f"HDR AR_BALANCE {balances['as_of_date'].iat[0] if len(balances) else '20261031'}".encode("gbk")]
    for r in balances.itertuples(index=False):
        lines.append(
            _fit_gbk(r.partner_record_id, 10)
            + _fit_gbk(_text(r.partner_name), 40)
            + f"{r.balance_amount:.2f}".rjust(15).encode()
            + f"{r.credit_limit:.2f}".rjust(15).encode()
            + r.as_of_date.encode()
            + r.currency.encode()
        )
    lines.append(f"TRL {len(balances)}".encode())
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"\r\n".join(lines) + b"\r\n")
    return len(balances)
