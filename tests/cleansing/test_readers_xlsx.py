"""The xlsx reader: title and group-header rows, hidden rows and columns, numbers back to text."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import openpyxl
import pytest

from cleansing.readers.xlsx import XlsxReader
from foundation.errors import UserError


def erp_like_workbook(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "经销商档案"
    ws.append(["经销商档案导出（ERP）导出日期：2026-11-01"])
    ws.merge_cells("A1:G1")
    ws.append(["基本信息", None, None, "地址", None, "联系方式", None])
    ws.merge_cells("A2:C2")
    ws.merge_cells("D2:E2")
    ws.merge_cells("F2:G2")
    ws.append(["客户编码", "客户名称", "信用代码", "省份", "电话", "电话", "建档日期"])
    ws.append(
        [
            "C000001",
            "深圳甲商贸有限公司",
            914403001922038000,
            "广东省",
            "0755-1",
            13800138000,
            dt.datetime(2020, 1, 2),
        ]
    )
    ws.append(["C000002", "#N/A", "91440300708461136T", "广东省", None, None, 45000])
    ws.append([])
    ws.append(["C000003", "丙", "00123", "广东省", None, 0.5, dt.datetime(2021, 3, 4, 5, 6, 7)])
    ws.row_dimensions[7].hidden = True
    wb.create_sheet("说明").append(["free text"])
    wb.save(path)
    return path


def test_header_is_found_under_title_and_group_rows_and_rows_keep_their_numbers(tmp_path: Path) -> None:
    table = XlsxReader().read(erp_like_workbook(tmp_path / "p.xlsx"), {})
    assert list(table.frame.columns) == [
        "客户编码",
        "客户名称",
        "信用代码",
        "省份",
        "地址/电话",
        "联系方式/电话",
        "建档日期",
    ]
    assert table.source_rows.tolist() == [4, 5, 7]
    assert table.sheet == "经销商档案"
    assert table.ambiguous_columns == {}


def test_cells_are_text_and_numbers_dates_and_errors_are_flagged(tmp_path: Path) -> None:
    table = XlsxReader().read(erp_like_workbook(tmp_path / "p.xlsx"), {})
    frame = table.frame
    assert frame["信用代码"].tolist() == ["914403001922038000", "91440300708461136T", "00123"]
    assert frame["联系方式/电话"].tolist() == ["13800138000", None, "0.5"]
    assert frame["建档日期"].tolist() == ["2020-01-02", "45000", "2021-03-04 05:06:07"]
    assert all(isinstance(v, str) or v is None for v in frame.to_numpy().ravel())
    assert table.flag_mask("numeric", "信用代码").tolist() == [True, False, False]
    assert table.flag_mask("date", "建档日期").tolist() == [True, False, True]
    assert table.flag_mask("excel_error", "客户名称").tolist() == [False, True, False]
    assert (4, "信用代码", "was numeric in the source (converted back to text)") in list(table.cell_notes())


def test_hidden_rows_are_kept_and_flagged(tmp_path: Path) -> None:
    table = XlsxReader().read(erp_like_workbook(tmp_path / "p.xlsx"), {})
    assert table.flag_mask("hidden_row", "").tolist() == [False, False, True]
    assert "sheet '经销商档案': 1 hidden row(s) kept and flagged" in table.notes


def hidden_column_workbook(path: Path) -> Path:
    wb = openpyxl.Workbook()
    for region in ("华东", "华南"):
        ws = wb.create_sheet(region)
        ws.append(["客户编号", "客户名称", "备注(内部)"])
        ws.append([f"KH-{region}", "某客户", "老客户"])
        ws.column_dimensions["C"].hidden = True
    wb.remove(wb["Sheet"])
    wb.save(path)
    return path


def test_hidden_column_is_dropped_unless_mapped(tmp_path: Path) -> None:
    path = hidden_column_workbook(tmp_path / "s.xlsx")
    dropped = XlsxReader().read(path, {"sheet": "华东"})
    assert list(dropped.frame.columns) == ["客户编号", "客户名称"]
    assert "sheet '华东': hidden column C '备注(内部)' dropped" in dropped.notes
    kept = XlsxReader().read(path, {"sheet": "华东", "keep_columns": ["备注(内部)"]})
    assert kept.frame["备注(内部)"].tolist() == ["老客户"]


def test_sheets_chosen_by_pattern_are_stacked_with_their_names(tmp_path: Path) -> None:
    table = XlsxReader().read(hidden_column_workbook(tmp_path / "s.xlsx"), {"sheet_pattern": "^华"})
    assert table.frame["客户编号"].tolist() == ["KH-华东", "KH-华南"]
    assert table.source_sheets.tolist() == ["华东", "华南"]
    assert table.source_rows.tolist() == [2, 2]


def test_sheet_by_index_and_header_hint(tmp_path: Path) -> None:
    path = erp_like_workbook(tmp_path / "p.xlsx")
    table = XlsxReader().read(path, {"sheet": 0, "header_contains": ["客户编码"]})
    assert table.source_rows.tolist() == [4, 5, 7]
    with pytest.raises(UserError) as raised:
        XlsxReader().read(path, {"sheet": 5})
    assert str(raised.value) == f"{path}: sheet index 5 is out of range; the workbook has 2 sheets"


def test_vertically_merged_header_cell_takes_the_value_from_above(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["客户编码", "地址", None])
    ws.append([None, "省份", "城市"])
    ws.merge_cells("A1:A2")
    ws.merge_cells("B1:C1")
    ws.append(["C1", "广东省", "深圳市"])
    wb.save(tmp_path / "m.xlsx")
    table = XlsxReader().read(tmp_path / "m.xlsx", {"header_row": 2})
    assert list(table.frame.columns) == ["客户编码", "省份", "城市"]
    assert table.frame.iloc[0].tolist() == ["C1", "广东省", "深圳市"]


def test_legacy_xls_without_xlrd_says_to_save_as_xlsx(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "old.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    monkeypatch.setitem(sys.modules, "xlrd", None)
    with pytest.raises(UserError) as raised:
        XlsxReader().read(path, {})
    assert str(raised.value) == (
        f"{path}: legacy .xls workbooks need the xlrd package, which is not installed; "
        "open the file in Excel and save it as .xlsx"
    )
