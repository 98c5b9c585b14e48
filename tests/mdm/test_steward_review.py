"""The steward's review loop end to end on real xlsx files and a real SQLite store: export the pairs,
fill in decisions with openpyxl, import them, deduplicate again and find them enforced."""

from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from channel_mdm.cli import main
from migration.models import StewardDecision
from migration.store import create_store_engine
from tests.mdm.test_dedupe_command import COLUMNS, ROWS
from tests.review_workbooks import decide

EXTRA_ROWS = [
    ("C011", "成都通利食品商行", "", "", "028-85551234", "成都市武侯区人民南路四段"),
    ("C012", "北京久安建材经营部", "", "13600002222", "", "北京市朝阳区建国路1号"),
]
SPEC = """\
record_id: 客户编码
entity: organisation
columns:
  company_name: 客户名称
  uscc: 统一社会信用代码
  phone: [手机, 电话]
  address: 地址
thresholds: {auto_merge: %s, review: 0.5}
"""
STRICT, LENIENT = "0.99999", "0.95"


@pytest.fixture
def files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    monkeypatch.setenv("CHANNEL_MDM_STORE_URL", f"sqlite:///{tmp_path / 'store.sqlite'}")
    monkeypatch.setenv("CHANNEL_MDM_DATA_DIR", str(tmp_path / "data"))
    partners = tmp_path / "erp.csv"
    pd.DataFrame(ROWS + EXTRA_ROWS, columns=COLUMNS).to_csv(partners, index=False)
    out = {"partners": partners, "review": tmp_path / "review.xlsx", "out": tmp_path / "clusters.csv"}
    for name, threshold in (("strict", STRICT), ("lenient", LENIENT)):
        out[name] = tmp_path / f"{name}.yaml"
        out[name].write_text(SPEC % threshold, encoding="utf-8")
    return out


def _dedupe(files: dict[str, Path], spec: str, *extra: str, partners: Path | None = None) -> dict[str, str]:
    argv = ["dedupe", str(partners or files["partners"]), "--spec", str(files[spec])]
    argv += ["--out", str(files["out"]), "--no-progress", *extra]
    assert main(argv) == 0
    out = pd.read_csv(files["out"], dtype=str, encoding="utf-8-sig")
    return dict(zip(out["record_id"], out["cluster_id"], strict=True))


def _export(files: dict[str, Path]) -> None:
    _dedupe(files, "strict", "--review-workbook", str(files["review"]))


def _stored(tmp_store_url: str) -> int:
    engine = create_store_engine(tmp_store_url)
    try:
        with engine.connect() as connection:
            return connection.execute(select(func.count()).select_from(StewardDecision)).scalar_one()
    finally:
        engine.dispose()


def test_the_review_workbook_is_a_real_workbook(files, caplog) -> None:
    with caplog.at_level(logging.INFO):
        _export(files)
    book = load_workbook(files["review"])
    sheet = book["review"]
    header = [c.value for c in sheet[1]]
    assert header[:4] == ["decision", "notes", "match_score", "match_class"]
    assert header[-1] == "key"
    assert {"company_name left", "company_name right", "company_name level", "company_name weight"} <= set(
        header
    )
    assert sheet.freeze_panes == "C2"
    assert sheet.auto_filter.ref.startswith("A1:")
    assert sheet.column_dimensions[sheet.cell(1, len(header)).column_letter].hidden
    (dropdown,) = sheet.data_validations.dataValidation
    assert dropdown.formula1 == '"merge,not a match,skip"'
    assert book.sheetnames == ["review", "columns"]
    pairs = {(r[5].value, r[8].value) for r in sheet.iter_rows(min_row=2)}
    assert pairs == {("C001", "C003"), ("C002", "C003"), ("C008", "C011"), ("C009", "C012")}
    joined = sum(r[header.index("already_joined")].value == "yes" for r in sheet.iter_rows(min_row=2))
    said = f"wrote 4 pairs for a steward to {files['review']}"
    assert said + (f" ({4 - joined} to decide; {joined} more" if joined else "\n") in caplog.text + "\n"
    assert all(isinstance(r[5].value, str) and r[5].number_format == "@" for r in sheet.iter_rows(min_row=2))
    # A Chinese name column is wide enough for its text (two units per character).
    name_column = sheet.column_dimensions[sheet.cell(1, header.index("company_name left") + 1).column_letter]
    assert name_column.width >= 2 * len("深圳市华强商贸有限公司")


