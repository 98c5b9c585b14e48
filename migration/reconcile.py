"""Prove the store agrees with the old systems: control totals plus a sampled field comparison.

(a) Control totals per entity: rows in the source, quarantined, accepted, merged away,
expected in the store and actually there; money sums source versus store; price rows per tier.
(b) Per entity (stratum), a reproducible sample of accepted records compared field by field
with the store, sized so that finding no defect supports a claim a migration team can sign.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pandas as pd
from sqlalchemy import ColumnElement, Connection, Engine, and_, column, func, select, true, tuple_, values

from cleansing.canonical import get_entity
from foundation.errors import UserError
from migration.absent_rows import not_soft_deleted
from migration.compare import (
    COMPARISONS,
    ENTITY_ALIASES,
    EntityComparison,
    FieldComparison,
    compare_fields,
    display,
    normalise,
    normalise_many,
    store_key_values,
)
from migration.models import TABLES
from migration.results import (
    LISTED_KEYS,
    ControlTotals,
    FieldMismatch,
    MoneyTotal,
    PriceTierCount,
    ReconciliationResult,
    SampledKey,
    StratumResult,
)
from migration.sampling import (
    error_rate_upper_bound,
    key_strings,
    monetary_unit_sample,
    sample_size,
    select_by_hash,
    zero_defect_sample_size,
)
from migration.store_reads import latest_committed_load

log = logging.getLogger(__name__)

DEFAULT_SEED = 20261126
_FETCH_CHUNK = 500

_PROMOTION_KEY = get_entity("promotion").business_key
_VOLUME_BAND_KEY = get_entity("volume_band").business_key
RECONCILED: dict[str, EntityComparison] = {
    **COMPARISONS,
    "promotion": EntityComparison(
        "promotion", "promotion", _PROMOTION_KEY, _PROMOTION_KEY,
        # stackable is left out: the comparison reads yes/no columns as text, so 是 would differ from True
        ("promotion_name", "status", "channel", "promoted_price", "floor_price", "effective_from", "effective_to"),
        "promotion", money_columns=("promoted_price",),
    ),
    "volume_band": EntityComparison(
        "volume_band", "volume_band", _VOLUME_BAND_KEY, _VOLUME_BAND_KEY,
        ("max_quantity", "quantity_unit", "discount_rate"),
        "volume band",
    ),
}  # fmt: skip
"""Every entity the reconciliation counts and samples: the compared entities plus the stored standards
(promotions, volume-discount bands)."""


def reconcile(
    old: dict[str, pd.DataFrame],
    engine: Engine,
    crosswalk: pd.DataFrame | None = None,
    confidence: float = 0.95,
    tolerable_error_rate: float = 0.01,
    seed: int | str = DEFAULT_SEED,
    quarantine: pd.DataFrame | None = None,
    finite_population: bool = False,
    lineage: pd.DataFrame | None = None,
    rows_read: dict[str, int] | None = None,
    batch_id: str | None = None,
    store_rows: Mapping[str, ColumnElement[bool]] | None = None,
    wave: str = "",
) -> ReconciliationResult:
    """Reconcile the canonical ``old`` frames (one per entity, as ingested) with the store.

    ``crosswalk`` and ``quarantine`` default to the store's own tables. A quarantined old row
    is recognised by its provenance (source system, file, sheet, row) or, failing that, by its
    business key written as the canonical key values joined with ``|``. ``lineage`` (golden_id,
    field, source_system, source_record_id) limits a golden record's comparison to the fields
    whose surviving value came from the sampled record; without it every compared field counts.
    ``rows_read`` gives the rows read from the source files per entity, when some were
    quarantined before ``old`` was formed (at ingest): they count as source rows, quarantined.
    ``batch_id`` stamps the report with the load it checks; by default the store's latest committed load.
    ``store_rows`` (table → condition) limits the store side to one migration wave's rows, as
    :func:`migration.wave_load.store_rows_in_wave` gives them; ``old`` then holds that wave's rows only,
    and ``wave`` names the wave in the report.
    """
    rows_of = dict(store_rows or {})
    required = zero_defect_sample_size(confidence, tolerable_error_rate)
    if batch_id is None:
        latest = latest_committed_load(engine)
        batch_id = latest.batch_id if latest else ""
    result = ReconciliationResult(
        batch_id=batch_id,
        generated_at=datetime.now(UTC).isoformat(timespec="seconds"),
        store=engine.url.render_as_string(hide_password=True),
        confidence=confidence,
        tolerable_error_rate=tolerable_error_rate,
        seed=seed,
        wave=wave,
    )
    with engine.connect() as connection:
        if crosswalk is None:
            crosswalk = _read_table(connection, "crosswalk", active_only=True)
        if quarantine is None:
            quarantine = _read_table(connection, "quarantine")
        for name, frame in old.items():
            entity = ENTITY_ALIASES.get(name, name)
            if entity not in RECONCILED:
                raise UserError(f"cannot reconcile {name!r}: expected one of {', '.join(RECONCILED)}")
            comparison = RECONCILED[entity]
            missing = [c for c in comparison.old_key if c not in frame.columns]
            if missing:
                raise UserError(
                    f"cannot reconcile {entity}: the old frame has no column {missing[0]!r}, part of its business key"
                )
            accepted = frame[~_quarantined(frame, entity, comparison, quarantine)].reset_index(drop=True)
            golden_ids = _golden_ids(accepted, entity, crosswalk) if comparison.golden else None
            result.control_totals.append(
                _control_totals(
                    connection,
                    comparison,
                    max(len(frame), (rows_read or {}).get(name, len(frame))),
                    accepted,
                    golden_ids,
                    rows_of.get(comparison.table, true()),
                )
            )
            result.money_totals.extend(
                _money_totals(connection, comparison, accepted, rows_of.get(comparison.table, true()))
            )
            if entity == "price":
                result.price_tiers.extend(_price_tiers(connection, accepted))
            stratum, sampled = _compare_sample(
                connection, comparison, accepted, golden_ids, confidence, tolerable_error_rate,
                seed, required, finite_population, _lineage_lookup(lineage) if comparison.golden else None,
            )  # fmt: skip
            result.strata.append(stratum)
            result.sampled_keys.extend(sampled)
            log.info("reconciled %s: %s", entity, stratum.conclusion)
    return result


def _read_table(connection: Connection, name: str, active_only: bool = False) -> pd.DataFrame:
    table = TABLES[name]
    statement = select(table)
    if active_only:
        statement = statement.where(table.c.active.is_(True))
    rows = connection.execute(statement)
    return pd.DataFrame(rows.all(), columns=list(rows.keys()))


def _provenance(frame: pd.DataFrame) -> pd.Series:
    parts = []
    for name in ("source_system", "source_file", "source_sheet", "source_row"):
        values = frame[name] if name in frame.columns else pd.Series([None] * len(frame), index=frame.index)
        if name == "source_row":
            values = pd.to_numeric(values, errors="coerce").astype("Int64")
        parts.append(values.astype("string").fillna(""))
    return parts[0] + "|" + parts[1] + "|" + parts[2] + "|" + parts[3]


def _quarantined(
    frame: pd.DataFrame, entity: str, comparison: EntityComparison, quarantine: pd.DataFrame
) -> pd.Series:
    """Which old rows were held back (and so are rightly absent from the store)."""
    mask = pd.Series(False, index=frame.index)
    if quarantine is None or quarantine.empty:
        return mask
    held = quarantine[quarantine["entity"].isin({entity, comparison.table})]
    if "status" in held.columns:  # a resolved entry was fixed at the source: the row is no longer held
        held = held[held["status"].fillna("open") == "open"]
    if held.empty:
        return mask
    if "source_row" in frame.columns and "source_row" in held.columns and held["source_row"].notna().any():
        mask |= _provenance(frame).isin(set(_provenance(held[held["source_row"].notna()])))
    if "business_key" in held.columns:
        key = get_entity(entity).business_key
        if all(c in frame.columns for c in key):
            mask |= key_strings(frame, key).isin(set(held["business_key"].dropna().astype(str)))
    return mask


def _golden_ids(accepted: pd.DataFrame, entity: str, crosswalk: pd.DataFrame | None) -> pd.Series:
    """Each accepted source record's golden id through the crosswalk (NA when unmapped)."""
    if crosswalk is None or crosswalk.empty:
        return pd.Series([pd.NA] * len(accepted), index=accepted.index, dtype=object)
    mapping = crosswalk[crosswalk["entity"] == entity]
    lookup = key_strings(mapping, ["source_system", "source_record_id"])
    golden_of = dict(zip(lookup, mapping["golden_id"], strict=True))
    keys = key_strings(accepted, ["source_system", "source_record_id"])
    return keys.map(golden_of)


