"""The cut-over gate at scale, each figure beside a baseline measured in the same run.

1. **Full comparison, file against SQLite, beside datacompy.** An old csv and a new SQLite table of
   ``--rows`` customers (default 1,000,000; 6 columns, the same formats on both sides so datacompy needs
   no value maps) with planted defects: one balance in 1,000 changed by 1.00 and one name in 2,000 changed.
   ``channel-mdm compare`` (full mode: every field of every record, hash totals, reports written) and
   datacompy (``Compare`` with the same tolerance, its text report) run on the same files, each in its own
   process; datacompy lives in ``benchmarks/.venv-datacompy`` (created on first use, never a project
   dependency). Both must find the same mismatched rows.
2. **Sampled comparison against PostgreSQL.** Two tables of ``--pg-rows`` customers (default 10,000,000)
   generated on the server with ``INSERT … SELECT generate_series`` (the new one with one balance in 500
   changed), compared in sampled mode at 95 % / 0.1 % (2,995 keys drawn by hash); the baseline is streaming
   both whole tables to the client, the least a whole-table comparison must do. The tables are dropped
   afterwards unless ``--keep-tables`` (then a later run with it reuses them). Needs
   ``CHANNEL_MDM_BENCH_POSTGRES_URL`` or ``CHANNEL_MDM_TEST_POSTGRES_URL``.
3. **The same with control totals** (``--control-totals``): balance per tier and currency and per month,
   worked out on the server (both sides given as tables) against the same tables given as queries of the
   columns every row needs (the name left blank), which the comparison reads whole and adds up itself, as
   it did with tables before control totals were worked out on the server; run alternately,
   ``--rounds`` times each. Both must state the same totals.
4. **The same drawing by monetary unit** (``--monetary-unit``): ``amount_column`` the balance, the sample
   drawn on the server against from the rows read whole, alternately; both must draw the same keys.

Run: ``.venv/bin/python -m benchmarks.bench_compare_scale [--rows N] [--pg-rows N] [--skip-datacompy] [--skip-postgres]
[--keep-tables] [--control-totals] [--monetary-unit] [--rounds N] [--skip-read-whole]``
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import secrets
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import sqlalchemy as sa
import yaml

from foundation.settings import PROJECT_ROOT, redact_url

DATACOMPY_PYTHON = Path(__file__).with_name(".venv-datacompy") / "bin" / "python"
DATACOMPY_REQUIREMENT = "datacompy>=0.16,<0.17"
DATACOMPY_CHILD = Path(__file__).with_name("datacompy_compare_child.py")
OLD = ["客户编码", "客户名称", "渠道级别", "应收余额", "币种", "建档日期"]
NEW = ["code", "name", "tier", "balance", "currency", "created_on"]
OURS = """
import hashlib, json, resource, sys, time
from pathlib import Path
from migration.cutover import load_compare_config, run_comparison
from migration.cutover.report import write_comparison_reports
started, cpu = time.perf_counter(), time.process_time()
result = run_comparison(load_compare_config(Path(sys.argv[1])))
write_comparison_reports(result, Path(sys.argv[2]))
checks = {c.check: c for c in result.checks}
print(json.dumps({
    "seconds": time.perf_counter() - started,
    "cpu_seconds": time.process_time() - cpu,
    "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "accepted": result.accepted,
    "mismatched_rows": checks["fields"].figures.get("records_with_differences") if "fields" in checks else None,
    "statement": checks["sample"].statement if "sample" in checks else checks["fields"].statement,
    "control_totals": [c.statement for c in result.checks if c.check == "control_totals"],
    "sampled_keys": hashlib.sha256("".join(f"{k.key} {k.units}\\n" for k in result.sampled_keys).encode()).hexdigest(),
}))
"""


def ensure_datacompy_venv() -> Path:
    """Create ``benchmarks/.venv-datacompy`` with datacompy unless it exists; return its python."""
    if not DATACOMPY_PYTHON.exists():
        print(f"creating {DATACOMPY_PYTHON.parent.parent} with {DATACOMPY_REQUIREMENT} …", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", str(DATACOMPY_PYTHON.parent.parent)], check=True)
        subprocess.run(
            [str(DATACOMPY_PYTHON), "-m", "pip", "install", "--quiet", DATACOMPY_REQUIREMENT], check=True
        )
    return DATACOMPY_PYTHON


def customer(i: int) -> list[str]:
    return [f"C{i:08d}", f"客户{i}商贸有限公司", ("一批", "二批")[i % 2], f"{(i * 37) % 1_000_000}.{i % 100:02d}",
            "CNY", f"{2015 + i % 10}-{1 + i % 12:02d}-{1 + i % 28:02d}"]  # fmt: skip


def write_file_and_sqlite(folder: Path, rows: int) -> tuple[Path, Path, int]:
    """The old csv, the new SQLite file, and how many rows carry a planted defect."""
    old_csv, new_db = folder / "old.csv", folder / "new.sqlite"
    defective = 0
    with sqlite3.connect(new_db) as connection, old_csv.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(OLD)
        connection.execute(f"CREATE TABLE customer ({', '.join(f'{c} TEXT' for c in NEW)})")
        batch: list[list[str]] = []
        for i in range(rows):
            row = customer(i)
            writer.writerow(row)
            new = list(row)
            if i % 1000 == 999:
                new[3] = f"{float(row[3]) + 1:.2f}"
            if i % 2000 == 1234:
                new[1] = row[1] + "（改）"
            defective += new != row
            batch.append(new)
            if len(batch) == 100_000:
                connection.executemany("INSERT INTO customer VALUES (?, ?, ?, ?, ?, ?)", batch)
                batch = []
        connection.executemany("INSERT INTO customer VALUES (?, ?, ?, ?, ?, ?)", batch)
    return old_csv, new_db, defective


def entity(old: dict, new: dict) -> dict:
    return {
        "label": "customers", "old": old, "new": new, "key": ["客户编码"],
        "columns": dict(zip(OLD, NEW, strict=True)),
        "rules": {"应收余额": {"kind": "money", "absolute_tolerance": 0.005}, "建档日期": {"kind": "date"}},
    }  # fmt: skip


def run_ours(config: Path, out: Path, env: dict[str, str] | None = None) -> dict:
    child = subprocess.run(
        [sys.executable, "-c", OURS, str(config), str(out)],
        cwd=PROJECT_ROOT, capture_output=True, text=True, check=True, env={**os.environ, **(env or {})},
    )  # fmt: skip
    return json.loads(child.stdout.strip().splitlines()[-1])


def bench_against_datacompy(rows: int) -> dict:
    folder = Path(tempfile.mkdtemp(prefix="bench_compare_scale_"))
    old_csv, new_db, defective = write_file_and_sqlite(folder, rows)
    config = folder / "full.yaml"
    spec = entity({"file": str(old_csv)}, {"url_env": "BENCH_NEW_URL", "table": "customer"})
    config.write_text(yaml.safe_dump({"mode": "full", "entities": {"customer": spec}}, allow_unicode=True))
    python = ensure_datacompy_venv()
    ours = run_ours(config, folder / "out", {"BENCH_NEW_URL": f"sqlite:///{new_db}"})
    child = subprocess.run(
        [str(python), str(DATACOMPY_CHILD), str(old_csv), str(new_db), "customer"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    theirs = json.loads(child.stdout.strip().splitlines()[-1])
    return {"rows": rows, "planted_defective_rows": defective, "channel_mdm": ours, "datacompy": theirs}


def _customers_select(rows: int, defect_every: int | None) -> sa.Select:
    series = sa.select(func_series(rows)).subquery()
    g = series.c.g
    balance = sa.cast((g * 37) % 1_000_000, sa.Numeric(14, 2)) + sa.cast(g % 100, sa.Numeric(14, 2)) / 100
    if defect_every:
        balance = sa.case((g % defect_every == 0, balance + 1), else_=balance)
    return sa.select(
        sa.literal("C") + sa.func.lpad(sa.cast(g, sa.Text), 8, "0"),
        sa.literal("客户") + sa.cast(g, sa.Text) + sa.literal("商贸有限公司"),
        sa.case((g % 2 == 0, "一批"), else_="二批"),
        balance,
        sa.literal("CNY"),
        sa.literal(date(2015, 1, 1)) + (g % 3650),
    )


def func_series(rows: int) -> sa.Label:
    return sa.func.generate_series(1, rows).label("g")


CONTROL_TOTALS = [
    {"sum": "应收余额", "by": ["渠道级别", "币种"]},
    {"sum": "应收余额", "by_month": "建档日期"},
]
ON_THE_SERVER = {
    "control totals": {"control_totals": CONTROL_TOTALS},
    "monetary-unit sample": {"amount_column": "应收余额"},
}
"""What ``--control-totals`` and ``--monetary-unit`` add to the sampled comparison's entity."""


