"""Match canonical partner or customer records across sources and build their golden records.

This is the MDM step of the main pipeline, in one call: standardise the ingested records,
deduplicate them with the matching engine, then apply survivorship and the crosswalk.
Customers are matched per kind (businesses by company, persons by person), since a person
and a company never describe the same customer.
"""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from cleansing.phones import phone_with_extension
from cleansing.text import normalise_text_series
from mdm.dedupe import DedupeResult, deduplicate
from mdm.golden import GoldenRecords, build_golden_records, resolve_parent_golden_ids
from mdm.hierarchy import UNLINKED_BRANCH_COLUMNS, link_branches_to_head_offices
from mdm.incremental import (
    FULL,
    INCREMENTAL,
    MatchMode,
    MatchRun,
    MatchState,
    PreviousMatch,
    build_match_state,
    carried_review,
    carried_survivors,
    changed_since_state,
    kept_cluster_labels,
    kept_match_scores,
    previous_golden_ids,
    record_hashes,
    standardise_reusing,
    touched_golden_ids,
)
from mdm.model import ModelParameters
from mdm.pair_review import review_pairs
from mdm.spec import DedupeSpec, load_spec

log = logging.getLogger(__name__)
GOLDEN_BOOKKEEPING = ("source_count", "primary_source_system", "primary_source_record_id")
"""Columns of a golden record that are not survivorship fields."""
CONFIG_DIR = Path(__file__).parent / "config"

# golden field ← column of the standardised frame (prefixed ``std_``) or of the canonical record.
# A golden phone keeps its extension (``+8675520026264;ext=460``); matching compares ``phone_e164`` without it.
GOLDEN_FIELD_SOURCES: dict[str, dict[str, str]] = {
    "partner": {
        "partner_name": "std_name_normalised",
        "uscc": "std_uscc",
        "uscc_status": "std_uscc_status",
        "phone": "std_phone_with_extension",
        "province": "std_province",
        "city": "std_city",
        "district": "std_district",
        "division_code": "std_division_code",
        "email": "std_email_normalised",
    },
    "customer": {
        "uscc": "std_uscc",
        "uscc_status": "std_uscc_status",
        "phone": "std_phone_with_extension",
        "province": "std_province",
        "city": "std_city",
        "district": "std_district",
        "division_code": "std_division_code",
        "email": "std_email_normalised",
        "birth_date": "std_birth_date",
        "postcode": "std_postcode",
    },
}


@dataclass(frozen=True)
class PartyMatchResult:
    entity: str
    golden: GoldenRecords
    clusters: pd.DataFrame
    """record_id, source_system, source_record_id, cluster_id, match_score."""
    pairs: pd.DataFrame
    """Scored candidate pairs with explanations (auto-merge and needs-review)."""
    standardised: pd.DataFrame
    records_in: int
    review: pd.DataFrame = dataclasses.field(default_factory=pd.DataFrame)
    """The pairs a steward should decide (:func:`mdm.pair_review.review_pairs`)."""
    decisions_missing: pd.DataFrame = dataclasses.field(default_factory=pd.DataFrame)
    """Steward decisions naming a record no source holds any more (reported, not applied)."""
    unlinked_branches: pd.DataFrame = dataclasses.field(default_factory=pd.DataFrame)
    """Golden partner branches left without a head office, with the reason (:mod:`mdm.hierarchy`)."""
    matching: MatchRun = dataclasses.field(default_factory=MatchRun)
    """Full or incremental, why, and what it compared (:mod:`mdm.incremental`)."""
    models: dict[str, str] = dataclasses.field(default_factory=dict)
    """Per spec kind the match model that scored the pairs (JSON, :meth:`ModelParameters.to_json`)."""
    state: MatchState | None = None
    """What the next night needs to match incrementally (:func:`mdm.incremental.save_match_state`)."""

    @property
    def merged_away(self) -> int:
        return self.records_in - len(self.golden.golden)


def record_ids(records: pd.DataFrame) -> pd.Series:
    return records["source_system"].astype(str) + ":" + records["source_record_id"].astype(str)


def specs_for(entity: str) -> dict[str, DedupeSpec]:
    """The match specs for ``entity``, keyed by the customer kind they apply to (``*`` = all)."""
    if entity == "partner":
        return {"*": load_spec(CONFIG_DIR / "partner_spec.yaml")}
    return {
        "business": load_spec(CONFIG_DIR / "customer_business_spec.yaml"),
        "person": load_spec(CONFIG_DIR / "customer_person_spec.yaml"),
    }


