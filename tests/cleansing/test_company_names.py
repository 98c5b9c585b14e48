from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cleansing.company_names import (
    CompanyNameParts,
    load_company_name_vocabulary,
    normalise_company_name,
    parse_company_name,
    parse_company_names,
    pinyin_key,
)
from foundation.errors import UserError


def test_leading_city_region_is_split_off():
    parts = parse_company_name("深圳市华强商贸有限公司")
    assert parts == CompanyNameParts(
        region="深圳",
        trade_name="华强",
        industry="商贸",
        legal_form="有限公司",
        branch=None,
        branch_region=None,
        is_branch=False,
        core="华强商贸",
    )


def test_region_written_short_long_or_with_province_is_the_same_region():
    regions = {
        parse_company_name(n).region
        for n in (
            "深圳华强商贸有限公司",
            "深圳市华强商贸有限公司",
            "广东省深圳市华强商贸有限公司",
            "广东深圳华强商贸有限公司",
        )
    }
    assert regions == {"深圳"}


def test_hard_negative_different_regions_stay_visible():
    shenzhen = parse_company_name("深圳X商贸有限公司")
    shanghai = parse_company_name("上海X商贸有限公司")
    assert shenzhen.core == shanghai.core == "X商贸"
    assert (shenzhen.region, shanghai.region) == ("深圳", "上海")


def test_bracketed_region():
    parts = parse_company_name("华为技术（深圳）有限公司")
    assert (parts.region, parts.trade_name, parts.industry, parts.legal_form) == (
        "深圳",
        "华为",
        "技术",
        "有限公司",
    )


def test_bracketed_china_is_kept_as_region():
    assert parse_company_name("可口可乐(中国)饮料有限公司").region == "中国"


def test_district_region_reports_the_city():
    parts = parse_company_name("广东省深圳市南山区华强食品贸易有限公司")
    assert (parts.region, parts.trade_name, parts.industry) == ("深圳", "华强", "食品贸易")


def test_branch_is_flagged_with_its_region():
    parts = parse_company_name("深圳华强商贸有限公司杭州分公司")
    assert parts.is_branch is True
    assert (parts.branch, parts.branch_region, parts.region, parts.core) == (
        "分公司",
        "杭州",
        "深圳",
        "华强商贸",
    )


def test_head_office_is_not_a_branch():
    assert parse_company_name("深圳华强商贸有限公司").is_branch is False


@pytest.mark.parametrize(
    ("name", "branch", "branch_region"),
    [
        ("华强商贸有限公司北京办事处", "办事处", "北京"),
        ("华强商贸有限公司南京营业部", "营业部", "南京"),
        ("华强便利店有限公司西湖分店", "分店", "西湖"),
        ("华强商贸杭州办事处", "办事处", "杭州"),
        ("华强商贸有限公司第二分公司", "分公司", "二"),
        ("深圳市华强商贸有限公司(杭州分公司)", "分公司", "杭州"),  # the branch in brackets
        ("美宜佳(福田店)", "店", "福田"),  # a chain's store, named by its place
        ("深圳市华强商贸有限公司—杭州分公司", "分公司", "杭州"),  # a dash or slash between name and branch
        ("华强商贸有限公司/杭州办事处", "办事处", "杭州"),
        ("海底捞火锅（万达广场店）", "店", "万达广场"),  # or by its mall
    ],
)
def test_branch_kinds(name, branch, branch_region):
    parts = parse_company_name(name)
    assert (parts.branch, parts.branch_region, parts.is_branch) == (branch, branch_region, True)


def test_a_chains_store_keeps_the_brand_and_its_industry_as_the_name():
    """No bracket is left in the name: 美宜佳便利店(福田店 compared as text with 美宜佳(福田店 hid the brand."""
    written_out, short = parse_company_name("美宜佳便利店(福田店)"), parse_company_name("美宜佳(福田店)")
    assert (written_out.trade_name, written_out.industry, written_out.core) == (
        "美宜佳",
        "便利店",
        "美宜佳便利店",
    )
    assert (short.trade_name, short.core, short.branch_region) == ("美宜佳", "美宜佳", "福田")
    assert not parse_company_name("华强便利店(便利店)").is_branch  # a shop word alone is no store