def bench_postgres(
    server: str,
    rows: int,
    keep: bool = False,
    rounds: int = 0,
    read_whole: bool = True,
    added: tuple[str, ...] = (),
) -> dict:
    engine = sa.create_engine(server)
    suffix = str(rows) if keep else secrets.token_hex(3)
    metadata = sa.MetaData()
    tables = {
        side: sa.Table(
            f"bench_{side}_customer_{suffix}", metadata,
            sa.Column(names[0], sa.Text, primary_key=True), sa.Column(names[1], sa.Text), sa.Column(names[2], sa.Text),
            sa.Column(names[3], sa.Numeric(14, 2)), sa.Column(names[4], sa.Text), sa.Column(names[5], sa.Date),
        )
        for side, names in (("old", OLD), ("new", NEW))
    }  # fmt: skip
    try:
        started = time.perf_counter()
        if not (keep and _kept(engine, list(tables.values()), rows)):
            with engine.begin() as connection:
                metadata.drop_all(connection, checkfirst=True)
                metadata.create_all(connection)
                for side, table in tables.items():
                    select = _customers_select(rows, 500 if side == "new" else None)
                    connection.execute(sa.insert(table).from_select([c.name for c in table.columns], select))
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                for table in tables.values():
                    connection.execute(sa.text(f'ANALYZE "{table.name}"'))
        generated = time.perf_counter() - started
        streamed = _stream_whole_tables(engine, list(tables.values()))
        folder = Path(tempfile.mkdtemp(prefix="bench_compare_pg_"))
        spec = entity(
            {"url_env": "BENCH_PG_URL", "table": str(tables["old"].name)},
            {"url_env": "BENCH_PG_URL", "table": str(tables["new"].name)},
        )
        config = folder / "sampled.yaml"
        config.write_text(yaml.safe_dump(
            {"mode": "sampled", "confidence": 0.95, "tolerable_error_rate": 0.001, "entities": {"customer": spec}},
            allow_unicode=True,
        ))  # fmt: skip
        ours = run_ours(config, folder / "out", {"BENCH_PG_URL": server})
        figures = {
            "rows": rows,
            "generate_seconds": generated,
            "stream_both_tables_seconds": streamed,
            "channel_mdm": ours,
        }
        for what in added:
            figures[what] = _bench_on_the_server(
                server, tables, folder, rounds, ("read", "server") if read_whole else ("server",), what
            )
        return figures
    finally:
        if not keep:
            with engine.begin() as connection:
                metadata.drop_all(connection, checkfirst=True)
        engine.dispose()


