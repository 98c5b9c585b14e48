"""Load everything into the target channel store in one transaction (:mod:`migration.publish_store`), then
reconcile it with the sources."""

import json

import dagster as dg
import pandas as pd

from cleansing.safe_export import write_text_atomically
from expectations.runner import ValidationOutcome
from mdm.parties import PartyMatchResult
from mdm.product_master import ProductMaster, resolve_product_codes
from mdm.references import load_partner_code_systems
from mdm.scorecard import summarise_scorecard
from migration.absent_rows import check_delete_policy
from migration.direct_edits import check_drift_policy
from migration.publish import publish_accepted_run
from migration.publish_store import StorePublication, SyncResults, golden_lineage, publish_store
from migration.reconcile import reconcile
from migration.report import write_report
from migration.scorecard_report import render_scorecard_html
from migration.source_changes import SourceChanges
from migration.store import create_store_engine
from migration.store_reads import read_crosswalk
from migration.wave_load import (
    WaveMembers,
    source_frames_in_wave,
    store_rows_in_wave,
)
from migration.waves import WAVE_TAG, Scope
from pipelines.defs.partitions import BUSINESS_DATES
from pipelines.defs.resources import ChannelMdmConfig

GROUP = "migration"


@dg.asset(
    partitions_def=BUSINESS_DATES,
    group_name=GROUP,
    description="Golden partners and customers, products, prices, balances, orders, crosswalk and quarantine, "
    "upserted into the channel store in one transaction (re-running changes nothing).",
)
def channel_store(
    context: dg.AssetExecutionContext,
    channel_mdm: ChannelMdmConfig,
    landed_sources: dict,
    partner_golden: PartyMatchResult,
    customer_golden: PartyMatchResult,
    customer_records: pd.DataFrame,
    validated_products: ValidationOutcome,
    validated_prices: ValidationOutcome,
    validated_promotions: ValidationOutcome,
    validated_volume_bands: ValidationOutcome,
    balance_records: pd.DataFrame,
    standardised_orders: pd.DataFrame,
    product_master: ProductMaster,
    ingest_quarantine: pd.DataFrame,
    source_changes: SourceChanges,
) -> dict:
    settings = channel_mdm.settings()
    delete_policy = check_delete_policy(settings.delete_policy)
    drift_policy = check_drift_policy(settings.drift_policy)
    results = SyncResults(
        batch_id=landed_sources["batch_id"],
        trust_ranks=landed_sources["trust_ranks"],
        partner_golden=partner_golden,
        customer_golden=customer_golden,
        customer_records=customer_records,
        products=validated_products,
        prices=validated_prices,
        promotions=validated_promotions,
        volume_bands=validated_volume_bands,
        balance_records=balance_records,
        orders=standardised_orders,
        product_master=product_master,
        ingest_quarantine=ingest_quarantine,
        source_changes=source_changes,
    )
    engine = create_store_engine(settings.store_url)
    try:
        published = publish_store(engine, results, run_wave(context), delete_policy, drift_policy)
    finally:
        engine.dispose()
    _log_publication(context, published, delete_policy, drift_policy)
    summary = {name: s.to_dict() for name, s in published.stats.items()}
    context.add_output_metadata(
        {
            "batch_id": published.batch_id,
            "business_date": landed_sources.get("business_date") or "-",
            "loaded": dg.MetadataValue.json(summary),
            "rows_gone_from_sources": sum(published.gone_this_batch.values()),
            "rows_gone_in_earlier_batches": sum(published.gone.values())
            - sum(published.gone_this_batch.values()),
            "delete_policy": delete_policy,
            "rows_soft_deleted": sum(s.soft_deleted for s in published.stats.values()),
            "drift_policy": drift_policy,
            "rows_edited_in_store": dg.MetadataValue.json(
                {name: len(keys) for name, keys in published.edited.items()}
            ),
            "rows_repaired": sum(published.repaired.values()),
            "changes_per_source": dg.MetadataValue.json(source_changes.counts.to_dict("records")),
            **{f"{entity}_pairs_for_review": count for entity, count in published.pairs_for_review.items()},
            **{f"{name}_rows": rows for name, rows in published.frame_rows.items()},
        }
    )
    return {
        "batch_id": published.batch_id,
        "load_stats": summary,
        "quarantine": published.quarantine,
        "source_changes": source_changes.counts.to_dict("records"),
        "store_edits": {
            "policy": drift_policy,
            "found": {name: len(keys) for name, keys in published.edited.items()},
            "repaired": published.repaired,
        },
        "delete_policy": delete_policy,
        "wave": published.members.to_dict(),
    }


def _log_publication(
    context: dg.AssetExecutionContext, published: StorePublication, delete_policy: str, drift_policy: str
) -> None:
    members = published.members
    if not members.scope.is_whole:
        context.log.info(
            f"loaded the wave {members.scope.label}: "
            + ", ".join(f"{name} {rows:,}" for name, rows in published.frame_rows.items())
        )
    for name, keys in published.edited.items():
        outcome = (
            f"{published.repaired[name]:,} rewritten with what the sources say"
            if drift_policy == "repair"
            else "kept as edited"
        )
        context.log.warning(
            f"{name}: {len(keys):,} row(s) edited in the store directly since the last load ({outcome}; "
            f"first keys: {keys.head(5).to_dict('records')})"
        )
    gone = published.gone
    if gone and not members.scope.is_whole:  # other waves' rows are not in this wave's frames
        context.log.info(
            f"rows in the store outside the wave {members.scope.label} (other waves, or gone from the sources; "
            "kept): " + ", ".join(f"{name} {count:,}" for name, count in gone.items())
        )
    elif gone:
        context.log.warning(
            f"rows in the store but gone from the sources (kept, never removed silently; delete policy "
            f"{delete_policy}): "
            + ", ".join(
                f"{name} {count:,} ({published.gone_this_batch.get(name, 0):,} in this batch)"
                for name, count in gone.items()
            )
        )


