"""Cross-row facts about promotions, computed in pandas so GX can expect them row by row.

A promotion row is one promoted SKU of one promotion (促销). Only promotions whose status applies
(审批, 发布 in ``promotion_rules.yaml``) are compared with each other and with the price list: an
application (申请) or an ended promotion (终止) is history and overlaps nothing. Each check adds a
text column that is empty for a good row and says what is wrong for a bad one; the promotion suite
expects those columns to be null.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from expectations.custom import parse_date_text, parse_decimal_text
from expectations.price_checks import among, day_text, first_per_row, row_label, same_key_pairs, unknown_skus
from expectations.rules_config import PromotionRules

PROMOTION_FROM_DATE = "promotion_from_date"
PROMOTION_TO_DATE = "promotion_to_date"
BELOW_FLOOR = "check_promotion_below_floor"
PROMOTION_OVERLAP = "check_promotion_overlap"
PROMOTED_SKU = "check_promoted_sku"
OUTSIDE_PRICE_PERIOD = "check_promotion_outside_price_period"
_OPEN_END = np.iinfo(np.int64).max
_YES = frozenset({"true", "yes", "y", "1", "是", "可叠加", "t"})
ALL_CHANNELS = ("", "*")
"""How a price list writes a price that applies in every channel."""


def stackable_mask(values: pd.Series) -> np.ndarray:
    """True where a promotion may run beside another (``True``, ``是``, ``yes``, ``1``)."""
    text = values.astype(object).map(lambda v: str(v).strip().lower() if pd.notna(v) else "")
    return text.isin(_YES).to_numpy(dtype=bool)


def _day_numbers(values: pd.Series, open_end: bool = False) -> np.ndarray:
    days = parse_date_text(values).to_numpy(dtype="datetime64[ns]")
    numbers = days.astype(np.int64)
    if open_end:
        return np.where(np.isnat(days), _OPEN_END, numbers)
    return np.where(np.isnat(days), -1, numbers)


def applying_mask(promotions: pd.DataFrame, rules: PromotionRules) -> np.ndarray:
    """Rows of promotions in an applying status (审批, 发布) with a readable, ordered window."""
    status = promotions["status"].astype("string").str.strip()
    start = _day_numbers(promotions["effective_from"])
    end = _day_numbers(promotions["effective_to"])
    return (
        status.isin(rules.applying_statuses).fillna(False).to_numpy(dtype=bool)
        & (start >= 0)
        & (end >= start)
    )


def _below_floor(promotions: pd.DataFrame) -> np.ndarray:
    promoted = parse_decimal_text(promotions["promoted_price"]).to_numpy(dtype=float, na_value=np.nan)
    floor = parse_decimal_text(promotions["floor_price"]).to_numpy(dtype=float, na_value=np.nan)
    out = np.full(len(promotions), None, dtype=object)
    below = np.flatnonzero(promoted < floor)  # NaN compares False: a missing price has its own rule
    out[below] = (
        "promoted price "
        + np.char.mod("%.2f", promoted[below]).astype(object)
        + " is below the floor price (最低限价) "
        + np.char.mod("%.2f", floor[below]).astype(object)
    )
    return out


def _overlaps(promotions: pd.DataFrame, applying: np.ndarray) -> np.ndarray:
    scope = promotions["sku_code"].astype("string") + "\x1f" + promotions["channel"].astype("string")
    key, _ = pd.factorize(scope, use_na_sentinel=True)
    left, right = same_key_pairs(np.where(applying, key, -1))
    start = _day_numbers(promotions["effective_from"])
    end = _day_numbers(promotions["effective_to"])
    stackable = (
        stackable_mask(promotions["stackable"]) if "stackable" in promotions else np.zeros(len(key), bool)
    )
    conflict = (
        (start[left] <= end[right]) & (start[right] <= end[left]) & ~(stackable[left] & stackable[right])
    )
    left, right = left[conflict], right[conflict]
    codes = promotions["promotion_code"].astype(object).to_numpy()[right].astype(str).astype(object)
    text = (
        "window overlaps promotion "
        + codes
        + " ("
        + day_text(start[right])
        + " to "
        + day_text(end[right])
        + ", "
        + row_label(promotions, right)
        + ") on the same SKU and channel; only promotions both marked stackable may overlap"
    )
    return first_per_row(left, text, len(promotions))


def _price_periods(prices: pd.DataFrame) -> pd.DataFrame:
    channel = (
        prices["channel"].astype("string").str.strip().fillna("")
        if "channel" in prices.columns
        else pd.Series("", index=prices.index, dtype="string")
    )
    periods = pd.DataFrame(
        {
            "sku_code": prices["sku_code"].astype("string").to_numpy(),
            "price_channel": channel.to_numpy(),
            "period_start": _day_numbers(prices["effective_from"]),
            "period_end": _day_numbers(prices["effective_to"], open_end=True),
        }
    )
    return periods[periods["period_start"] >= 0].drop_duplicates()


def _period_lists(periods: pd.DataFrame) -> dict[str, str]:
    """SKU → its price periods as a steward reads them (``2025-01-01 to 2025-12-31, 2026-01-01 to open``)."""
    ordered = periods.sort_values(["sku_code", "period_start"]).drop_duplicates(
        ["sku_code", "period_start", "period_end"]
    )
    text = day_text(ordered["period_start"].to_numpy()) + " to " + day_text(ordered["period_end"].to_numpy())
    listed = pd.Series(text, index=ordered["sku_code"].to_numpy())
    return {
        sku: ", ".join(group[:4]) + (" …" if len(group) > 4 else "")
        for sku, group in listed.groupby(level=0, sort=False)
    }


def _outside_price_periods(
    promotions: pd.DataFrame, applying: np.ndarray, prices: pd.DataFrame
) -> np.ndarray:
    """Applying promotions whose window lies inside no single price period of their SKU and channel.

    A SKU with no price at all is left to ``promoted_sku_valid``; the window is judged against the
    periods of prices for the promotion's channel or for every channel (blank or ``*``).
    """
    out = np.full(len(promotions), None, dtype=object)
    periods = _price_periods(prices)
    rows = pd.DataFrame(
        {
            "position": np.arange(len(promotions)),
            "sku_code": promotions["sku_code"].astype("string").to_numpy(),
            "channel": promotions["channel"].astype("string").str.strip().to_numpy(),
            "start": _day_numbers(promotions["effective_from"]),
            "end": _day_numbers(promotions["effective_to"]),
        }
    )[applying]
    rows = rows[among(rows["sku_code"], periods["sku_code"])]
    if rows.empty:
        return out
    pairs = rows.merge(periods, on="sku_code")
    fits = (
        (pairs["price_channel"].isin(ALL_CHANNELS) | (pairs["price_channel"] == pairs["channel"]))
        & (pairs["period_start"] <= pairs["start"])
        & (pairs["end"] <= pairs["period_end"])
    )
    inside = np.zeros(len(promotions), dtype=bool)
    inside[pairs.loc[fits, "position"].to_numpy()] = True
    outside = rows[~inside[rows["position"].to_numpy()]]
    by_sku = _period_lists(periods[among(periods["sku_code"], outside["sku_code"])])
    for position, sku, start, end in outside[["position", "sku_code", "start", "end"]].itertuples(
        index=False
    ):
        window = day_text(np.array([start, end]))
        out[position] = (
            f"promotion window {window[0]} to {window[1]} is not inside one price period of SKU {sku} "
            f"(periods: {by_sku.get(sku, 'none')}); end the promotion before the price changes or split it"
        )
    return out


def add_promotion_checks(
    promotions: pd.DataFrame,
    rules: PromotionRules,
    valid_skus: pd.Series | None = None,
    rejected_skus: pd.Series | None = None,
    prices: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Return a copy of ``promotions`` with the parsed window and the promotion checks' descriptions.

    ``valid_skus`` (products that met their standard) adds the promoted-SKU check, ``rejected_skus``
    sharpens its reason; ``prices`` (the price list) adds the window-inside-a-price-period check.
    Both rows of an overlapping pair are flagged: which promotion should give way is a steward's call.
    """
    out = promotions.copy()
    out[PROMOTION_FROM_DATE] = parse_date_text(promotions["effective_from"]).to_numpy()
    out[PROMOTION_TO_DATE] = parse_date_text(promotions["effective_to"]).to_numpy()
    applying = applying_mask(promotions, rules)
    out[BELOW_FLOOR] = _below_floor(promotions)
    out[PROMOTION_OVERLAP] = _overlaps(promotions, applying)
    if valid_skus is not None:
        out[PROMOTED_SKU] = unknown_skus(promotions["sku_code"], valid_skus, rejected_skus)
    if prices is not None:
        out[OUTSIDE_PRICE_PERIOD] = _outside_price_periods(promotions, applying, prices)
    return out