@pytest.mark.parametrize(
    ("name", "region"),
    [
        ("深圳市华强商贸有限公司(原深圳市华强贸易有限公司)", "深圳"),  # the name it had before
        ("深圳市华强商贸有限公司（原名：华强贸易）", "深圳"),
        ("深圳市华强商贸有限公司(福田)", "深圳"),  # a district says no more than the city before it
        ("华强商贸有限公司(上海)", "上海"),  # a city after the legal form places the name
    ],
)
def test_a_bracket_after_the_legal_form_is_a_note_not_part_of_the_trade_name(name, region):
    parts = parse_company_name(name)
    assert (parts.trade_name, parts.industry, parts.legal_form, parts.region) == (
        "华强",
        "商贸",
        "有限公司",
        region,
    )


def test_a_bracketed_legal_form_stays_the_legal_form():
    assert parse_company_name("深圳市华强商贸有限公司（普通合伙）").legal_form == "有限公司(普通合伙)"


@pytest.mark.parametrize(
    ("name", "legal_form"),
    [
        ("华强商贸股份有限公司", "股份有限公司"),
        ("华强商贸有限责任公司", "有限责任公司"),
        ("华强集团有限公司", "集团有限公司"),
        ("华强投资合伙企业（有限合伙）", "合伙企业(有限合伙)"),
        ("华强咨询(普通合伙)", "(普通合伙)"),
        ("老王商行", "商行"),
        ("华强酒水经营部", "经营部"),
        ("华强设计工作室", "工作室"),
        ("华强门市部", "门市部"),
        ("张三个体工商户", "个体工商户"),
        ("ABC Trading Co., Ltd.", "CO., LTD."),
        ("ABC Foods Limited", "LIMITED"),
        ("ABC Inc.", "INC."),
        ("ABC LLC", "LLC"),
    ],
)
def test_legal_forms_longest_first(name, legal_form):
    assert parse_company_name(name).legal_form == legal_form


@pytest.mark.parametrize(
    ("name", "trade", "industry", "legal_form"),
    [
        ("昆明市盘龙区泓越商店", "泓越", "商店", None),
        ("雯珊烟酒店经营部", "雯珊", "烟酒店", "经营部"),
        ("广州市百麟博便利店有限公司", "百麟博", "便利店", "有限公司"),
        ("老王小吃店", "老王小吃", None, "店"),
        # A trade name keeps two characters: 健康 here is part of it, not a third industry word.
        ("合肥市绿健康生鲜超市有限公司", "绿健康", "生鲜超市", "有限公司"),
    ],
)
def test_a_shop_word_ending_in_dian_is_the_industry_not_the_legal_form(name, trade, industry, legal_form):
    parts = parse_company_name(name)
    assert (parts.trade_name, parts.industry, parts.legal_form) == (trade, industry, legal_form)


def test_short_division_name_followed_only_by_industry_is_the_trade_name():
    parts = parse_company_name("朝阳食品有限公司")
    assert (parts.region, parts.trade_name, parts.industry) == (None, "朝阳", "食品")


def test_unparsed_names_keep_the_normalised_name_as_core():
    assert parse_company_name("张三").core == "张三"
    assert parse_company_name("Acme Holdings").core == "ACME HOLDINGS"


def test_traditional_full_width_and_spaced_names_agree():
    a = parse_company_name("華強商貿（深圳）有限公司")
    b = parse_company_name("华强 商贸 (深圳) 有限公司")
    assert a == b


def test_blank_name_gives_none():
    assert parse_company_name("  ") is None
    assert parse_company_name(None) is None


def test_normalised_name_upper_cases_latin_and_uses_ascii_brackets():
    assert normalise_company_name("ａｂｃ 商贸【深圳】 Co., Ltd.") == "ABC商贸(深圳)CO., LTD."


@given(st.text(alphabet="深圳市上海华强商贸有限公司分杭州（）() AbC,.-", max_size=30))
def test_normalising_a_company_name_twice_changes_nothing(text):
    once = normalise_company_name(text)
    assert normalise_company_name(once) == once


def test_pinyin_key_blocks_names_that_sound_alike():
    assert pinyin_key("华为") == pinyin_key("华维") == "huawei"
    assert pinyin_key(None) is None


def test_vectorised_parse_gives_na_for_blank_names():
    frame = parse_company_names(
        pd.Series(["深圳华强商贸有限公司", None, "", "华强商贸有限公司杭州分公司"], index=[4, 5, 6, 7])
    )
    assert list(frame.index) == [4, 5, 6, 7]
    assert frame.loc[4, "region"] == "深圳" and frame.loc[4, "pinyin_key"] == "huaqiang"
    assert frame.loc[5].isna().all() and frame.loc[6].isna().all()
    assert bool(frame.loc[7, "is_branch"]) is True and frame.loc[7, "branch_region"] == "杭州"


