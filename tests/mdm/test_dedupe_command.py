"""``channel-mdm dedupe`` end to end on small CSV and xlsx files."""

from __future__ import annotations

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
    ("C001", "深圳市华强商贸有限公司", "914403001922038216", "13812345678", "", "广东省深圳市南山区深南大道185号"),
    ("C002", "華強商貿(深圳)有限公司", "914403001922038216", "+86 138 1234 5678", "", "深圳南山区深南大道一八五号"),
    ("C003", "深圳华强商贸有限公司", "", "", "0755-26881234", "深圳市南山区深南大道185号"),
    ("C004", "上海华强商贸有限公司", "91310000MA1FL0UB7K", "13812345678", "", "上海市黄浦区南京东路1号"),
    ("C005", "深圳市华强商贸有限公司杭州分公司", "", "13812345678", "", "浙江省杭州市西湖区文三路10号"),
    ("C006", "广州美达电器有限公司", "91440101MA59XH2L3Q", "13900001111", "", "广东省广州市天河区体育西路3号"),
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
    code = main(["dedupe", str(source), "--spec", str(spec_path), "--out", str(out), "--pairs", str(pairs),
                 "--no-progress"])
    assert code == 0
    _check(_clusters(out))
    written = pd.read_csv(out, dtype=str, encoding="utf-8-sig", keep_default_na=False)
    assert list(written.columns[:3]) == ["record_id", "cluster_id", "match_score"]
    assert written["统一社会信用代码"].tolist()[0] == "914403001922038216"  # never parsed as a number
    scored = pd.read_csv(pairs, dtype=str, encoding="utf-8-sig")
    assert {"match_probability", "match_class", "company_name_level", "uscc_weight", "contact_level"} <= set(scored.columns)


def test_dedupe_an_xlsx_sheet(tmp_path, spec_path):
    source = tmp_path / "partners.xlsx"
    with pd.ExcelWriter(source) as writer:
        pd.DataFrame({"说明": ["封面"]}).to_excel(writer, sheet_name="封面", index=False)
        pd.DataFrame(ROWS, columns=COLUMNS).to_excel(writer, sheet_name="客户", index=False)
    out = tmp_path / "out.csv"
    assert main(["dedupe", str(source), "--spec", str(spec_path), "--out", str(out), "--sheet", "客户",
                 "--no-progress"]) == 0
    _check(_clusters(out))


def test_a_trained_model_is_saved_and_reused(tmp_path, spec_path):
    source = tmp_path / "partners.csv"
    pd.DataFrame(ROWS, columns=COLUMNS).to_csv(source, index=False, encoding="utf-8")
    model = tmp_path / "model.json"
    assert main(["dedupe", str(source), "--spec", str(spec_path), "--out", str(tmp_path / "a.csv"),
                 "--save-model", str(model), "--no-progress"]) == 0
    assert main(["dedupe", str(source), "--spec", str(spec_path), "--out", str(tmp_path / "b.csv"),
                 "--model", str(model), "--no-progress"]) == 0
    assert _clusters(tmp_path / "a.csv") == _clusters(tmp_path / "b.csv")


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
    assert capsys.readouterr().err == f"channel-mdm dedupe: error: {tmp_path / 'missing.csv'}: input file not found\n"
    with pytest.raises(SystemExit):
        main(["dedupe", str(source)])  # --spec and --out are required: argparse explains
