"""Codes are compared as a system compares them: full-width digits and invisible characters do not
make a new SKU.

Found by a hostile run: ``１００９００６２５７`` and ``1009006257`` followed by a zero-width space were
accepted as two new SKUs distinct from ``1009006257``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from cleansing.text import normalise_code
from tests.reliability.source_folder import ingest_mapping, source_folder

MAPPING = """\
source_system: erp
entity: product
trust_rank: 1
file: products.csv
format: csv
columns:
  sku_code: sku
  gtin: gtin
  product_name: name
"""


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("１００９００６２５７", "1009006257"),
        ("1009006257\u200b", "1009006257"),
        ("\ufeff1009006257", "1009006257"),
        ("10090\u00ad06257", "1009006257"),
        ("1009006257\u00a0", "1009006257"),
        ("ＡＢ－１２", "AB-12"),
        ("\u200b", None),
    ],
)
def test_a_code_is_normalised(written: str, code: str | None) -> None:
    assert normalise_code(written) == code


def test_normalised_codes_are_one_sku_and_each_change_is_flagged(tmp_path: Path) -> None:
    sources = source_folder(tmp_path)
    rows = [
        "sku,gtin,name",
        "1009006257,6901234567892,米醋",
        "１００９００６２５７,６９０１２３４５６７８９２,米醋",
        "1009006257\u200b,6901234567892,米醋",
    ]
    (sources / "products.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    result = ingest_mapping(tmp_path, MAPPING, "product")
    assert result.accepted["sku_code"].tolist() == ["1009006257"] * 3
    assert result.accepted["gtin"].tolist() == ["6901234567892"] * 3
    assert result.accepted["data_flags"].fillna("").tolist() == [
        "",
        "sku_code:normalised;gtin:normalised",
        "sku_code:normalised",
    ]
