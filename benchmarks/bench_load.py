"""Store load speed, before and after, on SQLite and PostgreSQL, in the same run.

"Before" is ``migration/load.py`` as it was at ``--baseline`` (a git revision), imported from git
beside the current one; "after" is the current loader. Both load the same generated frames
(partners, products, prices, balances, order lines, crosswalk) into a fresh store, one timed
``load_all`` each, alternating, best of ``--repeat``. PostgreSQL runs when
``CHANNEL_MDM_BENCH_POSTGRES_URL`` or ``CHANNEL_MDM_TEST_POSTGRES_URL`` reaches a server (a throwaway
database is created and dropped).

Run: ``.venv/bin/python -m benchmarks.bench_load`` (default 200,000 order lines; ``--orders`` to change).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import secrets
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import DDL, create_engine
from sqlalchemy.engine import make_url

from channel_mdm.settings import PROJECT_ROOT, redact_url
from migration.load import load_all
from migration.store import create_store_engine, upgrade_store

BASELINE = "eefc058"
"""The loader before COPY/executemany bulk paths and row quarantine."""


def make_frames(orders: int) -> dict[str, pd.DataFrame]:
    """Text frames as the pipeline hands them to the loader, ``orders`` order lines and the rest in proportion."""
    partners = max(orders // 20, 10)
    products = max(orders // 200, 10)
    golden = [f"P{i:08d}" for i in range(partners)]
    skus = [f"SKU{i:06d}" for i in range(products)]
    partner = pd.DataFrame({
        "golden_id": golden, "partner_name": [f"经销商{i}商贸有限公司" for i in range(partners)],
        "channel_tier": ["1", "2"] * (partners // 2) + ["1"] * (partners % 2),
        "sales_region": "华南", "phone": "0755-12345678", "source_count": "1",
        "primary_source_system": "ERP", "primary_source_record_id": [f"R{i}" for i in range(partners)],
    })  # fmt: skip
    product = pd.DataFrame({
        "sku_code": skus, "product_name": [f"产品{i} 500ml" for i in range(products)], "spec": "500ml×12瓶/箱",
        "net_content": "500", "units_per_case": "12", "tax_rate": "0.13", "status": "active",
    })  # fmt: skip
    price = pd.DataFrame({
        "sku_code": skus * 2, "price_tier": ["tier1"] * products + ["retail"] * products, "sales_region": "华南",
        "price": [f"{100 + i % 50}.{i % 100:02d}" for i in range(products * 2)], "currency": "CNY",
        "effective_from": "2026-01-01",
    })  # fmt: skip
    balance = pd.DataFrame({
        "source_system": "ERP", "partner_record_id": [f"R{i}" for i in range(partners)],
        "partner_golden_id": golden, "as_of_date": "2026-10-31",
        "balance_amount": [f"{(i * 37) % 100000}.{i % 100:02d}" for i in range(partners)], "currency": "CNY",
    })  # fmt: skip
    order = pd.DataFrame({
        "source_system": "ERP", "order_no": [f"SO{i // 3:08d}" for i in range(orders)],
        "line_no": [str(1 + i % 3) for i in range(orders)],
        "partner_record_id": [f"R{i % partners}" for i in range(orders)],
        "partner_golden_id": [golden[i % partners] for i in range(orders)],
        "order_date": [f"2026-{1 + i % 12:02d}-{1 + i % 28:02d}" for i in range(orders)],
        "sku_code": [skus[i % products] for i in range(orders)], "quantity": [str(1 + i % 9) for i in range(orders)],
        "unit_price": "113.00", "amount": [f"{113 * (1 + i % 9)}.00" for i in range(orders)], "status": "closed",
    })  # fmt: skip
    crosswalk = pd.DataFrame({
        "entity": "partner", "source_system": "ERP", "source_record_id": [f"R{i}" for i in range(partners)],
        "golden_id": golden, "match_decision": "singleton",
    })  # fmt: skip
    return {
        "partner": partner, "product": product, "price": price, "balance": balance, "order_line": order,
        "crosswalk": crosswalk,
    }  # fmt: skip


def baseline_loader(revision: str) -> Callable[..., Any] | None:
    """``load_all`` from ``migration/load.py`` at ``revision``, or ``None`` when git cannot show it."""
    try:
        source = subprocess.run(
            ["git", "show", f"{revision}:migration/load.py"],
            cwd=PROJECT_ROOT,
            capture_output=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    path = Path(tempfile.mkdtemp()) / "baseline_load.py"
    path.write_bytes(source)
    spec = importlib.util.spec_from_file_location("baseline_load", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module.load_all


def _time_load(loader: Callable[..., Any], url: str, frames: dict[str, pd.DataFrame]) -> float:
    engine = create_store_engine(url)
    try:
        upgrade_store(engine)
        started = time.perf_counter()
        loader(engine, frames, "BENCH")
        return time.perf_counter() - started
    finally:
        engine.dispose()


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

    frames = make_frames(args.orders)
    rows = sum(len(f) for f in frames.values())
    variants: dict[str, Callable[..., Any]] = {"after": load_all}
    before = baseline_loader(args.baseline)
    if before is None:
        print(f"git cannot show {args.baseline}:migration/load.py; measuring 'after' only", file=sys.stderr)
    else:
        variants = {"before": before, "after": load_all}
    backends: dict[str, Callable[[], str]] = {}
    folder = Path(tempfile.mkdtemp(prefix="bench_load_"))
    backends["sqlite"] = lambda: _fresh_sqlite(folder)
    server = os.environ.get("CHANNEL_MDM_BENCH_POSTGRES_URL") or os.environ.get(
        "CHANNEL_MDM_TEST_POSTGRES_URL"
    )
    postgres = None
    if server:
        try:
            postgres = _Postgres(server)
            postgres.admin.connect().close()
            backends["postgresql"] = postgres.fresh
        except Exception as exc:
            print(
                f"PostgreSQL at {redact_url(server)} not reachable ({type(exc).__name__}); skipped",
                file=sys.stderr,
            )
            postgres = None

    print(f"{rows:,} rows ({args.orders:,} order lines), {os.cpu_count()} cores, {platform.python_version()}")
    results: dict[str, dict[str, float]] = {}
    try:
        for backend, fresh in backends.items():
            best: dict[str, float] = {}
            for _ in range(args.repeat):
                for name, loader in variants.items():
                    seconds = _time_load(loader, fresh(), frames)
                    best[name] = min(best.get(name, seconds), seconds)
            results[backend] = {f"{n}_rows_per_s": rows / s for n, s in best.items()}
            line = ", ".join(f"{n} {rows / s:,.0f} rows/s ({s:.1f} s)" for n, s in best.items())
            if "before" in best:
                line += f", ratio {best['before'] / best['after']:.2f}x"
            print(f"{backend:<11} {line}", flush=True)
    finally:
        if postgres is not None:
            postgres.close()
    if args.json:
        args.json.write_text(json.dumps({"rows": rows, "orders": args.orders, "results": results}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
