"""Head offices found by name: how many branches the name rule links, how many it links wrongly, and its cost.

Run: ``.venv/bin/python -m benchmarks.bench_hierarchy [--partners 20000] [--seed 7]``.

Partners come from the sample generator (``standard`` = the committed sample's level, ``hard`` = abbreviated,
homophone and English names, other legal forms, sister companies, the same trade name in other cities). Each
true partner becomes one golden record named as its most trusted source writes it (ERP, then DMS, then CRM),
and every source parent code is dropped, so every branch must find its head office by name alone. Truth is
the generator's ``branch_of`` relations. The rule's wall time is set beside parsing the same names alone
(:func:`cleansing.company_names.parse_company_names`), measured in the same run after one untimed parse that
warms the caches both share.
"""

from __future__ import annotations

import argparse
import time

import pandas as pd

from cleansing.company_names import parse_company_names
from mdm.hierarchy import link_branches_to_head_offices
from sample_data.generate import generate_party_data

TRUST = {"erp": 1, "dms": 2, "crm": 3}


def golden_partners(n: int, seed: int, difficulty: str) -> tuple[pd.DataFrame, set[tuple[str, str]]]:
    """One golden record per true partner (no parent codes) and the true (branch, head office) pairs."""
    data = generate_party_data(n, seed, "partner", difficulty)
    records = data.records.merge(data.truth, on=["source_system", "source_record_id"])
    records["trust"] = records["source_system"].map(TRUST).fillna(9)
    records = records[records["partner_name"].fillna("").str.strip() != ""]
    golden = (
        records.sort_values(["true_entity_id", "trust", "source_record_id"], kind="mergesort")
        .drop_duplicates("true_entity_id")
        .rename(columns={"true_entity_id": "golden_id"})[["golden_id", "partner_name", "province", "city"]]
        .reset_index(drop=True)
    )
    golden["parent_golden_id"] = pd.NA
    relations = data.relations[data.relations["relation"] == "branch_of"]
    present = set(golden["golden_id"])
    truth = {
        (a, b)
        for a, b in zip(relations["true_entity_id_a"], relations["true_entity_id_b"], strict=True)
        if a in present and b in present
    }
    return golden, truth


def measure(n: int, seed: int, difficulty: str) -> dict[str, object]:
    golden, truth = golden_partners(n, seed, difficulty)
    parse_company_names(golden["partner_name"])  # warm the division table and the pinyin caches for both
    started = time.perf_counter()
    parse_company_names(golden["partner_name"])
    parse_seconds = time.perf_counter() - started
    started = time.perf_counter()
    links = link_branches_to_head_offices(golden)
    rule_seconds = time.perf_counter() - started
    linked = {
        (branch, head)
        for branch, head in zip(golden["golden_id"], links.parent_golden_id, strict=True)
        if not pd.isna(head)
    }
    right = len(linked & truth)
    reasons = links.unlinked_branches["reason_code"].value_counts().to_dict()
    return {
        "difficulty": difficulty,
        "partners": len(golden),
        "true branch pairs": len(truth),
        "linked": len(linked),
        "right": right,
        "wrong": len(linked - truth),
        "precision": right / len(linked) if linked else float("nan"),
        "recall": right / len(truth) if truth else float("nan"),
        "unlinked": ", ".join(f"{k} {v}" for k, v in sorted(reasons.items())) or "-",
        "rule s": round(rule_seconds, 2),
        "parse alone s": round(parse_seconds, 2),
        "rule / parse": round(rule_seconds / parse_seconds, 2) if parse_seconds else float("nan"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--partners", type=int, default=20_000, help="true partners to generate")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rows = [measure(args.partners, args.seed, difficulty) for difficulty in ("standard", "hard")]
    frame = pd.DataFrame(rows)
    frame["precision"] = frame["precision"].map("{:.3f}".format)
    frame["recall"] = frame["recall"].map("{:.3f}".format)
    print(frame.to_markdown(index=False))


if __name__ == "__main__":
    main()
