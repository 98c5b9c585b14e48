"""Idempotent loads into the channel store: upsert by business key, all tables in one transaction.

Each row's ``record_hash`` (sha256 over its typed business columns) decides whether an
existing row is updated or left unchanged, so running the same load twice changes nothing.
Rows the frame does not mention are kept unless ``mode="replace_missing"``.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable, Collection
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal

import pandas as pd
from sqlalchemy import Connection, Engine, Table, and_, bindparam, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from foundation.errors import UserError
from migration.absent_rows import DeletePolicy, check_delete_policy, mark_absent_rows
from migration.bookkeeping import NOT_IN_RECORD_HASH, bookkeeping_columns
from migration.bulk import update_by_keys, upsert_rows
from migration.convert import convert_column, converter_for, record_hashes
from migration.golden_aliases import RETIRED_COLUMNS
from migration.golden_lifecycle import GoldenLifecycle
from migration.models import TABLES
from migration.quarantine_rows import quarantine_keys
from migration.refusals import Refusal, first_refusal_per_row, refused_rows
from migration.row_checks import duplicate_key_refusals, reference_refusals, typed_columns

log = logging.getLogger(__name__)

LoadMode = Literal["upsert", "replace_missing"]

BUSINESS_KEYS: dict[str, tuple[str, ...]] = {
    "partner": ("golden_id",),
    "customer": ("golden_id",),
    "product": ("sku_code",),
    "price": ("sku_code", "price_tier", "sales_region", "effective_from", "channel", "customer_level"),
    "promotion": ("promotion_code", "sku_code"),
    "volume_band": ("price_tier", "channel", "min_quantity"),
    "product_crosswalk": ("source_system", "source_code"),
    "balance": ("partner_golden_id", "as_of_date", "source_system", "partner_record_id"),
    "order_line": ("source_system", "order_no", "line_no"),
    "crosswalk": ("entity", "source_system", "source_record_id"),
    "golden_lineage": ("entity", "golden_id", "field"),
    "quarantine": ("quarantine_key",),
}
"""The columns each loadable table is upserted on (its primary key or unique constraint)."""

LOAD_ORDER: tuple[str, ...] = (
    "partner",
    "product",
    "customer",
    "price",
    "promotion",
    "volume_band",
    "balance",
    "order_line",
    "crosswalk",
    "golden_lineage",
    "product_crosswalk",
    "quarantine",
)
"""Parents before children, so every foreign key finds its row."""

TABLE_ALIASES = {"order": "order_line", "orders": "order_line"}
"""Canonical entity names that differ from their table's."""

CHUNK_SIZE = 5_000


@dataclass(frozen=True)
class LoadStats:
    """What one table's load did."""

    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0
    quarantined: int = 0
    """Rows the store refused (wrong type or precision, empty required value, repeated key, unknown
    reference, or refused by the database): held back in the quarantine table with the reason."""
    absent: int = 0
    """Rows in the store that this load's frame no longer has (gone from their source): kept and counted,
    never removed silently; ``mode="replace_missing"`` deletes them (then counted as ``deleted``)."""
    retired: int = 0
    """Golden records merged into another by this load: gone from the table, their ids kept as aliases."""
    soft_deleted: int = 0
    """Absent rows this load stamped ``deleted_at`` (delete policy ``soft_delete``, see
    :mod:`migration.absent_rows`): kept in the table, no longer counted as in the store."""
    newly_absent: int = 0
    """Of ``absent``, the rows this batch was the first to miss; the others went in earlier batches."""

    @property
    def changed(self) -> int:
        return self.inserted + self.updated + self.deleted

    def to_dict(self) -> dict[str, int]:
        return asdict(self)


class LoadResult(dict[str, LoadStats]):
    """What :func:`load_all` did per table, plus the rows it quarantined because the store refused them."""

    refused: pd.DataFrame

    def __init__(self, stats: dict[str, LoadStats], refused: pd.DataFrame) -> None:
        super().__init__(stats)
        self.refused = refused


