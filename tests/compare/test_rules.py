"""Normalising text the way every comparison does: many values at once, the same as one at a time."""

from __future__ import annotations

import sys
import unicodedata

import pytest

from migration.cutover.rules import _OTHER_WHITESPACE, normal_texts


def one_at_a_time(text: str, case_sensitive: bool) -> str | None:
    normal = " ".join(unicodedata.normalize("NFKC", text.strip()).split())
    return (normal if case_sensitive else normal.casefold()) or None


AWKWARD = [
    "",
    "客户1商贸有限公司",
    "  深圳　华为 （分公司）  ",
    "ＡＢＣ１２３",
    "a\u00a0\u3000b",
    "tab\tand\nnewline",
    "\u00a8 spacing diaeresis",
    "\u0301 leading combining mark",
    "Straße",
    "e\u0301",
    "x\u2028y\u0085z",
    "   ",
]


@pytest.mark.parametrize("case_sensitive", [True, False])
def test_many_texts_normalise_as_each_one_alone(case_sensitive):
    expected = [one_at_a_time(t, case_sensitive) for t in AWKWARD]
    assert normal_texts(AWKWARD, case_sensitive) == expected
    for text in AWKWARD:  # and each alone, where the tidy and untidy paths differ
        assert normal_texts([text], case_sensitive) == [one_at_a_time(text, case_sensitive)]


def test_texts_already_normal_come_back_unchanged_and_blanks_as_none():
    assert normal_texts(["C001", "", "客户2"]) == ["C001", None, "客户2"]
    assert normal_texts([]) == []


def test_a_text_holding_nul_is_normalised_on_its_own():
    assert normal_texts(["a\x00b", "ｃ  d"]) == ["a\x00b", "c d"]


def test_the_whitespace_looked_for_is_all_an_nfkc_text_can_hold():
    held = {
        c for c in map(chr, range(sys.maxunicode + 1))
        if c.isspace() and c != " " and unicodedata.is_normalized("NFKC", c)
    }  # fmt: skip
    assert held == set(_OTHER_WHITESPACE)


def test_missing_cells_are_blank_like_empty_ones():
    import pandas as pd

    from migration.cutover.config import FieldRule
    from migration.cutover.rules import comparable_values

    values = pd.Series(["1.50", None, float("nan"), "", " 1.5 "], dtype=object)
    assert list(comparable_values(values, FieldRule(kind="money"))) == [
        comparable_values(pd.Series(["1.5"]), FieldRule(kind="money"))[0], None, None, None,
        comparable_values(pd.Series(["1.50"]), FieldRule(kind="money"))[0],
    ]  # fmt: skip
