from __future__ import annotations

import pandas as pd
import pytest

from cleansing.phones import (
    PhoneParts,
    is_chinese_mobile,
    other_phone_numbers,
    parse_phone,
    parse_phones,
    phone_area,
    split_phone_numbers,
)


@pytest.mark.parametrize(
    "raw",
    [
        "13812345678",
        "138-1234-5678",
        "138 1234 5678",
        "+86 138 1234 5678",
        "+8613812345678",
        "0086 13812345678",
        "8613812345678",
        "１３８１２３４５６７８",
        "(+86)13812345678",
        13812345678,
        13812345678.0,
    ],
)
def test_mobile_forms(raw):
    assert parse_phone(raw) == PhoneParts("+8613812345678", "mobile")


@pytest.mark.parametrize(
    "raw",
    [
        "0755-26881234",
        "0755 2688 1234",
        "(0755)26881234",
        "075526881234",
        "+86 755 26881234",
        "+86-755-2688-1234",
        "0086 755 26881234",
        "０７５５－２６８８１２３４",
    ],
)
def test_landline_forms(raw):
    assert parse_phone(raw) == PhoneParts("+8675526881234", "landline")


def test_beijing_and_two_digit_area_codes():
    assert parse_phone("010-62345678").e164 == "+861062345678"
    assert parse_phone("+86 10 6234 5678").e164 == "+861062345678"
    assert parse_phone("021-5555 1234").e164 == "+862155551234"


@pytest.mark.parametrize(
    ("raw", "extension"),
    [
        ("0755-26881234-8001", "8001"),
        ("0755-26881234转8001", "8001"),
        ("0755-26881234 转 8001", "8001"),
        ("0755 26881234分机8001", "8001"),
        ("0755-26881234 ext. 8001", "8001"),
        ("0755-26881234 EXT8001", "8001"),
        ("0755-26881234x8001", "8001"),
        ("0755-2688-1234-8001", "8001"),
    ],
)
def test_extension_is_split_off_before_separators_are_stripped(raw, extension):
    assert parse_phone(raw) == PhoneParts("+8675526881234", "landline", extension)


def test_a_landline_written_in_two_groups_has_no_extension():
    assert parse_phone("0755-2688-1234") == PhoneParts("+8675526881234", "landline")


@pytest.mark.parametrize(
    ("raw", "e164"),
    [("400-812-3456", "+864008123456"), ("800 820 8820", "+868008208820"), ("4008123456", "+864008123456")],
)
def test_toll_free_numbers(raw, e164):
    assert parse_phone(raw) == PhoneParts(e164, "toll_free")


def test_several_numbers_in_one_cell_first_is_the_phone():
    cell = "13812345678/0755-26881234；13987654321"
    assert split_phone_numbers(cell) == ["13812345678", "0755-26881234", "13987654321"]
    assert parse_phone(cell).e164 == "+8613812345678"
    assert split_phone_numbers("13812345678 13987654321") == ["13812345678", "13987654321"]
    assert split_phone_numbers("0755 26881234") == ["0755 26881234"]


@pytest.mark.parametrize(
    ("raw", "country", "e164"),
    [("310/246-1501", "US", "+13102461501"), ("0755/26881234", "CN", "+8675526881234")],
)
def test_an_area_code_written_before_a_slash_belongs_to_the_number_after_it(raw, country, e164):
    assert split_phone_numbers(raw) == [raw.replace("/", " ")]
    assert parse_phone(raw, country).e164 == e164


def test_local_number_without_area_code_has_no_e164():
    assert parse_phone("26881234") == PhoneParts(None, "landline")


@pytest.mark.parametrize("raw", ["12345", "23812345678", "11111111111", "00000000", "0755-123", "1381234567"])
def test_invalid_numbers(raw):
    assert parse_phone(raw).kind == "invalid"
    assert parse_phone(raw).e164 is None


@pytest.mark.parametrize("raw", [None, "", "  ", "无", "N/A", float("nan")])
def test_blank_is_missing(raw):
    assert parse_phone(raw) == PhoneParts(None, "missing")


def test_foreign_numbers_keep_their_country_code():
    assert parse_phone("+1 650 253 0000").e164 == "+16502530000"


def test_vectorised_parse_keeps_the_index():
    frame = parse_phones(pd.Series(["0755-26881234-8001", None, "13812345678"], index=[9, 8, 7]))
    assert list(frame.index) == [9, 8, 7]
    assert list(frame["phone_kind"]) == ["landline", "missing", "mobile"]
    assert frame.loc[9, "phone_extension"] == "8001"
    assert frame.loc[8, "phone_e164"] is pd.NA


