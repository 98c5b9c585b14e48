"""Skip a source file that did not change: reuse what reading it gave last time.

Reading and mapping a workbook is the slow part of a night; most exports are the same as yesterday's.
Each mapped file is remembered under ``<data dir>/ingest_cache/<mapping>/`` as Parquet (see
:mod:`foundation.frame_files`), with a fingerprint of the file's bytes, the mapping's YAML and this
tool's version. When the next run finds the same fingerprint, the remembered rows (with their original
provenance: the batch that read them) are used and the file is reported as "skipped, unchanged since
<batch>". Any change to the file, its mapping or the tool reads it again.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
from pathlib import Path
from typing import Any

from cleansing.mapping import SourceMapping
from cleansing.provenance import file_sha256
from foundation import __version__
from foundation.frame_files import read_result, write_result

log = logging.getLogger(__name__)

FINGERPRINT = "fingerprint.txt"


def file_fingerprint(mapping: SourceMapping, path: Path) -> str:
    """What must be equal for a remembered read to stand: file bytes, mapping YAML, tool version."""
    digest = hashlib.sha256(file_sha256(path).encode())
    if mapping.path is not None and mapping.path.is_file():
        digest.update(mapping.path.read_bytes())
    digest.update(__version__.encode())
    return digest.hexdigest()


def _folder(cache_dir: Path, mapping: SourceMapping, label: str) -> Path:
    return cache_dir / mapping.name / hashlib.sha256(label.encode()).hexdigest()[:16]


def read_unchanged_file(cache_dir: Path, mapping: SourceMapping, path: Path, label: str) -> Any | None:
    """The remembered mapped file if ``path`` is unchanged since it was read, else None."""
    folder = _folder(cache_dir, mapping, label)
    marker = folder / FINGERPRINT
    if mapping.format == "database" or not marker.is_file():
        return None
    if marker.read_text(encoding="utf-8").strip() != file_fingerprint(mapping, path):
        return None
    try:
        return read_result(folder / "mapped")
    except Exception as exc:  # a damaged cache only costs a re-read
        log.warning("%s: remembered read unusable (%s); reading the file again", label, type(exc).__name__)
        return None


def remember_mapped_file(
    cache_dir: Path, mapping: SourceMapping, path: Path, label: str, mapped: Any
) -> None:
    """Keep what reading ``path`` gave, for the next run to reuse while the file is unchanged."""
    if mapping.format == "database":
        return
    folder = _folder(cache_dir, mapping, label)
    shutil.rmtree(folder, ignore_errors=True)
    write_result(mapped, folder / "mapped")
    (folder / FINGERPRINT).write_text(file_fingerprint(mapping, path), encoding="utf-8")
