from __future__ import annotations

import pytest

from cleansing.company_names import normalise_company_name, parse_company_name
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


def test_the_name_a_steward_sees_keeps_the_note():
    assert normalise_company_name("【停用】深圳华强商贸有限公司") == "(停用)深圳华强商贸有限公司"
