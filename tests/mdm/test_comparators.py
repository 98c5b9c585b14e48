from __future__ import annotations

import numpy as np
import pandas as pd

from mdm.comparators import (
    ADDRESS,
    BRANCH,
    CONTACT,
    DEFAULT_COMPARISONS,
    LOCATION,
    NAME,
    NAME_REGION,
    PERSON_NAME,
    PHONE_AREA,
    UNKNOWN,
    USCC,
    FrameColumns,
    compare_pairs,
    legal_form_spelling,
    one_house_in_words,
    registered_names,
    same_parsed_name,
)


def _levels(frame, comparison, pairs):
    left = np.array([p[0] for p in pairs])
    right = np.array([p[1] for p in pairs])
    codes = compare_pairs(frame, left, right, (comparison,))[:, 0]
    return [comparison.labels[c] for c in codes]


def _standardised_names(names: list[str], country: str = "CN") -> pd.DataFrame:
    """Company names standardised as a list of them alone would be (record ids 1, 2, …)."""
    from cleansing.standardise import standardise_parties

    raw = pd.DataFrame({"id": [str(i + 1) for i in range(len(names))], "name": names})
    return standardise_parties(raw, {"record_id": "id", "company_name": "name"}, country)


def test_missing_never_agrees(make_frame):
    frame = make_frame([{}, {}, {"name_normalised": ""}, {"name_normalised": ""}])
    frame["name_is_branch"] = pd.array([pd.NA] * 4, dtype="boolean")
    levels = compare_pairs(frame, np.array([0, 2, 0]), np.array([1, 3, 2]), DEFAULT_COMPARISONS)
    assert (levels == UNKNOWN).all()


def test_unknown_level_carries_no_weight():
    from mdm.model import default_parameters

    tables = default_parameters().weight_tables()
    assert all(t[UNKNOWN] == 0 for t in tables)


def test_uscc_levels_include_hard_negative(make_frame):
    frame = make_frame(
        [
            {"uscc": "914403001922038216"},
            {"uscc": "914403001922038216"},
            {"uscc": "91440300708461136T"},
            {"uscc": "914403001922038217", "uscc_status": "invalid_checksum"},
            {"uscc": "192203821", "uscc_status": "legacy_organisation_code"},
            {"uscc": "9.14403E+17", "uscc_status": "damaged"},
        ]
    )
    got = _levels(frame, USCC, [(0, 1), (0, 2), (0, 3), (0, 4), (0, 5)])
    assert got == ["exact_valid", "different_valid", "one_character_apart", "exact_unverified", "unknown"]


def test_company_name_levels(make_frame, make_company):
    frame = make_frame(
        [
            make_company("华强"),
            make_company("华强"),
            make_company("华强", region=None),
            make_company("华強", industry="商贸"),
            make_company("美达", industry="电器"),
        ]
    )
    got = _levels(frame, NAME, [(0, 1), (0, 2), (0, 4)])
    assert got == ["exact", "core_exact", "different"]
    assert _levels(frame, NAME, [(0, 3)])[0] in ("close", "somewhat")


def test_trade_names_that_sound_alike_before_one_industry_word_are_a_level_of_their_own(
    make_frame, make_company
):
    frame = make_frame(
        [
            make_company("恒丰越", name_pinyin_key="hengfengyue"),
            make_company("恒峰越", name_pinyin_key="hengfengyue"),  # 峰 typed for 丰: same sound
            make_company("恒峰越", industry="酒业", name_pinyin_key="hengfengyue"),  # another industry word
            make_company("恒凤越", name_pinyin_key="hengfengyue"),
            make_company("衡丰悦", name_pinyin_key="hengfengyue", region="上海", city="上海市"),
        ]
    )
    frame["name_pinyin_key"] = frame["name_pinyin_key"].astype("string")
    got = _levels(frame, NAME, [(0, 1), (0, 3), (0, 4), (0, 2)])
    assert got[:3] == ["same_sound"] * 3  # the region is the name-region comparison's business
    assert got[3] != "same_sound"


def test_a_chinese_trade_name_with_a_character_more_is_not_a_close_spelling(make_frame, make_company):
    frame = make_frame(
        [
            make_company("伟贵永达兴", industry="贸易"),
            make_company("贵永达兴", industry="贸易"),  # alike as text, but another trade name
            make_company("伟贵永达星", industry="贸易"),  # one character swapped: a typo
        ]
    )
    assert _levels(frame, NAME, [(0, 1), (0, 2)]) == ["somewhat", "close"]


