from __future__ import annotations

import pandas as pd
import pytest

from cleansing.addresses import AddressParts, parse_address, parse_addresses

NANSHAN_SHENZHEN = ("广东省", "深圳市", "南山区", "440305")


def _divisions(parts: AddressParts) -> tuple:
    return parts.province, parts.city, parts.district, parts.division_code


@pytest.mark.parametrize(
    "address",
    [
        "广东省深圳市南山区科技园185号",
        "深圳市南山区科技园185号",
        "深圳南山区科技园185号",
        "广东深圳南山区科技园185号",
        "广东省 深圳市 南山区 科技园 185 号",
        "廣東省深圳市南山區科技園185號",
    ],
)
def test_full_and_short_division_names(address):
    parts = parse_address(address)
    assert _divisions(parts) == NANSHAN_SHENZHEN
    assert parts.detail == "科技园185号"


def test_district_with_city_from_another_column():
    assert _divisions(parse_address("南山区科技园", city="深圳市")) == NANSHAN_SHENZHEN
    assert _divisions(parse_address("南山区科技园", city="深圳")) == NANSHAN_SHENZHEN


def test_district_name_shared_by_two_cities_is_decided_by_the_city():
    assert _divisions(parse_address("南山区科技园", city="鹤岗市")) == (
        "黑龙江省",
        "鹤岗市",
        "南山区",
        "230404",
    )
    assert _divisions(parse_address("朝阳区建国路", province="北京")) == (
        "北京市",
        "北京市",
        "朝阳区",
        "110105",
    )
    assert parse_address("朝阳区建国路", city="长春市").division_code == "220104"


def test_ambiguous_district_without_context_gets_no_code():
    parts = parse_address("南山区科技园")
    assert _divisions(parts) == (None, None, "南山区", None)
    assert parts.detail == "科技园"


def test_municipality():
    parts = parse_address("北京市朝阳区建国路八十八号")
    assert _divisions(parts) == ("北京市", "北京市", "朝阳区", "110105")
    assert parts.detail == "建国路88号"
    assert parse_address("上海市浦东新区世纪大道100号").division_code == "310115"


def test_chinese_numerals_in_house_numbers():
    assert parse_address("深圳市南山区科技南路一八五号").detail == "科技南路185号"
    assert parse_address("深圳市南山区科技南路二十三号").detail == "科技南路23号"


def test_a_street_named_after_a_city_is_not_read_as_that_city():
    parts = parse_address("中山路123号", city="南京市")
    assert (parts.city, parts.division_code, parts.detail) == ("南京市", "320100", "中山路123号")
    assert parse_address("中山路123号").division_code is None


def test_district_short_name_alone_is_not_trusted():
    # 南山路 is a street in 杭州
    parts = parse_address("南山路1号", city="杭州市")
    assert (parts.district, parts.division_code, parts.detail) == (None, "330100", "南山路1号")


def test_the_address_wins_over_a_disagreeing_column():
    assert parse_address("深圳市福田区福华路", city="上海市").division_code == "440304"


def test_newer_districts_are_known():
    assert parse_address("杭州市临平区南苑街道").division_code == "330113"
    assert parse_address("浙江省杭州市钱塘区下沙街道").division_code == "330114"
    assert parse_address("杭州市余杭区五常街道").division_code == "330110"


def test_abolished_districts_still_parse_for_old_records():
    assert parse_address("杭州市江干区").division_code == "330104"


def test_county_level_city_directly_under_a_province():
    assert _divisions(parse_address("湖北省仙桃市干河街道")) == ("湖北省", None, "仙桃市", "429004")


def test_columns_alone():
    parts = parse_address(None, city="深圳市", district="南山区")
    assert _divisions(parts) == NANSHAN_SHENZHEN
    assert parts.detail is None


def test_blank_address_and_columns():
    assert parse_address("  ") == AddressParts(None, None, None, None, None)


def test_vectorised_parse_uses_each_rows_own_columns():
    frame = parse_addresses(
        pd.Series(["南山区科技园", "南山区科技园", None], index=[5, 6, 7]),
        city=pd.Series(["深圳", "鹤岗", None], index=[5, 6, 7]),
    )
    assert list(frame.index) == [5, 6, 7]
    assert list(frame["division_code"].fillna("-")) == ["440305", "230404", "-"]
    assert frame.loc[7].isna().all()


def test_vectorised_parse_matches_one_by_one():
    addresses = [
        "河南省郑州市中山路2270号20栋405室",
        "河南省郑州市中山路18号",
        "广东省深圳市南山区科技园一八五号",
        "深圳南山区科技南路22号",
        "南山区学府路8号",
        "南山区学府路9号",
        "中山路12号",
        "中山市石岐区3号",
        "湖北省仙桃市干河街道1号",
        "杭州市江干区",
        " ，浦东新区世纪大道100号",
        "",
        None,
    ]
    cities = ["深圳", "鹤岗", None, "深圳市"]
    rows = [(a, c) for a in addresses for c in cities]
    frame = parse_addresses(pd.Series([a for a, _ in rows]), city=pd.Series([c for _, c in rows]))
    for position, (address, city) in enumerate(rows):
        expected = parse_address(address, city=city)
        got = frame.iloc[position]
        for column, field in (
            ("province", expected.province),
            ("city", expected.city),
            ("district", expected.district),
            ("division_code", expected.division_code),
            ("address_detail", expected.detail),
        ):
            assert (got[column] is pd.NA) if field is None else got[column] == field, (address, city, column)


