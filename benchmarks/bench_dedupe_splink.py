"""channel-mdm's matcher beside Splink (DuckDB backend) on the same standardised partner records.

Both start from the same frame returned by ``cleansing.standardise.standardise_parties`` (so the
comparison is of matching, not of Chinese text cleaning, which Splink does not do), each in its
own subprocess for wall time and peak memory, and each is scored against the generated truth.
Splink runs from ``benchmarks/.venv-splink`` (created with Splink 5 on first use by
``ensure_splink_venv``) and is never a dependency of the project.

    .venv/bin/python -m benchmarks.bench_dedupe_splink [--entities 50000]
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

SPLINK_PYTHON = Path(__file__).resolve().parent / ".venv-splink" / "bin" / "python"
SPLINK_COLUMNS = [
    "record_id",
    "name_core",
    "name_trade",
    "name_region",
    "name_branch_region",
    "name_pinyin_key",
    "uscc",
    "phone_e164",
    "email_normalised",
    "address_detail",
    "city",
    "district",
]


SPLINK_CHILD = Path(__file__).with_name("splink_dedupe_child.py")
SPLINK_REQUIREMENT = "splink>=5,<6"


def ensure_splink_venv() -> Path:
    """Create ``benchmarks/.venv-splink`` with Splink 5 unless it exists; return its python.

    Splink lives in its own virtualenv so it is never a dependency of the project.
    """
    if not SPLINK_PYTHON.exists():
        print(f"creating {SPLINK_PYTHON.parent.parent} with {SPLINK_REQUIREMENT} …", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", str(SPLINK_PYTHON.parent.parent)], check=True)
        subprocess.run(
            [str(SPLINK_PYTHON), "-m", "pip", "install", "--quiet", SPLINK_REQUIREMENT], check=True
        )
    return SPLINK_PYTHON


def prepare(entities: int, seed: int, folder: Path) -> None:
    from benchmarks.bench_dedupe_accuracy import PARTNER_SPEC, load_generated
    from mdm.dedupe import standardise_for_spec
    from mdm.party_kind import mark_person_names
    from mdm.spec import parse_spec

    records, truth = load_generated(entities, seed, "partner")
    spec = parse_spec(PARTNER_SPEC, "<partner spec>")
    std = mark_person_names(standardise_for_spec(records, spec).reset_index(drop=True), spec.entity)
    std.to_pickle(folder / "standardised.pkl")
    truth.to_pickle(folder / "truth.pkl")
    splink_input = std[SPLINK_COLUMNS].copy()
    # Splink compares only valid codes as equal evidence; invalid ones would be noise.
    splink_input["uscc"] = splink_input["uscc"].where(std["uscc_status"] == "valid")
    splink_input.to_csv(folder / "standardised.csv", index=False)


def run_ours(folder: Path) -> None:
    import pandas as pd

    from benchmarks.bench_dedupe_accuracy import PARTNER_SPEC
    from mdm.dedupe import deduplicate
    from mdm.spec import parse_spec

    std = pd.read_pickle(folder / "standardised.pkl")
    start = time.perf_counter()
    result = deduplicate(std, parse_spec(PARTNER_SPEC, "<partner spec>"), progress=False)
    seconds = time.perf_counter() - start
    result.clusters[["record_id", "cluster_id"]].to_csv(folder / "ours.csv", index=False)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(json.dumps({"seconds": round(seconds, 1), "peak_mb": peak_mb}))


def _child(command: list[str]) -> dict:
    """Run one system in its own process; it reports its own wall time and peak memory (ru_maxrss)."""
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def _f1(folder: Path, clusters_csv: Path) -> dict:
    import pandas as pd

    from benchmarks.scoring import score_clusters

    std = pd.read_pickle(folder / "standardised.pkl")
    truth = pd.read_pickle(folder / "truth.pkl")
    clusters = pd.read_csv(clusters_csv, dtype=str).set_index("record_id")["cluster_id"]
    predicted = clusters.reindex(std["record_id"].astype(str)).to_numpy()
    figures = score_clusters(predicted, truth["true_entity_id"].to_numpy(), truth["variant_kinds"])
    return {k: round(v, 4) for k, v in figures.items() if k.startswith("pair_")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entities", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=20261126)
    parser.add_argument("--ours", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--prepare", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--score", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.ours:
        run_ours(args.ours)
        return
    if args.prepare:
        prepare(args.entities, args.seed, args.prepare)
        return
    if args.score:
        import pandas as pd

        n = len(pd.read_pickle(args.score / "truth.pkl"))
        print(
            json.dumps(
                [_f1(args.score, args.score / "ours.csv"), _f1(args.score, args.score / "splink.csv"), n]
            )
        )
        return
    ensure_splink_venv()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        # Everything heavy runs in children: a child's peak memory starts from its parent's size.
        subprocess.run(
            [
                sys.executable,
                "-m",
                "benchmarks.bench_dedupe_splink",
                "--prepare",
                str(folder),
                "--entities",
                str(args.entities),
                "--seed",
                str(args.seed),
            ],
            check=True,
        )
        ours = _child([sys.executable, "-m", "benchmarks.bench_dedupe_splink", "--ours", str(folder)])
        splink = _child(
            [
                str(SPLINK_PYTHON),
                str(SPLINK_CHILD),
                str(folder / "standardised.csv"),
                str(folder / "splink.csv"),
            ]
        )
        figures = subprocess.run(
            [sys.executable, "-m", "benchmarks.bench_dedupe_splink", "--score", str(folder)],
            check=True,
            capture_output=True,
            text=True,
        )
        ours_fig, splink_fig, n = json.loads(figures.stdout.strip().splitlines()[-1])
    print(f"{n:,} standardised partner records ({args.entities:,} true entities)\n")
    print("| system | wall s | peak MB | pair P | pair R | pair F1 |")
    print("|---|---:|---:|---:|---:|---:|")
    print(
        f"| channel-mdm | {ours['seconds']} | {ours['peak_mb']:,} | {ours_fig['pair_precision']} | "
        f"{ours_fig['pair_recall']} | {ours_fig['pair_f1']} |"
    )
    print(
        f"| Splink 5 (DuckDB) | {splink['seconds']} | {splink['peak_mb']:,} | {splink_fig['pair_precision']} | "
        f"{splink_fig['pair_recall']} | {splink_fig['pair_f1']} |"
    )
    print(f"\nSplink / channel-mdm wall time: {splink['seconds'] / max(ours['seconds'], 0.1):.2f}×")


if __name__ == "__main__":
    main()