LOAD_LOCK_KEY = 0x63686D646D  # "chmdm": the PostgreSQL advisory lock that serialises loads into one store
"""Loads read the store's record hashes, compare, then write; two at once would both see a key as new."""


def one_load_at_a_time(connection: Connection) -> None:
    """Make the other loads into this store wait until this transaction ends (PostgreSQL).

    Counts are decided by comparing each row with what the store holds, so two concurrent loads of
    the same data would both report inserts. A transaction-level advisory lock queues them: the
    second starts once the first has committed and reports its rows as unchanged. SQLite already
    allows one writer at a time.
    """
    if connection.dialect.name == "postgresql":
        connection.execute(select(func.pg_advisory_xact_lock(LOAD_LOCK_KEY)))


def resolve_table(table_name: str) -> Table:
    """The store table for ``table_name`` (entity aliases such as ``order`` accepted)."""
    name = TABLE_ALIASES.get(table_name, table_name)
    if name not in BUSINESS_KEYS:
        raise UserError(
            f"cannot load {table_name!r}: not a store table; expected one of {', '.join(LOAD_ORDER)}"
        )
    return TABLES[name]


def load_table(
    engine_or_connection: Engine | Connection,
    table_name: str,
    frame: pd.DataFrame,
    batch_id: str,
    mode: LoadMode = "upsert",
    delete_policy: DeletePolicy = "flag",
) -> LoadStats:
    """Upsert ``frame`` into ``table_name`` by its business key and say what changed.

    Given an engine the load runs in its own transaction; given a connection it joins the
    caller's. Extra frame columns are ignored; missing nullable columns load as NULL.
    """
    _check_mode(mode)
    if isinstance(engine_or_connection, Engine):
        with engine_or_connection.begin() as connection:
            return load_table(connection, table_name, frame, batch_id, mode, delete_policy)
    table = resolve_table(table_name)
    one_load_at_a_time(engine_or_connection)
    stats, missing, refused = _upsert_frame(engine_or_connection, table, frame, batch_id)
    if mode == "replace_missing":
        deleted = _delete_missing(engine_or_connection, table, missing)
        stats = replace(stats, deleted=deleted, absent=0)
    else:
        stats = _mark_absent(engine_or_connection, table, stats, missing, batch_id, delete_policy)
    if len(refused):
        _upsert_frame(engine_or_connection, TABLES["quarantine"], refused.assign(batch_id=batch_id), batch_id)
    _log_stats(table, len(frame), stats)
    return stats


