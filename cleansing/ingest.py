"""Read every source file through its mapping into canonical rows, or quarantine with a reason.

This is where trust starts: each input row is accepted (canonical columns + provenance +
``data_flags``) or quarantined (with column, reason code, sentence and original cells), and
rows in = accepted + quarantined per file, checked in code. A file that cannot be read at all
gives one line in its :class:`FileReport` and the other files still process.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from cleansing.canonical import PROVENANCE_COLUMNS, CanonicalEntity
from cleansing.id_damage import DAMAGE_REASONS, IdExpectation, id_damage_kinds, restore_leading_zeros
from cleansing.mapping import SourceMapping, check_source_columns, load_mappings
from cleansing.mapping_transforms import Problem, apply_transforms, blank_to_na, coerce
from cleansing.provenance import (
    FileProvenance,
    file_sha256,
    new_batch_id,
    provenance_frame,
    repeat_object,
    utc_now_iso,
)
from cleansing.quarantine import (
    QUARANTINE_COLUMNS,
    RowBalance,
    check_row_balance,
    cut_original,
    empty_quarantine,
    original_json,
)
from cleansing.readers import RawTable, get_reader
from cleansing.readers.checks import FileLimits
from cleansing.text import normalise_codes
from cleansing.total_rows import find_total_rows, put_total_rows_first
from cleansing.unchanged_files import read_unchanged_file, remember_mapped_file
from foundation.errors import UserError

logger = logging.getLogger(__name__)

MAX_CELL_CHARS = 32_767
"""Excel's own limit for one cell; a longer value is a broken export (or an attack), not data."""


@dataclass
class FileReport:
    """How one source file went: rows in, accepted, quarantined, or why it could not be read."""

    file: str
    rows_in: int = 0
    accepted: int = 0
    quarantined: int = 0
    error: str | None = None
    notes: list[str] = field(default_factory=list)
    unchanged_since: str | None = None
    """The batch that read this file, when this run skipped it as unchanged since then."""


@dataclass
class IngestResult:
    """One mapping's files ingested: canonical rows and quarantined rows for one entity."""

    entity: str
    accepted: pd.DataFrame
    quarantined: pd.DataFrame
    file_reports: list[FileReport]
    mapping_name: str = ""
    source_system: str = ""


@dataclass
class _MappedFile:
    accepted: pd.DataFrame
    quarantined: pd.DataFrame
    report: FileReport


def ingest_source(
    mapping: SourceMapping,
    sources_dir: Path,
    batch_id: str | None = None,
    limits: FileLimits | None = None,
    landing_dir: Path | None = None,
    cache_dir: Path | None = None,
) -> IngestResult:
    """Ingest every file matching ``mapping.file`` under ``sources_dir``; a file of the same name under
    ``landing_dir`` (exports landed from the drop folder) is read instead of the one in ``sources_dir``.
    With ``cache_dir``, a file unchanged since a run read it is skipped (see :mod:`cleansing.unchanged_files`)."""
    batch_id = batch_id or new_batch_id()
    limits = limits or FileLimits()
    entity = mapping.canonical
    accepted: list[pd.DataFrame] = []
    quarantined: list[pd.DataFrame] = []
    reports: list[FileReport] = []
    try:
        files = _source_files(mapping, sources_dir, landing_dir)
    except UserError as exc:
        files = []
        reports.append(FileReport(file=mapping.file or mapping.name, error=str(exc)))
        logger.warning("%s", exc)
    for path, label in files:
        try:
            mapped = _read_or_reuse(mapping, path, label, batch_id, limits, cache_dir)
        except UserError as exc:
            reports.append(FileReport(file=label, error=str(exc)))
            logger.warning("%s", exc)
            continue
        except Exception as exc:  # a reader bug must not stop the other files
            logger.debug("unexpected error reading %s", path, exc_info=True)
            reports.append(
                FileReport(file=label, error=f"{path}: could not be read ({type(exc).__name__}: {exc})")
            )
            continue
        accepted.append(mapped.accepted)
        quarantined.append(mapped.quarantined)
        reports.append(mapped.report)
    return IngestResult(
        entity=entity.name,
        accepted=pd.concat(accepted, ignore_index=True) if accepted else _empty_accepted(entity),
        quarantined=pd.concat(quarantined, ignore_index=True) if quarantined else empty_quarantine(),
        file_reports=reports,
        mapping_name=mapping.name,
        source_system=mapping.source_system,
    )