def _bench_on_the_server(
    server: str, tables: dict[str, sa.Table], folder: Path, rounds: int, ways: tuple[str, ...], what: str
) -> list[dict]:
    """Sampled mode with control totals or a monetary-unit sample (``what``): tables (worked out on the
    server) and queries (read whole), alternately; both must state the same and draw the same keys."""
    light = {"old": [OLD[0], OLD[2], OLD[3], OLD[4], OLD[5]], "new": [NEW[0], NEW[2], NEW[3], NEW[4], NEW[5]]}
    configs = {}
    for how in ("read", "server"):
        sides = {
            side: {"url_env": "BENCH_PG_URL", "table": str(table.name)}
            if how == "server"
            else {
                "url_env": "BENCH_PG_URL",
                "query": "SELECT "
                + ", ".join(f'"{c}"' for c in light[side])
                + f', \'\' AS "{(OLD if side == "old" else NEW)[1]}" FROM "{table.name}"',
            }
            for side, table in tables.items()
        }
        spec = {**entity(sides["old"], sides["new"]), **ON_THE_SERVER[what]}
        configs[how] = folder / f"{what.replace(' ', '_')}_{how}.yaml"
        configs[how].write_text(yaml.safe_dump(
            {"mode": "sampled", "confidence": 0.95, "tolerable_error_rate": 0.001, "entities": {"customer": spec}},
            allow_unicode=True,
        ))  # fmt: skip
    runs = []
    for round_ in range(1, rounds + 1):
        for how in ways:
            load = os.getloadavg()[0]
            ours = run_ours(configs[how], folder / f"out_{how}", {"BENCH_PG_URL": server})
            runs.append({"round": round_, "how": how, "load_before": load, **ours})
            print(
                f"  round {round_}, {what} {'on the server' if how == 'server' else 'read whole'}: "
                f"{ours['seconds']:.1f} s, CPU {ours['cpu_seconds']:.1f} s, {ours['peak_mib']:,.0f} MiB "
                f"(load average {load:.1f})",
                flush=True,
            )
    outcomes = {
        json.dumps([r["statement"], r["control_totals"], r["sampled_keys"]], ensure_ascii=False) for r in runs
    }
    if len(outcomes) != 1:
        raise SystemExit(f"the two ways stated different {what}: {outcomes}")
    return runs


