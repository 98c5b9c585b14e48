from __future__ import annotations

import pandas as pd

from expectations.custom import parse_date_text, parse_decimal_text


def test_decimal_text_reads_plain_grouped_and_percent_numbers() -> None:
    values = parse_decimal_text(pd.Series(["12.50", "1,299.00", "13%", "abc", None, " 0.09 "]))
    assert values.iloc[:3].tolist() == [12.5, 1299.0, 0.13]
    assert values.iloc[3:5].isna().all()
    assert values.iloc[5] == 0.09


def test_date_text_accepts_iso_dates_and_zero_times_only() -> None:
    dates = parse_date_text(
        pd.Series(["2026-01-31", "2026-01-31 00:00:00", "2026-02-30", "2026/01/31", "31.01.2026", None])
    )
    assert dates.iloc[:2].tolist() == [pd.Timestamp("2026-01-31")] * 2
    assert dates.iloc[2:].isna().all()
