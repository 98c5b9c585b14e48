from __future__ import annotations

import pytest

from migration.compare import compare_fields, phone_digits


@pytest.mark.parametrize(
    ("written", "digits"),
    [
        ("0755-12345678", "75512345678"),
        ("+86 755 1234 5678", "75512345678"),
        ("008675512345678", "75512345678"),
        ("13812345678", "13812345678"),
        ("+8613812345678", "13812345678"),
        ("8613812345678", "13812345678"),
        ("400-123-4567", "4001234567"),
    ],
)
def test_phone_notation_does_not_matter(written, digits):
    assert phone_digits(written) == digits


def _compare(old: dict, new: dict, table: str = "partner"):
    return compare_fields(old, new, list(old), table)


def test_formatting_alone_is_never_a_defect():
    old = {"partner_name": "瀋陽市 鵬通商貿有限公司", "phone": "024-86140522", "email": "Sales@PengTong.cn"}
    new = {"partner_name": "沈阳市鹏通商贸有限公司", "phone": "+862486140522", "email": "sales@pengtong.cn"}
    assert _compare(old, new).mismatches == []


def test_a_changed_value_is_a_defect_showing_both_values():
    outcome = _compare({"partner_name": "深圳市华南商贸有限公司", "phone": "13812345678"},
                       {"partner_name": "深圳市华北商贸有限公司", "phone": "13812345679"})  # fmt: skip
    assert outcome.mismatches == [
        ("partner_name", "深圳市华南商贸有限公司", "深圳市华北商贸有限公司"),
        ("phone", "13812345678", "13812345679"),
    ]


def test_a_value_lost_in_the_store_is_a_defect():
    assert _compare({"uscc": "914403001922038216"}, {"uscc": None}).mismatches == [
        ("uscc", "914403001922038216", "")
    ]


def test_values_filled_in_by_the_migration_are_enrichment():
    outcome = _compare(
        {"email": "", "province": None, "address": "昆明官渡区滨江大道2233号"},
        {"email": "sales@example.cn", "province": "云南省", "address": "云南省昆明市官渡区滨江大道2233号"},
    )
    assert outcome.mismatches == []
    assert outcome.enriched == ["email", "province", "address"]


def test_an_address_that_lost_text_is_a_defect():
    outcome = _compare({"address": "昆明官渡区滨江大道2233号"}, {"address": "云南省昆明市官渡区滨江大道"})
    assert outcome.mismatches == [("address", "昆明官渡区滨江大道2233号", "云南省昆明市官渡区滨江大道")]


def test_money_compares_by_value_not_by_notation():
    outcome = compare_fields(
        {"balance_amount": "12,345.6", "credit_limit": "50000"},
        {"balance_amount": "12345.60", "credit_limit": "50000.01"},
        ["balance_amount", "credit_limit"],
        "balance",
    )
    assert outcome.mismatches == [("credit_limit", "50000", "50000.01")]


def test_a_value_flagged_damaged_at_ingest_and_left_blank_is_withheld_not_a_defect():
    from migration.compare import compare_fields

    old = {
        "uscc": "9.15201E+17",
        "phone": "13812345678",
        "data_flags": "uscc:scientific_notation;phone:was_numeric",
    }
    outcome = compare_fields(old, {"uscc": None, "phone": None}, ["uscc", "phone"], "customer")
    assert outcome.withheld == ["uscc"]
    assert outcome.mismatches == [("phone", "13812345678", "")]
