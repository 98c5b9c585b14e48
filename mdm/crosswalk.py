"""The source-to-golden crosswalk and stable golden ids.

Golden ids must outlive re-runs: the new system, the steward workbook and every report
refer to them. A cluster that contains records already in the crosswalk keeps the golden
id those records had (the oldest one wins when a cluster joins records of several golden
records, and the others are retired to it); a cluster of new records gets the next number.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

GOLDEN_ID_PREFIX = {"partner": "P", "customer": "C"}
GOLDEN_ID_DIGITS = 8


@dataclass(frozen=True)
class GoldenIdAssignment:
    cluster_to_golden: pd.Series
    """golden_id indexed by cluster_id."""
    retired: pd.DataFrame
    """golden ids that merged into another: columns retired_golden_id, golden_id."""
    new_count: int
    kept_count: int


def format_golden_id(entity: str, number: int) -> str:
    return f"{GOLDEN_ID_PREFIX.get(entity, 'G')}{number:0{GOLDEN_ID_DIGITS}d}"


def _golden_number(golden_id: pd.Series) -> pd.Series:
    return pd.to_numeric(golden_id.str[1:], errors="coerce")


def assign_golden_ids(
    entity: str,
    clusters: pd.DataFrame,
    existing_crosswalk: pd.DataFrame | None = None,
    retired_golden_ids: pd.Series | None = None,
) -> GoldenIdAssignment:
    """Give every cluster a golden id, reusing ids from ``existing_crosswalk`` where its records had one.

    ``clusters`` has ``source_system``, ``source_record_id``, ``cluster_id`` and ``trust_rank``.
    New clusters are numbered after the highest id ever issued (the crosswalk's and the
    ``retired_golden_ids`` that now resolve as aliases, which are never issued again), in order of
    their most trusted member's (trust_rank, source_system, source_record_id), so a first run is
    deterministic.
    """
    frame = clusters[["source_system", "source_record_id", "cluster_id", "trust_rank"]].copy()
    known = pd.DataFrame(columns=["source_system", "source_record_id", "golden_id"])
    if existing_crosswalk is not None and len(existing_crosswalk):
        known = existing_crosswalk.loc[
            existing_crosswalk["entity"] == entity, ["source_system", "source_record_id", "golden_id"]
        ]
    frame = frame.merge(known, on=["source_system", "source_record_id"], how="left")

    with_id = frame.dropna(subset=["golden_id"]).copy()
    with_id["_number"] = _golden_number(with_id["golden_id"])
    with_id = with_id.sort_values(["cluster_id", "_number"], kind="mergesort")
    kept = with_id.drop_duplicates("cluster_id", keep="first").set_index("cluster_id")["golden_id"]
    # A golden id claimed by two clusters (a steward split, or a record moved): the cluster
    # with more of its records keeps it; the other gets a new id.
    claims = with_id.groupby(["golden_id", "cluster_id"]).size().rename("n").reset_index()
    claims = claims.sort_values(
        ["golden_id", "n", "cluster_id"], ascending=[True, False, True], kind="mergesort"
    )
    owner = claims.drop_duplicates("golden_id").set_index("golden_id")["cluster_id"]
    kept = kept[owner.reindex(kept.values).to_numpy() == kept.index.to_numpy()]

    retired_rows = with_id[~with_id["golden_id"].isin(kept.values)]
    retired = (
        pd.DataFrame(
            {
                "retired_golden_id": retired_rows["golden_id"].to_numpy(),
                "golden_id": kept.reindex(retired_rows["cluster_id"]).to_numpy(),
            }
        )
        .dropna()
        .drop_duplicates()
    )

    order = frame.sort_values(["trust_rank", "source_system", "source_record_id"], kind="mergesort")
    cluster_order = pd.unique(order["cluster_id"])
    new_clusters = [c for c in cluster_order if c not in kept.index]
    issued = pd.concat([known["golden_id"], pd.Series(retired_golden_ids, dtype=object)]).dropna()
    highest = _golden_number(issued.astype(str)).max() if len(issued) else 0
    start = 0 if pd.isna(highest) else int(highest)
    new_ids = pd.Series(
        [format_golden_id(entity, start + i + 1) for i in range(len(new_clusters))],
        index=pd.Index(new_clusters, name="cluster_id"),
        dtype="string",
    )
    mapping = pd.concat([kept.astype("string"), new_ids])
    return GoldenIdAssignment(mapping, retired, new_count=len(new_ids), kept_count=len(kept))


def build_crosswalk(entity: str, members: pd.DataFrame, cluster_to_golden: pd.Series) -> pd.DataFrame:
    """One crosswalk row per source record: where it went and how sure the match was."""
    golden = cluster_to_golden.reindex(members["cluster_id"]).to_numpy()
    sizes = members.groupby("cluster_id")["cluster_id"].transform("size")
    decision = pd.Series("auto_merge", index=members.index)
    decision[sizes == 1] = "singleton"
    if "match_decision" in members.columns:
        decision = members["match_decision"].fillna(decision)
    return pd.DataFrame(
        {
            "entity": entity,
            "source_system": members["source_system"].to_numpy(),
            "source_record_id": members["source_record_id"].to_numpy(),
            "golden_id": golden,
            "match_score": members.get("match_score", pd.Series(1.0, index=members.index)).to_numpy(),
            "match_decision": decision.to_numpy(),
        }
    )