@pytest.mark.parametrize(
    ("address", "district", "detail"),
    [
        ("深圳市福田华强北路10号", "福田区", "华强北路10号"),  # the district's short name after its city
        ("北京市朝阳建国路88号", "朝阳区", "建国路88号"),  # after a municipality
        ("北京市朝阳路88号", None, "朝阳路88号"),  # a road named after the district is a road
        ("深圳市福田大厦3楼", None, "福田大厦3楼"),  # and so is a building
    ],
)
def test_a_districts_short_name_after_its_city_is_the_district(address, district, detail):
    parts = parse_address(address)
    assert (parts.district, parts.detail) == (district, detail)


@pytest.mark.parametrize(
    ("address", "detail"),
    [
        ("上海市浦东新区张杨路500号12栋301室(近地铁站)", "张杨路500号12栋301室"),  # the way there
        (
            "深圳市前海深港合作区前湾一路1号A栋201室（入驻深圳市前海商务秘书有限公司）",
            "前海深港合作区前湾一路1号A栋201室",
        ),
        ("深圳市福田区华强北路10号(人民医院对面)", "华强北路10号"),
        ("深圳市福田区华强北路10号(3楼)", "华强北路10号(3楼)"),  # a floor is part of the place
    ],
)
def test_a_note_in_brackets_at_the_end_of_an_address_is_left_out(address, detail):
    assert parse_address(address).detail == detail
    assert parse_addresses(pd.Series([address]))["address_detail"].iloc[0] == detail


def test_a_latin_address_reads_street_types_compass_points_and_ordinals_one_way():
    from cleansing.addresses import latin_address_words

    words = latin_address_words(
        pd.Series(["854 Seventh Avenue", "854 7th Ave.", "8638 West Third Street", "12 St. Kilda Road"])
    )
    assert words.tolist() == ["854 7TH AVE", "854 7TH AVE", "8638 W 3RD ST", "12 ST KILDA RD"]


@pytest.mark.parametrize(
    ("address", "house", "rest"),
    [
        ("854 7th Ave. between 54th and 55th Sts.", "854 7TH AVE", {"BETWEEN", "54TH", "AND", "55TH", "ST"}),
        (
            "2355 Peachtree Rd. NE",
            "2355 PEACHTREE RD",
            set(),
        ),  # a compass point after the street says nothing
        ("8638 W. Third St.", "8638 3RD ST", set()),
        ("95 Ave. A at 6th St.", "95 AVE A", {"AT", "6TH", "ST"}),
        ("Unit 5, 10 Smith Street, Banksia", "10 SMITH ST", {"BANKSIA"}),
        ("37 Elensra", "37 ELENSRA", set()),
        ("3rd St.", None, None),  # no house number
        ("PO Box 123", None, None),  # a number with no street after it
    ],
)
def test_a_street_address_is_the_house_number_the_street_and_what_follows(address, house, rest):
    from cleansing.addresses import latin_address_words, street_address

    found = street_address(latin_address_words(pd.Series([address])).iloc[0])
    if house is None:
        assert found is None
    else:
        assert (found.house, set(found.rest)) == (house, rest)
        assert found.house == f"{found.number} {found.street}"


def test_one_street_address_where_one_writes_less_after_the_street_not_another_suburb():
    from cleansing.addresses import one_street_address, street_address

    def one(x, y):
        return one_street_address(street_address(x), street_address(y))

    assert one("854 7TH AVE BETWEEN 54TH AND 55TH ST", "854 7TH AVE")
    assert one("2355 PEACHTREE RD PEACHTREE BATTLE SHOPPING CTR", "2355 PEACHTREE RD NE")
    assert not one("95 JARDINE ST BANKSIA", "95 JARDINE ST TUDOR")
    assert not one("10 SMITH ST", "10 SMITH RD")
    assert not one("10 SMITH ST", "12 SMITH ST")


def test_a_broken_address_vocabulary_names_its_file(tmp_path):
    from cleansing.addresses import latin_address_vocabulary
    from foundation.errors import UserError

    path = tmp_path / "latin_address_words.yaml"
    path.write_text("street_types:\n  STREET: ST\n", encoding="utf-8")
    with pytest.raises(UserError, match="latin_address_words.yaml"):
        latin_address_vocabulary(path)


@pytest.mark.parametrize(
    ("detail", "road", "number", "rest"),
    [
        ("新安街道建安一路188号", "建安一路", "188", set()),  # the sub-district before the road left out
        ("南山大道1088号A栋", "南山大道", "1088", {"A栋"}),
        ("建安一路188-1号", "建安一路", "188-1", set()),
        ("工业区3号厂房", None, None, None),  # no road before the number
        ("新安街道188号", None, None, None),  # a sub-district is no road
        ("科技园路", None, None, None),  # no number
    ],
)
def test_a_chinese_street_part_is_read_as_its_road_and_house_number(detail, road, number, rest):
    from cleansing.addresses import chinese_street_addresses

    found = chinese_street_addresses(pd.Series([detail])).iloc[0]
    if road is None:
        assert found.isna().all()
    else:
        assert (found["road"], found["number"]) == (road, number)
        assert (pd.isna(found["rest"]) and not rest) or {found["rest"]} == rest