def test_region_branch_and_city_hard_negatives(make_frame, make_company):
    frame = make_frame(
        [
            make_company("华强", region="深圳市"),
            make_company("华强", region="上海", city="上海市"),
            make_company("华强", branch_region="杭州"),
            make_company("华强", branch_region="南京"),
            make_company("华强", region="深圳"),
        ]
    )
    assert _levels(frame, NAME_REGION, [(0, 1), (0, 4)]) == ["different", "same"]
    assert _levels(frame, BRANCH, [(0, 4), (0, 2), (2, 3), (2, 2)]) == [
        "both_head_office",
        "branch_vs_head_office",
        "different_branches",
        "same_branch",
    ]
    assert _levels(frame, LOCATION, [(0, 1), (0, 4)]) == ["different_city", "same_city"]


def test_location_counts_city_district_and_postcode_once(make_frame):
    frame = make_frame(
        [
            {"city": "深圳市", "district": "南山区", "postcode": "518000"},
            {"city": "深圳市", "district": "南山区", "postcode": "518000"},
            {"city": "深圳市", "district": "福田区"},
            {"postcode": "518000"},
            {"city": "广州市", "postcode": "518000"},
            {"postcode": "100000"},
        ]
    )
    assert _levels(frame, LOCATION, [(0, 1), (0, 2), (0, 3), (0, 4), (3, 5)]) == [
        "same_district",
        "same_city",
        "same_city",
        "different_city",
        "different_postcode",
    ]


def test_a_latin_city_one_typo_away_is_close_but_a_chinese_one_is_another_city(make_frame):
    frame = make_frame(
        [
            {"city": "SMITHFIELD"},
            {"city": "SMITHIFELD"},
            {"city": "LONDON"},
            {"city": "LONDN"},
            {"city": "TOOWOOMBA"},
            {"city": "深圳市"},
            {"city": "深州市"},
        ]
    )
    assert _levels(frame, LOCATION, [(0, 1), (2, 3), (2, 4), (5, 6)]) == [
        "close",
        "close",
        "different_city",
        "different_city",
    ]


def test_a_postcode_one_typo_away_or_shared_by_two_cities_is_close(make_frame):
    frame = make_frame(
        [
            {"postcode": "2615"},
            {"postcode": "2651"},
            {"postcode": "2614"},
            {"postcode": "3000"},
            {"city": "WINSTON HILLS", "postcode": "2767"},
            {"city": "TOOWOOMBA", "postcode": "2767"},
            {"city": "TOOWOOMBA", "postcode": "4350"},
        ]
    )
    assert _levels(frame, LOCATION, [(0, 1), (0, 2), (0, 3), (4, 5), (4, 6)]) == [
        "close",
        "close",
        "different_postcode",
        "close",  # two cities at one postcode: one of them is wrong
        "different_city",
    ]


def test_an_address_that_is_the_beginning_of_the_other_is_somewhat_alike(make_frame):
    frame = make_frame(
        [
            {"address_detail": "26groomstreetbinbimbie"},
            {"address_detail": "26groomstreet"},
            {"address_detail": "26"},
            {"address_detail": "26 high street"},
        ]
    )
    assert _levels(frame, ADDRESS, [(0, 1), (2, 3), (1, 3)]) == ["somewhat", "different", "different"]


def test_latin_address_lines_one_dropped_or_mistyped_are_one_house():
    from mdm.dedupe import standardise_for_spec
    from mdm.spec import parse_spec

    lines = [
        ("95", "jardine street", "banksia"),
        ("95", "jardine street", "tudor"),  # another second line
        ("37", "port jackson circuit", "elenera"),
        ("37", "", "elensra"),  # the street line dropped, the locality mistyped
        ("85", "smiths road", "moolooboola"),
        ("28", "", "moolooboola"),  # another house number
        ("7", "high street", ""),
        ("7", "low street", ""),  # only the street type in common
        ("3", "george street", ""),
    ]
    raw = pd.DataFrame(
        {
            "id": [str(i) for i in range(len(lines))],
            "number": [line[0] for line in lines],
            "line_1": [line[1] for line in lines],
            "line_2": [line[2] for line in lines],
            "name": [f"Person {i}" for i in range(len(lines))],
        }
    )
    spec = parse_spec(
        {"record_id": "id", "columns": {"person_name": "name", "address": ["number", "line_1", "line_2"]}}
    )
    frame = standardise_for_spec(raw, spec)
    assert frame["address_words"].iloc[3] == "37 ELENSRA"
    assert _levels(frame, ADDRESS, [(0, 1), (2, 3), (4, 5), (6, 7)]) == [
        "somewhat",
        "somewhat",
        "different",
        "different",
    ]
    # Which words say nothing of the house is read from the file: here STREET, in three addresses.
    assert not one_house_in_words("7 HIGH STREET", "7 LOW STREET", frozenset({"STREET"}))
    assert one_house_in_words("7 HIGH STREET", "7 LOW STREET", frozenset())


