"""A JSON key written twice in one object is never resolved silently.

Found by a hostile run: JSON lines with a duplicate key kept the last value without a word.
"""

from __future__ import annotations

from pathlib import Path

from tests.reliability.source_folder import ingest_mapping, source_folder

MAPPING = """\
source_system: crm
entity: partner
trust_rank: 3
file: partners.jsonl
format: jsonl
columns:
  source_record_id: code
  partner_name: name
  phone: contact.phone
"""


def test_repeated_keys_are_flagged_when_they_agree_and_quarantined_when_they_differ(tmp_path: Path) -> None:
    sources = source_folder(tmp_path)
    lines = [
        '{"code": "P1", "name": "华强商贸", "contact": {"phone": "13812345678"}}',
        '{"code": "P2", "name": "久安建材", "name": "久安建材", "contact": {"phone": "13900001111"}}',
        '{"code": "P3", "name": "美达电器", "contact": {"phone": "13500000001", "phone": "13500000002"}}',
        '{"code": "P4", "code": "P5", "name": "通利食品"}',
    ]
    (sources / "partners.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = ingest_mapping(tmp_path, MAPPING, "partner")
    report = result.file_reports[0]
    assert (report.rows_in, report.accepted, report.quarantined) == (4, 2, 2)
    assert dict(zip(result.accepted["source_record_id"], result.accepted["data_flags"], strict=True)) == {
        "P1": "",
        "P2": "partner_name:duplicate_key_in_source",
    }
    assert result.quarantined.sort_values("source_row")["reason"].tolist() == [
        'line 3 has the key \'contact.phone\' 2 times with different values ("13500000001", "13500000002"); '
        "fix the export so that each key appears once",
        'line 4 has the key \'code\' 2 times with different values ("P4", "P5"); '
        "fix the export so that each key appears once",
    ]
    assert set(result.quarantined["reason_code"]) == {"duplicate_key"}
