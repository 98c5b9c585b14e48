"""Score every source's data quality after the load: completeness, validity, duplicates and quarantine."""

import dagster as dg
import pandas as pd

from mdm.parties import PartyMatchResult
from mdm.scorecard import PartySources, build_scorecard, summarise_scorecard
from migration.quality_scores import save_quality_scores
from migration.store import create_store_engine
from pipelines.defs.partitions import BUSINESS_DATES
from pipelines.defs.resources import ChannelMdmConfig

GROUP = "migration"


@dg.asset(
    partitions_def=BUSINESS_DATES,
    group_name=GROUP,
    description="Data-quality scorecard per source system and entity, worst first; kept in the store for the "
    "steward's review workbook and drawn in the run's HTML report.",
)
def quality_scorecard(
    context: dg.AssetExecutionContext,
    channel_mdm: ChannelMdmConfig,
    partner_golden: PartyMatchResult,
    customer_golden: PartyMatchResult,
    partner_records: pd.DataFrame,
    customer_records: pd.DataFrame,
    channel_store: dict,
    ingest_file_reports: pd.DataFrame,
) -> pd.DataFrame:
    parties = {
        entity: PartySources(
            # the matching numbered the records 0..n-1 in this order: its standardised frame is indexed so
            records.reset_index(drop=True),
            result.standardised,
            result.golden.crosswalk,
        )
        for entity, records, result in (
            ("partner", partner_records, partner_golden),
            ("customer", customer_records, customer_golden),
        )
    }
    scorecard = build_scorecard(parties, channel_store["quarantine"], ingest_file_reports)
    engine = create_store_engine(channel_mdm.settings().store_url)
    try:
        save_quality_scores(engine, scorecard, channel_store["batch_id"])
    finally:
        engine.dispose()
    summary = summarise_scorecard(scorecard)
    context.add_output_metadata(
        {
            "rows": len(scorecard),
            "worst_source": "-"
            if summary.empty
            else f"{summary.at[0, 'entity']}/{summary.at[0, 'source_system']}",
            "by_source": dg.MetadataValue.md(summary.round(3).to_markdown(index=False))
            if len(summary)
            else "-",
        }
    )
    return scorecard
