"""Write the corpus of malformed inputs the readers and mappings must turn into clear messages.

Run ``python tests/cleansing/malformed/make_corpus.py [DIR]`` to (re)write the files; the tests
call :func:`write_corpus` into a temporary folder so they never depend on stale files. Every
file is small: the zip bomb is a few KB that would expand to megabytes of sheet XML.
"""

from __future__ import annotations

import io
import re
import sys
import zipfile
from pathlib import Path

import openpyxl

HERE = Path(__file__).resolve().parent

DEALERS_HEADER = "dealer_code,dealer_name,create_time,credit_limit"
DEALERS_ROWS = [
    "D10001,深圳市华润商贸有限公司,2024-01-02 08:00:00,50000.00",
    "D10002,广州联华经销部,2024-02-03 09:10:11,30000.00",
]

DEALER_MAPPING = """\
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

BALANCE_FIELDS = """\
  fields:
    - {name: code, start: 1, end: 10}
    - {name: name, start: 11, end: 30}
    - {name: balance, start: 31, end: 42}
"""


def _csv(rows: list[str], header: str = DEALERS_HEADER, newline: str = "\n") -> str:
    return newline.join([header, *rows]) + newline


_FIXED_DATE = (2026, 11, 1, 8, 0, 0)


def _workbook_bytes(rows: list[list[object]], title: str = "Sheet1") -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return _patch_sheet(buffer.getvalue())


def _entry(name: str) -> zipfile.ZipInfo:
    """A zip entry with a fixed date, so the corpus is byte-for-byte the same on every run."""
    entry = zipfile.ZipInfo(name, date_time=_FIXED_DATE)
    entry.compress_type = zipfile.ZIP_DEFLATED
    return entry


def _patch_sheet(data: bytes, *replacements: tuple[bytes, bytes]) -> bytes:
    """Rewrite ``xl/worksheets/sheet1.xml`` inside a workbook (e.g. to add cached formula values)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(
                    rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rb"\g<1>2026-11-01T08:00:00Z", content
                )
            if info.filename == "xl/worksheets/sheet1.xml":
                for old, new in replacements:
                    content = content.replace(old, new)
            target.writestr(_entry(info.filename), content)
    return out.getvalue()


def _zip_bomb() -> bytes:
    """A workbook-shaped zip whose sheet is 8 MB of spaces compressed to a few KB."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(_entry("[Content_Types].xml"), '<?xml version="1.0"?><Types/>')
        archive.writestr(_entry("xl/workbook.xml"), '<?xml version="1.0"?><workbook/>')
        archive.writestr(_entry("xl/worksheets/sheet1.xml"), b" " * (8 * 1024 * 1024))
    return out.getvalue()


def _ole(encrypted: bool) -> bytes:
    """The first sector of an OLE compound file, with the EncryptionInfo stream name when encrypted."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    directory = ("EncryptionInfo" if encrypted else "Workbook").encode("utf-16-le").ljust(128, b"\x00")
    return header + directory + b"\x00" * 384


def _fixed_width(records: list[bytes], trailer: str | None) -> bytes:
    lines = [b"HDR AR_BALANCE 20261031", *records]
    if trailer is not None:
        lines.append(trailer.encode("ascii"))
    return b"\r\n".join(lines) + b"\r\n"


def _record(code: str, name: str, balance: str) -> bytes:
    return code.encode("ascii").ljust(10) + name.encode("gbk").ljust(20) + balance.encode("ascii").rjust(12)