def match_parties(
    entity: str,
    records: pd.DataFrame,
    trust_ranks: dict[str, int],
    existing_crosswalk: pd.DataFrame | None = None,
    progress: bool = False,
    decisions: pd.DataFrame | None = None,
    retired_golden_ids: pd.Series | None = None,
    previous: PreviousMatch | None = None,
    mode: MatchMode | None = None,
    changed_record_ids: frozenset[str] = frozenset(),
) -> PartyMatchResult:
    """Deduplicate ``records`` (canonical partner or customer rows from every source) into golden records.

    ``decisions`` are a steward's (``migration.steward_decisions.load_decisions``): by source system and
    source record id, ``merge`` or ``not_a_match``; they hold as hard constraints.
    ``retired_golden_ids`` (the store's aliases) are never issued again. With ``previous`` (the saved
    models and the records new or changed since ``existing_crosswalk``) only those records are matched,
    against every current record (:mod:`mdm.incremental`); ``mode`` says why, and a full match's
    ``changed_record_ids`` count the golden records it touched, for the report.
    """
    records = records.reset_index(drop=True).copy()
    records["record_id"] = record_ids(records)
    records["trust_rank"] = records["source_system"].map(trust_ranks).fillna(99).astype(int)
    state = previous.state if previous is not None else None
    hashes = record_hashes(records)
    before = previous_golden_ids(entity, records["record_id"], existing_crosswalk)
    changed = before.isna().to_numpy(copy=True)
    changed |= (
        records["record_id"]
        .isin(previous.changed_record_ids if previous is not None else changed_record_ids)
        .to_numpy()
    )
    if state is not None:
        changed |= changed_since_state(records["record_id"], hashes, state)
    kept = kept_cluster_labels(before, changed) if previous is not None else None
    specs = specs_for(entity)
    models: dict[str, str] = {}
    std_by_kind: dict[str, pd.DataFrame] = {}
    records_compared = pairs_scored = 0

    by_record_id = _decisions_by_record_id(decisions)
    std_parts, cluster_parts, pair_parts, missing_parts = [], [], [], []
    for kind, spec in specs.items():
        subset = records if kind == "*" else _customers_of_kind(records, kind)
        if subset.empty:
            continue
        incremental = previous is not None and kept is not None and kind in previous.models
        saved_std = state.standardised.get(kind) if state is not None else None
        std = standardise_reusing(subset, spec, ~changed[subset.index], saved_std)
        std_by_kind[kind] = std
        mine = by_record_id[
            by_record_id["left_record_id"].isin(subset["record_id"])
            | by_record_id["right_record_id"].isin(subset["record_id"])
        ]
        params: ModelParameters | None = None
        if incremental and previous is not None:
            params = ModelParameters.from_json(previous.models[kind].to_json())
        result: DedupeResult = deduplicate(
            std,
            spec,
            progress=progress,
            decisions=mine,
            params=params,
            train=params is None,
            focus=changed[subset.index] if incremental else None,
            kept_clusters=kept[subset.index] if incremental and kept is not None else None,
        )
        models[kind] = result.model_params.to_json()
        records_compared += int(changed[subset.index].sum()) if incremental else len(subset)
        pairs_scored += result.candidate_pairs
        missing_parts.append(result.steward_decisions_missing)
        clusters = result.clusters.copy()
        if incremental and kept is not None:
            clusters["match_score"] = kept_match_scores(
                clusters, result.pairs, _previous_by_record_id(entity, existing_crosswalk), kept[subset.index]
            ).to_numpy()
        clusters["cluster_id"] = f"{kind}:" + clusters["cluster_id"].astype(str)
        std_parts.append(std.set_index(subset.index))
        cluster_parts.append(clusters)
        pair_parts.append(result.pairs.assign(match_spec=kind))
        log.info(
            "%s %s: %s records → %s clusters (%s candidate pairs)",
            entity,
            kind,
            f"{len(subset):,}",
            f"{clusters['cluster_id'].nunique():,}",
            f"{result.candidate_pairs:,}",
        )
    standardised = pd.concat(std_parts).sort_index()
    clusters = pd.concat(cluster_parts, ignore_index=True)
    candidates = _golden_candidates(entity, records, standardised, clusters)
    carried = carried_survivors(candidates, pd.Series(changed, index=records["record_id"].to_numpy()), state)
    golden = build_golden_records(
        entity, candidates, existing_crosswalk, retired_golden_ids=retired_golden_ids, carried=carried
    )
    survivors = golden.golden.drop(columns=list(GOLDEN_BOOKKEEPING))
    next_state = build_match_state(
        entity,
        specs,
        models,
        records["record_id"],
        hashes,
        std_by_kind,
        survivors,
        golden.lineage,
        golden.crosswalk,
        models_trained_on=state.models_trained_on if previous is not None and state is not None else "",
    )
    golden = dataclasses.replace(
        golden, retired=_steward_files_behind_merges(entity, golden.retired, existing_crosswalk, decisions)
    )
    unlinked_branches = pd.DataFrame(columns=UNLINKED_BRANCH_COLUMNS)
    if entity == "partner":
        parents = resolve_parent_golden_ids(candidates, golden.crosswalk)
        golden.golden["parent_golden_id"] = _parent_by_golden(golden, candidates, parents)
        links = link_branches_to_head_offices(golden.golden)
        golden.golden["parent_golden_id"] = links.parent_golden_id
        golden.golden["parent_link"] = links.parent_link
        unlinked_branches = links.unlinked_branches
        suppliers = resolve_parent_golden_ids(candidates, golden.crosswalk, "supplier_record_id")
        golden.golden["supplier_golden_id"] = _parent_by_golden(golden, candidates, suppliers)
    cluster_out = candidates[["record_id", "source_system", "source_record_id", "cluster_id", "match_score"]]
    pairs = pd.concat(pair_parts, ignore_index=True)
    rows = records.get("source_row", pd.Series(pd.NA, index=records.index))
    review = review_pairs(
        pairs, records[["record_id", "source_system", "source_record_id"]].assign(source_row=rows)
    )
    if previous is not None and state is not None:  # pairs not compared tonight stay pending
        review = carried_review(review, state.review, records.loc[~changed, "record_id"], by_record_id)
    next_state = dataclasses.replace(next_state, review=review)
    # A decision whose records are both gone is in no subset; it is missing too.
    unplaced = by_record_id[
        ~by_record_id["left_record_id"].isin(records["record_id"])
        & ~by_record_id["right_record_id"].isin(records["record_id"])
    ]
    missing = pd.concat([*missing_parts, unplaced], ignore_index=True).drop_duplicates()
    matching = MatchRun(
        mode=INCREMENTAL if previous is not None else FULL,
        reason="" if mode is None else mode.reason,
        records=len(records),
        records_compared=records_compared,
        pairs_scored=pairs_scored,
        golden_recomputed=len(golden.golden) - (0 if carried is None else len(carried[0])),
        golden_touched=touched_golden_ids(
            entity,
            existing_crosswalk,
            golden.crosswalk,
            records.loc[changed, "record_id"],
            golden.retired,
        ),
    )
    log.info(
        "%s: %s match (%s): %s of %s records compared, %s pairs scored, %s golden records touched",
        entity,
        matching.mode,
        matching.reason or "-",
        f"{matching.records_compared:,}",
        f"{matching.records:,}",
        f"{matching.pairs_scored:,}",
        f"{matching.golden_touched:,}",
    )
    return PartyMatchResult(
        entity,
        golden,
        cluster_out,
        pairs,
        standardised,
        len(records),
        review,
        missing.reset_index(drop=True),
        unlinked_branches,
        matching,
        models,
        next_state,
    )


