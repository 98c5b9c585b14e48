from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cleansing.uscc import (
    USCC_ALPHABET,
    UsccResult,
    classify_uscc,
    classify_uscc_series,
    clean_uscc,
    is_valid_organisation_code,
    is_valid_uscc,
    uscc_check_character,
    uscc_division_code,
)

VALID = ["914403001922038216", "91440300708461136T", "91110108551385082Q"]

# an all-zero code is a placeholder, not an identifier
bodies = st.text(alphabet=USCC_ALPHABET, min_size=17, max_size=17).filter(lambda b: set(b) != {"0"})


@pytest.mark.parametrize("code", VALID)
def test_published_codes_are_valid(code):
    assert is_valid_uscc(code)
    assert classify_uscc(code) == UsccResult(code, "valid")


def test_codes_not_starting_with_eight_digits_are_valid():
    # python-stdnum rejects these; GB 32100 allows letters in the registering-department positions
    body = "N1" + "440300" + "MA5FTE5X2"
    code = body + uscc_check_character(body)
    assert classify_uscc(code).status == "valid"
    body = "Y1" + "110108" + "551385082"
    assert classify_uscc(body + uscc_check_character(body)).status == "valid"


@given(bodies)
def test_generated_codes_always_validate(body):
    assert is_valid_uscc(body + uscc_check_character(body))


@given(bodies, st.integers(0, 17), st.sampled_from(USCC_ALPHABET))
def test_a_one_character_change_is_always_detected(body, position, replacement):
    code = body + uscc_check_character(body)
    changed = code[:position] + replacement + code[position + 1 :]
    if changed != code:
        assert not is_valid_uscc(changed)


def _full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) for c in text)


@given(
    bodies,
    st.lists(st.sampled_from([" ", "-", "\u3000", "－", "—"]), min_size=18, max_size=18),
    st.booleans(),
    st.booleans(),
)
def test_a_valid_code_stays_valid_after_formatting_noise(body, separators, full_width, lower):
    code = body + uscc_check_character(body)
    characters = _full_width(code) if full_width else code
    characters = characters.lower() if lower else characters
    noisy = "".join(c + s for c, s in zip(characters, separators, strict=True))
    assert clean_uscc(noisy) == code
    assert classify_uscc(f"  {noisy} ") == UsccResult(code, "valid")


def test_wrong_check_character_is_kept_and_flagged():
    assert classify_uscc("914403001922038217") == UsccResult("914403001922038217", "invalid_checksum")


def test_characters_outside_the_alphabet_are_malformed():
    assert classify_uscc("91440300192203821S").status == "malformed"
    assert classify_uscc("9144030019220382").status == "malformed"


def test_letter_o_read_as_zero_only_when_the_check_character_agrees():
    assert classify_uscc("914403OO1922038216") == UsccResult("914403001922038216", "valid", corrected=True)
    assert classify_uscc("914403OO1922038217").status == "malformed"


@pytest.mark.parametrize("damaged", ["9.14403E+17", "9.14403e+17", "9.14403E17", "914403001922038000"])
def test_excel_damage_is_detected_and_leaves_no_code(damaged):
    assert classify_uscc(damaged) == UsccResult(None, "damaged")


def test_a_number_read_as_float_is_damaged():
    assert classify_uscc(914403001922038216.0) == UsccResult(None, "damaged")
    assert classify_uscc("914403001922038216.0") == UsccResult("914403001922038216", "valid")


def test_valid_code_ending_in_000_is_not_damaged():
    codes = (
        f"9144030019220{a}{b}00" + uscc_check_character(f"9144030019220{a}{b}00")
        for a in range(10)
        for b in range(10)
    )
    code = next(c for c in codes if c.endswith("000"))
    assert classify_uscc(code) == UsccResult(code, "valid")


def test_legacy_registration_number():
    assert classify_uscc("440301103456789") == UsccResult("440301103456789", "legacy_registration_number")


def test_legacy_organisation_code_with_mod_11_check():
    # positions 9–17 of a USCC are its organisation code
    assert is_valid_organisation_code("192203821")
    assert classify_uscc("19220382-1") == UsccResult("192203821", "legacy_organisation_code")
    assert classify_uscc("19220382-2") == UsccResult("192203822", "invalid_checksum")


@pytest.mark.parametrize("blank", [None, "", "  ", "无", "N/A", "0", "000000000000000000", float("nan")])
def test_blank_and_placeholders_are_missing(blank):
    assert classify_uscc(blank) == UsccResult(None, "missing")


def test_division_code_is_positions_three_to_eight():
    assert uscc_division_code("914403001922038216") == "440300"
    assert uscc_division_code("9111 0108 5513 8508 2Q") == "110108"
    assert uscc_division_code("12345") is None


def test_vectorised_classification_keeps_the_index():
    series = pd.Series(["914403001922038216", None, "9.14403E+17", "914403001922038216"], index=[3, 2, 1, 0])
    frame = classify_uscc_series(series)
    assert list(frame.index) == [3, 2, 1, 0]
    assert list(frame["uscc_status"]) == ["valid", "missing", "damaged", "valid"]
    assert frame["uscc"].isna().tolist() == [False, True, True, False]


@given(
    st.lists(
        st.one_of(
            bodies.map(lambda b: b + uscc_check_character(b)),
            st.text(alphabet=USCC_ALPHABET + "IOSZ .E+", min_size=15, max_size=19),
            st.just("0" * 18),
            st.just("1E" + "0" * 16),
            st.none(),
        ),
        max_size=12,
    )
)
def test_vectorised_classification_matches_one_by_one(values):
    frame = classify_uscc_series(pd.Series(values, dtype=object))
    for position, value in enumerate(values):
        expected = classify_uscc(value)
        assert frame["uscc_status"].iloc[position] == expected.status
        code = frame["uscc"].iloc[position]
        assert (code is pd.NA) if expected.code is None else code == expected.code
