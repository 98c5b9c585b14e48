"""Product crosswalk: every source system's product code → one master SKU.

Channels carry their own codes for one product. Records are linked in three passes, strongest first:
the same valid GTIN, then the same normalised code (``ab-１２３`` = ``AB-123``), then a fuzzy score on
brand + name + spec among blocked candidates. A link is refused when it would give one master two
different codes of the same source system (a source's codes are its own keys) or join two different
valid GTINs. Every link keeps its method, score and a sentence explaining it; fuzzy pairs in the
review band are listed for a steward instead of being merged.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

from mdm.product_features import models_agree, prepare_products

AUTO_MERGE = 0.90
REVIEW = 0.75
MAX_BLOCK = 300
"""Blocks bigger than this (a brand with thousands of products) are not compared pair by pair..."""
NEIGHBOURS = 30
"""...but each of their records with the records next to it in name order: this many on either side."""
_WEIGHTS = {"name": 0.55, "brand": 0.15, "spec": 0.30}


@dataclass(frozen=True)
class Thresholds:
    auto_merge: float = AUTO_MERGE
    review: float = REVIEW


@dataclass
class ProductMatchResult:
    """``crosswalk``: one row per source record (source_system, source_code → sku_code, cluster,
    match_method, match_score, explanation). ``review``: fuzzy pairs in the review band with both sides' values."""

    crosswalk: pd.DataFrame
    review: pd.DataFrame
    records: pd.DataFrame = field(repr=False)
    refused_decisions: list[str] = field(default_factory=list)
    """Steward ``match`` decisions that could not be applied, each with the reason."""


class _Clusters:
    """Union-find that refuses a union giving one cluster two codes of one source system or two GTINs."""

    def __init__(self, records: pd.DataFrame) -> None:
        self.parent = list(range(len(records)))
        self.apart: list[tuple[int, int]] = []
        """Record pairs a steward said are different products: never in one cluster."""
        systems, codes = (records[c].to_numpy(dtype=object) for c in ("source_system", "code"))
        self.codes = [{s: c} for s, c in zip(systems, codes, strict=True)]
        self.gtins = [{g} if isinstance(g, str) else set() for g in records["gtin14"].to_numpy(dtype=object)]

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, i: int, j: int) -> bool:
        a, b = self.find(i), self.find(j)
        if a == b:
            return True
        if len(self.gtins[a] | self.gtins[b]) > 1:
            return False
        if any(self.codes[b].get(s, c) != c for s, c in self.codes[a].items()):
            return False
        if any({self.find(x), self.find(y)} == {a, b} for x, y in self.apart):
            return False
        self.parent[b] = a
        self.codes[a].update(self.codes[b])
        self.gtins[a] |= self.gtins[b]
        return True


def _group_pairs(keys: pd.Series) -> list[tuple[int, int]]:
    """(first, other) positions for every record sharing a non-empty key with an earlier one, group by
    group in the order the keys first appear."""
    present = np.flatnonzero((keys.notna() & (keys.astype(str) != "")).to_numpy(dtype=bool))
    codes, _ = pd.factorize(keys.to_numpy(dtype=object)[present])
    order = np.argsort(codes, kind="stable")  # records carry a RangeIndex: positions are labels
    codes, rows = codes[order], present[order]
    starts = np.r_[True, codes[1:] != codes[:-1]] if len(codes) else np.zeros(0, dtype=bool)
    first = rows[starts][np.cumsum(starts) - 1]
    return list(zip(first[~starts].tolist(), rows[~starts].tolist(), strict=True))