def test_vocabulary_can_be_extended_by_a_steward(tmp_path):
    (tmp_path / "legal_forms.yaml").write_text("legal_forms: [有限公司]\n", encoding="utf-8")
    (tmp_path / "industries.yaml").write_text("industries: [奶茶]\n", encoding="utf-8")
    (tmp_path / "branch_types.yaml").write_text("branch_types: [分公司]\n", encoding="utf-8")
    vocabulary = load_company_name_vocabulary(tmp_path)
    parts = parse_company_name("深圳甜甜奶茶有限公司", vocabulary)
    assert (parts.trade_name, parts.industry) == ("甜甜", "奶茶")
    assert parse_company_name("Acme Mfg", vocabulary).core == "ACME MFG"  # no abbreviations file: none
    (tmp_path / "latin_name_abbreviations.yaml").write_text(
        "latin_name_abbreviations: {MFG: MANUFACTURING}\n", encoding="utf-8"
    )
    load_company_name_vocabulary.cache_clear()
    vocabulary = load_company_name_vocabulary(tmp_path)
    assert parse_company_name("Acme Mfg", vocabulary).core == "ACME MANUFACTURING"


def test_malformed_vocabulary_names_the_file_and_the_key(tmp_path):
    path = tmp_path / "legal_forms.yaml"
    path.write_text("forms: [有限公司]\n", encoding="utf-8")
    with pytest.raises(UserError) as error:
        load_company_name_vocabulary(tmp_path)
    assert str(error.value) == f"{path}: expected a key 'legal_forms' holding a list of non-empty words"


def test_missing_vocabulary_file_is_reported(tmp_path):
    with pytest.raises(UserError) as error:
        load_company_name_vocabulary(tmp_path)
    assert str(error.value) == f"{tmp_path / 'legal_forms.yaml'}: vocabulary file not found"


def test_a_removed_space_does_not_leave_an_uncomposed_mark():
    # found by hypothesis: NFKC turns ¨ into space + combining mark, which composes once the space goes
    once = normalise_company_name("O¨䮟")
    assert normalise_company_name(once) == once


@given(st.text(min_size=1).filter(lambda t: t.strip()))
def test_every_readable_name_has_a_core(text):
    # a Chinese name must never come out blank: blank matched blank once merged unrelated companies
    parts = parse_company_name(text)
    assert parts is None or parts.core


def test_a_logistics_name_is_not_mistaken_for_a_branch():
    parts = parse_company_name("华强物流配送中心")
    assert parts.is_branch is False


_NAMES = [
    "深圳市华强商贸有限公司",
    "深圳华强商贸有限公司杭州分公司",
    "華為技術（深圳）有限公司",
    "華為技術(深圳)有限公司",
    "朝阳食品有限公司",
    "商贸有限公司",
    "北京 银行 股份有限公司",
    "Acme Trading Co., Ltd.",
    "张三",
    "广东省深圳市南山区长城物流有限公司南京办事处",
    "",
    None,
]


def test_vectorised_parse_matches_one_by_one():
    frame = parse_company_names(pd.Series(_NAMES * 2))
    for position, name in enumerate(_NAMES * 2):
        parts = parse_company_name(name)
        row = frame.iloc[position]
        if parts is None:
            assert row.isna().all()
            continue
        assert row["name_normalised"] == normalise_company_name(name)
        for field in ("region", "trade_name", "industry", "legal_form", "branch", "branch_region", "core"):
            value = getattr(parts, field)
            assert (row[field] is pd.NA) if value is None else row[field] == value
        assert bool(row["is_branch"]) == parts.is_branch
        key = pinyin_key(parts.trade_name)
        assert (row["pinyin_key"] is pd.NA) if key is None else row["pinyin_key"] == key


@given(
    st.lists(
        st.text(alphabet="深圳市华强宏达商贸有限公司分行店（）() AB積體重庆长安银行", max_size=20), max_size=8
    )
)
def test_vectorised_parse_matches_one_by_one_for_any_text(names):
    frame = parse_company_names(pd.Series(names, dtype=object))
    for position, name in enumerate(names):
        parts = parse_company_name(name)
        core = frame["core"].iloc[position]
        assert (core is pd.NA) if parts is None else core == parts.core
        if parts is not None:
            key = pinyin_key(parts.trade_name)
            got = frame["pinyin_key"].iloc[position]
            assert (got is pd.NA) if key is None else got == key


