"""The JSON reader: nested objects flattened to dotted columns, numbers flagged, bad lines rejected."""

from __future__ import annotations

import json
from pathlib import Path

from cleansing.readers.json_lines import JsonLinesReader, flatten


def test_nested_objects_become_dotted_columns() -> None:
    assert flatten({"a": 1, "address": {"city": "深圳", "geo": {"lat": 1.5}}, "tags": ["x"]}) == {
        "a": 1,
        "address.city": "深圳",
        "address.geo.lat": 1.5,
        "tags": ["x"],
    }


def test_json_lines_read_as_text_with_numbers_flagged(tmp_path: Path) -> None:
    path = tmp_path / "p.jsonl"
    rows = [
        {
            "acct_id": "A-1",
            "tier": 1,
            "uscc": 9.14403e17,
            "address": {"city": "深圳"},
            "tags": ["a", "b"],
            "vip": True,
        },
        {"acct_id": "A-2", "tier": 2, "uscc": None, "address": {"city": "广州", "district": "天河区"}},
    ]
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n\n", encoding="utf-8")
    table = JsonLinesReader().read(path, {})
    assert table.frame.to_dict("records") == [
        {
            "acct_id": "A-1",
            "tier": "1",
            "uscc": "914403000000000000",
            "address.city": "深圳",
            "tags": '["a", "b"]',
            "vip": "true",
            "address.district": None,
        },
        {
            "acct_id": "A-2",
            "tier": "2",
            "uscc": None,
            "address.city": "广州",
            "tags": None,
            "vip": None,
            "address.district": "天河区",
        },
    ]
    assert table.flag_mask("numeric", "uscc").tolist() == [True, False]
    assert table.source_rows.tolist() == [1, 2]


def test_json_array_rows_are_numbered_by_element(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    path.write_text('[{"id": "1"}, {"id": "2"}]', encoding="utf-8")
    table = JsonLinesReader().read(path, {})
    assert table.frame["id"].tolist() == ["1", "2"]
    assert table.source_rows.tolist() == [1, 2]
