"""What keeping the golden record's life in the store costs a rerun load, before and after, same run.

A store holds ``--partners`` golden partners (one ERP record each, a balance each, lineage for
``FIELDS`` attributes each). The timed load is the next run: 1 % of the partners have a new phone
number and 0.1 % were merged into another partner by a steward. "Before" is ``migration/load.py`` at
``--baseline`` (imported from git beside the current code, as ``benchmarks.bench_load`` does) loading
the same golden records, balances and crosswalk with neither lineage nor retirements; "after" is the
current loader, which also loads the lineage, retires the merged-away ids into aliases (repointing their
balances) and appends the history; "after without lineage" is the current loader given the "before"
frames and the retirements (aliases and history, no lineage). Each variant loads into its own copy of the same first-load store,
alternating, best of ``--repeat``. PostgreSQL runs too when ``CHANNEL_MDM_BENCH_POSTGRES_URL`` or
``CHANNEL_MDM_TEST_POSTGRES_URL`` reaches a server.

Run: ``.venv/bin/python -m benchmarks.bench_golden_lifecycle`` (default 20,000 partners).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from benchmarks.bench_load import store_backends
from foundation.settings import PROJECT_ROOT
from migration.load import load_all
from migration.store import create_store_engine, upgrade_store

BASELINE = "80ebf98"
"""The loader before aliases, lineage and history."""
FIELDS = (
    "partner_name",
    "uscc",
    "uscc_status",
    "phone",
    "province",
    "city",
    "district",
    "address",
    "email",
    "status",
)


def baseline_loader(revision: str) -> Callable[..., Any] | None:
    """``load_all`` from ``migration/load.py`` at ``revision`` (run against this tree's other modules), or
    ``None`` when git cannot show it. The error type it imports from the command-line package now lives in
    ``foundation``; it is aliased for the old file only."""
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
    path.write_bytes(source.replace(b"from channel_mdm.errors import", b"from foundation.errors import"))
    spec = importlib.util.spec_from_file_location("baseline_load", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module.load_all


def make_runs(partners: int) -> tuple[dict[str, pd.DataFrame], dict[str, pd.DataFrame], pd.DataFrame]:
    """The first load's frames, the next run's frames, and the next run's retirements."""
    golden = [f"P{i + 1:08d}" for i in range(partners)]
    records = [f"R{i}" for i in range(partners)]
    partner = pd.DataFrame({
        "golden_id": golden, "partner_name": [f"经销商{i}商贸有限公司" for i in range(partners)],
        "uscc": "914403001922038216", "uscc_status": "valid", "phone": "+8675512345678", "province": "广东省",
        "city": "深圳市", "district": "南山区", "address": [f"科技园路{i}号" for i in range(partners)],
        "email": [f"p{i}@example.com" for i in range(partners)], "status": "active", "source_count": 1,
        "primary_source_system": "ERP", "primary_source_record_id": records,
    })  # fmt: skip
    balance = pd.DataFrame({
        "source_system": "ERP", "partner_record_id": records, "partner_golden_id": golden,
        "as_of_date": "2026-10-31", "balance_amount": [f"{(i * 37) % 100000}.00" for i in range(partners)],
    })  # fmt: skip
    crosswalk = pd.DataFrame({
        "entity": "partner", "source_system": "ERP", "source_record_id": records, "golden_id": golden,
        "match_decision": "singleton",
    })  # fmt: skip
    lineage = pd.DataFrame({
        "entity": "partner", "golden_id": [g for g in golden for _ in FIELDS], "field": list(FIELDS) * partners,
        "source_system": "ERP", "source_record_id": [r for r in records for _ in FIELDS], "rule": "only_value",
    })  # fmt: skip
    first = {"partner": partner, "balance": balance, "crosswalk": crosswalk, "golden_lineage": lineage}

    merged = list(range(1, partners, 1000))  # partner i is merged into partner i - 1
    survivor = {golden[i]: golden[i - 1] for i in merged}
    changed = partner.index % 100 == 0
    next_partner = partner.assign(phone=partner["phone"].mask(changed, "+8675587654321"))
    next_partner = next_partner[~next_partner["golden_id"].isin(survivor)]
    next_partner.loc[next_partner["golden_id"].isin(set(survivor.values())), "source_count"] = 2
    following = {
        "partner": next_partner,
        "balance": balance.assign(partner_golden_id=balance["partner_golden_id"].replace(survivor)),
        "crosswalk": crosswalk.assign(golden_id=crosswalk["golden_id"].replace(survivor)),
        "golden_lineage": lineage[~lineage["golden_id"].isin(survivor)],
    }
    retired = pd.DataFrame(
        {"entity": "partner", "retired_golden_id": list(survivor), "golden_id": list(survivor.values()),
         "cause_file": "review.xlsx"}
    )  # fmt: skip
    return first, following, retired


def _time_rerun(
    loader: Callable[..., Any], url: str, first: dict, following: dict, kwargs: dict[str, Any]
) -> float:
    engine = create_store_engine(url)
    try:
        upgrade_store(engine)
        load_all(engine, first, "B1")
        started = time.perf_counter()
        loader(engine, following, "B2", **kwargs)
        return time.perf_counter() - started
    finally:
        engine.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--partners", type=int, default=20_000, help="golden partners (default 20,000)")
    parser.add_argument(
        "--repeat", type=int, default=2, help="loads per variant and backend; the best counts"
    )
    parser.add_argument(
        "--baseline", default=BASELINE, help=f"git revision of the 'before' loader ({BASELINE})"
    )
    args = parser.parse_args()

    first, following, retired = make_runs(args.partners)
    before = baseline_loader(args.baseline)
    if before is None:
        print(f"git cannot show {args.baseline}:migration/load.py", file=sys.stderr)
        return 1
    plain = {k: v for k, v in following.items() if k != "golden_lineage"}
    variants = {
        "before": (before, plain, {}),
        "after without lineage": (load_all, plain, {"retired": retired}),
        "after": (load_all, following, {"retired": retired}),
    }
    backends, postgres = store_backends("bench_golden_")
    rows = {name: sum(len(f) for f in frames.values()) for name, (_, frames, _) in variants.items()}
    print(
        f"{args.partners:,} partners; rerun: {rows['before']:,} rows before, {rows['after']:,} with lineage; "
        f"{len(retired):,} merged away; {os.cpu_count()} cores, {platform.python_version()}"
    )
    try:
        for backend, fresh in backends.items():
            best: dict[str, float] = {}
            for _ in range(args.repeat):
                for name, (loader, frames, kwargs) in variants.items():
                    seconds = _time_rerun(loader, fresh(), first, frames, kwargs)
                    best[name] = min(best.get(name, seconds), seconds)
            print(
                f"{backend:<11} "
                + ", ".join(f"{name} {s:.2f} s ({s / best['before']:.2f}x)" for name, s in best.items()),
                flush=True,
            )
    finally:
        if postgres is not None:
            postgres.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