def load_all(
    engine: Engine,
    frames: dict[str, pd.DataFrame],
    batch_id: str,
    mode: LoadMode = "upsert",
    retired: pd.DataFrame | None = None,
    delete_policy: DeletePolicy = "flag",
    in_same_transaction: Callable[[Connection], None] | None = None,
    written_in_part: Collection[str] = (),
) -> LoadResult:
    """Load every frame (keyed by table name) in ONE transaction, parents first: all or nothing.

    A row the store refuses (see :mod:`migration.row_checks`) is quarantined at stage ``load`` with its
    reason, in the same transaction, and the other rows load; the result's ``refused`` holds those
    quarantine rows. With ``mode="replace_missing"`` the rows no frame mentions are deleted after all
    upserts, children first (a row whose new version was refused is kept). A ``run_log`` row records
    the outcome and counts; a failed load is logged in its own transaction after the rollback, then
    the error is raised. A load killed part-way leaves the store as the last committed load left it.

    Golden records: ``retired`` (``RETIRED_COLUMNS``) names the golden ids merged into another; each
    leaves its table right after that table's upsert and resolves as an alias
    (:mod:`migration.golden_aliases`). ``golden_lineage`` replaces the lineage of the entities it
    carries. The golden records' history (:mod:`migration.golden_history`) is appended in the same
    transaction.

    With ``mode="upsert"`` the rows no frame mentions are kept and marked as ``delete_policy`` says.

    ``in_same_transaction`` is called with the load's connection after every table is written and before
    the load commits: what it writes (e.g. the source rows' state) commits or rolls back with the load.

    ``written_in_part`` names tables whose frame holds only some of their rows (a migration wave's, see
    :func:`migration.wave_load.tables_cut_to_wave`): the stored rows it does not mention are counted as
    absent but never marked, flagged nor soft-deleted.
    """
    _check_mode(mode)
    check_delete_policy(delete_policy)
    names = {resolve_table(name).name: frame for name, frame in frames.items()}
    run_id = uuid.uuid4().hex
    started = datetime.now(UTC)
    stats: dict[str, LoadStats] = {}
    retired = (
        pd.DataFrame(columns=RETIRED_COLUMNS) if retired is None else retired.reindex(columns=RETIRED_COLUMNS)
    )
    try:
        with engine.begin() as connection:
            one_load_at_a_time(connection)
            lifecycle = GoldenLifecycle.before_load(connection, names)
            missing: dict[str, set[tuple[Any, ...]]] = {}
            refused: list[pd.DataFrame] = []
            for name in LOAD_ORDER:
                if name == "quarantine":
                    continue
                if name in names:
                    stats[name], missing[name], held = _upsert_frame(
                        connection, TABLES[name], names[name], batch_id
                    )
                    refused += [held] if len(held) else []
                    stats[name] = lifecycle.retire(
                        connection, name, retired, batch_id, stats[name], missing[name]
                    )
            refused_rows_frame = (
                pd.concat(refused, ignore_index=True).assign(batch_id=batch_id) if refused else pd.DataFrame()
            )
            if "quarantine" in names or refused:
                given = names.get("quarantine")
                parts = [f for f in (given, refused_rows_frame) if f is not None and len(f)]
                entries = pd.concat(parts, ignore_index=True) if parts else given
                names["quarantine"] = entries
                stats["quarantine"], missing["quarantine"], _ = _upsert_frame(
                    connection, TABLES["quarantine"], entries, batch_id
                )
                if given is not None:  # only a full quarantine says which entries are resolved
                    stats["quarantine"] = _update_quarantine_status(
                        connection, stats["quarantine"], missing["quarantine"], batch_id
                    )
            for name in reversed(LOAD_ORDER):
                if name in names and mode == "replace_missing" and name != "quarantine":
                    deleted = _delete_missing(connection, TABLES[name], missing[name])
                    stats[name] = replace(stats[name], deleted=deleted, absent=0)
                elif name in names and name not in ("quarantine", "golden_lineage", *written_in_part):
                    stats[name] = _mark_absent(
                        connection, TABLES[name], stats[name], missing[name], batch_id, delete_policy
                    )
            if "golden_lineage" in names and mode != "replace_missing":
                stats["golden_lineage"] = _replace_lineage(
                    connection, names["golden_lineage"], stats["golden_lineage"], missing["golden_lineage"]
                )
            lifecycle.record_history(connection, batch_id)
            if in_same_transaction is not None:
                in_same_transaction(connection)
            for name in stats:
                _log_stats(TABLES[name], len(names[name]), stats[name])
            _write_run_log(connection, run_id, batch_id, started, "succeeded", stats, None)
    except Exception as exc:
        message = str(exc) if isinstance(exc, UserError) else f"{type(exc).__name__}: {exc}"
        log.error("load of batch %s rolled back: %s", batch_id, message)
        try:
            with engine.begin() as connection:
                _write_run_log(connection, run_id, batch_id, started, "failed", stats, message[:2000])
        except Exception as log_error:  # the store itself may be what failed
            log.warning("could not record the failed load in run_log: %s", type(log_error).__name__)
        raise
    return LoadResult(stats, refused_rows_frame)


