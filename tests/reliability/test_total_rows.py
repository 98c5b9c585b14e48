"""Totals and subtotal rows in a workbook are not records.

Found by a hostile run: ``合计``, ``小计``, ``总计`` and ``Total`` rows of a workbook with title rows
were accepted as partners.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl

from tests.reliability.source_folder import ingest_mapping, source_folder

MAPPING = """\
source_system: sales
entity: partner
trust_rank: 3
file: partners.xlsx
format: xlsx
options:
  header_contains: [客户编码]
columns:
  source_record_id: 客户编码
  partner_name: 客户名称
"""


def test_totals_rows_are_skipped_with_a_count_and_the_rows_still_add_up(tmp_path: Path) -> None:
    sources = source_folder(tmp_path)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["华东区经销商名单"])
    sheet.append(["序号", "客户编码", "客户名称", "金额"])
    sheet.append([1, "P001", "合计商贸有限公司", 100])  # a real company whose name starts with 合计
    sheet.append([2, "P002", "久安建材有限公司", 200])
    sheet.append(["小计", None, None, 300])
    sheet.append([3, "P003", "华强商贸有限公司", 50])
    sheet.append([None, "小 计", None, 50])
    sheet.append(["合计：", None, None, 350])
    sheet.append(["Grand Total", None, None, 350])
    book.save(sources / "partners.xlsx")
    result = ingest_mapping(tmp_path, MAPPING, "partner")
    report = result.file_reports[0]
    assert result.accepted["source_record_id"].tolist() == ["P001", "P002", "P003"]
    assert (report.rows_in, report.accepted, report.quarantined) == (7, 3, 4)
    assert "quarantined: total_row 4" in report.notes
    totals = result.quarantined.sort_values("source_row")
    assert totals["source_row"].tolist() == [5, 7, 8, 9]
    assert set(totals["reason_code"]) == {"total_row"}
    assert totals["reason"].tolist() == [
        "partners.xlsx: a totals row ('小计'), not a record; skipped",
        "partners.xlsx: a totals row ('小 计'), not a record; skipped",
        "partners.xlsx: a totals row ('合计：'), not a record; skipped",
        "partners.xlsx: a totals row ('Grand Total'), not a record; skipped",
    ]
