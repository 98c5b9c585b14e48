"""The fixed-width reader: byte positions sliced before decoding, header and trailer checked."""

from __future__ import annotations

from pathlib import Path

from cleansing.readers.fixed_width import FixedWidthReader

FIELDS = [
    {"name": "code", "start": 1, "end": 10},
    {"name": "name", "start": 11, "end": 30},
    {"name": "balance", "start": 31, "end": 42},
]


def record(code: str, name: str, balance: str, encoding: str = "gbk") -> bytes:
    return code.encode().ljust(10) + name.encode(encoding).ljust(20) + balance.encode().rjust(12)


def test_byte_positions_slice_gbk_before_decoding(tmp_path: Path) -> None:
    path = tmp_path / "ar.txt"
    lines = [
        b"HDR AR 20261031",
        record("C100001", "深圳市华润商贸", "-1234.50"),
        record("C100002", "ABC", "99.00"),
        b"TRL 2",
    ]
    path.write_bytes(b"\r\n".join(lines) + b"\r\n")
    table = FixedWidthReader().read(path, {"fields": FIELDS, "header_prefix": "HDR", "trailer_prefix": "TRL"})
    assert table.frame.to_dict("records") == [
        {"code": "C100001", "name": "深圳市华润商贸", "balance": "-1234.50"},
        {"code": "C100002", "name": "ABC", "balance": "99.00"},
    ]
    assert table.source_rows.tolist() == [2, 3]
    assert table.rows_in == 2


def test_character_positions_decode_first(tmp_path: Path) -> None:
    path = tmp_path / "chars.txt"
    path.write_text("C1 深圳华润    12\nC2 广州      34\n", encoding="utf-8")
    fields = [
        {"name": "code", "start": 1, "end": 3},
        {"name": "name", "start": 4, "end": 11},
        {"name": "n", "start": 12, "end": 13},
    ]
    table = FixedWidthReader().read(path, {"fields": fields, "units": "chars", "encoding": "utf-8"})
    assert table.frame["name"].tolist() == ["深圳华润", "广州"]
    assert table.frame["n"].tolist() == ["12", "34"]
