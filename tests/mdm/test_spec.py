from __future__ import annotations

import pytest

from foundation.errors import UserError
from mdm.spec import load_spec, parse_spec

GOOD = {
    "record_id": "客户编码",
    "entity": "organisation",
    "columns": {"company_name": "客户名称", "phone": ["手机", "电话"], "uscc": "统一社会信用代码"},
    "thresholds": {"auto_merge": 0.9, "review": 0.6},
}


def _error(data) -> str:
    with pytest.raises(UserError) as info:
        parse_spec(data, "spec.yaml")
    return str(info.value)


def test_a_good_spec_loads(tmp_path):
    path = tmp_path / "spec.yaml"
    path.write_text(
        "record_id: 客户编码\nentity: organisation\ncolumns:\n  company_name: 客户名称\n  phone: [手机, 电话]\n"
        "thresholds: {auto_merge: 0.9, review: 0.6}\n",
        encoding="utf-8",
    )
    spec = load_spec(path)
    assert spec.columns == {"company_name": ["客户名称"], "phone": ["手机", "电话"]}
    assert (spec.thresholds.auto_merge, spec.thresholds.review) == (0.9, 0.6)


def test_unknown_top_level_key_suggests_the_right_one():
    assert _error({**GOOD, "colums": {}}) == "spec.yaml: unknown key 'colums'; did you mean 'columns'?"


def test_unknown_role_suggests_the_right_one():
    assert _error({**GOOD, "columns": {"company_name": "名称", "phon": "电话"}}) == (
        "spec.yaml: unknown key 'columns.phon'; did you mean 'phone'?"
    )


def test_missing_record_id_and_bad_entity():
    assert _error({"columns": GOOD["columns"]}) == ("spec.yaml: missing required key 'record_id'")
    assert _error({**GOOD, "entity": "company"}) == (
        "spec.yaml: entity: must be one of organisation, person, auto, not 'company'"
    )


def test_a_name_column_is_required():
    assert _error({**GOOD, "entity": "auto", "columns": {"phone": "电话"}}) == (
        "spec.yaml: columns: needs company_name or person_name (or given_name/family_name)"
    )


def test_single_column_role_refuses_a_list():
    assert _error({**GOOD, "columns": {"company_name": ["a", "b"]}}) == (
        "spec.yaml: columns.company_name: must be one column name"
    )


def test_threshold_checks():
    assert _error({**GOOD, "thresholds": {"auto_merge": 1.5}}) == (
        "spec.yaml: thresholds.auto_merge: must be a probability between 0 and 1, not 1.5"
    )
    assert _error({**GOOD, "thresholds": {"auto_merge": 0.8, "review": 0.9}}) == (
        "spec.yaml: thresholds.review: 0.9 must not exceed thresholds.auto_merge (0.8)"
    )
    assert _error({**GOOD, "thresholds": {"automerge": 0.8}}) == (
        "spec.yaml: unknown key 'thresholds.automerge'; did you mean 'auto_merge'?"
    )


def test_mapped_column_missing_from_input_suggests_a_close_one():
    spec = parse_spec(GOOD, "spec.yaml")
    with pytest.raises(UserError) as info:
        spec.validate_columns(["客户编码", "客户名", "手机", "电话", "统一社会信用代码"], "partners.csv")
    assert str(info.value) == (
        "partners.csv: column '客户名称' (columns.company_name in spec.yaml) is not in the input; "
        "did you mean '客户名'?"
    )
    with pytest.raises(UserError) as info:
        spec.validate_columns(["id", "name"], "partners.csv")
    assert str(info.value) == (
        "partners.csv: column '客户编码' (record_id in spec.yaml) is not in the input; "
        "the input has columns: id, name"
    )