def _count_rows(connection: Connection, table_name: str, rows: ColumnElement[bool]) -> int:
    table = TABLES[table_name]
    statement = select(func.count()).select_from(table).where(rows, not_soft_deleted(table))
    return int(connection.execute(statement).scalar_one())


def _control_totals(
    connection: Connection,
    comparison: EntityComparison,
    rows_in_source: int,
    accepted: pd.DataFrame,
    golden_ids: pd.Series | None,
    rows: ColumnElement[bool],
) -> ControlTotals:
    if golden_ids is not None:
        unmapped = int(golden_ids.isna().sum())
        expected = int(golden_ids.dropna().nunique())
        merged_away = len(accepted) - unmapped - expected
    else:
        unmapped = 0
        expected = len(set(store_key_values(accepted, comparison)))
        merged_away = len(accepted) - expected
    if golden_ids is not None:
        expected_keys = {(g,) for g in golden_ids.dropna()}
    else:
        expected_keys = set(store_key_values(accepted, comparison))
    missing, extra = _key_differences(connection, comparison, expected_keys, rows)
    return ControlTotals(
        entity=comparison.entity,
        rows_in_source=rows_in_source,
        quarantined=rows_in_source - len(accepted),
        accepted=len(accepted),
        merged_away=merged_away,
        unmapped=unmapped,
        expected_in_store=expected,
        actually_in_store=_count_rows(connection, comparison.table, rows),
        missing_from_store=missing[:LISTED_KEYS],
        not_from_source=extra[:LISTED_KEYS],
        missing_count=len(missing),
        not_from_source_count=len(extra),
    )


