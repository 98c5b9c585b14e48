"""The sample generator: reproducible bytes, valid identifiers, and ground truth that matches the files."""

from __future__ import annotations

import json
import re
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from channel_mdm.cli import main
from cleansing.canonical import CUSTOMER, PARTNER
from sample_data.generate import generate_party_records, generate_sample
from sample_data.identifiers import gtin_check_digit, is_valid_gtin, is_valid_uscc, uscc_check_char

SCALE = 0.1
SEED = 7


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict]:
    root = tmp_path_factory.mktemp("sample")
    manifest = generate_sample(root / "sources", root / "truth", seed=SEED, scale=SCALE)
    return root / "sources", root / "truth", manifest


def read_csv_gbk(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, encoding="gbk", dtype=str, keep_default_na=False)


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def read_sheet(path: Path, sheet: str, header_row: int) -> pd.DataFrame:
    ws = openpyxl.load_workbook(path)[sheet]
    rows = list(ws.iter_rows(min_row=header_row, values_only=True))
    return pd.DataFrame(rows[1:], columns=rows[0])


def read_sales(path: Path) -> pd.DataFrame:
    wb = openpyxl.load_workbook(path)
    return pd.concat([read_sheet(path, name, 1) for name in wb.sheetnames], ignore_index=True)


def party_values(sources: Path) -> dict[tuple[str, str, str], dict[str, object]]:
    """(entity, source, record id) → {source column: value as stored} for every partner and customer record."""
    out: dict[tuple[str, str, str], dict[str, object]] = {}
    for row in read_sheet(sources / "erp/partners.xlsx", "经销商档案", 3).to_dict("records"):
        out[("partner", "erp", row["客户编码"])] = row
    for row in read_csv_gbk(sources / "dms/dealers.csv").to_dict("records"):
        out[("partner", "dms", row["dealer_code"])] = row
    for obj in read_jsonl(sources / "crm/partners.jsonl"):
        out[("partner", "crm", obj["acct_id"])] = {**obj, "contact.phone": obj["contact"]["phone"]}
    for obj in read_jsonl(sources / "crm/customers.jsonl"):
        out[("customer", "crm", obj["cust_id"])] = obj
    for row in read_sales(sources / "sales/customers.xlsx").to_dict("records"):
        out[("customer", "sales", row["客户编号"])] = row
    return out


def blank(value: object) -> bool:
    return value is None or value == "" or (isinstance(value, float) and pd.isna(value))


def test_known_codes_pass_the_check_characters() -> None:
    assert is_valid_uscc("914403001922038216")
    assert is_valid_uscc("91440300708461136T")
    assert not is_valid_uscc("914403001922038217")
    assert uscc_check_char("91110108551385082") == "Q"
    assert is_valid_gtin("6901234567892")
    assert gtin_check_digit("690123456789") == "2"
    assert not is_valid_gtin("6901234567893")


def test_same_seed_gives_identical_files(sample, tmp_path: Path) -> None:
    sources, truth, manifest = sample
    again = generate_sample(tmp_path / "sources", tmp_path / "truth", seed=SEED, scale=SCALE)
    files = sorted(p.relative_to(sources) for p in sources.rglob("*") if p.is_file())
    assert files == sorted(
        p.relative_to(tmp_path / "sources") for p in (tmp_path / "sources").rglob("*") if p.is_file()
    )
    for rel in files:
        assert (sources / rel).read_bytes() == (tmp_path / "sources" / rel).read_bytes(), rel
    for name in ("entities.csv", "relations.csv", "defects.csv"):
        assert (truth / name).read_bytes() == (tmp_path / "truth" / name).read_bytes(), name
    assert {k: v for k, v in manifest.items() if k != "generated_at"} == {
        k: v for k, v in again.items() if k != "generated_at"
    }


def test_another_seed_gives_other_data(sample, tmp_path: Path) -> None:
    sources, _, _ = sample
    generate_sample(tmp_path / "sources", tmp_path / "truth", seed=SEED + 1, scale=SCALE)
    assert (sources / "dms/dealers.csv").read_bytes() != (tmp_path / "sources/dms/dealers.csv").read_bytes()