def _read_or_reuse(
    mapping: SourceMapping, path: Path, label: str, batch_id: str, limits: FileLimits, cache_dir: Path | None
) -> _MappedFile:
    if cache_dir is None:
        return ingest_file(mapping, path, label, batch_id, limits)
    remembered = read_unchanged_file(cache_dir, mapping, path, label)
    if remembered is not None:
        read_by = remembered.accepted["batch_id"].iloc[0] if len(remembered.accepted) else "an earlier run"
        remembered.report.unchanged_since = str(read_by)
        logger.info("%s: skipped, unchanged since %s", label, read_by)
        return remembered
    mapped = ingest_file(mapping, path, label, batch_id, limits)
    remember_mapped_file(cache_dir, mapping, path, label, mapped)
    return mapped


def ingest_all(
    mappings_dir: Path,
    sources_dir: Path,
    batch_id: str | None = None,
    progress: bool = True,
    limits: FileLimits | None = None,
    landing_dir: Path | None = None,
    cache_dir: Path | None = None,
) -> dict[str, list[IngestResult]]:
    """Ingest every mapping in ``mappings_dir``; results grouped by canonical entity.

    A file landed under ``landing_dir`` replaces the file of the same relative path in ``sources_dir``."""
    from tqdm import tqdm

    batch_id = batch_id or new_batch_id()
    mappings = load_mappings(mappings_dir)
    results: dict[str, list[IngestResult]] = {}
    for mapping in tqdm(mappings, desc="ingest", unit="source", disable=not progress):
        result = ingest_source(mapping, sources_dir, batch_id, limits, landing_dir, cache_dir)
        results.setdefault(result.entity, []).append(result)
        for report in result.file_reports:
            if report.error is None:
                logger.info(
                    "%s: read %s rows, accepted %s, quarantined %s",
                    report.file,
                    f"{report.rows_in:,}",
                    f"{report.accepted:,}",
                    f"{report.quarantined:,}",
                )
    return results


def _source_files(
    mapping: SourceMapping, sources_dir: Path, landing_dir: Path | None = None
) -> list[tuple[Path, str]]:
    if mapping.format == "database":
        table = mapping.options["table"]
        return [(Path(f"${mapping.options['url_env']}/{table}"), f"${mapping.options['url_env']}/{table}")]
    assert mapping.file is not None
    pattern = Path(mapping.file)
    if pattern.is_absolute() or ".." in pattern.parts:
        raise UserError(
            f"{mapping.path}: key file: '{mapping.file}' leaves the sources folder; give a path inside "
            f"{sources_dir} (a file name or a pattern such as erp/partners*.xlsx)"
        )
    matches = _matching_files(mapping, sources_dir)
    if landing_dir is not None and landing_dir.is_dir():
        # a landed export replaces the file of the same name in the sources folder
        matches.update(_matching_files(mapping, landing_dir))
    if not matches:
        raise UserError(f"{sources_dir / mapping.file}: no file matches (mapping {mapping.path}, key file)")
    return [(matches[label], label) for label in sorted(matches)]


def _matching_files(mapping: SourceMapping, folder: Path) -> dict[str, Path]:
    """The files under ``folder`` that ``mapping.file`` names, by their path relative to the folder."""
    assert mapping.file is not None
    root = folder.resolve()
    matches: dict[str, Path] = {}
    for path in sorted(p for p in folder.glob(mapping.file) if p.is_file()):
        if not path.resolve().is_relative_to(root):
            # A link inside the folder that points outside it is refused like a path that leaves it.
            raise UserError(
                f"{mapping.path}: key file: '{path.relative_to(folder).as_posix()}' is a link to "
                f"{path.resolve()}, outside the sources folder {folder}; copy the file into the folder"
            )
        matches[path.relative_to(folder).as_posix()] = path
    return matches