@pytest.mark.parametrize(
    ("name", "core", "legal_form"),
    [
        ("STAG", "STAG", None),
        ("Siemens AG", "SIEMENS", "AG"),
        ("Umbrella Holdings plc", "UMBRELLA HOLDINGS", "PLC"),
        ("Acme Trading Co., Ltd.", "ACME TRADING", "CO., LTD."),
    ],
)
def test_latin_legal_forms_are_whole_words(name, core, legal_form):
    parts = parse_company_name(name)
    assert (parts.core, parts.legal_form) == (core, legal_form)


@pytest.mark.parametrize(
    ("name", "core", "region", "legal_form"),
    [
        ("Spago (Los Angeles)", "SPAGO", "LOS ANGELES", None),
        ("Acme (UK) Ltd", "ACME", "UK", "LTD"),
        ("Acme Ltd (London)", "ACME", "LONDON", "LTD"),
        # A Chinese city in pinyin is the Chinese region; one pinyin for two cities names none.
        ("Huaqiang Trading (Shenzhen) Co., Ltd.", "HUAQIANG TRADING", "深圳", "CO., LTD."),
        ("Huaqiang Trading (Taizhou) Co., Ltd.", "HUAQIANG TRADING", None, "CO., LTD."),
        # Bracketed words of the legal form or of what the company is place nothing.
        ("Acme (Pty) Ltd", "ACME", None, "PTY LTD"),
        ("Acme (Pvt) Ltd", "ACME", None, "PVT LTD"),
        ("Acme (Group)", "ACME", None, None),
    ],
)
def test_a_latin_names_bracketed_words_place_it_and_leave_its_core(name, core, region, legal_form):
    row = parse_company_names(pd.Series([name])).iloc[0]
    assert (row["core"], row["legal_form"] if row["legal_form"] is not pd.NA else None) == (core, legal_form)
    assert (row["region"] if row["region"] is not pd.NA else None) == region


@pytest.mark.parametrize(
    ("bracketed", "unbracketed"),
    [
        ("Acme (Holdings) Ltd", "Acme Holdings Ltd"),
        ("Acme (International) Ltd", "Acme International Ltd"),
        ("Huarun (Trading) Co., Ltd.", "Huarun Trading Co., Ltd."),
        ("Acme (No 2) Limited", "Acme No 2 Limited"),
        ("Acme (2005) Limited", "Acme 2005 Limited"),
    ],
)
def test_a_latin_names_bracketed_words_of_the_company_stay_in_its_name(bracketed, unbracketed):
    # ACME (HOLDINGS) LTD is the holding company, not ACME LTD somewhere called HOLDINGS.
    parts = parse_company_name(bracketed)
    assert parts.region is None
    assert (parts.core, parts.legal_form) == (
        parse_company_name(unbracketed).core,
        parse_company_name(unbracketed).legal_form,
    )


@pytest.mark.parametrize(
    ("written", "as_elsewhere"),
    [
        ("Panos & Pauls", "Panos and Pauls"),
        ("Palm, The", "The Palm"),
        ("Tillerman  the", "Tillerman"),
        ("Smith & Sons Ltd", "Smith and Sons Limited"),
    ],
)
def test_a_latin_names_connective_and_article_leave_its_core(written, as_elsewhere):
    assert parse_company_name(written).core == parse_company_name(as_elsewhere).core


def test_a_latin_name_of_an_article_or_connective_alone_keeps_it():
    assert parse_company_name("The").core == "THE"
    assert parse_company_name("B&Q").core == "B&Q"


@pytest.mark.parametrize(
    ("short", "written_out"),
    [
        ("Ashcroft Mfg Co", "Ashcroft Manufacturing Company"),
        ("Global Intl Trading", "Global International Trading"),
        ("Brightwater Bros. Ltd", "Brightwater Brothers Limited"),
        ("St James Dental", "Saint James Dental"),
        ("Dept of Transport", "Department of Transport"),
    ],
)
def test_a_latin_names_shortened_words_read_written_out(short, written_out):
    assert parse_company_name(short).core == parse_company_name(written_out).core


def test_an_abbreviation_inside_a_word_is_left_alone():
    assert parse_company_name("Stag Mfgx Ltd").core == "STAG MFGX"


