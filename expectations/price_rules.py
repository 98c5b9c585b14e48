"""Price facts a steward tunes in ``price_rules.yaml``: floor, decimal places, tax consistency, big changes.

Each fact is a text column, empty for a good row, that the price suite expects to be null, so a
price of 0.01 or 32.345 is quarantined at validation with its business key and never reaches the
store load, and a tax-exclusive price that does not follow from the tax-inclusive one is caught
where both are given.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd

from cleansing.numbers import parse_numbers
from expectations.custom import parse_date_text
from expectations.rules_config import PriceRules

PRICE_FLOOR = "check_price_floor"
PRICE_DECIMALS = "check_price_decimals"
TAX_CONSISTENCY = "check_tax_consistency"
PRICE_CHANGE = "check_price_change"
DISCOUNT = "check_discount"
PERIOD_KEY = ("sku_code", "price_tier", "sales_region", "channel", "customer_level")
"""What makes two rows periods of the same price (columns a price list lacks are ignored)."""
CENT = Decimal("0.01")
Describe = Callable[[Decimal], str | None]
"""What is wrong with one price, or None."""


def _decimals(values: pd.Series, percent: bool = False) -> np.ndarray:
    """Each value read by the one number parser (Decimal or None), parsing each distinct value once."""
    codes, distinct = pd.factorize(values, use_na_sentinel=True)
    parsed, _ = parse_numbers(pd.Series([*distinct, None], dtype=object), percent=percent)
    return parsed.to_numpy(dtype=object)[codes]  # code -1 (missing) takes the final None


def _per_distinct(price: pd.Series, describe: Describe) -> np.ndarray:
    """``describe(Decimal) -> str | None`` once per distinct price, spread over the rows."""
    codes, distinct = pd.factorize(price, use_na_sentinel=True)
    parsed, _ = parse_numbers(pd.Series(distinct, dtype=object))
    texts = np.array([None if v is None else describe(v) for v in parsed] + [None], dtype=object)
    return texts[codes]


def _floor_problem(rules: PriceRules) -> Describe:
    def describe(value: Decimal) -> str | None:
        if 0 < value <= rules.price_floor:
            return f"price {value} is not above the floor {rules.price_floor:.2f} (price_rules.yaml: price_floor)"
        return None

    return describe


def _decimal_problem(rules: PriceRules) -> Describe:
    step = Decimal(1).scaleb(-rules.max_decimal_places)

    def describe(value: Decimal) -> str | None:
        if value.quantize(step, rounding=ROUND_HALF_UP) != value:
            return (
                f"price {value} has more than {rules.max_decimal_places} decimal places "
                "(price_rules.yaml: max_decimal_places); round it in the source"
            )
        return None

    return describe


def expected_excl_tax(price: Decimal, rate: Decimal) -> Decimal:
    """round(price / (1 + rate), 2) half-up: 113.00 at 13% → 100.00."""
    return (price / (1 + rate)).quantize(CENT, rounding=ROUND_HALF_UP)


def _given(prices: pd.DataFrame, columns: tuple[str, ...]) -> np.ndarray:
    """Positions of rows where any of ``columns`` holds a value (most price lists leave them blank)."""
    mask = np.zeros(len(prices), dtype=bool)
    for column in columns:
        if column in prices.columns:
            text = prices[column].astype("string").str.strip()
            mask |= (text.notna() & (text != "")).to_numpy(dtype=bool)
    return np.flatnonzero(mask)


def _tax_problems(
    prices: pd.DataFrame, rules: PriceRules, product_tax_rates: dict[str, Decimal] | None
) -> np.ndarray:
    out = np.full(len(prices), None, dtype=object)
    rows = _given(prices, ("price_excl_tax",))
    if len(rows) == 0:
        return out
    subset = prices.iloc[rows]
    price, excl = _decimals(subset["price"]), _decimals(subset["price_excl_tax"])
    rates = (
        _decimals(subset["tax_rate"], percent=True) if "tax_rate" in subset.columns else [None] * len(rows)
    )
    skus = subset["sku_code"].to_numpy(dtype=object)
    for k, row in enumerate(rows):
        rate = rates[k] if rates[k] is not None else (product_tax_rates or {}).get(skus[k])
        if excl[k] is None or price[k] is None or rate is None:
            continue
        expected = expected_excl_tax(price[k], Decimal(rate))
        if abs(excl[k] - expected) > rules.tax_tolerance:
            out[row] = (
                f"price_excl_tax {excl[k]} does not match price {price[k]} at tax rate {Decimal(rate):.2%} "
                f"(expected {expected} within {rules.tax_tolerance})"
            )
    return out


def _change_problems(prices: pd.DataFrame, rules: PriceRules) -> np.ndarray:
    """Compare each period with the previous one of its group, after one sort of integer group codes."""
    key = [c for c in PERIOD_KEY if c in prices.columns]
    group = np.zeros(len(prices), dtype=np.int64)
    for column in key:  # one integer per distinct combination, refactorised after each column
        codes_c, uniques = pd.factorize(prices[column], use_na_sentinel=True)
        codes_c = codes_c + 1  # a blank is a value of its own (code 0)
        group = pd.factorize(group * (len(uniques) + 1) + codes_c)[0].astype(np.int64)
    start = parse_date_text(prices["effective_from"]).to_numpy(dtype="datetime64[ns]")
    codes, distinct = pd.factorize(prices["price"], use_na_sentinel=True)
    parsed, _ = parse_numbers(pd.Series(distinct, dtype=object))
    values = np.array([np.nan if v is None else float(v) for v in parsed] + [np.nan])[codes]
    texts = np.array([None if v is None else str(v) for v in parsed] + [None], dtype=object)[codes]
    usable = np.flatnonzero(~np.isnat(start) & ~np.isnan(values))
    order = usable[np.lexsort((start[usable], group[usable]))]
    out = np.full(len(prices), None, dtype=object)
    if len(order) < 2:
        return out
    now, before = order[1:], order[:-1]
    same = (group[now] == group[before]) & (values[before] > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        change = np.abs(values[now] - values[before]) / values[before] * 100
    flagged = same & (change > float(rules.price_change_review_percent))
    since = start[before].astype("datetime64[D]").astype(str)
    for k in np.flatnonzero(flagged):
        out[now[k]] = (
            f"price {texts[now[k]]} changed {change[k]:.0f}% from {texts[before[k]]} (period from {since[k]}); "
            f"review changes over {rules.price_change_review_percent}% (price_rules.yaml)"
        )
    return out


def _discount_problems(prices: pd.DataFrame, rules: PriceRules) -> np.ndarray:
    """A discount must leave a price above the floor; a promotion needs an end date (its window)."""
    out = np.full(len(prices), None, dtype=object)
    rows = _given(prices, ("discount_rate", "discount_amount", "promotion_code"))
    if len(rows) == 0:
        return out
    subset = prices.iloc[rows]
    n = len(rows)
    price = _decimals(subset["price"])
    rates = (
        _decimals(subset["discount_rate"], percent=True) if "discount_rate" in subset.columns else [None] * n
    )
    amounts = _decimals(subset["discount_amount"]) if "discount_amount" in subset.columns else [None] * n
    promotion = (
        subset["promotion_code"]
        if "promotion_code" in subset.columns
        else pd.Series(None, index=subset.index)
    )
    ends = (
        parse_date_text(subset["effective_to"]).to_numpy() if "effective_to" in subset.columns else [None] * n
    )
    for k, row in enumerate(rows):
        rate, amount, base = rates[k], amounts[k], price[k]
        if rate is not None and not 0 <= rate < 1:
            out[row] = (
                f"discount_rate {rate} is not a fraction from 0 to below 1 (write 5% off as 0.05 or 5%)"
            )
        elif amount is not None and amount < 0:
            out[row] = f"discount_amount {amount} is negative"
        elif base is not None and (rate is not None or amount is not None):
            net = base * (1 - (rate or 0)) - (amount or 0)
            if net <= rules.price_floor:
                out[row] = (
                    f"price after discount {net.quantize(CENT, rounding=ROUND_HALF_UP)} is not above the floor "
                    f"{rules.price_floor:.2f} (price_rules.yaml: price_floor)"
                )
        code = promotion.iat[k]
        if out[row] is None and isinstance(code, str) and code.strip() and pd.isna(ends[k]):
            out[row] = f"promotion {code} has no effective_to; a promotion runs in a window"
    return out


def add_price_rule_checks(
    prices: pd.DataFrame, rules: PriceRules, product_tax_rates: dict[str, Decimal] | None = None
) -> pd.DataFrame:
    """A copy of ``prices`` with floor, decimal-place, tax-consistency, price-change and discount descriptions.

    ``product_tax_rates`` (SKU → rate) supplies the rate where the row has no ``tax_rate``.
    """
    out = prices.copy()
    out[PRICE_FLOOR] = _per_distinct(prices["price"], _floor_problem(rules))
    out[PRICE_DECIMALS] = _per_distinct(prices["price"], _decimal_problem(rules))
    out[TAX_CONSISTENCY] = _tax_problems(prices, rules, product_tax_rates)
    out[PRICE_CHANGE] = _change_problems(prices, rules)
    out[DISCOUNT] = _discount_problems(prices, rules)
    return out