def test_a_latin_address_written_with_other_abbreviations_is_one_and_another_number_in_its_street_not_close():
    from mdm.dedupe import standardise_for_spec
    from mdm.spec import parse_spec

    addresses = [
        "854 Seventh Avenue",
        "854 7th Ave.",  # another abbreviation: the same address
        "854 7th Ave. between 54th and 55th Sts.",
        "854 Seventh Ave.",  # what one writes after the street the other leaves out: one house
        "2355 Peachtree Rd. Peachtree Battle Shopping Center",
        "2355 Peachtree Rd. NE",
        "201 E. 49th St.",
        "797 Third Ave.",  # another house in another street
        "10 Smith Street",
        "10 Smith Road",  # another street of one name
        "135 Elm Ave.",
        "156 Elm Ave.",  # another house in one street, though the two read alike, or a number mistyped
    ]
    raw = pd.DataFrame({"id": [str(i) for i in range(len(addresses))], "name": "Cafe", "address": addresses})
    spec = parse_spec({"record_id": "id", "columns": {"company_name": "name", "address": "address"}})
    frame = standardise_for_spec(raw, spec)
    assert _levels(frame, ADDRESS, [(0, 1), (2, 3), (4, 5), (6, 7), (8, 9), (10, 11)]) == [
        "exact",
        "close",
        "close",
        "different",
        "somewhat",  # the house number and SMITH: a line mistyped, as before
        "somewhat",  # not close (90 by ratio)
    ]


def test_one_chinese_house_written_with_its_building_is_close_and_another_number_in_its_road_not(make_frame):
    frame = make_frame(
        [
            {"address_detail": "新安街道建安一路188号"},
            {"address_detail": "新安街道建安一路288号"},  # another shop of the road, 92 by ratio
            {"address_detail": "新安街道建安一路188号A栋"},  # the same house, the building added
            {"address_detail": "文化路1938号"},
            {"address_detail": "文化路1938号岸傲大厦8楼"},  # the building and floor added: 67 by ratio
            {"address_detail": "文化路1938号岸傲大厦9楼"},
        ]
    )
    assert _levels(frame, ADDRESS, [(0, 1), (0, 2), (3, 4), (4, 5)]) == [
        "somewhat",
        "close",
        "close",
        "close",
    ]


def test_chinese_addresses_have_no_latin_words():
    from cleansing.addresses import latin_address_words

    words = latin_address_words(pd.Series(["广东省深圳市南山区科技园路1号", "Flat 2, 10 Downing St.", None]))
    assert words.isna().tolist() == [True, False, True]
    assert words.iloc[1] == "FLAT 2 10 DOWNING ST"


def test_a_region_the_records_own_city_contradicts_is_not_evidence(make_frame, make_company):
    frame = make_frame(
        [
            make_company("海曙", region="宁波", city="宁波市"),
            make_company("便利", region="山东", city="宁波市"),
            make_company("华强", region="上海", city=None),
        ]
    )
    assert _levels(frame, NAME_REGION, [(0, 1), (0, 2)]) == ["unknown", "different"]


def test_contact_invalid_phone_is_unknown_and_toll_free_is_weaker(make_frame):
    frame = make_frame(
        [
            {"phone_e164": "+8613812345678", "email_normalised": "a@x.cn"},
            {"phone_e164": "+8613812345678", "email_normalised": "a@x.cn"},
            {"phone_e164": "+864008123456", "phone_kind": "toll_free"},
            {"phone_e164": "+864008123456", "phone_kind": "toll_free"},
            {"phone_e164": "+86123", "phone_kind": "invalid"},
            {"phone_e164": "+86123", "phone_kind": "invalid"},
            {"phone_e164": "+8613812345678", "email_normalised": "b@y.cn"},
            {"phone_e164": "+8613900000000", "email_normalised": "a@x.cn"},
        ]
    )
    assert _levels(frame, CONTACT, [(0, 1), (0, 6), (0, 7), (2, 3), (4, 5), (0, 2)]) == [
        "phone_and_email_exact",
        "phone_exact",
        "email_exact",
        "toll_free_exact",
        "unknown",
        "different",
    ]


