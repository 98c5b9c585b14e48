"""The CSV/TSV reader: strict encodings, sniffed delimiters, exact line numbers, ragged rows."""

from __future__ import annotations

from pathlib import Path

import pytest

from cleansing.readers.delimited import DelimitedReader
from foundation.errors import UserError

ROWS = [
    "dealer_code,dealer_name,mobile",
    "D00001,深圳市华润商贸有限公司,13800138000",
    "D00002,上海联华经销部,0755-12345678",
]


def write(tmp_path: Path, text: str, encoding: str = "utf-8", name: str = "d.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_encoding_is_detected_and_every_cell_stays_text(tmp_path: Path, encoding: str) -> None:
    table = DelimitedReader().read(write(tmp_path, "\n".join(ROWS) + "\n", encoding), {})
    assert list(table.frame.columns) == ["dealer_code", "dealer_name", "mobile"]
    assert table.frame["dealer_name"].tolist() == ["深圳市华润商贸有限公司", "上海联华经销部"]
    assert table.frame["mobile"].tolist() == ["13800138000", "0755-12345678"]
    assert table.source_rows.tolist() == [2, 3]


def test_big5_is_told_apart_from_gbk(tmp_path: Path) -> None:
    text = "編號,名稱\n1,臺灣聯華實業股份有限公司\n2,香港德昌貿易有限公司\n3,臺北市中山區南京東路三段\n"
    table = DelimitedReader().read(write(tmp_path, text, "big5"), {})
    assert table.frame["名稱"].tolist() == [
        "臺灣聯華實業股份有限公司",
        "香港德昌貿易有限公司",
        "臺北市中山區南京東路三段",
    ]
    assert table.notes == ["encoding big5, delimiter ','"]


@pytest.mark.parametrize(("delimiter", "expected"), [("\t", "'\\t'"), (";", "';'"), ("|", "'|'")])
def test_delimiter_is_sniffed(tmp_path: Path, delimiter: str, expected: str) -> None:
    text = "\n".join(r.replace(",", delimiter) for r in ROWS) + "\n"
    table = DelimitedReader().read(write(tmp_path, text), {})
    assert table.frame["dealer_code"].tolist() == ["D00001", "D00002"]
    assert table.notes == [f"encoding utf-8, delimiter {expected}"]


def test_quoted_fields_with_newlines_keep_the_line_the_record_starts_on(tmp_path: Path) -> None:
    text = 'code,addr\nD1,"深圳市\n南山区"\nD2,"广州, 天河"\n\nD3,plain\n'
    table = DelimitedReader().read(write(tmp_path, text), {})
    assert table.frame["addr"].tolist() == ["深圳市\n南山区", "广州, 天河", "plain"]
    assert table.source_rows.tolist() == [2, 4, 6]


def test_title_lines_above_the_header_are_skipped(tmp_path: Path) -> None:
    text = "经销商导出 2026-11-01\n\n" + "\n".join(ROWS) + "\n"
    table = DelimitedReader().read(write(tmp_path, text), {"header_row": 3})
    assert table.frame["dealer_code"].tolist() == ["D00001", "D00002"]
    assert table.source_rows.tolist() == [4, 5]


def test_blank_lines_are_not_rows_and_do_not_shift_numbering(tmp_path: Path) -> None:
    text = ROWS[0] + "\n\n" + ROWS[1] + "\n\n\n" + ROWS[2] + "\n"
    table = DelimitedReader().read(write(tmp_path, text), {})
    assert table.source_rows.tolist() == [3, 6]
    assert table.rows_in == 2


def test_padded_cells_are_reported_so_ingest_strips_them(tmp_path: Path) -> None:
    clean = DelimitedReader().read(write(tmp_path, "\n".join(ROWS) + "\n"), {})
    padded = DelimitedReader().read(write(tmp_path, "a,b\n x ,y\n", name="p.csv"), {})
    wide = DelimitedReader().read(write(tmp_path, "a,b\n深圳,\u3000y\n", "gbk", name="w.csv"), {})
    assert clean.cells_trimmed is True
    assert padded.cells_trimmed is False
    assert wide.cells_trimmed is False
    assert padded.frame["a"].tolist() == [" x "]


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        ("a,b\n\u3000x,y\n", "gbk"),  # the very first cell of the body
        ("a,b\nx,y\u3000", "gbk"),  # the very last cell, no newline at the end
        ("a,b\nx,\u3000y\n", "utf-8-sig"),  # UTF-8 with a byte-order mark
    ],
)
def test_full_width_padding_is_seen_anywhere(tmp_path: Path, text: str, encoding: str) -> None:
    assert DelimitedReader().read(write(tmp_path, text, encoding), {}).cells_trimmed is False


def test_ragged_lines_that_balance_each_other_are_still_rejected(tmp_path: Path) -> None:
    # As many delimiters in all as the header implies, but one line too long and one too short.
    text = "a,b,c\n1,2,3,4\n5,6\n7,8,9\n"
    table = DelimitedReader().read(write(tmp_path, text), {})
    assert table.frame.to_dict("list") == {"a": ["7"], "b": ["8"], "c": ["9"]}
    assert [(r.source_row, r.reason_code) for r in table.rejected] == [
        (2, "too_many_fields"),
        (3, "too_few_fields"),
    ]


def test_declared_delimiter_must_be_one_character(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="delimiter must be one character"):
        DelimitedReader().validate_options({"delimiter": ",,"})
    assert DelimitedReader().validate_options({"delimiter": "tab"})["delimiter"] == "\t"


def test_undecodable_byte_is_never_replaced(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes("a,b\n深圳,1\n".encode("gbk") + b"x,\xff\xfe\n")
    with pytest.raises(UserError) as raised:
        DelimitedReader().read(path, {})
    assert str(raised.value) == (
        f"{path}: cannot tell the text encoding (not UTF-8, GB18030/GBK or Big5 throughout); "
        "declare encoding: in the mapping or re-export as UTF-8"
    )
