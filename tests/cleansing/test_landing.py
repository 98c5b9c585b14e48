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


def test_a_landed_export_replaces_the_source_file_of_the_same_name_at_ingest(tmp_path):
    """Landing never writes into the sources folder: the landed copy is read instead of the old one."""
    from cleansing.ingest import ingest_all
    from foundation.settings import PROJECT_ROOT

    mappings = tmp_path / "mappings"
    mappings.mkdir()
    mapping = (PROJECT_ROOT / "sample_data" / "mappings" / "crm_partner.yaml").read_text(encoding="utf-8")
    (mappings / "crm_partner.yaml").write_text(mapping, encoding="utf-8")
    sources, landing, drop = tmp_path / "sources", tmp_path / "data" / "landing", tmp_path / "data" / "drop"
    original = next((PROJECT_ROOT / "sample_data" / "sources").glob("crm/partners.jsonl"))
    relative = original.relative_to(PROJECT_ROOT / "sample_data" / "sources")
    (sources / relative).parent.mkdir(parents=True)
    (sources / relative).write_bytes(original.read_bytes())
    before = {p: p.read_bytes() for p in sources.rglob("*") if p.is_file()}
    (old,) = ingest_all(mappings, sources, "b0", progress=False)["partner"]
    newer = b"".join(original.read_bytes().splitlines(keepends=True)[:40])  # a shorter export
    (drop / relative).parent.mkdir(parents=True)
    (drop / relative).write_bytes(newer)

    land_dropped_files(drop, landing, tmp_path / "data" / "archive" / "b1")

    assert (landing / relative).read_bytes() == newer
    assert {p: p.read_bytes() for p in sources.rglob("*") if p.is_file()} == before
    (new,) = ingest_all(mappings, sources, "b1", progress=False, landing_dir=landing)["partner"]
    assert [(r.file, r.error) for r in new.file_reports] == [(relative.as_posix(), None)]
    assert 0 < new.file_reports[0].rows_in < old.file_reports[0].rows_in
