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


def _conflicts(frame: pd.DataFrame, key: str, other: str, describe: str) -> pd.Series:
    """Per row: which distinct ``other`` values share the row's ``key`` when there are several, else null."""
    pairs = frame[[key, other]].dropna().drop_duplicates()
    counts = pairs[key].value_counts()
    shared = counts[counts > 1].index
    if len(shared) == 0:
        return pd.Series(None, index=frame.index, dtype=object)
    groups = pairs[pairs[key].isin(shared)].groupby(key)[other].agg(lambda values: sorted(map(str, values)))
    text = groups.map(lambda values: describe.format(n=len(values), values=", ".join(values[:5])))
    return frame[key].map(text).astype(object).where(frame[key].isin(shared), None)


def add_gtin_checks(products: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``products`` with one-GTIN-per-SKU and one-SKU-per-GTIN conflict descriptions.

    GTINs are compared as GTIN-14 (``96385074`` and ``00000096385074`` are one code); an invalid or
    blank GTIN takes part in neither check (its own rules report it).
    """
    out = products.copy()
    gtin14 = normalise_gtin(out["gtin"].astype(object))
    frame = pd.DataFrame(
        {"sku": out["sku_code"].astype(object), "gtin": gtin14.astype(object)}, index=out.index
    )
    frame = frame.where(frame.notna(), None)
    gtins = _conflicts(
        frame, "sku", "gtin", "SKU carries {n} different GTINs ({values}); keep one GTIN per SKU"
    )
    skus = _conflicts(frame, "gtin", "sku", "GTIN is on {n} SKUs ({values}); a GTIN identifies one SKU")
    out[GTINS_PER_SKU] = gtins.to_numpy()
    out[SKUS_PER_GTIN] = np.where(frame["gtin"].notna(), skus.to_numpy(), None)
    return out
