from __future__ import annotations

import pandas as pd
import pytest

from cleansing.standardise import PARTY_COLUMNS, normalise_birth_date, standardise_parties
from foundation.errors import UserError


@pytest.fixture
def partners() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "code": ["P1", "P2", "P3", "P4"],
            "name": ["深圳市华强商贸有限公司", "華強商貿（深圳）有限公司杭州分公司", None, "  "],
            "tel": ["0755-26881234-8001", None, None, ""],
            "mobile": ["13812345678", "13900000001", None, None],
            "addr": ["广东省深圳市南山区科技园一八五号", "南山区二十三号", None, ""],
            "city": [None, "深圳", None, None],
            "credit_code": ["914403001922038216", "9.14403E+17", None, "无"],
            "mail": ["Sales@HuaQiang.com", "not an email", None, None],
            "contact": ["张 三", "SMITH, John", None, "王经理"],
            "born": ["1985/3/7", "19850307", None, "1985年3月7日"],
            "zip": ["518000", "18000", None, ""],
        },
        index=[10, 11, 12, 13],
    )


ROLES = {
    "record_id": "code",
    "company_name": "name",
    "phone": ["tel", "mobile"],
    "address": "addr",
    "city": "city",
    "uscc": "credit_code",
    "email": "mail",
    "person_name": "contact",
    "birth_date": "born",
    "postcode": "zip",
}


def test_output_has_the_contract_columns_in_order_and_the_same_index(partners):
    out = standardise_parties(partners, ROLES)
    assert tuple(out.columns) == PARTY_COLUMNS
    assert list(out.index) == [10, 11, 12, 13]
    assert out is not partners


def test_a_standardised_partner(partners):
    row = standardise_parties(partners, ROLES).loc[10]
    assert row["record_id"] == "P1"
    assert (row["name_normalised"], row["name_region"], row["name_core"]) == (
        "深圳市华强商贸有限公司",
        "深圳",
        "华强商贸",
    )
    assert (row["uscc"], row["uscc_status"]) == ("914403001922038216", "valid")
    assert (row["phone_e164"], row["phone_kind"], row["phone_extension"]) == (
        "+8675526881234",
        "landline",
        "8001",
    )
    assert (row["province"], row["city"], row["district"], row["division_code"]) == (
        "广东省",
        "深圳市",
        "南山区",
        "440305",
    )
    assert row["address_detail"] == "科技园185号"
    assert (row["email_normalised"], row["person_name"]) == ("sales@huaqiang.com", "张三")
    assert (row["birth_date"], row["postcode"]) == ("1985-03-07", "518000")


def test_a_branch_with_traditional_characters_and_damaged_uscc(partners):
    row = standardise_parties(partners, ROLES).loc[11]
    assert (row["name_core"], row["name_region"], row["name_branch"], row["name_branch_region"]) == (
        "华强商贸",
        "深圳",
        "分公司",
        "杭州",
    )
    assert bool(row["name_is_branch"]) is True
    assert row["uscc"] is pd.NA and row["uscc_status"] == "damaged"
    assert row["phone_e164"] == "+8613900000001"  # the second phone column when the first is blank
    assert (row["division_code"], row["address_detail"]) == ("440305", "23号")
    assert row["postcode"] == "018000"


def test_blank_input_is_na_never_an_empty_string(partners):
    out = standardise_parties(partners, ROLES)
    for index in (12, 13):
        row = out.loc[index]
        for column in PARTY_COLUMNS:
            if column in ("record_id", "uscc_status", "phone_kind", "birth_date"):
                continue
            assert row[column] is pd.NA, (index, column)
    assert list(out.loc[[12, 13], "uscc_status"]) == ["missing", "missing"]
    assert list(out.loc[[12, 13], "phone_kind"]) == ["missing", "missing"]
    assert not (out == "").any().any()


def test_two_unknown_names_never_compare_equal(partners):
    out = standardise_parties(partners, ROLES)
    assert pd.isna(out.loc[12, "name_core"] == out.loc[13, "name_core"])


def test_roles_left_out_give_na_columns_and_the_index_becomes_the_record_id(partners):
    out = standardise_parties(partners, {"company_name": "name"})
    assert list(out["record_id"]) == ["10", "11", "12", "13"]
    assert out["phone_e164"].isna().all() and out["division_code"].isna().all()
    assert list(out["uscc_status"]) == ["missing"] * 4


def test_unknown_role_is_reported(partners):
    with pytest.raises(UserError) as error:
        standardise_parties(partners, {"telephone": "tel"})
    assert str(error.value) == (
        "unknown role 'telephone' in the role map; expected one of record_id, company_name, person_name, uscc, "
        "phone, address, province, city, district, email, birth_date, postcode"
    )


def test_missing_column_is_reported(partners):
    with pytest.raises(UserError) as error:
        standardise_parties(partners, {"company_name": "partner_name"})
    assert str(error.value) == (
        "column 'partner_name' for role 'company_name' is not in the frame; its columns are "
        "code, name, tel, mobile, addr, city, credit_code, mail, contact, born, zip"
    )


def test_only_phone_takes_several_columns(partners):
    with pytest.raises(UserError) as error:
        standardise_parties(partners, {"company_name": ["name", "contact"]})
    assert str(error.value) == "role 'company_name' takes one column, got 2: name, contact"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1985-03-07", "1985-03-07"),
        ("1985/3/7", "1985-03-07"),
        ("1985.3.7", "1985-03-07"),
        ("1985年3月7日", "1985-03-07"),
        ("19850307", "1985-03-07"),
        ("1985-03-07 00:00:00", "1985-03-07"),
        (pd.Timestamp("1985-03-07"), "1985-03-07"),
        ("31113", "1985-03-07"),
        ("1985-02-30", None),
        ("1800-01-01", None),
        ("unknown", None),
        (None, None),
    ],
)
def test_birth_dates(raw, expected):
    assert normalise_birth_date(raw) == expected


@pytest.mark.parametrize(
    ("country", "expected"), [("GB", "1985-03-07"), ("AU", "1985-03-07"), ("US", "1985-07-03")]
)
def test_a_birth_date_with_the_year_last_reads_as_the_country_writes_it(country, expected):
    raw = pd.DataFrame({"id": ["1", "2", "3"], "born": ["07/03/1985", "7.3.1985", "31/12/1985"]})
    born = standardise_parties(raw, {"record_id": "id", "birth_date": "born"}, country)["birth_date"]
    assert born.iloc[0] == expected
    assert born.iloc[1] == expected
    # A day past twelve fits one order only: unknown where the country writes the month first.
    if country == "US":
        assert pd.isna(born.iloc[2])
    else:
        assert born.iloc[2] == "1985-12-31"


def test_a_large_frame_standardised_on_several_processes_gives_the_same_rows(partners, monkeypatch):
    import cleansing.row_chunks

    many = pd.concat([partners] * 50, ignore_index=True)
    many["code"] = [f"P{i}" for i in range(len(many))]
    whole = standardise_parties(many, ROLES)
    monkeypatch.setattr(cleansing.row_chunks, "PARALLEL_MIN_ROWS", 40)
    pd.testing.assert_frame_equal(standardise_parties(many, ROLES), whole)
