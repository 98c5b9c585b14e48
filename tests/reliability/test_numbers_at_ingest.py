"""Numbers that could be read two ways are quarantined with a reason, never guessed.

Found by a hostile run: ``1.234,50`` became 1.2345 and ``1,2,3`` became 123, both accepted, and ``inf``
and ``Infinity`` passed ``price_positive``.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pandas as pd

from channel_mdm.cli import main
from tests.reliability.source_folder import ingest_mapping, source_folder

MAPPING = """\
source_system: dms
entity: price
trust_rank: 2
file: prices.csv
format: csv
{numbers}columns:
  sku_code: sku
  price_tier: tier
  sales_region: region
  price: {{from: price, transform: [decimal]}}
  effective_from: start
"""
ROWS = [
    ("S1", "1,234.50"),
    ("S2", "1.234,50"),
    ("S3", "1,2,3"),
    ("S4", "inf"),
    ("S5", "Infinity"),
    ("S6", "¥88.00"),
]


def _ingest(tmp_path: Path, numbers: str = ""):
    sources = source_folder(tmp_path)
    lines = ["sku,tier,region,price,start", *(f'{s},factory,全国,"{p}",2026-01-01' for s, p in ROWS)]
    (sources / "prices.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = ingest_mapping(tmp_path, MAPPING.format(numbers=numbers), "price")
    return result


def test_ambiguous_and_non_finite_prices_are_quarantined_with_the_reason(tmp_path: Path) -> None:
    result = _ingest(tmp_path)
    report = result.file_reports[0]
    assert (report.rows_in, report.accepted, report.quarantined) == (6, 2, 4)
    assert dict(zip(result.accepted["sku_code"], result.accepted["price"], strict=True)) == {
        "S1": Decimal("1234.50"),
        "S6": Decimal("88.00"),
    }
    reasons = dict(zip(result.quarantined["business_key"], result.quarantined["reason"], strict=True))
    assert reasons == {
        "S2|factory|全国|2026-01-01": "price value '1.234,50' looks like a number written with ',' as the "
        "decimal separator; declare the source's separators in the mapping (numbers: {decimal: ',', thousands: '.'})",
        "S3|factory|全国|2026-01-01": "price value '1,2,3' has the thousands separator ',' in the wrong places "
        "(ambiguous, not guessed); if ',' is this source's decimal separator, declare it in the mapping "
        "(numbers: {decimal: ','})",
        "S4|factory|全国|2026-01-01": "price value 'inf' is not a finite number",
        "S5|factory|全国|2026-01-01": "price value 'Infinity' is not a finite number",
    }
    assert set(result.quarantined["reason_code"]) == {"bad_decimal"}


def test_a_mapping_declares_european_separators(tmp_path: Path) -> None:
    result = _ingest(tmp_path, numbers='numbers: {decimal: ",", thousands: "."}\n')
    accepted = dict(zip(result.accepted["sku_code"], result.accepted["price"], strict=True))
    assert accepted["S2"] == Decimal("1234.50")
    assert "S1" not in accepted  # 1,234.50 is now the ambiguous one
    assert result.file_reports[0].rows_in == len(result.accepted) + len(result.quarantined)


def test_price_positive_refuses_non_finite_prices(tmp_path: Path, capsys) -> None:
    prices = pd.DataFrame(
        {
            "sku_code": ["S1", "S2", "S3", "S4"],
            "price_tier": ["factory"] * 4,
            "sales_region": ["全国"] * 4,
            "price": ["inf", "Infinity", "NaN", "12.00"],
            "effective_from": ["2026-01-01"] * 4,
            "effective_to": [""] * 4,
        }
    )
    path, quarantine = tmp_path / "prices.csv", tmp_path / "q.csv"
    prices.to_csv(path, index=False)
    main(["validate", "--prices", str(path), "--docs", str(tmp_path / "dd"), "--quarantine", str(quarantine)])
    failed = pd.read_csv(quarantine, dtype=str, encoding="utf-8-sig")
    assert sorted(failed.loc[failed["rule"] == "price_positive", "sku_code"]) == ["S1", "S2", "S3"]
