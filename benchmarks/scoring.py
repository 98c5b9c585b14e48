"""Scoring of deduplication results against known truth, shared by every dedupe benchmark.

Clusters are scored pairwise (a pair of records is a true pair when both carry the same true
entity), by B-cubed and by exact clusters; blocking is scored by pair completeness, the share of
true pairs among the candidate pairs it generated (Papadakis et al.).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components


def count_pairs_in_groups(sizes: np.ndarray) -> float:
    """Number of record pairs inside groups of the given sizes."""
    sizes = np.asarray(sizes, dtype=np.float64)
    return float((sizes * (sizes - 1) / 2).sum())


def count_true_pairs(truth: np.ndarray) -> int:
    """Number of record pairs that share a true entity label."""
    return int(count_pairs_in_groups(pd.Series(truth).value_counts().to_numpy()))


def records_touched(left_ids: pd.Series, right_ids: pd.Series) -> int:
    """How many distinct records the pairs (``left_ids[i]``, ``right_ids[i]``) hold: the records a steward
    meets in a review band."""
    return int(pd.concat([left_ids, right_ids]).nunique())


def f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def score_pairwise(predicted: np.ndarray, truth: np.ndarray) -> dict[str, float]:
    """Pairwise precision, recall and F1 of predicted cluster labels against true entity labels."""
    frame = pd.DataFrame({"p": pd.factorize(predicted)[0], "t": pd.factorize(truth)[0]})
    tp = count_pairs_in_groups(frame.groupby(["p", "t"]).size().to_numpy())
    precision = tp / max(count_pairs_in_groups(frame.groupby("p").size().to_numpy()), 1)
    recall = tp / max(count_pairs_in_groups(frame.groupby("t").size().to_numpy()), 1)
    return {"pair_precision": precision, "pair_recall": recall, "pair_f1": f1(precision, recall)}


def score_clusters(predicted: np.ndarray, truth: np.ndarray, kinds: pd.Series | None = None) -> dict:
    """Pairwise, B-cubed and exact-cluster figures for predicted vs true cluster labels per record.

    ``kinds`` (optional, ``;``-separated variant kinds per record, as the generator writes them)
    adds ``recall_by_kind``: of the true mates of records carrying a kind, the share in its cluster.
    """
    frame = pd.DataFrame({"p": pd.factorize(predicted)[0], "t": pd.factorize(truth)[0]})
    cell = frame.groupby(["p", "t"]).size()
    p_size = frame.groupby("p").size()
    t_size = frame.groupby("t").size()
    cell_of = cell.reindex(pd.MultiIndex.from_frame(frame[["p", "t"]])).to_numpy()
    p_of = p_size.reindex(frame["p"]).to_numpy()
    t_of = t_size.reindex(frame["t"]).to_numpy()
    b_precision = float(np.mean(cell_of / p_of))
    b_recall = float(np.mean(cell_of / t_of))
    exact = (cell_of == p_of) & (cell_of == t_of)
    exact_share = float(pd.Series(exact).groupby(frame["t"]).all().mean())
    by_kind: dict[str, tuple[float, int]] = {}
    if kinds is not None:
        found = cell_of - 1
        mates = t_of - 1
        exploded = kinds.reset_index(drop=True).fillna("").str.split(";").explode()
        exploded = exploded[exploded != ""]
        for kind, idx in exploded.groupby(exploded).groups.items():
            rows = np.asarray(idx)
            denominator = mates[rows].sum()
            if denominator:
                by_kind[str(kind)] = (float(found[rows].sum() / denominator), int(len(rows)))
    return {
        **score_pairwise(predicted, truth),
        "bcubed_precision": b_precision,
        "bcubed_recall": b_recall,
        "bcubed_f1": f1(b_precision, b_recall),
        "exact_clusters": exact_share,
        "recall_by_kind": by_kind,
    }


def pair_completeness(
    left: np.ndarray, right: np.ndarray, truth: np.ndarray, name_group: np.ndarray | None = None
) -> float:
    """Share of the true pairs found among candidate pairs (``left[i]``, ``right[i]``: row positions).

    Candidate pairs are counted once each whatever their order or repetition. With ``name_group``
    (per record the first record of its full name, ``mdm.blocking.name_groups``) a true pair is
    also found when its two records carry one name, or when a candidate pair joins a record of
    each of their two names: the engine compares one record per name and lets the same-name
    pairs carry the rest.
    """
    true_pairs = count_true_pairs(truth)
    if not true_pairs:
        return float("nan")
    labels = pd.factorize(truth)[0]
    if name_group is not None:
        from mdm.blocking import CandidatePairs

        candidates = CandidatePairs(
            np.asarray(left, dtype=np.int64), np.asarray(right, dtype=np.int64), [], name_group=name_group
        )
        return candidates.offered_in_clusters(labels)
    low = np.minimum(left, right).astype(np.int64)
    high = np.maximum(left, right).astype(np.int64)
    keep = (low != high) & (labels[low] == labels[high])
    found = np.unique(low[keep] * (len(labels) + 1) + high[keep])
    return len(found) / true_pairs


def pair_completeness_through_chains(
    left: np.ndarray, right: np.ndarray, truth: np.ndarray, name_group: np.ndarray | None = None
) -> float:
    """Share of the true pairs whose two records candidate pairs join through records of the same entity
    (A–B and B–C offered: A–C is reached). Clustering closes such chains, so this is what blocking leaves
    a match to find; :func:`pair_completeness` counts the offered pairs alone, which on an entity of
    hundreds of records (a patent applicant written 300 ways) no blocking within a per-record budget
    offers in full. With ``name_group`` two records of one name are joined too."""
    true_pairs = count_true_pairs(truth)
    if not true_pairs:
        return float("nan")
    labels = pd.factorize(truth)[0]
    n = len(labels)
    left, right = np.asarray(left, dtype=np.int64), np.asarray(right, dtype=np.int64)
    if name_group is not None:
        # Each record joined to the first record of its name within its entity (a name two entities hold
        # joins neither to the other).
        unit = pd.factorize(np.asarray(name_group, dtype=np.int64) * (labels.max() + 1) + labels)[0]
        first = np.full(unit.max() + 1, n, dtype=np.int64)
        np.minimum.at(first, unit, np.arange(n))
        left = np.concatenate([left, np.arange(n)])
        right = np.concatenate([right, first[unit]])
    inside = (left != right) & (labels[left] == labels[right])
    graph = coo_matrix((np.ones(int(inside.sum())), (left[inside], right[inside])), shape=(n, n))
    _, component = connected_components(graph, directed=False)
    # Components never cross entities (every edge is inside one), so each is a part of one entity.
    reached = count_pairs_in_groups(np.bincount(component))
    return float(reached / true_pairs)