def _previous_by_record_id(entity: str, existing_crosswalk: pd.DataFrame | None) -> pd.DataFrame | None:
    """The crosswalk's match score and decision per record id, for the records that stay where they were."""
    if existing_crosswalk is None or existing_crosswalk.empty:
        return None
    known = existing_crosswalk[existing_crosswalk["entity"] == entity]
    frame = known[["match_score", "match_decision"]].set_axis(record_ids(known).to_numpy())
    return frame[~frame.index.duplicated()]


def _decisions_by_record_id(decisions: pd.DataFrame | None) -> pd.DataFrame:
    """Steward decisions named by this module's record ids (``source_system:source_record_id``)."""
    if decisions is None or decisions.empty:
        return pd.DataFrame(columns=["left_record_id", "right_record_id", "decision"])
    return pd.DataFrame(
        {
            "left_record_id": (
                decisions["left_source_system"].astype(str)
                + ":"
                + decisions["left_source_record_id"].astype(str)
            ).to_numpy(),
            "right_record_id": (
                decisions["right_source_system"].astype(str)
                + ":"
                + decisions["right_source_record_id"].astype(str)
            ).to_numpy(),
            "decision": decisions["decision"].to_numpy(),
        }
    )


def _steward_files_behind_merges(
    entity: str,
    retired: pd.DataFrame,
    existing_crosswalk: pd.DataFrame | None,
    decisions: pd.DataFrame | None,
) -> pd.DataFrame:
    """The retired golden ids with ``entity`` and ``cause_file``: the review workbook whose latest
    ``merge`` decision joined a record of the retired golden record to one of its survivor (else NA)."""
    retired = retired.assign(entity=entity, cause_file=pd.NA)
    if retired.empty or existing_crosswalk is None or decisions is None or decisions.empty:
        return retired
    known = existing_crosswalk[existing_crosswalk["entity"] == entity]
    was = pd.Series(known["golden_id"].to_numpy(), index=record_ids(known).to_numpy())
    merges = decisions[decisions["decision"] == "merge"]
    named = _decisions_by_record_id(merges)
    joined = pd.DataFrame(
        {
            "left": was.reindex(named["left_record_id"]).to_numpy(),
            "right": was.reindex(named["right_record_id"]).to_numpy(),
            "cause_file": merges.get("source_file", pd.Series(pd.NA, index=merges.index)).to_numpy(),
        }
    ).dropna(subset=["left", "right"])
    both_ways = pd.concat([joined, joined.rename(columns={"left": "right", "right": "left"})])
    cause = both_ways.drop_duplicates(["left", "right"], keep="last").set_index(["left", "right"])[
        "cause_file"
    ]
    keys = pd.MultiIndex.from_arrays([retired["retired_golden_id"], retired["golden_id"]])
    return retired.assign(cause_file=cause.reindex(keys).to_numpy())


