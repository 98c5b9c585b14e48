"""Match partners and customers across sources and build their golden records."""

import hashlib
from pathlib import Path

import dagster as dg
import pandas as pd
from sqlalchemy import inspect

from foundation.settings import Settings, redact_url
from mdm.hierarchy import count_hierarchy
from mdm.incremental import INCREMENTAL, PreviousMatch, choose_match_mode, load_match_state, save_match_state
from mdm.parties import PartyMatchResult, match_parties, record_ids, specs_for
from migration.golden_aliases import read_retired_golden_ids
from migration.models import StewardDecision
from migration.source_changes import new_or_changed_rows, read_source_state
from migration.steward_decisions import load_decisions
from migration.store import create_store_engine
from migration.store_reads import read_crosswalk
from pipelines.defs.partitions import BUSINESS_DATES
from pipelines.defs.resources import ChannelMdmConfig

GROUP = "mdm"


def _state_dir(settings: Settings) -> Path:
    """Where the last match's state is kept: one folder per store, so two stores never share one."""
    store = hashlib.sha256(redact_url(settings.store_url).encode()).hexdigest()[:16]
    return settings.data_dir / "match_state" / store


def _match(
    entity: str, records: pd.DataFrame, landed: dict, channel_mdm: ChannelMdmConfig
) -> tuple[PartyMatchResult, dict]:
    settings = channel_mdm.settings()
    engine = create_store_engine(settings.store_url)
    try:
        existing = read_crosswalk(engine, active_only=False)  # a record that comes back keeps its golden id
        retired_ids = read_retired_golden_ids(engine, entity)
        decided = (
            load_decisions(engine, entity)
            if inspect(engine).has_table(StewardDecision.__tablename__)
            else None
        )
        source_state = read_source_state(engine)
    finally:
        engine.dispose()
    specs = specs_for(entity)
    state, models, why_not = load_match_state(_state_dir(settings), entity, specs)
    changed = new_or_changed_rows(records, entity, source_state).to_numpy()
    ids = record_ids(records) if len(records) else pd.Series(dtype=object)
    mode = choose_match_mode(
        ids,
        changed,
        existing,
        entity,
        models,
        why_not,
        "CHANNEL_MDM_FULL_MATCH=1 or --full-match" if settings.full_match else "",
        models_trained_on=state.models_trained_on if state is not None else "",
    )
    changed_ids = frozenset(ids[changed])
    previous = None
    if mode.mode == INCREMENTAL and models is not None:
        previous = PreviousMatch(changed_ids, models, state)
    result = match_parties(
        entity,
        records,
        landed["trust_ranks"],
        existing_crosswalk=existing,
        decisions=decided,
        retired_golden_ids=retired_ids,
        previous=previous,
        mode=mode,
        changed_record_ids=changed_ids,
    )
    if result.state is not None:
        save_match_state(_state_dir(settings), result.state)
    decisions = (
        result.pairs["match_class"].value_counts() if "match_class" in result.pairs.columns else pd.Series()
    )
    metadata = {
        "records_in": result.records_in,
        "golden_records": len(result.golden.golden),
        "merged_away": result.merged_away,
        "golden_ids_kept": result.golden.kept_count,
        "golden_ids_new": result.golden.new_count,
        "golden_ids_retired": len(result.golden.retired),
        "pairs_auto_merge": int(decisions.get("auto_merge", 0)),
        "pairs_needs_review": int(decisions.get("needs_review", 0)),
        "pairs_for_steward": len(result.review),
        "steward_decisions_applied": 0 if decided is None else len(decided),
        "steward_decisions_on_missing_records": len(result.decisions_missing),
        "match_mode": result.matching.mode,
        "match_mode_reason": result.matching.reason,
        "records_compared": result.matching.records_compared,
        "pairs_scored": result.matching.pairs_scored,
        "golden_records_recomputed": result.matching.golden_recomputed,
        "golden_records_touched": result.matching.golden_touched,
    }
    if entity == "partner":
        metadata.update(count_hierarchy(result.golden.golden, result.unlinked_branches))
        if len(result.unlinked_branches):
            metadata["unlinked_branches"] = dg.MetadataValue.md(
                result.unlinked_branches.to_markdown(index=False)
            )
    return result, metadata


def _crosswalk_checks(entity: str) -> list[dg.AssetCheckSpec]:
    asset = f"{entity}_golden"
    return [
        dg.AssetCheckSpec(
            "every_record_has_a_golden_id",
            asset=asset,
            description="Each accepted source record appears in the crosswalk exactly once.",
        ),
        dg.AssetCheckSpec("golden_ids_unique", asset=asset, description="No golden id is used twice."),
    ]


def _check_results(result: PartyMatchResult) -> list[dg.AssetCheckResult]:
    crosswalk = result.golden.crosswalk
    keys = crosswalk[["source_system", "source_record_id"]]
    missing = int(crosswalk["golden_id"].isna().sum())
    duplicated = int(keys.duplicated().sum())
    reused = int(result.golden.golden["golden_id"].duplicated().sum())
    return [
        dg.AssetCheckResult(
            check_name="every_record_has_a_golden_id",
            passed=missing == 0 and duplicated == 0 and len(crosswalk) == result.records_in,
            metadata={
                "records_in": result.records_in,
                "crosswalk_rows": len(crosswalk),
                "without_golden_id": missing,
                "duplicated": duplicated,
            },
        ),
        dg.AssetCheckResult(check_name="golden_ids_unique", passed=reused == 0, metadata={"reused": reused}),
    ]


@dg.asset(
    partitions_def=BUSINESS_DATES,
    group_name=GROUP,
    check_specs=_crosswalk_checks("partner"),
    description="Golden partner records, crosswalk and lineage, matched across every source.",
)
def partner_golden(
    context: dg.AssetExecutionContext,
    channel_mdm: ChannelMdmConfig,
    partner_records: pd.DataFrame,
    landed_sources: dict,
):
    result, metadata = _match("partner", partner_records, landed_sources, channel_mdm)
    yield dg.Output(result, metadata=metadata)
    yield from _check_results(result)


@dg.asset(
    partitions_def=BUSINESS_DATES,
    group_name=GROUP,
    check_specs=_crosswalk_checks("customer"),
    description="Golden customer records (businesses and persons), crosswalk and lineage.",
)
def customer_golden(
    context: dg.AssetExecutionContext,
    channel_mdm: ChannelMdmConfig,
    customer_records: pd.DataFrame,
    landed_sources: dict,
):
    result, metadata = _match("customer", customer_records, landed_sources, channel_mdm)
    yield dg.Output(result, metadata=metadata)
    yield from _check_results(result)
