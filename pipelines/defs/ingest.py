"""Ingest: land dropped exports, then read every source through its mapping."""

import dagster as dg
import pandas as pd

from cleansing.canonical import ENTITIES
from cleansing.ingest import IngestResult, ingest_all
from cleansing.landing import land_dropped_files
from cleansing.mapping import load_mappings
from cleansing.provenance import new_batch_id
from pipelines.defs.partitions import BUSINESS_DATES
from pipelines.defs.resources import ChannelMdmConfig

GROUP = "ingest"
RECORD_ASSETS = {entity: f"{entity}_records" for entity in ENTITIES}


@dg.asset(
    partitions_def=BUSINESS_DATES,
    group_name=GROUP,
    description="Moves new exports from the drop folder into <data dir>/landing/, where each replaces the "
    "file of the same name in the sources folder for this and later runs.",
)
def landed_sources(context: dg.AssetExecutionContext, channel_mdm: ChannelMdmConfig) -> dict:
    settings = channel_mdm.settings()
    batch_id = new_batch_id()
    business_date = context.run.tags.get("dagster/partition")  # None when run without a business date
    landed = land_dropped_files(
        settings.drop_dir, settings.landing_dir, settings.data_dir / "archive" / batch_id
    )
    context.add_output_metadata(
        {
            "batch_id": batch_id,
            "business_date": business_date or "-",
            "files_landed": len(landed),
            "files": ", ".join(str(f.relative) for f in landed) or "-",
        }
    )
    return {"batch_id": batch_id, "business_date": business_date, "trust_ranks": _trust_ranks(channel_mdm)}


def _trust_ranks(channel_mdm: ChannelMdmConfig) -> dict[str, int]:
    ranks: dict[str, int] = {}
    for mapping in load_mappings(channel_mdm.settings().mappings_dir):
        ranks[mapping.source_system] = min(
            mapping.trust_rank, ranks.get(mapping.source_system, mapping.trust_rank)
        )
    return ranks


@dg.multi_asset(
    partitions_def=BUSINESS_DATES,
    group_name=GROUP,
    outs={
        **{
            name: dg.AssetOut(
                description=f"Canonical {entity} rows accepted from every source, with provenance."
            )
            for entity, name in RECORD_ASSETS.items()
        },
        "ingest_quarantine": dg.AssetOut(
            description="Rows that could not be read or mapped, with the reason."
        ),
        "ingest_file_reports": dg.AssetOut(
            description="Per source file: rows in, accepted, quarantined, or why unreadable."
        ),
    },
    deps=[landed_sources],
)
def source_records(context: dg.AssetExecutionContext, channel_mdm: ChannelMdmConfig, landed_sources: dict):
    """Every source file read through its mapping: rows in = accepted + quarantined, per file."""
    settings = channel_mdm.settings()
    results = ingest_all(
        settings.mappings_dir,
        settings.sources_dir,
        landed_sources["batch_id"],
        progress=False,
        landing_dir=settings.landing_dir,
        cache_dir=settings.data_dir / "ingest_cache",
    )
    if not any(len(res.accepted) for rs in results.values() for res in rs):
        problems = [r.error for rs in results.values() for res in rs for r in res.file_reports if r.error]
        raise dg.Failure(
            description=f"no source rows were read from {settings.sources_dir} (nor {settings.landing_dir}): "
            + (
                "; ".join(problems[:3]) + ("; …" if len(problems) > 3 else "")
                if problems
                else "no mapping found a file"
            )
            + "; put the exports there, or point CHANNEL_MDM_SOURCES_DIR at them"
        )
    quarantine_parts: list[pd.DataFrame] = []
    for entity, name in RECORD_ASSETS.items():
        entity_results: list[IngestResult] = results.get(entity, [])
        accepted = (
            pd.concat([r.accepted for r in entity_results], ignore_index=True)
            if entity_results
            else pd.DataFrame()
        )
        quarantine_parts.extend(r.quarantined.assign(entity=entity) for r in entity_results)
        yield dg.Output(accepted, output_name=name, metadata=_file_metadata(entity_results, len(accepted)))
    quarantine = pd.concat(quarantine_parts, ignore_index=True) if quarantine_parts else pd.DataFrame()
    errors = [r for rs in results.values() for res in rs for r in res.file_reports if r.error]
    for report in errors:
        context.log.error(report.error)
    yield dg.Output(
        quarantine,
        output_name="ingest_quarantine",
        metadata={"rows": len(quarantine), "unreadable_files": len(errors)},
    )
    reports = file_report_frame(results)
    yield dg.Output(reports, output_name="ingest_file_reports", metadata={"files": len(reports)})


def file_report_frame(results: dict[str, list[IngestResult]]) -> pd.DataFrame:
    """One row per source file: entity, source system, file, rows in, accepted, quarantined, error, and the
    batch that read it when this run skipped it as unchanged."""
    rows = [
        {
            "entity": entity,
            "source_system": result.source_system,
            "file": f.file,
            "rows_in": f.rows_in,
            "accepted": f.accepted,
            "quarantined": f.quarantined,
            "error": f.error or "",
            "unchanged_since": f.unchanged_since or "",
        }
        for entity, entity_results in results.items()
        for result in entity_results
        for f in result.file_reports
    ]
    return pd.DataFrame(rows, columns=FILE_REPORT_COLUMNS)


FILE_REPORT_COLUMNS = [
    "entity",
    "source_system",
    "file",
    "rows_in",
    "accepted",
    "quarantined",
    "error",
    "unchanged_since",
]


def _file_metadata(results: list[IngestResult], accepted: int) -> dict:
    table = file_report_frame({"_": results}).drop(columns=["entity"])
    return {
        "rows_in": int(table["rows_in"].sum()),
        "accepted": accepted,
        "quarantined": int(table["quarantined"].sum()),
        "files": dg.MetadataValue.md(table.to_markdown(index=False)) if len(table) else "none",
    }