def _customers_of_kind(records: pd.DataFrame, kind: str) -> pd.DataFrame:
    kinds = records.get("customer_kind", pd.Series(index=records.index, dtype=object)).fillna("business")
    return records[kinds == kind]


def _golden_candidates(
    entity: str, records: pd.DataFrame, standardised: pd.DataFrame, clusters: pd.DataFrame
) -> pd.DataFrame:
    std = standardised.drop(columns=["record_id"]).add_prefix("std_")
    candidates = records.join(std)
    candidates = candidates.merge(clusters, on="record_id", how="left", validate="one_to_one")
    if "std_phone_e164" in candidates.columns:
        candidates["std_phone_with_extension"] = phone_with_extension(
            candidates["std_phone_e164"], _extensions_within_cluster(candidates)
        )
    original_phone = normalise_text_series(records["phone"]) if "phone" in records.columns else None
    for field, column in GOLDEN_FIELD_SOURCES[entity].items():
        if column in candidates.columns:
            candidates[field] = candidates[column]
    if original_phone is not None:
        # An invalid phone is kept as written (a steward fixes it), never silently dropped.
        candidates["phone"] = candidates["phone"].fillna(original_phone.reindex(candidates.index))
    if entity == "partner" and "partner_name" in records.columns:
        candidates["partner_name"] = name_as_written(candidates["partner_name"], records["partner_name"])
    if entity == "customer":
        person = candidates.get("customer_kind") == "person"
        companies = name_as_written(candidates["std_name_normalised"], records["customer_name"])
        names = companies.where(~person, candidates["std_person_name"])
        candidates["customer_name"] = names.fillna(candidates["customer_name"])
    return candidates


def name_as_written(normalised: pd.Series, written: pd.Series) -> pd.Series:
    """A company's name as the matcher reads it (``normalised``: Latin letters in upper case, notes read
    away), in the letters' case the source wrote (``written``) where the case is all that differs:
    ``Xi'an Hualin Wine Company Limited`` stays so in the golden record, not ``XI'AN HUALIN WINE COMPANY
    LIMITED`` (a change of the data the cut-over comparison rightly counts). A name whose notes were read
    away or whose brackets or characters were made standard keeps the standard form."""
    text = normalise_text_series(written.reindex(normalised.index))
    same = (text.str.upper() == normalised.astype("string")).fillna(False).astype(bool)
    return normalised.where(~same, text.astype(object))


def _extensions_within_cluster(candidates: pd.DataFrame) -> pd.Series:
    """Each record's phone extension; a number written without one takes the extension the other records
    of its cluster write with the same number, when they all write the same one. It is the same line, so
    its vote goes to the complete number and the golden record keeps the extension instead of losing it
    to the more frequent bare number (the reconciliation counts the completed extension as enrichment)."""
    extension = candidates["std_phone_extension"]
    given = candidates[extension.notna() & candidates["std_phone_e164"].notna()]
    if given.empty:
        return extension
    key = ["cluster_id", "std_phone_e164"]
    distinct = given.groupby(key)["std_phone_extension"].agg(["first", "nunique"])
    agreed = distinct.loc[distinct["nunique"] == 1, "first"]
    of_number = agreed.reindex(pd.MultiIndex.from_frame(candidates[key])).to_numpy()
    return extension.fillna(pd.Series(of_number, index=candidates.index, dtype="string"))


def _parent_by_golden(golden: GoldenRecords, candidates: pd.DataFrame, parents: pd.Series) -> pd.Series:
    cluster_of_golden = (
        golden.crosswalk.merge(candidates[["source_system", "source_record_id", "cluster_id"]])
        .drop_duplicates("golden_id")
        .set_index("golden_id")["cluster_id"]
    )
    resolved = parents.reindex(cluster_of_golden.reindex(golden.golden["golden_id"]).to_numpy())
    parent = pd.Series(resolved.to_numpy(), index=golden.golden.index)
    return parent.where(parent != golden.golden["golden_id"])
