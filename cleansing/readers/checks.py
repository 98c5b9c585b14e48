"""Checks a file must pass before any parser touches it.

Users hand over whatever they have: an empty export, a PDF renamed ``.xlsx``, a
password-protected workbook, a zip bomb. Each is caught here from the first bytes or the
zip directory and turned into one sentence naming the file and what to do, instead of a
parser traceback (or an out-of-memory kill).
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

from foundation.errors import UserError

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
_ENCRYPTION_STREAM = "EncryptionInfo".encode("utf-16-le")

_MAGIC_NAMES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"SQLite format 3\x00", "a SQLite database"),
    (b"MZ", "a Windows program"),
    (b"\x7fELF", "a Linux program"),
)


@dataclass(frozen=True)
class FileLimits:
    """Size limits that keep a bad file from exhausting memory on a shared machine."""

    max_file_bytes: int = 2 * 1024**3
    max_uncompressed_bytes: int = 4 * 1024**3
    max_compression_ratio: float = 500.0
    """Deflate of real sheet XML rarely passes 100:1; a member far above that is a bomb."""


def describe_magic(head: bytes) -> str | None:
    """Return what kind of file ``head`` (its first bytes) starts like, when it is recognisable."""
    for magic, name in _MAGIC_NAMES:
        if head.startswith(magic):
            return name
    return None


def check_size(path: Path, limits: FileLimits) -> int:
    """Fail on a missing, empty or oversized file; return its size in bytes."""
    if not path.exists():
        raise UserError(f"{path}: file not found")
    if path.is_dir():
        raise UserError(f"{path}: is a folder, not a file")
    size = path.stat().st_size
    if size == 0:
        raise UserError(f"{path}: file is empty (0 bytes); re-export it from the source system")
    if size > limits.max_file_bytes:
        raise UserError(
            f"{path}: file is {size:,} bytes, over the limit of {limits.max_file_bytes:,} bytes; "
            "split it or raise max_file_bytes"
        )
    return size


def read_head(path: Path, size: int = 4096) -> bytes:
    with path.open("rb") as handle:
        return handle.read(size)


def check_workbook(path: Path, limits: FileLimits) -> None:
    """Fail unless ``path`` is a complete, unencrypted ``.xlsx`` zip of a sane expanded size."""
    check_size(path, limits)
    head = read_head(path)
    if head.startswith(OLE_MAGIC):
        if _is_encrypted_ole(path):
            raise UserError(
                f"{path}: workbook is password-protected (encrypted); open it in Excel, remove the password "
                "(File > Info > Protect Workbook) and save it again"
            )
        raise UserError(
            f"{path}: is a legacy Excel 97-2003 (.xls) workbook with an .xlsx name; "
            "rename it to .xls or save it as .xlsx"
        )
    if not head.startswith(ZIP_MAGIC):
        kind = describe_magic(head)
        if kind:
            raise UserError(f"{path}: is {kind}, not an Excel workbook; export the data as .xlsx or CSV")
        if b"\x00" not in head and _looks_like_text(head):
            raise UserError(f"{path}: is a text file, not an Excel workbook; rename it to .csv or .txt")
        raise UserError(f"{path}: is not an Excel .xlsx workbook (unknown file type); re-export it as .xlsx")
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except zipfile.BadZipFile:
        raise UserError(
            f"{path}: workbook is damaged or truncated (its zip directory is unreadable); "
            "copy it again or re-export it"
        ) from None
    names = {m.filename for m in members}
    if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
        raise UserError(f"{path}: is a zip archive but not an Excel workbook; export the data as .xlsx")
    check_zip_members(path, members, limits)


def check_zip_members(path: Path, members: list[zipfile.ZipInfo], limits: FileLimits) -> None:
    """Refuse a workbook whose members expand beyond the limits (a zip bomb) before opening it."""
    total = sum(m.file_size for m in members)
    if total > limits.max_uncompressed_bytes:
        raise UserError(
            f"{path}: workbook would expand to {total:,} bytes, over the limit of "
            f"{limits.max_uncompressed_bytes:,} bytes; it may be a zip bomb or needs splitting"
        )
    for member in members:
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > 1024 * 1024 and ratio > limits.max_compression_ratio:
            raise UserError(
                f"{path}: workbook member {member.filename} expands {ratio:,.0f} times "
                f"(over {limits.max_compression_ratio:,.0f}); refusing to open a likely zip bomb"
            )


def _is_encrypted_ole(path: Path) -> bool:
    # Office encrypts .xlsx by wrapping it in an OLE compound file holding an EncryptionInfo stream.
    with path.open("rb") as handle:
        data = handle.read(1024 * 1024)
    return _ENCRYPTION_STREAM in data


def _looks_like_text(head: bytes) -> bool:
    try:
        head.decode("utf-8")
        return True
    except UnicodeDecodeError:
        try:
            head.decode("gb18030")
            return True
        except UnicodeDecodeError:
            return False
