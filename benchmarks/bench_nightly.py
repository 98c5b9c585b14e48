"""What a quiet night costs: reading every source again versus skipping the unchanged ones, and the
per-source change detection on top.

Run: ``.venv/bin/python -m benchmarks.bench_nightly --scale 5``

Generates the sample at ``--scale`` under ``benchmarks/.work/nightly_<scale>/`` (reused when present), then,
in one process and alternating ``--repeat`` times: ingests every source with no remembered reads (a full
read, as night 1 or a changed file does), ingests again with every file remembered (night 2 when no
export changed: every file skipped), and times the row hashing and comparison that say what changed per
source. Reports best-of wall and CPU times and the ratio full read / skipped read from the same run.

``--match-partners N`` times night-2 matching instead: ``N`` generated partner records are matched in full
(night 1, which also gives the saved model and the crosswalk); night 2 changes ``--changed`` of them (half
new records, half a new phone number) and removes a quarter as many; then, alternating ``--repeat`` times
in one process, matches night 2 in full and incrementally (:mod:`mdm.incremental`) from night 1's
crosswalk and model. Reports best-of wall and CPU times, the ratio full / incremental, the pairs each
scored and how many records the two put in different golden records.
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
    parser.add_argument(
        "--match-partners",
        type=int,
        default=0,
        help="time night-2 matching of this many generated partners, incremental against full",
    )
    parser.add_argument(
        "--changed", type=float, default=0.01, help="share of partners new or changed on night 2"
    )
    args = parser.parse_args()
    if args.match_partners:
        time_matching(args.match_partners, args.changed, args.repeat)
        return

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


def _night_two(records: pd.DataFrame, changed: float, seed: int = 7) -> pd.DataFrame:
    """Night 1's partner records with ``changed`` of them new or with a new phone, and a few removed."""
    import numpy as np

    from benchmarks.bench_dedupe_accuracy import load_generated

    rng = np.random.default_rng(seed)
    n = len(records)
    picked = rng.permutation(n)
    edited = picked[: int(n * changed / 2)]
    removed = picked[len(edited) : len(edited) + int(n * changed / 4)]
    night = records.copy()
    night.loc[edited, "phone"] = [f"139{rng.integers(10**8):08d}" for _ in edited]
    fresh, _ = load_generated(int(n * changed / 2 / 2.1) + 10, seed + 1, "partner")
    fresh = fresh.head(int(n * changed / 2)).drop(columns="record_id")
    fresh["source_record_id"] = "N2-" + fresh["source_record_id"].astype(str)
    return pd.concat([night.drop(index=removed), fresh], ignore_index=True)


def time_matching(size: int, changed: float, repeat: int) -> None:
    """Night-2 matching of ``size`` generated partners, full against incremental, same process."""
    from benchmarks.bench_dedupe_accuracy import load_generated
    from mdm.incremental import PreviousMatch, load_match_state, save_match_state
    from mdm.model import ModelParameters
    from mdm.parties import match_parties, record_ids, specs_for
    from migration.source_changes import new_or_changed_rows

    first, _ = load_generated(int(size / 2.1) + 100, 20261129, "partner")
    first = first.head(size).drop(columns="record_id").reset_index(drop=True)
    trust = {system: rank for rank, system in enumerate(sorted(first["source_system"].unique()), 1)}
    night_one = match_parties("partner", first, trust)
    crosswalk = night_one.golden.crosswalk
    second = _night_two(first, changed)
    mask = new_or_changed_rows(second, "partner", source_row_hashes(first, "partner")).to_numpy()
    changed_ids = frozenset(record_ids(second)[mask])
    state = night_one.state
    models = {kind: ModelParameters.from_json(text) for kind, text in night_one.models.items()}
    runs: dict[str, list[tuple[float, float]]] = {"full": [], "incremental": []}
    results = {}
    for _ in range(repeat):
        for mode in ("full", "incremental"):
            previous = PreviousMatch(changed_ids, models, state) if mode == "incremental" else None
            result, wall, cpu = _timed(
                lambda previous=previous: match_parties(
                    "partner",
                    second,
                    trust,
                    existing_crosswalk=crosswalk,
                    previous=previous,
                    changed_record_ids=changed_ids,
                )
            )
            runs[mode].append((wall, cpu))
            results[mode] = result
    golden = {
        mode: result.golden.crosswalk.set_index(["source_system", "source_record_id"])["golden_id"]
        for mode, result in results.items()
    }
    both = pd.DataFrame(
        {"full": golden["full"], "incremental": golden["incremental"].reindex(golden["full"].index)}
    )
    # a record's cluster is the same when the records sharing its golden id are the same in both
    together = both.groupby(["full", "incremental"])["full"].transform("size")
    same = (together == both.groupby("full")["full"].transform("size")) & (
        together == both.groupby("incremental")["full"].transform("size")
    )
    unchanged = ~pd.Index(record_ids(second)).isin(list(changed_ids))
    stayed = pd.Series(
        unchanged, index=pd.MultiIndex.from_frame(second[["source_system", "source_record_id"]])
    )
    before = crosswalk.set_index(["source_system", "source_record_id"])["golden_id"]
    unchanged_rows = stayed.reindex(both.index).to_numpy()
    was = before.reindex(both.index)[unchanged_rows]
    kept_id = {
        mode: int((ids.reindex(both.index)[unchanged_rows] == was).sum()) for mode, ids in golden.items()
    }
    removed = len(set(record_ids(first)) - set(record_ids(second)))
    print(
        f"night 2: {len(second):,} partner records, {len(changed_ids):,} new or changed, {removed:,} removed "
        f"(night 1: {len(first):,}); best of {repeat}"
    )
    for mode in ("full", "incremental"):
        wall, cpu = min(runs[mode])
        matching = results[mode].matching
        print(
            f"  {mode:<12} {wall:6.2f} s wall {cpu:6.2f} s CPU  {matching.records_compared:>9,} records compared "
            f"{matching.pairs_scored:>10,} pairs scored {matching.golden_touched:>7,} golden records touched "
            f"{matching.golden_recomputed:>7,} recomputed"
        )
    with tempfile.TemporaryDirectory() as tmp:
        _, save_wall, _ = _timed(lambda: save_match_state(Path(tmp), results["incremental"].state))
        _, load_wall, _ = _timed(lambda: load_match_state(Path(tmp), "partner", specs_for("partner")))
    print(
        f"  saving the match state {save_wall:.2f} s wall, reading it back {load_wall:.2f} s wall (each night)"
    )
    full, incremental = min(runs["full"]), min(runs["incremental"])
    print(f"  full / incremental: {full[0] / incremental[0]:.1f}x wall, {full[1] / incremental[1]:.1f}x CPU")
    print(
        f"  records whose cluster differs from the full match's: {int((~same).sum()):,} "
        f"({int((~same & unchanged_rows).sum()):,} of them unchanged); "
        f"unchanged records keeping night 1's golden id: full {kept_id['full']:,}, "
        f"incremental {kept_id['incremental']:,} of {int(unchanged.sum()):,}"
    )


if __name__ == "__main__":
    main()