def test_decisions_are_stored_and_enforced_on_every_later_run(files, tmp_path, caplog) -> None:
    assert _dedupe(files, "lenient")["C003"] == "C001"  # the matcher alone merges C003 via C001 and C002
    _export(files)
    decide(
        files["review"],
        {
            ("C001", "C003"): "not a match",
            ("C008", "C011"): "merge",
            ("C009", "C012"): "not a match",
            ("C002", "C003"): "skip",
        },
        notes="checked by phone",
    )
    assert main(["review", "import", str(files["review"]), "--steward", "王芳"]) == 0
    store_url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    engine = create_store_engine(store_url)
    with engine.connect() as connection:
        kept = connection.execute(select(StewardDecision.__table__)).all()
    engine.dispose()
    assert {(d.left_source_record_id, d.right_source_record_id, d.decision) for d in kept} == {
        ("C001", "C003", "not_a_match"),
        ("C008", "C011", "merge"),
        ("C009", "C012", "not_a_match"),
    }
    assert {(d.left_source_system, d.decided_by, d.source_file, d.notes) for d in kept} == {
        ("erp", "王芳", "review.xlsx", "checked by phone")
    }
    assert {d.source_row for d in kept} == {2, 3, 4, 5} - {_row_of(files, ("C002", "C003"))}

    # The lenient model merges everything; the decisions still hold, also against the chain C001–C002–C003.
    cluster = _dedupe(files, "lenient", "--decisions", "store")
    assert cluster["C001"] == cluster["C002"] != cluster["C003"]
    assert cluster["C009"] != cluster["C012"]
    assert cluster["C008"] == cluster["C011"]
    # The strict model would leave C008 and C011 for review; the steward's merge joins them.
    assert _dedupe(files, "strict")["C011"] == "C011"
    cluster = _dedupe(files, "strict", "--decisions", "store")
    assert cluster["C008"] == cluster["C011"] == "C008"
    # The workbook itself works as well, without the store.
    cluster = _dedupe(files, "lenient", "--decisions", str(files["review"]))
    assert cluster["C001"] != cluster["C003"] and cluster["C008"] == cluster["C011"]
    # A decided pair is not asked again.
    _dedupe(files, "strict", "--decisions", "store", "--review-workbook", str(tmp_path / "again.xlsx"))
    again = pd.read_excel(tmp_path / "again.xlsx", dtype=str)
    assert set(zip(again["left_record_id"], again["right_record_id"], strict=True)) == {("C002", "C003")}

    # A decision on a record gone from the source is reported, not silently dropped.
    shorter = tmp_path / "erp_without_c011" / "erp.csv"
    shorter.parent.mkdir()
    pd.DataFrame(ROWS + EXTRA_ROWS[1:], columns=COLUMNS).to_csv(shorter, index=False)
    with caplog.at_level(logging.WARNING):
        _dedupe(files, "lenient", "--decisions", "store", partners=shorter)
    assert (
        "1 steward decisions name a record that is not in this input and were not applied: C008 / C011 (merge)"
        in caplog.text
    )


