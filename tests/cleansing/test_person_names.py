from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cleansing.family_names import split_chinese_name
from cleansing.person_names import (
    chinese_names_sound_alike,
    latin_name_parts,
    normalise_person_name,
    normalise_person_names,
    person_name_sound_keys,
)


@pytest.mark.parametrize(
    "raw", ["张三", "张 三", "張三", " 张三先生 ", "张三(采购)", "张三（经理）", "张三女士"]
)
def test_chinese_spellings_agree(raw):
    assert normalise_person_name(raw) == "张三"


def test_minority_names_keep_one_middle_dot():
    assert normalise_person_name("买买提 • 艾力") == "买买提·艾力"
    assert normalise_person_name("买买提.艾力") == "买买提·艾力"


@pytest.mark.parametrize(
    "raw", ["John Smith", "SMITH, John", "smith john", "  John   SMITH ", "Mr John Smith", "Dr. John Smith"]
)
def test_latin_tokens_are_sorted_and_upper_cased(raw):
    assert normalise_person_name(raw) == "JOHN SMITH"


@pytest.mark.parametrize("raw", [None, "", "无", "N/A", "王经理", "张总", "先生", "Mr", "Dr."])
def test_unknown_names(raw):
    assert normalise_person_name(raw) is None


@given(st.text(alphabet="张三李四王先生女士经理总·. ()abcJOHNMRSD", max_size=20))
def test_normalising_twice_changes_nothing(text):
    once = normalise_person_name(text)
    assert normalise_person_name(once) == once


def test_vectorised():
    result = normalise_person_names(pd.Series(["张 三", None, "王经理"]))
    assert result.iloc[0] == "张三"
    assert result.iloc[1:].isna().all()


def test_a_removed_space_does_not_leave_an_uncomposed_mark():
    once = normalise_person_name("O¨䮟")
    assert normalise_person_name(once) == once


def test_a_latin_name_with_a_chinese_title_is_a_latin_name():
    assert normalise_person_name("Smith先生") == "SMITH"
    assert normalise_person_name("Ha总") == normalise_person_name("HA") == "HA"


def test_nested_annotations_are_removed_in_one_pass():
    assert normalise_person_name("张三(采购(华东))") == "张三"
    assert normalise_person_name("(三())") is None


@pytest.mark.parametrize("raw", ["Na.", "H总.总"])
def test_inputs_found_by_hypothesis_normalise_to_a_fixed_point(raw):
    once = normalise_person_name(raw)
    assert once is None and normalise_person_name(once) is None


def test_a_chinese_name_sounds_like_its_pinyin_in_either_order():
    keys = person_name_sound_keys("张小明")
    for latin in ("Zhang Xiaoming", "Xiao-Ming Zhang", "ZHANG XIAO MING"):
        assert person_name_sound_keys(normalise_person_name(latin)) <= keys
    assert not person_name_sound_keys("Zhang Xiaohong") & keys
    assert person_name_sound_keys("欧阳娜娜") & person_name_sound_keys("Nana Ouyang")


@pytest.mark.parametrize(
    ("a", "b", "alike"),
    [
        ("张伟", "张玮", True),  # one sound, another character: the slip a pinyin input method makes
        ("刘德华", "刘得华", True),
        ("张长江", "张昌江", True),  # 长 read chang as well as zhang
        ("陈晨", "程晨", True),  # chen / cheng: a southern accent does not tell them apart
        ("王芳", "王丽", False),  # two sisters
        ("张小明", "张小红", False),  # siblings sharing a generation character
        ("张三", "张三丰", False),  # another length is not a slip of one character
    ],
)
def test_chinese_names_sound_alike_only_where_every_other_character_sounds_the_same(a, b, alike):
    assert chinese_names_sound_alike(a, b) is alike
    assert chinese_names_sound_alike(b, a) is alike


@pytest.mark.parametrize(
    ("written", "name"),
    [
        ("王芳 13800000000", "王芳"),
        ("杜丹宁先生", "杜丹宁"),
        ("王芳 138-0000-0000", "王芳"),
        ("王芳-作废", "王芳"),
        ("*王芳", "王芳"),
        ("【停用】王芳", "王芳"),
        ("ZZ John Smith", "JOHN SMITH"),
        ("John Smith - DO NOT USE", "JOHN SMITH"),
    ],
)
def test_what_an_export_writes_around_a_persons_name_is_not_part_of_it(written, name):
    assert normalise_person_name(written) == name


@pytest.mark.parametrize(
    ("written", "parts"),
    [
        ("John Smith", ("JOHN", "SMITH")),
        ("SMITH, John", ("JOHN", "SMITH")),  # family name first, after a comma
        ("Dr. John Henry Smith Jr", ("JOHN", "SMITH")),  # title, middle name and generation left out
        ("Smith Jr, John A.", ("JOHN", "SMITH")),
        ("Zoë-Anne O'Brien", ("ZOE-ANNE", "O'BRIEN")),
        ("John Smith (buyer)", ("JOHN", "SMITH")),  # a note in brackets
        ("ZZ JOHN SMITH - DO NOT USE", ("JOHN", "SMITH")),  # what an export wrote around the name
        ("Theodore", ("THEODORE", None)),  # one word: kept as the given name
        ("Mr Smith", ("SMITH", None)),
        ("张三", (None, None)),  # a Chinese name in one column is not split
        ("  ", (None, None)),
        (None, (None, None)),
    ],
)
def test_a_latin_name_in_one_column_gives_its_given_and_family_name(written, parts):
    assert latin_name_parts(written) == parts


@pytest.mark.parametrize(
    ("name", "parts"),
    [
        ("谢嘉敏", ("谢", "嘉敏")),
        ("王伟", ("王", "伟")),
        ("欧阳明华", ("欧阳", "明华")),
        ("欧阳", ("欧", "阳")),  # a compound family name with no given name after it is read as 欧 + 阳
        ("孙　桂", ("孙", "桂")),  # a full-width space inside the name
        ("张", None),
        ("ZHANG WEI", None),
        ("光彩腾酒楼有限公司", None),
    ],
)
def test_a_chinese_name_splits_into_family_and_given_name(name, parts):
    assert split_chinese_name(name) == parts
