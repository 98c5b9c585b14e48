from __future__ import annotations

import pytest

from cleansing.data.build_divisions import build_divisions, short_name
from cleansing.divisions import load_divisions
from foundation.errors import UserError

ETHNIC_GROUPS = ["布依族", "苗族", "壮族", "维吾尔族", "回族", "哈萨克族", "蒙古族", "藏族", "满族"]


def test_table_has_the_2021_hangzhou_changes():
    table = load_divisions()
    assert table.by_code["330113"].name == "临平区" and table.by_code["330113"].valid_from == "2021-04-09"
    assert table.by_code["330114"].name == "钱塘区"
    assert table.by_code["330110"].is_current
    assert not table.by_code["330104"].is_current


def test_parents_and_short_names():
    table = load_divisions()
    nanshan = table.by_code["440305"]
    assert (nanshan.short_name, nanshan.parent_code) == ("南山", "440300")
    assert table.ancestor(nanshan, "province").name == "广东省"
    assert table.by_code["450000"].short_name == "广西"


@pytest.mark.parametrize(
    ("name", "short"),
    [
        ("广西壮族自治区", "广西"),
        ("新疆维吾尔自治区", "新疆"),
        ("黔西南布依族苗族自治州", "黔西南"),
        ("伊犁哈萨克自治州", "伊犁"),
        ("深圳市", "深圳"),
        ("南山区", "南山"),
        ("赵县", ""),
        ("城区", ""),
        ("香港特别行政区", "香港"),
        ("本溪满族自治县", "本溪"),
    ],
)
def test_short_names(name, short):
    assert short_name(name, ETHNIC_GROUPS) == short


def test_build_drops_placeholder_districts_and_names_municipal_city_level():
    rows = [
        ("110000", "北京市"),
        ("110100", "市辖区"),
        ("110105", "朝阳区"),
        ("330100", "杭州市"),
        ("330101", "市辖区"),
    ]
    divisions = {d.code: d for d in build_divisions(rows, ETHNIC_GROUPS)}
    assert "330101" not in divisions
    assert divisions["110100"].name == "北京市"
    assert divisions["110105"].parent_code == "110100"
    assert divisions["330113"].parent_code == "330100"


def test_a_broken_table_names_the_row(tmp_path):
    path = tmp_path / "divisions.csv"
    path.write_text(
        "code,name,level,parent_code,short_name,valid_from,valid_to,note\n"
        "110000,北京市,province,,北京,,,\n440305,南山区,county,440300,南山,,,\n",
        encoding="utf-8",
    )
    with pytest.raises(UserError) as error:
        load_divisions(path)
    assert str(error.value) == (
        f"{path}: row 3: column 'level' must be province, city or district and 'code' six digits; "
        "got level='county', code='440305'"
    )
