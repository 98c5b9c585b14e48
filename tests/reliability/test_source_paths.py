"""A mapping's ``file:`` stays inside the sources folder.

Found by a hostile run: ``file: ../../../../etc/passwd`` was read and its first line logged.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from cleansing.ingest import ingest_all

MAPPING = """\
source_system: {system}
entity: partner
trust_rank: 1
file: {file}
format: csv
columns:
  source_record_id: code
  partner_name: name
"""


def _setup(tmp_path: Path, file: str) -> tuple[Path, Path]:
    sources, mappings = tmp_path / "sources", tmp_path / "mappings"
    (sources / "good").mkdir(parents=True)
    mappings.mkdir()
    (sources / "good" / "partners.csv").write_text("code,name\nP1,华强商贸\nP2,久安建材\n", encoding="utf-8")
    (mappings / "a_bad.yaml").write_text(MAPPING.format(system="bad", file=file), encoding="utf-8")
    (mappings / "b_good.yaml").write_text(
        MAPPING.format(system="good", file="good/partners.csv"), encoding="utf-8"
    )
    return sources, mappings


def _reports(sources: Path, mappings: Path) -> dict[str, tuple[int, str | None]]:
    results = ingest_all(mappings, sources, "B1", progress=False)
    return {r.source_system: (rep.rows_in, rep.error) for r in results["partner"] for rep in r.file_reports}


@pytest.mark.parametrize("file", ["../../../../etc/passwd", "good/../../outside.csv", "/etc/passwd"])
def test_a_path_that_leaves_the_sources_folder_is_refused_and_the_others_still_run(tmp_path: Path, file: str):
    sources, mappings = _setup(tmp_path, file)
    (tmp_path / "outside.csv").write_text("code,name\nX,secret\n", encoding="utf-8")
    reports = _reports(sources, mappings)
    assert reports["bad"] == (
        0,
        f"{mappings / 'a_bad.yaml'}: key file: '{file}' leaves the sources folder; give a path inside "
        f"{sources} (a file name or a pattern such as erp/partners*.xlsx)",
    )
    assert reports["good"] == (2, None)


def test_a_link_inside_the_folder_to_a_file_outside_is_refused(tmp_path: Path):
    sources, mappings = _setup(tmp_path, "linked/*.csv")
    (sources / "linked").mkdir()
    outside = tmp_path / "outside.csv"
    outside.write_text("code,name\nX,secret\n", encoding="utf-8")
    os.symlink(outside, sources / "linked" / "partners.csv")
    reports = _reports(sources, mappings)
    assert reports["bad"] == (
        0,
        f"{mappings / 'a_bad.yaml'}: key file: 'linked/partners.csv' is a link to {outside.resolve()}, "
        f"outside the sources folder {sources}; copy the file into the folder",
    )
    assert reports["good"] == (2, None)
