"""Ingest: every sample source reads through its mapping alone, and every row is accounted for."""

from __future__ import annotations

import json
import sqlite3
from decimal import Decimal
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from channel_mdm.cli import main
from cleansing.canonical import PROVENANCE_COLUMNS, get_entity
from cleansing.ingest import IngestResult, ingest_all, ingest_source
from cleansing.mapping import load_mapping
from cleansing.quarantine import QUARANTINE_COLUMNS
from foundation.settings import PROJECT_ROOT

SAMPLE = PROJECT_ROOT / "sample_data"
SOURCES = SAMPLE / "sources"
TRUTH = SAMPLE / "ground_truth"
needs_sample = pytest.mark.skipif(
    not (TRUTH / "manifest.json").exists(), reason="sample sources not generated"
)


@pytest.fixture(scope="module")
def sample_results() -> dict[str, list[IngestResult]]:
    return ingest_all(SAMPLE / "mappings", SOURCES, "test-batch", progress=False)


def all_results(results: dict[str, list[IngestResult]]) -> list[IngestResult]:
    return [r for rs in results.values() for r in rs]


@needs_sample
def test_every_sample_file_ingests_and_rows_add_up(sample_results: dict[str, list[IngestResult]]) -> None:
    manifest = json.loads((TRUTH / "manifest.json").read_text(encoding="utf-8"))
    reports = {rep.file: rep for r in all_results(sample_results) for rep in r.file_reports}
    assert sorted(reports) == sorted(manifest["files"])
    for name, info in manifest["files"].items():
        report = reports[name]
        assert report.error is None
        assert report.rows_in == info["rows"], name
        assert report.rows_in == report.accepted + report.quarantined, name


@needs_sample
def test_accepted_rows_carry_canonical_columns_provenance_and_flags(
    sample_results: dict[str, list[IngestResult]],
) -> None:
    manifest = json.loads((TRUTH / "manifest.json").read_text(encoding="utf-8"))
    for result in all_results(sample_results):
        entity = get_entity(result.entity)
        assert list(result.accepted.columns) == [*entity.column_names, *PROVENANCE_COLUMNS, "data_flags"]
        assert list(result.quarantined.columns) == list(QUARANTINE_COLUMNS)
        for file, rows in result.accepted.groupby("source_file"):
            assert set(rows["file_hash"]) == {manifest["files"][file]["sha256"]}
        assert result.accepted["batch_id"].eq("test-batch").all()
    erp = next(r for r in sample_results["partner"] if r.source_system == "erp").accepted
    assert erp["source_row"].min() == 4  # title row, group-header row and header row come first
    assert erp["source_sheet"].eq("经销商档案").all()
    assert erp["created_date"].str.fullmatch(r"\d{4}-\d{2}-\d{2}").all()
    assert set(erp["partner_type"]) <= {"distributor", "dealer", "agent"}


@needs_sample
def test_excel_id_damage_in_the_sales_workbook_is_flagged_exactly(
    sample_results: dict[str, list[IngestResult]],
) -> None:
    defects = pd.read_csv(TRUTH / "defects.csv", dtype=str)
    sales = next(r for r in sample_results["customer"] if r.source_system == "sales")
    accepted = sales.accepted.set_index("source_record_id")
    for kind, flag in [
        ("sci_notation_id", "uscc:scientific_notation"),
        ("truncated_id", "uscc:truncated_15_digits"),
        ("lost_leading_zero", "postcode:lost_leading_zeros_restored"),
    ]:
        truth = set(
            defects.loc[
                (defects["defect_kind"] == kind) & (defects["source_system"] == "sales"), "record_key"
            ]
        )
        flagged = set(accepted.index[accepted["data_flags"].str.contains(flag, regex=False)])
        assert flagged == truth & set(accepted.index), kind
    restored = accepted.loc[
        accepted["data_flags"].str.contains("postcode:lost_leading_zeros_restored", regex=False), "postcode"
    ]
    assert restored.str.fullmatch(r"0\d{5}").all()


@needs_sample
def test_blank_required_names_are_quarantined_with_their_key(
    sample_results: dict[str, list[IngestResult]],
) -> None:
    defects = pd.read_csv(TRUTH / "defects.csv", dtype=str)
    blank = defects[
        (defects["defect_kind"] == "missing_required") & defects["entity"].isin(["partner", "customer"])
    ]
    quarantined = pd.concat([r.quarantined for r in all_results(sample_results)])
    missing = quarantined[quarantined["reason_code"] == "missing_required"]
    keys = set(missing["business_key"])
    for row in blank.itertuples():
        assert f"{row.source_system}|{row.record_key}" in keys
    assert json.loads(missing["original"].iat[0])


