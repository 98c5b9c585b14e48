"""Wall time and peak memory of ``mdm.deduplicate`` end to end (standardise, block, score, cluster).

Wall time on a shared machine depends on the neighbours; CPU time (user + system of the run, including the
processes standardisation forks for a large frame) is printed beside it. Each size runs in its own subprocess so peak memory (``ru_maxrss`` of the child, read by the
child itself) is that run's alone. Data are generated partner records (``sample_data``), written once per size to a pickle
in a temporary folder, so generation is neither timed nor counted in memory.

    .venv/bin/python -m benchmarks.bench_dedupe_scale [--sizes 100000 300000 1000000]

Targets: 1M records in ≤ 60 s on 2 cores, peak ≤ 4 GB, near-linear growth.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RECORDS_PER_ENTITY = 2.1
"""Generated partners appear in about 2.1 source records each; sized up front, then trimmed."""


def generate(size: int, seed: int, path: Path) -> None:
    """Write ``size`` generated partner records (and their truth) to ``path``."""
    import numpy as np

    from benchmarks.bench_dedupe_accuracy import load_generated

    records, truth = load_generated(int(size / RECORDS_PER_ENTITY) + 100, seed, "partner")
    keep = np.sort(np.random.default_rng(seed).permutation(len(records))[:size])
    records.iloc[keep].reset_index(drop=True).to_pickle(path)
    truth.iloc[keep].reset_index(drop=True).to_pickle(path.with_suffix(".truth.pkl"))


def _children_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_one(path: Path) -> dict:
    """Deduplicate the records at ``path``; return timings and pairwise figures (runs in the child)."""
    import pandas as pd

    from benchmarks.bench_dedupe_accuracy import PARTNER_SPEC
    from benchmarks.scoring import score_clusters
    from mdm.dedupe import deduplicate
    from mdm.spec import parse_spec

    records = pd.read_pickle(path)
    truth = pd.read_pickle(path.with_suffix(".truth.pkl"))
    start = time.perf_counter()
    cpu_start = time.process_time() + _children_cpu_seconds()
    result = deduplicate(records, parse_spec(PARTNER_SPEC, "<partner spec>"), progress=False)
    seconds = time.perf_counter() - start
    cpu_seconds = time.process_time() + _children_cpu_seconds() - cpu_start
    figures = score_clusters(
        result.clusters["cluster_id"].to_numpy(), truth["true_entity_id"].to_numpy(), truth["variant_kinds"]
    )
    return {
        "records": len(records),
        "seconds": round(seconds, 1),
        "cpu_seconds": round(cpu_seconds, 1),
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
        # A forked worker's resident size counts the pages it still shares with this process.
        "worker_peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024,
        "timings": result.timings,
        "candidate_pairs": result.candidate_pairs,
        "precision": round(figures["pair_precision"], 4),
        "recall": round(figures["pair_recall"], 4),
        "f1": round(figures["pair_f1"], 4),
    }


def measure(size: int, seed: int, folder: Path) -> dict:
    path = folder / f"partners_{size}.pkl"
    if not path.exists():
        subprocess.run(
            [
                sys.executable,
                "-m",
                "benchmarks.bench_dedupe_scale",
                "--generate",
                str(size),
                "--seed",
                str(seed),
                "--path",
                str(path),
            ],
            check=True,
        )
    # The child reports its own peak (ru_maxrss of itself); this parent stays small, so the
    # child's high-water mark, which starts from its parent's size, is the run's own.
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.bench_dedupe_scale", "--child", str(path)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 300_000, 1_000_000])
    parser.add_argument("--seed", type=int, default=20261126)
    parser.add_argument("--folder", type=Path, help="keep generated data here (default: a temporary folder)")
    parser.add_argument("--generate", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--path", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.generate:
        generate(args.generate, args.seed, args.path)
        return
    if args.child:
        result = run_one(args.child)
        args.child.with_suffix(".result.json").write_text(json.dumps(result))
        print(json.dumps(result))
        return
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.folder or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        rows = [measure(size, args.seed, folder) for size in sorted(args.sizes)]
    print(
        "| records | wall s | CPU s | peak MB | candidate pairs | pair P | pair R | pair F1 | steps (wall s) |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for r in rows:
        steps = ", ".join(f"{k} {v:.1f}" for k, v in r["timings"].items())
        print(
            f"| {r['records']:,} | {r['seconds']} | {r['cpu_seconds']} | {r['peak_mb']:,} | {r['candidate_pairs']:,} | "
            f"{r['precision']} | {r['recall']} | {r['f1']} | {steps} |"
        )


if __name__ == "__main__":
    main()
