from __future__ import annotations

import pandas as pd
import pytest

from cleansing.company_names import normalise_company_name, parse_company_name, parse_company_names
from cleansing.name_notes import read_away_notes


@pytest.mark.parametrize(
    "written",
    [
        "【停用】深圳华强商贸有限公司",
        "(作废)深圳华强商贸有限公司",
        "停用-深圳华强商贸有限公司",
        "*深圳华强商贸有限公司",
        "zz深圳华强商贸有限公司",
        "深圳华强商贸有限公司-作废",
        "A001 深圳华强商贸有限公司",
        "[0123]深圳华强商贸有限公司",
        "0123-深圳华强商贸有限公司",
        "深圳华强商贸有限公司 张经理",
        "深圳华强商贸有限公司（李老板）",
        "深圳华强商贸有限公司13812345678",
        "深圳华强商贸有限公司 电话:0755-83001234",
        "深圳华强商贸有限公司（联系人：张三 13800000000）",
        "深圳华强商贸有限公司 张总 13800000000",
        "“深圳华强商贸有限公司”",
        "深圳华强商贸有限公司。",
    ],
)
def test_what_an_export_writes_around_a_name_is_not_part_of_it(written):
    parts = parse_company_name(written)
    assert (parts.region, parts.trade_name, parts.industry, parts.legal_form) == (
        "深圳",
        "华强",
        "商贸",
        "有限公司",
    )


@pytest.mark.parametrize(
    "name",
    [
        "K11购物中心",
        "3M中国有限公司",
        "365便利店",
        "7-11便利店",
        "李先生",
        "王老吉",
        "川味包大哥",
        "停用",
        "ACME LTD",
    ],
)
def test_a_name_that_only_looks_like_a_note_keeps_every_character(name):
    normalised = normalise_company_name(name)
    assert read_away_notes(normalised) == normalised


def test_a_familiar_title_is_a_contact_only_after_a_separator():
    assert read_away_notes(normalise_company_name("华强商贸-刘姐")) == "华强商贸"
    assert read_away_notes(normalise_company_name("华强商贸张总")) == "华强商贸"


def test_the_standardised_name_is_the_name_without_its_notes():
    parsed = parse_company_names(pd.Series(["【停用】深圳华强商贸有限公司", "深圳华强商贸有限公司", None]))
    assert parsed["name_normalised"].tolist()[:2] == ["深圳华强商贸有限公司", "深圳华强商贸有限公司"]
    assert parsed["name_normalised"].isna().tolist() == [False, False, True]


@pytest.mark.parametrize(
    "written",
    [
        "ZZ DO NOT USE ACME TRADING LTD",
        "ZZ-ACME TRADING LTD",
        "** ACME TRADING LTD",
        "CLOSED - ACME TRADING LTD",
        "(12345) ACME TRADING LTD",
        "12345 - ACME TRADING LTD",
        "ACME TRADING LTD (INACTIVE)",
        "ACME TRADING LTD - CLOSED",
        "ACME TRADING LTD ** DO NOT USE **",
        "ACME TRADING LTD (DUPLICATE OF 10023)",
        "ACME TRADING LTD ATTN: JOHN SMITH",
        "ACME TRADING LTD, C/O JOHN SMITH",
    ],
)
def test_what_an_english_language_export_writes_around_a_name_is_not_part_of_it(written):
    assert read_away_notes(normalise_company_name(written)) == "ACME TRADING LTD"


@pytest.mark.parametrize(
    "name", ["CLOSED LOOP SYSTEMS", "DUP LTD", "DUPONT", "3M COMPANY", "7-ELEVEN INC", "DO NOT USE"]
)
def test_an_english_name_that_only_looks_like_a_note_keeps_every_word(name):
    assert read_away_notes(normalise_company_name(name)) == normalise_company_name(name)


def test_a_person_with_a_title_is_not_a_name_and_its_contact():
    assert read_away_notes("杜丹宁先生") == "杜丹宁先生"
    assert read_away_notes("华强商贸宁先生") == "华强商贸"


def test_a_contact_after_a_separator_leaves_a_short_name():
    assert read_away_notes("王芳-张总") == "王芳"
    assert read_away_notes("王芳(李经理)") == "王芳"