def test_phones_of_two_areas_are_two_places(make_frame):
    """Two lines of one business share their area code; numbers of two areas are two places. A Chinese
    mobile names no area, and numbers that agree leave the area to the contact comparison."""
    frame = make_frame(
        [
            {"phone_e164": "+8675526881234", "phone_kind": "landline"},  # 0755: Shenzhen
            {"phone_e164": "+8675526885678", "phone_kind": "landline"},  # another Shenzhen line
            {"phone_e164": "+862155551234", "phone_kind": "landline"},  # 021: Shanghai
            {"phone_e164": "+8613812345678", "phone_kind": "mobile"},
            {"phone_e164": "+14045774366", "phone_kind": "landline"},  # Atlanta
            {"phone_e164": "+17028930703", "phone_kind": "landline"},  # Las Vegas
            {"phone_e164": "+17027325651", "phone_kind": "landline"},  # Las Vegas, another line
            {"phone_e164": "+8675526881234", "phone_kind": "landline"},
        ]
    )
    assert _levels(frame, PHONE_AREA, [(0, 1), (0, 2), (0, 3), (4, 5), (5, 6), (0, 7)]) == [
        "same_area",
        "different_area",
        "unknown",
        "different_area",
        "same_area",
        "unknown",
    ]
    assert _levels(frame, CONTACT, [(0, 2), (4, 5)]) == ["different", "different"]


def test_the_area_speaks_only_where_the_records_do_not_write_their_place(make_frame):
    """Where both records write a city (or an address, or a company name opening with its region) the
    location comparisons already weigh the place: the area would count it twice. Where either does not,
    another line in one area speaks for a match by how rarely the file's random pairs share an area."""
    from mdm.model import default_parameters

    frame = make_frame(
        [
            {"phone_e164": "+8675526881234", "phone_kind": "landline", "city": "深圳市"},
            {"phone_e164": "+8675526885678", "phone_kind": "landline", "city": "深圳市"},
            {"phone_e164": "+8675526889999", "phone_kind": "landline"},
            {"phone_e164": "+862155551234", "phone_kind": "landline", "city": "上海市"},
        ]
    )
    assert _levels(frame, PHONE_AREA, [(0, 1), (0, 2), (0, 3), (2, 3)]) == [
        "unknown",
        "same_area",
        "unknown",
        "different_area",
    ]
    same_area, different_area = default_parameters((PHONE_AREA,)).weight_tables()[0][1:]
    assert same_area > 0 > different_area


def test_an_email_written_with_a_slip_is_its_own_level_but_another_mailbox_is_not(make_frame):
    rows = [
        {"email_normalised": "evied62@bishop.info"},
        {"email_normalised": "evieed62@bishop.info"},  # a letter added to the mailbox name
        {"email_normalised": "fb@reese.com"},
        {"email_normalised": "fb@reose.cem"},  # two letters of the domain mistyped
        {"email_normalised": "li.wei82@acme.cn"},
        {"email_normalised": "li.wei83@acme.cn"},  # another number in the number's place
        {"email_normalised": "jinchang390@qq.com"},
        {"email_normalised": "junchang360@qq.com"},  # a letter and a digit: another person
        {"email_normalised": "ar20@miller-torres.org"},
        {"email_normalised": "ar20@miller-t2orres.org"},  # a digit slipped into the domain
        {"email_normalised": "evie.d@bishop.info"},  # three edits from evied62
        {"phone_e164": "+8613812345678", "email_normalised": "evied62@bishop.info"},
        {"email_normalised": "sales@xinshan.com.cn"},
        {"email_normalised": "sales@xinshang.com.cn"},  # two companies' role mailboxes
    ]
    # Nine more companies write a ``sales`` mailbox: the name is a role's, not one party's.
    rows += [{"email_normalised": f"sales@company{k}.cn"} for k in range(9)]
    frame = make_frame(rows)
    assert _levels(frame, CONTACT, [(0, 1), (2, 3), (4, 5), (6, 7), (8, 9), (0, 10), (1, 11), (12, 13)]) == [
        "email_typed_apart",
        "email_typed_apart",
        "different",
        "different",
        "email_typed_apart",
        "different",
        "email_typed_apart",  # the phone known on one side only
        "different",
    ]


