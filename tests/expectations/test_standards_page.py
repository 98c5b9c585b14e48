"""The standards page lists failing rows by business key, file and row, grouped by rule, offline and escaped."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from expectations.promotion_suites import validate_volume_bands
from expectations.runner import validate_prices


def test_failing_rows_appear_by_rule_with_key_file_row_and_reason(tmp_path: Path) -> None:
    prices = pd.DataFrame(
        {
            "sku_code": ["A", "A", "<script>alert(1)</script>"],
            "price_tier": ["tier1", "tier2", "tier1"],
            "sales_region": ["华东", "华东", "华东"],
            "price": ["12.00", "11.00", "0.01"],
            "effective_from": ["2026-01-01"] * 3,
            "effective_to": [None] * 3,
            "source_file": ["dms/price_list.csv"] * 3,
            "source_row": [2, 3, 4],
        }
    )
    validate_prices(prices, data_docs_dir=tmp_path)
    bands = pd.DataFrame(
        {
            "price_tier": ["tier1", "tier1"],
            "channel": ["KA", "KA"],
            "min_quantity": ["1", "150"],
            "max_quantity": ["99", None],
            "discount_rate": ["0", "0.03"],
            "source_file": ["erp/volume_bands.csv"] * 2,
            "source_row": [2, 3],
        }
    )
    validate_volume_bands(bands, data_docs_dir=tmp_path)
    page = (tmp_path / "standards.html").read_text(encoding="utf-8")
    assert 'id="prices-no_tier_inversion"' in page and 'id="volume_bands-bands_contiguous"' in page
    assert (
        '<td>A / tier1 / 华东 / 2026-01-01</td><td>dms/price_list.csv</td><td class="number">2</td>' in page
    )
    assert "quantities 100–149 have no band (the band before ends at 99)" in page
    assert "tier1 / KA / 150" in page
    assert page.count("<svg") >= 4  # one chart per suite and one per failing rule
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "http://" not in page.replace("http://www.w3.org/2000/svg", "")
    assert 'href="standards.html"' in (tmp_path / "index.html").read_text(encoding="utf-8")
