"""``channel-mdm dedupe`` end to end on small CSV and xlsx files."""

from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd
import pytest

from channel_mdm.cli import main

SPEC = """\
record_id: 客户编码
entity: organisation
columns:
  company_name: 客户名称
  uscc: 统一社会信用代码
  phone: [手机, 电话]
  address: 地址
thresholds: {auto_merge: 0.95, review: 0.7}
"""

ROWS = [
    # code, name, uscc, mobile, landline, address
    (
        "C001",
        "深圳市华强商贸有限公司",
        "914403001922038216",
        "13812345678",
        "",
        "广东省深圳市南山区深南大道185号",
    ),
    (
        "C002",
        "華強商貿(深圳)有限公司",
        "914403001922038216",
        "+86 138 1234 5678",
        "",
        "深圳南山区深南大道一八五号",
    ),
    ("C003", "深圳华强商贸公司", "", "", "0755-26881234", "深圳市南山区深南大道185号"),
    ("C004", "上海华强商贸有限公司", "91310000MA1FL0UB7K", "13812345678", "", "上海市黄浦区南京东路1号"),
    ("C005", "深圳市华强商贸有限公司杭州分公司", "", "13812345678", "", "浙江省杭州市西湖区文三路10号"),
    (
        "C006",
        "广州美达电器有限公司",
        "91440101MA59XH2L3Q",
        "13900001111",
        "",
        "广东省广州市天河区体育西路3号",
    ),
    ("C007", "广州市美达电器有限公司", "", "139-0000-1111", "", "广州市天河区体育西路3号"),
    ("C008", "成都通利食品有限公司", "", "13512341234", "", "四川省成都市武侯区人民南路4段"),
    ("C009", "北京久安建材有限公司", "", "13600002222", "", "北京市海淀区中关村大街27号"),
    ("C010", "西安宏发五金有限公司", "", "13700003333", "", "陕西省西安市雁塔区小寨路8号"),
]
COLUMNS = ["客户编码", "客户名称", "统一社会信用代码", "手机", "电话", "地址"]


@pytest.fixture
def spec_path(tmp_path):
    path = tmp_path / "spec.yaml"
    path.write_text(SPEC, encoding="utf-8")
    return path


def _clusters(out_path) -> dict[str, str]:
    out = pd.read_csv(out_path, dtype=str, encoding="utf-8-sig")
    return dict(zip(out["record_id"], out["cluster_id"], strict=True))


def _check(cluster: dict[str, str]) -> None:
    assert cluster["C001"] == cluster["C002"] == cluster["C003"] == "C001"
    assert cluster["C006"] == cluster["C007"] == "C006"
    for alone in ("C004", "C005", "C008", "C009", "C010"):
        assert cluster[alone] == alone


def test_dedupe_a_gbk_csv(tmp_path, spec_path):
    source = tmp_path / "partners.csv"
    pd.DataFrame(ROWS, columns=COLUMNS).to_csv(source, index=False, encoding="gbk")
    out, pairs = tmp_path / "out.csv", tmp_path / "pairs.csv"
    code = main(
        [
            "dedupe",
            str(source),
            "--spec",
            str(spec_path),
            "--out",
            str(out),
            "--pairs",
            str(pairs),
            "--no-progress",
        ]
    )
    assert code == 0
    _check(_clusters(out))
    written = pd.read_csv(out, dtype=str, encoding="utf-8-sig", keep_default_na=False)
    assert list(written.columns[:3]) == ["record_id", "cluster_id", "match_score"]
    assert written["统一社会信用代码"].tolist()[0] == "914403001922038216"  # never parsed as a number
    scored = pd.read_csv(pairs, dtype=str, encoding="utf-8-sig")
    assert {"match_probability", "match_class", "company_name_level", "uscc_weight", "contact_level"} <= set(
        scored.columns
    )


def test_dedupe_an_xlsx_sheet(tmp_path, spec_path):
    source = tmp_path / "partners.xlsx"
    with pd.ExcelWriter(source) as writer:
        pd.DataFrame({"说明": ["封面"]}).to_excel(writer, sheet_name="封面", index=False)
        pd.DataFrame(ROWS, columns=COLUMNS).to_excel(writer, sheet_name="客户", index=False)
    out = tmp_path / "out.csv"
    assert (
        main(
            [
                "dedupe",
                str(source),
                "--spec",
                str(spec_path),
                "--out",
                str(out),
                "--sheet",
                "客户",
                "--no-progress",
            ]
        )
        == 0
    )
    _check(_clusters(out))


