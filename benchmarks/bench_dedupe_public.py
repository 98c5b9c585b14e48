"""channel-mdm beside Splink 5 on public labelled data (``../shared/datasets``), set by set.

For every set and column-thinned variant (``benchmarks.public_datasets``), channel-mdm runs
untuned through ``mdm.dedupe.deduplicate`` with the committed spec ``benchmarks/specs/<set>[_<variant>].yaml``,
and Splink 5 runs with a hand-written configuration (``benchmarks/splink_dedupe_child.py``) from
``benchmarks/.venv-splink``. Each run is its own child process, so wall time and peak memory
(``ru_maxrss`` of the child) are that run's alone. Figures, per system:

* pairwise precision / recall / F1 of the final clusters against the truth;
* pair completeness: the share of true pairs among the candidate pairs blocking generated
  (channel-mdm: the engine's own ``block`` re-run on the standardised records after the timed run,
  a pair of one full name or of two names it compared counting as offered; Splink: every pair its
  prediction blocking rules produced), and channel-mdm's own estimate without labels;
* review band: pairs classed ``needs_review`` (Splink: match probability in [0.7, 0.95), the same
  band as channel-mdm's default thresholds) and the records they touch, as a share of all records;
  for channel-mdm also the records of the review pairs left *to decide*, whose two records the
  clusters have not already joined through other records (the review workbook lists those first).

``--generated`` adds the headline rows of the generated benchmarks (partners and customers at the
standard and hard levels from ``bench_dedupe_accuracy``, and ``--generated-scale`` records from
``bench_dedupe_scale``) so one table shows all.

    .venv/bin/python -m benchmarks.bench_dedupe_public [--sets febrl3 patstat] [--variants full name]
        [--no-splink] [--shuffle SEED] [--generated] [--json OUT.json]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from benchmarks.public_datasets import LOADERS, DatasetMissing, PublicSet, load, variants_of
from benchmarks.scoring import (
    count_true_pairs,
    pair_completeness,
    pair_completeness_through_chains,
    records_touched,
    score_pairwise,
)

SPECS_DIR = Path(__file__).resolve().parent / "specs"
SPLINK_CONFIG = {
    "febrl3": "febrl",
    "febrl4": "febrl",
    "fake_1000": "fake_1000",
    "patstat": "patstat",
    "abt_buy": "products",
    "febrl1": "febrl",
    "febrl2": "febrl",
    "restaurants": "restaurants",
    "rldata10000": "rldata",
}
REVIEW_BAND = (0.7, 0.95)
"""channel-mdm's default review and auto-merge thresholds; Splink clusters at the upper one."""


def _positions(record_ids: pd.Series, ids: pd.Series) -> np.ndarray:
    lookup = pd.Series(np.arange(len(record_ids)), index=record_ids.astype(str).to_numpy())
    return lookup.reindex(ids.astype(str).to_numpy()).to_numpy()


def review_figures(left_ids: pd.Series, right_ids: pd.Series, n: int) -> dict:
    """The review pairs' count and the share of the ``n`` records they touch."""
    return {
        "review_pairs": int(len(left_ids)),
        "review_records_share": records_touched(left_ids, right_ids) / max(n, 1),
    }


def figures(
    records: pd.DataFrame,
    truth: pd.Series,
    clusters: pd.Series,
    left: np.ndarray,
    right: np.ndarray,
    name_group: np.ndarray | None = None,
) -> dict:
    """Pairwise figures of ``clusters`` (cluster label per record id) and completeness of blocked pairs
    (with ``name_group``, pairs of one name or of two compared names count as offered)."""
    predicted = clusters.reindex(records["record_id"].astype(str).to_numpy()).to_numpy()
    scores = score_pairwise(predicted, truth.to_numpy())
    scores["pair_completeness"] = pair_completeness(left, right, truth.to_numpy(), name_group)
    scores["completeness_through_chains"] = pair_completeness_through_chains(
        left, right, truth.to_numpy(), name_group
    )
    scores["candidate_pairs"] = int(len(left))
    return scores


def engine_standardised(records: pd.DataFrame, spec) -> pd.DataFrame:
    """``records`` standardised as ``deduplicate`` standardises them, row for row (persons' names marked)."""
    from mdm.dedupe import standardise_for_spec
    from mdm.party_kind import mark_person_names

    return mark_person_names(standardise_for_spec(records, spec).reset_index(drop=True), spec.entity)