PRICE_PROMOTION = "check_price_promotion"
"""A price row's ``promotion_code`` names no promotion of its SKU that applies over the price's period."""


def _text_column(frame: pd.DataFrame, column: str) -> pd.Series:
    if column not in frame.columns:
        return pd.Series("", index=frame.index, dtype="string")
    return frame[column].astype("string").str.strip().fillna("")


def price_promotion_problems(
    prices: pd.DataFrame, promotions: pd.DataFrame, rules: PromotionRules
) -> np.ndarray:
    """For each price row naming a promotion, what is wrong with it (None for a good row or no promotion).

    The promotion must exist, promote the price's SKU, be in an applying status (``applying_statuses``
    of ``promotion_rules.yaml``) and its window must hold the price's whole period: a promotional price
    runs no longer than its promotion. A price without an end date is left to ``discount_valid``.
    """
    out = np.full(len(prices), None, dtype=object)
    codes = _text_column(prices, "promotion_code")
    named = np.flatnonzero((codes != "").to_numpy(dtype=bool))
    if len(named) == 0:
        return out
    if not {"status", "effective_from", "effective_to"} <= set(promotions.columns):
        promotions = pd.DataFrame(
            columns=["promotion_code", "sku_code", "status", "effective_from", "effective_to"]
        )
    promo = pd.DataFrame(
        {
            "promotion_code": _text_column(promotions, "promotion_code").to_numpy(),
            "sku_code": _text_column(promotions, "sku_code").to_numpy(),
            "status": _text_column(promotions, "status").to_numpy(),
            "start": _day_numbers(promotions["effective_from"]),
            "end": _day_numbers(promotions["effective_to"]),
            "applies": applying_mask(promotions, rules),
        }
    )
    known_codes = set(promo["promotion_code"])
    skus_of = promo.groupby("promotion_code")["sku_code"].agg(lambda s: sorted(set(s))).to_dict()
    by_key = {key: rows for key, rows in promo.groupby(["promotion_code", "sku_code"], sort=False)}
    skus = _text_column(prices, "sku_code").to_numpy(dtype=object)
    start = _day_numbers(prices["effective_from"])
    end = (
        _day_numbers(prices["effective_to"]) if "effective_to" in prices.columns else np.full(len(prices), -1)
    )
    applying = ", ".join(rules.applying_statuses)
    for k in named:
        code, sku = codes.iat[k], skus[k]
        rows = by_key.get((code, sku))
        if code not in known_codes:
            out[k] = f"promotion {code} is not in the promotion list; correct the code or add the promotion"
        elif rows is None:
            listed = skus_of.get(code, [])
            out[k] = (
                f"promotion {code} does not promote SKU {sku} (it promotes {', '.join(listed[:5])}"
                + (" …" if len(listed) > 5 else "")
                + ")"
            )
        elif not rows["applies"].any():
            status = ", ".join(sorted(set(rows["status"]) - {""})) or "blank"
            out[k] = (
                f"promotion {code} is {status}, not {applying} (promotion_rules.yaml: applying_statuses); "
                "a price may only use a promotion that takes effect"
            )
        elif start[k] >= 0 and end[k] >= 0:
            live = rows[rows["applies"].to_numpy(dtype=bool)]
            if not ((live["start"] <= start[k]) & (end[k] <= live["end"])).any():
                price_window = day_text(np.array([start[k], end[k]]))
                window = day_text(live[["start", "end"]].to_numpy()[0])
                out[k] = (
                    f"price period {price_window[0]} to {price_window[1]} is outside promotion {code}'s window "
                    f"{window[0]} to {window[1]}; end the price with the promotion"
                )
    return out
