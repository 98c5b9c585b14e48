"""Change detection: which rows of each source are new, changed, unchanged or deleted since the last load."""

import dagster as dg
import pandas as pd

from migration.source_changes import (
    SourceChanges,
    detect_source_changes,
    file_hashes,
    read_source_state,
    source_row_hashes,
)
from migration.store import create_store_engine, upgrade_store
from pipelines.defs.partitions import BUSINESS_DATES
from pipelines.defs.resources import ChannelMdmConfig

GROUP = "ingest"


@dg.asset(
    partitions_def=BUSINESS_DATES,
    group_name=GROUP,
    description="Per source (source system × entity): rows in, quarantined, new, changed, unchanged and "
    "deleted since the last load, by row hash; and the files skipped because they did not change.",
)
def source_changes(
    context: dg.AssetExecutionContext,
    channel_mdm: ChannelMdmConfig,
    partner_records: pd.DataFrame,
    customer_records: pd.DataFrame,
    product_records: pd.DataFrame,
    price_records: pd.DataFrame,
    promotion_records: pd.DataFrame,
    volume_band_records: pd.DataFrame,
    balance_records: pd.DataFrame,
    order_records: pd.DataFrame,
    ingest_file_reports: pd.DataFrame,
) -> SourceChanges:
    records = {
        "partner": partner_records,
        "customer": customer_records,
        "product": product_records,
        "price": price_records,
        "promotion": promotion_records,
        "volume_band": volume_band_records,
        "balance": balance_records,
        "order": order_records,
    }
    current = pd.concat(
        [source_row_hashes(frame, entity) for entity, frame in records.items()], ignore_index=True
    )
    engine = create_store_engine(channel_mdm.settings().store_url)
    try:
        upgrade_store(engine)
        previous = read_source_state(engine)
    finally:
        engine.dispose()
    provenance = pd.concat(
        [frame[["source_file", "file_hash"]] for frame in records.values() if "source_file" in frame.columns],
        ignore_index=True,
    )
    changes = detect_source_changes(
        current, previous, ingest_file_reports, file_hashes(provenance, ingest_file_reports)
    )
    for entity, source_system in changes.unread:
        context.log.warning(
            f"{source_system} {entity}: no file could be read; its rows are not counted as deleted"
        )
    skipped = ingest_file_reports.loc[ingest_file_reports["unchanged_since"].fillna("") != ""]
    for report in skipped.itertuples():
        context.log.info(f"{report.file}: skipped, unchanged since {report.unchanged_since}")
    context.add_output_metadata(
        {
            "changes": dg.MetadataValue.md(changes.counts.to_markdown(index=False)),
            "changes_per_source": dg.MetadataValue.json(changes.counts.to_dict("records")),
            "files_skipped_unchanged": dg.MetadataValue.json(
                {r.file: f"skipped, unchanged since {r.unchanged_since}" for r in skipped.itertuples()}
            ),
            **{name: int(changes.counts[name].sum()) for name in ("new", "changed", "unchanged", "deleted")},
        }
    )
    return changes
