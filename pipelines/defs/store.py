"""Load everything into the target channel store in one transaction, then reconcile it with the sources."""

import json

import dagster as dg
import pandas as pd

from cleansing.safe_export import write_text_atomically
from expectations.promotion_suites import PROMOTION_KEY, VOLUME_BAND_KEY
from expectations.runner import ValidationOutcome
from mdm.parties import PartyMatchResult
from mdm.product_master import ProductMaster, resolve_product_codes
from mdm.references import first_by_trust, load_partner_code_systems, resolve_partner_golden_ids
from migration.direct_edits import find_direct_edits
from migration.load import load_all
from migration.match_review import save_match_review
from migration.prepare import (
    attach_partner_golden_ids,
    hold_unknown_references,
    ingest_quarantine_rows,
    validation_quarantine_rows,
)
from migration.publish import publish_accepted_run
from migration.reconcile import reconcile
from migration.report import write_report
from migration.store import create_store_engine, upgrade_store
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
) -> dict:
    settings = channel_mdm.settings()
    batch_id = landed_sources["batch_id"]
    code_systems = load_partner_code_systems()
    partner_crosswalk = partner_golden.golden.crosswalk

    customers = _customers_with_partner(
        customer_golden, customer_records, partner_crosswalk, code_systems, landed_sources["trust_ranks"]
    )
    balances, balance_quarantine = attach_partner_golden_ids(
        balance_records,
        resolve_partner_golden_ids(balance_records, partner_crosswalk, code_systems),
        "balance",
        ["source_system", "partner_record_id", "as_of_date"],
    )
    orders, order_quarantine = attach_partner_golden_ids(
        standardised_orders,
        resolve_partner_golden_ids(standardised_orders, partner_crosswalk, code_systems),
        "order",
        ["source_system", "order_no", "line_no"],
    )
    orders, order_sku_quarantine = hold_unknown_references(
        orders,
        "sku_code",
        validated_products.passed["sku_code"],
        "order",
        ["source_system", "order_no", "line_no"],
        "product",
    )
    quarantine = pd.concat(
        [
            ingest_quarantine_rows(ingest_quarantine),
            validation_quarantine_rows(validated_products.quarantined, "product", ["sku_code"]),
            validation_quarantine_rows(
                validated_prices.quarantined,
                "price",
                ["sku_code", "price_tier", "sales_region", "effective_from"],
            ),
            validation_quarantine_rows(validated_promotions.quarantined, "promotion", PROMOTION_KEY),
            validation_quarantine_rows(validated_volume_bands.quarantined, "volume_band", VOLUME_BAND_KEY),
            balance_quarantine,
            order_quarantine,
            order_sku_quarantine,
        ],
        ignore_index=True,
    )
    quarantine["batch_id"] = quarantine["batch_id"].fillna(batch_id)
    frames = {
        "partner": partner_golden.golden.golden,
        "customer": customers,
        "product": validated_products.passed,
        "price": validated_prices.passed,
        "balance": balances,
        "order_line": orders,
        "crosswalk": pd.concat([partner_crosswalk, customer_golden.golden.crosswalk], ignore_index=True),
        "product_crosswalk": product_master.crosswalk,
        "quarantine": quarantine,
    }
    engine = create_store_engine(settings.store_url)
    try:
        upgrade_store(engine)
        edited = find_direct_edits(engine)  # before the load: it counts an edited row as unchanged
        stats = load_all(engine, frames, batch_id)
        # The pairs this run left for a steward, for 'channel-mdm review export'.
        reviewed = {
            e: save_match_review(engine, e, g.review)
            for e, g in (("partner", partner_golden), ("customer", customer_golden))
        }
    finally:
        engine.dispose()
    for name, keys in edited.items():
        context.log.warning(
            f"{name}: {len(keys):,} row(s) edited in the store directly since the last load (kept as edited; "
            f"first keys: {keys.head(5).to_dict('records')})"
        )
    if len(stats.refused):  # rows the store refused are held back like every other quarantined row
        quarantine = pd.concat([quarantine, stats.refused], ignore_index=True)
    summary = {name: s.to_dict() for name, s in stats.items()}
    gone = {name: s.absent for name, s in stats.items() if s.absent}
    if gone:
        context.log.warning(
            "rows in the store but gone from the sources (kept, never removed silently): "
            + ", ".join(f"{name} {count:,}" for name, count in gone.items())
        )
    context.add_output_metadata(
        {
            "batch_id": batch_id,
            "business_date": landed_sources.get("business_date") or "-",
            "loaded": dg.MetadataValue.json(summary),
            "rows_gone_from_sources": sum(gone.values()),
            "rows_edited_in_store": dg.MetadataValue.json({name: len(keys) for name, keys in edited.items()}),
            **{f"{entity}_pairs_for_review": count for entity, count in reviewed.items()},
            **{f"{name}_rows": len(frame) for name, frame in frames.items()},
        }
    )
    lineage = pd.concat([partner_golden.golden.lineage, customer_golden.golden.lineage], ignore_index=True)
    return {"batch_id": batch_id, "load_stats": summary, "quarantine": quarantine, "lineage": lineage}


