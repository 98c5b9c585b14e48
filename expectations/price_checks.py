"""Cross-row facts about a price list, computed in pandas so GX can expect them row by row.

GX column-map expectations judge one row at a time; tier inversions (价格倒挂) and overlapping
effective periods are facts about pairs of rows. Each check here adds a text column that is empty
for a good row and, for a bad one, says what it conflicts with. The price suite then expects those
columns to be null, so every rule reports through GX and its Data Docs.

Rows are paired by self-joins on integer group codes (SKU × region, SKU × tier × region): a price
list has a handful of rows per group, so the joins stay linear in the number of rows.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from expectations.custom import parse_date_text, parse_decimal_text
from expectations.standards import PriceTierOrder

PERIOD_OVERLAP = "check_period_overlap"
TIER_INVERSION = "check_tier_inversion"
UNKNOWN_SKU = "check_unknown_sku"
EFFECTIVE_FROM_DATE = "effective_from_date"
EFFECTIVE_TO_DATE = "effective_to_date"
_OPEN_END = np.iinfo(np.int64).max
"""An open-ended period (blank effective_to) ends after every real date."""


def row_label(frame: pd.DataFrame, positions: np.ndarray) -> np.ndarray:
    """How a steward finds the other row: its source row when known, else its 1-based position."""
    fallback = np.char.add("row ", (positions + 1).astype(str)).astype(object)
    if "source_row" not in frame.columns:
        return fallback
    rows = frame["source_row"].to_numpy(dtype=object, na_value=None)[positions]
    known = pd.notna(rows)
    labels = fallback.copy()
    labels[known] = np.char.add("source row ", rows[known].astype(str))
    return labels


def day_text(days: np.ndarray) -> np.ndarray:
    text = days.astype("datetime64[ns]").astype("datetime64[D]").astype(str).astype(object)
    text[days == _OPEN_END] = "open"
    return text


SCOPE_COLUMNS = ("channel", "customer_level")
"""Prices for different channels or customer levels are separate ladders with their own periods."""


def _price_scope(frame: pd.DataFrame) -> pd.Series:
    """The region a price applies in, with its channel and customer level when the list has them."""
    scope = frame["sales_region"].astype(object)
    for column in SCOPE_COLUMNS:
        if column in frame.columns:
            part = frame[column].astype(object).where(frame[column].notna(), "*").astype(str).str.strip()
            scope = scope.where(scope.isna(), scope.astype(str) + "\x1f" + part.replace("", "*"))
    return scope


def _periods(frame: pd.DataFrame, tiers: PriceTierOrder) -> pd.DataFrame:
    """Integer codes and numbers for each row; -1 marks a missing SKU, region or tier."""
    sku, _ = pd.factorize(frame["sku_code"], use_na_sentinel=True)
    region, _ = pd.factorize(_price_scope(frame), use_na_sentinel=True)
    rank = frame["price_tier"].map(tiers.rank_by_value).to_numpy(dtype=float, na_value=np.nan)
    national = frame["sales_region"].isin(tiers.national_regions).to_numpy(dtype=bool)
    start = parse_date_text(frame["effective_from"]).to_numpy(dtype="datetime64[ns]")
    end = parse_date_text(frame["effective_to"]).to_numpy(dtype="datetime64[ns]")
    return pd.DataFrame(
        {
            "position": np.arange(len(frame)),
            "sku": sku,
            "region": region,
            "national": national & (region >= 0),
            "rank": np.where(np.isnan(rank), -1, rank).astype(np.int64),
            "price": parse_decimal_text(frame["price"]).to_numpy(dtype=float, na_value=np.nan),
            "has_start": ~np.isnat(start),
            "start": start.astype(np.int64),
            "end": np.where(np.isnat(end), _OPEN_END, end.astype(np.int64)),
        }
    )


def same_key_pairs(key: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every ordered pair (i, j), i ≠ j, of rows sharing a ``key`` ≥ 0, as two index arrays.

    Built from a sort of the keys rather than a DataFrame self-merge: a price list has a handful of
    rows per key, and index arrays keep the million-row case to a fraction of a second.
    """
    rows = np.flatnonzero(key >= 0)
    rows = rows[np.argsort(key[rows], kind="stable")]
    if len(rows) == 0:
        return rows, rows
    sorted_key = key[rows]
    starts = np.flatnonzero(np.r_[True, sorted_key[1:] != sorted_key[:-1]])
    sizes = np.diff(np.r_[starts, len(rows)])
    group = np.repeat(np.arange(len(starts)), sizes)
    repeat = sizes[group]
    left = np.repeat(np.arange(len(rows)), repeat)
    offset = np.arange(len(left)) - np.repeat(np.cumsum(repeat) - repeat, repeat)
    right = starts[group[left]] + offset
    distinct = left != right
    return rows[left[distinct]], rows[right[distinct]]


