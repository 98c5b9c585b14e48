"""The steward's review workbook is a real workbook, safe to open, and its decisions come back."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from foundation.errors import UserError
from mdm.product_match import match_products
from mdm.product_review import read_review_decisions, remember_decisions, write_review_workbook

COLUMNS = ["source_system", "sku_code", "gtin", "product_name", "brand", "spec"]
ROWS = [
    ("erp", "1001", "6901234567892", "清泉谷天然矿泉水", "清泉谷", "550ml×24瓶/箱"),
    ("dms", "D1", None, "清泉谷天然矿泉水 550ml", "清泉谷", "550ml×24瓶/箱"),
    ("sales", "=HYPERLINK(1)", None, "清泉谷天然矿泉水(新)", "清泉谷", "550ml×24瓶/箱"),
]


@pytest.fixture
def review(tmp_path: Path) -> tuple[pd.DataFrame, Path]:
    # D1 joins the ERP product; the sales copy could too, but sales may not carry two codes … so it asks.
    rows = [*ROWS, ("sales", "S2", None, "清泉谷天然矿泉水", "清泉谷", "550ml×24瓶/箱")]
    result = match_products(pd.DataFrame(rows, columns=COLUMNS), {"erp": 1, "dms": 2, "sales": 3})
    path = write_review_workbook(result.review, tmp_path / "product_review.xlsx")
    return result.review, path


def test_workbook_has_a_frozen_filtered_header_a_dropdown_and_a_guide(review) -> None:
    pairs, path = review
    book = load_workbook(path)
    sheet = book["review"]
    assert [c.value for c in sheet[1]][:3] == ["decision", "match_score", "explanation"]
    assert sheet.freeze_panes == "B2" and sheet.auto_filter.ref.startswith("A1:")
    validation = sheet.data_validations.dataValidation[0]
    assert validation.formula1 == '"match,no_match"' and "A2" in str(validation.sqref)
    assert sheet.max_row == len(pairs) + 1 >= 2
    assert book["columns"]["A2"].value == "decision"


def test_a_code_that_looks_like_a_formula_is_written_as_text(review) -> None:
    _, path = review
    cells = [c.value for row in load_workbook(path)["review"].iter_rows(min_row=2) for c in row]
    assert "'=HYPERLINK(1)" in cells and "=HYPERLINK(1)" not in cells


def test_decisions_are_read_back_and_applied_by_the_next_match(review, tmp_path: Path) -> None:
    pairs, path = review
    book = load_workbook(path)
    sheet = book["review"]
    sheet["A2"] = "no_match"
    book.save(path)
    decisions = remember_decisions(path, tmp_path / "decisions.csv")
    assert decisions["is_match"].tolist() == [False]
    first = pairs.iloc[0]
    left, right = (
        (first["left_source_system"], first["left_source_code"]),
        (
            first["right_source_system"],
            first["right_source_code"],
        ),
    )
    rows = [*ROWS, ("sales", "S2", None, "清泉谷天然矿泉水", "清泉谷", "550ml×24瓶/箱")]
    again = match_products(
        pd.DataFrame(rows, columns=COLUMNS), {"erp": 1, "dms": 2, "sales": 3}, decisions=decisions
    )
    listed = set(zip(again.review["left_source_code"], again.review["right_source_code"], strict=True))
    assert (left[1], right[1]) not in listed  # decided: not asked again
    # the decision outlives the workbook: a fresh (undecided) workbook still yields it from the CSV
    write_review_workbook(again.review, path)
    assert remember_decisions(path, tmp_path / "decisions.csv")["is_match"].tolist() == [False]


def test_a_wrong_decision_word_is_named(review) -> None:
    _, path = review
    book = load_workbook(path)
    book["review"]["A2"] = "yes"
    book.save(path)
    with pytest.raises(UserError) as caught:
        read_review_decisions(path)
    assert str(caught.value) == f"{path}: row 2 has decision 'yes'; use match or no_match"


def test_a_decision_on_a_formula_like_code_is_kept_as_text_and_read_back_as_written(
    review, tmp_path: Path
) -> None:
    pairs, path = review
    row = pairs.index[
        (pairs["left_source_code"] == "=HYPERLINK(1)") | (pairs["right_source_code"] == "=HYPERLINK(1)")
    ]
    book = load_workbook(path)
    book["review"][f"A{int(row[0]) + 2}"] = "match"
    book.save(path)
    kept = tmp_path / "decisions.csv"
    remember_decisions(path, kept)
    assert "'=HYPERLINK(1)" in kept.read_text(encoding="utf-8-sig")
    again = remember_decisions(tmp_path / "no_workbook.xlsx", kept)
    assert "=HYPERLINK(1)" in set(again["left_source_code"]) | set(again["right_source_code"])
    assert again["is_match"].tolist() == [True]