def test_a_trained_model_is_saved_and_reused(tmp_path, spec_path):
    source = tmp_path / "partners.csv"
    pd.DataFrame(ROWS, columns=COLUMNS).to_csv(source, index=False, encoding="utf-8")
    model = tmp_path / "model.json"
    assert (
        main(
            [
                "dedupe",
                str(source),
                "--spec",
                str(spec_path),
                "--out",
                str(tmp_path / "a.csv"),
                "--save-model",
                str(model),
                "--no-progress",
            ]
        )
        == 0
    )
    assert (
        main(
            [
                "dedupe",
                str(source),
                "--spec",
                str(spec_path),
                "--out",
                str(tmp_path / "b.csv"),
                "--model",
                str(model),
                "--no-progress",
            ]
        )
        == 0
    )
    assert _clusters(tmp_path / "a.csv") == _clusters(tmp_path / "b.csv")


def test_a_model_trained_for_another_spec_is_refused_with_what_to_do(tmp_path, spec_path, capsys):
    source = tmp_path / "partners.csv"
    pd.DataFrame(ROWS, columns=COLUMNS).assign(渠道="一批").to_csv(source, index=False, encoding="utf-8")
    model = tmp_path / "model.json"
    common = ["dedupe", str(source), "--out", str(tmp_path / "o.csv"), "--no-progress"]
    assert main([*common, "--spec", str(spec_path), "--save-model", str(model)]) == 0
    other_spec = tmp_path / "other.yaml"
    other_spec.write_text(
        SPEC.replace("  address: 地址\n", "  address: 地址\n  categorical: [渠道]\n"), encoding="utf-8"
    )
    assert main([*common, "--spec", str(other_spec), "--model", str(model)]) == 2
    err = capsys.readouterr().err
    assert "trained for other comparisons" in err and "--save-model" in err


def test_user_errors_are_one_clear_line(tmp_path, spec_path, capsys):
    source = tmp_path / "partners.csv"
    pd.DataFrame(ROWS, columns=["客户编号", *COLUMNS[1:]]).to_csv(source, index=False, encoding="utf-8")
    code = main(["dedupe", str(source), "--spec", str(spec_path), "--out", str(tmp_path / "o.csv")])
    assert code == 2
    assert capsys.readouterr().err == (
        f"channel-mdm dedupe: error: {source}: column '客户编码' (record_id in {spec_path}) is not in the input; "
        "did you mean '客户编号'?\n"
    )
    duplicated = [ROWS[0], ROWS[1], (ROWS[0][0], *ROWS[2][1:])]
    pd.DataFrame(duplicated, columns=COLUMNS).to_csv(source, index=False, encoding="utf-8")
    assert main(["dedupe", str(source), "--spec", str(spec_path), "--out", str(tmp_path / "o.csv")]) == 2
    assert capsys.readouterr().err == (
        f"channel-mdm dedupe: error: {source}: row 4: record id 'C001' in column '客户编码' appears more than "
        "once; record ids must be unique\n"
    )
    assert main(["dedupe", str(tmp_path / "missing.csv"), "--spec", str(spec_path), "--out", "o.csv"]) == 2
    assert (
        capsys.readouterr().err == f"channel-mdm dedupe: error: {tmp_path / 'missing.csv'}: file not found\n"
    )
    with pytest.raises(SystemExit):
        main(["dedupe", str(source)])  # --spec and --out are required: argparse explains


EXAMPLES = Path(__file__).resolve().parents[2] / "mdm" / "examples"


