from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cleansing.gtin import (
    classify_gtin,
    gtin_check_digit,
    gtin_facts,
    is_valid_gtin,
    normalise_gtin,
    restricted_circulation_mask,
    valid_gtin_mask,
)

# Published examples: an EAN-13 from GS1 China's range, an EAN-8, a UPC-A and a GTIN-14 from GS1's guide.
KNOWN_VALID = ["6901234567892", "96385074", "036000291452", "10614141000019"]


@pytest.mark.parametrize("code", KNOWN_VALID)
def test_known_codes_are_valid(code: str) -> None:
    assert is_valid_gtin(code)
    assert gtin_check_digit(code[:-1]) == int(code[-1])


def test_classification_covers_every_status() -> None:
    values = pd.Series(["6901234567892", "6901234567891", "6.90123E+12", "12345", None, "  "])
    assert classify_gtin(values).tolist() == [
        "valid",
        "invalid_check_digit",
        "malformed",
        "malformed",
        "missing",
        "missing",
    ]


def test_normalise_pads_to_gtin14_and_drops_invalid_codes() -> None:
    values = pd.Series(["96385074", "036000291452", "690-1234-56789-2", "6901234567891"], index=[5, 6, 7, 8])
    result = normalise_gtin(values)
    assert result.index.tolist() == [5, 6, 7, 8]
    assert result.iloc[:3].tolist() == ["00000096385074", "00036000291452", "06901234567892"]
    assert pd.isna(result.iloc[3])


def test_full_width_digits_are_read() -> None:
    assert normalise_gtin(pd.Series(["６９０１２３４５６７８９２"])).tolist() == ["06901234567892"]


def test_prefix_facts_flag_china_and_in_store_ranges() -> None:
    in_store = "200123456789" + str(gtin_check_digit("200123456789"))
    facts = gtin_facts(pd.Series(["6901234567892", in_store, "036000291452", "bad"]))
    assert facts["gs1_prefix"].tolist()[:3] == ["690", "200", "003"]
    assert facts["is_china_prefix"].tolist() == [True, False, False, False]
    assert facts["is_restricted_circulation"].tolist() == [False, True, False, False]


def test_ean8_prefix_is_read_from_its_own_digits() -> None:
    ean8 = "6901234" + str(gtin_check_digit("6901234"))
    facts = gtin_facts(pd.Series([ean8]))
    assert facts.loc[0, "gs1_prefix"] == "690"
    assert facts.loc[0, "is_china_prefix"]


def test_check_digit_rejects_non_digits() -> None:
    with pytest.raises(ValueError, match="GTIN body must be digits, got '69a'"):
        gtin_check_digit("69a")


bodies = st.sampled_from([7, 11, 12, 13]).flatmap(lambda n: st.text("0123456789", min_size=n, max_size=n))


@given(bodies)
def test_a_body_with_its_check_digit_is_valid(body: str) -> None:
    code = body + str(gtin_check_digit(body))
    assert is_valid_gtin(code)
    assert classify_gtin(pd.Series([code])).iloc[0] == "valid"


@given(bodies, st.data())
def test_any_single_digit_error_is_caught(body: str, data: st.DataObject) -> None:
    code = body + str(gtin_check_digit(body))
    position = data.draw(st.integers(0, len(code) - 1))
    replacement = data.draw(st.sampled_from([d for d in "0123456789" if d != code[position]]))
    damaged = code[:position] + replacement + code[position + 1 :]
    assert not is_valid_gtin(damaged)
    assert classify_gtin(pd.Series([damaged])).iloc[0] == "invalid_check_digit"


@given(bodies, st.sampled_from([" ", "-", "  "]))
def test_formatting_noise_does_not_change_the_standard_form(body: str, separator: str) -> None:
    code = body + str(gtin_check_digit(body))
    noisy = separator.join([code[:3], code[3:7], code[7:]])
    clean = normalise_gtin(pd.Series([code]))
    assert normalise_gtin(pd.Series([noisy])).tolist() == clean.tolist()
    assert normalise_gtin(clean).tolist() == clean.tolist()  # normalising twice changes nothing


@given(st.lists(st.one_of(st.none(), st.text("0123456789 -x", max_size=15)), max_size=30))
def test_vectorised_classification_agrees_with_the_scalar_check(values: list[str | None]) -> None:
    statuses = classify_gtin(pd.Series(values, dtype=object))
    for value, status in zip(values, statuses, strict=True):
        cleaned = (value or "").replace(" ", "").replace("-", "")
        assert (status == "valid") == (bool(cleaned) and is_valid_gtin(cleaned))


def test_masks_agree_with_the_facts() -> None:
    in_store = "200123456789" + str(gtin_check_digit("200123456789"))
    values = pd.Series(["6901234567892", "6901234567891", in_store, None, "bad"])
    facts = gtin_facts(values)
    assert valid_gtin_mask(values).tolist() == (facts["gtin_status"] == "valid").tolist()
    assert restricted_circulation_mask(values).tolist() == facts["is_restricted_circulation"].tolist()