def _replace_lineage(
    connection: Connection, frame: pd.DataFrame, stats: LoadStats, missing: set[tuple[Any, ...]]
) -> LoadStats:
    """Lineage is derived: the rows of the frame's entities that the frame no longer has are deleted."""
    entities = set(frame["entity"]) if "entity" in frame.columns else set()
    stale = {key for key in missing if key[0] in entities}
    deleted = _delete_missing(connection, TABLES["golden_lineage"], stale)
    return replace(stats, deleted=deleted, absent=stats.absent - deleted)


def _check_mode(mode: str) -> None:
    if mode not in ("upsert", "replace_missing"):
        raise UserError(f"unknown load mode {mode!r}; use 'upsert' or 'replace_missing'")


def _log_stats(table: Table, rows: int, stats: LoadStats) -> None:
    log.info(
        "loaded %s: %s rows, inserted %s, updated %s, unchanged %s, deleted %s, kept though gone from the "
        "sources %s (soft-deleted now %s)",
        table.name, f"{rows:,}", f"{stats.inserted:,}", f"{stats.updated:,}", f"{stats.unchanged:,}",
        f"{stats.deleted:,}", f"{stats.absent:,}", f"{stats.soft_deleted:,}",
    )  # fmt: skip


def _upsert_frame(
    connection: Connection, table: Table, frame: pd.DataFrame, batch_id: str
) -> tuple[LoadStats, set[tuple[Any, ...]], pd.DataFrame]:
    """Insert new rows, update changed ones, hold back refused ones.

    Returns the counts, the stored keys the frame lacks, and quarantine rows for the refused rows.
    """
    key_names = BUSINESS_KEYS[table.name]
    columns, refusals = typed_columns(table, frame, bookkeeping_columns(table))
    if table.name == "quarantine":
        if refusals:  # the quarantine cannot quarantine itself
            first = refusals[0]
            raise UserError(f"cannot load quarantine: row {first.position + 1} has {first.reason}")
        columns["quarantine_key"] = quarantine_keys(columns)
    if table.name == "price":
        _fill_price_excl_tax(connection, frame, columns)
    keys = list(zip(*(columns[c] for c in key_names), strict=True))
    repeated: set[int] = set()
    if table.name == "quarantine":  # the same problem of the same row, found twice: one entry
        seen: set[tuple[Any, ...]] = set()
        for position, key in enumerate(keys):
            if key in seen:
                repeated.add(position)
            seen.add(key)
    else:
        refusals += duplicate_key_refusals(key_names, keys, {r.position for r in refusals})
    refusals += reference_refusals(connection, table, columns, {r.position for r in refusals})
    refused = first_refusal_per_row(refusals)
    business = [
        c
        for c in columns
        if c not in bookkeeping_columns(table) and c not in NOT_IN_RECORD_HASH.get(table.name, ())
    ]
    hashes = record_hashes({c: columns[c] for c in business})

    existing = _existing_hashes(connection, table)
    now = datetime.now(UTC)
    touch: list[tuple[Any, ...]] = []
    unchanged = 0
    is_new: list[bool] = []
    write_positions: list[int] = []
    held = refused.keys() | repeated
    if not existing and not held:  # nothing stored, nothing held back (a first load): every row is new
        is_new, write_positions = [True] * len(keys), list(range(len(keys)))
    else:
        for position, key in enumerate(keys):
            if position in held:
                continue
            stored = existing.get(key)
            if stored is not None and stored[0] == hashes[position]:
                unchanged += 1
                if table.name == "crosswalk" and stored[1] != batch_id:
                    touch.append(key)
                continue
            is_new.append(stored is None)
            write_positions.append(position)
    if len(write_positions) == len(keys):  # every row is written (a first load): no copy needed
        to_write = dict(columns)
        to_write["record_hash"] = hashes
    else:
        to_write = {name: [values[p] for p in write_positions] for name, values in columns.items()}
        to_write["record_hash"] = [hashes[p] for p in write_positions]
    for name, value in _bookkeeping(table, "", batch_id, now).items():
        if name != "record_hash":
            to_write[name] = [value] * len(write_positions)

    keep = {"id", "created_at", "first_seen_batch", *key_names}
    if table.name == "quarantine":  # a problem found at another row keeps the batch that first found it
        keep.add("batch_id")
    store_refused = upsert_rows(
        connection, table, to_write, list(key_names), keep, all_new=all(is_new), stored_rows=len(existing)
    )
    if store_refused and table.name == "quarantine":
        raise UserError(f"cannot load quarantine: the store refused an entry ({store_refused[0][1]})")
    for index, detail in store_refused:
        position = write_positions[index]
        refused[position] = Refusal(
            position, None, "store_refused_row", f"the store refused the row: {detail}"
        )
    refused_writes = {index for index, _ in store_refused}
    inserted = sum(is_new) - sum(is_new[i] for i in refused_writes)
    updated = len(is_new) - len(refused_writes) - inserted
    _touch_crosswalk(connection, table, touch, batch_id)
    quarantined = refused_rows(frame, table.name, refused, key_names)
    if refused:
        log.warning(
            "%s: %s rows refused by the store and quarantined (first: %s)",
            table.name, f"{len(refused):,}", refused[min(refused)].reason,
        )  # fmt: skip
    missing = existing.keys() - set(keys)
    # a quarantine entry missing from the frame is resolved, not gone (see _update_quarantine_status)
    absent = 0 if table.name == "quarantine" else len(missing)
    stats = LoadStats(inserted, updated, unchanged, quarantined=len(refused), absent=absent)
    return stats, missing, quarantined