def test_manifest_row_counts_match_files(sample) -> None:
    sources, truth, manifest = sample
    counted = {
        "erp/partners.xlsx": len(read_sheet(sources / "erp/partners.xlsx", "经销商档案", 3)),
        "erp/products.xlsx": len(read_sheet(sources / "erp/products.xlsx", "物料主数据", 2)),
        "dms/dealers.csv": len(read_csv_gbk(sources / "dms/dealers.csv")),
        "dms/price_list.csv": len(read_csv_gbk(sources / "dms/price_list.csv")),
        "dms/orders.csv": len(read_csv_gbk(sources / "dms/orders.csv")),
        "crm/partners.jsonl": len(read_jsonl(sources / "crm/partners.jsonl")),
        "crm/customers.jsonl": len(read_jsonl(sources / "crm/customers.jsonl")),
        "sales/customers.xlsx": len(read_sales(sources / "sales/customers.xlsx")),
        "finance/ar_balances.txt": len((sources / "finance/ar_balances.txt").read_bytes().splitlines()) - 2,
        "dms/promotions.csv": len(read_csv_gbk(sources / "dms/promotions.csv")),
        "erp/volume_bands.csv": len(read_csv_gbk(sources / "erp/volume_bands.csv")),
    }
    assert {name: info["rows"] for name, info in manifest["files"].items()} == counted
    for name in ("entities.csv", "relations.csv", "defects.csv"):
        assert manifest["ground_truth"][name] == len(pd.read_csv(truth / name, dtype=str))


def test_every_partner_and_customer_record_has_a_true_entity(sample) -> None:
    sources, truth, _ = sample
    entities = pd.read_csv(truth / "entities.csv", dtype=str, keep_default_na=False)
    in_truth = set(
        zip(entities["entity"], entities["source_system"], entities["source_record_id"], strict=True)
    )
    assert in_truth == set(party_values(sources))
    assert not entities.duplicated(["source_system", "source_record_id", "entity"]).any()
    # duplicates exist both across sources and within one source
    per_entity = entities.groupby("true_entity_id")["source_system"].agg(["size", "nunique"])
    assert (per_entity["nunique"] > 1).any()
    assert (per_entity["size"] > per_entity["nunique"]).any()


def test_uscc_valid_unless_recorded_as_invalid(sample) -> None:
    sources, truth, _ = sample
    defects = pd.read_csv(truth / "defects.csv", dtype=str, keep_default_na=False)
    invalid = set(
        zip(
            defects.loc[defects["defect_kind"] == "invalid_uscc", "record_key"],
            defects.loc[defects["defect_kind"] == "invalid_uscc", "column"],
            strict=True,
        )
    )
    damaged = set(defects.loc[defects["defect_kind"].isin(["truncated_id", "sci_notation_id"]), "record_key"])
    columns = {"erp": "统一社会信用代码", "dms": "credit_code", "crm": "uscc", "sales": "信用代码"}
    checked = failing = 0
    for (_, source, key), row in party_values(sources).items():
        value = row[columns[source]]
        if blank(value) or key in damaged:
            continue
        checked += 1
        if (key, columns[source]) in invalid:
            failing += 1
            assert not is_valid_uscc(value), (key, value)
        else:
            assert is_valid_uscc(value), (key, value)
    assert failing == len(invalid) > 0
    assert checked > failing


def test_gtin_valid_unless_recorded_as_defect(sample) -> None:
    sources, truth, _ = sample
    defects = pd.read_csv(truth / "defects.csv", dtype=str, keep_default_na=False)
    flagged = set(defects.loc[(defects["column"] == "商品条码"), "record_key"])
    products = read_sheet(sources / "erp/products.xlsx", "物料主数据", 2)
    assert all(isinstance(v, str) for v in products["商品条码"] if not blank(v)), "GTINs must be text cells"
    for sku, gtin in zip(products["物料编码"], products["商品条码"], strict=True):
        if sku not in flagged:
            assert is_valid_gtin(gtin), (sku, gtin)


def _price_rows(sources: Path) -> dict[str, dict]:
    prices = read_csv_gbk(sources / "dms/price_list.csv")
    tiers = {"出厂价": "factory", "一批价": "tier1", "二批价": "tier2", "零售价": "retail"}
    # ERP material codes have 10 digits; a few lost their leading zero in the DMS export.
    return {
        f"{r['sku'].zfill(10)}|{tiers[r['price_type']]}|{r['region']}|{r['start_date']}": r
        for r in prices.to_dict("records")
    }


