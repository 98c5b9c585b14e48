"""A clean master list with a few companies entered again: does the matcher find the few duplicates?

Run: ``.venv/bin/python -m benchmarks.bench_clean_list [--entities 5000] [--seed 20261126]``

Most benchmarks here deduplicate lists dense with duplicates (two records per company and more). A master list
that has been kept, or a salesperson's sheet of a few hundred customers, is the other way round: every company
once, a handful entered twice. The model learns from the list how often two records are one company, and on
such a list that chance is small; a duplicate must then be found on its own evidence.

The list: the generator's standard partners (and customers: persons and shops), one record per company (its
first), and a share of the companies (1 % and 5 %) entered again, either **as written** (the row typed in again: the same name and phone) or **as
another system writes it** (a second record of the same company from the generator: the name with or without its
region or legal form, another phone format). Deduplicated by the name alone and by the name and phone. Prints
pairwise P / R / F1, the share of records in review pairs and the wall time.
"""

from __future__ import annotations

import argparse
import logging
import time

import numpy as np
import pandas as pd

from benchmarks.bench_dedupe_accuracy import CUSTOMER_SPEC, PARTNER_SPEC, load_generated, thinned
from benchmarks.scoring import records_touched, score_pairwise
from mdm.dedupe import deduplicate
from mdm.spec import parse_spec

SHARES = (0.01, 0.05)
KINDS = ("as_written", "another_system")
COLUMNS = ("name", "name_phone")


def clean_list(
    records: pd.DataFrame, truth: pd.Series, share: float, kind: str, seed: int
) -> tuple[pd.DataFrame, np.ndarray]:
    """One record per company, and ``share`` of the companies entered again (``kind``); with the truth."""
    entity = truth.to_numpy()
    first = ~pd.Series(entity).duplicated().to_numpy()
    clean = records[first].reset_index(drop=True)
    rng = np.random.default_rng(seed)
    again = rng.choice(len(clean), size=max(1, round(share * len(clean))), replace=False)
    if kind == "as_written":
        extra = clean.iloc[again].copy()
        extra_entity = entity[first][again]
    else:
        # A second record of the company, where the generator wrote one (others are entered as written).
        second = pd.Series(np.arange(len(records)))[~first].groupby(entity[~first]).first()
        wanted = entity[first][again]
        rows = [second.get(e) for e in wanted]
        extra = pd.concat(
            [
                records.iloc[[r]] if r is not None else clean.iloc[[i]]
                for r, i in zip(rows, again, strict=True)
            ]
        )
        extra_entity = wanted
    extra = extra.assign(record_id=[f"again:{i}" for i in range(len(extra))])
    frame = pd.concat([clean, extra], ignore_index=True)
    return frame, np.concatenate([entity[first], extra_entity])


SPECS = {"partner": PARTNER_SPEC, "customer": CUSTOMER_SPEC}


def measure(frame: pd.DataFrame, entity: np.ndarray, party: str, columns: str) -> dict:
    spec = parse_spec(thinned(SPECS[party], columns), f"<{party} spec>")
    start = time.perf_counter()
    result = deduplicate(frame, spec, progress=False)
    seconds = time.perf_counter() - start
    clusters = result.clusters.set_index(result.clusters["record_id"].astype(str))["cluster_id"]
    predicted = clusters.reindex(frame["record_id"].astype(str).to_numpy()).to_numpy()
    out = score_pairwise(predicted, entity)
    review = result.pairs[result.pairs["match_class"] == "needs_review"]
    touched = records_touched(review["left_record_id"], review["right_record_id"])
    out.update({"review_records": touched / len(frame), "seconds": seconds})
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entities", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=20261126)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    print(f"standard partners and customers, {args.entities:,} of each, one record each, seed {args.seed}\n")
    print(
        "| list | entered again | share | columns | records | pair P | pair R | pair F1 | review records | s |"
    )
    print("|---|---|---:|---|---:|---:|---:|---:|---:|---:|")
    for party in SPECS:
        records, truth = load_generated(args.entities, args.seed, party, "standard")
        for kind in KINDS:
            for share in SHARES:
                frame, entity = clean_list(records, truth["true_entity_id"], share, kind, args.seed)
                for columns in COLUMNS:
                    r = measure(frame, entity, party, columns)
                    print(
                        f"| {party}s | {kind.replace('_', ' ')} | {share:.0%} | {columns.replace('_', ' + ')} | "
                        f"{len(frame):,} | {r['pair_precision']:.4f} | {r['pair_recall']:.4f} | "
                        f"{r['pair_f1']:.4f} | {r['review_records']:.1%} | {r['seconds']:.1f} |"
                    )


if __name__ == "__main__":
    main()
