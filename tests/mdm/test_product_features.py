"""What a product record is compared on: decoration stripped, what tells products apart kept."""

from __future__ import annotations

import pandas as pd
import pytest

from mdm.product_features import model_codes, prepare_products


@pytest.mark.parametrize(
    ("name", "models"),
    [
        ("Sony Bravia 46' LCD TV - KDL-46V4100", {"kdl46v4100"}),
        ("Apple MacBook Pro Notebook - MB471LL/A", {"mb471lla"}),
        ("Linksys EtherFast 8-Port 10/100 Switch", set()),  # features, not models
        ("Apple MacBook Pro 2.53GHz", set()),
        ("清泉谷天然矿泉水 550ml", set()),
    ],
)
def test_model_numbers_are_read_from_names(name: str, models: set[str]) -> None:
    assert model_codes(name) == frozenset(models)


def test_brand_decoration_and_spec_are_stripped_from_the_name() -> None:
    products = pd.DataFrame(
        {
            "source_system": ["erp", "dms", "sales", "sales"],
            "sku_code": ["1001", "ｄ-1", "S1", "S2"],
            "gtin": ["6901234567892", None, "6901234567892", None],
            "product_name": [
                "清泉谷含气天然矿泉水 550ml",
                "【清泉谷】天然矿泉水",
                "清泉谷牌天然矿泉水 550毫升",
                "清泉谷天然矿泉水",
            ],
            "brand": ["清泉谷", "清泉谷", None, None],
            "spec": ["550ml×24瓶/箱", "550ML*24", "24×550毫升/箱", None],
        }
    )
    features = prepare_products(products)
    assert features["name_core"].tolist() == ["含气天然矿泉水", "天然矿泉水", "天然矿泉水", "天然矿泉水"]
    assert features["brand"].tolist() == ["清泉谷"] * 4  # a blank brand is found at the start of the name
    assert features["code"].tolist() == ["1001", "D-1", "S1", "S2"]
    gtins = features["gtin14"]
    assert [gtins[0], gtins[2]] == ["06901234567892"] * 2 and pd.isna(gtins[1])
    assert features["net_content"].tolist()[:3] == [550.0, 550.0, 550.0]
    assert features["units_per_case"].tolist()[:3] == [24.0, 24.0, 24.0]
