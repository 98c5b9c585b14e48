"""A branch written in English (:mod:`cleansing.latin_name_tails`), read through the company-name parser."""

from __future__ import annotations

import pandas as pd
import pytest

from cleansing.company_names import parse_company_names


def _parsed(name: str) -> dict:
    return parse_company_names(pd.Series([name])).iloc[0].to_dict()


@pytest.mark.parametrize(
    ("name", "trade_name", "legal_form", "branch", "branch_region"),
    [
        ("Huaxin Trading Co., Ltd. Shanghai Branch", "HUAXIN TRADING", "CO., LTD.", "分公司", "上海"),
        ("Huaxin Trading Co., Ltd., Shanghai Branch", "HUAXIN TRADING", "CO., LTD.", "分公司", "上海"),
        ("Huaxin Trading Co Ltd (Shanghai Branch)", "HUAXIN TRADING", "CO LTD", "分公司", "上海"),
        ("Shanghai Branch of Huaxin Trading Co., Ltd.", "HUAXIN TRADING", "CO., LTD.", "分公司", "上海"),
        ("Bank of China, Shanghai Branch", "BANK OF CHINA", None, "分公司", "上海"),
        ("Bank of China Shanghai Branch", "BANK OF CHINA", None, "分公司", "上海"),
        ("Bank of Ningbo Co., Ltd. Hangzhou Sub-branch", "BANK OF NINGBO", "CO., LTD.", "支行", "杭州"),
        (
            "Delta Electronics Co., Ltd. Beijing Representative Office",
            "DELTA ELECTRONICS",
            "CO., LTD.",
            "代表处",
            "北京",
        ),
        ("Huaxin Trading Co Ltd Beijing Office", "HUAXIN TRADING", "CO LTD", "办事处", "北京"),
        ("ACME Ltd, Los Angeles Branch", "ACME", "LTD", "分公司", "LOS ANGELES"),
    ],
)
def test_an_english_branch_is_read_as_its_head_office_a_chinese_branch_type_and_a_region(
    name, trade_name, legal_form, branch, branch_region
):
    parts = _parsed(name)
    assert parts["is_branch"]
    assert (parts["trade_name"], parts["branch"], parts["branch_region"]) == (
        trade_name,
        branch,
        branch_region,
    )
    assert (None if pd.isna(parts["legal_form"]) else parts["legal_form"]) == legal_form


@pytest.mark.parametrize(
    "name",
    [
        "The Olive Branch",  # a restaurant's name: no legal form, no place, nothing sets the word apart
        "Olive Branch Ltd",
        "Huaxin Trading Co Ltd Head Office",  # the head office itself
        "Home Office Supplies Ltd",
        "Apple Store",  # OFFICE, STORE, PLANT need a place before them
        "Huaxin Trading Co., Ltd.",
    ],
)
def test_a_name_that_only_holds_a_branch_word_is_no_branch(name):
    assert not _parsed(name)["is_branch"]


def test_the_english_and_the_chinese_record_of_one_branch_name_the_same_branch():
    english, chinese = (
        _parsed("Huaxin Trading Co., Ltd. Shanghai Branch"),
        _parsed("华新贸易有限公司上海分公司"),
    )
    assert (english["branch"], english["branch_region"]) == (chinese["branch"], chinese["branch_region"])


@pytest.mark.parametrize(
    "name",
    [
        "Huaxin Trading Co Ltd Head Office",
        "Huaxin Trading Co Ltd (Head Office)",
        "Huaxin Trading Co., Ltd. - HQ",
        "Huaxin Trading Co Ltd Headquarters",
    ],
)
def test_the_head_offices_mark_is_read_away(name):
    parts = _parsed(name)
    assert (parts["trade_name"], parts["is_branch"]) == ("HUAXIN TRADING", False)
    assert pd.isna(parts["region"])  # a head office is no place


def test_a_chinese_head_offices_mark_after_the_legal_form_is_read_away():
    assert _parsed("华新贸易有限公司总部")["core"] == _parsed("华新贸易有限公司")["core"] == "华新贸易"


@pytest.mark.parametrize(
    ("name", "placed", "region"),
    [
        ("Siemens Ltd., China", "Siemens (China) Ltd.", None),
        ("Huaxin Trading Co., Ltd. Shanghai", "Huaxin Trading (Shanghai) Co., Ltd.", "上海"),
        ("Huaxin Trading Co., Ltd., Shanghai", "Huaxin Trading (Shanghai) Co., Ltd.", "上海"),
    ],
)
def test_a_place_after_the_legal_form_places_the_name_as_a_bracket_does(name, placed, region):
    parts, bracketed = _parsed(name), _parsed(placed)
    assert (parts["core"], parts["legal_form"]) == (bracketed["core"], bracketed["legal_form"])
    assert (None if pd.isna(parts["region"]) else parts["region"]) == region


def test_words_after_a_name_without_a_legal_form_stay_the_name():
    assert _parsed("Pizza HQ")["core"] == "PIZZA HQ"
    assert _parsed("Shanghai Tang")["core"] == "SHANGHAI TANG"
