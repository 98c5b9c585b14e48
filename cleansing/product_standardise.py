"""Products, prices and order lines in standard form before any rule judges them.

Channels write the same thing several ways: ``ab-１２３ `` and ``AB-123`` are one SKU code, ``PCS``,
``个`` and ``件装`` one sales unit, and ``500ml×12瓶/箱`` holds the net content and the pack size that
the store keeps in their own columns. Standardising first means a rule quarantines a real defect,
not a spelling. Every value changed here is noted in the row's ``data_flags``
(``sales_unit:alias_standardised``), so a steward can see what was rewritten and the original stays
in the source.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from cleansing.product_specs import UnitVocabulary, fill_spec_columns, load_unit_vocabulary
from cleansing.text import map_distinct, normalise_code

_SPACES = re.compile(r"\s+")

SKU_CODE_FLAG = "sku_code:normalised"
SALES_UNIT_FLAG = "sales_unit:alias_standardised"
SPEC_FLAG = "spec:parsed_into_columns"


def standard_code(value: object) -> object:
    """A product code as systems compare it: full width → ASCII, invisible characters and every space
    removed, letters upper case (``ab-１２３ `` → ``AB-123``). Non-text passes through."""
    code = normalise_code(value)
    if not isinstance(code, str):
        return code
    return _SPACES.sub("", code).upper() or None


def standardise_codes(values: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """``standard_code`` over a column, once per distinct value, and the mask of values it changed."""
    array = values.to_numpy(dtype=object)
    present = pd.notna(array)
    out = np.where(present, map_distinct(values, standard_code), None)  # type: ignore[call-overload]  # numpy's stubs refuse None, which numpy takes as an object value
    changed = present & (out != array)
    return pd.Series(out, index=values.index, dtype=object), changed


def standardise_sales_units(values: pd.Series, vocabulary: UnitVocabulary) -> tuple[pd.Series, np.ndarray]:
    """Aliases (``PCS``, ``瓶装``, ``箱装``) become their standard unit; unknown units are kept as written
    for the unit rule to report."""
    array = values.to_numpy(dtype=object)
    present = np.array([isinstance(v, str) and v.strip() != "" for v in array], dtype=bool)
    standard = map_distinct(
        values, lambda v: vocabulary.standard_sales_unit(v) if isinstance(v, str) else None
    )
    out = np.where(present & pd.notna(standard), standard, array)
    changed = present & (out != array)
    return pd.Series(out, index=values.index, dtype=object), changed


def add_flags(frame: pd.DataFrame, flags: list[tuple[np.ndarray, str]]) -> pd.Series:
    """``data_flags`` with each ``(mask, flag)`` appended (``;``-separated) where its mask is set."""
    current = (
        frame["data_flags"].fillna("").astype(str).to_numpy(dtype=object)
        if "data_flags" in frame.columns
        else np.full(len(frame), "", dtype=object)
    )
    joined = current.copy()
    for mask, flag in flags:
        if mask.any():
            joined[mask] = np.where(joined[mask] == "", flag, joined[mask] + ";" + flag)
    return pd.Series(joined, index=frame.index, dtype=object)


def standardise_products(products: pd.DataFrame, vocabulary: UnitVocabulary | None = None) -> pd.DataFrame:
    """A copy of ``products`` in standard form: SKU codes normalised, sales-unit aliases replaced by the
    standard unit, and ``net_content`` (g or ml), ``net_content_unit`` and ``units_per_case`` filled
    from ``spec`` where the source left them blank."""
    vocabulary = vocabulary or load_unit_vocabulary()
    out = products.copy()
    flags: list[tuple[np.ndarray, str]] = []
    if "sku_code" in out.columns:
        out["sku_code"], changed = standardise_codes(out["sku_code"])
        flags.append((changed, SKU_CODE_FLAG))
    if "sales_unit" in out.columns:
        out["sales_unit"], changed = standardise_sales_units(out["sales_unit"], vocabulary)
        flags.append((changed, SALES_UNIT_FLAG))
    if "spec" in out.columns:
        before = (
            out["net_content"].notna() if "net_content" in out.columns else pd.Series(False, index=out.index)
        )
        out = fill_spec_columns(out, vocabulary)
        filled = (out["net_content"].notna() & ~before).to_numpy(dtype=bool)
        flags.append((filled, SPEC_FLAG))
    out["data_flags"] = add_flags(out, flags)
    return out


def standardise_sku_references(frame: pd.DataFrame, column: str = "sku_code") -> pd.DataFrame:
    """A copy of a price list or order lines whose SKU codes are normalised like the product master's."""
    if column not in frame.columns:
        return frame.copy()
    out = frame.copy()
    out[column], changed = standardise_codes(out[column])
    out["data_flags"] = add_flags(out, [(changed, f"{column}:normalised")])
    return out
