"""How long ``standardise_parties`` takes on synthetic party records.

Run: ``.venv/bin/python -m benchmarks.bench_standardise --rows 1000000 --distinct 20000``
``--distinct`` is the number of different records duplicated to make ``--rows`` (real sources repeat
names, cities and phone formats; the standardisers work once per distinct value); several values
(``--distinct 20000 200000 1000000``) give a sweep.

``--generated 1000000`` instead standardises that many generated partner records
(``sample_data.generate_party_records``, about 2.1 records per entity, nearly all distinct) with the
dedupe benchmark's roles. Generation is slow, so the frame is cached as a pickle under ``benchmarks/.work/``
and neither timed nor counted: peak memory is reported as the growth of ``ru_maxrss`` over the run.
"""

from __future__ import annotations

import argparse
import random
import resource
import time
from pathlib import Path

import pandas as pd

from cleansing.standardise import standardise_parties

_TRADE = "华强宏达金源鑫盛恒通永泰嘉禾瑞丰隆昌天润福满"
_REGIONS = ["深圳市", "上海", "广东省广州市", "杭州", "北京市朝阳区", "", "成都市", "(深圳)"]
_INDUSTRIES = ["商贸", "食品贸易", "酒业", "日化", "科技", "供应链管理", "饮品", ""]
_FORMS = [
    "有限公司",
    "有限责任公司",
    "股份有限公司",
    "商行",
    "经营部",
    "有限公司杭州分公司",
    "有限公司南京办事处",
]
_ADDRESSES = [
    "广东省深圳市南山区科技园{n}号",
    "深圳南山区科技南路{c}号",
    "北京市朝阳区建国路{n}号",
    "杭州市临平区南苑街道{c}号",
    "浦东新区世纪大道{n}号",
    "南山区学府路{n}号",
    "",
]
_NUMERALS = "一二三四五六七八九"


def synthetic_parties(rows: int, distinct: int, seed: int = 20261126) -> pd.DataFrame:
    """``distinct`` random party records repeated to ``rows`` rows."""
    rng = random.Random(seed)
    records = []
    for i in range(distinct):
        region = rng.choice(_REGIONS)
        trade = "".join(rng.choice(_TRADE) for _ in range(rng.choice((2, 2, 3, 4))))
        name = f"{trade}{region}" if region.startswith("(") else f"{region}{trade}"
        name += rng.choice(_INDUSTRIES) + rng.choice(_FORMS)
        phone = rng.choice(
            [
                f"13{rng.randrange(10**9):09d}",
                f"0755-{rng.randrange(2 * 10**7, 9 * 10**7)}",
                f"0755-{rng.randrange(2 * 10**7, 9 * 10**7)}转{rng.randrange(100, 999)}",
                f"+86 139 {rng.randrange(10**4):04d} {rng.randrange(10**4):04d}",
                "",
                "无",
            ]
        )
        address = rng.choice(_ADDRESSES).format(n=rng.randrange(1, 999), c=rng.choice(_NUMERALS) * 2)
        records.append(
            {
                "record_id": f"P{i:07d}",
                "partner_name": name if rng.random() > 0.02 else None,
                "uscc": rng.choice(
                    ["914403001922038216", "91440300708461136T", "9.14403E+17", "", "91110108551385082Q"]
                ),
                "phone": phone,
                "address": address,
                "city": rng.choice(["深圳", "深圳市", None]),
                "email": f"user{i}@example.com",
                "contact_name": rng.choice(["张三", "李四先生", "John Smith", None]),
            }
        )
    base = pd.DataFrame(records)
    frame = base.sample(n=rows, replace=True, random_state=seed).reset_index(drop=True)
    frame["record_id"] = [f"R{i:07d}" for i in range(rows)]
    return frame


ROLES = {
    "record_id": "record_id",
    "company_name": "partner_name",
    "uscc": "uscc",
    "phone": "phone",
    "address": "address",
    "city": "city",
    "email": "email",
    "person_name": "contact_name",
}


WORK = Path(__file__).parent / ".work"


def generated_partners(size: int, seed: int = 20261126) -> pd.DataFrame:
    """``size`` generated partner records, cached under ``benchmarks/.work/``."""
    path = WORK / f"standardise_partners_{size}_{seed}.pkl"
    if path.exists():
        return pd.read_pickle(path)
    from benchmarks.bench_dedupe_accuracy import load_generated

    records, _ = load_generated(int(size / 2.1) + 100, seed, "partner")
    records = records.iloc[:size].reset_index(drop=True)
    WORK.mkdir(exist_ok=True)
    records.to_pickle(path)
    return records


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(frame: pd.DataFrame, roles: dict, label: str) -> None:
    peak_before = _peak_mb()
    started, cpu_started = time.perf_counter(), time.process_time()
    standardised = standardise_parties(frame, roles)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    print(
        f"standardised {len(standardised):,} rows ({label}) in {elapsed:.1f} s "
        f"({len(standardised) / elapsed:,.0f} rows/s; {cpu:.1f} s CPU; "
        f"peak {_peak_mb():,.0f} MB, +{_peak_mb() - peak_before:,.0f} MB during the run)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--distinct", type=int, nargs="+", default=[20_000])
    parser.add_argument("--generated", type=int, help="standardise this many generated partner records")
    args = parser.parse_args()
    if args.generated:
        frame = generated_partners(args.generated)
        distinct = frame["partner_name"].nunique()
        from benchmarks.bench_dedupe_accuracy import PARTNER_SPEC

        roles = {
            "record_id": PARTNER_SPEC["record_id"],
            **PARTNER_SPEC["columns"],
        }  # the dedupe benchmark's roles
        timed(frame, roles, f"generated partners, {distinct:,} distinct names")
        return
    for distinct in args.distinct:
        frame = synthetic_parties(args.rows, distinct)
        timed(frame, ROLES, f"{distinct:,} distinct records")


if __name__ == "__main__":
    main()
