"""A formula cell whose value was never saved is unknown, not blank.

Found by a hostile run: a workbook written by a script (openpyxl) has formulas without cached values;
required columns were quarantined as empty and optional ones dropped silently.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from tests.reliability.source_folder import force_openpyxl_fallback, ingest_mapping, source_folder

MAPPING = """\
source_system: sales
entity: partner
trust_rank: 3
file: partners.xlsx
format: xlsx
columns:
  source_record_id: code
  partner_name: name
  phone: phone
"""
REASON = (
    "{column} ({cell}) holds a formula with no saved value (the workbook was written by a program and never saved in "
    "Excel), so its value is unknown; open the file in Excel or WPS, save it and ingest again"
)


@pytest.mark.parametrize("fast_path", [True, False], ids=["sheet-xml", "openpyxl-fallback"])
def test_cells_with_unsaved_formulas_are_quarantined_with_the_reason(
    tmp_path: Path, monkeypatch, fast_path
) -> None:
    if not fast_path:
        force_openpyxl_fallback(monkeypatch)
    sources = source_folder(tmp_path)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["code", "name", "phone"])
    sheet.append(["P1", "华强商贸", "13812345678"])
    sheet.append(["P2", '=CONCATENATE("久安","建材")', "13900001111"])  # required column
    sheet.append(["P3", "美达电器", "=B2"])  # optional column
    book.save(sources / "partners.xlsx")
    result = ingest_mapping(tmp_path, MAPPING, "partner")
    report = result.file_reports[0]
    assert (report.rows_in, report.accepted, report.quarantined) == (3, 1, 2)
    assert result.accepted["source_record_id"].tolist() == ["P1"]
    held = result.quarantined.sort_values("source_row")
    assert held["reason_code"].tolist() == ["uncached_formula", "uncached_formula"]
    assert held["reason"].tolist() == [
        REASON.format(column="name", cell='B3 =CONCATENATE("久安","建材")'),
        REASON.format(column="phone", cell="C4 =B2"),
    ]
    assert held["column"].tolist() == ["partner_name", "phone"]
    assert (
        'sheet \'Sheet\': 2 formula cell(s) have no saved value (e.g. B3 =CONCATENATE("久安","建材")); '
        "open the workbook in Excel or WPS and save it, so the values are stored"
    ) in report.notes