def _kept(engine: sa.Engine, tables: list[sa.Table], rows: int) -> bool:
    """Whether tables kept by an earlier ``--keep-tables`` run hold ``rows`` rows each (then they are reused)."""
    with engine.connect() as connection:
        inspector = sa.inspect(connection)
        if not all(inspector.has_table(t.name) for t in tables):
            return False
        return all(
            connection.execute(sa.select(sa.func.count()).select_from(t)).scalar_one() == rows for t in tables
        )


def _stream_whole_tables(engine: sa.Engine, tables: list[sa.Table]) -> float:
    """Every row of both tables fetched to the client and dropped: the floor of a whole-table comparison."""
    started = time.perf_counter()
    with engine.connect() as connection:
        for table in tables:
            result = connection.execution_options(stream_results=True).execute(sa.select(table))
            for _ in result.partitions(50_000):
                pass
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--rows", type=int, default=1_000_000, help="rows per side, file vs SQLite (1,000,000)"
    )
    parser.add_argument(
        "--pg-rows", type=int, default=10_000_000, help="rows per PostgreSQL table (10,000,000)"
    )
    parser.add_argument("--skip-datacompy", action="store_true")
    parser.add_argument("--skip-postgres", action="store_true")
    parser.add_argument(
        "--keep-tables",
        action="store_true",
        help="keep the PostgreSQL tables (named by their row count) for the next run, and reuse kept ones",
    )
    parser.add_argument(
        "--control-totals",
        action="store_true",
        help="also time sampled runs with control totals, on the server against read whole",
    )
    parser.add_argument(
        "--monetary-unit",
        action="store_true",
        help="also time sampled runs drawing by monetary unit, on the server against read whole",
    )
    parser.add_argument("--rounds", type=int, default=2, help="rounds of each of those (2)")
    parser.add_argument(
        "--skip-read-whole",
        action="store_true",
        help="with --control-totals, time the totals on the server only (reading 10M rows needs ~19 GiB)",
    )
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    print(
        f"{os.cpu_count()} cores, Python {platform.python_version()}, load average {os.getloadavg()[0]:.1f}"
    )
    figures: dict[str, dict] = {}
    if not args.skip_datacompy:
        result = bench_against_datacompy(args.rows)
        ours, theirs = result["channel_mdm"], result["datacompy"]
        figures["full_vs_datacompy"] = result
        print(
            f"full, {args.rows:,} rows per side (csv vs SQLite), {result['planted_defective_rows']:,} planted: "
            f"channel-mdm {ours['seconds']:.1f} s, CPU {ours['cpu_seconds']:.1f} s ({ours['peak_mib']:,.0f} MiB, "
            f"{ours['mismatched_rows']:,} rows differ), datacompy {theirs['datacompy']} {theirs['seconds']:.1f} s, "
            f"CPU {theirs['cpu_seconds']:.1f} s ({theirs['peak_mib']:,.0f} MiB, {theirs['mismatched_rows']:,} rows "
            f"differ); ratio {theirs['seconds'] / ours['seconds']:.2f}x (CPU "
            f"{theirs['cpu_seconds'] / ours['cpu_seconds']:.2f}x)",
            flush=True,
        )
    server = os.environ.get("CHANNEL_MDM_BENCH_POSTGRES_URL") or os.environ.get(
        "CHANNEL_MDM_TEST_POSTGRES_URL"
    )
    if not args.skip_postgres and server:
        result = bench_postgres(
            server,
            args.pg_rows,
            args.keep_tables,
            args.rounds,
            not args.skip_read_whole,
            tuple(
                w
                for w, on in (
                    ("control totals", args.control_totals),
                    ("monetary-unit sample", args.monetary_unit),
                )
                if on
            ),
        )
        ours = result["channel_mdm"]
        figures["sampled_postgres"] = {**result, "server": redact_url(server)}
        print(
            f"sampled, {args.pg_rows:,} rows per PostgreSQL table: channel-mdm {ours['seconds']:.1f} s, "
            f"CPU {ours['cpu_seconds']:.1f} s "
            f"({ours['peak_mib']:,.0f} MiB); streaming both whole tables {result['stream_both_tables_seconds']:.1f} s "
            f"(ratio {result['stream_both_tables_seconds'] / ours['seconds']:.2f}x); generating them "
            f"{result['generate_seconds']:.0f} s\n  {ours['statement']}",
            flush=True,
        )
        for what in ("control totals", "monetary-unit sample"):
            last = result[what][-1] if what in result else {}
            for line in [last.get("statement"), *last.get("control_totals", [])] if last else []:
                print(f"  {what}: {line}")
    if args.json:
        args.json.write_text(json.dumps(figures, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
