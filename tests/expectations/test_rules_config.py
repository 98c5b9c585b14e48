"""Stewards' category tree and price limits are checked when loaded, with the file and key named."""

from __future__ import annotations

from pathlib import Path

import pytest

from expectations.rules_config import load_category_vocabulary, load_price_rules
from foundation.errors import UserError


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_default_tree_knows_nodes_by_name_and_path() -> None:
    vocabulary = load_category_vocabulary()
    assert vocabulary.node("茶饮料").path == ("饮料", "茶饮料")
    assert vocabulary.node("饮料/茶饮料/绿茶").level == 3
    assert vocabulary.required_for(vocabulary.node("绿茶")) == (
        "brand",
        "sales_unit",
        "net_content",
        "net_content_unit",
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "categories: {饮料: [水]}\nminimum_levle: 2\n",
            "unknown key 'minimum_levle'; did you mean 'minimum_level'?",
        ),
        (
            "categories: {饮料: {水: [矿泉水]}, 食品: [水]}\n",
            "category '水' appears twice (饮料/水 and 食品/水); give each node a unique name",
        ),
        (
            "categories: {饮料: [水]}\nminimum_level: 4\n",
            "minimum_level must be 1 (大类), 2 (中类) or 3 (小类), not 4",
        ),
        (
            "categories: {饮料: [水]}\nrequired_attributes: {饮品: [brand]}\n",
            "required_attributes.饮品 names no category in the tree; did you mean '饮料'?",
        ),
        (
            "categories: {饮料: [水]}\nrequired_attributes: {饮料: [brnad]}\n",
            "required_attributes.饮料: 'brnad' is not a product column; did you mean 'brand'?",
        ),
        ("categories: []\n", "'categories' must be a non-empty mapping of 大类 names"),
    ],
)
def test_category_file_mistakes_are_named(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path, "categories.yaml", text)
    with pytest.raises(UserError) as caught:
        load_category_vocabulary(path)
    assert str(caught.value) == f"{path}: {message}"


BASE = "price_floor: 0.1\nmax_decimal_places: 2\ntax_tolerance: 0.01\nprice_change_review_percent: 30\n"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (BASE + "price_flor: 1\n", "unknown key 'price_flor'; did you mean 'price_floor'?"),
        (BASE.replace("0.1\n", "'cheap'\n", 1), "price_floor must be a number of at least 0, not 'cheap'"),
        (
            BASE.replace("max_decimal_places: 2", "max_decimal_places: 2.5"),
            "max_decimal_places must be a whole number from 0 to 4, not 2.5",
        ),
        (
            BASE.replace("tax_tolerance: 0.01\n", ""),
            "tax_tolerance is missing; see the comments at the top of the file",
        ),
    ],
)
def test_price_rule_mistakes_are_named(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path, "price_rules.yaml", text)
    with pytest.raises(UserError) as caught:
        load_price_rules(path)
    assert str(caught.value) == f"{path}: {message}"


def test_default_price_rules_load() -> None:
    rules = load_price_rules()
    assert (str(rules.price_floor), rules.max_decimal_places) == ("0.1", 2)
