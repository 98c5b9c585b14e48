"""A source file that did not change is not read again: the rows it gave last time are reused."""

from __future__ import annotations

import shutil

import pandas as pd

from cleansing.ingest import ingest_source
from cleansing.mapping import load_mapping
from foundation.settings import PROJECT_ROOT

SAMPLE = PROJECT_ROOT / "sample_data"


def _sources_with_the_erp_partners(tmp_path):
    sources = tmp_path / "sources"
    (sources / "erp").mkdir(parents=True)
    shutil.copy(SAMPLE / "sources" / "erp" / "partners.xlsx", sources / "erp" / "partners.xlsx")
    return sources


def test_an_unchanged_file_is_skipped_with_the_rows_and_provenance_of_the_batch_that_read_it(tmp_path):
    sources = _sources_with_the_erp_partners(tmp_path)
    mapping = load_mapping(SAMPLE / "mappings" / "erp_partner.yaml")
    cache = tmp_path / "cache"

    first = ingest_source(mapping, sources, "B1", cache_dir=cache)
    second = ingest_source(mapping, sources, "B2", cache_dir=cache)

    assert first.file_reports[0].unchanged_since is None
    assert second.file_reports[0].unchanged_since == "B1"
    pd.testing.assert_frame_equal(second.accepted, first.accepted)
    pd.testing.assert_frame_equal(second.quarantined, first.quarantined)
    assert (second.file_reports[0].rows_in, second.file_reports[0].quarantined) == (
        first.file_reports[0].rows_in,
        first.file_reports[0].quarantined,
    )


def test_a_changed_file_or_mapping_is_read_again(tmp_path):
    sources = _sources_with_the_erp_partners(tmp_path)
    mapping_path = tmp_path / "erp_partner.yaml"
    shutil.copy(SAMPLE / "mappings" / "erp_partner.yaml", mapping_path)
    cache = tmp_path / "cache"
    ingest_source(load_mapping(mapping_path), sources, "B1", cache_dir=cache)

    mapping_path.write_text(mapping_path.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert (
        ingest_source(load_mapping(mapping_path), sources, "B2", cache_dir=cache)
        .file_reports[0]
        .unchanged_since
        is None
    )

    (sources / "erp" / "partners.xlsx").write_bytes(
        (SAMPLE / "sources" / "erp" / "products.xlsx").read_bytes()
    )
    after = ingest_source(load_mapping(mapping_path), sources, "B3", cache_dir=cache)
    assert after.file_reports[0].unchanged_since is None