def run_wave(context: dg.AssetExecutionContext) -> Scope:
    """The migration wave the run was started for (its ``channel_mdm/wave`` tag); none: everything."""
    tag = context.run.tags.get(WAVE_TAG)
    return Scope.from_dict(json.loads(tag)) if tag else Scope()


RECONCILIATION_CHECK = "reconciliation_accepted"


@dg.asset(
    partitions_def=BUSINESS_DATES,
    group_name=GROUP,
    description="Control totals and a statistically sampled old-versus-new comparison, as HTML and JSON.",
    check_specs=[
        dg.AssetCheckSpec(
            RECONCILIATION_CHECK,
            asset="reconciliation_report",
            blocking=True,
            description="Every control total agrees and every sampled comparison supports its claim; "
            "a reconciliation that is not accepted fails the run.",
        )
    ],
)
def reconciliation_report(
    context: dg.AssetExecutionContext,
    channel_mdm: ChannelMdmConfig,
    channel_store: dict,
    partner_records: pd.DataFrame,
    customer_records: pd.DataFrame,
    standardised_products: pd.DataFrame,
    standardised_prices: pd.DataFrame,
    standardised_promotions: pd.DataFrame,
    volume_band_records: pd.DataFrame,
    balance_records: pd.DataFrame,
    standardised_orders: pd.DataFrame,
    product_master: ProductMaster,
    ingest_file_reports: pd.DataFrame,
    landed_sources: dict,
    quality_scorecard: pd.DataFrame,
    partner_golden: PartyMatchResult,
    customer_golden: PartyMatchResult,
):
    settings = channel_mdm.settings()
    # Products and prices are compared in standard form: a unit alias rewritten to its standard unit
    # is a documented mapping (like a price-tier value map), not a migration defect.
    old = {
        "partner": partner_records,
        "customer": customer_records,
        # each product record under its master SKU: records merged into one master count as merged away
        "product": resolve_product_codes(standardised_products, product_master.crosswalk),
        "price": standardised_prices,
        "promotion": standardised_promotions,
        "volume_band": volume_band_records,
        "balance": balance_records,
        "order": standardised_orders,
    }
    engine = create_store_engine(settings.store_url)
    members = WaveMembers.from_dict(channel_store.get("wave") or {})
    try:
        rows_read = ingest_file_reports.groupby("entity")["rows_in"].sum().astype(int).to_dict()
        if not members.scope.is_whole:  # a wave: its source rows against its store rows
            old = source_frames_in_wave(old, members, read_crosswalk(engine), load_partner_code_systems())
            rows_read = {name: len(frame) for name, frame in old.items()}
        result = reconcile(
            old,
            engine,
            quarantine=channel_store["quarantine"],
            lineage=golden_lineage(partner_golden, customer_golden),
            rows_read=rows_read,
            batch_id=channel_store["batch_id"],
            store_rows=store_rows_in_wave(members),
            wave="" if members.scope.is_whole else members.scope.label,
        )
    finally:
        engine.dispose()
    scorecard_html = render_scorecard_html(quality_scorecard, partner_golden.unlinked_branches)
    files = write_report(result, settings.reports_dir, appendix=scorecard_html)
    summary = {
        "batch_id": channel_store["batch_id"],
        "wave": result.wave or "everything (no wave)",
        "business_date": landed_sources.get("business_date"),
        "generated_at": result.generated_at,
        "accepted": result.accepted,
        "entities": [entity_summary(totals) for totals in result.control_totals],
        "unreadable_files": ingest_file_reports.loc[
            ingest_file_reports["error"] != "", ["file", "error"]
        ].to_dict("records"),
        "load": channel_store["load_stats"],
        "data_quality": summarise_scorecard(quality_scorecard)
        .round(4)
        .astype(object)
        .where(lambda f: f.notna(), None)
        .to_dict("records"),
        "sources": channel_store["source_changes"],
        "store_edits": channel_store["store_edits"],
        "delete_policy": channel_store["delete_policy"],
        "reports": {k: str(v) for k, v in files.__dict__.items()},
    }
    write_text_atomically(
        settings.reports_dir / "summary.json", json.dumps(summary, ensure_ascii=False, indent=2, default=str)
    )
    if result.accepted:
        # the last accepted run stays published while a later run is failing or not accepted
        publish_accepted_run(
            [files.html, files.json, files.sampled_keys, settings.reports_dir / "summary.json"],
            settings.published_dir,
            {
                "business_date": landed_sources.get("business_date"),
                "run_id": context.run_id,
                "batch_id": channel_store["batch_id"],
            },
        )
    conclusions = {f"{s.entity}_conclusion": s.conclusion for s in result.strata}
    report = dg.MetadataValue.path(str(files.html))
    yield dg.Output(summary, metadata={"accepted": result.accepted, "report": report, **conclusions})
    yield dg.AssetCheckResult(
        check_name=RECONCILIATION_CHECK,
        passed=result.accepted,
        severity=dg.AssetCheckSeverity.ERROR,
        metadata={"report": report, "batch_id": channel_store["batch_id"], **conclusions},
    )


def entity_summary(totals) -> dict:
    """One line of the run summary: records read, quarantined at any stage, accepted, merged, in the store."""
    return {
        "entity": totals.entity,
        "records_in": totals.rows_in_source,
        "quarantined": totals.quarantined,
        "accepted": totals.accepted,
        "merged_away": totals.merged_away,
        "in_store": totals.actually_in_store,
        "expected_in_store": totals.expected_in_store,
    }