def corpus_files() -> dict[str, bytes]:
    """Every corpus file name with its bytes."""
    valid_xlsx = _workbook_bytes(
        [["dealer_code", "dealer_name", "create_time"], ["D10001", "深圳华润", "2024-01-02"]]
    )
    files: dict[str, bytes] = {
        "truncated.xlsx": valid_xlsx[: len(valid_xlsx) // 2],
        "encrypted.xlsx": _ole(encrypted=True),
        "legacy_xls_named.xlsx": _ole(encrypted=False),
        "zip_bomb.xlsx": _zip_bomb(),
        "pdf_renamed.xlsx": b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n",
        "empty.xlsx": b"",
        "zip_not_workbook.xlsx": _plain_zip(),
        "text_renamed.xlsx": _csv(DEALERS_ROWS).encode("utf-8"),
        "empty.csv": b"",
        "whitespace_only.csv": b"  \r\n\r\n \t\n",
        "gbk_declared_utf8.csv": _csv(DEALERS_ROWS).encode("gbk"),
        "unknown_encoding.csv": _csv(DEALERS_ROWS).encode("utf-8"),
        "big5_declared_wrong.csv": _csv(DEALERS_ROWS).encode("gbk"),
        "big5.csv": _csv(
            [
                "D10001,臺灣聯華實業股份有限公司,2024-01-02,1.00",
                "D10002,香港德昌貿易有限公司,2024-01-03,2.00",
                "D10003,臺北市中山區南京東路三段貿易行,2024-01-04,3.00",
            ]
        ).encode("big5"),
        "nul_bytes.csv": _csv(DEALERS_ROWS).encode("utf-8").replace(b"D10002", b"D1\x00\x0002"),
        "utf16_no_bom.csv": _csv(DEALERS_ROWS).encode("utf-16-le"),
        "mixed_line_endings.csv": (
            DEALERS_HEADER
            + "\r\n"
            + DEALERS_ROWS[0]
            + "\n"
            + DEALERS_ROWS[1]
            + "\r"
            + "D10003,杭州联华,2024-03-04 10:00:00,1.00\r\n"
        ).encode("utf-8"),
        "duplicate_columns.csv": _csv(
            ["D10001,深圳华润,2024-01-02,广州"], header="dealer_code,dealer_name,create_time,dealer_name"
        ).encode("utf-8"),
        "header_only.csv": (DEALERS_HEADER + "\n").encode("utf-8"),
        "formula_cells.xlsx": _patch_sheet(
            _workbook_bytes(
                [
                    ["dealer_code", "dealer_name", "create_time"],
                    ["D10001", '="深圳"&"华润"', "2024-01-02"],
                    ["D10002", "=A1&A2", "2024-01-03"],
                ]
            ),
            ('<f>"深圳"&amp;"华润"</f><v />'.encode(), '<f>"深圳"&amp;"华润"</f><v>深圳华润</v>'.encode()),
            (b'<c r="B2"><f>', b'<c r="B2" t="str"><f>'),
        ),
        "error_cells.xlsx": _workbook_bytes(
            [
                ["dealer_code", "dealer_name", "create_time"],
                ["D10001", "#N/A", "2024-01-02"],
                ["D10002", "#REF!", "2024-01-03"],
                ["D10003", "广州联华", "#DIV/0!"],
                ["D10004", "杭州联华", "2024-01-05"],
            ]
        ),
        "huge_cell.csv": _csv(
            ["D10001," + "深" * (10 * 1024 * 1024 // 3) + ",2024-01-02,1.00", DEALERS_ROWS[1]]
        ).encode("utf-8"),
        "ragged_rows.csv": _csv(
            [
                DEALERS_ROWS[0],
                "D10002,广州联华,2024-02-03 09:10:11,30000.00,extra",
                "D10003,杭州联华",
                DEALERS_ROWS[1].replace("D10002", "D10004"),
            ]
        ).encode("utf-8"),
        "unterminated_quote.csv": _csv(
            [DEALERS_ROWS[0], 'D10002,"广州联华,2024-02-03,1.00', DEALERS_ROWS[1]]
        ).encode("utf-8"),
        "bad_json_line.jsonl": (
            '{"acct_id": "A-1", "acct_name": "深圳华润"}\n{"acct_id": "A-2", "acct_name": \n'
            '{"acct_id": "A-3", "acct_name": "杭州联华"}\n'
        ).encode(),
        "array_not_objects.json": b'[1, "two", ["A-3"], {"acct_id": "A-4", "acct_name": "x"}]',
        "json_scalar.json": b'"just a string"',
        "broken_json_array.json": b'[{"acct_id": "A-1"}, {"acct_id": ',
        "fixed_width_short_line.txt": _fixed_width(
            [_record("C100001", "深圳华润", "100.00"), b"C100002   short"], "TRL 2"
        ),
        "fixed_width_trailer_mismatch.txt": _fixed_width([_record("C100001", "深圳华润", "100.00")], "TRL 5"),
        "fixed_width_no_trailer.txt": _fixed_width([_record("C100001", "深圳华润", "100.00")], None),
        "fixed_width_split_character.txt": _fixed_width(
            [
                _record("C100001", "深圳华润", "100.00"),
                b"C100002  " + "深圳".encode("gbk") + b" " * 17 + b"100.00".rjust(12),
            ],
            "TRL 2",
        ),
        "bad_dates.csv": _csv(
            [DEALERS_ROWS[0], "D10002,广州联华,2024-13-45,1.00", "D10003,杭州联华,yesterday,1.00"]
        ).encode("utf-8"),
        "png_renamed.csv": b"\x89PNG\r\n\x1a\n" + b"\x00" * 32,
        "sheet_missing.xlsx": _workbook_bytes(
            [["dealer_code", "dealer_name", "create_time"], ["D1", "x", "2024-01-01"]], "客户档案"
        ),
        "missing_column.csv": _csv(DEALERS_ROWS).encode("utf-8"),
        "mapping_bad_yaml.yaml": b"source_system: dms\nentity: partner\ncolumns:\n  source_record_id: [dealer_code\n",
        "mapping_unknown_column.yaml": DEALER_MAPPING.format(file="x.csv", format="csv", options="{}")
        .replace("partner_name:", "partner_nmae:")
        .encode("utf-8"),
        "mapping_unknown_transform.yaml": (
            DEALER_MAPPING.format(file="x.csv", format="csv", options="{}")
            + "  uscc: {from: credit_code, transform: [uper]}\n"
        ).encode("utf-8"),
        "mapping_missing_required.yaml": DEALER_MAPPING.format(file="x.csv", format="csv", options="{}")
        .replace("  partner_name: dealer_name\n", "")
        .encode("utf-8"),
        "mapping_unknown_option.yaml": DEALER_MAPPING.format(
            file="x.csv", format="csv", options="{delimter: ','}"
        ).encode("utf-8"),
    }
    return files


def _plain_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(_entry("readme.txt"), "not a workbook")
    return out.getvalue()


def write_corpus(directory: Path) -> dict[str, Path]:
    """Write every corpus file into ``directory``; return their paths by name."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name, data in corpus_files().items():
        path = directory / name
        path.write_bytes(data)
        paths[name] = path
    return paths


def write_small_corpus(directory: Path, max_bytes: int = 1024 * 1024) -> dict[str, Path]:
    """Write the files under ``max_bytes`` (the 10 MB cell is only ever written by the tests)."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name, data in corpus_files().items():
        if len(data) <= max_bytes:
            (directory / name).write_bytes(data)
            paths[name] = directory / name
    return paths


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE / "files"
    written = write_small_corpus(target)
    print(f"wrote {len(written)} malformed inputs to {target}")
