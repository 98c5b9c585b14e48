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
    assert (
        capsys.readouterr().err == "channel-mdm validate: error: give --products FILE and/or --prices FILE\n"
    )
