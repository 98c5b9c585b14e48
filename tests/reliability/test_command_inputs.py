"""``dedupe`` and ``validate`` read through the ingest readers: bad files are one line and exit 2.

Found by a hostile run: both commands had their own weaker readers. A zip-bomb xlsx ran for seven
minutes, a 5-million-character cell took 231 s, NUL bytes were kept, and empty, whitespace-only,
PDF, zip, truncated, ragged and unclosed-quote files ended in tracebacks. The malicious files are
built at run time by the ingest tests' corpus maker, so they never go stale.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pandas as pd
import pytest

from channel_mdm.cli import main

INPUTS = Path(__file__).parent / "inputs" / "command_inputs"
SPEC = INPUTS / "dealers_spec.yaml"

_CORPUS = importlib.util.spec_from_file_location(
    "make_corpus", Path(__file__).parents[1] / "cleansing" / "malformed" / "make_corpus.py"
)
assert _CORPUS and _CORPUS.loader
make_corpus = importlib.util.module_from_spec(_CORPUS)
_CORPUS.loader.exec_module(make_corpus)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return make_corpus.write_small_corpus(tmp_path_factory.mktemp("corpus"))


def _dedupe(path: Path, tmp_path: Path, *extra: str) -> int:
    out = tmp_path / "clusters.csv"
    return main(["dedupe", str(path), "--spec", str(SPEC), "--out", str(out), "--no-progress", *extra])


def _validate(path: Path, tmp_path: Path, *extra: str) -> int:
    return main(["validate", "--products", str(path), "--docs", str(tmp_path / "docs"), *extra])


UNREADABLE = {
    "empty.csv": "file is empty (0 bytes); re-export it from the source system",
    "whitespace_only.csv": "file has no text (only whitespace); re-export it from the source system",
    "pdf_renamed.xlsx": "is a PDF document, not an Excel workbook; export the data as .xlsx or CSV",
    "zip_not_workbook.xlsx": "is a zip archive but not an Excel workbook; export the data as .xlsx",
    "truncated.xlsx": (
        "workbook is damaged or truncated (its zip directory is unreadable); copy it again or re-export it"
    ),
    "ragged_rows.csv": "line 3 has 5 fields, the header has 4 (2 such rows in all); fix those rows and run again",
    "unterminated_quote.csv": (
        "unterminated quote in the record starting at line 3; close the quote or re-export with quoting"
    ),
    "nul_bytes.csv": (
        "contains NUL bytes (first at line 3); it is binary or UTF-16 without a byte-order mark: "
        "re-export it as UTF-8 CSV"
    ),
    "zip_bomb.xlsx": (
        "workbook member xl/worksheets/sheet1.xml expands 1,028 times (over 500); refusing to open a likely zip bomb"
    ),
}


@pytest.mark.parametrize("name", sorted(UNREADABLE))
def test_validate_refuses_an_unreadable_file_in_one_line(
    name: str, corpus: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _validate(corpus[name], tmp_path) == 2
    assert capsys.readouterr().err == f"channel-mdm validate: error: {corpus[name]}: {UNREADABLE[name]}\n"


@pytest.mark.parametrize("name", sorted(UNREADABLE))
def test_dedupe_refuses_an_unreadable_file_in_one_line(
    name: str, corpus: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _dedupe(corpus[name], tmp_path) == 2
    assert capsys.readouterr().err == f"channel-mdm dedupe: error: {corpus[name]}: {UNREADABLE[name]}\n"
    assert not (tmp_path / "clusters.csv").exists()


def test_a_five_million_character_cell_is_refused_at_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "dealers.csv"
    huge = "深" * 5_000_000
    source.write_text(
        f"dealer_code,dealer_name\nD10001,深圳华润\nD10002,{huge}\nD10003,杭州联华\n", encoding="utf-8"
    )
    expected = (
        f"{source}: row 3: column 'dealer_name' holds 5,000,000 characters, more than the 32,767 a cell "
        "may hold; fix the export\n"
    )
    assert _dedupe(source, tmp_path) == 2
    assert capsys.readouterr().err == f"channel-mdm dedupe: error: {expected}"
    assert _validate(source, tmp_path) == 2
    assert capsys.readouterr().err == f"channel-mdm validate: error: {expected}"


def test_the_corpus_huge_cell_is_refused_by_validate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "huge_cell.csv"
    source.write_bytes(make_corpus.corpus_files()["huge_cell.csv"])
    assert _validate(source, tmp_path) == 2
    assert capsys.readouterr().err == (
        f"channel-mdm validate: error: {source}: row 2: column 'dealer_name' holds 3,495,253 characters, "
        "more than the 32,767 a cell may hold; fix the export\n"
    )


def test_max_file_mb_applies_to_dedupe_and_validate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = INPUTS / "dealers_with_title.csv"
    size = source.stat().st_size
    assert _dedupe(source, tmp_path, "--max-file-mb", "0.0001") == 2
    limit = int(0.0001 * 1024 * 1024)
    assert capsys.readouterr().err == (
        f"channel-mdm dedupe: error: {source}: file is {size:,} bytes, over the limit of {limit:,} bytes; "
        "split it or raise max_file_bytes\n"
    )
    assert _validate(source, tmp_path, "--max-file-mb", "0") == 2
    assert (
        capsys.readouterr().err == "channel-mdm validate: error: --max-file-mb 0.0: must be greater than 0\n"
    )


def test_dedupe_keeps_every_row_of_a_file_with_a_title_line(tmp_path: Path) -> None:
    source = INPUTS / "dealers_with_title.csv"
    assert _dedupe(source, tmp_path) == 0
    out = pd.read_csv(tmp_path / "clusters.csv", dtype=str, encoding="utf-8-sig")
    assert out["record_id"].tolist() == ["D10001", "D10002", "D10003"]  # rows in = rows out
    assert out.loc[out["record_id"] == "D10003", "cluster_id"].item() == "D10003"


def test_a_duplicate_id_names_the_row_in_the_file_below_a_title_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "dealers.csv"
    text = (INPUTS / "dealers_with_title.csv").read_text(encoding="utf-8").replace("D10003", "D10001")
    source.write_text(text, encoding="utf-8")
    assert _dedupe(source, tmp_path) == 2
    assert capsys.readouterr().err == (
        f"channel-mdm dedupe: error: {source}: row 5: record id 'D10001' in column 'dealer_code' appears more "
        "than once; record ids must be unique\n"
    )


def test_validate_accounts_for_every_row_it_read(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    products = tmp_path / "products.csv"
    products.write_text(
        "sku_code,gtin,product_name,spec,sales_unit,tax_rate,category,brand\n"
        "1001000001,6901234567892,米醋,500ml×12瓶/箱,箱,0.13,调味品,金禾\n"
        "1001000002,6901234567891,陈醋,250g*20袋/箱,箱,0.13,调味品,金禾\n"
        "1001000003,,香醋,250g*20袋/箱,箱,0.13,调味品,金禾\n",
        encoding="gbk",
    )
    quarantine = tmp_path / "quarantine.csv"
    assert _validate(products, tmp_path, "--quarantine", str(quarantine)) == 1
    assert "products: 3 rows, 2 passed" in capsys.readouterr().out
    rows = pd.read_csv(quarantine, dtype=str, encoding="utf-8-sig")
    # Two passed + the bad GTIN quarantined = 3 rows in; the blank GTIN is listed as a warning only.
    assert rows[["rule", "severity", "sku_code"]].values.tolist() == [
        ["gtin_valid", "error", "1001000002"],
        ["gtin_present", "warning", "1001000003"],
    ]
