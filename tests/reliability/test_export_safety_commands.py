"""Each command that writes a CSV neutralises every dangerous first character, cell by cell.

Found by a hostile run: 144 of 144 cells starting with ``=``, ``+``, ``-``, ``@`` came out as written
in the ingest output, ``dedupe --out``/``--pairs`` and the validate quarantine. Here one cell of each
dangerous form (OWASP adds a leading tab and carriage return) goes through each command and is read
back exactly. Text that is a plain signed number (``-12.50``, ``+8613800138000``) is written as it is.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from channel_mdm.cli import main
from cleansing.safe_export import write_csv

INPUTS = Path(__file__).parent / "inputs" / "export_safety"
DANGEROUS = {
    "=": '=HYPERLINK("http://evil.example","x")',
    "+": "+1+cmd|' /C calc'!A0",
    "-": "-2+3",
    "@": "@SUM(A1:A9)",
    "tab": "\t=1+1",
    "cr": "\r=1+1",
}


def _read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, encoding="utf-8-sig", keep_default_na=False)


def test_ingest_output_is_neutralised(tmp_path: Path) -> None:
    out = tmp_path / "out"
    code = main(
        ["ingest", "--sources", str(INPUTS / "sources"), "--mappings", str(INPUTS / "mappings"),
         "--out", str(out)]
    )  # fmt: skip
    assert code == 0
    written = _read(out / "partner.csv").set_index("source_record_id")
    # Names are standardised at ingest (surrounding whitespace trimmed) before they are written.
    assert written["partner_name"].to_dict() == {
        "P1": '\'=HYPERLINK("http://evil.example","x")',
        "P2": "'+1+cmd|' /C calc'!A0",
        "P3": "'-2+3",
        "P4": "'@SUM(A1:A9)",
        "P5": "'=1+1",
        "P6": "'=1+1",
    }
    assert written.loc["P2", "phone"] == "-12.50"
    assert written.loc["P3", "phone"] == "+8613800138000"


DEDUPE_SPEC = """\
record_id: code
entity: organisation
columns:
  company_name: name
  phone: phone
"""


def test_dedupe_out_and_pairs_keep_each_dangerous_form_as_text(tmp_path: Path) -> None:
    names = [f"{value}深圳市华强商贸有限公司" for value in DANGEROUS.values()]
    rows = pd.DataFrame(
        {
            "code": [f"{value}#{i}" for i, value in enumerate(names)] + ["C7", "=D1", "@D2"],
            "name": names + ["深圳市华强商贸有限公司", "深圳市久安建材有限公司", "深圳市久安建材有限公司"],
            "phone": ["13812345678"] * 3
            + ["-12.50", "+8613800138000", "13812345678", "13812345678", "13700000000", "13700000000"],
        }
    )
    source, spec = tmp_path / "in.csv", tmp_path / "spec.yaml"
    rows.to_csv(source, index=False, lineterminator="\r\n")  # quotes the cell holding a bare \r
    spec.write_text(DEDUPE_SPEC, encoding="utf-8")
    out, pairs = tmp_path / "out.csv", tmp_path / "pairs.csv"
    assert main(["dedupe", str(source), "--spec", str(spec), "--out", str(out), "--pairs", str(pairs)]) == 0
    written = _read(out).set_index("record_id")
    # The readers turn a line break inside a cell into \n; a cell starting with one is neutralised too.
    read = [value.replace("\r", "\n") for value in names]
    expected = {f"'{value}#{i}": f"'{value}" for i, value in enumerate(read)} | {
        "C7": "深圳市华强商贸有限公司",
        "'=D1": "深圳市久安建材有限公司",
        "'@D2": "深圳市久安建材有限公司",
    }
    assert written["name"].to_dict() == expected
    assert written.loc["'-2+3深圳市华强商贸有限公司#2", "phone"] == "13812345678"
    assert sorted(written["phone"])[:2] == ["+8613800138000", "-12.50"]
    scored = _read(pairs)
    pair = scored[["left_record_id", "right_record_id"]].to_numpy().tolist()
    assert ["'=D1", "'@D2"] in [sorted(p) for p in pair]
    every_cell = scored.to_numpy().ravel().tolist()
    risky = [c for c in every_cell if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    # Plain signed numbers are written as they are: the phones, standardised to +86…, and -12.50.
    assert not [c for c in risky if not re.fullmatch(r"[+-]\d+(\.\d+)?", c)]
    assert "+8613700000000" in risky


def test_a_carriage_return_in_a_cell_does_not_split_the_row(tmp_path: Path) -> None:
    # Written with \n row endings, "'\r=1+1" went out unquoted: readers split the row at the \r
    # and "=1+1" became a cell of its own, a live formula.
    frame = pd.DataFrame({"name": ["\r=1+1", "ok\n=2+2", "华强"], "code": ["P1", "P2", "P3"]})
    path = write_csv(frame, tmp_path / "out.csv")
    assert _read(path).to_dict("records") == [
        {"name": "'\r=1+1", "code": "P1"},
        {"name": "ok\n=2+2", "code": "P2"},
        {"name": "华强", "code": "P3"},
    ]
