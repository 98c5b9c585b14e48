"""Price facts a steward tunes in ``price_rules.yaml``: floor, decimal places, tax consistency, big changes.

Each fact is a text column, empty for a good row, that the price suite expects to be null, so a
price of 0.01 or 32.345 is quarantined at validation with its business key and never reaches the
store load, and a tax-exclusive price that does not follow from the tax-inclusive one is caught
where both are given.
"""

from __future__ import annotations

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


def _decimals(values: pd.Series, percent: bool = False) -> np.ndarray:
    numbers, _ = parse_numbers(values.astype(object), percent=percent)
    return numbers.to_numpy(dtype=object)


def _floor_problems(price: np.ndarray, rules: PriceRules) -> np.ndarray:
    out = np.full(len(price), None, dtype=object)
    for i, value in enumerate(price):
        if value is not None and 0 < value <= rules.price_floor:
            out[i] = (
                f"price {value} is not above the floor {rules.price_floor:.2f} (price_rules.yaml: price_floor)"
            )
    return out


def _decimal_problems(price: np.ndarray, rules: PriceRules) -> np.ndarray:
    step = Decimal(1).scaleb(-rules.max_decimal_places)
    out = np.full(len(price), None, dtype=object)
    for i, value in enumerate(price):
        if value is not None and value.quantize(step, rounding=ROUND_HALF_UP) != value:
            out[i] = (
                f"price {value} has more than {rules.max_decimal_places} decimal places "
                "(price_rules.yaml: max_decimal_places); round it in the source"
            )
    return out


def expected_excl_tax(price: Decimal, rate: Decimal) -> Decimal:
    """round(price / (1 + rate), 2) half-up: 113.00 at 13% → 100.00."""
    return (price / (1 + rate)).quantize(CENT, rounding=ROUND_HALF_UP)


def _tax_problems(
    prices: pd.DataFrame, price: np.ndarray, rules: PriceRules, product_tax_rates: dict[str, Decimal] | None
) -> np.ndarray:
    out = np.full(len(prices), None, dtype=object)
    if "price_excl_tax" not in prices.columns:
        return out
    excl = _decimals(prices["price_excl_tax"])
    rates = (
        _decimals(prices["tax_rate"], percent=True) if "tax_rate" in prices.columns else [None] * len(prices)
    )
    skus = prices["sku_code"].to_numpy(dtype=object)
    for i in range(len(prices)):
        rate = rates[i] if rates[i] is not None else (product_tax_rates or {}).get(skus[i])
        if excl[i] is None or price[i] is None or rate is None:
            continue
        expected = expected_excl_tax(price[i], Decimal(rate))
        if abs(excl[i] - expected) > rules.tax_tolerance:
            out[i] = (
                f"price_excl_tax {excl[i]} does not match price {price[i]} at tax rate {Decimal(rate):.2%} "
                f"(expected {expected} within {rules.tax_tolerance})"
            )
    return out


def _change_problems(prices: pd.DataFrame, price: np.ndarray, rules: PriceRules) -> np.ndarray:
    key = [c for c in PERIOD_KEY if c in prices.columns]
    frame = prices[key].astype(object).where(prices[key].notna(), "").astype(str)
    frame["start"] = parse_date_text(prices["effective_from"]).to_numpy()
    frame["price"] = [float(v) if v is not None else np.nan for v in price]
    frame["text"] = [str(v) if v is not None else "" for v in price]
    frame["position"] = np.arange(len(prices))
    frame = frame[frame["start"].notna() & frame["price"].notna()].sort_values([*key, "start"], kind="stable")
    previous = frame.groupby(key, sort=False)["price"].shift()
    previous_text = frame.groupby(key, sort=False)["text"].shift()
    previous_start = frame.groupby(key, sort=False)["start"].shift()
    change = (frame["price"] - previous).abs() / previous * 100
    flagged = change > float(rules.price_change_review_percent)
    out = np.full(len(prices), None, dtype=object)
    for position, now, before, since, pct in zip(
        frame["position"][flagged],
        frame["text"][flagged],
        previous_text[flagged],
        previous_start[flagged],
        change[flagged],
        strict=True,
    ):
        out[position] = (
            f"price {now} changed {pct:.0f}% from {before} (period from {since:%Y-%m-%d}); "
            f"review changes over {rules.price_change_review_percent}% (price_rules.yaml)"
        )
    return out


def _discount_problems(prices: pd.DataFrame, price: np.ndarray, rules: PriceRules) -> np.ndarray:
    """A discount must leave a price above the floor; a promotion needs an end date (its window)."""
    out = np.full(len(prices), None, dtype=object)
    n = len(prices)
    rates = (
        _decimals(prices["discount_rate"], percent=True) if "discount_rate" in prices.columns else [None] * n
    )
    amounts = _decimals(prices["discount_amount"]) if "discount_amount" in prices.columns else [None] * n
    promotion = (
        prices["promotion_code"]
        if "promotion_code" in prices.columns
        else pd.Series(None, index=prices.index)
    )
    ends = (
        parse_date_text(prices["effective_to"]).to_numpy() if "effective_to" in prices.columns else [None] * n
    )
    for i in range(n):
        rate, amount, base = rates[i], amounts[i], price[i]
        if rate is not None and not 0 <= rate < 1:
            out[i] = f"discount_rate {rate} is not a fraction from 0 to below 1 (write 5% off as 0.05 or 5%)"
        elif amount is not None and amount < 0:
            out[i] = f"discount_amount {amount} is negative"
        elif base is not None and (rate is not None or amount is not None):
            net = base * (1 - (rate or 0)) - (amount or 0)
            if net <= rules.price_floor:
                out[i] = (
                    f"price after discount {net.quantize(CENT, rounding=ROUND_HALF_UP)} is not above the floor "
                    f"{rules.price_floor:.2f} (price_rules.yaml: price_floor)"
                )
        code = promotion.iat[i]
        if out[i] is None and isinstance(code, str) and code.strip() and pd.isna(ends[i]):
            out[i] = f"promotion {code} has no effective_to; a promotion runs in a window"
    return out


def add_price_rule_checks(
    prices: pd.DataFrame, rules: PriceRules, product_tax_rates: dict[str, Decimal] | None = None
) -> pd.DataFrame:
    """A copy of ``prices`` with floor, decimal-place, tax-consistency and price-change descriptions.

    ``product_tax_rates`` (SKU → rate) supplies the rate where the row has no ``tax_rate``.
    """
    out = prices.copy()
    price = _decimals(prices["price"])
    out[PRICE_FLOOR] = _floor_problems(price, rules)
    out[PRICE_DECIMALS] = _decimal_problems(price, rules)
    out[TAX_CONSISTENCY] = _tax_problems(prices, price, rules, product_tax_rates)
    out[PRICE_CHANGE] = _change_problems(prices, price, rules)
    out[DISCOUNT] = _discount_problems(prices, price, rules)
    return out