def _row_of(files: dict[str, Path], pair: tuple[str, str]) -> int:
    sheet = load_workbook(files["review"])["review"]
    return next(r[0].row for r in sheet.iter_rows(min_row=2) if (r[5].value, r[8].value) == pair)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            "word",
            "review.xlsx, sheet 'review', row {row}, cell A{row}: decision 'maybe' is not one of merge, "
            "not a match, skip; pick one from the dropdown; nothing was applied",
        ),
        (
            "key",
            "review.xlsx, sheet 'review', row {row}, cell AN{row}: the hidden key was edited or does not come "
            "from a review workbook; copy the row from a freshly exported workbook; nothing was applied",
        ),
        (
            "twice",
            "review.xlsx, sheet 'review', row 6, cell A6: this pair is also decided in row {row} with a "
            "different answer; keep one; nothing was applied",
        ),
        (
            "chain",
            "review.xlsx, sheet 'review', row {row}, cell A{row}: erp C001 and erp C003 are decided 'not a "
            "match' but other 'merge' decisions join them through a chain; change one of them; nothing was "
            "applied",
        ),
    ],
)
def test_a_wrong_workbook_is_refused_whole_naming_sheet_row_and_cell(
    files, tmp_path, capsys, change, message
):
    _export(files)
    rows = decide(files["review"], {("C008", "C011"): "merge"})
    row = rows[("C001", "C003")]
    book = load_workbook(files["review"])
    sheet = book["review"]
    header = [c.value for c in sheet[1]]
    key_column = header.index("key") + 1
    if change == "word":
        sheet.cell(row, 1).value = "maybe"
    elif change == "key":
        sheet.cell(row, 1).value = "merge"
        sheet.cell(row, key_column).value = sheet.cell(row, key_column).value.replace("C003", "C004")
    elif change == "twice":
        sheet.cell(row, 1).value = "merge"
        copy = [c.value for c in sheet[row]]
        copy[0] = "not a match"
        sheet.append(copy)
    else:
        sheet.cell(row, 1).value = "not a match"
        sheet.cell(rows[("C002", "C003")], 1).value = "merge"
        # C001 = C002 is the steward's word too.
        from mdm.pair_review import pair_key

        sheet.append(["merge", None, 1.0, "auto_merge", "erp", "C001", 2, "erp", "C002", 3])
        sheet.cell(sheet.max_row, key_column).value = pair_key("erp", "C001", "erp", "C002")
    book.save(files["review"])
    assert main(["review", "import", str(files["review"])]) == 2
    err = capsys.readouterr().err.strip()
    assert err == f"channel-mdm review: error: {message.format(row=row)}"
    assert _stored(f"sqlite:///{tmp_path / 'store.sqlite'}") == 0


def test_a_later_file_that_contradicts_stored_decisions_is_refused(files, tmp_path, capsys) -> None:
    _export(files)
    decide(files["review"], {("C001", "C003"): "not a match"})
    assert main(["review", "import", str(files["review"])]) == 0
    _export(files)
    rows = decide(files["review"], {("C002", "C003"): "merge"})
    book = load_workbook(files["review"])
    sheet = book["review"]
    from mdm.pair_review import pair_key

    sheet.append(["merge", None, 1.0, "auto_merge", "erp", "C001", 2, "erp", "C002", 3])
    sheet.cell(sheet.max_row, [c.value for c in sheet[1]].index("key") + 1).value = pair_key(
        "erp", "C001", "erp", "C002"
    )
    book.save(files["review"])
    assert rows
    assert main(["review", "import", str(files["review"])]) == 2
    assert "a decision kept from an earlier file: erp C001 and erp C003" in capsys.readouterr().err
    assert _stored(f"sqlite:///{tmp_path / 'store.sqlite'}") == 1


def test_pairs_already_joined_through_other_records_come_last_and_say_so() -> None:
    """A pair in the review band whose records the matcher joined through others asks only whether that
    join is wrong: it is marked and listed after the pairs whose decision changes the result."""
    from mdm.pair_review import review_pairs

    pairs = pd.DataFrame(
        {
            "left_record_id": ["A", "B", "C", "E"],
            "right_record_id": ["B", "C", "D", "F"],
            "match_probability": [0.9, 0.8, 0.85, 0.99],
            "match_class": ["needs_review", "needs_review", "needs_review", "auto_merge"],
            "same_cluster": [True, False, False, True],
            "company_name_weight": [1.0, 1.0, 1.0, -1.0],  # E / F: merged across systems, names disagree
        }
    )
    records = pd.DataFrame(
        {
            "record_id": list("ABCDEF"),
            "source_system": ["erp"] * 5 + ["crm"],
            "source_record_id": list("ABCDEF"),
            "source_row": range(2, 8),
        }
    )
    review = review_pairs(pairs, records)
    listed = review[["left_record_id", "right_record_id", "already_joined"]].itertuples(
        index=False, name=None
    )
    assert list(listed) == [
        ("B", "C", ""),
        ("C", "D", ""),
        ("E", "F", ""),  # an automatic merge is joined by itself, not through others
        ("A", "B", "yes"),
    ]
