"""Where every ingested row came from, exactly enough to find it again in the original file.

Each accepted or quarantined row carries ``source_system, source_file, source_sheet,
source_row`` (1-based, counting title and header rows, as a person would in Excel or an
editor), the file's SHA-256 so a later re-export can be told apart, and the batch it arrived in.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from cleansing.canonical import PROVENANCE_COLUMNS

_HASH_CHUNK = 1 << 20


@dataclass(frozen=True)
class FileProvenance:
    """What is the same for every row of one source file in one batch."""

    source_system: str
    source_file: str
    file_hash: str
    batch_id: str
    ingested_at: str


def file_sha256(path: Path) -> str:
    """Return the hex SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_HASH_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def new_batch_id(now: dt.datetime | None = None) -> str:
    """A sortable, unique batch id such as ``20261126T203000Z-1a2b3c``."""
    now = now or dt.datetime.now(dt.UTC)
    return f"{now:%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:6]}"


def utc_now_iso() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def provenance_frame(
    provenance: FileProvenance, source_rows: np.ndarray, source_sheets: np.ndarray, index: pd.Index
) -> pd.DataFrame:
    """The provenance columns for rows of one file, in :data:`PROVENANCE_COLUMNS` order."""
    count = len(index)
    frame = pd.DataFrame(
        {
            "source_system": repeat_object(provenance.source_system, count),
            "source_file": repeat_object(provenance.source_file, count),
            "source_sheet": np.array(source_sheets, dtype=object),  # copies: the frame owns every column
            "source_row": np.array(source_rows, dtype=np.int64),
            "file_hash": repeat_object(provenance.file_hash, count),
            "batch_id": repeat_object(provenance.batch_id, count),
            "ingested_at": repeat_object(provenance.ingested_at, count),
        },
        index=index,
        copy=False,
    )
    return frame[list(PROVENANCE_COLUMNS)]


def repeat_object(value: object, count: int) -> np.ndarray:
    """An object array holding ``value`` ``count`` times: one shared object, not ``count`` copies.

    (``np.full(count, "text", dtype=object)`` goes through a fixed-width string array and creates a
    new string per element, which costs as much as the rest of the provenance put together.)
    """
    values = np.empty(count, dtype=object)
    values.fill(value)
    return values
