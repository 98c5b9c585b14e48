"""A golden record names the entity, not a source's mark on one of its records."""

from __future__ import annotations

from mdm.parties import match_parties
from tests.mdm.test_golden_phone import TRUST, _partners


def test_a_status_mark_or_a_contact_in_the_trusted_name_stays_out_of_the_golden_name():
    partners = _partners("0755-20026264", "0755-20026264")
    partners.loc[0, "partner_name"] = "【停用】深圳市华强商贸有限公司"
    partners.loc[2, "partner_name"] = "成都通利食品有限公司 张经理"
    result = match_parties("partner", partners, TRUST)

    crosswalk = result.golden.crosswalk.set_index("source_record_id")["golden_id"]
    golden = result.golden.golden.set_index("golden_id")["partner_name"]
    assert crosswalk["P001"] == crosswalk["D-9"]
    assert golden[crosswalk["P001"]] == "深圳市华强商贸有限公司"
    assert golden[crosswalk["P002"]] == "成都通利食品有限公司"


def test_an_english_name_keeps_the_letters_case_its_source_wrote():
    partners = _partners("0755-20026264", "0755-20026264")
    partners.loc[2, "partner_name"] = "Xi'an Hualin Wine Company Limited"
    partners.loc[2, "address"] = "西安市雁塔区长安南路88号"
    partners.loc[0, "partner_name"] = "Shenzhen Huaqiang Trading Co., Ltd. (INACTIVE)"
    partners.loc[1, "partner_name"] = "Shenzhen Huaqiang Trading Co., Ltd."
    result = match_parties("partner", partners, TRUST)

    crosswalk = result.golden.crosswalk.set_index("source_record_id")["golden_id"]
    golden = result.golden.golden.set_index("golden_id")["partner_name"]
    assert golden[crosswalk["P002"]] == "Xi'an Hualin Wine Company Limited"
    # the trusted record's note is read away: that name is the standard form, in the case its letters had
    assert golden[crosswalk["P001"]] in {
        "Shenzhen Huaqiang Trading Co., Ltd.",
        "SHENZHEN HUAQIANG TRADING CO., LTD.",
    }