@pytest.mark.parametrize(
    "name",
    [
        "深圳市华强贸易有限公司 SHENZHEN HUAQIANG TRADING CO., LTD.",
        "SHENZHEN HUAQIANG TRADING CO., LTD. 深圳市华强贸易有限公司",
        "Shenzhen Huaqiang Trading Co., Ltd.（深圳市华强贸易有限公司）",
    ],
)
def test_a_cell_with_the_chinese_and_the_english_name_is_read_as_the_chinese_name(name):
    parts = parse_company_name(name)
    assert (parts.region, parts.trade_name, parts.industry, parts.legal_form) == (
        "深圳",
        "华强",
        "贸易",
        "有限公司",
    )


@pytest.mark.parametrize(
    ("name", "trade"), [("TCL科技集团股份有限公司", "TCL"), ("深圳市ABC贸易有限公司", "ABC")]
)
def test_latin_letters_inside_a_chinese_name_stay_in_it(name, trade):
    assert parse_company_name(name).trade_name == trade


@pytest.mark.parametrize(
    ("group_in_brackets", "group_written_out"),
    [
        ("杭州娃哈哈(集团)有限公司", "杭州娃哈哈集团有限公司"),
        ("北京红星二锅头（集团）股份有限公司", "北京红星二锅头集团股份有限公司"),
        ("海尔集团(青岛)有限公司", "青岛海尔集团有限公司"),
    ],
)
def test_the_group_mark_in_brackets_or_before_a_bracketed_region_is_part_of_the_legal_form(
    group_in_brackets, group_written_out
):
    bracketed, written_out = parse_company_name(group_in_brackets), parse_company_name(group_written_out)
    assert (bracketed.region, bracketed.trade_name, bracketed.legal_form) == (
        written_out.region,
        written_out.trade_name,
        written_out.legal_form,
    )
    assert "(" not in bracketed.trade_name


def test_the_country_written_first_is_the_region_the_bracket_names():
    first, bracketed = parse_company_name("中国雀巢有限公司"), parse_company_name("雀巢(中国)有限公司")
    assert (first.region, first.trade_name) == (bracketed.region, bracketed.trade_name) == ("中国", "雀巢")
    # A province after the country is the more specific region.
    assert parse_company_name("中国贵州茅台酒厂(集团)有限责任公司").region == "贵州"
    # Nothing but an industry word or one character after it: the country is part of the name.
    assert parse_company_name("中国风").trade_name == "中国风"


@pytest.mark.parametrize(
    "name", ["张三（个体）", "个体户张三", "张三个体户", "张三(个体户)", "张三(个体工商户)"]
)
def test_a_sole_traders_mark_before_after_or_in_brackets_is_the_legal_form(name):
    parts = parse_company_name(name)
    assert (parts.trade_name, parts.core) == ("张三", "张三")
    assert parts.legal_form is not None


def test_a_branch_numbered_with_or_without_its_ordinal_mark_is_one_branch():
    assert parse_company_name("华润万家有限公司第一分店").branch_region == "一"
    assert parse_company_name("华润万家有限公司一分店").branch_region == "一"
    assert parse_company_name("华润万家(第二分店)").branch_region == "二"


def test_a_wholesale_department_is_a_legal_form_and_a_short_industry_word_an_industry():
    assert parse_company_name("重庆市渝中区李记批发部").trade_name == "李记"
    assert parse_company_name("元佳副食").industry == "副食"


def test_a_district_several_cities_have_names_no_city_and_one_city_has_names_its_city():
    # 南山区 is 深圳's and 鹤岗's: written first, it is a place, not the trade name, and no region.
    several = parse_company_name("南山区华强商贸有限公司")
    assert (several.region, several.trade_name) == (None, "华强")
    assert parse_company_name("深圳市南山区华强商贸有限公司").region == "深圳"
    assert parse_company_name("福田区华强商贸有限公司").region == "深圳"
    bracketed = parse_company_name("华强商贸(南山)有限公司")
    assert (bracketed.region, bracketed.trade_name) == (None, "华强")
    assert parse_company_name("华强商贸(福田)有限公司").region == "深圳"


def test_a_bracket_nothing_else_reads_is_a_note_and_leaves_the_trade_name_whole():
    assert parse_company_name("华强商贸(老客户)").trade_name == "华强"
    assert parse_company_name("王芳(采购)").core == "王芳"
    # A place, a store and a legal form in brackets keep their readings.
    assert parse_company_name("华为技术(深圳)").region == "深圳"
    assert parse_company_name("美宜佳(福田店)").branch_region == "福田"