def ingest_file(
    mapping: SourceMapping, path: Path, label: str, batch_id: str, limits: FileLimits
) -> _MappedFile:
    """Read one file and map it; raises :class:`UserError` when the file cannot be used at all."""
    reader = get_reader(mapping.format)
    options = {
        **mapping.options,
        "format": mapping.format,
        "keep_columns": mapping.source_columns(),
        "limits": limits,
    }
    table = reader.read(path, options)
    if table.frame.shape[1] == 0 and table.rejected:  # every row rejected by the reader: nothing to map
        table.frame = pd.DataFrame({c: pd.Series([], dtype=object) for c in mapping.source_columns()})
    check_source_columns(mapping, [str(c) for c in table.frame.columns], table.ambiguous_columns, str(path))
    file_hash = "" if mapping.format == "database" else table.file_hash or file_sha256(path)
    provenance = FileProvenance(mapping.source_system, label, file_hash, batch_id, utc_now_iso())
    canonical, problems, flags = map_table(mapping, table, label)
    mapped = _split(mapping, table, canonical, problems, flags, provenance)
    mapped.report.notes.extend(table.notes)
    if mapped.report.rows_in == 0:
        mapped.report.notes.append(f"{path}: has a header but no data rows")
    return mapped


def map_table(
    mapping: SourceMapping, table: RawTable, label: str = ""
) -> tuple[pd.DataFrame, list[Problem], list[tuple[np.ndarray, str]]]:
    """Map an all-text table onto the canonical columns of the mapping's entity.

    Returns the canonical frame (every canonical column, typed), the problems that will
    quarantine rows, and ``(mask, flag)`` pairs that go into ``data_flags`` of accepted rows.
    """
    entity = mapping.canonical
    frame = table.frame
    count = len(frame)
    canonical: dict[str, pd.Series] = {}
    problems: list[Problem] = []
    flags: list[tuple[np.ndarray, str]] = []
    hidden = table.flag_mask("hidden_row", "")
    if hidden is not None:
        flags.append((hidden, "hidden_row"))
    for column in entity.columns:
        name = column.name
        if name in mapping.constants:
            values = pd.Series(mapping.constants[name], index=frame.index, dtype=object)
        elif name in mapping.columns:
            spec = mapping.spec(name)
            sources = [_source_values(table, s, label, trim=not table.cells_trimmed) for s in spec.sources]
            source_label = "+".join(spec.sources)
            for source in spec.sources:
                problems += _excel_errors(table, source, name)
                problems += _uncached_formulas(table, source, name)
                problems += _long_cells(table, source, name)
                repeated = table.flag_mask("duplicate_key", source)
                if repeated is not None:
                    flags.append((repeated, f"{name}:duplicate_key_in_source"))
            values, found = apply_transforms(sources, mapping.transforms.get(name, []), name, source_label)
            problems += found
            if spec.default is not None:
                values = values.where(values.notna(), spec.default)
            numeric = table.flag_mask("numeric", spec.sources[0])
            if column.type == "id":
                # Full-width digits or a zero-width space must not make a second SKU or code.
                values, changed = normalise_codes(values)
                if changed.any():
                    flags.append((changed, f"{name}:normalised"))
                values = _check_id_damage(
                    values, numeric, spec.id_length, spec.restore_leading_zeros, name, flags
                )
            serial = numeric if column.type == "date" else None
            values, problem = coerce(
                values, column.type, name, source_label, serial, mapping.number_format(name)
            )
            problems += [problem] if problem else []
        else:
            values = pd.Series(None, index=frame.index, dtype=object)
        if column.required:
            already = np.zeros(count, dtype=bool)
            for problem in problems:
                if problem.column == name:
                    already |= problem.mask
            missing = values.isna().to_numpy() & ~already
            if missing.any():
                where = "+".join(mapping.spec(name).sources) if name in mapping.columns else name
                reasons = pd.Series(
                    f"required column {name} (from {where}) is empty", index=frame.index[missing]
                )
                problems.append(Problem(missing, name, "missing_required", reasons))
        canonical[name] = values
    totals = _total_rows(mapping, frame, label)
    if totals is not None:
        problems = put_total_rows_first(problems, totals)
    # copy=False: the columns are new or (copy-on-write) shared with the raw table; copying a
    # million rows of sixteen columns here would cost as much as all the checks above.
    result = (
        pd.DataFrame(canonical, index=frame.index, copy=False)
        if count
        else pd.DataFrame({c: [] for c in canonical})
    )
    return result, problems, flags


def _total_rows(mapping: SourceMapping, frame: pd.DataFrame, label: str) -> Problem | None:
    keys = [k for k in mapping.canonical.business_key if k != "source_system"]
    sources = [
        s for k in keys if k in mapping.columns for s in mapping.spec(k).sources if not s.startswith("@")
    ]
    return find_total_rows(frame, sources, keys[0], label or str(mapping.file))