def test_person_name_typo_and_word_order(make_frame):
    frame = make_frame(
        [
            {"person_name": "欧阳明华"},
            {"person_name": "欧阳明化"},
            {"person_name": "SMITH JOHN"},
            {"person_name": "JOHN SMITH"},
            {"person_name": "王芳"},
        ]
    )
    assert _levels(frame, PERSON_NAME, [(0, 1), (2, 3), (0, 4)]) == ["close", "close", "different"]


def test_a_chinese_name_and_its_pinyin_sound_the_same(make_frame):
    from cleansing.person_names import normalise_person_name

    names = ["张伟", "Zhang Wei", "Wei Zhang", "欧阳娜娜", "Nana Ouyang", "Zhang Wen", "王芳"]
    frame = make_frame([{"person_name": normalise_person_name(n)} for n in names])
    assert _levels(frame, PERSON_NAME, [(0, 1), (0, 2), (3, 4), (0, 5), (6, 1)]) == [
        "same_sound",
        "same_sound",
        "same_sound",  # a family name of two characters
        "different",
        "different",
    ]


def test_names_alike_but_for_their_model_numbers_are_different_products():
    from mdm.comparators import NAME, FrameColumns, codes_conflict

    values = np.array(
        [
            "PANASONIC KX-TG4324B CORDLESS PHONE",
            "PANASONIC KX-TG4321B CORDLESS PHONE",
            "SONY CYBER-SHOT DSC-W170R DIGITAL CAMERA",
            "SONY CYBER-SHOT DSCW170 DIGITAL CAMERA",
        ],
        dtype=object,
    )
    assert codes_conflict(values, np.array([0, 2]), np.array([1, 3])).tolist() == [True, False]
    std = pd.DataFrame({"name_normalised": values, "name_core": values, "name_trade": [None] * 4})
    levels = NAME.compute(FrameColumns(std), np.array([0, 2]), np.array([1, 3]))
    assert [NAME.labels[c] for c in levels] == ["different", "close"]


def test_a_chinese_name_against_a_latin_one_is_compared_by_its_pinyin():
    std = _standardised_names(
        [
            "广州市风心业良便利店有限公司",
            "FENGXINYELIANG",
            "ACME TRADING LTD",
            "广州市百麟博便利店有限公司",
        ]
    )
    assert _levels(std, NAME, [(0, 1), (0, 2), (0, 3)]) == ["same_pinyin", "other_script", "different"]


def test_an_acronym_meets_the_name_it_abbreviates():
    std = _standardised_names(["AP Corp", "Ashcroft Plastics Ltd", "Acme Paper Ltd"], "GB")
    assert _levels(std, NAME, [(0, 1), (0, 2), (1, 2)]) == ["acronym", "acronym", "different"]


def test_a_trade_name_alone_is_the_short_form_of_the_one_registered_name_writing_it_out():
    std = _standardised_names(
        [
            "广州市阜兴迈酒业有限公司",
            "阜兴迈",
            "深圳市晖财商业有限公司",
            "深圳市晖财酒业有限公司",
            "晖财",
        ]
    )
    # 晖财 is written out by two registered names (sister companies): it fits either, so it stays
    # the weak trade-name level; 阜兴迈 is written out by one.
    assert _levels(std, NAME, [(0, 1), (2, 4), (3, 4), (2, 3)]) == [
        "abbreviation",
        "trade_name_only",
        "trade_name_only",
        "trade_name_only",
    ]


def test_a_trade_name_alone_is_short_for_one_name_only_in_one_region():
    std = _standardised_names(["深圳市华宸畅商贸有限公司", "上海市华宸畅商贸有限公司", "华宸畅"])
    assert _levels(std, NAME, [(0, 2), (1, 2)]) == ["trade_name_only", "trade_name_only"]