def _mark_absent(
    connection: Connection,
    table: Table,
    stats: LoadStats,
    missing: set[tuple[Any, ...]],
    batch_id: str,
    policy: DeletePolicy,
) -> LoadStats:
    marks = mark_absent_rows(connection, table, BUSINESS_KEYS[table.name], missing, batch_id, policy)
    return replace(stats, soft_deleted=marks.soft_deleted, newly_absent=marks.newly_absent)


def _fill_price_excl_tax(connection: Connection, frame: pd.DataFrame, columns: dict[str, list[Any]]) -> None:
    """price_excl_tax = round(price / (1 + tax_rate), 2) half-up, where the caller did not give it.

    The rate comes from the frame's ``tax_rate`` column if present, else from the product table.
    """
    if all(v is not None for v in columns["price_excl_tax"]):
        return
    if "tax_rate" in frame.columns:
        rates, position, _ = convert_column(frame["tax_rate"], converter_for(TABLES["product"].c.tax_rate))
        if position is not None:
            rates = [None] * len(frame)
    else:
        product = TABLES["product"]
        known = dict(connection.execute(select(product.c.sku_code, product.c.tax_rate)).all())
        rates = [known.get(sku) for sku in columns["sku_code"]]
    cent = Decimal("0.01")
    columns["price_excl_tax"] = [
        given
        if given is not None
        else (price / (1 + rate)).quantize(cent, rounding=ROUND_HALF_UP)
        if price is not None and rate is not None
        else None
        for given, price, rate in zip(columns["price_excl_tax"], columns["price"], rates, strict=True)
    ]


def _existing_hashes(connection: Connection, table: Table) -> dict[tuple[Any, ...], tuple[str, str | None]]:
    key_columns = [table.c[name] for name in BUSINESS_KEYS[table.name]]
    seen = table.c.last_seen_batch if "last_seen_batch" in table.c else table.c.record_hash
    width = len(key_columns)
    rows = connection.execute(select(*key_columns, table.c.record_hash, seen))
    return {tuple(row[:width]): (row[width], row[width + 1]) for row in rows}


def _bookkeeping(table: Table, record_hash: str, batch_id: str, now: datetime) -> dict[str, Any]:
    values: dict[str, Any] = {"record_hash": record_hash, "created_at": now}
    if "updated_at" in table.c:
        values["updated_at"] = now
    if "load_batch_id" in table.c:
        values["load_batch_id"] = batch_id
    if "first_seen_batch" in table.c:
        values["first_seen_batch"] = batch_id
        values["last_seen_batch"] = batch_id
    return values


