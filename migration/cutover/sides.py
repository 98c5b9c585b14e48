"""Read one side of a comparison into a frame of text: a file (plain or through a source mapping) or a database.

Files go through the project's one reader path (:mod:`cleansing.read_file`, or ingest's mapping for a
mapped file), with the same guards and messages. A database is opened read-only, its URL taken from
the environment variable the YAML names; the URL is never logged or shown, only the variable's name.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import sqlalchemy as sa

from cleansing.read_file import read_text_table, table_to_frame
from cleansing.readers.database import database_value_to_text, read_only_engine, table_columns
from foundation.errors import UserError
from foundation.settings import redact_passwords_in_text
from migration.cutover.config import SideSpec

_FETCH_ROWS = 50_000


@dataclass
class SideRows:
    """One side's rows as text, with where they came from."""

    name: str
    """``old`` or ``new``."""
    source: str
    """The file or ``$VARIABLE/table``: never a URL."""
    frame: pd.DataFrame
    row_numbers: Sequence[int | None]
    """The row each frame row came from in its file (1-based, header included) or result set (``None``
    for rows fetched by key)."""
    unreadable: list[dict[str, Any]] = field(default_factory=list)
    """Rows a mapping quarantined: row, column, reason."""
    partial: bool = False
    """Only some columns were read (a database table in sampled mode): the others are fetched for the
    sampled rows by :func:`fetch_rows_by_key`."""


def read_side(
    spec: SideSpec, name: str, folder: Path, columns: list[str], only: list[str] | None = None
) -> SideRows:
    """The rows of one side, every cell as text (blank as ``""``), with ``columns`` checked to exist.

    ``only``: for a database table, read just these columns for every row (the rest stay blank and
    ``partial`` is set); files and queries are always read whole.
    """
    if spec.url_env is not None:
        rows = _read_database(spec, name, columns, only if spec.table is not None else None)
    elif spec.mapping is not None:
        rows = _read_mapped_file(spec, name, folder)
    else:
        rows = _read_plain_file(spec, name, folder, columns)
    require_columns(rows.source, name, [str(c) for c in rows.frame.columns], columns)
    return rows


def require_columns(source: str, name: str, present: list[str], columns: list[str]) -> None:
    """Raise :class:`UserError` naming the first of ``columns`` not in ``present``, with the closest real one."""
    missing = [c for c in columns if c not in present]
    if missing:
        from difflib import get_close_matches

        close = get_close_matches(missing[0], present, n=1, cutoff=0.6)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        shown = ", ".join(present[:30])
        raise UserError(f"{source}: no column {missing[0]!r} on the {name} side{hint} (columns: {shown})")


def _file_path(spec: SideSpec, folder: Path) -> Path:
    assert spec.file is not None
    path = Path(spec.file)
    return path if path.is_absolute() else folder / path


def _read_plain_file(spec: SideSpec, name: str, folder: Path, columns: list[str]) -> SideRows:
    path = _file_path(spec, folder)
    if not path.is_file():
        raise UserError(f"{path}: file not found ({name} side)")
    table = read_text_table(path, sheet=spec.sheet, expected_columns=columns)
    frame = table_to_frame(table)
    frame.attrs.clear()  # the row numbers are kept below; pandas would copy them into every column taken
    return SideRows(name, str(path), frame.reset_index(drop=True), [int(r) for r in table.source_rows])


def _read_mapped_file(spec: SideSpec, name: str, folder: Path) -> SideRows:
    from cleansing.ingest import ingest_file
    from cleansing.mapping import load_mapping
    from cleansing.readers.checks import FileLimits

    path = _file_path(spec, folder)
    if not path.is_file():
        raise UserError(f"{path}: file not found ({name} side)")
    assert spec.mapping is not None
    mapping = load_mapping(Path(spec.mapping) if Path(spec.mapping).is_absolute() else folder / spec.mapping)
    mapped = ingest_file(mapping, path, path.name, "compare", FileLimits())
    accepted = mapped.accepted
    frame = accepted.apply(lambda column: column.map(cell_text)) if len(accepted) else accepted.astype(object)
    unreadable = [
        {"row": row.get("source_row"), "column": row.get("column"), "reason": row.get("reason")}
        for row in mapped.quarantined.to_dict("records")
    ]
    rows = [int(r) for r in pd.to_numeric(accepted.get("source_row"), errors="coerce").fillna(0)]
    return SideRows(name, str(path), frame.reset_index(drop=True), rows, unreadable)


