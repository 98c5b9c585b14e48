"""A golden record keeps the phone's extension (RFC 3966 ``;ext=``) while matching compares the number alone."""

from __future__ import annotations

import pandas as pd

from cleansing.phones import parse_phones, phone_with_extension
from mdm.parties import match_parties
from migration.compare import comparable, compare_fields
from migration.models import TABLES

TRUST = {"ERP": 1, "DMS": 2}


def _partners(erp_phone: str, dms_phone: str) -> pd.DataFrame:
    rows = [
        ("ERP", "P001", 2, "深圳市华强商贸有限公司", "914403001922038216", erp_phone),
        ("DMS", "D-9", 5, "深圳市华强商贸有限公司", "914403001922038216", dms_phone),
        ("ERP", "P002", 3, "成都通利食品有限公司", "", "028-85551234"),
    ]
    frame = pd.DataFrame(
        rows, columns=["source_system", "source_record_id", "source_row", "partner_name", "uscc", "phone"]
    )
    return frame.assign(
        source_file="x.xlsx",
        channel_tier="1",
        sales_region="华南",
        address="深圳市南山区深南大道185号",
        province="",
        city="",
        district="",
        email="",
    )


def _golden_phone(result, source_record_id: str) -> str:
    crosswalk = result.golden.crosswalk
    golden_id = crosswalk.loc[crosswalk["source_record_id"] == source_record_id, "golden_id"].item()
    golden = result.golden.golden
    return golden.loc[golden["golden_id"] == golden_id, "phone"].item()


def test_a_landline_extension_survives_into_the_golden_record():
    result = match_parties("partner", _partners("(0755)20026264-分机460", "(0755)20026264-分机460"), TRUST)

    assert _golden_phone(result, "P001") == "+8675520026264;ext=460"
    assert _golden_phone(result, "P002") == "+862885551234"


def test_records_differing_only_in_the_extension_still_match_on_the_number():
    result = match_parties("partner", _partners("(0755)20026264-分机460", "0755-20026264"), TRUST)

    crosswalk = result.golden.crosswalk.set_index("source_record_id")["golden_id"]
    assert crosswalk["P001"] == crosswalk["D-9"]
    assert result.standardised["phone_e164"].tolist()[:2] == ["+8675520026264", "+8675520026264"]


def test_the_stored_phone_fits_the_store_column_and_reconciles_with_the_source_text():
    written = "0755-2002 6264 转 123456"
    parsed = parse_phones(pd.Series([written]))
    stored = phone_with_extension(parsed["phone_e164"], parsed["phone_extension"]).item()
    column = TABLES["partner"].c["phone"]

    assert stored == "+8675520026264;ext=123456"
    assert len(stored) <= column.type.length
    assert comparable(stored, column) == comparable(written, column)


def test_a_number_without_e164_form_stays_missing_even_with_an_extension():
    parsed = parse_phones(pd.Series(["2002626-8001", "13812345678", None]))
    stored = phone_with_extension(parsed["phone_e164"], parsed["phone_extension"])

    assert stored.isna().tolist() == [True, False, True]
    assert stored[1] == "+8613812345678"


def test_bare_numbers_vote_for_the_number_with_its_extension():
    partners = _partners("(0755)20026264-分机460", "0755-20026264")
    bare = partners.iloc[[1]].assign(source_system="CRM", source_record_id="A-1", source_row=9)
    mobiles = pd.concat([partners.iloc[[1]]] * 2, ignore_index=True).assign(
        source_system="CRM", source_record_id=["A-2", "A-3"], source_row=[10, 11], phone="13812345678"
    )
    records = pd.concat([partners, bare, mobiles], ignore_index=True)
    result = match_parties("partner", records, {**TRUST, "CRM": 3})

    golden_of = result.golden.crosswalk.set_index("source_record_id")["golden_id"]
    assert golden_of[["D-9", "A-1", "A-2", "A-3"]].eq(golden_of["P001"]).all()
    assert _golden_phone(result, "P001") == "+8675520026264;ext=460"  # three votes against two


def test_the_reconciliation_counts_a_completed_extension_as_enrichment_not_a_defect():
    store_row = {"phone": "+8675520026264;ext=460"}

    assert compare_fields({"phone": "0755-20026264"}, store_row, ["phone"], "partner").enriched == ["phone"]
    assert compare_fields({"phone": "0755-20026264-460"}, store_row, ["phone"], "partner").mismatches == []
    other_number = compare_fields({"phone": "0755-20026265"}, store_row, ["phone"], "partner")
    assert [m[0] for m in other_number.mismatches] == ["phone"]
    other_extension = compare_fields({"phone": "0755-20026264-461"}, store_row, ["phone"], "partner")
    assert [m[0] for m in other_extension.mismatches] == ["phone"]


def test_two_different_extensions_of_one_number_are_left_to_survivorship():
    partners = _partners("(0755)20026264-分机460", "0755-20026264 转 461")
    result = match_parties("partner", partners, TRUST)

    assert _golden_phone(result, "P001") == "+8675520026264;ext=460"  # one each: the most trusted source's
