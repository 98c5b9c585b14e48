"""Facts about volume-discount bands (e.g. 1–99 箱 0 %, 100–499 箱 3 %, ≥500 箱 5 %).

Bands of one price tier × channel form a ladder: sorted by their first quantity, each band must start
right after the one before (no gap, no overlap), give at least the discount of the band before, and
stay within ``max_volume_discount`` (``promotion_rules.yaml``). Quantities are whole units, so a band
ending at 99 is followed by one starting at 100. Each fact is a text column, empty for a good band.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from expectations.custom import parse_decimal_text
from expectations.rules_config import PromotionRules

BAND_RANGE = "check_band_range"
BAND_GAP = "check_band_gap"
BAND_OVERLAP = "check_band_overlap"
BAND_MONOTONE = "check_band_monotone"
BAND_MAXIMUM = "check_band_maximum"


def _quantity(values: np.ndarray) -> np.ndarray:
    return np.char.mod("%g", values).astype(object)


def _percent(values: np.ndarray) -> np.ndarray:
    return np.char.mod("%g%%", np.round(values * 100, 4)).astype(object)


def add_volume_band_checks(bands: pd.DataFrame, rules: PromotionRules) -> pd.DataFrame:
    """A copy of ``bands`` with range, gap, overlap, monotone-discount and maximum-discount descriptions."""
    out = bands.copy()
    n = len(bands)
    low = parse_decimal_text(bands["min_quantity"]).to_numpy(dtype=float, na_value=np.nan)
    high = parse_decimal_text(bands["max_quantity"]).to_numpy(dtype=float, na_value=np.nan)
    rate = parse_decimal_text(bands["discount_rate"]).to_numpy(dtype=float, na_value=np.nan)
    ladder = bands["price_tier"].astype("string") + "\x1f" + bands["channel"].astype("string")
    group, _ = pd.factorize(ladder, use_na_sentinel=True)
    usable = np.flatnonzero((group >= 0) & ~np.isnan(low))
    order = usable[np.lexsort((low[usable], group[usable]))]
    first = np.r_[True, group[order][1:] != group[order][:-1]] if len(order) else np.zeros(0, bool)
    now, before = order[~first], np.r_[-1, order[:-1]][~first]
    open_before = np.isnan(high[before])

    range_text = np.full(n, None, dtype=object)
    bad_range = np.flatnonzero(~np.isnan(low) & ((low < 0) | (high < low)))
    range_text[bad_range] = (
        "band " + _quantity(low[bad_range]) + "–" + _quantity(high[bad_range]) + " ends before it starts"
    )

    gap = np.full(n, None, dtype=object)
    starts = order[first]
    wrong_start = starts[low[starts] != rules.first_band_from]
    gap[wrong_start] = (
        "the first band starts at "
        + _quantity(low[wrong_start])
        + f", not at {rules.first_band_from} (promotion_rules.yaml: first_band_from)"
    )
    missing = ~open_before & (low[now] > high[before] + 1)
    gap[now[missing]] = (
        "quantities "
        + _quantity(high[before][missing] + 1)
        + "–"
        + _quantity(low[now][missing] - 1)
        + " have no band (the band before ends at "
        + _quantity(high[before][missing])
        + ")"
    )

    overlap = np.full(n, None, dtype=object)
    inside = open_before | (low[now] <= high[before])
    upper = np.where(open_before[inside], "and above", "–" + _quantity(np.nan_to_num(high[before][inside])))
    overlap[now[inside]] = (
        "band starting at "
        + _quantity(low[now][inside])
        + " overlaps the band "
        + _quantity(low[before][inside])
        + np.where(open_before[inside], " ", "").astype(object)
        + upper.astype(object)
    )

    monotone = np.full(n, None, dtype=object)
    falls = rate[now] < rate[before]  # NaN compares False: a missing rate has its own rule
    monotone[now[falls]] = (
        "discount "
        + _percent(rate[now][falls])
        + " is less than "
        + _percent(rate[before][falls])
        + " of the smaller band before it; a bigger order never earns a smaller discount"
    )

    maximum = np.full(n, None, dtype=object)
    limit = float(rules.max_volume_discount)
    over = np.flatnonzero((rate > limit) | (rate < 0))
    maximum[over] = (
        "discount "
        + _percent(rate[over])
        + f" is outside 0–{limit * 100:g}% (promotion_rules.yaml: max_volume_discount)"
    )
    out[BAND_RANGE] = range_text
    out[BAND_GAP] = gap
    out[BAND_OVERLAP] = overlap
    out[BAND_MONOTONE] = monotone
    out[BAND_MAXIMUM] = maximum
    return out
