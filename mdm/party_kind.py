"""Person or organisation: customer lists keep both in one name column.

With ``entity: person`` every name is a person's; with ``organisation`` none is; with ``auto``
a name is a person's when it looks like a Chinese personal name (a common surname and one or
two given characters, nothing parsed as region, industry word or legal form) or is written in
the ``person_name`` column. ``party_kind`` records the outcome so that a person is never merged
with a company.
"""

from __future__ import annotations

import pandas as pd

from cleansing.family_names import COMMON_SURNAMES, COMPOUND_SURNAMES


def looks_like_chinese_person_name(names: pd.Series) -> pd.Series:
    """True for ``张伟``, ``欧阳明华``; false for ``光彩腾酒楼``, ``华强`` (no common surname) or Latin text."""
    text = names.astype("string")
    chinese = text.str.fullmatch(r"[\u3400-\u9fff]{2,4}").fillna(False).astype(bool)
    compound = text.str[:2].isin(COMPOUND_SURNAMES).fillna(False).astype(bool)
    single = text.str[:1].isin(COMMON_SURNAMES).fillna(False).astype(bool)
    length = text.str.len().fillna(0)
    return chinese & ((single & (length <= 3)) | (compound & (length >= 3)))


def mark_person_names(std: pd.DataFrame, entity: str) -> pd.DataFrame:
    """Move people's names out of the company-name parts into ``person_name``; add ``party_kind``."""
    std = std.copy()
    has_name = std["name_normalised"].notna()
    if entity == "person":
        person_like = has_name
        compact = std["name_normalised"].str.replace(" ", "", regex=False)
    elif entity == "organisation":
        person_like = pd.Series(False, index=std.index)
        compact = std["name_normalised"]
    else:
        parts_missing = (
            std["name_legal_form"].isna() & std["name_industry"].isna() & std["name_region"].isna()
        )
        # The name without a note in brackets (王芳(采购), 王芳(VIP)): the core of a name that parsed into
        # no region, industry word or legal form.
        compact = std["name_core"].fillna(std["name_normalised"]).str.replace(" ", "", regex=False)
        person_like = has_name & parts_missing & looks_like_chinese_person_name(compact)
    person_like = (person_like & std["person_name"].isna()).to_numpy(dtype=bool)
    std.loc[person_like, "person_name"] = compact[person_like]
    for column in ("name_trade", "name_core", "name_region", "name_industry", "name_legal_form"):
        std.loc[person_like, column] = pd.NA
    kind = pd.Series(pd.NA, index=std.index, dtype="string")
    kind[std["person_name"].notna() & std["name_core"].isna()] = "person"
    kind[std["name_core"].notna()] = "organisation"
    std["party_kind"] = kind
    return std