@pytest.mark.parametrize(
    ("raw", "e164"),
    [
        ("0592-2103906", "+865922103906"),  # Xiamen: 7-digit local numbers
        ("0351-5392335", "+863515392335"),  # Taiyuan: 7
        ("+86-771-4436261", "+867714436261"),  # Nanning: 7, written after the country code
        ("0371-86474760", "+8637186474760"),  # Zhengzhou: 8
        ("0851-5123456", "+868515123456"),  # Guiyang: 7 and 8 both in use
        ("0851-85123456", "+8685185123456"),
    ],
)
def test_landlines_in_any_area_code_with_seven_or_eight_digits(raw, e164):
    assert parse_phone(raw) == PhoneParts(e164, "landline")


@pytest.mark.parametrize("raw", ["0371-7647476", "0592-21039062", "0512-4321558"])
def test_landlines_with_a_digit_lost_or_gained_for_their_area_are_invalid(raw):
    assert parse_phone(raw) == PhoneParts(None, "invalid")


@pytest.mark.parametrize("raw", ["021-7852139", "0757-221842201", "0755-06881234", "010-1234567"])
def test_landlines_of_the_wrong_shape_are_invalid(raw):
    assert parse_phone(raw) == PhoneParts(None, "invalid")


def test_extension_after_a_dash_and_a_word():
    assert parse_phone("(0592)2266304-分机759") == PhoneParts("+865922266304", "landline", "759")


def test_vectorised_parse_matches_one_by_one():
    values = [
        "13812345678",
        "12812345678",
        "11111111111",
        "138123456789",
        "１３８１２３４５６７８",
        "13812345678/0755-26881234",
        "0755-26881234-8001",
        "+86 139 1234 5678",
        "无",
        "",
        None,
        13812345678.0,
        "13812345678",
    ]
    frame = parse_phones(pd.Series(values, dtype=object))
    for position, value in enumerate(values):
        expected = parse_phone(value)
        got = frame.iloc[position]
        assert got["phone_kind"] == expected.kind
        for column, field in (("phone_e164", expected.e164), ("phone_extension", expected.extension)):
            assert (got[column] is pd.NA) if field is None else got[column] == field


@pytest.mark.parametrize(
    ("raw", "country", "expected"),
    [
        ("020 7946 0958", "GB", PhoneParts("+442079460958", "landline")),
        ("020 7946 0958", "CN", PhoneParts("+862079460958", "landline")),  # Guangzhou, read as China's plan
        ("650-253-0000", "US", PhoneParts("+16502530000", "landline")),
        (
            "+86 138 1234 5678",
            "GB",
            PhoneParts("+8613812345678", "mobile"),
        ),  # written with +: the country is given
        ("0161 496 0000 ext 12", "GB", PhoneParts("+441614960000", "landline", "12")),
    ],
)
def test_numbers_without_a_country_code_belong_to_the_given_country(raw, country, expected):
    assert parse_phone(raw, country) == expected
    assert parse_phones(pd.Series([raw]), country).iloc[0].tolist() == [
        expected.e164,
        expected.kind,
        expected.extension or pd.NA,
    ]


def test_the_numbers_after_a_cells_first_are_kept_for_matching():
    cells = pd.Series(
        [
            "13812345678/0755-26881234",  # a mobile, then the landline
            "021-58301234 13912345678",  # a landline, a space, a mobile
            "13812345678 / 13812345678",  # the same number twice: nothing more
            "0755 26881234",  # one landline written with a space
            "13812345678",
            None,
            "13812345678/无",  # a placeholder is no number
        ]
    )
    assert other_phone_numbers(cells).tolist() == [
        "+8675526881234",
        "+8613912345678",
        pd.NA,
        pd.NA,
        pd.NA,
        pd.NA,
        pd.NA,
    ]


@pytest.mark.parametrize(
    ("written", "area"),
    [
        ("0755-26881234", "+86 755"),
        ("010-88889999", "+86 10"),  # two-digit area codes: 010 and 02x
        ("021-55551234", "+86 21"),
        ("13812345678", None),  # a Chinese mobile names no area
        ("400-800-1234", None),
        ("+1 212 727 2775", "+1 212"),  # North America: every number has its area code
        ("+1-800-555-1212", None),
        ("+44 20 7946 0958", "+44 20"),
        ("", None),
    ],
)
def test_a_number_is_dialled_in_its_country_and_area(written, area):
    assert phone_area(parse_phone(written).e164) == area


def test_a_chinese_mobile_is_known_by_its_shape_in_e164():
    assert is_chinese_mobile("+8613812345678")
    assert not is_chinese_mobile("+8675526881234")  # a Shenzhen landline
    assert not is_chinese_mobile("+8612812345678")  # 12x is no mobile range
    assert not is_chinese_mobile("+4413812345678")
    assert not is_chinese_mobile(None)
