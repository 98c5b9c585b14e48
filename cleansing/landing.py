"""Landing: move new exports from the drop folder into the sources folder.

A steward (or an upstream job) drops a fresh export into ``drop/<source_system>/<file>``.
Landing replaces the current copy under ``sources/<source_system>/<file>``, keeping the
replaced file in an archive folder per batch, so every run reads one consistent snapshot
of every source system and nothing is overwritten without a copy.
"""

from __future__ import annotations

import hashlib
import shutil
from dataclasses import dataclass
from pathlib import Path

SOURCE_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".csv", ".tsv", ".txt", ".dat", ".json", ".jsonl")


@dataclass(frozen=True)
class DroppedFile:
    path: Path
    relative: Path
    size: int
    modified_ns: int


@dataclass(frozen=True)
class LandedFile:
    relative: Path
    replaced: bool
    archived_to: Path | None


def list_dropped_files(drop_dir: Path) -> list[DroppedFile]:
    """Source files waiting in ``drop_dir`` (one level of source-system folders), oldest first.

    Files still being written (names starting with ``.`` or ``~$``, or ending ``.part``/``.tmp``) are ignored.
    """
    if not drop_dir.is_dir():
        return []
    found: list[DroppedFile] = []
    for path in sorted(drop_dir.glob("*/*")):
        name = path.name
        if not path.is_file() or name.startswith((".", "~$")) or path.suffix.lower() not in SOURCE_SUFFIXES:
            continue
        stat = path.stat()
        found.append(DroppedFile(path, path.relative_to(drop_dir), stat.st_size, stat.st_mtime_ns))
    return sorted(found, key=lambda f: (f.modified_ns, str(f.relative)))


def drop_fingerprint(files: list[DroppedFile]) -> str:
    """A stable id for a set of dropped files, used as the sensor's run key."""
    digest = hashlib.sha256()
    for f in files:
        digest.update(f"{f.relative}|{f.size}|{f.modified_ns}\n".encode())
    return digest.hexdigest()[:16]


def land_dropped_files(drop_dir: Path, sources_dir: Path, archive_dir: Path) -> list[LandedFile]:
    """Move every dropped file into ``sources_dir``, archiving any file it replaces under ``archive_dir``."""
    landed: list[LandedFile] = []
    for dropped in list_dropped_files(drop_dir):
        target = sources_dir / dropped.relative
        archived_to = None
        if target.exists():
            archived_to = archive_dir / dropped.relative
            archived_to.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(str(target), archived_to)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(dropped.path), target)
        landed.append(LandedFile(dropped.relative, archived_to is not None, archived_to))
    return landed
