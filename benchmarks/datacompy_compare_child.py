"""datacompy's full comparison of the old csv with the new SQLite table, run in ``benchmarks/.venv-datacompy``.

Started by :mod:`benchmarks.bench_compare_scale` with the venv's python; imports nothing of channel-mdm.
Arguments: OLD_CSV NEW_SQLITE_FILE TABLE. Prints one JSON line: seconds (wall and CPU), mismatched rows,
rows only on either side, peak memory.
"""

from __future__ import annotations

import json
import resource
import sqlite3
import sys
import time
import warnings

OLD_TO_NEW = {
    "客户编码": "code",
    "客户名称": "name",
    "渠道级别": "tier",
    "应收余额": "balance",
    "币种": "currency",
    "建档日期": "created_on",
}

if __name__ == "__main__":
    warnings.simplefilter("ignore")
    old_csv, new_file, table = sys.argv[1], sys.argv[2], sys.argv[3]
    import datacompy
    import pandas as pd

    started, cpu = time.perf_counter(), time.process_time()  # after the imports, as channel-mdm is timed
    old = pd.read_csv(old_csv, dtype={"客户编码": str, "渠道级别": str, "币种": str, "建档日期": str})
    with sqlite3.connect(new_file) as connection:
        new = pd.read_sql(f'SELECT * FROM "{table}"', connection)  # noqa: S608 (a table name the bench made)
    new = new.rename(columns={v: k for k, v in OLD_TO_NEW.items()})
    new["应收余额"] = pd.to_numeric(new["应收余额"])
    compare = datacompy.Compare(
        old, new, join_columns=["客户编码"], abs_tol=0.005, df1_name="old", df2_name="new"
    )
    report = compare.report()
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu
    print(
        json.dumps(
            {
                "seconds": seconds,
                "cpu_seconds": cpu_seconds,
                "mismatched_rows": len(compare.all_mismatch()),
                "only_old": len(compare.df1_unq_rows),
                "only_new": len(compare.df2_unq_rows),
                "report_chars": len(report),
                "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                "datacompy": datacompy.__version__,
            }
        )
    )
