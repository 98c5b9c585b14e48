from __future__ import annotations

import pandas as pd

from cleansing.mapping_transforms import parse_dates


def test_dates_outside_the_nanosecond_range_parse_instead_of_failing_the_file():
    """A date before 1677 once made the whole file unreadable (OutOfBoundsDatetime)."""
    values = pd.Series(["1500-01-01", "9999-12-31", "2024-02-30", None])
    parsed, problem = parse_dates(values, ("%Y-%m-%d",), "birth_date", "crm/customers.jsonl")
    assert parsed.tolist()[:2] == ["1500-01-01", "9999-12-31"]
    assert problem is not None and problem.mask.tolist() == [False, False, True, False]
    assert problem.reasons.tolist() == [
        "crm/customers.jsonl value '2024-02-30' is not a date (expected YYYY-MM-DD)"
    ]
