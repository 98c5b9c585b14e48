"""A SKU is unique only if it is unique among every row the sources had.

Found by a hostile run: the uniqueness rule saw only rows accepted at ingest, so a SKU whose twin had
been quarantined at ingest was loaded; the generated sample at ``--scale 10`` then ended NOT ACCEPTED
(product expected 3,398, in store 3,399).
"""

from __future__ import annotations

from pathlib import Path

from cleansing.quarantine import quarantined_business_keys
from expectations.runner import validate_products
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
  spec: spec
  sales_unit: unit
  tax_rate: tax
  category: category
  brand: brand
"""


def test_a_sku_whose_twin_was_quarantined_at_ingest_is_not_loaded(tmp_path: Path) -> None:
    sources = source_folder(tmp_path)
    rows = [
        "sku,gtin,name,spec,unit,tax,category,brand",
        "1001000001,6901234567892,米醋,500ml×12瓶/箱,箱,0.13,调味品,金禾",
        "1001000001,6901234567892,,500ml×12瓶/箱,箱,0.13,调味品,金禾",  # its twin, no name: quarantined at ingest
        "1001000002,6901234567885,陈醋,500ml×12瓶/箱,箱,0.13,调味品,金禾",
    ]
    (sources / "products.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    result = ingest_mapping(tmp_path, MAPPING, "product")
    assert result.accepted["sku_code"].tolist() == ["1001000001", "1001000002"]
    assert result.quarantined["reason_code"].tolist() == ["missing_required"]

    outcome = validate_products(
        result.accepted,
        quarantined_skus=quarantined_business_keys(result.quarantined.assign(entity="product"), "product"),
    )
    assert outcome.passed["sku_code"].tolist() == ["1001000002"]
    failed = outcome.quarantined[outcome.quarantined["rule"] == "sku_code_unique"]
    assert failed["sku_code"].tolist() == ["1001000001"]
    assert failed["reason"].tolist() == ["SKU code 1001000001 appears on 2 rows (1 quarantined at ingest)"]


def test_without_ingest_twins_every_copy_of_a_duplicate_still_fails() -> None:
    import pandas as pd

    products = pd.DataFrame(
        {
            "sku_code": ["A1", "A1", "B2"],
            "gtin": ["6901234567892", "6901234567892", "6901234567885"],
            "product_name": ["米醋", "米醋", "陈醋"],
            "spec": ["500ml"] * 3,
            "sales_unit": ["箱"] * 3,
            "tax_rate": ["0.13"] * 3,
            "category": ["调味品"] * 3,
            "brand": ["金禾"] * 3,
        }
    )
    outcome = validate_products(products)
    failed = outcome.quarantined[outcome.quarantined["rule"] == "sku_code_unique"]
    assert failed["reason"].tolist() == ["SKU code A1 appears on 2 rows"] * 2
    assert outcome.passed["sku_code"].tolist() == ["B2"]
