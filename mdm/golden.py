"""Golden records: one trusted record per real-world partner or customer.

Takes matched source records (each with its cluster), applies survivorship field by field,
gives every cluster a stable golden id and writes the crosswalk from every source record to
its golden record, plus the lineage of every golden value.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from mdm.crosswalk import assign_golden_ids, build_crosswalk
from mdm.references import first_by_trust, resolve_partner_golden_ids
from mdm.survivorship import SurvivorshipRules, choose_survivors, load_survivorship_rules


@dataclass(frozen=True)
class GoldenRecords:
    entity: str
    golden: pd.DataFrame
    """One row per golden record: golden_id, the surviving fields, source_count, primary source."""
    crosswalk: pd.DataFrame
    """One row per source record: entity, source_system, source_record_id, golden_id, match_score, match_decision."""
    lineage: pd.DataFrame
    """golden_id, field, source_system, source_record_id, rule: where each golden value came from and
    which survivorship rule chose it."""
    retired: pd.DataFrame
    """Golden ids that were merged into another by this run."""
    new_count: int
    kept_count: int


def build_golden_records(
    entity: str,
    candidates: pd.DataFrame,
    existing_crosswalk: pd.DataFrame | None = None,
    rules: SurvivorshipRules | None = None,
    retired_golden_ids: pd.Series | None = None,
    carried: tuple[pd.DataFrame, pd.DataFrame] | None = None,
) -> GoldenRecords:
    """Build golden records for ``entity`` from matched candidate records.

    ``candidates`` holds one row per source record with ``source_system``, ``source_record_id``,
    ``record_id``, ``cluster_id``, ``trust_rank``, optional ``match_score`` and the fields named
    in the survivorship rules (already standardised). ``retired_golden_ids`` are ids merged away
    earlier (now aliases): never given to a new record. ``carried`` (values and lineage by ``cluster_id``,
    as :func:`mdm.survivorship.choose_survivors` gives them) are the survivors of clusters whose records are
    the same as last time and unchanged: survivorship runs only for the other clusters.
    """
    rules = rules or load_survivorship_rules(entity)
    candidates = candidates.reset_index(drop=True)
    values, lineage = _survivors(candidates, rules, carried)
    assignment = assign_golden_ids(entity, candidates, existing_crosswalk, retired_golden_ids)
    golden_of_cluster = assignment.cluster_to_golden

    sizes = candidates.groupby("cluster_id").size()
    primary = _primary_records(candidates)
    golden = values.copy()
    golden.insert(0, "golden_id", golden_of_cluster.reindex(golden["cluster_id"]).to_numpy())
    golden["source_count"] = sizes.reindex(golden["cluster_id"]).to_numpy()
    golden["primary_source_system"] = primary["source_system"].reindex(golden["cluster_id"]).to_numpy()
    golden["primary_source_record_id"] = primary["source_record_id"].reindex(golden["cluster_id"]).to_numpy()
    golden = golden.sort_values("golden_id", kind="mergesort").reset_index(drop=True)

    crosswalk = build_crosswalk(entity, candidates, golden_of_cluster)
    by_record = candidates.set_index("record_id")[["source_system", "source_record_id"]]
    lineage = lineage.assign(
        golden_id=golden_of_cluster.reindex(lineage["cluster_id"]).to_numpy(),
        source_system=by_record["source_system"].reindex(lineage["record_id"]).to_numpy(),
        source_record_id=by_record["source_record_id"].reindex(lineage["record_id"]).to_numpy(),
    )[["golden_id", "field", "source_system", "source_record_id", "rule"]]
    return GoldenRecords(
        entity,
        golden.drop(columns=["cluster_id"]),
        crosswalk,
        lineage,
        assignment.retired,
        assignment.new_count,
        assignment.kept_count,
    )


def _survivors(
    candidates: pd.DataFrame, rules: SurvivorshipRules, carried: tuple[pd.DataFrame, pd.DataFrame] | None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    if carried is None or carried[0].empty:
        return choose_survivors(candidates, rules)
    carried_values, carried_lineage = carried
    carried_clusters = pd.Index(pd.unique(carried_values["cluster_id"].to_numpy(dtype=object)))
    fresh = candidates[carried_clusters.get_indexer(candidates["cluster_id"].to_numpy(dtype=object)) < 0]
    if fresh.empty:
        return carried_values.reset_index(drop=True), carried_lineage.reset_index(drop=True)
    values, lineage = choose_survivors(fresh, rules)
    return (
        pd.concat([values, carried_values[values.columns]], ignore_index=True),
        pd.concat([lineage, carried_lineage[lineage.columns]], ignore_index=True),
    )


def _primary_records(candidates: pd.DataFrame) -> pd.DataFrame:
    """The most trusted record of each cluster: the one the golden record is mainly built from."""
    ordered = candidates.sort_values(
        ["cluster_id", "trust_rank", "source_system", "source_record_id"], kind="mergesort"
    )
    return ordered.drop_duplicates("cluster_id").set_index("cluster_id")[
        ["source_system", "source_record_id"]
    ]


def resolve_parent_golden_ids(
    candidates: pd.DataFrame, crosswalk: pd.DataFrame, parent_column: str = "parent_record_id"
) -> pd.Series:
    """Translate each record's parent source code into the parent's golden id (via the crosswalk).

    A parent code names a record of the same source system. Returns a Series indexed by
    cluster_id: the most trusted record's resolved parent.
    """
    if parent_column not in candidates.columns:
        return pd.Series(dtype="string")
    parent = resolve_partner_golden_ids(candidates, crosswalk, {}, parent_column)
    return first_by_trust(candidates.assign(_parent=parent), "cluster_id", "_parent")