def test_every_recorded_defect_is_present_in_its_file(sample) -> None:
    sources, truth, _ = sample
    defects = pd.read_csv(truth / "defects.csv", dtype=str, keep_default_na=False)
    parties = party_values(sources)
    products = read_sheet(sources / "erp/products.xlsx", "物料主数据", 2)
    prices = _price_rows(sources)
    promotions = read_csv_gbk(sources / "dms/promotions.csv")
    assert defects["defect_kind"].nunique() >= 10
    for d in defects.to_dict("records"):
        kind, key, column = d["defect_kind"], d["record_key"], d["column"]
        if d["entity"] in ("partner", "customer"):
            value = parties[(d["entity"], d["source_system"], key)][column]
            if kind == "missing_required":
                assert blank(value), d
            elif kind == "invalid_uscc":
                assert not is_valid_uscc(value), d
            elif kind == "malformed_phone":
                assert str(value) == d["detail"].split(" (true")[0], d
            elif kind == "truncated_id":
                true = d["detail"].rsplit("true ", 1)[1]
                assert isinstance(value, float), d
                # a double keeps 15 significant digits of the 18: the rest are lost
                assert f"{value:.14e}".split("e")[0].replace(".", "") == true[:15], d
                assert true[15:] != "000", d
            elif kind == "sci_notation_id":
                assert isinstance(value, str) and re.fullmatch(r"\d\.\d{5}E\+17", value), d
            elif kind == "lost_leading_zero":
                assert isinstance(value, int) and len(str(value)) == 5, d
            else:
                pytest.fail(f"unexpected party defect {d}")
        elif d["entity"] == "product":
            rows = products[products["物料编码"] == key]
            if kind == "duplicate_sku":
                assert len(rows) >= 2 and rows["物料名称"].nunique(dropna=False) >= 2, d
            elif kind == "invalid_gtin":
                assert any(not is_valid_gtin(g) for g in rows["商品条码"]), d
            elif kind == "missing_required":
                assert rows[column].map(blank).any(), d
            elif kind == "nonstandard_unit":
                assert any(u not in ("箱", "瓶", "袋", "件", "桶") for u in rows["销售单位"]), d
            else:
                pytest.fail(f"unexpected product defect {d}")
        elif d["entity"] == "price":
            row = prices[key]
            sku, tier, region, start = key.split("|")
            if kind == "missing_price":
                assert row["price"] == "", d
            elif kind == "lost_leading_zero":
                assert row["sku"] == d["detail"].removeprefix("written as ") == sku.lstrip("0") != sku, d
            elif kind == "overlapping_price_period":
                later = [
                    r
                    for k, r in prices.items()
                    if k.startswith(f"{sku}|{tier}|{region}|") and r["start_date"] > start
                ]
                assert later and row["end_date"] >= min(r["start_date"] for r in later), d
            elif kind == "price_tier_inversion":
                if tier == "tier1":
                    other = [prices[f"{sku}|tier2|{region}|{start}"]]
                else:
                    other = [
                        r for k, r in prices.items() if k.startswith(f"{sku}|tier1|") and k.endswith(start)
                    ]
                assert float(row["price"]) > max(float(r["price"]) for r in other if r["price"]), d
            elif kind.startswith("price_") and "promotion" in kind:
                named = promotions[promotions["促销编码"] == row["promotion_code"]]
                own = named[named["商品编码"] == sku]
                if kind == "price_unknown_promotion":
                    assert named.empty, d
                elif kind == "price_promotion_other_sku":
                    assert len(named) and own.empty, d
                elif kind == "price_promotion_not_applying":
                    assert len(own) and set(own["状态"]) <= {"申请", "终止"}, d
                else:
                    assert kind == "price_outside_promotion_window", d
                    assert (own["结束日期"] < row["end_date"]).all() and len(own), d
            else:
                pytest.fail(f"unexpected price defect {d}")


def test_dms_csvs_are_gbk(sample) -> None:
    sources, _, _ = sample
    for name in ("dealers.csv", "price_list.csv", "orders.csv"):
        data = (sources / "dms" / name).read_bytes()
        data.decode("gbk")
        with pytest.raises(UnicodeDecodeError):
            data.decode("utf-8")