def cell_text(value: Any) -> str:
    """A typed value (as ingest maps it) back to text: Decimals in full, dates as ISO, blanks as ``""``."""
    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, float) and value != value:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def _read_database(spec: SideSpec, name: str, columns: list[str], only: list[str] | None) -> SideRows:
    assert spec.url_env is not None
    source = spec.describe()
    url = os.environ.get(spec.url_env)
    if not url:
        raise UserError(
            f"{source}: environment variable {spec.url_env} is not set; export it with the database URL"
        )
    try:
        engine = read_only_engine(url)
    except UserError:
        raise
    except Exception as exc:
        raise UserError(
            f"{source}: the URL in ${spec.url_env} cannot be used ({type(exc).__name__})"
        ) from None
    try:
        with engine.connect() as connection:
            statement, present = _statement(connection, spec, source, columns if only is None else only)
            local = connection.dialect.name == "sqlite"  # a file: its cursor streams without a server cursor
            result = connection.execution_options(stream_results=not local).execute(statement)
            names = [str(k) for k in result.keys()]  # noqa: SIM118 (a Result, not a dict)
            cells: list[list[np.ndarray]] = [[] for _ in names]
            for block in _blocks(result, local, len(names)):
                for index, column in enumerate(block):
                    cells[index].append(_column_text(column))
    except UserError:
        raise
    except sa.exc.SQLAlchemyError as exc:
        raise database_read_error(source, spec, exc) from None
    finally:
        engine.dispose()
    frame = pd.DataFrame(
        {n: np.concatenate(c) if c else np.empty(0, dtype=object) for n, c in zip(names, cells, strict=True)},
        dtype=object,
    )
    partial = only is not None and not set(names) >= set(columns)
    if partial:  # the compared columns the table has are fetched later, for the sampled rows only
        for wanted in columns:
            if wanted not in frame.columns and wanted in present:
                frame[wanted] = ""
    return SideRows(name, source, frame, list(range(1, len(frame) + 1)), partial=partial)


def _blocks(result: sa.CursorResult[Any], local: bool, width: int) -> Iterator[list[np.ndarray]]:
    """The result's columns as object arrays, up to ``_FETCH_ROWS`` rows at a time.

    SQLite's rows are taken from its cursor as the driver gives them (plain tuples of scalars;
    SQLAlchemy has nothing to process for an untyped select), the others through SQLAlchemy's
    streamed partitions.
    """
    if local:
        cursor = result.cursor
        while batch := cursor.fetchmany(_FETCH_ROWS):
            block = np.empty((len(batch), width), dtype=object)
            block[:] = batch
            yield [block[:, index] for index in range(width)]
        return
    for partition in result.partitions(_FETCH_ROWS):
        yield [
            np.fromiter(column, dtype=object, count=len(partition)) for column in zip(*partition, strict=True)
        ]


def _column_text(values: np.ndarray) -> np.ndarray:
    """A fetched column as cell text: text as the driver gave it, anything else written out, blanks as ``""``."""
    if pd.api.types.infer_dtype(values, skipna=False) == "string":
        return values
    return np.array([database_value_to_text(v) or "" for v in values] + [None], dtype=object)[:-1]


FETCH_CHUNK = 500


def fetch_rows_by_key(
    spec: SideSpec, key_columns: list[str], keys: list[tuple[str, ...]], columns: list[str]
) -> dict[tuple[str, ...], dict[str, str]]:
    """The ``columns`` of the table rows whose key (as text, as :func:`read_side` wrote it) is in ``keys``."""
    assert spec.url_env is not None and spec.table is not None
    source = spec.describe()
    url = os.environ.get(spec.url_env)
    if not url:
        raise UserError(
            f"{source}: environment variable {spec.url_env} is not set; export it with the database URL"
        )
    wanted = list(dict.fromkeys([*key_columns, *columns]))
    table = sa.table(spec.table, *[sa.column(c) for c in wanted], schema=spec.schema_name)
    found: dict[tuple[str, ...], dict[str, str]] = {}
    engine = read_only_engine(url)
    try:
        with engine.connect() as connection:
            for start in range(0, len(keys), FETCH_CHUNK):
                chunk = keys[start : start + FETCH_CHUNK]
                if len(key_columns) == 1:
                    condition = table.c[key_columns[0]].in_([k[0] for k in chunk])
                else:
                    condition = sa.tuple_(*(table.c[c] for c in key_columns)).in_(chunk)
                for row in connection.execute(sa.select(*(table.c[c] for c in wanted)).where(condition)):
                    cells = {c: database_value_to_text(v) or "" for c, v in zip(wanted, row, strict=True)}
                    found.setdefault(tuple(cells[c] for c in key_columns), cells)
    except sa.exc.SQLAlchemyError as exc:
        detail = redact_passwords_in_text(str(getattr(exc, "orig", None) or type(exc).__name__)).splitlines()
        raise UserError(
            f"{source}: cannot read the sampled rows from the database in ${spec.url_env}: {detail[0] if detail else exc}"
        ) from None
    finally:
        engine.dispose()
    return found


def _statement(
    connection: sa.Connection, spec: SideSpec, source: str, columns: list[str]
) -> tuple[Any, list[str]]:
    """The user's query as written, or the table's ``columns`` only (when one is missing, every column,
    so :func:`read_side` can name the real ones); with the table's columns."""
    if spec.query is not None:
        # the user's own SELECT, run on a connection that refuses writes
        return sa.text(spec.query), []
    assert spec.table is not None
    present = table_columns(connection, spec.table, spec.schema_name, spec.url_env, source)
    wanted = [c for c in present if c in set(columns)]
    if len(wanted) < len(set(columns)):
        wanted = present  # read every column so the message can name the real ones
    table = sa.table(spec.table, *[sa.column(c) for c in present], schema=spec.schema_name)
    return sa.select(*[table.c[c] for c in wanted]), present


def database_read_error(source: str, spec: SideSpec, exc: Exception) -> UserError:
    """One line for a side whose database refused a read: the server's first line, passwords hidden."""
    detail = redact_passwords_in_text(str(getattr(exc, "orig", None) or type(exc).__name__)).splitlines()
    return UserError(
        f"{source}: cannot read from the database in ${spec.url_env}: {detail[0] if detail else exc}"
    )
