"""Cross-row helper columns for the product standard.

A duplicated SKU code is a defect however the copies reached us: two accepted rows, or one accepted row
and a twin quarantined at ingest (say, for a missing name). Uniqueness is therefore counted over every
row the sources had, not only over the rows that reached validation.
"""

from __future__ import annotations

import pandas as pd

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
