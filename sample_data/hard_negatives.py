"""Hard negatives: different real-world entities that look like duplicates.

A 分公司 has its own USCC and is a child of its head office; companies in different cities may
share a trade name; a subsidiary often shares its parent's phone and website; two people may
share a name. Matchers must keep them apart, so each pair is written to ``relations.csv``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sample_data import vocab

RELATION_COLUMNS = ["entity", "true_entity_id_a", "true_entity_id_b", "relation"]


def _pick_pairs(
    rng: np.random.Generator, n: int, count: int, taken: np.ndarray, eligible: np.ndarray
) -> tuple:
    """``count`` disjoint (anchor, copy) row pairs not already used; anchors come from ``eligible``."""
    free = np.flatnonzero(~taken)
    anchors_pool = np.intersect1d(free, np.flatnonzero(eligible))
    count = min(count, len(anchors_pool) // 2, len(free) // 2)
    if count <= 0:
        return np.array([], int), np.array([], int)
    anchors = rng.choice(anchors_pool, size=count, replace=False)
    rest = np.setdiff1d(free, anchors)
    copies = rng.choice(rest, size=count, replace=False)
    taken[anchors] = True
    taken[copies] = True
    return anchors, copies


def add_company_hard_negatives(
    rng: np.random.Generator, entities: pd.DataFrame, entity: str, with_subsidiaries: bool
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Turn a few entities into branches, same-trade-name companies in other cities and
    subsidiaries of others; return the entities and the relations between them."""
    e = entities.copy()
    n = len(e)
    taken = np.zeros(n, dtype=bool)
    company_form = e["legal_form"].isin(vocab.COMPANY_LEGAL_FORMS).to_numpy()
    relations: list[pd.DataFrame] = []
    ids = e["true_entity_id"].to_numpy()
    copied = [
        "trade_name",
        "trade_pinyin",
        "industry",
        "legal_form",
        "region_style",
        "name_city",
        "name_city_short",
        "name_district",
    ]

    parents, branches = _pick_pairs(rng, n, int(round(n * 0.03)), taken, company_form)
    for col in copied:
        e.iloc[branches, e.columns.get_loc(col)] = e[col].to_numpy()[parents]
    words = np.array(vocab.BRANCH_WORDS, dtype=object)[rng.choice(3, len(branches), p=[0.7, 0.2, 0.1])]
    same_city = e["city"].to_numpy()[branches] == e["name_city"].to_numpy()[branches]
    place = np.where(
        same_city, e["district"].str[:-1].to_numpy()[branches], e["city_short"].to_numpy()[branches]
    )
    e.iloc[branches, e.columns.get_loc("branch")] = place + words
    e.iloc[branches, e.columns.get_loc("parent_entity_id")] = ids[parents]
    for col in ("partner_type", "channel_tier"):
        if col in e:
            e.iloc[branches, e.columns.get_loc(col)] = e[col].to_numpy()[parents]
    relations.append(
        pd.DataFrame(
            {"true_entity_id_a": ids[branches], "true_entity_id_b": ids[parents], "relation": "branch_of"}
        )
    )

    anchors, others = _pick_pairs(rng, n, int(round(n * 0.03)), taken, company_form)
    other_city = e["city"].to_numpy()[others] != e["city"].to_numpy()[anchors]
    anchors, others = anchors[other_city], others[other_city]
    style = np.where(rng.random(len(anchors)) < 0.7, "leading_full", "leading_short")
    for col in ("trade_name", "trade_pinyin", "industry", "legal_form"):
        e.iloc[others, e.columns.get_loc(col)] = e[col].to_numpy()[anchors]
    e.iloc[anchors, e.columns.get_loc("region_style")] = style
    e.iloc[others, e.columns.get_loc("region_style")] = style
    relations.append(
        pd.DataFrame(
            {
                "true_entity_id_a": ids[others],
                "true_entity_id_b": ids[anchors],
                "relation": "same_trade_name_other_city",
            }
        )
    )

    if with_subsidiaries:
        parents, subs = _pick_pairs(rng, n, int(round(n * 0.02)), taken, company_form)
        for col in (
            "trade_name",
            "trade_pinyin",
            "region_style",
            "name_city",
            "name_city_short",
            "name_district",
            "phone",
            "email",
        ):
            e.iloc[subs, e.columns.get_loc(col)] = e[col].to_numpy()[parents]
        shift = rng.integers(1, len(vocab.INDUSTRY_WORDS), len(subs))
        industry_idx = np.array(
            [vocab.INDUSTRY_WORDS.index(x) for x in e["industry"].to_numpy()[parents]], dtype=int
        )
        e.iloc[subs, e.columns.get_loc("industry")] = np.array(vocab.INDUSTRY_WORDS, dtype=object)[
            (industry_idx + shift) % len(vocab.INDUSTRY_WORDS)
        ]
        e.iloc[subs, e.columns.get_loc("legal_form")] = "有限公司"
        relations.append(
            pd.DataFrame(
                {"true_entity_id_a": ids[subs], "true_entity_id_b": ids[parents], "relation": "subsidiary_of"}
            )
        )
    rel = pd.concat(relations, ignore_index=True)
    rel.insert(0, "entity", entity)
    return e, rel[RELATION_COLUMNS]


def add_same_name_people(
    rng: np.random.Generator, people: pd.DataFrame, list_pairs: bool = True
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Give a few people another person's name (with their own phone and birthday) and list
    every pair of distinct people sharing a name, accidental or not (up to 8 people per name);
    ``list_pairs=False`` skips the listing, which only the written ground truth needs."""
    p = people.copy()
    n = len(p)
    taken = np.zeros(n, dtype=bool)
    anchors, copies = _pick_pairs(rng, n, int(round(n * 0.03)), taken, np.ones(n, dtype=bool))
    p.iloc[copies, p.columns.get_loc("name")] = p["name"].to_numpy()[anchors]
    pairs = []
    shared = p[p["name"].duplicated(keep=False)] if list_pairs else p.iloc[:0]
    for _, group in shared.groupby("name", sort=True)["true_entity_id"]:
        members = sorted(group)
        for i, a in enumerate(members[:8]):
            for b in members[i + 1 : 8]:
                pairs.append((b, a))
    rel = pd.DataFrame(pairs, columns=["true_entity_id_a", "true_entity_id_b"])
    rel.insert(0, "entity", "customer")
    rel["relation"] = "same_name_other_person"
    return p, rel[RELATION_COLUMNS]
