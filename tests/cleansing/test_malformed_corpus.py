"""Every malformed input gives the exact message a user sees: one line naming the file and the problem.

The corpus is written by ``malformed/make_corpus.py`` into a temporary folder. Each file goes
through a source mapping and :func:`ingest_source`, as a user's file would: a file that cannot
be read shows up as the one-line error of its ``FileReport``; a file with bad rows shows up in
the quarantine with a reason per row, and rows in = accepted + quarantined still holds.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from cleansing.ingest import IngestResult, ingest_source
from cleansing.mapping import load_mapping
from cleansing.readers.checks import FileLimits
from foundation.errors import UserError

_SPEC = importlib.util.spec_from_file_location(
    "make_corpus", Path(__file__).parent / "malformed" / "make_corpus.py"
)
assert _SPEC and _SPEC.loader
make_corpus = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(make_corpus)

DEALERS = """\
source_system: dms
entity: partner
trust_rank: 2
file: {file}
format: {format}
options: {options}
columns:
  source_record_id: dealer_code
  partner_name: dealer_name
  created_date: create_time
"""

ACCOUNTS = """\
source_system: crm
entity: partner
trust_rank: 3
file: {file}
format: {format}
options: {options}
columns:
  source_record_id: acct_id
  partner_name: acct_name
"""

BALANCES = """\
source_system: finance
entity: balance
trust_rank: 1
file: {file}
format: fixed_width
options:
  encoding: gbk
  header_prefix: HDR
  trailer_prefix: TRL
  fields:
    - {{name: code, start: 1, end: 10}}
    - {{name: name, start: 11, end: 30}}
    - {{name: balance, start: 31, end: 42}}
columns:
  partner_record_id: code
  partner_name: name
  balance_amount: balance
constants:
  as_of_date: "2026-10-31"
