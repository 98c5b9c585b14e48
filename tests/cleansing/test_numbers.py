from __future__ import annotations

from decimal import Decimal

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cleansing.numbers import NumberFormat, parse_distinct_numbers, parse_number, parse_numbers

EUROPEAN = NumberFormat(decimal=",", thousands=".")


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1,234.50", "1234.50"),
        ("¥1,234.50", "1234.50"),
        ("RMB 100", "100"),
        ("5元", "5"),
        ("-¥12", "-12"),
        ("(12.50)", "-12.50"),
        ("１２３.５", "123.5"),
        ("1234.5", "1234.5"),
        (".5", "0.5"),
        ("1,234,567", "1234567"),
    ],
)
def test_unambiguous_numbers_are_read(text: str, value: str) -> None:
    assert parse_number(text) == parse_number(text)  # deterministic
    assert parse_number(text).value == Decimal(value)
    assert parse_number(text).problem is None


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (
            "1.234,50",
            "looks like a number written with ',' as the decimal separator; declare the source's separators "
            "in the mapping (numbers: {decimal: ',', thousands: '.'})",
        ),
        (
            "1,2,3",
            "has the thousands separator ',' in the wrong places (ambiguous, not guessed); if ',' is this "
            "source's decimal separator, declare it in the mapping (numbers: {decimal: ','})",
        ),
        ("inf", "is not a finite number"),
        ("Infinity", "is not a finite number"),
        ("-inf", "is not a finite number"),
        ("NaN", "is not a finite number"),
        ("abc", "is not a number"),
        ("12.5.3", "is not a number"),
    ],
)
def test_ambiguous_or_malformed_numbers_are_refused_with_a_reason(text: str, problem: str) -> None:
    assert parse_number(text).value is None
    assert parse_number(text).problem == problem


def test_declared_separators_read_european_numbers() -> None:
    assert parse_number("1.234,50", EUROPEAN).value == Decimal("1234.50")
    assert parse_number("1 234,50", NumberFormat(decimal=",", thousands=" ")).value == Decimal("1234.50")
    assert parse_number("1,234.50", EUROPEAN).problem is not None  # now the other reading is the wrong one


def test_percent_only_where_asked() -> None:
    assert parse_number("13%", percent=True).value == Decimal("0.13")
    assert parse_number("13%").problem == "is not a number"


def test_blank_is_missing_not_a_problem() -> None:
    for blank in (None, "", "  ", float("nan"), pd.NA):
        assert parse_number(blank).value is None and parse_number(blank).problem is None


def test_separators_must_differ() -> None:
    with pytest.raises(ValueError, match="both ','"):
        NumberFormat(decimal=",", thousands=",")


def test_column_results_line_up_with_rows() -> None:
    values, problems = parse_numbers(pd.Series(["1.5", None, "inf", "1.5"], index=[10, 11, 12, 13]))
    assert values.tolist() == [Decimal("1.5"), None, None, Decimal("1.5")]
    assert problems.tolist() == [None, None, "is not a finite number", None]
    assert list(values.index) == [10, 11, 12, 13]


@given(st.decimals(allow_nan=False, allow_infinity=False, places=2, min_value=-(10**9), max_value=10**9))
def test_a_formatted_amount_reads_back_as_itself(amount: Decimal) -> None:
    assert parse_number(f"{amount:,.2f}").value == amount
    european = f"{amount:,.2f}".replace(",", "_").replace(".", ",").replace("_", ".")
    assert parse_number(european, EUROPEAN).value == amount


@pytest.mark.parametrize(
    "values",
    [
        ["1234.50", "-7", "+0.10", "0"],
        ["1234.50", "1,234.50", "(12.50)", "", "inf", "1.234,50", "１２"],
        ["12\x0034", "5"],
    ],
)
def test_distinct_values_read_as_each_one_alone(values):
    read, why = parse_distinct_numbers(values)
    alone = [parse_number(v) for v in values]
    assert read == [p.value for p in alone]
    assert why == [p.problem for p in alone]
