from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cleansing.emails import normalise_email, normalise_emails


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (" Zhang.San@QQ.com ", "zhang.san@qq.com"),
        ("ｚｓ＠ｑｑ．ｃｏｍ", "zs@qq.com"),
        ("mailto:Sales@Example.CN", "sales@example.cn"),
        ("a@b.com; c@d.com", "a@b.com"),
        ("<sales@example.com>", "sales@example.com"),
    ],
)
def test_normalised(raw, expected):
    assert normalise_email(raw) == expected


@pytest.mark.parametrize("raw", [None, "", "无", "foo@bar", "foo", "a..b@x.com", "@x.com", "a@.com"])
def test_invalid_is_unknown(raw):
    assert normalise_email(raw) is None


@given(st.text(alphabet="abcXYZ@.-_ ;１", max_size=20))
def test_normalising_twice_changes_nothing(text):
    once = normalise_email(text)
    assert normalise_email(once) == once


def test_vectorised():
    result = normalise_emails(pd.Series(["A@B.COM", "x"]))
    assert result.iloc[0] == "a@b.com" and result.iloc[1] is pd.NA
