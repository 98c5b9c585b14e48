"""What a quiet night costs: reading every source again versus skipping the unchanged ones, and the
per-source change detection on top.

Run: ``.venv/bin/python -m benchmarks.bench_nightly --scale 5``

Generates the sample at ``--scale`` under ``benchmarks/.work/nightly_<scale>/`` (reused when present), then,
in one process and alternating ``--repeat`` times: ingests every source with no remembered reads (a full
read, as night 1 or a changed file does), ingests again with every file remembered (night 2 when no
export changed: every file skipped), and times the row hashing and comparison that say what changed per
source. Reports best-of wall and CPU times and the ratio full read / skipped read from the same run.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

import pandas as pd

from cleansing.ingest import ingest_all
from foundation.settings import PROJECT_ROOT
from migration.source_changes import detect_source_changes, source_row_hashes
from pipelines.defs.ingest import file_report_frame

WORK = Path(__file__).resolve().parent / ".work"


def _timed(function):  # type: ignore[no-untyped-def]
    wall, cpu = time.perf_counter(), time.process_time()
    result = function()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", type=float, default=5.0, help="sample size relative to the committed one")
    parser.add_argument(
        "--repeat", type=int, default=3, help="alternating runs; the best of each is reported"
    )
    args = parser.parse_args()

    from sample_data.generate import generate_sample

    sources = WORK / f"nightly_{args.scale:g}" / "sources"
    if not sources.is_dir():
        generate_sample(sources, sources.parent / "truth", scale=args.scale)
    mappings = PROJECT_ROOT / "sample_data" / "mappings"
    full, skipped, detect = [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        cache = Path(tmp) / "ingest_cache"
        for _ in range(args.repeat):
            shutil.rmtree(cache, ignore_errors=True)
            results, wall, cpu = _timed(lambda: ingest_all(mappings, sources, "N1", False, cache_dir=cache))
            full.append((wall, cpu))
            again, wall, cpu = _timed(lambda: ingest_all(mappings, sources, "N2", False, cache_dir=cache))
            skipped.append((wall, cpu))
            reports = file_report_frame(again)
            assert (reports["unchanged_since"] == "N1").all(), "every file should have been skipped"

            def changes(results=again, reports=reports):  # type: ignore[no-untyped-def]
                current = pd.concat(
                    [source_row_hashes(pd.concat([r.accepted for r in rs]), e) for e, rs in results.items()],
                    ignore_index=True,
                )
                return detect_source_changes(current, current, reports)

            _, wall, cpu = _timed(changes)
            detect.append((wall, cpu))
    rows = int(reports["rows_in"].sum())
    best = {name: min(times) for name, times in (("full", full), ("skipped", skipped), ("detect", detect))}
    print(f"sources: {len(reports)} files, {rows:,} rows (scale {args.scale:g}); best of {args.repeat}")
    for name, label in (
        ("full", "full read"),
        ("skipped", "all files skipped"),
        ("detect", "change detection"),
    ):
        wall, cpu = best[name]
        print(f"  {label:<20} {wall:6.2f} s wall {cpu:6.2f} s CPU")
    print(f"  full read / skipped: {best['full'][0] / best['skipped'][0]:.1f}x wall, "
          f"{best['full'][1] / best['skipped'][1]:.1f}x CPU")  # fmt: skip


if __name__ == "__main__":
    main()
