"""A one-mapping sources folder in a test's temporary directory, ingested as the pipeline would."""

from __future__ import annotations

from pathlib import Path

from cleansing.ingest import IngestResult, ingest_all


def source_folder(tmp_path: Path) -> Path:
    """``tmp_path/sources``, created; write the source file(s) there before :func:`ingest_mapping`."""
    sources = tmp_path / "sources"
    sources.mkdir(exist_ok=True)
    return sources


def ingest_mapping(tmp_path: Path, mapping_yaml: str, entity: str) -> IngestResult:
    """Ingest ``tmp_path/sources`` through the one mapping ``mapping_yaml``; the result for ``entity``."""
    mappings = tmp_path / "mappings"
    mappings.mkdir(exist_ok=True)
    (mappings / "source.yaml").write_text(mapping_yaml, encoding="utf-8")
    (result,) = ingest_all(mappings, source_folder(tmp_path), "B1", progress=False)[entity]
    return result


def force_openpyxl_fallback(monkeypatch) -> None:
    """Make the fast sheet-XML path give up, so the xlsx reader falls back to openpyxl's cells."""
    from cleansing.readers import sheet_xml

    def unsupported(*args, **kwargs):
        raise sheet_xml.UnsupportedSheet("forced")
        yield  # pragma: no cover - a generator, like the path it replaces

    monkeypatch.setattr("cleansing.readers.xlsx.iter_sheet_rows", unsupported)