def test_erp_partner_workbook_has_title_and_merged_group_headers(sample) -> None:
    sources, _, _ = sample
    wb = openpyxl.load_workbook(sources / "erp/partners.xlsx")
    assert wb.sheetnames == ["经销商档案", "说明"]
    ws = wb["经销商档案"]
    assert ws["A1"].value == "经销商档案导出（ERP）导出日期：2026-11-01"
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert merged == {"A1:O1", "A2:E2", "F2:I2", "J2:L2", "M2:O2"}
    assert [ws.cell(2, c).value for c in (1, 6, 10, 13)] == ["基本信息", "地址", "联系方式", "其他"]
    assert ws["A3"].value == "客户编码" and ws["O3"].value == "建档日期"
    assert ws["O4"].is_date and re.fullmatch(r"C\d{6}", ws["A4"].value)


def test_sales_workbook_has_region_sheets_numbers_and_a_hidden_column(sample) -> None:
    sources, _, _ = sample
    wb = openpyxl.load_workbook(sources / "sales/customers.xlsx")
    assert set(wb.sheetnames) <= {"华东", "华南", "华北", "华中", "西南", "西北", "东北"}
    assert len(wb.sheetnames) >= 3
    sales = read_sales(sources / "sales/customers.xlsx")
    assert any(isinstance(v, int) for v in sales["联系电话"])
    assert all(isinstance(v, int) for v in sales["邮编"] if not blank(v))
    assert all(wb[name].column_dimensions["I"].hidden for name in wb.sheetnames)
    assert wb[wb.sheetnames[0]]["I1"].value == "备注(内部)"


def test_finance_file_is_fixed_width_gbk_with_trailer(sample) -> None:
    sources, _, _ = sample
    lines = (sources / "finance/ar_balances.txt").read_bytes().split(b"\r\n")[:-1]
    assert lines[0] == b"HDR AR_BALANCE 20261031"
    assert lines[-1] == f"TRL {len(lines) - 2}".encode()
    erp_codes = set(read_sheet(sources / "erp/partners.xlsx", "经销商档案", 3)["客户编码"])
    for line in lines[1:-1]:
        assert len(line) == 91
        assert line[:10].decode().strip() in erp_codes
        line[10:50].decode("gbk")
        float(line[50:65])
        assert line[80:88] == b"20261031" and line[88:91] == b"CNY"
    assert any(float(line[50:65]) < 0 for line in lines[1:-1])


def test_order_lines_are_priced_from_the_price_list(sample) -> None:
    sources, _, _ = sample
    orders = read_csv_gbk(sources / "dms/orders.csv")
    dealers = read_csv_gbk(sources / "dms/dealers.csv").set_index("dealer_code")
    prices = read_csv_gbk(sources / "dms/price_list.csv")
    prices["sku"] = prices["sku"].str.zfill(10)
    for o in orders.to_dict("records"):
        assert f"{int(o['qty']) * float(o['unit_price']):.2f}" == o["amount"]
        dealer = dealers.loc[o["dealer_code"]]
        tier = "一批价" if dealer["dealer_level"] == "一级" else "二批价"
        offers = prices[
            (prices["sku"] == o["sku"])
            & (prices["price_type"] == tier)
            & (prices["region"] == dealer["region"])
            & (prices["start_date"] <= o["order_date"])
            & ((prices["end_date"] == "") | (prices["end_date"] >= o["order_date"]))
        ]
        assert len(offers), o
        written = {p for p in offers["price"] if p}
        assert not written or o["unit_price"] in written, o


def test_relations_name_existing_distinct_entities(sample) -> None:
    _, truth, _ = sample
    entities = pd.read_csv(truth / "entities.csv", dtype=str, keep_default_na=False)
    relations = pd.read_csv(truth / "relations.csv", dtype=str)
    assert set(relations["relation"]) >= {
        "branch_of",
        "same_trade_name_other_city",
        "subsidiary_of",
        "same_name_other_person",
    }
    known = set(entities["true_entity_id"])
    assert (relations["true_entity_id_a"] != relations["true_entity_id_b"]).all()
    assert set(relations["true_entity_id_a"]) | set(relations["true_entity_id_b"]) <= known


