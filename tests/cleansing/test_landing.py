from __future__ import annotations

from cleansing.landing import drop_fingerprint, land_dropped_files, list_dropped_files


def test_landing_replaces_the_source_and_archives_the_old_copy(tmp_path):
    drop, sources, archive = tmp_path / "drop", tmp_path / "sources", tmp_path / "archive"
    (drop / "erp").mkdir(parents=True)
    (sources / "erp").mkdir(parents=True)
    (sources / "erp" / "partners.csv").write_text("old", encoding="utf-8")
    (drop / "erp" / "partners.csv").write_text("new", encoding="utf-8")
    (drop / "erp" / "partners.csv.part").write_text("half-written", encoding="utf-8")
    (drop / "erp" / "~$partners.xlsx").write_text("excel lock file", encoding="utf-8")

    landed = land_dropped_files(drop, sources, archive)

    assert [str(f.relative) for f in landed] == ["erp/partners.csv"]
    assert (sources / "erp" / "partners.csv").read_text(encoding="utf-8") == "new"
    assert (archive / "erp" / "partners.csv").read_text(encoding="utf-8") == "old"
    assert list_dropped_files(drop) == []


def test_fingerprint_changes_when_a_file_changes(tmp_path):
    (tmp_path / "dms").mkdir()
    path = tmp_path / "dms" / "dealers.csv"
    path.write_text("a", encoding="utf-8")
    before = drop_fingerprint(list_dropped_files(tmp_path))
    path.write_text("ab", encoding="utf-8")
    assert drop_fingerprint(list_dropped_files(tmp_path)) != before
