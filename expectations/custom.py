"""Custom Great Expectations for channel product and price standards.

Each is a column-map expectation (one yes/no per row) backed by a ``ColumnMapMetricProvider``, so
GX reports failing rows, counts and Data Docs exactly as for its built-in expectations. They read
cells as ingested text ("0.13", "13%", "2026-01-01") instead of requiring a typed copy of the frame.
As with every GX column-map expectation, missing values are not judged here: required columns get
``ExpectColumnValuesToNotBeNull`` as well.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

import numpy as np
import pandas as pd
from great_expectations.execution_engine import PandasExecutionEngine
from great_expectations.expectations.expectation import ColumnMapExpectation
from great_expectations.expectations.metrics.map_metric_provider import (
    ColumnMapMetricProvider,
    column_condition_partial,
)

from cleansing.dates import parse_date_texts
from cleansing.gtin import restricted_circulation_mask, valid_gtin_mask
from cleansing.numbers import parse_numbers
from cleansing.product_specs import load_unit_vocabulary, parse_specs

_DATE_PATTERN = r"\d{4}-\d{2}-\d{2}(?:[ T]00:00:00)?"


def on_distinct(values: pd.Series, parse: Callable[[pd.Series], pd.Series]) -> pd.Series:
    """Apply a vectorised ``parse`` once per distinct value and spread the results back over ``values``.

    Prices, rates and dates repeat heavily in a master; parsing distinct values keeps a million rows fast.
    """
    codes, distinct = pd.factorize(values, use_na_sentinel=True)
    parsed = parse(pd.Series([*distinct, None], dtype=object))  # code -1 (missing) takes the final None
    return pd.Series(parsed.to_numpy()[codes], index=values.index, dtype=parsed.dtype)


def _parse_decimals(values: pd.Series) -> pd.Series:
    numbers, _ = parse_numbers(values, percent=True)
    return pd.Series([pd.NA if v is None else float(v) for v in numbers], index=values.index, dtype="Float64")


def parse_decimal_text(values: pd.Series) -> pd.Series:
    """Read numbers written as text (``12.50``, ``1,299.00``, ``13%``) as floats; anything else is NaN."""
    return on_distinct(values, _parse_decimals)


def _parse_dates(values: pd.Series) -> pd.Series:
    text = values.astype("string").str.strip()
    well_formed = text.str.fullmatch(_DATE_PATTERN, na=False)
    return parse_date_texts(text.str.slice(0, 10).where(well_formed), ("%Y-%m-%d",)).astype("datetime64[us]")


def parse_date_text(values: pd.Series) -> pd.Series:
    """Read ``YYYY-MM-DD`` (optionally with a zero time, as Excel writes dates) as datetimes; else NaT."""
    if pd.api.types.is_datetime64_any_dtype(values):
        return values
    return on_distinct(values, _parse_dates)


def _is_positive_amount(values: pd.Series) -> pd.Series:
    amounts = _parse_decimals(values)
    is_percent = values.astype("string").str.contains("%", na=False)
    return ((amounts > 0).fillna(False) & ~is_percent).astype(bool)


def _valid_gtin(column: pd.Series, **kwargs) -> np.ndarray:
    return np.asarray(valid_gtin_mask(column), dtype=bool)


def _globally_unique_gtin(column: pd.Series, **kwargs) -> np.ndarray:
    return ~np.asarray(restricted_circulation_mask(column), dtype=bool)


def _parseable_spec(column: pd.Series, **kwargs) -> np.ndarray:
    return parse_specs(column, load_unit_vocabulary())["spec_parsed"].to_numpy(dtype=bool)


def _tax_rate_in_set(column: pd.Series, value_set: list[float], **kwargs) -> np.ndarray:
    rates = parse_decimal_text(column).round(6)
    return rates.isin([round(float(v), 6) for v in value_set]).fillna(False).to_numpy(dtype=bool)


def _positive_amount(column: pd.Series, **kwargs) -> np.ndarray:
    return on_distinct(column, _is_positive_amount).to_numpy(dtype=bool)


def _calendar_date(column: pd.Series, **kwargs) -> np.ndarray:
    return parse_date_text(column).notna().to_numpy(dtype=bool)


COLUMN_CONDITIONS: dict[str, Callable[..., np.ndarray]] = {
    "column_values.valid_gtin": _valid_gtin,
    "column_values.globally_unique_gtin": _globally_unique_gtin,
    "column_values.parseable_spec": _parseable_spec,
    "column_values.tax_rate_in_set": _tax_rate_in_set,
    "column_values.positive_amount": _positive_amount,
    "column_values.calendar_date": _calendar_date,
}
"""Each custom expectation's row condition (True = good) on the non-missing values of a column,
by metric name: GX's metric providers below call these, and so can plain pandas."""