def _source_values(table: RawTable, name: str, label: str, trim: bool) -> pd.Series:
    frame = table.frame
    if name == "@sheet":
        return pd.Series(table.source_sheets, index=frame.index, dtype=object)
    if name == "@file":
        return pd.Series(label, index=frame.index, dtype=object)
    values = frame[name]
    if trim:
        values = blank_to_na(values.astype(object).str.strip())
    elif values.dtype != object:
        values = values.astype(object)
    return values


def _excel_errors(table: RawTable, source: str, column: str) -> list[Problem]:
    mask = table.flag_mask("excel_error", source)
    if mask is None or not mask.any():
        return []
    values = table.frame[source][mask]
    reasons = pd.Series(
        [f"{source} holds the Excel error {v}; fix the formula or value in the workbook" for v in values],
        index=values.index,
    )
    return [Problem(mask, column, "excel_error", reasons)]


def _uncached_formulas(table: RawTable, source: str, column: str) -> list[Problem]:
    mask = table.flag_mask("uncached_formula", source)
    if mask is None or not mask.any():
        return []
    cells = table.uncached_formulas.get(source, {})
    reasons = pd.Series(
        [
            f"{source} ({cells[position]}) " if position in cells else f"{source} "
            for position in np.flatnonzero(mask).tolist()
        ],
        index=table.frame.index[mask],
        dtype=object,
    ) + (
        "holds a formula with no saved value (the workbook was written by a program and never "
        "saved in Excel), so its value is unknown; open the file in Excel or WPS, save it and ingest again"
    )
    return [Problem(mask, column, "uncached_formula", reasons)]


def cell_lengths(table: RawTable, column: str) -> np.ndarray | None:
    """Each cell's length in ``column``, or ``None`` when no cell can exceed :data:`MAX_CELL_CHARS`
    (the column is absent, or the reader knows its longest line is shorter)."""
    if column not in table.frame.columns or (
        table.longest_line is not None and table.longest_line <= MAX_CELL_CHARS
    ):
        return None
    return table.frame[column].astype(object).str.len().fillna(0).to_numpy()


def _long_cells(table: RawTable, source: str, column: str) -> list[Problem]:
    lengths = cell_lengths(table, source)
    if lengths is None:
        return []
    mask = lengths > MAX_CELL_CHARS
    if not mask.any():
        return []
    reasons = pd.Series(
        [
            f"{source} holds {int(n):,} characters, more than the {MAX_CELL_CHARS:,} a cell may hold"
            for n in lengths[mask]
        ],
        index=table.frame.index[mask],
    )
    return [Problem(mask, column, "cell_too_long", reasons)]


def _check_id_damage(
    values: pd.Series,
    numeric: np.ndarray | None,
    length: int | None,
    restore: bool,
    name: str,
    flags: list[tuple[np.ndarray, str]],
) -> pd.Series:
    kinds = id_damage_kinds(values, numeric, IdExpectation(length))
    if kinds is None:
        if numeric is not None:
            flags.append((numeric & values.notna().to_numpy(), f"{name}:was_numeric"))
        return values
    damage = pd.Series(kinds, index=values.index, dtype=object)
    damaged = kinds != ""
    for kind in DAMAGE_REASONS:
        mask = kinds == kind
        if mask.any():
            restored = restore and kind == "lost_leading_zeros" and length
            flags.append((mask, f"{name}:{kind}{'_restored' if restored else ''}"))
    if restore and length:
        values = restore_leading_zeros(values, damage, length)
    if numeric is not None:
        flags.append((numeric & ~damaged & values.notna().to_numpy(), f"{name}:was_numeric"))
    return values


