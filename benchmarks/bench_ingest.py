"""How fast source files ingest end to end (read, map, coerce, quarantine, provenance).

Run: ``.venv/bin/python -m benchmarks.bench_ingest --csv-rows 1000000 --xlsx-rows 200000``

Writes a GBK CSV and an xlsx of partner-like rows under ``benchmarks/.work/`` (reused when
present), ingests each through a source mapping, and times ``pandas.read_excel(engine="openpyxl")``
on the same workbook in the same run. Targets: CSV at least 200,000 rows/s; xlsx ingest at
least as fast as pandas merely reading the workbook.
"""

from __future__ import annotations

import argparse
import random
import time
from pathlib import Path

import pandas as pd

from cleansing.ingest import ingest_source
from cleansing.mapping import load_mapping

WORK = Path(__file__).resolve().parent / ".work"
COLUMNS = [
    "dealer_code",
    "dealer_name",
    "credit_code",
    "dealer_level",
    "region",
    "province",
    "city",
    "addr",
    "contact",
    "mobile",
    "tel",
    "email",
    "parent_code",
    "create_time",
]
MAPPING = """\
source_system: dms
entity: partner
trust_rank: 2
file: {file}
format: {format}
options: {options}
value_maps:
  channel_tier: {{一级: "1", 二级: "2"}}
columns:
  source_record_id: dealer_code
  partner_name: dealer_name
  uscc: {{from: credit_code, transform: [upper]}}
  channel_tier: {{from: dealer_level, transform: [{{value_map: channel_tier}}]}}
  sales_region: region
  province: province
  city: city
  address: addr
  contact_name: contact
  phone: {{from: [mobile, tel], transform: [coalesce]}}
  email: email
  parent_record_id: parent_code
  created_date: create_time
"""
_TRADE = "华强宏达金源鑫盛恒通永泰嘉禾瑞丰隆昌天润福满"
_CITIES = [
    ("广东省", "深圳市", "华南"),
    ("浙江省", "杭州市", "华东"),
    ("北京市", "北京市", "华北"),
    ("四川省", "成都市", "西南"),
]


def partner_rows(count: int, seed: int = 20261126) -> pd.DataFrame:
    """Partner-like rows in the DMS layout; roughly one in a thousand has a blank name (quarantined)."""
    rng = random.Random(seed)
    names = ["".join(rng.choice(_TRADE) for _ in range(3)) + "商贸有限公司" for _ in range(5000)]
    rows = []
    for i in range(count):
        province, city, region = _CITIES[i % len(_CITIES)]
        rows.append(
            (
                f"D{i:07d}",
                "" if i % 1000 == 7 else names[i % 5000],
                f"91440300{i:09d}X",
                "一级" if i % 3 else "二级",
                region,
                province,
                city,
                f"{province}{city}科技园路{i % 997}号",
                "张三",
                f"138{i % 100000000:08d}",
                "",
                f"d{i}@example.com",
                "" if i % 5 else f"D{i // 5:07d}",
                f"20{10 + i % 15}-0{1 + i % 9}-1{i % 9} 08:00:00",
            )
        )
    return pd.DataFrame(rows, columns=COLUMNS)


def ensure_csv(rows: int) -> Path:
    path = WORK / f"dealers_{rows}.csv"
    if not path.exists():
        WORK.mkdir(parents=True, exist_ok=True)
        partner_rows(rows).to_csv(path, index=False, encoding="gbk")
    return path


def ensure_xlsx(rows: int) -> Path:
    path = WORK / f"dealers_{rows}.xlsx"
    if not path.exists():
        from openpyxl import Workbook

        WORK.mkdir(parents=True, exist_ok=True)
        # A normal (not write-only) workbook records its <dimension> as Excel does; without it
        # openpyxl, and so pandas, would scan the whole sheet once more just to size it.
        wb = Workbook()
        ws = wb.active
        ws.title = "经销商"
        ws.append(COLUMNS)
        for row in partner_rows(rows).itertuples(index=False):
            ws.append([v or None for v in row])
        wb.save(path)
    return path


def time_ingest(path: Path, fmt: str, options: str) -> tuple[float, float, int, int]:
    mapping_path = WORK / f"{path.stem}.mapping.yaml"
    mapping_path.write_text(MAPPING.format(file=path.name, format=fmt, options=options), encoding="utf-8")
    mapping = load_mapping(mapping_path)
    start, cpu = time.perf_counter(), time.process_time()
    result = ingest_source(mapping, WORK, "bench")
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    (report,) = result.file_reports
    assert report.error is None, report.error
    return elapsed, cpu, report.rows_in, report.quarantined


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--csv-rows", type=int, default=1_000_000)
    parser.add_argument("--xlsx-rows", type=int, default=200_000)
    args = parser.parse_args()

    # Wall time is what a user waits; CPU time is what the code costs when the (shared) machine is busy.
    csv_path = ensure_csv(args.csv_rows)
    seconds, cpu, rows, quarantined = time_ingest(csv_path, "csv", "{encoding: gbk}")
    print(
        f"GBK CSV  {rows:>9,} rows  ingest {seconds:6.2f} s wall ({rows / seconds:>9,.0f} rows/s), "
        f"{cpu:6.2f} s CPU ({rows / cpu:>9,.0f} rows/s); quarantined {quarantined:,}; "
        f"target 200,000 rows/s: {'met' if rows / seconds >= 200_000 else 'missed'}"
    )

    xlsx_path = ensure_xlsx(args.xlsx_rows)
    seconds, cpu, rows, quarantined = time_ingest(xlsx_path, "xlsx", "{}")
    start, pandas_cpu = time.perf_counter(), time.process_time()
    frame = pd.read_excel(xlsx_path, engine="openpyxl", dtype=str)
    pandas_seconds, pandas_cpu = time.perf_counter() - start, time.process_time() - pandas_cpu
    assert len(frame) == rows
    print(
        f"xlsx     {rows:>9,} rows  ingest {seconds:6.2f} s wall ({rows / seconds:>9,.0f} rows/s), "
        f"{cpu:6.2f} s CPU; quarantined {quarantined:,}"
    )
    print(
        f"pandas.read_excel(engine='openpyxl') {pandas_seconds:6.2f} s wall, {pandas_cpu:6.2f} s CPU; "
        f"ingest is {pandas_seconds / seconds:.2f}x (wall) / {pandas_cpu / cpu:.2f}x (CPU) as fast as pandas' read alone; "
        f"target >= 1.00: {'met' if pandas_seconds >= seconds else 'missed'}"
    )


if __name__ == "__main__":
    main()