@pytest.mark.parametrize("kind, entity", [("partner", PARTNER), ("customer", CUSTOMER)])
def test_generate_party_records_returns_canonical_records_and_truth(kind, entity) -> None:
    records, truth = generate_party_records(300, seed=3, kind=kind)
    assert list(records.columns) == ["source_system", *entity.column_names]
    assert list(truth.columns) == ["source_system", "source_record_id", "true_entity_id", "variant_kinds"]
    assert len(records) == len(truth) > 300
    assert (records["source_record_id"].to_numpy() == truth["source_record_id"].to_numpy()).all()
    assert truth["true_entity_id"].nunique() == 300
    kinds = set(";".join(truth["variant_kinds"]).split(";")) - {""}
    assert {"typo", "phone_format", "address_variant"} <= kinds
    again, _ = generate_party_records(300, seed=3, kind=kind)
    pd.testing.assert_frame_equal(records, again)


def test_generate_party_records_rejects_unknown_kind() -> None:
    with pytest.raises(ValueError, match="kind must be 'partner' or 'customer', not 'product'"):
        generate_party_records(10, seed=1, kind="product")


def test_cli_rejects_a_non_positive_scale(capsys) -> None:
    assert main(["generate", "--scale", "0"]) == 2
    assert capsys.readouterr().err.strip() == (
        "channel-mdm generate: error: --scale 0.0: must be greater than 0 (1.0 is the committed sample size)"
    )


def test_cli_rejects_a_file_as_output_folder(tmp_path: Path, capsys) -> None:
    target = tmp_path / "taken"
    target.write_text("x")
    assert main(["generate", "--out", str(target), "--truth", str(tmp_path / "t")]) == 2
    assert capsys.readouterr().err.strip() == (
        f"channel-mdm generate: error: --out {target}: is a file, not a folder; pass a folder to write into"
    )


def test_cli_writes_sources_and_manifest(tmp_path: Path) -> None:
    assert (
        main(
            [
                "generate",
                "--out",
                str(tmp_path / "s"),
                "--truth",
                str(tmp_path / "t"),
                "--scale",
                "0.03",
                "--seed",
                "11",
            ]
        )
        == 0
    )
    manifest = json.loads((tmp_path / "t/manifest.json").read_text(encoding="utf-8"))
    assert manifest["seed"] == 11 and manifest["scale"] == 0.03
    assert all((tmp_path / "s" / name).is_file() for name in manifest["files"])


def test_excel_damage_keeps_15_digits_and_drops_leading_zeros(monkeypatch) -> None:
    import numpy as np

    from sample_data import excel_damage
    from sample_data.defects import DefectLog

    monkeypatch.setattr(excel_damage, "P_DAMAGED_USCC", 1.0)
    rec = pd.DataFrame(
        {
            "source_record_id": [f"KH{i}" for i in range(40)],
            "uscc": ["914403001922038216"] * 40,
            "phone": ["13812345678", "0755-26881234"] * 20,
            "postcode": ["010010", "518000"] * 20,
        }
    )
    log = DefectLog()
    cells = excel_damage.sales_cell_values(np.random.Generator(np.random.PCG64(1)), rec, log)
    kinds = log.frame()["defect_kind"].value_counts().to_dict()
    assert kinds["lost_leading_zero"] == 20
    assert kinds["truncated_id"] + kinds["sci_notation_id"] == 40 and kinds["truncated_id"] > 0
    assert {v for v in cells["uscc_cell"] if isinstance(v, float)} == {914403001922038000.0}
    assert {v for v in cells["uscc_cell"] if isinstance(v, str)} == {"9.14403E+17"}
    assert list(cells["phone_cell"][:2]) == [13812345678, "0755-26881234"]
    assert list(cells["postcode_cell"][:2]) == [10010, 518000]


