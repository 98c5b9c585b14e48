from __future__ import annotations

from datetime import date
from decimal import Decimal

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from migration.convert import convert_column, record_hashes, to_bool, to_date, to_decimal, to_int, to_text


@pytest.mark.parametrize(
    ("written", "expected"),
    [("1,234.5", Decimal("1234.50")), ("¥12", Decimal("12.00")), (0.1, Decimal("0.10")), (7, Decimal("7.00")),
     (" -500.00 ", Decimal("-500.00")), (Decimal("3.1"), Decimal("3.10"))],
)  # fmt: skip
def test_money_becomes_an_exact_decimal_at_the_column_scale(written, expected):
    value = to_decimal(written, 18, 2)
    assert value == expected and str(value) == str(expected)


@pytest.mark.parametrize(
    ("written", "problem"),
    [("12.345", "has more than 2 decimal places; round it in the source or the mapping"),
     ("十二", "is not a number"), ("NaN", "is not a finite number"),
     ("10000000000000000", "is too large for the store (at most 16 digits before the point)")],
)  # fmt: skip
def test_unreadable_money_says_why(written, problem):
    with pytest.raises(ValueError) as error:
        to_decimal(written, 18, 2)
    assert str(error.value) == problem


@pytest.mark.parametrize(
    "written",
    ["2026-10-31", "2026/10/31", "2026.10.31", "20261031", "2026-10-31 00:00:00", pd.Timestamp("2026-10-31")],
)
def test_dates_in_the_usual_spellings(written):
    assert to_date(written) == date(2026, 10, 31)


def test_a_date_that_is_not_one_says_how_to_write_it():
    with pytest.raises(ValueError) as error:
        to_date("31/10/2026")
    assert str(error.value) == "is not a date; write it as YYYY-MM-DD"


def test_whole_numbers_ids_and_flags():
    assert to_int("12") == 12 and to_int(12.0) == 12
    with pytest.raises(ValueError) as error:
        to_int("1.5")
    assert str(error.value) == "is not a whole number"
    assert to_text(12.0, 64) == "12"
    assert to_bool("是") is True and to_bool("0") is False


def test_blanks_become_null_and_the_first_failure_is_located():
    typed, position, problem = convert_column(pd.Series(["1", "", None, "nan", "x", "2"]), to_int)
    assert (typed, position, problem) == ([1, None, None, None], 4, "is not a number")


@given(st.decimals(min_value=-(10**9), max_value=10**9, places=2, allow_nan=False, allow_infinity=False))
def test_the_record_hash_ignores_how_an_amount_was_written(amount):
    as_text = to_decimal(format(amount, "f"), 18, 2)
    as_trimmed = to_decimal(format(amount.normalize(), "f"), 18, 2)
    assert record_hashes({"amount": [as_text]}) == record_hashes({"amount": [as_trimmed]})


def test_the_record_hash_tells_blank_from_empty_text_and_column_values_apart():
    assert record_hashes({"a": [None]}) != record_hashes({"a": [""]})
    assert record_hashes({"a": ["x"], "b": ["y"]}) != record_hashes({"a": ["y"], "b": ["x"]})


def test_a_rate_written_as_a_percentage_is_stored_as_the_rate_and_money_is_not():
    from migration.convert import converter_for
    from migration.models import TABLES

    discount = converter_for(TABLES["volume_band"].c.discount_rate)
    assert discount("3%") == Decimal("0.0300")
    assert discount("0.03") == Decimal("0.0300")
    assert converter_for(TABLES["product"].c.tax_rate)("13%") == Decimal("0.1300")
    with pytest.raises(ValueError):
        converter_for(TABLES["price"].c.price)("3%")
