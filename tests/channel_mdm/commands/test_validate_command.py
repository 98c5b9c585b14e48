from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from channel_mdm.cli import main

PRODUCTS = pd.DataFrame(
    {
        "sku_code": ["1001000001", "1001000002"],
        "gtin": ["6901234567892", "6901234567891"],
        "product_name": ["米醋", "陈醋"],
        "spec": ["500ml×12瓶/箱", "250g*20袋/箱"],
        "sales_unit": ["箱", "箱"],
        "tax_rate": ["0.13", "0.13"],
        "category": ["调味品", "调味品"],
        "brand": ["金禾", "金禾"],
    }
)
PRICES = pd.DataFrame(
    {
        "sku_code": ["1001000001", "1001000002"],
        "price_tier": ["出厂价", "出厂价"],
        "sales_region": ["华东", "华东"],
        "price": ["10.00", "8.00"],
        "effective_from": ["2026-01-01", "2026-01-01"],
        "effective_to": ["", ""],
    }
)


def test_validate_prints_counts_and_writes_quarantine(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    products, prices = tmp_path / "products.csv", tmp_path / "prices.xlsx"
    PRODUCTS.to_csv(products, index=False, encoding="gbk")
    PRICES.to_excel(prices, index=False)
    quarantine = tmp_path / "out" / "quarantine.csv"
    code = main(
        [
            "validate",
            "--products",
            str(products),
            "--prices",
            str(prices),
            "--docs",
            str(tmp_path / "docs"),
            "--quarantine",
            str(quarantine),
        ]
    )
    out = capsys.readouterr().out
    assert code == 1
    assert "gtin_valid" in out and "unknown_sku" in out
    assert f"Data Docs: {tmp_path / 'docs' / 'index.html'}" in out
    rows = pd.read_csv(quarantine, dtype=str, encoding="utf-8-sig")
    # The product with a bad GTIN is quarantined, so its price is for an unknown SKU.
    assert rows[["suite", "rule", "sku_code"]].values.tolist() == [
        ["products", "gtin_valid", "1001000002"],
        ["prices", "unknown_sku", "1001000002"],
    ]


def test_missing_file_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "nope.csv"
    assert main(["validate", "--products", str(missing)]) == 2
    assert capsys.readouterr().err == f"channel-mdm validate: error: {missing}: file not found\n"


def test_without_files_says_what_to_give(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate"]) == 2
    assert capsys.readouterr().err == (
        "channel-mdm validate: error: give any of --products FILE, --prices FILE, --promotions FILE, "
        "--volume-bands FILE\n"
    )


PROMOTIONS = pd.DataFrame(
    {
        "promotion_code": ["CX1", "CX2"],
        "status": ["发布", "申请"],
        "channel": ["KA", "KA"],
        "sku_code": ["1001000001", "1001000001"],
        "promoted_price": ["9.20", "9.00"],
        "floor_price": ["8.50", "8.50"],
        "effective_from": ["2026-03-01", "2026-05-01"],
        "effective_to": ["2026-03-31", "2026-05-31"],
    }
)
PROMOTION_PRICES = pd.DataFrame(
    {
        "sku_code": ["1001000001"] * 4,
        "price_tier": ["出厂价"] * 4,
        "sales_region": ["华东"] * 4,
        "channel": ["", "KA", "电商", "特通"],
        "price": ["10.00", "9.20", "9.00", "9.30"],
        "effective_from": ["2026-01-01", "2026-03-01", "2026-05-01", "2026-03-01"],
        "effective_to": ["", "2026-03-31", "2026-05-31", "2026-03-31"],
        "promotion_code": ["", "CX1", "CX2", "CX9"],
    }
)


def test_validate_checks_promotions_volume_bands_and_the_promotion_a_price_names(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    prices, promotions, bands = tmp_path / "prices.csv", tmp_path / "promotions.xlsx", tmp_path / "bands.csv"
    PROMOTION_PRICES.to_csv(prices, index=False)
    PROMOTIONS.to_excel(promotions, index=False)
    pd.DataFrame(
        {
            "price_tier": ["tier1", "tier1"],
            "channel": ["KA", "KA"],
            "min_quantity": ["1", "150"],
            "max_quantity": ["99", ""],
            "discount_rate": ["0", "0.03"],
        }
    ).to_csv(bands, index=False)
    quarantine = tmp_path / "quarantine.csv"
    code = main(
        [
            "validate",
            *("--prices", str(prices), "--promotions", str(promotions), "--volume-bands", str(bands)),
            *("--docs", str(tmp_path / "docs"), "--quarantine", str(quarantine)),
        ]
    )
    out = capsys.readouterr().out
    assert code == 1
    assert "price_promotion_valid" in out and "promotion_window_in_price_period" in out
    assert "bands_contiguous" in out
    rows = pd.read_csv(quarantine, dtype=str, encoding="utf-8-sig")
    flagged = rows[rows["rule"] == "price_promotion_valid"].set_index("value")["reason"]
    assert sorted(flagged.index) == ["CX2", "CX9"]  # an application does not take effect; CX9 does not exist
    assert "申请" in flagged["CX2"] and "applying_statuses" in flagged["CX2"]
    assert "not in the promotion list" in flagged["CX9"]
    gap = rows[rows["rule"] == "bands_contiguous"]
    assert gap["min_quantity"].tolist() == ["150"] and "100–149" in gap["reason"].iat[0]


def test_validate_help_explains_the_promotion_and_volume_band_files(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit):
        main(["validate", "--help"])
    out = capsys.readouterr().out
    assert "--promotions" in out and "--volume-bands" in out
    assert "promotion_code" in out and "审批/发布" in out
