"""What the match model could reach on each public set if it knew the truth, beside what it learns.

For every public set and column-thinned variant (``benchmarks.public_datasets``, the committed specs of
``bench_dedupe_public``) the engine runs three ways on the same records:

* **learned**: untuned, as a user runs it (m by EM, u from random pairs, the prior bounded);
* **truth-fitted**: the same engine, blocking, term frequencies and clustering, but every comparison
  level's m and u and the prior read off the truth (m: the share of all true pairs on each level;
  u: the share of non-matching pairs, all of them on a small file, two million drawn at random on a
  large one; the prior: true pairs over all pairs). No estimate of the parameters can do better
  than these at the same thresholds: what the truth-fitted run still misses, the columns do not say
  with the confidence the thresholds ask for;
* both again at an **auto-merge threshold of 0.5** (every pair more likely one entity than two merges):
  what an F1-minded operating point gives, at the precision it costs, and whether the learned
  probabilities are calibrated well enough for a user who lowers ``thresholds.auto_merge`` to get it;

and, as a reference a user could write in ten lines, **a name ratio**: rapidfuzz's
``token_sort_ratio`` ≥ 90 between the spec's name columns joined (lower case), every pair of a file
compared, records joined through chains.

    .venv/bin/python -m benchmarks.bench_model_ceiling [--sets febrl3 fake_1000] [--variants name]
        [--json OUT.json]
"""

from __future__ import annotations

import argparse
import copy
import itertools
import json
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from benchmarks.bench_dedupe_public import SPECS_DIR, engine_standardised, review_figures
from benchmarks.public_datasets import LOADERS, DatasetMissing, load, variants_of
from benchmarks.scoring import score_pairwise

ALL_PAIRS_UP_TO = 2_000_000
"""Files of at most this many record pairs have u counted over every pair; larger ones over this
many pairs drawn at random."""
NAME_RATIO = 90
"""The reference's cut-off: ``token_sort_ratio`` of the joined names at least this."""
NAME_ROLES = ("company_name", "person_name", "given_name", "middle_name", "family_name")