# ---- metrics -------------------------------------------------------------------------------------


class ColumnValuesValidGtin(ColumnMapMetricProvider):
    condition_metric_name = "column_values.valid_gtin"

    @column_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column: pd.Series, **kwargs) -> pd.Series:
        return COLUMN_CONDITIONS[cls.condition_metric_name](column)


class ColumnValuesGloballyUniqueGtin(ColumnMapMetricProvider):
    condition_metric_name = "column_values.globally_unique_gtin"

    @column_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column: pd.Series, **kwargs) -> pd.Series:
        return COLUMN_CONDITIONS[cls.condition_metric_name](column)


class ColumnValuesParseableSpec(ColumnMapMetricProvider):
    condition_metric_name = "column_values.parseable_spec"

    @column_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column: pd.Series, **kwargs) -> pd.Series:
        return COLUMN_CONDITIONS[cls.condition_metric_name](column)


class ColumnValuesTaxRateInSet(ColumnMapMetricProvider):
    condition_metric_name = "column_values.tax_rate_in_set"
    condition_value_keys = ("value_set",)

    @column_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column: pd.Series, value_set: list[float], **kwargs) -> pd.Series:
        return COLUMN_CONDITIONS[cls.condition_metric_name](column, value_set=value_set)


class ColumnValuesPositiveAmount(ColumnMapMetricProvider):
    condition_metric_name = "column_values.positive_amount"

    @column_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column: pd.Series, **kwargs) -> pd.Series:
        return COLUMN_CONDITIONS[cls.condition_metric_name](column)


class ColumnValuesCalendarDate(ColumnMapMetricProvider):
    condition_metric_name = "column_values.calendar_date"

    @column_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column: pd.Series, **kwargs) -> pd.Series:
        return COLUMN_CONDITIONS[cls.condition_metric_name](column)


# ---- expectations --------------------------------------------------------------------------------


class ExpectColumnValuesToBeValidGtin(ColumnMapExpectation):
    """Expect each GTIN to be 8, 12, 13 or 14 digits with a correct GS1 check digit."""

    map_metric = "column_values.valid_gtin"
    success_keys = ("mostly",)
    library_metadata: ClassVar[dict] = {"tags": ["channel-mdm", "product"], "contributors": ["channel-mdm"]}


class ExpectColumnValuesToBeGloballyUniqueGtin(ColumnMapExpectation):
    """Expect no GTIN from the in-store / variable-weight range 200–299, which is not globally unique."""

    map_metric = "column_values.globally_unique_gtin"
    success_keys = ("mostly",)
    library_metadata: ClassVar[dict] = {"tags": ["channel-mdm", "product"], "contributors": ["channel-mdm"]}


class ExpectColumnValuesToBeParseableSpec(ColumnMapExpectation):
    """Expect each spec string (``500ml×12瓶/箱``) to give net content and pack units."""

    map_metric = "column_values.parseable_spec"
    success_keys = ("mostly",)
    library_metadata: ClassVar[dict] = {"tags": ["channel-mdm", "product"], "contributors": ["channel-mdm"]}


class ExpectColumnValuesToBeTaxRateInSet(ColumnMapExpectation):
    """Expect each VAT rate, written as ``0.13`` or ``13%``, to be one of ``value_set``."""

    value_set: list[float]
    map_metric = "column_values.tax_rate_in_set"
    args_keys = ("column", "value_set")
    success_keys = ("value_set", "mostly")
    library_metadata: ClassVar[dict] = {"tags": ["channel-mdm", "product"], "contributors": ["channel-mdm"]}


class ExpectColumnValuesToBePositiveAmount(ColumnMapExpectation):
    """Expect each amount written as text to be a number greater than zero."""

    map_metric = "column_values.positive_amount"
    success_keys = ("mostly",)
    library_metadata: ClassVar[dict] = {"tags": ["channel-mdm", "price"], "contributors": ["channel-mdm"]}


class ExpectColumnValuesToBeCalendarDate(ColumnMapExpectation):
    """Expect each value to be a real calendar date written ``YYYY-MM-DD``."""

    map_metric = "column_values.calendar_date"
    success_keys = ("mostly",)
    library_metadata: ClassVar[dict] = {"tags": ["channel-mdm", "price"], "contributors": ["channel-mdm"]}


__all__ = [
    "COLUMN_CONDITIONS",
    "ExpectColumnValuesToBeCalendarDate",
    "ExpectColumnValuesToBeGloballyUniqueGtin",
    "ExpectColumnValuesToBeParseableSpec",
    "ExpectColumnValuesToBePositiveAmount",
    "ExpectColumnValuesToBeTaxRateInSet",
    "ExpectColumnValuesToBeValidGtin",
    "parse_date_text",
    "on_distinct",
    "parse_decimal_text",
]