def _split(
    mapping: SourceMapping,
    table: RawTable,
    canonical: pd.DataFrame,
    problems: list[Problem],
    flags: list[tuple[np.ndarray, str]],
    provenance: FileProvenance,
) -> _MappedFile:
    count = len(canonical)
    bad = np.zeros(count, dtype=bool)
    for problem in problems:
        bad |= problem.mask
    good = ~bad
    accepted = canonical.copy(deep=False) if good.all() else canonical[good]
    prov = provenance_frame(provenance, table.source_rows[good], table.source_sheets[good], accepted.index)
    for name in prov.columns:  # adding columns avoids copying the canonical ones, as a concat would
        accepted[name] = prov[name]
    accepted["data_flags"] = _join_flags([(mask[good], flag) for mask, flag in flags], accepted.index)
    accepted = accepted.reset_index(drop=True)
    quarantined = pd.concat(
        [
            _quarantine_problems(mapping, table, canonical, problems, bad, provenance),
            _quarantine_rejected(mapping, table, provenance),
        ],
        ignore_index=True,
    )
    report = FileReport(
        file=provenance.source_file,
        rows_in=table.rows_in,
        accepted=len(accepted),
        quarantined=len(quarantined),
    )
    check_row_balance(RowBalance(report.file, report.rows_in, report.accepted, report.quarantined))
    if report.quarantined:
        codes = quarantined["reason_code"].value_counts()
        report.notes.append("quarantined: " + ", ".join(f"{c} {n:,}" for c, n in codes.items()))
    return _MappedFile(accepted, quarantined, report)


def _join_flags(flags: list[tuple[np.ndarray, str]], index: pd.Index) -> pd.Series:
    joined = repeat_object("", len(index))
    for mask, flag in flags:
        if mask.any():
            joined[mask] = np.where(joined[mask] == "", flag, joined[mask] + ";" + flag)
    return pd.Series(joined, index=index, dtype=object)


def _business_keys(mapping: SourceMapping, canonical: pd.DataFrame) -> pd.Series:
    parts: list[pd.Series] = []
    for key in mapping.canonical.business_key:
        if key == "source_system":
            parts.append(pd.Series(mapping.source_system, index=canonical.index, dtype=object))
        else:
            parts.append(canonical[key].astype(object))
    known = pd.concat([p.notna() for p in parts], axis=1).all(axis=1)
    key = parts[0].astype("str")
    for part in parts[1:]:
        key = key + "|" + part.astype("str")
    return key.where(known, None)


def _quarantine_problems(
    mapping: SourceMapping,
    table: RawTable,
    canonical: pd.DataFrame,
    problems: list[Problem],
    bad: np.ndarray,
    provenance: FileProvenance,
) -> pd.DataFrame:
    if not bad.any():
        return empty_quarantine()
    records = pd.concat(
        [
            pd.DataFrame(
                {
                    "position": np.flatnonzero(p.mask),
                    "column": p.column,
                    "reason_code": p.reason_code,
                    "reason": p.reasons.to_numpy(),
                }
            )
            for p in problems
        ],
        ignore_index=True,
    )
    grouped = records.groupby("position", sort=True)
    first = grouped.first()
    reasons = grouped["reason"].agg("; ".join)
    positions = first.index.to_numpy()
    index = canonical.index[positions]
    frame = provenance_frame(provenance, table.source_rows[positions], table.source_sheets[positions], index)
    frame.insert(0, "entity", mapping.entity)
    frame["business_key"] = _business_keys(mapping, canonical.iloc[positions]).to_numpy()
    frame["column"] = first["column"].to_numpy()
    frame["reason_code"] = first["reason_code"].to_numpy()
    frame["reason"] = reasons.to_numpy()
    frame["original"] = original_json(table.frame.iloc[positions])
    return frame[list(QUARANTINE_COLUMNS)].reset_index(drop=True)


def _quarantine_rejected(mapping: SourceMapping, table: RawTable, provenance: FileProvenance) -> pd.DataFrame:
    if not table.rejected:
        return empty_quarantine()
    rows = [
        {
            "entity": mapping.entity,
            "source_system": provenance.source_system,
            "source_file": provenance.source_file,
            "source_sheet": r.source_sheet,
            "source_row": r.source_row,
            "file_hash": provenance.file_hash,
            "batch_id": provenance.batch_id,
            "ingested_at": provenance.ingested_at,
            "business_key": None,
            "column": r.column,
            "reason_code": r.reason_code,
            "reason": r.reason,
            "original": cut_original(r.original),
        }
        for r in table.rejected
    ]
    return pd.DataFrame(rows, columns=list(QUARANTINE_COLUMNS))


def _empty_accepted(entity: CanonicalEntity) -> pd.DataFrame:
    columns = [*entity.column_names, *PROVENANCE_COLUMNS, "data_flags"]
    return pd.DataFrame({c: pd.Series([], dtype=object) for c in columns})
