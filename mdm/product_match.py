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
from rapidfuzz import fuzz

from mdm.product_features import models_agree, prepare_products

AUTO_MERGE = 0.90
REVIEW = 0.75
MAX_BLOCK = 300
"""Blocks bigger than this (a brand with thousands of products) are not compared pair by pair."""
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
        self.codes = [{s: c} for s, c in zip(records["source_system"], records["code"], strict=True)]
        self.gtins = [{g} if isinstance(g, str) else set() for g in records["gtin14"]]

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
    """(first, other) positions for every record sharing a non-empty key with an earlier one."""
    present = keys[keys.notna() & (keys.astype(str) != "")]
    pairs: list[tuple[int, int]] = []
    labels = present.index.to_numpy()
    for positions in present.groupby(present, sort=False).indices.values():
        rows = labels[positions]  # records carry a RangeIndex: labels are positions
        pairs.extend((int(rows[0]), int(p)) for p in rows[1:])
    return pairs


def candidate_pairs(records: pd.DataFrame) -> list[tuple[int, int]]:
    """Blocked pairs from different source systems: same brand and net content, same brand and name, or a
    shared model code."""
    keys: dict[str, list[int]] = {}
    for i, (brand, net, family, models, core) in enumerate(
        zip(
            records["brand"],
            records["net_content"],
            records["family"],
            records["models"],
            records["name_core"],
            strict=True,
        )
    ):
        if brand:
            spec_key = f"{family}:{net:g}" if isinstance(family, str) and net == net else "?"
            keys.setdefault(f"b:{brand}|{spec_key}", []).append(i)
            if core:  # the same name, whatever the spec says (or whether it says anything)
                keys.setdefault(f"n:{brand}|{core.replace(' ', '')}", []).append(i)
        for model in models:
            if len(model) >= 4:
                keys.setdefault(f"m:{model}", []).append(i)
    systems = records["source_system"].to_numpy()
    pairs: set[tuple[int, int]] = set()
    for members in keys.values():
        if len(members) < 2 or len(members) > MAX_BLOCK:
            continue
        for x, i in enumerate(members):
            for j in members[x + 1 :]:
                if systems[i] != systems[j]:
                    pairs.add((i, j))
    return sorted(pairs)


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
    for i, j, same in decided:
        if same and not clusters.union(i, j):
            refused.append(
                f"match of {records['source_system'][i]}:{records['source_code'][i]} and "
                f"{records['source_system'][j]}:{records['source_code'][j]} not applied: it would give one product "
                "two codes of one source system, two different GTINs, or join a pair decided as no_match"
            )
        elif same:
            for k, other in ((i, j), (j, i)):
                method[k] = "steward"
                why[k] = (
                    f"steward decision: same product as {records['source_system'][other]}:{records['source_code'][other]}"
                )
    decided_keys = {frozenset((i, j)) for i, j, _ in decided}
    for key, label in (("gtin14", "gtin"), ("code", "code")):
        for i, j in _group_pairs(records[key]):
            if clusters.union(i, j):
                for k in (i, j):
                    if method[k] == "singleton":
                        method[k], why[k] = (
                            label,
                            f"same {label.upper() if label == 'gtin' else 'normalised code'} as {records['source_system'][i if k == j else j]}:{records['source_code'][i if k == j else j]}",
                        )
    scored = []
    rows = records.to_dict("records")  # plain dicts: a pandas row per pair would cost more than the score
    for i, j in candidate_pairs(records):
        if clusters.find(i) == clusters.find(j):
            continue
        value, text = score_pair(rows[i], rows[j])
        if value >= thresholds.review:
            # equal scores: the closer plain spelling wins (天然矿泉水 before 天然矿泉水(新))
            closeness = fuzz.ratio(rows[i]["name_core"], rows[j]["name_core"])
            scored.append((value, closeness, i, j, text))
    candidates = []
    for value, _, i, j, text in sorted(scored, key=lambda t: (-t[0], -t[1], t[2], t[3])):
        if value >= thresholds.auto_merge and clusters.union(i, j):
            for k, other in ((i, j), (j, i)):
                if method[k] == "singleton":
                    method[k], score[k] = "fuzzy", value
                    why[k] = f"{text} vs {records['source_system'][other]}:{records['source_code'][other]}"
        elif frozenset((i, j)) not in decided_keys:
            candidates.append((value, i, j, text))
    review_rows, asked = [], set()
    for value, i, j, text in candidates:  # best pair per two final clusters, once
        pair = frozenset((clusters.find(i), clusters.find(j)))
        if len(pair) == 2 and pair not in asked:
            asked.add(pair)
            review_rows.append(_review_row(products, records, i, j, value, text))
    return ProductMatchResult(
        _crosswalk(records, clusters, method, score, why, trust_ranks or {}),
        pd.DataFrame(review_rows, columns=REVIEW_COLUMNS),
        records,
        refused,
    )


REVIEW_COLUMNS = [
    "match_score", "explanation",
    "left_source_system", "left_source_code", "left_product_name", "left_brand", "left_spec", "left_gtin",
    "right_source_system", "right_source_code", "right_product_name", "right_brand", "right_spec", "right_gtin",
]  # fmt: skip


def _review_row(
    products: pd.DataFrame, records: pd.DataFrame, i: int, j: int, value: float, text: str
) -> dict:
    row: dict = {"match_score": value, "explanation": text}
    for side, k in (("left", i), ("right", j)):
        source = products.iloc[k]
        row[f"{side}_source_system"] = records["source_system"][k]
        row[f"{side}_source_code"] = records["source_code"][k]
        for column in ("product_name", "brand", "spec", "gtin"):
            row[f"{side}_{column}"] = source.get(column)
    return row


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
