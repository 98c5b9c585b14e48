"""Speed of ``channel-mdm compare`` on generated customer files, full and sampled mode.

Writes an old and a new CSV of ``--rows`` customers (code, name, tier, balance, currency, date; the new side
formatted the way another system writes the same values) under a temporary folder, then times
:func:`migration.cutover.run_comparison` in full mode (every field of every row, hash and control totals)
and in sampled mode (monetary-unit sampling over the balance), each followed by writing the reports.

Run: ``.venv/bin/python -m benchmarks.bench_compare`` (default 200,000 rows per side).
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import resource
import sys
import tempfile
import time
from pathlib import Path

import yaml

from migration.cutover import load_compare_config, run_comparison
from migration.cutover.report import write_comparison_reports

OLD = ["客户编码", "客户名称", "渠道级别", "应收余额", "币种", "建档日期"]
NEW = ["code", "name", "tier", "balance", "currency", "created_on"]


def write_sides(folder: Path, rows: int) -> None:
    tiers = ("一批", "二批")
    with (
        (folder / "old.csv").open("w", encoding="utf-8", newline="") as old_file,
        (folder / "new.csv").open("w", encoding="utf-8", newline="") as new_file,
    ):
        old, new = csv.writer(old_file), csv.writer(new_file)
        old.writerow(OLD)
        new.writerow(NEW)
        for i in range(rows):
            amount = f"{(i * 37) % 1_000_000:,}.{i % 100:02d}"
            day = f"2020/{1 + i % 12:02d}/{1 + i % 28:02d}"
            old.writerow([f"C{i:07d}", f"客户{i}商贸有限公司", tiers[i % 2], amount, "CNY", day])
            new.writerow([f"C{i:07d}", f"客户{i}商贸有限公司", str(1 + i % 2), amount.replace(",", ""), "CNY",
                          day.replace("/", "-")])  # fmt: skip


def config(folder: Path, mode: str) -> Path:
    entity = {
        "label": "customers", "old": {"file": "old.csv"}, "new": {"file": "new.csv"}, "key": ["客户编码"],
        "columns": dict(zip(OLD, NEW, strict=True)),
        "rules": {"渠道级别": {"value_map": {"一批": "1", "二批": "2"}},
                  "应收余额": {"kind": "money", "absolute_tolerance": 0.005}, "建档日期": {"kind": "date"}},
        "control_totals": [{"sum": "应收余额", "by": ["渠道级别"]}],
        "amount_column": "应收余额",
    }  # fmt: skip
    path = folder / f"{mode}.yaml"
    path.write_text(yaml.safe_dump({"mode": mode, "entities": {"customer": entity}}, allow_unicode=True))
    return path


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=200_000, help="customers per side (default 200,000)")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench_compare_"))
    write_sides(folder, args.rows)
    print(
        f"{args.rows:,} rows per side, 6 columns, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    for mode in ("full", "sampled"):
        started, cpu = time.perf_counter(), time.process_time()
        result = run_comparison(load_compare_config(config(folder, mode)))
        write_comparison_reports(result, folder / mode)
        wall, used = time.perf_counter() - started, time.process_time() - cpu
        verdict = "ACCEPTED" if result.accepted else "NOT ACCEPTED"
        print(
            f"{mode:<8} {wall:6.1f} s wall, {used:6.1f} s CPU, {args.rows / wall:,.0f} rows/s per side ({verdict})"
        )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory {peak:,.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
