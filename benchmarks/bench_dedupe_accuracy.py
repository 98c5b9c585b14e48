"""Accuracy of ``mdm.deduplicate`` on generated partners and customers with known truth.

Prints a markdown table: pairwise precision/recall/F1, B-cubed precision/recall/F1, the share of
true entities reproduced exactly as one cluster, and pairwise recall per variant kind (the
weakest kind shows where matching loses duplicates), and the share of hard-negative entity pairs
(branches, sister companies, same trade name in another city…) wrongly merged. Targets: precision
≥ 0.98, recall ≥ 0.95.

``--difficulty standard`` is the level of the committed sample; ``--difficulty hard`` generates what
real channel data holds (strong identifiers gone together, abbreviated, homophone and English names,
rewritten addresses, a broad trade-name vocabulary, more hard negatives; see ``sample_data.hard``).

    .venv/bin/python -m benchmarks.bench_dedupe_accuracy [--entities 5000] [--seed 20261126]
        [--difficulty {standard,hard}]
"""

from __future__ import annotations

import argparse
import logging
import time
from dataclasses import dataclass

import numpy as np
import pandas as pd

from benchmarks.scoring import records_touched, score_clusters
from mdm.dedupe import deduplicate
from mdm.spec import DedupeSpec, parse_spec

PARTNER_SPEC = {
    "record_id": "record_id",
    "entity": "organisation",
    "columns": {
        "company_name": "partner_name",
        "uscc": "uscc",
        "phone": "phone",
        "address": "address",
        "province": "province",
        "city": "city",
        "district": "district",
        "email": "email",
    },
}
CUSTOMER_SPEC = {
    "record_id": "record_id",
    "entity": "auto",
    "columns": {
        "company_name": "customer_name",
        "uscc": "uscc",
        "phone": "phone",
        "address": "address",
        "province": "province",
        "city": "city",
        "district": "district",
        "email": "email",
        "birth_date": "birth_date",
        "postcode": "postcode",
        "exact": ["id_number_masked"],
    },
}

THIN_COLUMNS = {
    "all": None,
    "name": ("company_name",),
    "name_phone": ("company_name", "phone"),
    "name_address": ("company_name", "address"),
}
"""Column-thinned variants: the spec keeps only these roles (the records keep every column)."""


def thinned(spec: dict, columns: str) -> dict:
    """``spec`` mapping only the roles of the ``columns`` variant (:data:`THIN_COLUMNS`)."""
    roles = THIN_COLUMNS[columns]
    if roles is None:
        return spec
    return {**spec, "columns": {r: c for r, c in spec["columns"].items() if r in roles}}


@dataclass
class Accuracy:
    records: int
    entities: int
    pair_precision: float
    pair_recall: float
    pair_f1: float
    bcubed_precision: float
    bcubed_recall: float
    bcubed_f1: float
    exact_clusters: float
    recall_by_kind: dict[str, tuple[float, int]]
    seconds: float
    merged_by_relation: dict[str, tuple[float, int]] | None = None
    review_records: float = 0.0
    """Share of the records in at least one pair left for a steward's review."""


def merged_relations(predicted: np.ndarray, truth: np.ndarray, relations: pd.DataFrame) -> dict:
    """Per hard-negative relation: the share of its entity pairs with records in one predicted cluster."""
    if relations is None or relations.empty:
        return {}
    links = pd.DataFrame({"cluster": predicted, "entity": truth}).drop_duplicates()
    pairs = relations[["true_entity_id_a", "true_entity_id_b", "relation"]].drop_duplicates()
    pairs = pairs.reset_index(drop=True).rename_axis("pair").reset_index()
    a = pairs.merge(links, left_on="true_entity_id_a", right_on="entity")[["pair", "cluster"]]
    b = pairs.merge(links, left_on="true_entity_id_b", right_on="entity")[["pair", "cluster"]]
    merged = set(a.merge(b, on=["pair", "cluster"])["pair"])
    present = set(a["pair"]) & set(b["pair"])
    pairs = pairs[pairs["pair"].isin(present)]
    hit = pairs["pair"].isin(merged)
    return {
        str(rel): (float(hit[group.index].mean()), int(len(group)))
        for rel, group in pairs.groupby("relation")
    }