def _block_keys(records: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """(block, record) memberships: same brand and net content, same brand and name, or a shared model code."""
    blocks: list[str] = []
    members: list[int] = []
    for i, (brand, net, family, models, core) in enumerate(
        zip(
            *(
                records[c].to_numpy(dtype=object)  # plain arrays: iterating Arrow-backed text is slow
                for c in ("brand", "net_content", "family", "models", "name_core")
            ),
            strict=True,
        )
    ):
        if brand:
            spec_key = f"{family}:{net:g}" if isinstance(family, str) and net == net else "?"
            blocks.append(f"b:{brand}|{spec_key}")
            members.append(i)
            if core:  # the same name, whatever the spec says (or whether it says anything)
                blocks.append(f"n:{brand}|{core.replace(' ', '')}")
                members.append(i)
        for model in models:
            if len(model) >= 4:
                blocks.append(f"m:{model}")
                members.append(i)
    codes, _ = pd.factorize(pd.Series(blocks, dtype=object))
    return codes.astype(np.int64), np.asarray(members, dtype=np.int64)


def candidate_pair_arrays(records: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Blocked pairs from different source systems as two position arrays (left < right), each pair once.

    A block bigger than ``MAX_BLOCK`` (a brand with thousands of products in one net content) is not
    compared pair by pair: its records are sorted by name and each is paired with its ``NEIGHBOURS``
    nearest on either side, so the records of one product (their names alike) still meet, at a fixed
    cost per record.
    """
    block, member = _block_keys(records)
    empty = np.zeros(0, dtype=np.int64)
    if len(block) == 0:
        return empty, empty
    order = np.lexsort((member, block))
    block, member = block[order], member[order]
    starts = np.flatnonzero(np.r_[True, block[1:] != block[:-1]])
    sizes = np.diff(np.r_[starts, len(block)])
    systems, _ = pd.factorize(records["source_system"])
    lefts, rights = [], []
    for size in np.unique(sizes[(sizes >= 2) & (sizes <= MAX_BLOCK)]):
        first = starts[sizes == size]  # every block of this size at once
        a, b = np.triu_indices(int(size), k=1)
        left = member[(first[:, None] + a[None, :]).ravel()]
        right = member[(first[:, None] + b[None, :]).ravel()]
        keep = systems[left] != systems[right]
        lefts.append(left[keep])
        rights.append(right[keep])
    big = np.repeat(sizes > MAX_BLOCK, sizes)
    if big.any():
        name_rank, _ = pd.factorize(records["name_core"], sort=True)
        in_block, record = block[big], member[big]
        by_name = np.lexsort((record, name_rank[record], in_block))
        in_block, record = in_block[by_name], record[by_name]
        for step in range(1, NEIGHBOURS + 1):
            same = in_block[step:] == in_block[:-step]
            one, other = record[:-step][same], record[step:][same]
            keep = systems[one] != systems[other]
            lefts.append(np.minimum(one, other)[keep])
            rights.append(np.maximum(one, other)[keep])
    if not lefts:
        return empty, empty
    left, right = np.concatenate(lefts), np.concatenate(rights)
    pair = np.sort(left * len(records) + right)  # sorted, as (left, right) pairs
    unique = pair[np.r_[True, pair[1:] != pair[:-1]]] if len(pair) else pair
    return unique // len(records), unique % len(records)


def candidate_pairs(records: pd.DataFrame) -> list[tuple[int, int]]:
    """Blocked pairs from different source systems: same brand and net content, same brand and name, or a
    shared model code."""
    left, right = candidate_pair_arrays(records)
    return list(zip(left.tolist(), right.tolist(), strict=True))


def _spec_score(a: Mapping[str, Any], b: Mapping[str, Any]) -> tuple[float | None, str]:
    """Spec agreement 0–1, or None when neither side has a readable spec (nothing to weigh)."""
    known_a, known_b = isinstance(a["family"], str), isinstance(b["family"], str)
    if not known_a and not known_b:
        return None, "no spec on either side"
    if not known_a or not known_b:
        return 0.5, "spec unknown on one side"
    if a["family"] != b["family"] or abs(a["net_content"] - b["net_content"]) > 1e-6:
        return (
            0.0,
            f"net content differs ({a['net_content']:g} vs {b['net_content']:g} {a['family']}/{b['family']})",
        )
    pa, pb = a["units_per_case"], b["units_per_case"]
    if pa == pa and pb == pb and pa != pb:
        return 0.2, f"same net content, pack differs ({pa:g} vs {pb:g})"
    return 1.0, f"net content {a['net_content']:g} {a['family']} agrees"


def _name_agreement(a: Mapping[str, Any], b: Mapping[str, Any]) -> tuple[float, frozenset[str]]:
    """Name similarity rescaled so that only close names count: 50% similar or less scores 0.

    A modifier (含气, 无糖, 原味) is a different product, so a name that is 80% the same must not
    score 0.8. A model code both names carry (``EZXS88W``) decides; two different ones veto.
    """
    similarity = fuzz.token_set_ratio(a["name_core"], b["name_core"]) / 100
    models = models_agree(a["models"], b["models"])
    if models:
        return max(similarity, 0.98), frozenset(models)
    if a["models"] and b["models"]:
        return 0.0, frozenset()  # both name a model and none agrees: different models
    return max(0.0, (similarity - 0.5) / 0.5), frozenset()


def score_pair(a: Mapping[str, Any], b: Mapping[str, Any]) -> tuple[float, str]:
    """A 0–1 score and the sentence explaining it (name, brand and spec parts with their weights)."""
    name, models = _name_agreement(a, b)
    brand = 1.0 if a["brand"] and a["brand"] == b["brand"] else 0.0
    spec, spec_text = _spec_score(a, b)
    weights = dict(_WEIGHTS)
    if spec is None:  # nothing to compare: the name carries the spec's weight
        weights["name"] += weights.pop("spec")
    score = weights["name"] * name + weights["brand"] * brand + weights.get("spec", 0) * (spec or 0)
    if spec == 0.0:
        score = min(score, REVIEW - 0.01)  # a different net content is a different product
    explanation = (
        f"name {name:.2f}×{weights['name']:.2f}"
        + (f" (model {', '.join(sorted(models))})" if models else "")
        + f"; brand {'agrees' if brand else 'differs'} ×{weights['brand']:.2f}; {spec_text}"
        + (f" ×{weights['spec']:.2f}" if "spec" in weights else "")
    )
    return round(score, 4), explanation


def _spec_scores(records: pd.DataFrame, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """:func:`_spec_score` for many pairs at once; NaN where neither side has a readable spec."""
    family, _ = pd.factorize(records["family"], use_na_sentinel=True)
    net = records["net_content"].to_numpy(dtype=float)
    pack = records["units_per_case"].to_numpy(dtype=float)
    known_a, known_b = family[left] >= 0, family[right] >= 0
    spec = np.ones(len(left))
    differs = (family[left] != family[right]) | (np.abs(net[left] - net[right]) > 1e-6)
    pack_differs = ~np.isnan(pack[left]) & ~np.isnan(pack[right]) & (pack[left] != pack[right])
    spec[pack_differs] = 0.2
    spec[differs] = 0.0
    spec[known_a != known_b] = 0.5
    spec[~known_a & ~known_b] = np.nan
    return spec


def _pair_scores(records: pd.DataFrame, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """The score :func:`score_pair` gives each pair, for many pairs at once (without the explanation).

    A pair whose brand and spec leave it below the review band even with equal names is not scored
    further; the name similarity is computed once per distinct pair of names, in vectorised batches.
    """
    out = np.zeros(len(left))
    if len(left) == 0:
        return out
    brands = records["brand"].to_numpy(dtype=object)
    brand = ((brands[left] == brands[right]) & (brands[left] != "")).astype(float)
    spec = _spec_scores(records, left, right)
    no_spec = np.isnan(spec)
    name_weight = np.where(no_spec, _WEIGHTS["name"] + _WEIGHTS["spec"], _WEIGHTS["name"])
    rest = _WEIGHTS["brand"] * brand + np.where(no_spec, 0.0, _WEIGHTS["spec"] * np.nan_to_num(spec))
    reach = (spec != 0.0) & (name_weight + rest >= REVIEW - 1e-9)  # a different net content stays below
    idx = np.flatnonzero(reach)
    name = _name_scores(records, left[idx], right[idx], (REVIEW - rest[idx]) / name_weight[idx])
    spec_weight = np.where(no_spec, 0.0, _WEIGHTS["spec"])[idx]
    # the same operations in the same order as score_pair, so that both round to the same value
    out[idx] = (
        name_weight[idx] * name + _WEIGHTS["brand"] * brand[idx] + spec_weight * np.nan_to_num(spec[idx])
    )
    return out


def _name_scores(
    records: pd.DataFrame, left: np.ndarray, right: np.ndarray, needed: np.ndarray
) -> np.ndarray:
    """:func:`_name_agreement` for many pairs; a similarity below what the pair ``needed`` may read 0."""
    codes, names = pd.factorize(records["name_core"])
    a, b = np.minimum(codes[left], codes[right]), np.maximum(codes[left], codes[right])
    inverse, distinct = pd.factorize(a * len(names) + b)
    cutoff = max(0.0, 50 + 50 * float(needed.min()) - 1) if len(needed) else 0.0
    similarity = np.zeros(len(distinct))
    for start in range(0, len(distinct), 200_000):  # batches keep the name lists small
        part = distinct[start : start + 200_000]
        similarity[start : start + len(part)] = process.cpdist(
            names[part // len(names)].tolist(),
            names[part % len(names)].tolist(),
            scorer=fuzz.token_set_ratio,
            score_cutoff=cutoff,
            dtype=np.float64,
        )
    name = np.maximum(0.0, (similarity[inverse.ravel()] / 100 - 0.5) / 0.5)
    models = records["models"].to_numpy(dtype=object)
    has_models = np.array([bool(m) for m in models], dtype=bool)
    for k in np.flatnonzero(has_models[left] & has_models[right]):  # both names carry a model: it decides
        i, j = left[k], right[k]
        agree = models_agree(models[i], models[j])
        close = fuzz.token_set_ratio(names[codes[i]], names[codes[j]]) / 100 if agree else 0.0
        name[k] = max(close, 0.98) if agree else 0.0
    return name


def _decided_pairs(records: pd.DataFrame, decisions: pd.DataFrame | None) -> list[tuple[int, int, bool]]:
    """Steward decisions as record positions (every record carrying each side's code)."""
    if decisions is None or decisions.empty:
        return []
    position: dict[tuple[str, str], list[int]] = {}
    for i, key in enumerate(zip(records["source_system"], records["source_code"].astype(str), strict=True)):
        position.setdefault(key, []).append(i)
    pairs: list[tuple[int, int, bool]] = []
    for row in decisions.itertuples(index=False):
        left = position.get((str(row.left_source_system), str(row.left_source_code)), [])
        right = position.get((str(row.right_source_system), str(row.right_source_code)), [])
        pairs.extend((i, j, bool(row.is_match)) for i in left for j in right)
    return pairs


def match_products(
    products: pd.DataFrame,
    trust_ranks: dict[str, int] | None = None,
    thresholds: Thresholds | None = None,
    decisions: pd.DataFrame | None = None,
) -> ProductMatchResult:
    """Link product records across sources and choose each cluster's master SKU code.

    The master code is the code of the most trusted source in the cluster (lowest ``trust_ranks``),
    so a product keeps its ERP code and a channel's legacy code maps onto it. ``decisions`` (from the
    review workbook: left/right source system and code, ``is_match``) come first: a steward's match is
    linked, a steward's no-match is never linked, and neither pair is listed for review again.
    """
    thresholds = thresholds or Thresholds()
    records = prepare_products(products)
    clusters = _Clusters(records)
    method = np.full(len(records), "singleton", dtype=object)
    score = np.ones(len(records))
    why = np.full(len(records), "", dtype=object)
    decided = _decided_pairs(records, decisions)
    clusters.apart = [(i, j) for i, j, same in decided if not same]
    refused: list[str] = []
    who = np.array(
        [
            f"{s}:{c}"
            for s, c in zip(
                records["source_system"].to_numpy(dtype=object),
                records["source_code"].to_numpy(dtype=object),
                strict=True,
            )
        ],
        dtype=object,
    )
    for i, j, same in decided:
        if same and not clusters.union(i, j):
            refused.append(
                f"match of {who[i]} and {who[j]} not applied: it would give one product "
                "two codes of one source system, two different GTINs, or join a pair decided as no_match"
            )
        elif same:
            for k, other in ((i, j), (j, i)):
                method[k] = "steward"
                why[k] = f"steward decision: same product as {who[other]}"
    decided_keys = {frozenset((i, j)) for i, j, _ in decided}
    for key, label in (("gtin14", "gtin"), ("code", "code")):
        for i, j in _group_pairs(records[key]):
            if clusters.union(i, j):
                for k in (i, j):
                    if method[k] == "singleton":
                        method[k], why[k] = (
                            label,
                            f"same {label.upper() if label == 'gtin' else 'normalised code'} as {who[i if k == j else j]}",
                        )
    columns = {c: records[c].to_numpy(dtype=object) for c in records.columns}
    left, right = candidate_pair_arrays(records)
    roots = np.array([clusters.find(i) for i in range(len(records))], dtype=np.int64)
    apart = roots[left] != roots[right]
    left, right = left[apart], right[apart]
    raw = _pair_scores(records, left, right)
    near = raw >= thresholds.review - 1e-4  # only these can round into the band
    left, right = left[near], right[near]
    values = np.array([round(v, 4) for v in raw[near].tolist()], dtype=float)
    kept = values >= thresholds.review
    left, right, values = left[kept], right[kept], values[kept]
    # equal scores: the closer plain spelling wins (天然矿泉水 before 天然矿泉水(新))
    closeness = (
        process.cpdist(
            columns["name_core"][left].tolist(),
            columns["name_core"][right].tolist(),
            scorer=fuzz.ratio,
            dtype=np.float64,
        )
        if len(left)
        else np.zeros(0)
    )
    order = np.lexsort((right, left, -closeness, -values))

    def explain(i: int, j: int) -> str:
        return score_pair(_row(columns, i), _row(columns, j))[1]

    candidates = []
    for value, i, j in zip(values[order].tolist(), left[order].tolist(), right[order].tolist(), strict=True):
        if value >= thresholds.auto_merge and clusters.union(i, j):
            text = explain(i, j)
            for k, other in ((i, j), (j, i)):
                if method[k] == "singleton":
                    method[k], score[k] = "fuzzy", value
                    why[k] = f"{text} vs {who[other]}"
        elif frozenset((i, j)) not in decided_keys:
            candidates.append((value, i, j))
    review_pairs, asked = [], set()
    for value, i, j in candidates:  # best pair per two final clusters, once
        pair = frozenset((clusters.find(i), clusters.find(j)))
        if len(pair) == 2 and pair not in asked:
            asked.add(pair)
            review_pairs.append((value, i, j, explain(i, j)))
    return ProductMatchResult(
        _crosswalk(records, clusters, method, score, why, trust_ranks or {}),
        _review_frame(products, records, review_pairs),
        records,
        refused,
    )


REVIEW_COLUMNS = [
    "match_score", "explanation",
    "left_source_system", "left_source_code", "left_product_name", "left_brand", "left_spec", "left_gtin",
    "right_source_system", "right_source_code", "right_product_name", "right_brand", "right_spec", "right_gtin",
]  # fmt: skip


def _review_frame(
    products: pd.DataFrame, records: pd.DataFrame, pairs: list[tuple[float, int, int, str]]
) -> pd.DataFrame:
    """One row per review pair: score, explanation and both sides' source values."""
    out = pd.DataFrame(
        {"match_score": [p[0] for p in pairs], "explanation": [p[3] for p in pairs]}, dtype=object
    )
    for side, positions in (("left", [p[1] for p in pairs]), ("right", [p[2] for p in pairs])):
        out[f"{side}_source_system"] = records["source_system"].to_numpy(dtype=object)[positions]
        out[f"{side}_source_code"] = records["source_code"].to_numpy(dtype=object)[positions]
        for column in ("product_name", "brand", "spec", "gtin"):
            values = (
                products[column].to_numpy(dtype=object)[positions]
                if column in products.columns
                else [None] * len(positions)
            )
            out[f"{side}_{column}"] = values
    out["match_score"] = out["match_score"].astype(float)
    return out[REVIEW_COLUMNS]


def _row(columns: Mapping[str, np.ndarray], i: int) -> dict[str, Any]:
    return {c: values[i] for c, values in columns.items()}


def _crosswalk(
    records: pd.DataFrame,
    clusters: _Clusters,
    method: np.ndarray,
    score: np.ndarray,
    why: np.ndarray,
    trust_ranks: dict[str, int],
) -> pd.DataFrame:
    roots = np.array([clusters.find(i) for i in range(len(records))])
    rank = records["source_system"].map(trust_ranks).fillna(99).to_numpy()
    order = pd.DataFrame(
        {"root": roots, "rank": rank, "code": records["code"], "pos": np.arange(len(records))}
    )
    order = order[order["code"].notna()].sort_values(["root", "rank", "pos"])
    chosen = order.drop_duplicates("root")
    master = chosen.set_index("root")["code"]
    out = records[["source_system", "source_code"]].copy()
    out["sku_code"] = pd.Series(roots).map(master).to_numpy()
    is_master = np.zeros(len(records), dtype=bool)
    is_master[chosen["pos"].to_numpy()] = True
    out["match_method"] = np.where(is_master, "master", method)
    out["cluster"] = roots
    out["match_score"] = score
    out["explanation"] = np.where(out["match_method"] == "master", "master record", why)
    return out
