"""Values from source files never become markup in HTML or formulas in a spreadsheet.

Found by a hostile run: ``<script>alert(1)</script>`` in a product's GTIN appeared raw in four Data Docs
pages, and 144 of 144 cells starting with ``=``, ``+``, ``-``, ``@`` were written as they were into the
ingest output, ``dedupe --out`` and the validate quarantine.
"""

from __future__ import annotations

from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest

from channel_mdm.cli import main
from cleansing.safe_export import neutralise_cell, neutralise_formulas, write_csv

SCRIPT = "<script>alert(1)</script>"
IMAGE = '"><img src=x onerror=alert(2)>'
FORMULAS = [
    '=HYPERLINK("http://evil.example","x")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1",
    "\r=1",
]


class _InjectedMarkup(HTMLParser):
    """Collects markup a source value injected: a script or an attribute that calls ``alert``."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._in_script = tag == "script"
        for name, value in attrs:
            if "alert(" in (value or ""):
                self.found.append(f"<{tag} {name}={value}>")

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and "alert(" in data:
            self.found.append(f"<script>{data}</script>")


def injected_markup(folder: Path) -> dict[str, list[str]]:
    out = {}
    for page in folder.rglob("*.html"):
        parser = _InjectedMarkup()
        parser.feed(page.read_text(encoding="utf-8"))
        if parser.found:
            out[str(page.relative_to(folder))] = parser.found
    return out


def test_data_docs_show_injected_values_as_text(tmp_path: Path) -> None:
    products = pd.DataFrame(
        {
            "sku_code": ["1001000001", "1001000002", IMAGE],
            "gtin": [SCRIPT, "6901234567892", IMAGE],
            "product_name": [IMAGE, "陈醋", SCRIPT],
            "spec": ["500ml×12瓶/箱", "250g*20袋/箱", SCRIPT],
            "sales_unit": [SCRIPT, "箱", "箱"],
            "tax_rate": ["0.13", IMAGE, "0.13"],
        }
    )
    path = tmp_path / "p.csv"
    products.to_csv(path, index=False)
    docs = tmp_path / "dd"
    assert main(["validate", "--products", str(path), "--docs", str(docs)]) == 1
    pages = list(docs.rglob("*.html"))
    assert len(pages) >= 3
    assert injected_markup(docs) == {}
    shown = "".join(p.read_text(encoding="utf-8") for p in pages)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in shown  # the value is there, as text


def test_reconciliation_report_escapes_partner_names_in_tables_and_charts() -> None:
    from migration.report import load_result, render_html

    result = load_result(Path(__file__).parents[1] / "migration" / "snapshots" / "small_case.json")
    # the entity shows in the conclusions, the tables and the charts' labels
    result.strata = [replace(s, entity=SCRIPT) for s in result.strata]
    result.control_totals = [replace(c, entity=IMAGE) for c in result.control_totals]
    rendered = render_html(result)
    assert SCRIPT not in rendered and "<img" not in rendered
    assert rendered.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 3 * len(result.strata)


@pytest.mark.parametrize("value", FORMULAS)
def test_a_formula_like_text_cell_gets_a_leading_apostrophe(value: str) -> None:
    assert neutralise_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["-12.50", "+8613800138000", "12", "华强商贸", "a=b", "", None, -3.5])
def test_plain_numbers_and_ordinary_text_are_written_as_they_are(value) -> None:
    assert neutralise_cell(value) == value


def test_numeric_columns_keep_negative_numbers(tmp_path: Path) -> None:
    frame = pd.DataFrame({"amount": [-12.5, 3.0], "note": ["=1+1", "-12.5"], "=bad header": ["x", "y"]})
    path = write_csv(frame, tmp_path / "out.csv")
    back = pd.read_csv(path, encoding="utf-8-sig", keep_default_na=False)
    assert back["amount"].tolist() == [-12.5, 3.0]
    assert back["note"].tolist() == ["'=1+1", "-12.5"]
    assert list(back.columns) == ["amount", "note", "'=bad header"]
    assert neutralise_formulas(frame)["note"].tolist() == ["'=1+1", "-12.5"]  # the input is not changed
    assert frame["note"].tolist() == ["=1+1", "-12.5"]


DEDUPE_SPEC = """\
record_id: code
entity: organisation
columns:
  company_name: name
  phone: phone
"""


def test_dedupe_out_and_pairs_are_neutralised(tmp_path: Path) -> None:
    rows = pd.DataFrame(
        {
            "code": ["=C1", "@C2", "C3"],
            "name": [
                '=HYPERLINK("http://x","深圳市华强商贸有限公司")',
                "深圳市华强商贸有限公司",
                "-北京久安建材",
            ],
            "phone": ["13812345678", "13812345678", "+1+cmd|' /C calc'!A0"],
        }
    )
    source, spec = tmp_path / "in.csv", tmp_path / "spec.yaml"
    rows.to_csv(source, index=False)
    spec.write_text(DEDUPE_SPEC, encoding="utf-8")
    out, pairs = tmp_path / "out.csv", tmp_path / "pairs.csv"
    assert main(["dedupe", str(source), "--spec", str(spec), "--out", str(out), "--pairs", str(pairs)]) == 0
    written = pd.read_csv(out, dtype=str, encoding="utf-8-sig", keep_default_na=False)
    assert sorted(written["record_id"]) == ["'=C1", "'@C2", "C3"]
    assert "'-北京久安建材" in written["name"].tolist()
    assert "'+1+cmd|' /C calc'!A0" in written["phone"].tolist()
    every_cell = pd.read_csv(pairs, dtype=str, encoding="utf-8-sig", keep_default_na=False).to_numpy().ravel()
    assert not [c for c in every_cell if c[:1] in ("=", "@") or c.startswith("+1+")]


def test_validate_quarantine_is_neutralised(tmp_path: Path) -> None:
    products = pd.DataFrame(
        {
            "sku_code": ["=1+1", "1001000002"],
            "gtin": ["@SUM(A1)", "6901234567892"],
            "product_name": ["-米醋", "陈醋"],
            "spec": ["500ml", "250g"],
            "sales_unit": ["瓶", "箱"],
            "tax_rate": ["0.13", "0.13"],
            "category": ["调味品", "调味品"],
            "brand": ["金禾", "金禾"],
        }
    )
    path, quarantine = tmp_path / "p.csv", tmp_path / "q.csv"
    products.to_csv(path, index=False)
    main(
        ["validate", "--products", str(path), "--docs", str(tmp_path / "dd"), "--quarantine", str(quarantine)]
    )
    written = pd.read_csv(quarantine, dtype=str, encoding="utf-8-sig", keep_default_na=False)
    assert set(written["sku_code"]) == {"'=1+1"}
    assert "'@SUM(A1)" in written["value"].tolist()