def _key_condition(table: Table):
    return and_(*(table.c[name] == bindparam(f"k_{name}") for name in BUSINESS_KEYS[table.name]))


def _touch_crosswalk(
    connection: Connection, table: Table, keys: list[tuple[Any, ...]], batch_id: str
) -> None:
    """Unchanged crosswalk rows were still seen by this batch (one set-based update)."""
    names = BUSINESS_KEYS[table.name]
    columns = {name: [key[i] for key in keys] for i, name in enumerate(names)}
    update_by_keys(connection, table, columns, {"last_seen_batch": batch_id})


def _delete_missing(connection: Connection, table: Table, missing: set[tuple[Any, ...]]) -> int:
    if not missing:
        return 0
    names = BUSINESS_KEYS[table.name]
    params = [{f"k_{n}": v for n, v in zip(names, key, strict=True)} for key in sorted(missing, key=repr)]
    statement = delete(table).where(_key_condition(table))
    for start in range(0, len(params), CHUNK_SIZE):
        try:
            connection.execute(statement, params[start : start + CHUNK_SIZE])
        except IntegrityError as exc:
            detail = str(exc.orig).strip().splitlines()[0]
            raise UserError(
                f"cannot delete {table.name} rows missing from the frame: other rows still refer to them "
                f"({detail}); include those rows in the load or delete their dependants too"
            ) from None
    return len(params)


def _update_quarantine_status(
    connection: Connection, stats: LoadStats, missing: set[tuple[Any, ...]], batch_id: str
) -> LoadStats:
    """Resolve the open entries this load no longer quarantines; reopen resolved ones it does again.

    ``missing`` holds the keys the store had before this load and the load's frame lacks: every other
    stored key was in the frame. An entry is never deleted: the quarantine is the history of what was
    held back and when it was fixed.
    """
    table = TABLES["quarantine"]
    now = datetime.now(UTC)
    resolve = (
        update(table)
        .where(table.c.quarantine_key == bindparam("k_quarantine_key"), table.c.status == "open")
        .values(
            status="resolved",
            resolved_batch_id=batch_id,
            resolved_at=now,
            resolution=f"no longer quarantined by batch {batch_id}: fixed at the source or no longer in it",
        )
    )
    resolved = _execute_chunked(connection, resolve, [{"k_quarantine_key": k[0]} for k in sorted(missing)])
    absent = {key[0] for key in missing}
    resolved_keys = connection.execute(
        select(table.c.quarantine_key).where(table.c.status == "resolved")
    ).scalars()
    reopen = (
        update(table)
        .where(table.c.quarantine_key == bindparam("k_quarantine_key"))
        .values(status="open", resolved_batch_id=None, resolved_at=None, resolution=None)
    )
    reopened = _execute_chunked(
        connection, reopen, [{"k_quarantine_key": k} for k in resolved_keys if k not in absent]
    )
    if resolved or reopened:
        log.info("quarantine: %s entries resolved, %s reopened", f"{resolved:,}", f"{reopened:,}")
    return replace(stats, updated=stats.updated + resolved + reopened, unchanged=stats.unchanged - reopened)


def _execute_chunked(connection: Connection, statement: Any, params: list[dict[str, Any]]) -> int:
    count = 0
    for start in range(0, len(params), CHUNK_SIZE):
        count += connection.execute(statement, params[start : start + CHUNK_SIZE]).rowcount
    return count


def _write_run_log(
    connection: Connection,
    run_id: str,
    batch_id: str,
    started: datetime,
    status: str,
    stats: dict[str, LoadStats],
    message: str | None,
) -> None:
    counts = json.dumps({name: s.to_dict() for name, s in stats.items()}, sort_keys=True)
    connection.execute(
        insert(TABLES["run_log"]).values(
            run_id=run_id,
            batch_id=batch_id,
            started_at=started,
            finished_at=datetime.now(UTC),
            status=status,
            stage="load",
            counts=counts,
            message=message,
        )
    )