def _key_differences(
    connection: Connection,
    comparison: EntityComparison,
    expected: set[tuple[Any, ...]],
    rows: ColumnElement[bool],
) -> tuple[list[str], list[str]]:
    """Keys expected but not in the store, and keys in the store no accepted record accounts for."""
    table = TABLES[comparison.table]
    statement = select(*(table.c[c] for c in comparison.store_key)).where(rows, not_soft_deleted(table))
    stored = set(map(tuple, connection.execute(statement).all()))

    def shown(keys: set[tuple[Any, ...]]) -> list[str]:
        return sorted("|".join(display(v) for v in key) for key in keys)

    return shown(expected - stored), shown(stored - expected)


def _money_totals(
    connection: Connection, comparison: EntityComparison, accepted: pd.DataFrame, rows: ColumnElement[bool]
) -> list[MoneyTotal]:
    totals = []
    table = TABLES[comparison.table]
    for name in comparison.money_columns:
        if name not in accepted.columns:
            continue
        values = normalise_many(accepted[name].tolist(), table.c[name])
        source_total = sum((v for v in values if isinstance(v, Decimal)), Decimal(0))
        if connection.dialect.name == "sqlite":
            # SQLite sums NUMERIC as binary floats; add the exact per-row Decimals instead
            stored = connection.execute(
                select(table.c[name]).where(table.c[name].is_not(None), rows, not_soft_deleted(table))
            ).scalars()
            store_total = sum(stored, Decimal(0))
        else:
            total = select(func.coalesce(func.sum(table.c[name]), 0)).where(rows, not_soft_deleted(table))
            store_total = connection.execute(total).scalar_one()
        totals.append(MoneyTotal(comparison.entity, name, source_total, Decimal(store_total)))
    return totals


def _price_tiers(connection: Connection, accepted: pd.DataFrame) -> list[PriceTierCount]:
    table = TABLES["price"]
    source = accepted["price_tier"].map(lambda v: normalise(v, table.c.price_tier)).value_counts(dropna=False)
    store: dict[str, int] = {
        tier: count
        for tier, count in connection.execute(
            select(table.c.price_tier, func.count())
            .where(not_soft_deleted(table))
            .group_by(table.c.price_tier)
        ).all()
    }
    tiers = sorted({str(t) for t in source.index if t is not None and not pd.isna(t)} | set(store))
    return [PriceTierCount(t, int(source.get(t, 0)), int(store.get(t, 0))) for t in tiers]