def true_pair_positions(truth: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every pair of positions whose records share a true label."""
    groups = pd.Series(np.arange(len(truth))).groupby(pd.factorize(truth)[0]).agg(list)
    pairs = [pair for members in groups if len(members) > 1 for pair in itertools.combinations(members, 2)]
    if not pairs:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    left, right = np.array(pairs, dtype=np.int64).T
    return left, right


def nonmatch_pair_positions(truth: np.ndarray, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Pairs of positions of two different true entities: every one where a file has at most
    :data:`ALL_PAIRS_UP_TO` pairs, else that many drawn at random (matches dropped)."""
    n = len(truth)
    if n * (n - 1) // 2 <= ALL_PAIRS_UP_TO:
        left, right = np.triu_indices(n, k=1)
    else:
        rng = np.random.default_rng(seed)
        left, right = rng.integers(0, n, ALL_PAIRS_UP_TO), rng.integers(0, n, ALL_PAIRS_UP_TO)
    keep = truth[left] != truth[right]
    return left[keep], right[keep]


def truth_fitted_parameters(
    levels_true: np.ndarray, levels_other: np.ndarray, params, comparisons, prior: float
):
    """``params`` with every level's m the share of true pairs on it (``levels_true``), u the share of
    non-matching pairs (``levels_other``), each level given half a pair so none is zero, and the
    ``prior``; unknown levels count for neither."""
    from mdm.model import level_counts

    fitted = copy.deepcopy(params)
    for j, comparison in enumerate(comparisons):
        for sample, table in ((levels_true, fitted.m), (levels_other, fitted.u)):
            counts = level_counts(sample[:, j], len(comparison.levels)) + 0.5
            table[comparison.name] = [float(x) for x in counts / counts.sum()]
    fitted.prior_match_probability = prior
    fitted.trained_on = {"truth_fitted": 1}
    return fitted


def _standardised(records: pd.DataFrame, spec):
    from mdm.comparators import FrameColumns
    from mdm.dedupe import comparisons_for

    return FrameColumns(engine_standardised(records, spec)), comparisons_for(spec)


def _figures(records: pd.DataFrame, truth: pd.Series, result) -> dict:
    ids = records["record_id"].astype(str).to_numpy()
    clusters = result.clusters.set_index(result.clusters["record_id"].astype(str))["cluster_id"]
    out = score_pairwise(clusters.reindex(ids).to_numpy(), truth.to_numpy())
    review = result.pairs[result.pairs["match_class"] == "needs_review"]
    return out | review_figures(review["left_record_id"], review["right_record_id"], len(ids))


def name_ratio_figures(records: pd.DataFrame, truth: pd.Series, spec, cutoff: int = NAME_RATIO) -> dict:
    """The reference: clusters of ``token_sort_ratio`` ≥ ``cutoff`` between the joined name columns."""
    from rapidfuzz import fuzz, process
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    columns = [c for role in NAME_ROLES for c in spec.columns.get(role, [])]
    names = records[columns].fillna("").astype(str).agg(" ".join, axis=1).str.lower().str.strip().tolist()
    scores = process.cdist(
        names, names, scorer=fuzz.token_sort_ratio, score_cutoff=cutoff, dtype=np.uint8, workers=-1
    )
    left, right = np.nonzero(scores)
    keep = (left < right) & (np.array([bool(x) for x in names])[left])
    graph = coo_matrix((np.ones(int(keep.sum())), (left[keep], right[keep])), shape=(len(names), len(names)))
    _, labels = connected_components(graph, directed=False)
    return score_pairwise(labels, truth.to_numpy())


def measure(set_name: str, variant: str) -> dict:
    """The three runs of the engine and the name ratio on one set and variant."""
    from mdm.comparators import compare_pairs
    from mdm.dedupe import deduplicate
    from mdm.model import Thresholds
    from mdm.spec import load_spec

    data = load(set_name, variant)
    spec = load_spec(SPECS_DIR / f"{data.name}.yaml")
    row: dict = {"data": data.name, "records": len(data.records)}
    start = time.perf_counter()
    learned = deduplicate(data.records, spec, progress=False)
    row["learned"] = _figures(data.records, data.truth, learned)
    row["seconds"] = round(time.perf_counter() - start, 1)

    cols, comparisons = _standardised(data.records, spec)
    truth = data.truth.to_numpy()
    true_left, true_right = true_pair_positions(truth)
    other_left, other_right = nonmatch_pair_positions(truth)
    n = len(truth)
    fitted = truth_fitted_parameters(
        compare_pairs(cols, true_left, true_right, comparisons),
        compare_pairs(cols, other_left, other_right, comparisons),
        learned.model_params,
        comparisons,
        len(true_left) / (n * (n - 1) / 2),
    )
    row["truth_fitted"] = _figures(
        data.records, data.truth, deduplicate(data.records, spec, progress=False, params=fitted, train=False)
    )
    lenient = copy.deepcopy(spec)
    lenient.thresholds = Thresholds(auto_merge=0.5, review=0.5)
    row["learned_at_half"] = _figures(
        data.records, data.truth, deduplicate(data.records, lenient, progress=False)
    )
    fitted.thresholds = lenient.thresholds
    row["truth_fitted_at_half"] = _figures(
        data.records,
        data.truth,
        deduplicate(data.records, lenient, progress=False, params=fitted, train=False),
    )
    row["name_ratio"] = name_ratio_figures(data.records, data.truth, spec)
    return row


RUNS = (
    ("learned", "learned (as a user runs it)"),
    ("truth_fitted", "m, u and prior from the truth"),
    ("learned_at_half", "learned, merged at 0.5"),
    ("truth_fitted_at_half", "from the truth, merged at 0.5"),
    ("name_ratio", f"name ratio ≥ {NAME_RATIO}"),
)


def markdown(rows: list[dict]) -> str:
    head = "| data | records | " + " | ".join(f"{title}: P / R / F1" for _, title in RUNS[:2])
    head += (
        " | review records (learned / from the truth) | "
        + " | ".join(f"{t}: P / R / F1" for _, t in RUNS[2:])
        + " |"
    )
    lines = [head, "|---|---:|" + "---|" * (len(RUNS) + 1)]
    for row in rows:
        cells = {
            key: " / ".join(f"{row[key][k]:.4f}" for k in ("pair_precision", "pair_recall", "pair_f1"))
            for key, _ in RUNS
        }
        review = f"{row['learned']['review_records_share']:.1%} / {row['truth_fitted']['review_records_share']:.1%}"
        lines.append(
            f"| {row['data']} | {row['records']:,} | {cells['learned']} | {cells['truth_fitted']} | {review} | "
            f"{cells['learned_at_half']} | {cells['truth_fitted_at_half']} | {cells['name_ratio']} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sets", nargs="+", choices=sorted(LOADERS), default=[s for s in LOADERS if s != "abt_buy"]
    )
    parser.add_argument(
        "--variants",
        nargs="+",
        help="full, name, name_<contact> or name_contact for each set's contact variants (default: all)",
    )
    parser.add_argument("--json", type=Path, help="also write the rows as JSON here")
    args = parser.parse_args()
    rows: list[dict] = []
    for set_name in args.sets:
        for variant in variants_of(set_name, args.variants):
            try:
                rows.append(measure(set_name, variant))
            except DatasetMissing as exc:
                print(f"skipping {set_name}: {exc}", file=sys.stderr)
                break
            print(markdown(rows).splitlines()[-1], file=sys.stderr)
    print(markdown(rows))
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1, default=float), encoding="utf-8")


if __name__ == "__main__":
    main()
