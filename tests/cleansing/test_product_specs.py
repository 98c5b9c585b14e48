from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from cleansing.product_specs import UNITS_PATH, fill_spec_columns, load_unit_vocabulary, parse_specs
from foundation.errors import UserError


@pytest.mark.parametrize(
    ("spec", "net_content", "unit", "per_case", "inner", "case"),
    [
        ("500ml×12瓶/箱", 500, "ml", 12, "瓶", "箱"),
        ("250g*20袋/箱", 250, "g", 20, "袋", "箱"),
        ("2斤/袋", 1000, "g", None, "袋", None),
        ("1.5L*6", 1500, "ml", 6, None, None),
        ("２斤", 1000, "g", None, None, None),
        ("3两", 150, "g", None, None, None),
        ("5KG/桶", 5000, "g", None, "桶", None),
        ("500毫升x24瓶/箱", 500, "ml", 24, "瓶", "箱"),
        ("500ml＊12瓶／箱", 500, "ml", 12, "瓶", "箱"),
        ("12×500ml/箱", 500, "ml", 12, None, "箱"),
        # the same twelve 500 ml units in the pack notations channels use
        ("500ml×1×12", 500, "ml", 12, None, None),
        ("500ml*1*12瓶", 500, "ml", 12, "瓶", None),
        ("1×12×500ml", 500, "ml", 12, None, None),
        ("500ml 1×12", 500, "ml", 12, None, None),
        ("500ml(1×12)", 500, "ml", 12, None, None),
        ("500ML/瓶×12瓶/箱", 500, "ml", 12, "瓶", "箱"),
        ("500毫升*12支/件", 500, "ml", 12, "支", "件"),
    ],
)
def test_spec_strings_are_read(spec, net_content, unit, per_case, inner, case) -> None:
    row = parse_specs(pd.Series([spec])).iloc[0]
    assert row["spec_parsed"]
    assert row["net_content"] == pytest.approx(net_content)
    assert row["net_content_unit"] == unit
    assert pd.isna(row["units_per_case"]) if per_case is None else row["units_per_case"] == per_case
    assert pd.isna(row["inner_unit"]) if inner is None else row["inner_unit"] == inner
    assert pd.isna(row["case_unit"]) if case is None else row["case_unit"] == case


@pytest.mark.parametrize("spec", ["见包装", "500", "ml500", "500ml×12瓶/箱/托", None])
def test_unreadable_specs_are_reported_not_guessed(spec) -> None:
    row = parse_specs(pd.Series([spec], dtype=object)).iloc[0]
    assert not row["spec_parsed"]
    assert pd.isna(row["net_content"])


def test_fill_spec_columns_keeps_values_already_present() -> None:
    products = pd.DataFrame(
        {
            "spec": ["500ml×12瓶/箱", "1.5L*6", "见包装"],
            "net_content": ["480", "", None],
            "units_per_case": [None, None, None],
        }
    )
    filled = fill_spec_columns(products)
    assert filled["net_content"].tolist()[:2] == ["480", "1500"]
    assert pd.isna(filled["net_content"].iloc[2])
    assert filled["net_content_unit"].tolist()[:2] == ["ml", "ml"]
    assert filled["units_per_case"].tolist()[:2] == ["12", "6"]


def test_vocabulary_lists_sales_units_with_rec20_codes() -> None:
    vocabulary = load_unit_vocabulary()
    assert {"箱", "瓶", "袋", "件", "桶"} <= set(vocabulary.allowed_sales_units)
    assert vocabulary.sales_units["箱"].rec20 == "CS"
    assert vocabulary.standard_sales_unit("ctn") == "箱"
    assert vocabulary.standard_sales_unit("托盘") is None


def test_vocabulary_edit_adds_a_measure_unit(tmp_path: Path) -> None:
    text = UNITS_PATH.read_text(encoding="utf-8")
    path = tmp_path / "units.yaml"
    path.write_text(text + "  cl: {family: volume, factor: 10, rec20: CLT}\n", encoding="utf-8")
    row = parse_specs(pd.Series(["75cl"]), load_unit_vocabulary(path)).iloc[0]
    assert row["net_content"] == pytest.approx(750)


def test_vocabulary_with_unknown_family_names_the_unit(tmp_path: Path) -> None:
    path = tmp_path / "units.yaml"
    path.write_text(
        "standard_units: {mass: g}\nsales_units: {箱: {rec20: CS}}\nmeasure_units:\n  m: {family: length, factor: 1}\n",
        encoding="utf-8",
    )
    with pytest.raises(UserError) as excinfo:
        load_unit_vocabulary(path)
    assert str(excinfo.value) == f"{path}: measure unit 'm' needs a family from standard_units (mass)"


def test_vocabulary_with_bad_factor_names_the_unit(tmp_path: Path) -> None:
    path = tmp_path / "units.yaml"
    path.write_text(
        "standard_units: {mass: g}\nsales_units: {箱: {rec20: CS}}\nmeasure_units:\n  斤: {family: mass, factor: -500}\n",
        encoding="utf-8",
    )
    with pytest.raises(UserError) as excinfo:
        load_unit_vocabulary(path)
    assert str(excinfo.value) == f"{path}: measure unit '斤' needs a positive number as factor, got -500"


def test_missing_vocabulary_file_says_so(tmp_path: Path) -> None:
    path = tmp_path / "nope.yaml"
    with pytest.raises(UserError) as excinfo:
        load_unit_vocabulary(path)
    assert str(excinfo.value) == f"{path}: unit vocabulary not found; pass the path of a units.yaml"