def test_english_company_list_with_the_example_spec(tmp_path):
    rows = {
        "account_id": ["A1", "A2", "A3", "A4", "A5", "A6", "A7"],
        "company_name": [
            "ACME Trading Co., Ltd.",
            "Acme Trading Company Limited",
            "ACME TRADING CO LTD",
            "Globex Corporation",
            "Globex Corp.",
            "Initech Ltd",
            "Acme Trading Co., Ltd.",
        ],
        "phone": [
            "+44 20 7946 0958",
            "020 7946 0958",
            "",
            "+1 212 555 0100",
            "+1 (212) 555-0100",
            "+44 161 496 0000",
            "",
        ],
        "mobile": [""] * 7,
        "address_line_1": [
            "1 High Street",
            "1 High St",
            "1 High Street",
            "5 Main St",
            "5 Main Street",
            "9 Low Rd",
            "77 Harbour Road",
        ],
        "address_line_2": [""] * 7,
        "city": ["London", "London", "London", "New York", "New York", "Manchester", "Hong Kong"],
        "postcode": ["EC1A 1BB", "EC1A 1BB", "", "10001", "10001", "M1 1AE", ""],
        "email": ["info@acme.co.uk", "", "info@acme.co.uk", "", "", "", ""],
        "vat_number": ["GB123", "GB123", "", "", "", "", "HK999"],
    }
    source = tmp_path / "accounts.csv"
    pd.DataFrame(rows).to_csv(source, index=False)
    out = tmp_path / "out.csv"
    assert (
        main(
            [
                "dedupe",
                str(source),
                "--spec",
                str(EXAMPLES / "companies_en.yaml"),
                "--out",
                str(out),
                "--no-progress",
            ]
        )
        == 0
    )
    cluster = _clusters(out)
    assert cluster["A1"] == cluster["A2"] == cluster["A3"] == "A1"
    assert cluster["A4"] == cluster["A5"] == "A4"
    assert cluster["A6"] == "A6"
    assert cluster["A7"] == "A7"  # same name, another city and VAT number: a steward decides


def test_person_customers_with_the_example_spec(tmp_path):
    rows = {
        "会员编号": ["M1", "M2", "M3", "M4", "M5", "M6"],
        "姓名": ["张伟", "張偉", "张伟", "李娜", "李 娜", "王芳"],
        "手机号": ["13812345678", "138-1234-5678", "13900001111", "13700002222", "", "13600003333"],
        "出生日期": ["1985-03-07", "1985/3/7", "1990-01-01", "1979年5月2日", "1979-05-02", ""],
        "地址": [
            "北京市海淀区中关村大街27号",
            "",
            "上海市黄浦区南京东路1号",
            "广州市天河区体育西路3号",
            "广东省广州市天河区体育西路3号",
            "",
        ],
        "城市": ["北京市", "北京市", "上海市", "广州市", "广州市", "成都市"],
        "邮编": ["100080", "", "200001", "510620", "510620", ""],
        "邮箱": ["", "", "", "lina@qq.com", "", ""],
    }
    source = tmp_path / "members.csv"
    pd.DataFrame(rows).to_csv(source, index=False, encoding="utf-8-sig")
    out = tmp_path / "out.csv"
    assert (
        main(
            [
                "dedupe",
                str(source),
                "--spec",
                str(EXAMPLES / "customers_persons_zh.yaml"),
                "--out",
                str(out),
                "--no-progress",
            ]
        )
        == 0
    )
    cluster = _clusters(out)
    assert cluster["M1"] == cluster["M2"] == "M1"
    assert cluster["M3"] == "M3"  # the same common name, born another year, elsewhere
    assert cluster["M4"] == cluster["M5"] == "M4"
    assert cluster["M6"] == "M6"


def test_every_example_spec_loads():
    from mdm.spec import load_spec

    specs = sorted(EXAMPLES.glob("*.yaml"))
    assert [p.name for p in specs] == [
        "companies_en.yaml",
        "customers_persons_zh.yaml",
        "partners_zh.yaml",
        "persons_en.yaml",
    ]
    for path in specs:
        assert load_spec(path).record_id


