"""No silently wrong values at ingest: numbers, totals rows, codes and unsaved formulas.

Found by a hostile run: ``1.234,50`` became 1.2345 and ``1,2,3`` 123; ``inf``/``NaN`` passed
``price_positive``; ``Subtotal``/``Grand total`` rows were accepted as records; full-width and
zero-width-spaced SKUs became new SKUs; formula cells with no saved value read as blank.
The inputs are under ``tests/reliability/inputs/ingest_values/``.
"""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from channel_mdm.cli import main
from migration.convert import convert_column, converter_for
from migration.models import TABLES
from tests.reliability.source_folder import force_openpyxl_fallback, ingest_mapping, source_folder

INPUTS = Path(__file__).parent / "inputs" / "ingest_values"

PRICES = """\
source_system: dms
entity: price
trust_rank: 2
file: prices.csv
format: csv
columns:
  sku_code: sku
  price_tier: tier
  sales_region: region
  price: {from: price, transform: [decimal]}
  effective_from: start
"""
PRODUCTS = """\
source_system: erp
entity: product
trust_rank: 1
file: products.csv
format: csv
columns:
  sku_code: sku
  product_name: name
"""


def _ingest(tmp_path: Path, entity: str, file: str, mapping: str):
    if (INPUTS / file).exists():
        shutil.copy(INPUTS / file, source_folder(tmp_path) / file)
    return ingest_mapping(tmp_path, mapping, entity)


REASONS = {
    "S02": "price value '1.234,50' looks like a number written with ',' as the decimal separator; declare the "
    "source's separators in the mapping (numbers: {decimal: ',', thousands: '.'})",
    "S03": "price value '1,2,3' has the thousands separator ',' in the wrong places (ambiguous, not guessed); "
    "if ',' is this source's decimal separator, declare it in the mapping (numbers: {decimal: ','})",
    "S04": "price value 'inf' is not a finite number",
    "S05": "price value 'Infinity' is not a finite number",
    "S06": "price value 'NaN' is not a finite number",
    "S10": "price value '1 234,50' groups digits with spaces, which this source does not declare; declare the "
    "source's separators in the mapping (numbers: {decimal: ',', thousands: ' '})",
    "S12": "price value '12万' is written in 万 or 亿 (tens of thousands, hundreds of millions), which is not "
    "converted; write the number out in full in the source",
}


def test_only_numbers_that_read_one_way_are_accepted(tmp_path: Path) -> None:
    result = _ingest(tmp_path, "price", "prices.csv", PRICES)
    report = result.file_reports[0]
    assert (report.rows_in, report.accepted, report.quarantined) == (12, 5, 7)
    assert report.rows_in == len(result.accepted) + len(result.quarantined)
    assert dict(zip(result.accepted["sku_code"], result.accepted["price"], strict=True)) == {
        "S01": Decimal("1234.50"),  # 1,234.50
        "S07": Decimal("1234.5"),
        "S08": Decimal("1234.50"),  # ¥1,234.50
        "S09": Decimal("1234.50"),  # full width
        "S11": Decimal("-12.50"),  # (12.50), an accounting negative
    }
    held = result.quarantined
    assert set(held["reason_code"]) == {"bad_decimal"}
    assert dict(zip(held["business_key"].str.split("|").str[0], held["reason"], strict=True)) == REASONS


def test_spaces_as_thousands_separators_are_read_once_declared(tmp_path: Path) -> None:
    mapping = PRICES.replace(
        "  price: {from: price, transform: [decimal]}",
        ("  price: {from: price, transform: [decimal], numbers: {decimal: ',', thousands: ' '}}"),
    )
    result = _ingest(tmp_path, "price", "prices.csv", mapping)
    accepted = dict(zip(result.accepted["sku_code"], result.accepted["price"], strict=True))
    assert accepted["S10"] == Decimal("1234.50")
    assert "S01" not in accepted  # 1,234.50 is now the one that reads two ways
    report = result.file_reports[0]
    assert (
        report.rows_in
        == report.accepted + report.quarantined
        == len(result.accepted) + len(result.quarantined)
    )


def test_codes_written_with_full_width_or_invisible_characters_are_one_sku(tmp_path: Path) -> None:
    result = _ingest(tmp_path, "product", "products.csv", PRODUCTS)
    report = result.file_reports[0]
    assert (report.rows_in, report.accepted, report.quarantined) == (7, 7, 0)
    assert set(result.accepted["sku_code"]) == {"1009006257"}
    # full width, U+200B, U+FEFF, U+2060, soft hyphen, U+00A0: one flag per changed cell, naming the column
    assert result.accepted["data_flags"].fillna("").tolist() == [""] + ["sku_code:normalised"] * 6


