from __future__ import annotations

from datetime import date, datetime

import pandas as pd
import pytest

from cleansing.dates import date_of_parts, parse_date, parse_date_texts, year_alone

WRITTEN = {
    "2024-03-07": date(2024, 3, 7),
    "2024/3/7": date(2024, 3, 7),
    "20240307": date(2024, 3, 7),
    "2024.03.07": date(2024, 3, 7),
    "2024年3月7日": date(2024, 3, 7),
    "２０２４－０３－０７": date(2024, 3, 7),  # full-width digits and minus, as a Chinese IME types them
    "２０２４/０３/０７": date(2024, 3, 7),
    "2024-03-07 00:00:00": date(2024, 3, 7),
    "2024-02-30": None,
    "07/03/2024": None,
    "yesterday": None,
    "": None,
}


@pytest.mark.parametrize(("text", "expected"), WRITTEN.items())
def test_one_value_is_read_in_the_formats_every_caller_shares(text: str, expected: date | None) -> None:
    assert parse_date(text) == expected


def test_a_time_other_than_midnight_is_a_date_only_where_the_caller_allows_it() -> None:
    assert parse_date("2024-03-07 13:45:00") is None
    assert parse_date("2024-03-07 13:45:00", any_time=True) == date(2024, 3, 7)
    assert parse_date(datetime(2024, 3, 7, 13, 45)) == date(2024, 3, 7)
    assert parse_date(None) is None and parse_date(float("nan")) is None


def test_a_column_reads_as_the_values_do_one_by_one() -> None:
    texts = [
        "2024-03-07",
        "2024/3/7",
        "20240307",
        "2024.03.07",
        "2024年3月7日",
        "2024-02-30",
        "yesterday",
        None,
    ]
    column = parse_date_texts(pd.Series(texts, dtype=object))
    one_by_one = [parse_date(t) for t in texts]
    assert [None if pd.isna(v) else v.date() for v in column] == one_by_one


def test_a_numeric_workbook_cell_is_an_excel_serial_date() -> None:
    values = pd.Series(["45358", "45358"], dtype=object)
    column = parse_date_texts(values, excel_serial=pd.Series([True, False]).to_numpy())
    assert column.iloc[0].date() == date(2024, 3, 7)
    assert pd.isna(column.iloc[1])


def test_a_date_in_three_columns_is_read_year_first_and_a_blank_part_leaves_it_blank() -> None:
    year = pd.Series(["1967", "1985", "1764", "1990", None, "19x0", "１９７２"])
    month = pd.Series(["9", "03", "10", "2", "4", "1", "１"])
    day = pd.Series(
        [27, 7.0, "14", None, "1", "1", "５"], dtype=object
    )  # Excel gives numbers, some as floats
    assert date_of_parts(year, month, day).tolist() == [
        "19670927",
        "19850307",
        "17641014",  # a typo of the year is kept for the comparison to weigh
        pd.NA,
        pd.NA,
        pd.NA,
        "19720105",  # full-width digits, as a Chinese input method types them
    ]
    assert parse_date_texts(date_of_parts(year, month, day)).dt.strftime("%Y-%m-%d").tolist()[:2] == [
        "1967-09-27",
        "1985-03-07",
    ]


def test_a_year_alone_is_read_as_written_by_a_spreadsheet_or_in_full_width():
    years = year_alone(pd.Series(["1964", " 1964.0 ", "１９６４", "64", "2164", "1964-03-02", None]))
    assert years.tolist()[:3] == ["1964", "1964", "1964"]
    assert years.iloc[3:].isna().all()
