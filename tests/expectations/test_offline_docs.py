"""Data Docs open offline: no stylesheet, script or image is loaded from the internet, and the overview
page says per standard what passed and what failed."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from expectations.offline_docs import strip_remote_assets
from expectations.runner import validate_products

REMOTE_LOAD = re.compile(r"<(?:link|script|img)\b[^>]*(?:href|src)=[\"']https?://", re.IGNORECASE)


@pytest.fixture(scope="module")
def docs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("docs")
    frame = pd.DataFrame(
        {
            "sku_code": ["1001000001", "1001000002"],
            "gtin": ["6901234567892", "6901234567891"],
            "product_name": ["米醋", "<script>alert(1)</script>"],
            "spec": ["500ml×12瓶/箱", "500ml×12瓶/箱"],
            "sales_unit": ["箱", "箱"],
            "tax_rate": ["0.13", "0.13"],
            "category": ["调味品", "调味品"],
            "brand": ["金禾", "金禾"],
        }
    )
    validate_products(frame, folder)
    return folder


def test_no_page_loads_anything_from_the_internet(docs: Path) -> None:
    pages = list(docs.rglob("*.html"))
    assert len(pages) >= 3
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert not REMOTE_LOAD.search(text), page
        assert "<style>" in text, page


def test_overview_gives_each_standard_its_verdict_and_rule_counts(docs: Path) -> None:
    page = (docs / "index.html").read_text(encoding="utf-8")
    assert '<a href="products/index.html">' in page
    assert "2 rows checked" in page and "1 passed" in page
    assert re.search(r"<td>gtin_valid</td><td>error</td><td>gtin</td>\s*<td class=\"number\">1</td>", page)


def test_rewriting_a_page_twice_changes_nothing(docs: Path) -> None:
    page = docs / "products" / "index.html"
    before = page.read_text(encoding="utf-8")
    from expectations.offline_docs import make_site_offline

    assert make_site_offline(docs / "products") == 0
    assert page.read_text(encoding="utf-8") == before


def test_remote_tags_are_removed_and_local_ones_kept() -> None:
    page = (
        '<html><head><link rel="stylesheet" href="https://cdn.example/b.css"/>'
        '<script src="https://cdn.example/j.js"></script><link rel="icon" href="./static/f.ico"/></head>'
        '<body><img src="https://x/logo.png"/><a href="https://greatexpectations.io">GX</a></body></html>'
    )
    out = strip_remote_assets(page, css="p{}")
    assert out == (
        '<html><head><link rel="icon" href="./static/f.ico"/><style>p{}</style></head>'
        '<body><a href="https://greatexpectations.io">GX</a></body></html>'
    )


def test_a_script_in_a_failing_value_shows_as_text_on_every_page(tmp_path: Path) -> None:
    injected = "<script>alert(1)</script>"
    frame = pd.DataFrame(
        {
            "sku_code": ["1001000001"],
            "gtin": [injected],
            "product_name": [injected],
            "spec": ["500ml×12瓶/箱"],
            "sales_unit": ["箱"],
            "tax_rate": ["0.13"],
            "category": ["调味品"],
            "brand": ["金禾"],
        }
    )
    outcome = validate_products(frame, tmp_path)
    assert (outcome.quarantined["column"] == "gtin").any()
    pages = {page: page.read_text(encoding="utf-8") for page in tmp_path.rglob("*.html")}
    assert not [page for page, text in pages.items() if "<script>alert(1)" in text]
    assert [page for page, text in pages.items() if "&lt;script&gt;alert(1)" in text]
