"""Files that are either the old version or the new one, never half written.

A report or intermediate output is written to a temporary file in the same folder and renamed over
the target: a rename within one folder is atomic, so a kill or a full disk mid-write leaves the
previous file intact instead of a truncated one.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def replacing(path: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success it replaces ``path``, on error it is removed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def write_atomically(path: Path, content: str | bytes, encoding: str = "utf-8") -> Path:
    """Write ``content`` (text in ``encoding``, or bytes) to ``path`` through a temporary file and a rename."""
    payload = content.encode(encoding) if isinstance(content, str) else content
    with replacing(path) as temporary:
        temporary.write_bytes(payload)
    return path