def _customers_with_partner(
    customer_golden: PartyMatchResult,
    customer_records: pd.DataFrame,
    partner_crosswalk: pd.DataFrame,
    code_systems: dict[str, str],
    trust_ranks: dict[str, int],
) -> pd.DataFrame:
    records = customer_records.merge(
        customer_golden.golden.crosswalk[["source_system", "source_record_id", "golden_id"]],
        on=["source_system", "source_record_id"],
    )
    records["trust_rank"] = records["source_system"].map(trust_ranks).fillna(99)
    records["partner_golden_id"] = resolve_partner_golden_ids(records, partner_crosswalk, code_systems)
    served_by = first_by_trust(records, "golden_id", "partner_golden_id")
    golden = customer_golden.golden.golden
    return golden.assign(partner_golden_id=served_by.reindex(golden["golden_id"]).to_numpy())


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
    balance_records: pd.DataFrame,
    standardised_orders: pd.DataFrame,
    product_master: ProductMaster,
    ingest_file_reports: pd.DataFrame,
    landed_sources: dict,
    validated_promotions: ValidationOutcome,
    validated_volume_bands: ValidationOutcome,
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
        "balance": balance_records,
        "order": standardised_orders,
    }
    engine = create_store_engine(settings.store_url)
    try:
        rows_read = ingest_file_reports.groupby("entity")["rows_in"].sum().astype(int).to_dict()
        result = reconcile(
            old,
            engine,
            quarantine=channel_store["quarantine"],
            lineage=channel_store["lineage"],
            rows_read=rows_read,
            batch_id=channel_store["batch_id"],
        )
    finally:
        engine.dispose()
    files = write_report(result, settings.reports_dir)
    summary = {
        "batch_id": channel_store["batch_id"],
        "business_date": landed_sources.get("business_date"),
        "generated_at": result.generated_at,
        "accepted": result.accepted,
        "entities": [
            *(entity_summary(totals) for totals in result.control_totals),
            *validated_only_summaries(
                {"promotion": validated_promotions, "volume_band": validated_volume_bands}, rows_read
            ),
        ],
        "unreadable_files": ingest_file_reports.loc[
            ingest_file_reports["error"] != "", ["file", "error"]
        ].to_dict("records"),
        "load": channel_store["load_stats"],
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


def validated_only_summaries(outcomes: dict[str, ValidationOutcome], rows_read: dict[str, int]) -> list[dict]:
    """Summary lines of entities that are validated but not loaded into the store (promotions, volume
    bands): rows read, rows that met their standard and rows held back at ingest or by a rule."""
    lines = []
    for entity, outcome in outcomes.items():
        records_in = rows_read.get(entity, 0)
        if records_in:
            accepted = len(outcome.passed)
            lines.append(
                {
                    "entity": entity,
                    "records_in": records_in,
                    "quarantined": records_in - accepted,
                    "accepted": accepted,
                    "merged_away": 0,
                    "in_store": 0,
                    "expected_in_store": 0,
                }
            )
    return lines


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
