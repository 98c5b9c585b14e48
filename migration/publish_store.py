"""One sync's results into the channel store: the frames the store holds, loaded in one transaction.

:func:`publish_store` is the whole step after matching and validation, whoever runs it (the Dagster
asset ``channel_store``, a script, a test): it resolves each customer's serving partner and each
balance's and order's partner to golden ids (holding back what resolves to nothing), assembles the
quarantine, builds the store's frames (only one migration wave's rows when a wave is given), finds rows
edited in the store since the last load and applies the drift policy, loads everything with the delete
policy, writes the source rows' state in the load's own transaction, and saves the pairs left for a
steward. It returns what happened; the caller logs and reports it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial

import pandas as pd
from sqlalchemy import Engine

from expectations.promotion_suites import PROMOTION_KEY, VOLUME_BAND_KEY
from expectations.runner import ValidationOutcome
from mdm.parties import PartyMatchResult
from mdm.product_master import ProductMaster
from mdm.references import first_by_trust, load_partner_code_systems, resolve_partner_golden_ids
from migration.absent_rows import DeletePolicy
from migration.direct_edits import DriftPolicy, find_direct_edits, rewrite_on_next_load
from migration.load import LoadResult, load_all
from migration.match_review import save_match_review
from migration.prepare import (
    attach_partner_golden_ids,
    hold_unknown_references,
    ingest_quarantine_rows,
    validation_quarantine_rows,
)
from migration.source_changes import SourceChanges, record_source_changes
from migration.store import upgrade_store
from migration.wave_load import WaveMembers, store_frames_in_wave, tables_cut_to_wave, wave_members
from migration.waves import Scope

PARTIES = ("partner", "customer")
BALANCE_KEY = ["source_system", "partner_record_id", "as_of_date"]
ORDER_KEY = ["source_system", "order_no", "line_no"]
PRICE_KEY = ["sku_code", "price_tier", "sales_region", "effective_from"]


@dataclass(frozen=True)
class SyncResults:
    """What the earlier steps of one sync produced: the inputs of the store load."""

    batch_id: str
    trust_ranks: Mapping[str, int]
    partner_golden: PartyMatchResult
    customer_golden: PartyMatchResult
    customer_records: pd.DataFrame
    products: ValidationOutcome
    prices: ValidationOutcome
    promotions: ValidationOutcome
    volume_bands: ValidationOutcome
    balance_records: pd.DataFrame
    orders: pd.DataFrame
    product_master: ProductMaster
    ingest_quarantine: pd.DataFrame
    source_changes: SourceChanges

    def golden(self, entity: str) -> PartyMatchResult:
        return self.partner_golden if entity == "partner" else self.customer_golden


@dataclass(frozen=True)
class StoreFrames:
    """The frames one load writes (keyed by table), and the wave they were cut to."""

    frames: dict[str, pd.DataFrame]
    quarantine: pd.DataFrame
    """Every row this sync holds back before the load, whichever wave is loaded."""
    members: WaveMembers
    retired: pd.DataFrame
    """Golden ids merged into another by this sync (they leave their table and resolve as aliases)."""


@dataclass(frozen=True)
class StorePublication:
    """What :func:`publish_store` did."""

    batch_id: str
    stats: LoadResult
    quarantine: pd.DataFrame
    """Every row held back by this sync, at any stage, including rows the store refused."""
    frame_rows: dict[str, int]
    members: WaveMembers
    edited: dict[str, pd.DataFrame]
    """Per table, the keys of rows edited in the store directly since the last load (before this one)."""
    repaired: dict[str, int]
    """Per table, how many of the edited rows this load rewrote with what the sources say."""
    pairs_for_review: dict[str, int] = field(default_factory=dict)

    @property
    def gone(self) -> dict[str, int]:
        """Per table, store rows gone from the sources (this batch's and earlier batches')."""
        return {name: s.absent for name, s in self.stats.items() if s.absent}

    @property
    def gone_this_batch(self) -> dict[str, int]:
        """Per table, store rows this batch was the first to find gone from the sources."""
        return {name: s.newly_absent for name, s in self.stats.items() if s.newly_absent}


def customers_with_partner(
    customer_golden: PartyMatchResult,
    customer_records: pd.DataFrame,
    partner_crosswalk: pd.DataFrame,
    code_systems: dict[str, str],
    trust_ranks: Mapping[str, int],
) -> pd.DataFrame:
    """Golden customers with ``partner_golden_id``: the partner serving them, as named by their most
    trusted source record whose partner code resolves."""
    records = customer_records.merge(
        customer_golden.golden.crosswalk[["source_system", "source_record_id", "golden_id"]],
        on=["source_system", "source_record_id"],
    )
    records["trust_rank"] = records["source_system"].map(trust_ranks).fillna(99)
    records["partner_golden_id"] = resolve_partner_golden_ids(records, partner_crosswalk, code_systems)
    served_by = first_by_trust(records, "golden_id", "partner_golden_id")
    golden = customer_golden.golden.golden
    return golden.assign(partner_golden_id=served_by.reindex(golden["golden_id"]).to_numpy())


def golden_lineage(*matched: PartyMatchResult) -> pd.DataFrame:
    """Where each golden record's values came from, with its entity (the store's ``golden_lineage``)."""
    return pd.concat([g.golden.lineage.assign(entity=g.entity) for g in matched], ignore_index=True)


def build_store_frames(results: SyncResults, scope: Scope | None = None) -> StoreFrames:
    """The store's frames for this sync, and the quarantine of everything it holds back.

    A balance or order whose partner code resolves to no golden partner, or an order for an unknown SKU,
    is quarantined at stage ``load`` instead of being loaded with a dangling reference.
    """
    code_systems = load_partner_code_systems()
    partner_crosswalk = results.partner_golden.golden.crosswalk
    customers = customers_with_partner(
        results.customer_golden,
        results.customer_records,
        partner_crosswalk,
        code_systems,
        results.trust_ranks,
    )
    balances, balance_quarantine = attach_partner_golden_ids(
        results.balance_records,
        resolve_partner_golden_ids(results.balance_records, partner_crosswalk, code_systems),
        "balance",
        BALANCE_KEY,
    )
    orders, order_quarantine = attach_partner_golden_ids(
        results.orders,
        resolve_partner_golden_ids(results.orders, partner_crosswalk, code_systems),
        "order",
        ORDER_KEY,
    )
    orders, order_sku_quarantine = hold_unknown_references(
        orders, "sku_code", results.products.passed["sku_code"], "order", ORDER_KEY, "product"
    )
    quarantine = pd.concat(
        [
            ingest_quarantine_rows(results.ingest_quarantine),
            validation_quarantine_rows(results.products.quarantined, "product", ["sku_code"]),
            validation_quarantine_rows(results.prices.quarantined, "price", PRICE_KEY),
            validation_quarantine_rows(results.promotions.quarantined, "promotion", PROMOTION_KEY),
            validation_quarantine_rows(results.volume_bands.quarantined, "volume_band", VOLUME_BAND_KEY),
            balance_quarantine,
            order_quarantine,
            order_sku_quarantine,
        ],
        ignore_index=True,
    )
    quarantine["batch_id"] = quarantine["batch_id"].fillna(results.batch_id)
    frames = {
        "partner": results.partner_golden.golden.golden,
        "customer": customers,
        "product": results.products.passed,
        "price": results.prices.passed,
        "promotion": results.promotions.passed,
        "volume_band": results.volume_bands.passed,
        "balance": balances,
        "order_line": orders,
        "crosswalk": pd.concat(
            [partner_crosswalk, results.customer_golden.golden.crosswalk], ignore_index=True
        ),
        "golden_lineage": golden_lineage(results.partner_golden, results.customer_golden),
        "product_crosswalk": results.product_master.crosswalk,
        "quarantine": quarantine,
    }
    # a table no source mapping feeds (no promotions exported, say) is left as it is, not emptied
    frames = {name: frame for name, frame in frames.items() if len(frame.columns)}
    members = wave_members(
        scope or Scope(), results.partner_golden.golden.golden, customers, partner_crosswalk
    )
    if not members.scope.is_whole:  # one migration wave: only its rows are written
        frames = store_frames_in_wave(frames, members)
    retired = pd.concat([results.golden(e).golden.retired for e in PARTIES], ignore_index=True)
    return StoreFrames(frames, quarantine, members, retired)


def publish_store(
    engine: Engine,
    results: SyncResults,
    scope: Scope | None = None,
    delete_policy: DeletePolicy = "flag",
    drift_policy: DriftPolicy = "flag",
) -> StorePublication:
    """Load one sync into the store (schema upgraded first) in one transaction, with the source rows'
    state written in that same transaction; then save the pairs left for a steward."""
    started = datetime.now(UTC)
    built = build_store_frames(results, scope)
    upgrade_store(engine)
    edited = find_direct_edits(engine)  # before the load: it counts an edited row as unchanged
    if drift_policy == "repair":
        rewrite_on_next_load(engine, edited)
    stats = load_all(
        engine,
        built.frames,
        results.batch_id,
        retired=built.retired,
        delete_policy=delete_policy,
        written_in_part=tables_cut_to_wave(built.members),
        in_same_transaction=partial(
            record_source_changes, changes=results.source_changes, batch_id=results.batch_id, started=started
        ),
    )
    still_edited = find_direct_edits(engine) if drift_policy == "repair" else edited
    # The pairs this run left for a steward, for 'channel-mdm review export'.
    reviewed = {e: save_match_review(engine, e, results.golden(e).review) for e in PARTIES}
    quarantine = built.quarantine
    if len(stats.refused):  # rows the store refused are held back like every other quarantined row
        quarantine = pd.concat([quarantine, stats.refused], ignore_index=True)
    return StorePublication(
        batch_id=results.batch_id,
        stats=stats,
        quarantine=quarantine,
        frame_rows={name: len(frame) for name, frame in built.frames.items()},
        members=built.members,
        edited=edited,
        repaired={name: len(keys) - len(still_edited.get(name, ())) for name, keys in edited.items()},
        pairs_for_review=reviewed,
    )