def candidate_pairs_of_engine(
    records: pd.DataFrame, spec
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """The candidate pairs ``deduplicate`` compares (its own standardisation, record order and
    blocking, re-run) and each record's name group, as positions in ``records``."""
    from mdm.dedupe import candidate_pairs, in_record_id_order

    std, order = in_record_id_order(engine_standardised(records, spec))
    candidates = candidate_pairs(std, spec)
    if order is None:
        return candidates.left, candidates.right, candidates.name_group
    group = None
    if candidates.name_group is not None:
        group = np.empty(len(order), dtype=np.int64)
        group[order] = order[candidates.name_group]
    return order[candidates.left], order[candidates.right], group


def run_ours(records: pd.DataFrame, truth: pd.Series, spec_path: Path | None, spec_data: dict | None) -> dict:
    """channel-mdm untuned on ``records`` (runs in the child process)."""
    from foundation.errors import UserError
    from mdm.dedupe import deduplicate
    from mdm.pair_review import joined_through_others
    from mdm.spec import load_spec, parse_spec

    try:
        spec = load_spec(spec_path) if spec_path else parse_spec(spec_data, "<generated spec>")
        spec.validate_columns(records.columns, "input")
    except UserError as exc:
        return {"unsupported": str(exc)}
    start = time.perf_counter()
    result = deduplicate(records, spec, progress=False)
    seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    clusters = result.clusters.set_index(result.clusters["record_id"].astype(str))["cluster_id"]
    left, right, name_group = candidate_pairs_of_engine(records, spec)
    out = figures(records, truth, clusters, left, right, name_group)
    out["estimated_completeness"] = result.pair_completeness
    review = result.pairs[result.pairs["match_class"] == "needs_review"]
    out.update(review_figures(review["left_record_id"], review["right_record_id"], len(records)))
    # What the review workbook lists first: pairs whose records the matcher has not joined through others.
    to_decide = review[~joined_through_others(review)]
    decide = review_figures(to_decide["left_record_id"], to_decide["right_record_id"], len(records))
    out["decide_records_share"] = decide["review_records_share"]
    out.update({"seconds": round(seconds, 2), "peak_mb": peak_mb})
    return out


def run_splink(data: PublicSet, set_name: str, folder: Path) -> dict:
    from benchmarks.bench_dedupe_splink import SPLINK_CHILD, ensure_splink_venv

    source, clusters_csv, pairs_csv = folder / "input.csv", folder / "splink.csv", folder / "pairs.csv"
    data.records.to_csv(source, index=False)
    command = [
        str(ensure_splink_venv()),
        str(SPLINK_CHILD),
        str(source),
        str(clusters_csv),
        "--config",
        SPLINK_CONFIG[set_name],
        "--pairs",
        str(pairs_csv),
        "--cluster-at",
        str(REVIEW_BAND[1]),
    ]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        return {"failed": _last_error(done.stderr)}
    timing = json.loads(done.stdout.strip().splitlines()[-1])
    clusters = pd.read_csv(clusters_csv, dtype=str)
    pairs = pd.read_csv(pairs_csv, dtype={"record_id_l": str, "record_id_r": str})
    ids = data.records["record_id"].astype(str)
    out = figures(
        data.records,
        data.truth,
        clusters.set_index("record_id")["cluster_id"],
        _positions(ids, pairs["record_id_l"]),
        _positions(ids, pairs["record_id_r"]),
    )
    in_band = pairs["match_probability"].between(*REVIEW_BAND, inclusive="left")
    out.update(review_figures(pairs.loc[in_band, "record_id_l"], pairs.loc[in_band, "record_id_r"], len(ids)))
    out.update({"seconds": timing["seconds"], "peak_mb": timing["peak_mb"]})
    return out


def _last_error(stderr: str) -> str:
    """The line of a child's traceback that says what went wrong."""
    lines = [line.strip() for line in stderr.strip().splitlines() if line.strip()]
    errors = [line for line in lines if "Error" in line or "Exception" in line]
    return (errors or lines or ["no message"])[-1]


def _child(args: list[str]) -> dict:
    """Run one channel-mdm measurement in a fresh interpreter; its last stdout line is JSON."""
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.bench_dedupe_public", *args], capture_output=True, text=True
    )
    if done.returncode != 0:
        return {"failed": _last_error(done.stderr)}
    return json.loads(done.stdout.strip().splitlines()[-1])


def shuffled(data: PublicSet, seed: int | None) -> PublicSet:
    """``data`` with its rows (and their truth) in another order, or as it is without a ``seed``."""
    if seed is None:
        return data
    order = np.random.default_rng(seed).permutation(len(data.records))
    records = data.records.iloc[order].reset_index(drop=True)
    return replace(data, records=records, truth=data.truth.iloc[order].reset_index(drop=True))


def measure_public(set_name: str, variant: str, splink: bool, shuffle: int | None = None) -> list[dict]:
    data = load(set_name, variant)
    base = {
        "data": data.name,
        "records": len(data.records),
        "true_pairs": count_true_pairs(data.truth.to_numpy()),
    }
    order = [] if shuffle is None else ["--shuffle", str(shuffle)]
    rows = [{**base, "system": "channel-mdm", **_child(["--ours", set_name, variant, *order])}]
    if splink:
        with tempfile.TemporaryDirectory() as tmp:
            rows.append({**base, "system": "Splink 5", **run_splink(data, set_name, Path(tmp))})
    return rows


def measure_generated(difficulty: str, kind: str, entities: int, seed: int) -> dict:
    return _child(["--ours-generated", difficulty, kind, str(entities), str(seed)])