def test_a_latin_rendering_with_the_same_sound_and_industry_agrees_more_than_the_sound_alone():
    std = _standardised_names(
        [
            "深圳联婷庆食品贸易有限责任公司",
            "Shenzhen Liantingqing Food Trading Co., Ltd.",
            "Shenzhen Liantingqing Logistics Co., Ltd.",
        ]
    )
    assert _levels(std, NAME, [(0, 1), (0, 2)]) == ["same_pinyin_and_industry", "same_pinyin"]
    assert _levels(std, NAME_REGION, [(0, 1)]) == ["same"]


def test_a_close_spelling_that_is_also_the_same_sound_is_the_same_sound():
    std = _standardised_names(
        [
            "重庆市邦瑞湘营销策划有限公司",
            "重庆市邦瑞祥营销策划有限责任公司",
            "重庆市邦瑞湖营销策划有限公司",
        ]
    )
    assert _levels(std, NAME, [(0, 1), (0, 2)]) == ["same_sound", "close"]


def test_frame_columns_read_empty_text_as_missing_and_derive_again_what_they_forgot():
    from mdm.comparators import FrameColumns

    frame = pd.DataFrame({"city": pd.array(["深圳市", "", None, "深圳市"], dtype="string")})
    cols = FrameColumns(frame)
    assert cols.values("city").tolist() == ["深圳市", None, None, "深圳市"]
    assert cols.codes("city").tolist() == [0, -1, -1, 0]
    computed = []

    def lengths(c: FrameColumns) -> np.ndarray:
        computed.append(1)
        return np.array([len(v or "") for v in c.values("city")])

    cols.derived("city_length", lengths)
    cols.keep_only_values(["city"])
    assert cols.values("city").tolist() == ["深圳市", None, None, "深圳市"]
    assert cols.derived("city_length", lengths).tolist() == [3, 0, 0, 3] and len(computed) == 2


def test_latin_names_alike_only_in_their_first_letters_are_not_spellings_of_one_name(make_frame):
    names = [
        "CAFFE REGGIO",
        "CAFFE GRECO",
        "ELECRONICS KONINK PHILIPS",
        "ELECTRONCIS KONINK PHILIPS",
        "BIZOU",
        "CAFE BIZOU",
    ]
    frame = make_frame([{"name_normalised": n, "name_core": n} for n in names])
    got = _levels(frame, NAME, [(0, 1), (2, 3), (4, 5)])
    assert got[0] != "close"  # the Jaro-Winkler prefix bonus of CAFFE, another word after it
    assert got[1] == "close"  # two letters swapped in two words
    assert got[2] == "close"  # one name inside the other


def test_one_registered_name_written_with_its_region_first_or_in_brackets_is_one_registration():
    frame = _standardised_names(
        [
            "上海可口可乐饮料有限公司",
            "可口可乐饮料(上海)有限公司",
            "可口可乐(上海)饮料有限公司",
            "上海可口可乐饮料有限责任公司",
            "上海可口可乐饮料股份有限公司",
            "可口可乐饮料有限公司",
            "北京可口可乐饮料有限公司",
            "上海可口可乐饮料有限公司浦东分公司",
        ]
    )
    cols = FrameColumns(frame)
    left, right = np.array([0, 0, 1, 0, 0, 0, 0, 0, 0]), np.array([0, 1, 2, 3, 4, 5, 6, 7, 1])
    registered = registered_names(cols)
    one = registered[left] & registered[right] & same_parsed_name(cols, left, right)
    assert one.tolist() == [True, True, True, True] + [False] * 4 + [True]
    # Written two ways, the pair stays on the level its spelling earns (its weight is the registered name's).
    assert _levels(frame, NAME, [(0, 1), (0, 5)]) == ["core_exact", "core_exact"]


def test_a_legal_form_spelt_two_ways_is_one_name_written_twice():
    assert {legal_form_spelling(f) for f in ("LTD", "LIMITED", "Ltd.")} == {"LTD"}
    assert legal_form_spelling("N.V.") == legal_form_spelling("N V") == "NV"
    assert legal_form_spelling("PUBLIC LIMITED COMPANY") == "PLC"
    assert legal_form_spelling("有限责任公司") == "有限公司" != legal_form_spelling("股份有限公司")
    frame = _standardised_names(
        ["ACME TRADING LTD", "Acme Trading Limited", "ACME TRADING INC", "ACME HOLDINGS LTD", "Acme Trading"],
        "GB",
    )
    cols = FrameColumns(frame)
    left, right = np.array([0, 0, 0, 0]), np.array([1, 2, 3, 4])
    assert same_parsed_name(cols, left, right).tolist() == [True, False, False, False]