TOTALS_MAPPING = """\
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


def test_subtotal_and_grand_total_rows_are_quarantined_as_total_rows(tmp_path: Path) -> None:
    source_folder(tmp_path)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["2026年一季度 经销商回款"])
    sheet.append([None])
    sheet.append(["序号", "客户编码", "客户名称", "回款"])
    sheet.append([1, "P001", "华强商贸有限公司", 100])
    sheet.append(["Subtotal", None, None, 100])
    sheet.append([2, "P002", "久安建材有限公司", 200])
    sheet.append([None, "总计", None, 300])
    sheet.append(["Grand total:", None, None, 300])
    book.save(tmp_path / "sources" / "partners.xlsx")
    result = _ingest(tmp_path, "partner", "partners.xlsx", TOTALS_MAPPING)
    report = result.file_reports[0]
    assert (report.rows_in, report.accepted, report.quarantined) == (5, 2, 3)
    assert result.accepted["source_record_id"].tolist() == ["P001", "P002"]
    assert "quarantined: total_row 3" in report.notes
    held = result.quarantined.sort_values("source_row")
    assert held["source_row"].tolist() == [5, 7, 8]
    assert held["reason_code"].tolist() == ["total_row"] * 3
    assert held["reason"].tolist() == [
        "partners.xlsx: a totals row ('Subtotal'), not a record; skipped",
        "partners.xlsx: a totals row ('总计'), not a record; skipped",
        "partners.xlsx: a totals row ('Grand total:'), not a record; skipped",
    ]


FORMULA_MAPPING = """\
source_system: sales
entity: partner
trust_rank: 3
file: partners.xlsx
format: xlsx
columns:
  source_record_id: code
  partner_name: name
  uscc: uscc
"""


@pytest.mark.parametrize("fast_path", [True, False], ids=["sheet-xml", "openpyxl-fallback"])
def test_an_unsaved_formula_is_quarantined_naming_the_cell_and_the_formula(
    tmp_path: Path, monkeypatch, fast_path
) -> None:
    if not fast_path:
        force_openpyxl_fallback(monkeypatch)
    source_folder(tmp_path)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "名单"
    sheet.append(["code", "name", "uscc"])
    sheet.append(["P1", "华强商贸", "914403001922038216"])
    sheet.append(['=UPPER("p2")', "久安建材", None])  # the key itself
    sheet.append(["P3", "美达电器", '=TEXT(914403001922038216,"0")'])  # an optional id column
    book.save(tmp_path / "sources" / "partners.xlsx")
    result = _ingest(tmp_path, "partner", "partners.xlsx", FORMULA_MAPPING)
    report = result.file_reports[0]
    assert (report.rows_in, report.accepted, report.quarantined) == (3, 1, 2)
    held = result.quarantined.sort_values("source_row")
    assert held["source_file"].str.endswith("partners.xlsx").all()
    assert held["source_sheet"].tolist() == ["名单", "名单"]
    assert held["source_row"].tolist() == [3, 4]
    assert held["column"].tolist() == ["source_record_id", "uscc"]
    assert held["reason_code"].tolist() == ["uncached_formula"] * 2
    advice = (
        "holds a formula with no saved value (the workbook was written by a program and never saved in Excel), "
        "so its value is unknown; open the file in Excel or WPS, save it and ingest again"
    )
    assert held["reason"].tolist() == [
        f'code (A3 =UPPER("p2")) {advice}',
        f'uscc (C4 =TEXT(914403001922038216,"0")) {advice}',
    ]


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("inf", "is not a finite number"),
        ("-Infinity", "is not a finite number"),
        (
            "1,2,3",
            "has the thousands separator ',' in the wrong places (ambiguous, not guessed); if ',' is this "
            "source's decimal separator, declare it in the mapping (numbers: {decimal: ','})",
        ),
    ],
)
def test_the_store_refuses_non_finite_and_ambiguous_scores(value: object, problem: str) -> None:
    convert = converter_for(TABLES["crosswalk"].c.match_score)
    assert convert("0.93") == 0.93
    assert convert_column(pd.Series([value]), convert)[1:] == (0, problem)


def test_money_and_rate_rules_refuse_non_finite_values(tmp_path: Path) -> None:
    quarantine = tmp_path / "q.csv"
    main(
        [
            "validate",
            "--prices",
            str(INPUTS / "canonical_prices.csv"),
            "--products",
            str(INPUTS / "canonical_products.csv"),
            "--docs",
            str(tmp_path / "dd"),
            "--quarantine",
            str(quarantine),
        ]
    )
    failed = pd.read_csv(quarantine, dtype=str, encoding="utf-8-sig")
    chosen = failed[failed["rule"].isin(["price_positive", "tax_rate_allowed"])]
    assert dict(zip(chosen["sku_code"], chosen["reason"], strict=True)) == {
        "A1": "tax rate NaN is not one of 0.13, 0.09, 0.06, 0.03, 0",
        "S1": "price -inf is not a number greater than 0",
        "S2": "price ＋ｉｎｆ is not a number greater than 0",
        "S3": "price 1e400 is not a number greater than 0",
    }
