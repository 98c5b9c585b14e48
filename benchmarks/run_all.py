"""Run every benchmark behind BENCHMARKS.md, one after another, each in its own process.

Run: ``make bench`` (or ``.venv/bin/python -m benchmarks.run_all [--quick]``). ``--quick`` runs
each at a small size to check that it still works; the figures in BENCHMARKS.md come from the
full sizes each benchmark module documents in its docstring.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time

BENCHMARKS: dict[str, tuple[list[str], list[str]]] = {
    # module: (full-size arguments, quick arguments)
    "benchmarks.bench_ingest": ([], ["--csv-rows", "20000", "--xlsx-rows", "5000"]),
    "benchmarks.bench_load": ([], ["--orders", "20000", "--repeat", "1"]),
    "benchmarks.bench_golden_lifecycle": ([], ["--partners", "2000", "--repeat", "1"]),
    "benchmarks.bench_compare": ([], ["--rows", "20000"]),
    "benchmarks.bench_compare_scale": ([], ["--rows", "20000", "--pg-rows", "20000"]),
    "benchmarks.bench_standardise": ([], ["--rows", "20000"]),
    "benchmarks.bench_dedupe_accuracy": ([], []),
    "benchmarks.bench_dedupe_scale": ([], ["--sizes", "20000"]),
    "benchmarks.bench_expectations": ([], ["--rows", "20000"]),
    "benchmarks.bench_dedupe_public": ([], ["--sets", "fake_1000", "patstat", "--variants", "name"]),
    "benchmarks.bench_product_crosswalk": ([], ["--products", "300"]),
    "benchmarks.bench_hierarchy": ([], ["--partners", "2000"]),
    "benchmarks.bench_nightly": ([], ["--scale", "0.5", "--repeat", "1"]),
    "benchmarks.bench_households": ([], ["--households", "300"]),
    "benchmarks.bench_export_writings": ([], ["--entities", "1000"]),
    "benchmarks.bench_one_column_names": ([], ["--sets", "fake_1000", "--variants", "name"]),
}


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--quick", action="store_true", help="small sizes: check the benchmarks run, not the figures"
    )
    parser.add_argument(
        "only", nargs="*", help="run only benchmarks whose module name contains one of these words"
    )
    args = parser.parse_args()
    failed = []
    for module, (full, quick) in BENCHMARKS.items():
        if args.only and not any(word in module for word in args.only):
            continue
        command = [sys.executable, "-m", module, *(quick if args.quick else full)]
        print(f"\n=== {' '.join(command[1:])}", flush=True)
        started = time.perf_counter()
        if subprocess.run(command).returncode != 0:
            failed.append(module)
        print(f"=== {module}: {time.perf_counter() - started:.0f} s", flush=True)
    if failed:
        print("failed: " + ", ".join(failed), file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