"""


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("malformed")
    make_corpus.write_corpus(directory)
    return directory


def ingest(
    corpus: Path,
    name: str,
    template: str = DEALERS,
    fmt: str | None = None,
    options: str = "{}",
    limits: FileLimits | None = None,
) -> IngestResult:
    fmt = fmt or Path(name).suffix.lstrip(".")
    mapping_path = corpus / f"{name}.mapping.yaml"
    mapping_path.write_text(template.format(file=name, format=fmt, options=options), encoding="utf-8")
    result = ingest_source(load_mapping(mapping_path), corpus, "batch-1", limits)
    for report in result.file_reports:
        assert report.rows_in == report.accepted + report.quarantined
    return result


def error_of(result: IngestResult) -> str | None:
    (report,) = result.file_reports
    return report.error


def reasons_of(result: IngestResult) -> list[tuple[int, str, str]]:
    q = result.quarantined
    return list(zip(q["source_row"].astype(int), q["reason_code"], q["reason"], strict=True))


# --- files that cannot be read at all: one line naming the file and what to do -------------------

FILE_ERRORS = [
    (
        "truncated.xlsx",
        {},
        "workbook is damaged or truncated (its zip directory is unreadable); copy it again or re-export it",
    ),
    (
        "encrypted.xlsx",
        {},
        "workbook is password-protected (encrypted); open it in Excel, remove the password "
        "(File > Info > Protect Workbook) and save it again",
    ),
    (
        "legacy_xls_named.xlsx",
        {},
        "is a legacy Excel 97-2003 (.xls) workbook with an .xlsx name; rename it to .xls or save it as .xlsx",
    ),
    ("pdf_renamed.xlsx", {}, "is a PDF document, not an Excel workbook; export the data as .xlsx or CSV"),
    ("empty.xlsx", {}, "file is empty (0 bytes); re-export it from the source system"),
    ("zip_not_workbook.xlsx", {}, "is a zip archive but not an Excel workbook; export the data as .xlsx"),
    ("text_renamed.xlsx", {}, "is a text file, not an Excel workbook; rename it to .csv or .txt"),
    ("empty.csv", {}, "file is empty (0 bytes); re-export it from the source system"),
    ("whitespace_only.csv", {}, "file has no text (only whitespace); re-export it from the source system"),
    (
        "nul_bytes.csv",
        {},
        "contains NUL bytes (first at line 3); it is binary or UTF-16 without a byte-order mark: "
        "re-export it as UTF-8 CSV",
    ),
    (
        "utf16_no_bom.csv",
        {},
        "contains NUL bytes (first at line 1); it is binary or UTF-16 without a byte-order mark: "
        "re-export it as UTF-8 CSV",
    ),
    ("png_renamed.csv", {}, "is a PNG image, not a text export; export the data as CSV"),
    (
        "unterminated_quote.csv",
        {},
        "unterminated quote in the record starting at line 3; close the quote or re-export with quoting",
    ),
    (
        "gbk_declared_utf8.csv",
        {"options": "{encoding: utf-8}"},
        "not valid UTF-8 at line 2 (byte 0xC9); it reads as GB18030/GBK: set encoding: gb18030 in the mapping",
    ),
    (
        "unknown_encoding.csv",
        {"options": "{encoding: utf-9}"},
        "unknown encoding 'utf-9' in the mapping; use utf-8, gb18030, gbk or big5",
    ),
    (
        "big5_declared_wrong.csv",
        {"options": "{encoding: big5}"},
        "not valid Big5 at line 2 (byte 0xC8); it reads as GB18030/GBK: set encoding: gb18030 in the mapping",
    ),
    (
        "sheet_missing.xlsx",
        {"options": "{sheet: 客户}"},
        "no sheet named '客户'; did you mean '客户档案'? Sheets: 客户档案",
    ),
    (
        "json_scalar.json",
        {"template": ACCOUNTS},
        "top-level JSON is a string; expected an array of objects or JSON lines",
    ),
    (
        "broken_json_array.json",
        {"template": ACCOUNTS},
        "is not valid JSON (Expecting value at line 1, column 34)",
    ),
    (
        "fixed_width_trailer_mismatch.txt",
        {"template": BALANCES},
        "trailer on line 3 says 5 records but the file has 1; the file may be truncated or edited: ask for a fresh export",
    ),
    (
        "fixed_width_no_trailer.txt",
        {"template": BALANCES},
        "has no trailer line starting with 'TRL'; the file may be truncated: ask for a fresh export",
    ),
]


@pytest.mark.parametrize(("name", "how", "message"), FILE_ERRORS, ids=[c[0] for c in FILE_ERRORS])
def test_unreadable_file_gives_one_clear_message(corpus: Path, name: str, how: dict, message: str) -> None:
    result = ingest(corpus, name, **how)
    assert error_of(result) == f"{corpus / name}: {message}"
    assert result.accepted.empty


def test_zip_bomb_is_refused_before_openpyxl_expands_it(corpus: Path) -> None:
    result = ingest(corpus, "zip_bomb.xlsx")
    assert error_of(result) == (
        f"{corpus / 'zip_bomb.xlsx'}: workbook member xl/worksheets/sheet1.xml expands 1,028 times (over 500); "
        "refusing to open a likely zip bomb"
    )


def test_file_over_the_size_limit_is_refused(corpus: Path) -> None:
    size = (corpus / "ragged_rows.csv").stat().st_size
    result = ingest(corpus, "ragged_rows.csv", limits=FileLimits(max_file_bytes=100))
    assert error_of(result) == (
        f"{corpus / 'ragged_rows.csv'}: file is {size:,} bytes, over the limit of 100 bytes; split it or raise max_file_bytes"
    )


def test_duplicate_mapped_column_is_refused(corpus: Path) -> None:
    result = ingest(corpus, "duplicate_columns.csv")
    assert error_of(result) == (
        f"{corpus / 'duplicate_columns.csv'}: column name 'dealer_name' appears 2 times (columns 2, 4); "
        f"mapping {corpus / 'duplicate_columns.csv.mapping.yaml'} columns.partner_name cannot tell them apart: rename one in the file"
    )


def test_missing_mapped_column_suggests_the_close_match(corpus: Path) -> None:
    template = DEALERS.replace("partner_name: dealer_name", "partner_name: dealer_nam")
    result = ingest(corpus, "missing_column.csv", template=template)
    assert error_of(result) == (
        f"{corpus / 'missing_column.csv'}: has no column 'dealer_nam' (mapping {corpus / 'missing_column.csv.mapping.yaml'}, "
        "columns.partner_name); did you mean 'dealer_name'? Columns in the file: dealer_code, dealer_name, create_time, credit_limit"
    )


# --- files with bad rows: the rows go to quarantine with a reason, the rest are accepted ----------


def test_ragged_rows_are_quarantined_with_their_line(corpus: Path) -> None:
    result = ingest(corpus, "ragged_rows.csv")
    assert reasons_of(result) == [
        (3, "too_many_fields", "line 3 has 5 fields, the header has 4"),
        (4, "too_few_fields", "line 4 has 2 fields, the header has 4"),
    ]
    assert result.accepted["source_record_id"].tolist() == ["D10001", "D10004"]
    assert result.accepted["source_row"].tolist() == [2, 5]


def test_excel_error_cells_are_quarantined(corpus: Path) -> None:
    result = ingest(corpus, "error_cells.xlsx")
    assert reasons_of(result) == [
        (
            2,
            "excel_error",
            "dealer_name holds the Excel error #N/A; fix the formula or value in the workbook",
        ),
        (
            3,
            "excel_error",
            "dealer_name holds the Excel error #REF!; fix the formula or value in the workbook",
        ),
        (
            4,
            "excel_error",
            "create_time holds the Excel error #DIV/0!; fix the formula or value in the workbook; "
            "create_time value '#DIV/0!' is not a date (expected YYYY-MM-DD or YYYY/MM/DD or YYYYMMDD "
            "or YYYY.MM.DD or YYYY年MM月DD日)",
        ),
    ]
    assert result.accepted["source_record_id"].tolist() == ["D10004"]


def test_formula_cells_read_their_cached_value_and_an_uncalculated_one_is_unknown(corpus: Path) -> None:
    result = ingest(corpus, "formula_cells.xlsx")
    assert result.accepted["partner_name"].tolist() == ["深圳华润"]
    assert reasons_of(result) == [
        (
            3,
            "uncached_formula",
            "dealer_name (B3 =A1&A2) holds a formula with no saved value (the workbook was written by a program "
            "and never saved in Excel), so its value is unknown; open the file in Excel or WPS, save it and ingest again",
        )
    ]


def test_ten_megabyte_cell_is_quarantined_and_cut_in_the_quarantine(corpus: Path) -> None:
    result = ingest(corpus, "huge_cell.csv")
    assert reasons_of(result) == [
        (2, "cell_too_long", "dealer_name holds 3,495,253 characters, more than the 32,767 a cell may hold")
    ]
    assert len(result.quarantined["original"].iat[0]) < 2_000
    assert result.accepted["source_record_id"].tolist() == ["D10002"]


def test_bad_dates_are_quarantined(corpus: Path) -> None:
    result = ingest(corpus, "bad_dates.csv")
    expected = "(expected YYYY-MM-DD or YYYY/MM/DD or YYYYMMDD or YYYY.MM.DD or YYYY年MM月DD日)"
    assert reasons_of(result) == [
        (3, "bad_date", f"create_time value '2024-13-45' is not a date {expected}"),
        (4, "bad_date", f"create_time value 'yesterday' is not a date {expected}"),
    ]


def test_json_line_that_is_not_json_is_quarantined(corpus: Path) -> None:
    result = ingest(corpus, "bad_json_line.jsonl", template=ACCOUNTS)
    assert reasons_of(result) == [(2, "not_json", "line 2 is not valid JSON (Expecting value at column 33)")]
    assert result.accepted["source_record_id"].tolist() == ["A-1", "A-3"]


def test_json_array_elements_that_are_not_objects_are_quarantined(corpus: Path) -> None:
    result = ingest(corpus, "array_not_objects.json", template=ACCOUNTS)
    assert reasons_of(result) == [
        (1, "not_an_object", "array element 1 is a JSON number, not an object"),
        (2, "not_an_object", "array element 2 is a JSON string, not an object"),
        (3, "not_an_object", "array element 3 is a JSON array, not an object"),
    ]
    assert result.accepted["source_record_id"].tolist() == ["A-4"]


def test_fixed_width_short_line_is_quarantined(corpus: Path) -> None:
    result = ingest(corpus, "fixed_width_short_line.txt", template=BALANCES)
    assert reasons_of(result) == [(3, "short_line", "line 3 is 15 bytes long, the layout needs 42")]


def test_fixed_width_field_cutting_a_character_is_quarantined(corpus: Path) -> None:
    result = ingest(corpus, "fixed_width_split_character.txt", template=BALANCES)
    assert reasons_of(result) == [
        (
            3,
            "bad_encoding",
            "line 3: field code (bytes 1-10) is not valid gb18030 (a character cut in half by the layout?)",
        )
    ]


# --- inputs that read correctly despite looking odd ------------------------------------------------


def test_header_only_file_has_no_rows_and_says_so(corpus: Path) -> None:
    result = ingest(corpus, "header_only.csv")
    (report,) = result.file_reports
    assert (report.rows_in, report.accepted, report.quarantined, report.error) == (0, 0, 0, None)
    assert f"{corpus / 'header_only.csv'}: has a header but no data rows" in report.notes


def test_mixed_line_endings_keep_line_numbers(corpus: Path) -> None:
    result = ingest(corpus, "mixed_line_endings.csv")
    assert result.accepted["source_record_id"].tolist() == ["D10001", "D10002", "D10003"]
    assert result.accepted["source_row"].tolist() == [2, 3, 4]


def test_big5_file_is_detected_and_decoded(corpus: Path) -> None:
    result = ingest(corpus, "big5.csv")
    assert result.accepted["partner_name"].tolist() == [
        "臺灣聯華實業股份有限公司",
        "香港德昌貿易有限公司",
        "臺北市中山區南京東路三段貿易行",
    ]


# --- mappings a steward got wrong ------------------------------------------------------------------

MAPPING_ERRORS = [
    (
        "mapping_bad_yaml.yaml",
        "not valid YAML at line 5, column 1: expected ',' or ']', but got '<stream end>'",
    ),
    (
        "mapping_unknown_column.yaml",
        "columns.partner_nmae: unknown canonical column 'partner_nmae' for entity partner; "
        "did you mean 'partner_name'? Known columns: source_record_id, partner_name, uscc, partner_type, channel_tier, "
        "sales_region, province, city, district, address, contact_name, phone, email, parent_record_id, supplier_record_id, status, "
        "created_date",
    ),
    (
        "mapping_unknown_transform.yaml",
        "columns.uscc.transform[0]: unknown transform 'uper'; did you mean 'upper'?",
    ),
    (
        "mapping_missing_required.yaml",
        "columns: required canonical column 'partner_name' of entity partner is not mapped; "
        "add it under columns (or constants)",
    ),
    ("mapping_unknown_option.yaml", "unknown key 'options.delimter'"),
]


@pytest.mark.parametrize(("name", "message"), MAPPING_ERRORS, ids=[c[0] for c in MAPPING_ERRORS])
def test_bad_mapping_names_the_file_and_key(corpus: Path, name: str, message: str) -> None:
    with pytest.raises(UserError) as raised:
        load_mapping(corpus / name)
    assert str(raised.value) == f"{corpus / name}: {message}"


def test_committed_corpus_matches_the_script() -> None:
    committed = Path(__file__).parent / "malformed" / "files"
    expected = {name: data for name, data in make_corpus.corpus_files().items() if len(data) <= 1024 * 1024}
    assert len(expected) >= 30
    assert sorted(p.name for p in committed.iterdir()) == sorted(expected)
    for name, data in expected.items():
        assert (committed / name).read_bytes() == data, f"{name}: run make_corpus.py to refresh the corpus"