def _overlapping_pairs(periods: pd.DataFrame, key: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Row indices (i, j) of distinct rows with equal ``key`` whose [start, end] periods intersect."""
    key = np.where(periods["has_start"].to_numpy(), key, -1)
    left, right = same_key_pairs(key)
    start, end = periods["start"].to_numpy(), periods["end"].to_numpy()
    overlap = (start[left] <= end[right]) & (start[right] <= end[left])
    return left[overlap], right[overlap]


def first_per_row(positions: np.ndarray, text: np.ndarray, length: int) -> np.ndarray:
    """One description per row (its first conflict), None for rows without any."""
    out = np.full(length, None, dtype=object)
    first_rows, first_index = np.unique(positions, return_index=True)
    out[first_rows] = text[first_index]
    return out


def _with_national_prices_in_each_region(periods: pd.DataFrame) -> pd.DataFrame:
    """Repeat each national price (e.g. a 全国 factory price) once per region its SKU is priced in,
    so a national factory price is compared with every regional tier-1 price."""
    national = periods["national"].to_numpy()
    if not national.any():
        return periods
    regional = periods.loc[~national & (periods["region"] >= 0), ["sku", "region"]].drop_duplicates()
    copies = periods[national].drop(columns="region").merge(regional, on="sku")
    return pd.concat([periods, copies[periods.columns]], ignore_index=True)


def _code_span(codes: pd.Series) -> int:
    """How many distinct values a non-negative integer code (or -1 for none) can take, plus one to spare.

    An empty price list (its only file unreadable) has no maximum and nothing to compare: span 2.
    """
    return int(codes.max()) + 2 if len(codes) else 2


def _period_overlaps(prices: pd.DataFrame, periods: pd.DataFrame) -> np.ndarray:
    n_regions = _code_span(periods["region"])
    n_ranks = _code_span(periods["rank"])
    sku, region, rank = (periods[c].to_numpy() for c in ("sku", "region", "rank"))
    key = np.where((sku >= 0) & (region >= 0) & (rank >= 0), (sku * n_regions + region) * n_ranks + rank, -1)
    left, right = _overlapping_pairs(periods, key)
    start, end = periods["start"].to_numpy(), periods["end"].to_numpy()
    text = (
        "effective period overlaps "
        + day_text(start[right])
        + " to "
        + day_text(end[right])
        + " of the same SKU, tier and region ("
        + row_label(prices, right)
        + ")"
    )
    return first_per_row(left, text, len(prices))


def _tier_inversions(prices: pd.DataFrame, periods: pd.DataFrame, tiers: PriceTierOrder) -> np.ndarray:
    ranked = periods[(periods["rank"] >= 0) & periods["price"].notna()]
    ranked = _with_national_prices_in_each_region(ranked)
    n_regions = _code_span(periods["region"])
    sku, region = ranked["sku"].to_numpy(), ranked["region"].to_numpy()
    left, right = _overlapping_pairs(
        ranked, np.where((sku >= 0) & (region >= 0), sku * n_regions + region, -1)
    )
    rank, price = ranked["rank"].to_numpy(), ranked["price"].to_numpy()
    lower = rank[left] < rank[right]
    higher = rank[left] > rank[right]
    inverted = (lower & (price[left] > price[right])) | (higher & (price[left] < price[right]))
    left, right = left[inverted], right[inverted]
    position = ranked["position"].to_numpy()
    codes = np.array([tier.code for tier in tiers.tiers], dtype=object)
    text = (
        "price tier inversion (价格倒挂): "
        + codes[rank[left]]
        + " "
        + np.char.mod("%.2f", price[left]).astype(object)
        + np.where(rank[left] < rank[right], " > ", " < ").astype(object)
        + codes[rank[right]]
        + " "
        + np.char.mod("%.2f", price[right]).astype(object)
        + " in an overlapping period ("
        + row_label(prices, position[right])
        + ")"
    )
    return first_per_row(position[left], text, len(prices))


def add_price_checks(
    prices: pd.DataFrame,
    tiers: PriceTierOrder,
    valid_skus: pd.Series | None = None,
    rejected_skus: pd.Series | None = None,
) -> pd.DataFrame:
    """Return a copy of ``prices`` with helper columns for the price suite.

    ``effective_from_date``/``effective_to_date`` hold the parsed dates; ``check_period_overlap`` and
    ``check_tier_inversion`` describe the conflicting row (null when none); ``check_unknown_sku`` is set
    when ``valid_skus`` is given and the row's SKU is not in it, saying whether the product failed its
    own standard (it is in ``rejected_skus``) or is not in the product master at all. Both rows of a
    conflicting pair are flagged: which of the two is wrong is a steward's call. Effective periods
    include both end dates.
    """
    out = prices.copy()
    periods = _periods(prices, tiers)
    out[EFFECTIVE_FROM_DATE] = parse_date_text(prices["effective_from"]).to_numpy()
    out[EFFECTIVE_TO_DATE] = parse_date_text(prices["effective_to"]).to_numpy()
    out[PERIOD_OVERLAP] = _period_overlaps(prices, periods)
    out[TIER_INVERSION] = _tier_inversions(prices, periods, tiers)
    if valid_skus is not None:
        out[UNKNOWN_SKU] = unknown_skus(prices["sku_code"], valid_skus, rejected_skus)
    return out


def among(values: pd.Series, allowed: pd.Series) -> np.ndarray:
    """Which ``values`` are among ``allowed`` (compared as text), by one hash lookup per row."""
    index = pd.Index(pd.unique(allowed.dropna().astype(str).to_numpy(dtype=object)))
    return index.get_indexer(values.astype(object).to_numpy(dtype=object)) >= 0


def unknown_skus(skus: pd.Series, valid_skus: pd.Series, rejected_skus: pd.Series | None) -> np.ndarray:
    known = among(skus, valid_skus)
    unknown = skus.notna().to_numpy(dtype=bool) & ~known
    rejected = np.zeros(len(skus), dtype=bool)
    if rejected_skus is not None:
        rejected = unknown & among(skus, rejected_skus)
    message = np.full(len(skus), None, dtype=object)
    codes = skus.to_numpy(dtype=object)
    for mask, ending in (
        (unknown & ~rejected, " is not in the product master"),
        (rejected, " failed the product standard (see the product quarantine)"),
    ):
        message[mask] = np.char.add(np.char.add("SKU ", codes[mask].astype(str)), ending)
    return message