def write_workbook(path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["编码", "名称", "类型", "日期", "额度"])
    ws.append(["C1", "深圳甲", "经销商", 45000, "1,234.50"])
    ws.append(["C2", "深圳乙", "零售店", "2024/02/03", "¥88"])
    ws.append(["C3", "深圳丙", "分销商", "not a date", "12x"])
    wb.save(path)


MAPPING = """\
source_system: erp
entity: partner
trust_rank: 1
file: "*.xlsx"
format: xlsx
columns:
  source_record_id: 编码
  partner_name: 名称
  partner_type: {from: 类型, transform: [{value_map: {经销商: distributor, 分销商: dealer}}]}
  created_date: 日期
  sales_region: {from: "@sheet"}
"""


def test_values_are_coerced_or_quarantined_with_reasons(tmp_path: Path) -> None:
    write_workbook(tmp_path / "a.xlsx")
    (tmp_path / "m.yaml").write_text(MAPPING, encoding="utf-8")
    result = ingest_source(load_mapping(tmp_path / "m.yaml"), tmp_path, "b")
    assert result.accepted[["source_record_id", "partner_type", "created_date", "sales_region"]].to_dict(
        "records"
    ) == [
        {
            "source_record_id": "C1",
            "partner_type": "distributor",
            "created_date": "2023-03-15",
            "sales_region": "Sheet",
        }
    ]
    assert result.quarantined[["source_row", "business_key", "column", "reason_code", "reason"]].to_dict(
        "records"
    ) == [
        {
            "source_row": 3,
            "business_key": "erp|C2",
            "column": "partner_type",
            "reason_code": "unmapped_value",
            "reason": "类型 value '零售店' is not in the value map for partner_type (known: 经销商, 分销商)",
        },
        {
            "source_row": 4,
            "business_key": "erp|C3",
            "column": "created_date",
            "reason_code": "bad_date",
            "reason": "日期 value 'not a date' is not a date (expected YYYY-MM-DD or YYYY/MM/DD or YYYYMMDD or YYYY.MM.DD "
            "or YYYY年MM月DD日)",
        },
    ]


def test_decimals_parse_exactly(tmp_path: Path) -> None:
    (tmp_path / "b.csv").write_text(
        'sku,tier,region,price,from\n0100001082,出厂价,全国,"1,234.50",2025-01-01\n'
        "100001083,出厂价,全国,¥88,2025-01-01\n1001000123,出厂价,全国,12x,2025-01-01\n",
        encoding="utf-8",
    )
    (tmp_path / "m.yaml").write_text(
        "source_system: dms\nentity: price\ntrust_rank: 2\nfile: b.csv\nformat: csv\ncolumns:\n"
        "  sku_code: {from: sku, id_length: 10, restore_leading_zeros: true}\n"
        "  price_tier: {from: tier, transform: [{value_map: {出厂价: factory}}]}\n"
        "  sales_region: region\n  price: price\n  effective_from: from\n",
        encoding="utf-8",
    )
    result = ingest_source(load_mapping(tmp_path / "m.yaml"), tmp_path, "b")
    assert result.accepted["price"].tolist() == [Decimal("1234.50"), Decimal("88")]
    assert result.accepted["sku_code"].tolist() == ["0100001082", "0100001083"]
    assert result.accepted["data_flags"].tolist() == ["", "sku_code:lost_leading_zeros_restored"]
    assert result.quarantined["reason"].tolist() == ["price value '12x' is not a number"]


def test_an_unreadable_file_does_not_stop_the_others(tmp_path: Path) -> None:
    write_workbook(tmp_path / "a.xlsx")
    (tmp_path / "b.xlsx").write_bytes(b"%PDF-1.4 not a workbook")
    (tmp_path / "m.yaml").write_text(MAPPING, encoding="utf-8")
    result = ingest_source(load_mapping(tmp_path / "m.yaml"), tmp_path, "b")
    assert [(r.file, r.rows_in, r.accepted, r.quarantined, r.error) for r in result.file_reports] == [
        ("a.xlsx", 3, 1, 2, None),
        (
            "b.xlsx",
            0,
            0,
            0,
            f"{tmp_path / 'b.xlsx'}: is a PDF document, not an Excel workbook; export the data as .xlsx or CSV",
        ),
    ]


