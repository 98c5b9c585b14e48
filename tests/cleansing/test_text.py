from __future__ import annotations

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from cleansing.text import (
    chinese_numerals_to_arabic,
    map_distinct,
    map_distinct_tuples,
    normalise_brackets,
    normalise_text,
    normalise_text_series,
)


def test_full_width_forms_become_half_width():
    assert normalise_text("ＡＢＣ１２３（深圳）") == "ABC123(深圳)"


def test_traditional_becomes_simplified_without_rewriting_vocabulary():
    # tw2sp would give 集成电路; a legal name must keep its own words
    assert normalise_text("積體電路有限公司") == "积体电路有限公司"
    assert normalise_text("華為技術") == "华为技术"


def test_whitespace_is_collapsed_and_stripped():
    assert normalise_text("  深圳\u3000 华强\t\n商贸 ") == "深圳 华强 商贸"


def test_blank_values_are_none():
    for blank in (None, "", "   ", "\u3000", float("nan"), pd.NA):
        assert normalise_text(blank) is None


def test_other_bracket_shapes_become_ascii():
    assert normalise_brackets("【深圳】〔中国〕") == "(深圳)(中国)"


def test_house_numbers_read_digit_by_digit():
    assert chinese_numerals_to_arabic("科技园一八五号") == "科技园185号"


def test_house_numbers_with_tens_and_hundreds():
    assert chinese_numerals_to_arabic("二十三号") == "23号"
    assert chinese_numerals_to_arabic("十号楼") == "10号楼"
    assert chinese_numerals_to_arabic("一百零五号") == "105号"
    assert chinese_numerals_to_arabic("三楼五室") == "3楼5室"


def test_numerals_in_place_names_are_kept():
    assert chinese_numerals_to_arabic("三里屯路五道口") == "三里屯路五道口"


@given(st.text())
def test_normalising_twice_changes_nothing(text):
    once = normalise_text(text)
    assert normalise_text(once) == once


@given(st.text(alphabet="一二三四五六七八九十百零号路楼栋室"))
def test_numeral_conversion_is_idempotent(text):
    once = chinese_numerals_to_arabic(text)
    assert chinese_numerals_to_arabic(once) == once


def test_series_keeps_index_and_gives_na_for_blanks():
    series = pd.Series(["（深圳）", None, " ", "華為"], index=[7, 3, 9, 1])
    result = normalise_text_series(series)
    assert list(result.index) == [7, 3, 9, 1]
    assert result.iloc[0] == "(深圳)"
    assert result.iloc[1] is pd.NA and result.iloc[2] is pd.NA
    assert result.iloc[3] == "华为"


def test_map_distinct_calls_once_per_distinct_value():
    calls: list[str] = []

    def record(value):
        calls.append(value)
        return value.upper()

    result = map_distinct(pd.Series(["a", "b", "a", None, "b", "a"]), record, na_value="-")
    assert sorted(calls) == ["a", "b"]
    assert list(result) == ["A", "B", "A", "-", "B", "A"]


def test_map_distinct_tuples_groups_blank_values_together():
    calls: list[tuple] = []

    def record(*values):
        calls.append(values)
        return "|".join(str(v) for v in values)

    a = pd.Series(["x", "x", "y", "x"])
    b = pd.Series([None, None, "1", float("nan")])
    result = map_distinct_tuples([a, b], record)
    assert list(result) == ["x|None", "x|None", "y|1", "x|None"]
    assert len(calls) == 2


def test_apply_distinct_takes_one_field_per_row():
    from dataclasses import dataclass

    from cleansing.text import apply_distinct

    @dataclass(frozen=True)
    class Parsed:
        upper: str

    results = apply_distinct(pd.Series(["a", None, "a", "b"]), lambda v: Parsed(v.upper()))
    assert list(results.take_field("upper")) == ["A", None, "A", "B"]


def test_block_conversion_matches_one_by_one():
    from cleansing.text import normalise_text_values, to_simplified, to_simplified_values

    texts = ["積體電路", "深沈", "abc", "", "華為\n技術", "乾隆", "於是", "ＡＢＣ（深圳）", "后天", "\n"]
    assert to_simplified_values(texts) == [to_simplified(t) for t in texts]
    values = [*texts, None, float("nan"), "  深圳\u3000 華強\t", 12, pd.NA]
    assert normalise_text_values(values) == [normalise_text(v) for v in values]


@given(st.lists(st.one_of(st.none(), st.text(), st.text(alphabet="積體電路華為深沈乾隆 \n\u3000（）ＡＢ"))))
def test_block_normalisation_matches_one_by_one(values):
    from cleansing.text import normalise_text_values

    assert normalise_text_values(values) == [normalise_text(v) for v in values]
