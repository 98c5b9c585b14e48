"""From matched product records to master products, and legacy codes resolved to master SKUs.

Each cluster of the product crosswalk becomes one master product: the record of the most trusted
source supplies every field it has, and the other records fill the fields it leaves blank (a channel
list often has the pack size the ERP lacks). Prices and order lines that arrive with a channel's own
product code are rewritten to the master SKU, and the code they carried is kept in ``source_sku_code``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from cleansing.product_standardise import add_flags, standard_code
from mdm.product_match import ProductMatchResult, match_products

RESOLVED_FLAG = "sku_code:resolved_to_master"


def master_products(
    products: pd.DataFrame, match: ProductMatchResult, trust_ranks: dict[str, int]
) -> pd.DataFrame:
    """One row per master SKU (``products`` must be the frame ``match`` was computed from).

    A cluster whose records disagree on nothing but provenance (the same product listed twice) gives
    one row; records the matcher kept apart stay separate rows, so the standard still sees a code or a
    GTIN used twice.
    """
    frame = products.reset_index(drop=True).copy()
    frame["_master"] = match.crosswalk["sku_code"].to_numpy()
    frame["_rank"] = frame["source_system"].map(trust_ranks).fillna(99).to_numpy()
    frame["_position"] = np.arange(len(frame))
    frame["_cluster"] = match.crosswalk["cluster"].to_numpy()
    frame = frame.sort_values(["_cluster", "_rank", "_position"], kind="stable")
    fields = [c for c in frame.columns if not c.startswith("_")]
    first = frame.groupby("_cluster", sort=False)[fields].first()  # first non-blank value per field
    survivors = frame.drop_duplicates("_cluster").set_index("_cluster")
    masters = survivors[fields].copy()
    fillable = [c for c in fields if c not in ("source_system", "source_file", "source_sheet", "source_row")]
    blank = masters[fillable].isna() | masters[fillable].astype("string").apply(lambda s: s.str.strip() == "")
    masters[fillable] = masters[fillable].mask(blank, first[fillable])
    masters["sku_code"] = survivors["_master"]
    sizes = frame.groupby("_cluster", sort=False).size()
    masters["source_count"] = sizes.reindex(masters.index).to_numpy()
    order = survivors["_position"].reindex(masters.index).to_numpy()
    return masters.iloc[np.argsort(order, kind="stable")].reset_index(drop=True)


def resolve_product_codes(
    frame: pd.DataFrame, crosswalk: pd.DataFrame, column: str = "sku_code"
) -> pd.DataFrame:
    """A copy of ``frame`` whose product codes point at master SKUs.

    The code is looked up as the row's own source system wrote it; a code that is already a master SKU
    stays; a code known in exactly one master through another system resolves to it. Anything else is
    left as it was, for the price and order checks to report as an unknown product.
    """
    out = frame.copy()
    if column not in out.columns or crosswalk.empty:
        return out
    codes = out[column].map(standard_code)
    keys = zip(crosswalk["source_system"], crosswalk["source_code"].map(standard_code), strict=True)
    own = dict(zip(keys, crosswalk["sku_code"], strict=True))
    masters = set(crosswalk["sku_code"])
    by_code = (
        crosswalk.assign(code=crosswalk["source_code"].map(standard_code))
        .groupby("code")["sku_code"]
        .unique()
    )
    unique = {code: skus[0] for code, skus in by_code.items() if len(skus) == 1}
    systems = out["source_system"] if "source_system" in out.columns else pd.Series(None, index=out.index)
    resolved = [
        own.get((system, code)) or (code if code in masters else unique.get(code)) or code
        for system, code in zip(systems, codes, strict=True)
    ]
    changed = (
        np.array([r != c for r, c in zip(resolved, codes, strict=True)], dtype=bool)
        & codes.notna().to_numpy()
    )
    out["source_sku_code"] = out[column]
    out[column] = resolved
    out["data_flags"] = add_flags(out, [(changed, RESOLVED_FLAG)])
    return out


@dataclass
class ProductMaster:
    """The matched product records, one row per master SKU, and the crosswalk rows the store keeps."""

    match: ProductMatchResult
    masters: pd.DataFrame

    @property
    def crosswalk(self) -> pd.DataFrame:
        """Source code → master SKU for every record that has a code (the store's ``product_crosswalk``)."""
        crosswalk = self.match.crosswalk
        return crosswalk[crosswalk["source_code"].notna()].drop_duplicates(["source_system", "source_code"])


def build_product_master(
    products: pd.DataFrame, trust_ranks: dict[str, int], decisions: pd.DataFrame | None = None
) -> ProductMaster:
    """Match standardised product records across sources and keep one row per master SKU."""
    records = products.reset_index(drop=True)
    match = match_products(records, trust_ranks, decisions=decisions)
    return ProductMaster(match, master_products(records, match, trust_ranks))