def test_missing_and_broken_files(tmp_path):
    with pytest.raises(UserError) as info:
        load_spec(tmp_path / "nope.yaml")
    assert str(info.value) == f"{tmp_path / 'nope.yaml'}: spec file not found"
    bad = tmp_path / "bad.yaml"
    bad.write_text("record_id: [unclosed\n", encoding="utf-8")
    with pytest.raises(UserError) as info:
        load_spec(bad)
    assert (
        str(info.value)
        == f"{bad}: not valid YAML at line 2, column 1: expected ',' or ']', but got '<stream end>'"
    )


def test_country_must_be_a_two_letter_code():
    assert _error({**GOOD, "country": "England"}) == (
        "spec.yaml: country: must be a two-letter ISO 3166 code such as CN, GB or US, not 'England'"
    )


def test_new_roles_take_one_column_or_a_list():
    spec = parse_spec(
        {
            "record_id": "id",
            "entity": "person",
            "columns": {
                "given_name": "first",
                "family_name": "last",
                "person_name": ["title", "full"],
                "other_names": "aka",
                "website": ["web", "shop"],
                "national_id": "ssn",
                "tax_id": ["vat"],
                "categorical": ["state"],
            },
        },
        "spec.yaml",
    )
    assert spec.columns["person_name"] == ["title", "full"]
    assert spec.columns["other_names"] == ["aka"]
    assert spec.columns["website"] == ["web", "shop"]


def test_a_birth_date_takes_one_column_or_year_month_and_day():
    columns = {"person_name": "name", "birth_date": ["year", "month", "day"]}
    spec = parse_spec({"record_id": "id", "entity": "person", "columns": columns}, "spec.yaml")
    assert spec.columns["birth_date"] == ["year", "month", "day"]
    assert _error({**GOOD, "columns": {"person_name": "name", "birth_date": ["year", "month"]}}) == (
        "spec.yaml: columns.birth_date: give one column, or three in the order year, month, day "
        "(got 2: year, month)"
    )


def test_name_parts_alone_are_a_person_name():
    spec = parse_spec(
        {"record_id": "id", "entity": "person", "columns": {"given_name": "g", "family_name": "f"}}
    )
    assert spec.columns == {"given_name": ["g"], "family_name": ["f"]}
    assert _error({**GOOD, "entity": "person", "columns": {"phone": "电话"}}) == (
        "spec.yaml: columns: needs company_name or person_name (or given_name/family_name)"
    )
    assert _error({**GOOD, "columns": {"company_name": "名称", "given_name": ["a", "b"]}}) == (
        "spec.yaml: columns.given_name: must be one column name"
    )


def test_a_spec_saved_with_a_byte_order_mark_loads_like_any_config_file(tmp_path):
    path = tmp_path / "spec.yaml"
    path.write_bytes("\ufeffrecord_id: 客户编码\ncolumns:\n  company_name: 客户名称\n".encode())

    assert load_spec(path).columns == {"company_name": ["客户名称"]}


def test_a_file_that_is_not_a_mapping_names_the_keys_it_should_hold(tmp_path):
    path = tmp_path / "spec.yaml"
    path.write_text("- record_id\n", encoding="utf-8")
    with pytest.raises(UserError) as info:
        load_spec(path)
    assert str(info.value) == (
        f"{path}: the spec file holds a list; expected a mapping at the top level "
        "(record_id, entity, country, columns, thresholds, max_block_size)"
    )


def test_value_checks_name_the_key_and_suggest_the_meant_value():
    assert _error({**GOOD, "entity": "organization"}) == (
        "spec.yaml: entity: must be one of organisation, person, auto, not 'organization'; "
        "did you mean 'organisation'?"
    )
    assert _error({**GOOD, "columns": {"company_name": "名称", "phone": ["手机", 3]}}) == (
        "spec.yaml: columns.phone: must be a column name or a list of column names"
    )
    assert _error({**GOOD, "max_block_size": True}) == (
        "spec.yaml: max_block_size: must be a whole number of at least 2, not True"
    )
    assert _error({**GOOD, "entity": "organisation", "columns": {"person_name": "姓名"}}) == (
        "spec.yaml: columns: entity organisation needs company_name"
    )
