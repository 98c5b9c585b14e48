"""``--max-file-mb``: the file-size limit every command that reads user files takes, and checks the same way."""

from __future__ import annotations

import argparse

from cleansing.readers.checks import FileLimits
from foundation.errors import UserError

DEFAULT_MAX_FILE_MB = 2048.0


def add_file_limit_arguments(parser: argparse.ArgumentParser) -> None:
    """Add ``--max-file-mb`` to a command that reads files through the ingest readers."""
    parser.add_argument(
        "--max-file-mb",
        type=float,
        default=DEFAULT_MAX_FILE_MB,
        help="refuse input files larger than this many megabytes (default: %(default)s)",
    )


def file_limits(max_file_mb: float) -> FileLimits:
    """The reader limits for ``--max-file-mb``; zip-bomb and expansion limits keep their defaults."""
    if not max_file_mb > 0:
        raise UserError(f"--max-file-mb {max_file_mb}: must be greater than 0")
    return FileLimits(max_file_bytes=int(max_file_mb * 1024 * 1024))