def _ours_generated(difficulty: str, kind: str, entities: int, seed: int) -> dict:
    from benchmarks.bench_dedupe_accuracy import CUSTOMER_SPEC, PARTNER_SPEC, load_generated

    records, truth = load_generated(entities, seed, kind, difficulty)
    spec = PARTNER_SPEC if kind == "partner" else CUSTOMER_SPEC
    labels = truth["true_entity_id"].reset_index(drop=True)
    return {
        "data": f"generated {kind}s ({difficulty})",
        "records": len(records),
        "true_pairs": count_true_pairs(labels.to_numpy()),
        **run_ours(records, labels, None, spec),
    }


def _scale_row(size: int, seed: int) -> dict:
    from benchmarks.bench_dedupe_scale import measure

    with tempfile.TemporaryDirectory() as tmp:
        r = measure(size, seed, Path(tmp))
    return {
        "data": "generated partners (scale)",
        "records": r["records"],
        "system": "channel-mdm",
        "pair_precision": r["precision"],
        "pair_recall": r["recall"],
        "pair_f1": r["f1"],
        "candidate_pairs": r["candidate_pairs"],
        "seconds": r["seconds"],
        "peak_mb": r["peak_mb"],
    }


def _cell(row: dict, key: str, fmt: str) -> str:
    value = row.get(key)
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "–"
    return format(value, fmt)


def markdown(rows: list[dict]) -> str:
    lines = [
        "| data | records | true pairs | system | pair P | pair R | pair F1 | pair completeness | "
        "through chains | estimated (no labels) | candidate pairs | review pairs | review records | to decide | wall s | peak MB |",
        "|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        head = f"| {row['data']} | {row['records']:,} | {_cell(row, 'true_pairs', ',')} | {row['system']} |"
        problem = row.get("unsupported") or row.get("failed")
        if problem:
            why = "spec not supported by this version" if "unsupported" in row else "failed"
            lines.append(f"{head} {why}: {problem} ||||||||||||")
            continue
        lines.append(
            f"{head} {_cell(row, 'pair_precision', '.4f')} | {_cell(row, 'pair_recall', '.4f')} | "
            f"{_cell(row, 'pair_f1', '.4f')} | {_cell(row, 'pair_completeness', '.4f')} | "
            f"{_cell(row, 'completeness_through_chains', '.4f')} | "
            f"{_cell(row, 'estimated_completeness', '.4f')} | {_cell(row, 'candidate_pairs', ',')} | {_cell(row, 'review_pairs', ',')} | "
            f"{_cell(row, 'review_records_share', '.1%')} | {_cell(row, 'decide_records_share', '.1%')} | "
            f"{_cell(row, 'seconds', '.1f')} | "
            f"{_cell(row, 'peak_mb', ',')} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sets",
        nargs="*",
        choices=sorted(LOADERS),
        default=list(LOADERS),
        help="public sets (none: only --generated)",
    )
    parser.add_argument(
        "--variants",
        nargs="+",
        help="full, name, name_<contact> or name_contact for each set's contact variant (default: all)",
    )
    parser.add_argument("--no-splink", action="store_true", help="channel-mdm only")
    parser.add_argument(
        "--generated", action="store_true", help="add the generated benchmarks' headline rows"
    )
    parser.add_argument("--generated-entities", type=int, default=5000)
    parser.add_argument(
        "--generated-scale", type=int, default=1_000_000, help="records of the scale row (0: none)"
    )
    parser.add_argument("--seed", type=int, default=20261126)
    parser.add_argument(
        "--shuffle",
        type=int,
        metavar="SEED",
        help="channel-mdm reads each set with its rows shuffled by SEED (the figures must not move)",
    )
    parser.add_argument("--json", type=Path, help="also write the rows as JSON here")
    parser.add_argument("--ours", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--ours-generated", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.ours:
        set_name, variant = args.ours
        data = shuffled(load(set_name, variant), args.shuffle)
        spec_path = SPECS_DIR / f"{data.name}.yaml"
        if spec_path.is_relative_to(Path.cwd()):
            spec_path = spec_path.relative_to(Path.cwd())  # shorter messages
        print(json.dumps(run_ours(data.records, data.truth, spec_path, None)))
        return
    if args.ours_generated:
        difficulty, kind, entities, seed = args.ours_generated
        print(json.dumps(_ours_generated(difficulty, kind, int(entities), int(seed))))
        return
    rows: list[dict] = []
    for set_name in args.sets:
        for variant in variants_of(set_name, args.variants):
            try:
                rows += measure_public(set_name, variant, not args.no_splink, args.shuffle)
            except DatasetMissing as exc:
                print(f"skipping {set_name}: {exc}", file=sys.stderr)
                break
            print("\n".join(markdown(rows).splitlines()[-(1 if args.no_splink else 2) :]), file=sys.stderr)
    if args.generated:
        for difficulty in ("standard", "hard"):
            for kind in ("partner", "customer"):
                row = measure_generated(difficulty, kind, args.generated_entities, args.seed)
                rows.append({"system": "channel-mdm", **row})
        if args.generated_scale:
            rows.append(_scale_row(args.generated_scale, args.seed))
    print(markdown(rows))
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1, default=float), encoding="utf-8")


if __name__ == "__main__":
    main()
