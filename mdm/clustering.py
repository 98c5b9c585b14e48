"""Clustering that resists chaining: merge auto-merge edges best first, refusing a merge that
would put two records into one cluster that must stay apart (cannot-link constraints).

A cluster may hold at most one valid USCC, one name region (``深圳`` vs ``上海``), one
branch identity (a head office, or one particular branch), one party kind (person or
organisation), one Chinese industry word (``商贸`` vs ``酒业``: two registered names) and one set of
numbers in the name (``ACME (NO 2)`` vs ``ACME (NO 3)``); unknown values never conflict.
Because every accepted cluster satisfies that, a cluster's state is one value per
constraint, and each merge is checked in constant time. Components that are conflict-free
as a whole (the vast majority) are accepted in one vectorised step; only the rest are
merged edge by edge in descending score order (Kruskal).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from mdm.comparators import _CJK_CHAR, FrameColumns, _strip_division_suffix, trusted_name_region


@dataclass
class ClusterResult:
    cluster_index: np.ndarray
    """Per record (positional) the cluster number (0..k-1)."""
    refused_merges: int
    """Auto-merge edges not applied because they would break a cannot-link constraint, or because
    they tie a record to two records that must stay apart (:func:`ambiguous_edges`)."""


def cannot_link_codes(frame: pd.DataFrame | FrameColumns) -> np.ndarray:
    """Per record an int code for each constraint (-1 = unknown): valid USCC, name region, branch
    identity, party kind (a person is never a company), Chinese industry word (a record cut to its
    trade name may join either of two sister companies, but not both), numbers in the name. Pass the comparisons' ``FrameColumns`` to
    reuse what they already derived."""
    cols = frame if isinstance(frame, FrameColumns) else FrameColumns(frame)
    n = len(cols.frame)
    uscc = np.where(cols.values("uscc_status") == "valid", cols.values("uscc"), None)  # type: ignore[call-overload]  # numpy's stubs refuse None, which numpy takes as an object value
    region = cols.derived("trusted_name_region", trusted_name_region)
    is_branch = pd.array(cols.values("name_is_branch"), dtype="boolean")
    branch_region = _strip_division_suffix(cols.values("name_branch_region"))
    branch_word = cols.values("name_branch")
    identity = np.full(n, None, dtype=object)
    known_branch = ~is_branch.isna() & cols.known("name_normalised")
    known_branch = np.asarray(known_branch, dtype=bool)
    flag = is_branch.fillna(False).to_numpy(dtype=bool)
    identity[known_branch & ~flag] = "head_office"
    for i in np.flatnonzero(known_branch & flag):
        identity[i] = f"branch:{branch_region[i] or ''}:{branch_word[i] or ''}"
    party_kind = cols.values("party_kind")
    industry = chinese_industry(cols)
    numbers = name_numbers(cols)
    out = np.empty((n, 6), dtype=np.int64)
    for j, values in enumerate((uscc, region, identity, party_kind, industry, numbers)):
        codes, _ = pd.factorize(pd.Series(values, dtype=object), use_na_sentinel=True)
        out[:, j] = codes
    return out


_NUMBER = re.compile(r"[0-9]+")


def name_numbers(cols: FrameColumns) -> np.ndarray:
    """Per record the numbers its core name carries (``ACME NO 2`` → ``2``, ``21ST CENTURY`` → ``21``),
    ``None`` if it carries none: ``ACME (NO 2)`` and ``ACME (NO 3)`` are two companies even where each
    joins a record written plain ``ACME``."""
    if "name_core" not in cols:
        return np.full(len(cols.frame), None, dtype=object)
    names = cols.uniques("name_core")
    by_name = np.full(len(names) + 1, None, dtype=object)  # code -1 (missing) reads the last entry
    # Most names hold no digit: one vectorised sweep finds the few that do.
    with_digit = np.flatnonzero(
        pd.Series(names, dtype="string").str.contains("[0-9]", regex=True).to_numpy(bool)
    )
    by_name[with_digit] = [" ".join(sorted(set(_NUMBER.findall(str(names[i]))))) for i in with_digit]
    return by_name[cols.codes("name_core")]


def chinese_industry(cols: FrameColumns) -> np.ndarray:
    """Per record the industry word of a Chinese company name (``None`` if absent or not Chinese),
    read without a closing 店 (``便利店`` with no legal form and ``便利`` + ``店`` are one word)."""
    if "name_industry" not in cols:
        return np.full(len(cols.frame), None, dtype=object)
    words = [str(w).removesuffix("店") for w in cols.uniques("name_industry")]
    chinese = np.array([_CJK_CHAR.search(w) is not None for w in words] + [False], dtype=bool)
    codes = cols.codes("name_industry")
    return np.where(chinese[codes], np.array([*words, None], dtype=object)[codes], None)  # type: ignore[return-value]  # numpy's stubs read a three-argument where as the one-argument form


def _find(parent: np.ndarray, x: int) -> int:
    root = x
    while parent[root] != root:
        root = parent[root]
    while parent[x] != root:
        parent[x], x = root, parent[x]
    return root


AMBIGUITY_MARGIN_BITS = 3.0
"""A record torn between two values keeps the one whose best edge is this much stronger."""


def ambiguous_edges(
    left: np.ndarray, right: np.ndarray, score: np.ndarray, constraints: np.ndarray
) -> np.ndarray:
    """Computed edges of a record that would join records which must stay apart.

    A record that says nothing on a constraint (``晖财`` without industry word or credit code)
    and whose edges reach records with two different values of it (晖财商业 and 晖财酒业 at one
    phone) fits either. Unless its best edge to one value is :data:`AMBIGUITY_MARGIN_BITS`
    stronger than to any other, joining one is a coin toss: its edges to those records go to a
    steward instead. A steward's own merges (score above 1) are never ambiguous.
    """
    out = np.zeros(len(left), dtype=bool)
    computed = score <= 1.0
    weight = np.log2(np.clip(score, 1e-300, None)) - np.log2(np.clip(1.0 - score, 1e-300, None))
    for j in range(constraints.shape[1]):
        codes = constraints[:, j]
        cl, cr = codes[left], codes[right]
        where = np.flatnonzero(computed & ((cl < 0) != (cr < 0)))
        if not len(where):
            continue
        edges = pd.DataFrame(
            {
                "bridge": np.where(cl < 0, left, right)[where],
                "value": np.where(cl < 0, cr, cl)[where],
                "weight": weight[where],
            }
        )
        best = edges.groupby(["bridge", "value"])["weight"].max().reset_index()
        torn = best.groupby("bridge")["value"].transform("size") > 1
        if not torn.any():
            continue
        best = best[torn.to_numpy()].sort_values(["bridge", "weight"], ascending=[True, False])
        first = best.groupby("bridge").head(1).set_index("bridge")
        second = best.groupby("bridge").nth(1).set_index("bridge")["weight"]
        clear = first["weight"] >= second.reindex(first.index) + AMBIGUITY_MARGIN_BITS
        kept_value = first["value"].where(clear, -2)
        torn_edge = edges["bridge"].isin(first.index).to_numpy()
        kept = kept_value.reindex(edges["bridge"]).to_numpy()
        out[where[torn_edge & (edges["value"].to_numpy() != kept)]] = True
    return out


def cluster_records(
    n_records: int, left: np.ndarray, right: np.ndarray, score: np.ndarray, constraints: np.ndarray
) -> ClusterResult:
    """Cluster ``n_records`` over the given (auto-merge) edges under ``constraints`` (n × k codes)."""
    if len(left) == 0:
        return ClusterResult(np.arange(n_records), 0)
    left = np.asarray(left, dtype=np.int64)
    right = np.asarray(right, dtype=np.int64)
    score = np.asarray(score, dtype=float)
    keep = ~ambiguous_edges(left, right, score, constraints)
    held_back = int((~keep).sum())
    left, right, score = left[keep], right[keep], score[keep]
    if len(left) == 0:
        return ClusterResult(np.arange(n_records), held_back)
    graph = coo_matrix((np.ones(len(left)), (left, right)), shape=(n_records, n_records))
    _, component = connected_components(graph, directed=False)
    # A component is conflict-free if no constraint has two different known values in it.
    conflicted = np.zeros(component.max() + 1, dtype=bool)
    for j in range(constraints.shape[1]):
        codes = constraints[:, j]
        known = codes >= 0
        distinct = pd.DataFrame({"c": component[known], "v": codes[known]}).groupby("c")["v"].nunique()
        conflicted[distinct.index[distinct.to_numpy() > 1]] = True
    cluster = component.copy()
    edge_conflicted = conflicted[component[left]]
    refused = held_back
    if edge_conflicted.any():
        rows = np.flatnonzero(conflicted[component])
        parent = np.arange(n_records)
        state = constraints.copy()
        order = np.flatnonzero(edge_conflicted)
        order = order[np.argsort(-score[order], kind="stable")]
        for e in order:
            a, b = _find(parent, int(left[e])), _find(parent, int(right[e]))
            if a == b:
                continue
            sa, sb = state[a], state[b]
            if np.any((sa >= 0) & (sb >= 0) & (sa != sb)):
                refused += 1
                continue
            parent[b] = a
            state[a] = np.where(sa >= 0, sa, sb)
        roots = np.array([_find(parent, int(r)) for r in rows])
        # Give the split pieces new cluster numbers beyond the component numbers.
        cluster[rows] = component.max() + 1 + roots
    _, dense = np.unique(cluster, return_inverse=True)
    return ClusterResult(dense.astype(np.int64), refused)


def id_ranks(record_id: pd.Series) -> np.ndarray:
    """Per record the rank of its id among the ids as text (NumPy's string sort, once)."""
    ids = record_id.astype(str).to_numpy(dtype=str)
    rank = np.empty(len(ids), dtype=np.int64)
    rank[np.argsort(ids, kind="stable")] = np.arange(len(ids))
    return rank


def assign_cluster_ids(
    record_id: pd.Series,
    cluster_index: np.ndarray,
    left: np.ndarray,
    right: np.ndarray,
    probability: np.ndarray,
    id_rank: np.ndarray | None = None,
) -> pd.DataFrame:
    """``record_id, cluster_id, match_score``: cluster id = smallest record id in the cluster (stable
    across runs as long as that record stays); match score = best probability of the record's pairs
    inside its cluster, 1.0 for a record alone. ``id_rank`` (:func:`id_ranks`) where already known."""
    ids = record_id.astype(str).to_numpy(dtype=object)
    left = np.asarray(left, dtype=np.int64)
    right = np.asarray(right, dtype=np.int64)
    cluster_index = np.asarray(cluster_index, dtype=np.int64)
    frame = pd.DataFrame({"record_id": pd.Series(ids, dtype=object), "cluster": cluster_index})
    # Smallest id per cluster: rank the ids once, then one integer sort.
    if id_rank is None:
        id_rank = id_ranks(record_id)
    by_cluster = np.lexsort((id_rank, cluster_index))
    is_first = np.ones(len(ids), dtype=bool)
    is_first[1:] = cluster_index[by_cluster][1:] != cluster_index[by_cluster][:-1]
    smallest = np.empty(int(cluster_index.max()) + 1 if len(ids) else 0, dtype=object)
    smallest[cluster_index[by_cluster][is_first]] = ids[by_cluster][is_first]
    frame["cluster_id"] = smallest[cluster_index]
    same = cluster_index[left] == cluster_index[right]
    ends = np.r_[left[same], right[same]]
    probs = np.r_[probability[same], probability[same]]
    best = pd.Series(probs).groupby(ends).max()
    score = np.ones(len(ids))
    score[best.index.to_numpy()] = best.to_numpy()
    frame["match_score"] = np.round(score, 6)
    return frame[["record_id", "cluster_id", "match_score"]]
