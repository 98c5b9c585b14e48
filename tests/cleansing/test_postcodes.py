from __future__ import annotations

import pandas as pd
import pytest

from cleansing.postcodes import PostcodeResult, clean_postcode, clean_postcodes


@pytest.mark.parametrize("raw", ["518000", " 518000 ", "５１８０００", "518 000", 518000, "518000.0"])
def test_six_digits(raw):
    assert clean_postcode(raw) == PostcodeResult("518000", "valid")


def test_postcodes_starting_with_zero_are_valid():
    assert clean_postcode("010010") == PostcodeResult("010010", "valid")


def test_five_digits_lost_their_leading_zero():
    assert clean_postcode("10010") == PostcodeResult("010010", "lost_leading_zero")
    assert clean_postcode(10010) == PostcodeResult("010010", "lost_leading_zero")


@pytest.mark.parametrize("raw", ["5180001", "5180", "abcdef", "518-00x"])
def test_malformed(raw):
    assert clean_postcode(raw) == PostcodeResult(None, "malformed")


@pytest.mark.parametrize("raw", [None, "", "000000", float("nan")])
def test_missing(raw):
    assert clean_postcode(raw) == PostcodeResult(None, "missing")


def test_vectorised():
    frame = clean_postcodes(pd.Series(["518000", None, "10010"]))
    assert list(frame["postcode_status"]) == ["valid", "missing", "lost_leading_zero"]
    assert frame["postcode"].isna().tolist() == [False, True, False]