def test_committed_sample_matches_its_manifest() -> None:
    root = Path(__file__).resolve().parents[2] / "sample_data"
    manifest_path = root / "ground_truth" / "manifest.json"
    if not manifest_path.is_file():
        pytest.skip("no committed sample")
    import hashlib

    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    for name, info in manifest["files"].items():
        assert hashlib.sha256((root / "sources" / name).read_bytes()).hexdigest() == info["sha256"], name
    assert set(manifest["defects_by_kind"]) == {
        "invalid_gtin",
        "duplicate_sku",
        "missing_required",
        "nonstandard_unit",
        "price_tier_inversion",
        "overlapping_price_period",
        "missing_price",
        "invalid_uscc",
        "malformed_phone",
        "sci_notation_id",
        "truncated_id",
        "lost_leading_zero",
        "promotion_below_floor",
        "promotion_overlap",
        "promotion_invalid_sku",
        "promotion_outside_price_period",
        "promotion_unknown_status",
        "promotion_window_reversed",
        "volume_band_gap",
        "volume_band_overlap",
        "volume_discount_falls",
        "volume_discount_above_max",
        "price_unknown_promotion",
        "price_promotion_other_sku",
        "price_promotion_not_applying",
        "price_outside_promotion_window",
    }
    total = sum(p.stat().st_size for p in (root / "sources").rglob("*") if p.is_file())
    assert total < 5 * 1024 * 1024


HARD_COMPANY_KINDS = {
    "strong_ids_gone",
    "uscc_missing",
    "uscc_mistyped",
    "phone_changed",
    "phone_missing",
    "abbreviated_name",
    "homophone_name",
    "english_name",
    "address_rewritten",
    "email_changed",
}


@pytest.fixture(scope="module")
def hard_partners():
    from sample_data.generate import generate_party_data

    return generate_party_data(600, seed=5, kind="partner", difficulty="hard")


@pytest.fixture(scope="module")
def hard_customers():
    from sample_data.generate import generate_party_data

    return generate_party_data(600, seed=5, kind="customer", difficulty="hard")


def _with_kinds(data) -> pd.DataFrame:
    key = ["source_system", "source_record_id"]
    return data.records.merge(data.truth, on=key, validate="one_to_one")


def _clean_copies(frame: pd.DataFrame) -> pd.DataFrame:
    """One unvaried record per true entity, where the entity has one."""
    return frame[frame["variant_kinds"] == ""].drop_duplicates("true_entity_id").set_index("true_entity_id")


def test_standard_is_the_default_difficulty_and_unknown_levels_are_rejected() -> None:
    records, truth = generate_party_records(200, seed=3, kind="partner")
    same, same_truth = generate_party_records(200, seed=3, kind="partner", difficulty="standard")
    pd.testing.assert_frame_equal(records, same)
    pd.testing.assert_frame_equal(truth, same_truth)
    with pytest.raises(ValueError, match="difficulty must be 'standard' or 'hard', not 'easy'"):
        generate_party_records(10, seed=1, difficulty="easy")


@pytest.mark.parametrize("kind, entity", [("partner", PARTNER), ("customer", CUSTOMER)])
def test_hard_level_is_deterministic_for_a_seed(kind, entity) -> None:
    records, truth = generate_party_records(300, seed=9, kind=kind, difficulty="hard")
    again, again_truth = generate_party_records(300, seed=9, kind=kind, difficulty="hard")
    pd.testing.assert_frame_equal(records, again)
    pd.testing.assert_frame_equal(truth, again_truth)
    assert list(records.columns) == ["source_system", *entity.column_names]
    assert truth["true_entity_id"].nunique() == 300
    other, _ = generate_party_records(300, seed=10, kind=kind, difficulty="hard")
    standard, _ = generate_party_records(300, seed=9, kind=kind)
    assert not records.equals(other)
    assert not records.equals(standard)


def test_hard_partners_carry_every_new_variant_kind(hard_partners) -> None:
    kinds = set(";".join(hard_partners.truth["variant_kinds"]).split(";")) - {""}
    assert kinds >= HARD_COMPANY_KINDS


def test_hard_customers_carry_every_new_variant_kind(hard_customers) -> None:
    kinds = set(";".join(hard_customers.truth["variant_kinds"]).split(";")) - {""}
    assert HARD_COMPANY_KINDS | {"id_number_missing"} <= kinds


