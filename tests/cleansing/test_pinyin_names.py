from __future__ import annotations

import pandas as pd
import pytest

from cleansing.company_names import parse_company_names
from cleansing.pinyin_names import chinese_industry_concepts, is_pinyin_word, read_latin_rendering


@pytest.mark.parametrize("word", ["liantingqing", "HUAWEI", "Xi'an", "lv"])
def test_a_word_of_pinyin_syllables_is_pinyin(word):
    assert is_pinyin_word(word)


@pytest.mark.parametrize("word", ["SIEMENS", "ASHCROFT", "PLASTICS", "ng", ""])
def test_an_english_word_is_not_pinyin(word):
    assert not is_pinyin_word(word)


def test_a_rendering_gives_the_region_the_trade_name_sound_and_the_industry():
    rendering = read_latin_rendering("SHENZHEN LIANTINGQING FOOD TRADING CO., LTD.")
    assert rendering is not None
    assert (rendering.region, rendering.trade_pinyin, rendering.industry) == (
        "深圳",
        "liantingqing",
        "food|trade",
    )


def test_a_rendering_without_a_city_needs_two_syllables():
    assert read_latin_rendering("ANZEJUNBAI TRADING CO., LTD.").trade_pinyin == "anzejunbai"
    assert read_latin_rendering("MAN GROUP") is None


def test_a_pinyin_shared_by_two_cities_is_dropped_but_names_no_region():
    rendering = read_latin_rendering("TAIZHOU HUARUN TRADING CO., LTD.")
    assert (rendering.region, rendering.trade_pinyin) == (None, "huarun")


def test_an_english_industry_word_that_spells_pinyin_is_not_taken_for_the_trade_name():
    rendering = read_latin_rendering("HANGZHOU LONGJING TEA CO., LTD.")
    assert (rendering.trade_pinyin, rendering.industry) == ("longjing", "tea")


def test_an_english_company_name_is_no_rendering():
    assert read_latin_rendering("ASHCROFT PLASTICS LTD") is None
    assert read_latin_rendering("SIEMENS AG") is None


def test_an_unknown_english_word_leaves_the_industry_unknown():
    assert read_latin_rendering("BEIJING HUARUN ROCKET SCIENCE CO., LTD.").industry is None


def test_a_stacked_chinese_industry_reads_word_by_word():
    assert chinese_industry_concepts("食品贸易") == "food|trade"
    assert chinese_industry_concepts("贸易") == chinese_industry_concepts("商贸") == "trade"
    assert chinese_industry_concepts("食品加工") is None


def test_parsing_gives_a_rendering_the_chinese_names_region_and_pinyin_key():
    parsed = parse_company_names(
        pd.Series(
            ["Shenzhen Liantingqing Food Trading Co., Ltd.", "深圳联婷庆食品贸易有限责任公司", "Siemens AG"]
        )
    )
    assert parsed["region"].tolist()[:2] == ["深圳", "深圳"]
    assert parsed["pinyin_key"].tolist() == ["liantingqing", "liantingqing", "siemens"]
    assert pd.isna(parsed["region"].iloc[2])


def test_a_holding_or_service_company_reads_the_same_in_chinese_and_english():
    rendering = read_latin_rendering("SHENZHEN HUARUN HOLDINGS CO., LTD.")
    assert rendering.industry == chinese_industry_concepts("控股") == "holding"
    assert read_latin_rendering("BEIJING HUARUN SERVICES CO., LTD.").industry == chinese_industry_concepts(
        "服务"
    )