def _fetch_store_rows(
    connection: Connection, table_name: str, key_columns: tuple[str, ...], keys: list[tuple[Any, ...]]
) -> dict[tuple[Any, ...], dict[str, Any]]:
    table = TABLES[table_name]
    columns = [table.c[c] for c in key_columns]
    found: dict[tuple[Any, ...], dict[str, Any]] = {}
    wanted = sorted({k for k in keys if all(v is not None for v in k)}, key=repr)
    for start in range(0, len(wanted), _FETCH_CHUNK):
        chunk = wanted[start : start + _FETCH_CHUNK]
        if len(columns) == 1:
            statement = select(table).where(columns[0].in_([k[0] for k in chunk]))
        elif connection.dialect.name == "postgresql":
            # a joined VALUES list gets one index probe per key; PostgreSQL may plan a row IN list
            # as a filter over every row sharing the leading columns
            wanted_keys = values(*(column(c.name, c.type) for c in columns), name="wanted_keys").data(chunk)
            match = and_(*(c == wanted_keys.c[c.name] for c in columns))
            statement = select(table).join(wanted_keys, match)
        else:
            statement = select(table).where(tuple_(*columns).in_(chunk))
        for row in connection.execute(statement).mappings():
            found[tuple(row[c] for c in key_columns)] = dict(row)
    return found


def _draw(
    comparison: EntityComparison, keys: pd.Series, accepted: pd.DataFrame, n: int, seed: int | str
) -> tuple[pd.DataFrame, str]:
    """Which keys to compare and how many sampling units each carries."""
    if n >= keys.nunique():
        return pd.DataFrame({"key": sorted(set(keys)), "units": 1}), "census"
    column = comparison.monetary_unit_column
    if column and column in accepted.columns:
        return monetary_unit_sample(keys, accepted[column], n, seed), "monetary_unit"
    return pd.DataFrame({"key": select_by_hash(keys, n, seed), "units": 1}), "hash"


def _compare_sample(
    connection: Connection,
    comparison: EntityComparison,
    accepted: pd.DataFrame,
    golden_ids: pd.Series | None,
    confidence: float,
    tolerable_error_rate: float,
    seed: int | str,
    required: int,
    finite_population: bool,
    lineage: dict[tuple[str, str], tuple[str, str]] | None = None,
) -> tuple[StratumResult, list[SampledKey]]:
    keys = key_strings(accepted, comparison.old_key)
    population = int(keys.nunique())
    n = sample_size(population, confidence, tolerable_error_rate, finite_population)
    if comparison.monetary_unit_column and n < population:
        n = required  # monetary units, not records: never capped by the record count
    drawn, method = _draw(comparison, keys, accepted, n, seed)
    first = accepted.assign(_key=keys.to_numpy()).drop_duplicates("_key").set_index("_key")
    old_rows = first.loc[drawn["key"].tolist()]
    columns = [c for c in comparison.compared_columns if c in old_rows.columns]

    if golden_ids is not None:
        golden = pd.Series(golden_ids.to_numpy(), index=keys.to_numpy())
        golden = golden[~golden.index.duplicated()].reindex(drawn["key"].tolist())
        store_keys = [(g,) if isinstance(g, str) else (None,) for g in golden.tolist()]
    else:
        store_keys = store_key_values(old_rows, comparison)
    store_rows = _fetch_store_rows(connection, comparison.table, comparison.store_key, store_keys)

    mismatches: list[FieldMismatch] = []
    sampled: list[SampledKey] = []
    defects = enriched = withheld = 0
    for (key, units), old_row, store_key in zip(
        drawn[["key", "units"]].itertuples(index=False, name=None),
        old_rows.to_dict("records"),
        store_keys,
        strict=True,
    ):
        own_columns = columns
        if lineage is not None and store_key[0] is not None:
            record = (str(old_row.get("source_system")), str(old_row.get("source_record_id")))
            own_columns = [c for c in columns if lineage.get((store_key[0], c), record) == record]
        outcome = _compare_record(comparison, old_row, store_rows.get(store_key), own_columns, store_key)
        found = outcome.mismatches
        enriched += len(outcome.enriched)
        withheld += len(outcome.withheld)
        mismatches.extend(FieldMismatch(comparison.entity, key, c, o, s) for c, o, s in found)
        defects += int(units) if found else 0
        sampled.append(
            SampledKey(
                comparison.entity, key, method, int(units), bool(found), ";".join(c for c, _, _ in found)
            )
        )

    units_total = int(drawn["units"].sum()) if method == "monetary_unit" else len(drawn)
    stratum = _conclude(
        comparison, accepted, population, method, units_total, len(drawn), defects, required, n,
        confidence, tolerable_error_rate, mismatches,
    )  # fmt: skip
    return replace(stratum, enriched_fields=enriched, withheld_fields=withheld), sampled


def _lineage_lookup(lineage: pd.DataFrame | None) -> dict[tuple[str, str], tuple[str, str]] | None:
    """(golden_id, field) → (source_system, source_record_id) the surviving value came from."""
    if lineage is None or lineage.empty:
        return None
    return {
        (g, f): (str(s), str(r))
        for g, f, s, r in lineage[["golden_id", "field", "source_system", "source_record_id"]].itertuples(
            index=False, name=None
        )
    }