def test_hard_variant_kinds_name_changes_that_happened(hard_partners) -> None:
    frame = _with_kinds(hard_partners)
    clean = _clean_copies(frame)
    has = frame["variant_kinds"].str.split(";").apply(set)
    strong = frame[has.apply(lambda k: "strong_ids_gone" in k)]
    assert len(strong) > 20
    for row in strong.itertuples():
        assert row.uscc == "" or not is_valid_uscc(row.uscc)
        if row.true_entity_id in clean.index:
            assert row.uscc != clean.at[row.true_entity_id, "uscc"]
            assert row.phone != clean.at[row.true_entity_id, "phone"]
    for row in frame[has.apply(lambda k: "abbreviated_name" in k)].itertuples():
        name = re.sub(r"(分公司|办事处|营业部)$", "", re.sub(r"\s", "", row.partner_name))
        assert not re.search(r"(公司|商行|经营部|贸易行|合伙)$", name) and "市" not in name, name
        if row.true_entity_id in clean.index:
            assert name[:2] in clean.at[row.true_entity_id, "partner_name"]
    for row in frame[has.apply(lambda k: "english_name" in k)].itertuples():
        assert re.fullmatch(r"[A-Za-z][A-Za-z ,.'()&-]+", row.partner_name.strip()), row.partner_name
    for row in frame[has.apply(lambda k: "homophone_name" in k)].itertuples():
        if row.true_entity_id in clean.index:
            assert row.partner_name != clean.at[row.true_entity_id, "partner_name"]
    for row in frame[has.apply(lambda k: "address_rewritten" in k)].itertuples():
        if row.province not in ("北京市", "上海市", "天津市", "重庆市"):
            assert not row.address.startswith(row.province), row.address
    emails = frame[has.apply(lambda k: "email_changed" in k)]
    assert len(emails) > 0
    for row in emails.itertuples():
        if row.true_entity_id in clean.index:
            assert row.email != clean.at[row.true_entity_id, "email"]


def test_hard_partners_include_every_hard_negative_relation(hard_partners) -> None:
    rel = hard_partners.relations
    assert set(rel["relation"]) == {
        "branch_of",
        "same_trade_name_other_city",
        "subsidiary_of",
        "sister_company",
    }
    assert (rel["true_entity_id_a"] != rel["true_entity_id_b"]).all()
    clean = _clean_copies(_with_kinds(hard_partners))
    checked = {"sister_company": 0, "same_trade_name_other_city": 0, "branch_of": 0}
    for row in rel.itertuples():
        if row.relation not in checked or not {row.true_entity_id_a, row.true_entity_id_b} <= set(
            clean.index
        ):
            continue
        a, b = clean.loc[row.true_entity_id_a], clean.loc[row.true_entity_id_b]
        assert a["uscc"] != b["uscc"] and is_valid_uscc(a["uscc"]) and is_valid_uscc(b["uscc"])
        if row.relation == "sister_company":
            assert a["phone"] == b["phone"] and a["address"] == b["address"]
        elif row.relation == "same_trade_name_other_city":
            assert a["city"] != b["city"]
        else:
            assert re.search(r"(分公司|办事处|营业部)$", a["partner_name"].strip()), a["partner_name"]
        checked[row.relation] += 1
    assert all(count > 0 for count in checked.values()), checked


def test_hard_customers_include_sisters_branches_and_same_name_people(hard_customers) -> None:
    assert set(hard_customers.relations["relation"]) == {
        "branch_of",
        "same_trade_name_other_city",
        "sister_company",
        "same_name_other_person",
    }


def test_hard_trade_names_are_broad_and_mail_domains_are_not_shared_by_strangers() -> None:
    from sample_data.generate import generate_party_data

    data = generate_party_data(3000, seed=2, kind="partner", difficulty="hard")
    frame = _with_kinds(data)
    clean = _clean_copies(frame)
    related = set(data.relations["true_entity_id_a"]) | set(data.relations["true_entity_id_b"])
    strangers = clean[~clean.index.isin(related)]
    names = (
        strangers["partner_name"]
        .str.extract(r"^(?:.{2,4}市)?(.{2,4}?)(?:商贸|贸易|食品|酒业|饮品)")[0]
        .dropna()
    )
    assert names.nunique() > 0.9 * len(names) and names.nunique() > 300
    assert len(set("".join(names))) > 250
    domain = strangers["email"].str.extract(r"@(.+)$")[0].dropna()
    own = domain[~domain.isin(["163.com", "126.com", "qq.com", "sina.com", "139.com", "foxmail.com"])]
    assert len(own) > 500
    assert not own.duplicated().any()