def load_generated(
    n_entities: int, seed: int, kind: str, difficulty: str = "standard"
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Generated records with a ``record_id`` and their truth, row for row."""
    records, truth, _ = load_generated_with_relations(n_entities, seed, kind, difficulty)
    return records, truth


def load_generated_with_relations(
    n_entities: int, seed: int, kind: str, difficulty: str = "standard"
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """``load_generated`` plus the hard-negative relations between the true entities."""
    from sample_data.generate import generate_party_data

    data = generate_party_data(n_entities, seed, kind, difficulty)
    records = data.records.reset_index(drop=True)
    truth = data.truth.reset_index(drop=True)
    key = ["source_system", "source_record_id"]
    records.insert(
        0, "record_id", records["source_system"].astype(str) + ":" + records["source_record_id"].astype(str)
    )
    truth = records[key].merge(truth, on=key, how="left", validate="one_to_one")
    return records, truth, data.relations


def run_accuracy(
    records: pd.DataFrame, truth: pd.DataFrame, spec: DedupeSpec, relations: pd.DataFrame | None = None
) -> Accuracy:
    start = time.perf_counter()
    result = deduplicate(records, spec, progress=False)
    seconds = time.perf_counter() - start
    predicted = result.clusters["cluster_id"].to_numpy()
    figures = score_clusters(predicted, truth["true_entity_id"].to_numpy(), truth["variant_kinds"])
    merged = merged_relations(predicted, truth["true_entity_id"].to_numpy(), relations)
    review = result.pairs[result.pairs["match_class"] == "needs_review"]
    touched = records_touched(review["left_record_id"], review["right_record_id"])
    return Accuracy(
        len(records),
        int(truth["true_entity_id"].nunique()),
        seconds=seconds,
        merged_by_relation=merged,
        review_records=touched / max(len(records), 1),
        **figures,
    )


def markdown(results: dict[str, Accuracy]) -> str:
    lines = [
        "| data | records | entities | pair P | pair R | pair F1 | B³ P | B³ R | B³ F1 | exact clusters "
        "| review records | seconds |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, a in results.items():
        lines.append(
            f"| {name} | {a.records:,} | {a.entities:,} | {a.pair_precision:.4f} | {a.pair_recall:.4f} | "
            f"{a.pair_f1:.4f} | {a.bcubed_precision:.4f} | {a.bcubed_recall:.4f} | {a.bcubed_f1:.4f} | "
            f"{a.exact_clusters:.4f} | {a.review_records:.1%} | {a.seconds:.1f} |"
        )
    kinds = sorted({k for a in results.values() for k in a.recall_by_kind})
    lines += [
        "",
        "| variant kind | " + " | ".join(f"{n} recall (records)" for n in results) + " |",
        "|---|" + "---:|" * len(results),
    ]
    for kind in sorted(
        kinds, key=lambda k: min(a.recall_by_kind.get(k, (1.0, 0))[0] for a in results.values())
    ):
        cells = []
        for a in results.values():
            r, n = a.recall_by_kind.get(kind, (float("nan"), 0))
            cells.append(f"{r:.4f} ({n:,})" if n else "–")
        lines.append(f"| {kind} | " + " | ".join(cells) + " |")
    relations = sorted({r for a in results.values() for r in (a.merged_by_relation or {})})
    if relations:
        lines += [
            "",
            "| hard-negative relation | "
            + " | ".join(f"{n} wrongly merged (entity pairs)" for n in results)
            + " |",
            "|---|" + "---:|" * len(results),
        ]
        for rel in relations:
            cells = []
            for a in results.values():
                share, count = (a.merged_by_relation or {}).get(rel, (float("nan"), 0))
                cells.append(f"{share:.4f} ({count:,})" if count else "–")
            lines.append(f"| {rel} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entities", type=int, default=5000, help="true entities per kind")
    parser.add_argument("--seed", type=int, default=20261126)
    parser.add_argument(
        "--difficulty",
        choices=("standard", "hard"),
        default="standard",
        help="standard: the committed sample's level; hard: messy real-world duplicates and hard negatives",
    )
    parser.add_argument(
        "--columns",
        choices=tuple(THIN_COLUMNS),
        default="all",
        help="which columns the spec maps: all, the name only (a salesperson's list), the name and a phone, or the "
        "name and an address",
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    results = {}
    for kind, spec in (("partner", PARTNER_SPEC), ("customer", CUSTOMER_SPEC)):
        records, truth, relations = load_generated_with_relations(
            args.entities, args.seed, kind, args.difficulty
        )
        spec = thinned(spec, args.columns)
        results[f"{kind}s"] = run_accuracy(records, truth, parse_spec(spec, f"<{kind} spec>"), relations)
    print(
        f"difficulty: {args.difficulty}, columns: {args.columns}, entities per kind: {args.entities:,}, "
        f"seed: {args.seed}\n"
    )
    print(markdown(results))


if __name__ == "__main__":
    main()