def _compare_record(
    comparison: EntityComparison,
    old_row: dict[str, Any],
    store_row: dict[str, Any] | None,
    columns: list[str],
    store_key: tuple[Any, ...],
) -> FieldComparison:
    """A record's defects: not mapped, not in the store, or fields lost or changed."""
    if comparison.golden and store_key[0] is None:
        return FieldComparison([("(crosswalk)", "source record", "no golden record")], [])
    if store_row is None:
        return FieldComparison([("(row)", "present", "missing from the store")], [])
    if comparison.golden:
        built_from = (
            normalise(old_row.get("source_system"), TABLES["crosswalk"].c.source_system),
            normalise(old_row.get("source_record_id"), TABLES["crosswalk"].c.source_record_id),
        )
        primary = (store_row.get("primary_source_system"), store_row.get("primary_source_record_id"))
        if built_from != primary:
            # merged into a golden record built from another record: the mapping is what we check
            return FieldComparison([], [])
    return compare_fields(old_row, store_row, columns, comparison.table)


def _absolute_total(comparison: EntityComparison, accepted: pd.DataFrame) -> Decimal:
    """The monetary population: the sum of absolute amounts that monetary units are drawn from."""
    name = comparison.monetary_unit_column
    assert name is not None
    amounts = normalise_many(accepted[name].tolist(), TABLES[comparison.table].c[name])
    return sum((abs(v) for v in amounts if isinstance(v, Decimal)), Decimal(0))


def _defects(count: int, noun: str = "defect") -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def _percent(rate: float, round_up: bool = False) -> str:
    value = rate * 100
    if round_up:
        value = math.ceil(value * 10 - 1e-9) / 10
    return f"{value:.1f}%" if value >= 0.1 or value == 0 else f"{value:.2g}%"


def _conclude(
    comparison: EntityComparison,
    accepted: pd.DataFrame,
    population: int,
    method: str,
    units: int,
    records: int,
    defects: int,
    required: int,
    n: int,
    confidence: float,
    tolerable_error_rate: float,
    mismatches: list[FieldMismatch],
) -> StratumResult:
    level = f"{confidence * 100:g}%"
    tolerable = _percent(tolerable_error_rate)
    label = comparison.label
    refuse = f", above the tolerable {tolerable}; not accepted until the defects listed are fixed."
    if population == 0:
        upper, accepted_claim = 0.0, True
        sentence = f"No accepted {label} records to compare."
    elif method == "census":
        upper = defects / population
        accepted_claim = upper < tolerable_error_rate
        sentence = f"{_defects(defects)} in all {population:,} {label} records (every record compared): " + (
            f"the record error rate is {_percent(upper)}"
            + (f", within the tolerable {tolerable}." if defects else ".")
            if accepted_claim
            else f"the record error rate is {_percent(upper)}{refuse}"
        )
    elif method == "monetary_unit":
        upper = error_rate_upper_bound(defects, units, confidence)
        accepted_claim = defects == 0 and units >= required
        total = _absolute_total(comparison, accepted)
        head = (
            f"{_defects(defects, 'defective monetary unit')} in {units:,} sampled by amount ({records:,} records) "
            f"of {population:,} {label} records (absolute amounts totalling {total:,.2f}): "
        )
        sentence = head + (
            f"with {level} confidence less than {tolerable} of the {comparison.monetary_unit_column} is misstated."
            if accepted_claim
            else f"with {level} confidence up to {_percent(upper, True)} of the {comparison.monetary_unit_column} may be misstated{refuse}"
        )
    else:
        upper = error_rate_upper_bound(defects, records, confidence)
        accepted_claim = defects == 0 and records >= n
        head = f"{_defects(defects)} in {records:,} sampled of {population:,} {label} records: "
        sentence = head + (
            f"with {level} confidence the record error rate is below {tolerable}."
            if accepted_claim
            else f"with {level} confidence the record error rate is below {_percent(upper, True)}{refuse}"
        )
    return StratumResult(
        entity=comparison.entity,
        population=population,
        sample_size=units if method == "monetary_unit" else records,
        method=method,
        records_compared=records,
        defects=defects,
        upper_bound=upper,
        required_sample_size=n if method != "monetary_unit" else required,
        accepted=accepted_claim,
        conclusion=sentence,
        mismatches=mismatches,
    )