def test_steward_labels_are_read_and_checked(tmp_path, spec_path, capsys):
    import json

    source = tmp_path / "partners.csv"
    pd.DataFrame(ROWS, columns=COLUMNS).to_csv(source, index=False, encoding="utf-8")
    labels = tmp_path / "decisions.csv"
    labels.write_text(
        "left_record_id,right_record_id,is_match\nC001,C004,no\nC006,C007,yes\n", encoding="utf-8"
    )
    model = tmp_path / "model.json"
    assert (
        main(
            [
                "dedupe",
                str(source),
                "--spec",
                str(spec_path),
                "--out",
                str(tmp_path / "o.csv"),
                "--labels",
                str(labels),
                "--save-model",
                str(model),
                "--no-progress",
            ]
        )
        == 0
    )
    assert json.loads(model.read_text(encoding="utf-8"))["trained_on"]["labelled_pairs"] == 2
    _check(_clusters(tmp_path / "o.csv"))
    capsys.readouterr()
    labels.write_text("left_record_id,right_record_id,is_match\nC001,C004,maybe\n", encoding="utf-8")
    assert (
        main(
            [
                "dedupe",
                str(source),
                "--spec",
                str(spec_path),
                "--out",
                str(tmp_path / "o.csv"),
                "--labels",
                str(labels),
                "--no-progress",
            ]
        )
        == 2
    )
    assert (
        capsys.readouterr().err
        == f"channel-mdm dedupe: error: {labels}: row 2: is_match is 'maybe'; write yes or no\n"
    )


def test_person_list_with_name_parts_and_the_completeness_estimate(tmp_path, caplog):
    rows = {
        "rec_id": ["a", "b", "c", "d", "e", "f", "g", "h"],
        "given_name": ["mitchell", "green", "harley", "harly", "amy", "ben", "cara", "dan"],
        "surname": ["green", "mitchell", "mccarthy", "mccarthy", "hill", "ross", "kerr", "lowe"],
        "date_of_birth": [
            "19560409",
            "19560904",
            "19080419",
            "19080419",
            "19700101",
            "19710202",
            "19720303",
            "",
        ],
        "soc_sec_id": [
            "1804974",
            "1804974",
            "6089216",
            "6089261",
            "1111111",
            "2222222",
            "3333333",
            "4444444",
        ],
        "street_number": ["7", "7", "177", "177", "1", "2", "3", "4"],
        "address_1": [
            "wallaby place",
            "wallaby pl",
            "pridham street",
            "pridhamstreet",
            "a st",
            "b st",
            "c st",
            "d st",
        ],
        "address_2": [""] * 8,
        "suburb": ["cleveland", "cleveland", "marsden", "marsden", "x", "y", "z", "w"],
        "postcode": ["2119", "2119", "3165", "3165", "1000", "2000", "3000", "4000"],
        "state": ["sa", "sa", "nsw", "nsw", "vic", "vic", "qld", "wa"],
    }
    source = tmp_path / "persons.csv"
    pd.DataFrame(rows).to_csv(source, index=False)
    out = tmp_path / "out.csv"
    with caplog.at_level(logging.INFO):
        code = main(
            [
                "dedupe",
                str(source),
                "--spec",
                str(EXAMPLES / "persons_en.yaml"),
                "--out",
                str(out),
                "--no-progress",
            ]
        )
    assert code == 0
    cluster = _clusters(out)
    assert cluster["a"] == cluster["b"]  # given and family name swapped, day and month swapped
    assert cluster["c"] == cluster["d"]  # a typo in the given name, two id digits swapped
    assert len({cluster[k] for k in "efgh"}) == 4
    line = next(r.getMessage() for r in caplog.records if r.getMessage().startswith("blocking: "))
    assert "estimated pair completeness 100.0%" in line
    assert "postcode 100%" in line and "national_id 50%" in line


def test_the_completeness_estimate_of_a_list_of_names_alone_says_what_it_cannot_see(tmp_path, caplog):
    source = tmp_path / "names.csv"
    pd.DataFrame(
        {
            "id": ["1", "2", "3", "4"],
            "name": ["深圳市曜晟光电有限公司", "深圳市曜晟光电有限公司", "北京东方百货", "上海浦江机械"],
        }
    ).to_csv(source, index=False)
    spec = tmp_path / "names.yaml"
    spec.write_text("record_id: id\nentity: organisation\ncolumns:\n  company_name: name\n", encoding="utf-8")
    with caplog.at_level(logging.INFO):
        code = main(
            ["dedupe", str(source), "--spec", str(spec), "--out", str(tmp_path / "o.csv"), "--no-progress"]
        )
    assert code == 0
    line = next(r.getMessage() for r in caplog.records if r.getMessage().startswith("blocking: "))
    assert "a list of names alone cannot show the others" in line
