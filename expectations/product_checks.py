"""Cross-row helper columns for the product standard.

A duplicated SKU code is a defect however the copies reached us: two accepted rows, or one accepted row
and a twin quarantined at ingest (say, for a missing name). Uniqueness is therefore counted over every
row the sources had, not only over the rows that reached validation.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cleansing.gtin import normalise_gtin

SKU_DUPLICATE = "check_sku_duplicate"


def add_product_checks(products: pd.DataFrame, quarantined_skus: pd.Series | None = None) -> pd.DataFrame:
    """A copy of ``products`` with ``check_sku_duplicate``: why the row's SKU is not unique, else null.

    ``quarantined_skus`` are the SKU codes of product rows held back before validation (one per row).
    """
    out = products.copy()
    sku = out["sku_code"].astype("string")
    accepted = sku.value_counts()
    held = (
        quarantined_skus.dropna().astype("string").value_counts()
        if quarantined_skus is not None
        else pd.Series(dtype="int64")
    )
    total = accepted.add(held, fill_value=0).astype(int)
    rows = sku.map(total).fillna(0).astype(int)
    held_rows = sku.map(held).fillna(0).astype(int)
    message = "SKU code " + sku + " appears on " + rows.astype("string") + " rows"
    message = message.where(
        held_rows == 0, message + " (" + held_rows.astype("string") + " quarantined at ingest)"
    )
    out[SKU_DUPLICATE] = message.where((rows > 1) & sku.notna(), None).astype(object)
    return out


GTINS_PER_SKU = "check_gtins_per_sku"
SKUS_PER_GTIN = "check_skus_per_gtin"


def _conflicts(key: pd.Series, other: pd.Series, describe: str) -> np.ndarray:
    """Per row: which distinct ``other`` values share the row's ``key`` when there are several, else None.

    Both columns become integer codes first, so a million products cost two factorisations and a sort.
    """
    key_codes, key_values = pd.factorize(key, use_na_sentinel=True)
    other_codes, other_values = pd.factorize(other, use_na_sentinel=True)
    both = (key_codes >= 0) & (other_codes >= 0)
    span = len(other_values) + 1
    pairs = pd.unique(key_codes[both].astype(np.int64) * span + other_codes[both])
    owners = pairs // span
    shared = np.flatnonzero(np.bincount(owners, minlength=len(key_values)) > 1)
    out = np.full(len(key), None, dtype=object)
    if len(shared) == 0:
        return out
    selected = np.isin(owners, shared)
    text = np.full(len(key_values), None, dtype=object)
    listed = pd.Series(pairs[selected] % span).map(lambda code: str(other_values[code]))
    for owner, values in listed.groupby(owners[selected]):
        names = sorted(values)
        text[owner] = describe.format(n=len(names), values=", ".join(names[:5]))
    rows = key_codes >= 0
    out[rows] = text[key_codes[rows]]
    return out


def add_gtin_checks(products: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``products`` with one-GTIN-per-SKU and one-SKU-per-GTIN conflict descriptions.

    GTINs are compared as GTIN-14 (``96385074`` and ``00000096385074`` are one code); an invalid or
    blank GTIN takes part in neither check (its own rules report it).
    """
    out = products.copy()
    gtin14 = normalise_gtin(out["gtin"].astype(object))
    sku = out["sku_code"].astype(object)
    gtin14 = gtin14.astype(object).where(gtin14.notna(), None)
    out[GTINS_PER_SKU] = _conflicts(
        sku, gtin14, "SKU carries {n} different GTINs ({values}); keep one GTIN per SKU"
    )
    out[SKUS_PER_GTIN] = _conflicts(gtin14, sku, "GTIN is on {n} SKUs ({values}); a GTIN identifies one SKU")
    return out
