from __future__ import annotations

import pandas as pd

from benchmarks.bench_export_writings import written_as_exports
from cleansing.company_names import parse_company_names


def test_the_rewritten_names_carry_what_exports_write_and_read_back_to_the_same_name():
    names = ["深圳市华强商贸有限公司", "杭州娃哈哈集团有限公司", "ACME TRADING LTD", "成都通利食品商行"] * 100
    records = pd.DataFrame({"record_id": [str(i) for i in range(len(names))], "name": names})
    written = written_as_exports(records, "name", 0.5, seed=3)
    assert written["rewritten"].sum() > 50 and (~written["rewritten"]).sum() > 50
    changed = written.loc[written["rewritten"], "name"] != records.loc[written["rewritten"], "name"]
    assert changed.all()
    assert (written.loc[~written["rewritten"], "name"] == records.loc[~written["rewritten"], "name"]).all()
    # Every rewriting is one a user's file may hold, and the name it writes parses back to the same parts.
    parts = ["region", "trade_name", "industry", "legal_form", "branch"]
    assert parse_company_names(written["name"])[parts].equals(parse_company_names(records["name"])[parts])
