"""A side read through a source mapping: the columns are the canonical ones, and rows the mapping cannot
use are listed with their reasons instead of being dropped silently."""

from __future__ import annotations

from foundation.settings import PROJECT_ROOT
from migration.cutover import load_compare_config, run_comparison
from tests.compare.conftest import write_yaml

PRODUCTS = PROJECT_ROOT / "sample_data" / "sources" / "erp" / "products.xlsx"
MAPPING = PROJECT_ROOT / "sample_data" / "mappings" / "erp_product.yaml"


def test_the_erp_products_through_their_mapping_against_themselves(tmp_path):
    side = {"file": str(PRODUCTS), "mapping": str(MAPPING)}
    entity = {
        "label": "products", "old": side, "new": side, "key": ["sku_code"],
        "columns": ["sku_code", "product_name", "brand", "tax_rate", "status"],
        "rules": {"tax_rate": {"kind": "number"}},
    }  # fmt: skip
    result = run_comparison(
        load_compare_config(write_yaml(tmp_path / "c.yaml", {"entities": {"product": entity}}))
    )
    checks = {c.check: c for c in result.checks}
    assert checks["fields"].accepted and checks["key_coverage"].accepted and checks["hash_totals"].accepted
    unreadable = checks["unreadable_rows"]
    assert not unreadable.accepted  # the sample's ERP file holds rows its mapping quarantines
    assert unreadable.rows[0] == [
        "old",
        str(PRODUCTS),
        74,
        "product_name",
        "required column product_name (from 物料名称) is empty",
    ]
    old_rows = [row[2:] for row in unreadable.rows if row[0] == "old"]
    assert old_rows == [row[2:] for row in unreadable.rows if row[0] == "new"]
    assert (
        unreadable.statement
        == f"{len(unreadable.rows)} rows could not be read through the mapping and so were not compared."
    )
    assert result.sides["product"]["old"] == str(PRODUCTS)