def test_no_matching_file_is_reported(tmp_path: Path) -> None:
    (tmp_path / "m.yaml").write_text(MAPPING, encoding="utf-8")
    result = ingest_source(load_mapping(tmp_path / "m.yaml"), tmp_path, "b")
    assert [r.error for r in result.file_reports] == [
        f"{tmp_path / '*.xlsx'}: no file matches (mapping {tmp_path / 'm.yaml'}, key file)"
    ]


def test_database_source_through_a_mapping(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with sqlite3.connect(tmp_path / "erp.sqlite") as connection:
        connection.execute("CREATE TABLE kunde (code TEXT, name TEXT)")
        connection.executemany("INSERT INTO kunde VALUES (?, ?)", [("C1", "深圳甲"), ("C2", None)])
    monkeypatch.setenv("LEGACY_ERP_URL", f"sqlite:///{tmp_path / 'erp.sqlite'}")
    (tmp_path / "m.yaml").write_text(
        "source_system: erp\nentity: partner\ntrust_rank: 1\nformat: database\n"
        "options: {url_env: LEGACY_ERP_URL, table: kunde, order_by: [code]}\n"
        "columns:\n  source_record_id: code\n  partner_name: name\n",
        encoding="utf-8",
    )
    result = ingest_source(load_mapping(tmp_path / "m.yaml"), tmp_path, "b")
    assert result.accepted[["source_record_id", "source_file", "source_row"]].to_dict("records") == [
        {"source_record_id": "C1", "source_file": "$LEGACY_ERP_URL/kunde", "source_row": 1}
    ]
    assert result.quarantined["reason_code"].tolist() == ["missing_required"]


def test_ingest_command_writes_csvs_and_prints_the_counts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sources, mappings, out = tmp_path / "sources", tmp_path / "mappings", tmp_path / "out"
    sources.mkdir()
    mappings.mkdir()
    write_workbook(sources / "a.xlsx")
    (mappings / "erp_partner.yaml").write_text(MAPPING, encoding="utf-8")
    code = main(
        [
            "ingest",
            "--sources",
            str(sources),
            "--mappings",
            str(mappings),
            "--out",
            str(out),
            "--batch-id",
            "B1",
        ]
    )
    assert code == 0
    printed = capsys.readouterr().out.splitlines()
    assert printed[0] == "batch B1"
    assert printed[2].split() == ["a.xlsx", "partner", "3", "1", "2"]
    assert printed[3].split() == ["total", "3", "1", "2"]
    partner = pd.read_csv(out / "partner.csv", dtype=str, keep_default_na=False)
    assert partner["source_record_id"].tolist() == ["C1"]
    quarantine = pd.read_csv(out / "quarantine.csv", dtype=str)
    assert quarantine["reason_code"].tolist() == ["unmapped_value", "bad_date"]


def test_file_whose_every_line_is_rejected_is_all_quarantine(tmp_path: Path) -> None:
    (tmp_path / "a.jsonl").write_text('{"acct_id": \n[1]\n', encoding="utf-8")
    (tmp_path / "m.yaml").write_text(
        "source_system: crm\nentity: partner\ntrust_rank: 3\nfile: a.jsonl\nformat: jsonl\n"
        "columns:\n  source_record_id: acct_id\n  partner_name: acct_name\n",
        encoding="utf-8",
    )
    result = ingest_source(load_mapping(tmp_path / "m.yaml"), tmp_path, "b")
    assert result.quarantined["reason_code"].tolist() == ["not_json", "not_an_object"]
    assert result.accepted.empty


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.lists(st.sampled_from(["", "D1", "深圳", "2024-01-02", "x y"]), min_size=1, max_size=5),
        max_size=12,
    )
)
def test_every_csv_row_is_accepted_or_quarantined(rows: list[list[str]]) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        directory = Path(folder)
        lines = ["code,name,created", *(",".join(r) for r in rows)]
        (directory / "d.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
        (directory / "m.yaml").write_text(
            "source_system: dms\nentity: partner\ntrust_rank: 2\nfile: d.csv\nformat: csv\n"
            "options: {delimiter: ','}\ncolumns:\n  source_record_id: code\n  partner_name: name\n"
            "  created_date: created\n",
            encoding="utf-8",
        )
        result = ingest_source(load_mapping(directory / "m.yaml"), directory, "b")
        (report,) = result.file_reports
        non_blank = sum(1 for r in rows if ",".join(r) != "")
        assert report.error is None
        assert report.rows_in == non_blank == len(result.accepted) + len(result.quarantined)
        assert sorted([*result.accepted["source_row"], *result.quarantined["source_row"]]) == [
            i for i, r in enumerate(rows, start=2) if ",".join(r) != ""
        ]
