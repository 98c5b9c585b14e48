"""Store load speed, before and after, on SQLite and PostgreSQL, in the same run.

"Before" is the loader as it was at ``--baseline`` (a git revision: its libraries extracted with
``git archive``); "after" is the current one. Each load runs in its own child process
(:mod:`benchmarks.load_child`) on the same generated frames (partners, products, prices, balances,
order lines, crosswalk) into a fresh store: one timed ``load_all`` each, then a timed rerun of the same
frames under a new batch (the night nothing changed), alternating, best of ``--repeat``. PostgreSQL runs when
``CHANNEL_MDM_BENCH_POSTGRES_URL`` or ``CHANNEL_MDM_TEST_POSTGRES_URL`` reaches a server (a throwaway
database is created and dropped).

Run: ``.venv/bin/python -m benchmarks.bench_load`` (default 200,000 order lines; ``--orders`` to change).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import secrets
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import DDL, create_engine
from sqlalchemy.engine import make_url

from benchmarks.bench_frames import make_frames
from foundation.settings import PROJECT_ROOT, redact_url

BASELINE = "38861e0"
"""The loader before COPY was streamed in pieces (built while the server ingests the previous one) and
before its key, reference and distinct-value checks ran as C-level passes."""
TREE_PACKAGES = ["migration", "cleansing", "channel_mdm", "mdm", "expectations"]
"""What ``git archive`` extracts for the 'before' loader (the libraries the loader imports)."""


def source_tree(revision: str) -> Path | None:
    """The project's libraries as they were at ``revision`` (``git archive``), or ``None`` when git cannot."""
    folder = Path(tempfile.mkdtemp(prefix="bench_load_tree_"))
    try:
        archive = subprocess.run(
            ["git", "archive", revision, *TREE_PACKAGES], cwd=PROJECT_ROOT, capture_output=True, check=True
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    except (OSError, subprocess.CalledProcessError):
        return None
    return folder


def _time_load(tree: Path, url: str, orders: int) -> dict[str, tuple[float, float]]:
    """One load into a fresh store and its unchanged rerun, in a child process whose ``migration``
    comes from ``tree``: wall and CPU seconds (of the loading process, not the database server) of each."""
    child = subprocess.run(
        [sys.executable, "-m", "benchmarks.load_child", str(tree), url, str(orders)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    wall, cpu, rerun_wall, rerun_cpu = map(float, child.stdout.strip().splitlines()[-1].split())
    return {"load": (wall, cpu), "rerun": (rerun_wall, rerun_cpu)}


def _fresh_sqlite(folder: Path) -> str:
    path = folder / f"store_{secrets.token_hex(3)}.sqlite"
    return f"sqlite:///{path}"


class _Postgres:
    """A throwaway database per load on the server in the environment."""

    def __init__(self, server: str) -> None:
        self.server = server
        self.admin = create_engine(server, isolation_level="AUTOCOMMIT")
        self.created: list[str] = []

    def fresh(self) -> str:
        name = f"channel_mdm_bench_{secrets.token_hex(4)}"
        with self.admin.connect() as connection:
            connection.execute(DDL(f'CREATE DATABASE "{name}"'))
        self.created.append(name)
        return make_url(self.server).set(database=name).render_as_string(hide_password=False)

    def close(self) -> None:
        with self.admin.connect() as connection:
            for name in self.created:
                connection.execute(DDL(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        self.admin.dispose()


def store_backends(prefix: str) -> tuple[dict[str, Callable[[], str]], _Postgres | None]:
    """Fresh-store makers to measure on: SQLite always, PostgreSQL when ``CHANNEL_MDM_BENCH_POSTGRES_URL``
    (or the tests' URL) reaches a server; the second value is the server to close afterwards."""
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    backends: dict[str, Callable[[], str]] = {"sqlite": lambda: _fresh_sqlite(folder)}
    server = os.environ.get("CHANNEL_MDM_BENCH_POSTGRES_URL") or os.environ.get(
        "CHANNEL_MDM_TEST_POSTGRES_URL"
    )
    if not server:
        return backends, None
    try:
        postgres = _Postgres(server)
        postgres.admin.connect().close()
    except Exception as exc:
        print(
            f"PostgreSQL at {redact_url(server)} not reachable ({type(exc).__name__}); skipped",
            file=sys.stderr,
        )
        return backends, None
    backends["postgresql"] = postgres.fresh
    return backends, postgres


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--orders", type=int, default=200_000, help="order lines (default 200,000)")
    parser.add_argument(
        "--repeat", type=int, default=2, help="loads per variant and backend; the best counts"
    )
    parser.add_argument(
        "--baseline", default=BASELINE, help=f"git revision of the 'before' loader ({BASELINE})"
    )
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()

    rows = sum(len(f) for f in make_frames(args.orders).values())
    variants: dict[str, Path] = {"after": PROJECT_ROOT}
    before = source_tree(args.baseline)
    if before is None:
        print(f"git cannot archive {args.baseline}; measuring 'after' only", file=sys.stderr)
    else:
        variants = {"before": before, "after": PROJECT_ROOT}
    backends, postgres = store_backends("bench_load_")

    print(f"{rows:,} rows ({args.orders:,} order lines), {os.cpu_count()} cores, {platform.python_version()}")
    results: dict[str, dict[str, float]] = {}
    try:
        for backend, fresh in backends.items():
            best: dict[tuple[str, str], tuple[float, float]] = {}
            for _ in range(args.repeat):
                for name, tree in variants.items():
                    for load, timed in _time_load(tree, fresh(), args.orders).items():
                        best[name, load] = min(best.get((name, load), timed), timed)
            results[backend] = {f"{n}_{load}_rows_per_s": rows / w for (n, load), (w, _) in best.items()}
            for load in ("load", "rerun"):
                mine = {n: t for (n, kind), t in best.items() if kind == load}
                line = ", ".join(
                    f"{n} {rows / w:,.0f} rows/s ({w:.1f} s, CPU {c:.1f} s)" for n, (w, c) in mine.items()
                )
                if "before" in mine:
                    line += f", ratio {mine['before'][0] / mine['after'][0]:.2f}x"
                    line += f" (CPU {mine['before'][1] / mine['after'][1]:.2f}x)"
                print(f"{backend:<11} {load:<6} {line}", flush=True)
    finally:
        if postgres is not None:
            postgres.close()
    if args.json:
        args.json.write_text(json.dumps({"rows": rows, "orders": args.orders, "results": results}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
