"""A second product source with its own codes: the whole pipeline maps its codes to the ERP's master SKUs,
loads the crosswalk, and loads prices and order lines that use those codes under the master SKU."""

from __future__ import annotations

import shutil

import dagster as dg
import pandas as pd
import pytest
from sqlalchemy import create_engine, select

from foundation.settings import PROJECT_ROOT
from migration.models import TABLES

pytestmark = pytest.mark.slow

SALES_PRODUCTS = """商品编号,条码,商品名称,品牌,规格,单位,品类,税率
XS-001,,【清泉谷】有机面粉,清泉谷,5升/桶,桶装,粮油,0.09
ＸＳ-002,6923450923948,洗衣液,,1.1公斤×12,箱装,日化,0.13
"""
SALES_MAPPING = """source_system: sales
entity: product
trust_rank: 3
file: sales/products.csv
format: csv
columns:
  sku_code: 商品编号
  gtin: 条码
  product_name: 商品名称
  brand: 品牌
  spec: 规格
  sales_unit: 单位
  category: 品类
  tax_rate: 税率
"""


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    root = tmp_path_factory.mktemp("crosswalk")
    sources, mappings = root / "sources", root / "mappings"
    shutil.copytree(PROJECT_ROOT / "sample_data" / "sources", sources)
    shutil.copytree(PROJECT_ROOT / "sample_data" / "mappings", mappings)
    (sources / "sales" / "products.csv").write_text(SALES_PRODUCTS, encoding="utf-8")
    (mappings / "sales_product.yaml").write_text(SALES_MAPPING, encoding="utf-8")
    prices = pd.read_csv(sources / "dms" / "price_list.csv", encoding="gbk", dtype=str, keep_default_na=False)
    legacy_price = {"sku": "XS-001", "price_type": "一批价", "region": "华东", "price": "42.00",
                    "currency": "CNY", "start_date": "2026-01-01", "end_date": ""}  # fmt: skip
    pd.concat([prices, pd.DataFrame([legacy_price])]).to_csv(
        sources / "dms" / "price_list.csv", index=False, encoding="gbk"
    )
    orders = pd.read_csv(sources / "dms" / "orders.csv", encoding="gbk", dtype=str, keep_default_na=False)
    line = orders.iloc[0].to_dict() | {"line_no": "99", "sku": "XS-001"}
    pd.concat([orders, pd.DataFrame([line])]).to_csv(
        sources / "dms" / "orders.csv", index=False, encoding="gbk"
    )

    mp = pytest.MonkeyPatch()
    mp.setenv("CHANNEL_MDM_DATA_DIR", str(root / "data"))
    mp.setenv("CHANNEL_MDM_SOURCES_DIR", str(sources))
    mp.setenv("CHANNEL_MDM_MAPPINGS_DIR", str(mappings))
    mp.delenv("CHANNEL_MDM_STORE_URL", raising=False)
    from pipelines.definitions import defs

    with dg.DagsterInstance.ephemeral() as instance:
        result = defs.resolve_job_def("master_data_sync").execute_in_process(
            instance=instance, partition_key="2026-11-28"
        )
    mp.undo()
    assert result.success
    engine = create_engine(f"sqlite:///{root / 'data' / 'channel_store.sqlite'}")
    with engine.connect() as connection:
        tables = {
            name: pd.DataFrame(connection.execute(select(TABLES[name])).mappings().all())
            for name in ("product_crosswalk", "price", "order_line", "product")
        }
    engine.dispose()
    return result, tables, root / "data"


def test_the_other_source_codes_map_to_the_erp_skus(run) -> None:
    _, tables, _ = run
    crosswalk = tables["product_crosswalk"].set_index(["source_system", "source_code"])
    assert crosswalk.loc[("sales", "XS-001"), ["sku_code", "match_method"]].tolist() == [
        "1009006257",
        "fuzzy",
    ]
    # codes are kept as systems compare them: the full-width ＸＳ-002 is XS-002
    assert crosswalk.loc[("sales", "XS-002"), ["sku_code", "match_method"]].tolist() == [
        "1010006285",
        "gtin",
    ]
    assert crosswalk.loc[("erp", "1009006257"), "match_method"] == "master"


def test_merged_products_add_no_master_of_their_own(run) -> None:
    _, tables, _ = run
    assert not tables["product"]["sku_code"].isin(["XS-001", "ＸＳ-002", "XS-002"]).any()


def test_a_price_and_an_order_line_with_the_legacy_code_load_under_the_master_sku(run) -> None:
    _, tables, _ = run
    price = tables["price"]
    assert len(price[(price["sku_code"] == "1009006257") & (price["sales_region"] == "华东")]) == 1
    lines = tables["order_line"]
    assert lines.loc[lines["line_no"] == 99, "sku_code"].tolist() == ["1009006257"]


def test_the_review_workbook_is_written(run) -> None:
    _, _, data = run
    assert (data / "reports" / "product_review.xlsx").is_file()
