"""Cross-row facts about a price list, computed in pandas so GX can expect them row by row.

GX column-map expectations judge one row at a time; tier inversions (价格倒挂) and overlapping
effective periods are facts about pairs of rows. Each check here adds a text column that is empty
for a good row and, for a bad one, says what it conflicts with. The price suite then expects those
columns to be null, so every rule reports through GX and its Data Docs.
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
_OPEN_END = pd.Timestamp("2262-04-11")


def _row_label(frame: pd.DataFrame, positions: np.ndarray) -> pd.Series:
    """How a steward finds the other row: its source row when known, else its position in the frame."""
    if "source_row" in frame.columns:
        rows = frame["source_row"].astype("string").to_numpy()[positions]
        labels = pd.Series(rows, dtype="string")
        return ("source row " + labels).fillna("row " + pd.Series(positions + 1).astype("string"))
    return "row " + pd.Series(positions + 1).astype("string")


def _periods(frame: pd.DataFrame, tiers: PriceTierOrder) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "position": np.arange(len(frame)),
            "sku_code": frame["sku_code"].astype("string").to_numpy(),
            "sales_region": frame["sales_region"].astype("string").to_numpy(),
            "tier_code": frame["price_tier"]
            .astype("string")
            .map(tiers.code_by_value)
            .astype("string")
            .to_numpy(),
            "tier_rank": frame["price_tier"]
            .astype("string")
            .map(tiers.rank_by_value)
            .astype("Float64")
            .to_numpy(),
            "price_value": parse_decimal_text(frame["price"]).to_numpy(dtype=float, na_value=np.nan),
            "start": parse_date_text(frame["effective_from"]).to_numpy(),
            "end": parse_date_text(frame["effective_to"]).fillna(_OPEN_END).to_numpy(),
        }
    )


def _overlapping_pairs(periods: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """All ordered pairs of distinct rows with equal ``keys`` whose [start, end] periods intersect."""
    usable = periods.dropna(subset=[*keys, "start"])
    usable = usable[usable.duplicated(keys, keep=False)]
    if usable.empty:
        return usable.merge(usable, on=keys, suffixes=("", "_other"))
    pairs = usable.merge(usable, on=keys, suffixes=("", "_other"))
    pairs = pairs[pairs["position"] != pairs["position_other"]]
    overlap = (pairs["start"] <= pairs["end_other"]) & (pairs["start_other"] <= pairs["end"])
    return pairs[overlap]


def _with_national_prices_in_each_region(periods: pd.DataFrame, tiers: PriceTierOrder) -> pd.DataFrame:
    """Repeat each national price (e.g. a 全国 factory price) once per region its SKU is priced in,
    so a national factory price is compared with every regional tier-1 price."""
    national = periods["sales_region"].isin(tiers.national_regions).to_numpy(dtype=bool)
    if not national.any():
        return periods
    regions = periods.loc[~national, ["sku_code", "sales_region"]].drop_duplicates()
    copies = periods[national].drop(columns="sales_region").merge(regions, on="sku_code")
    return pd.concat([periods, copies[periods.columns]], ignore_index=True)


def _first_per_row(pairs: pd.DataFrame, text: object, length: int) -> np.ndarray:
    """One description per row (its first conflict), None for rows without any."""
    out = np.full(length, None, dtype=object)
    first = pd.DataFrame({"position": pairs["position"].to_numpy(), "text": np.asarray(text, dtype=object)})
    first = first.drop_duplicates("position")
    out[first["position"].to_numpy()] = first["text"].to_numpy()
    return out


def _format_day(values: pd.Series) -> pd.Series:
    days = pd.Series(values).dt.strftime("%Y-%m-%d").astype("string")
    return days.mask(pd.Series(values) >= _OPEN_END, "open")


def add_price_checks(
    prices: pd.DataFrame, tiers: PriceTierOrder, valid_skus: pd.Series | None = None
) -> pd.DataFrame:
    """Return a copy of ``prices`` with helper columns for the price suite.

    ``effective_from_date``/``effective_to_date`` hold the parsed dates; ``check_period_overlap`` and
    ``check_tier_inversion`` describe the conflicting row (null when none); ``check_unknown_sku`` is set
    when ``valid_skus`` is given and the row's SKU is not in it. Both rows of a conflicting pair are
    flagged: which of the two is wrong is a steward's call.
    """
    out = prices.copy()
    periods = _periods(prices, tiers)
    out[EFFECTIVE_FROM_DATE] = periods["start"].to_numpy()
    out[EFFECTIVE_TO_DATE] = parse_date_text(prices["effective_to"]).to_numpy()

    overlaps = _overlapping_pairs(periods, ["sku_code", "sales_region", "tier_code"])
    overlap_text = (
        "effective period overlaps "
        + _format_day(overlaps["start_other"]).to_numpy()
        + " to "
        + _format_day(overlaps["end_other"]).to_numpy()
        + " of the same SKU, tier and region ("
        + _row_label(prices, overlaps["position_other"].to_numpy()).to_numpy()
        + ")"
    )
    out[PERIOD_OVERLAP] = _first_per_row(overlaps, overlap_text, len(prices))

    ranked = _with_national_prices_in_each_region(periods.dropna(subset=["tier_rank", "price_value"]), tiers)
    pairs = _overlapping_pairs(ranked, ["sku_code", "sales_region"]).drop_duplicates(["position", "position_other"])
    lower_tier_dearer = (pairs["tier_rank"] < pairs["tier_rank_other"]) & (
        pairs["price_value"] > pairs["price_value_other"]
    )
    higher_tier_cheaper = (pairs["tier_rank"] > pairs["tier_rank_other"]) & (
        pairs["price_value"] < pairs["price_value_other"]
    )
    inverted = pairs[lower_tier_dearer | higher_tier_cheaper]
    relation = np.where(inverted["tier_rank"] < inverted["tier_rank_other"], " > ", " < ")
    inversion_text = (
        "price tier inversion (价格倒挂): "
        + inverted["tier_code"].to_numpy()
        + " "
        + inverted["price_value"].map("{:.2f}".format).to_numpy()
        + relation
        + inverted["tier_code_other"].to_numpy()
        + " "
        + inverted["price_value_other"].map("{:.2f}".format).to_numpy()
        + " in an overlapping period ("
        + _row_label(prices, inverted["position_other"].to_numpy()).to_numpy()
        + ")"
    )
    out[TIER_INVERSION] = _first_per_row(inverted, inversion_text, len(prices))

    if valid_skus is not None:
        known = prices["sku_code"].astype("string").isin(set(valid_skus.dropna().astype(str)))
        present = prices["sku_code"].notna()
        out[UNKNOWN_SKU] = np.where(
            present & ~known,
            "SKU " + prices["sku_code"].astype("string") + " is not among the valid products",
            None,
        )
    return out
