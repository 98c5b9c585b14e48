"""Small standardised party frames built by hand, in the shape ``standardise_parties`` returns."""

from __future__ import annotations

import pandas as pd
import pytest

from cleansing.standardise import PARTY_COLUMNS

CONTRACT_COLUMNS = tuple(PARTY_COLUMNS)


def standardised_frame(rows: list[dict]) -> pd.DataFrame:
    """Fill every contract column; absent values are ``pd.NA`` and statuses default to missing."""
    filled = []
    for i, row in enumerate(rows):
        full = {c: pd.NA for c in CONTRACT_COLUMNS}
        full["record_id"] = f"R{i:03d}"
        full["uscc_status"] = "missing"
        full["phone_kind"] = "missing"
        if "name_normalised" in row:
            full["name_is_branch"] = False
        full.update(row)
        if full["uscc"] is not pd.NA and "uscc_status" not in row:
            full["uscc_status"] = "valid"
        if full["phone_e164"] is not pd.NA and "phone_kind" not in row:
            full["phone_kind"] = "mobile"
        filled.append(full)
    frame = pd.DataFrame(filled, columns=list(CONTRACT_COLUMNS))
    for c in CONTRACT_COLUMNS:
        frame[c] = frame[c].astype("boolean" if c == "name_is_branch" else "string")
    return frame


def company(
    trade: str,
    industry: str = "商贸",
    region: str | None = "深圳",
    city: str | None = "深圳市",
    legal: str = "有限公司",
    branch_region: str | None = None,
    **extra,
) -> dict:
    """A Chinese company name split the way the name standardiser splits it."""
    branch = f"{branch_region}分公司" if branch_region else ""
    name = f"{region or ''}{trade}{industry}{legal}{branch}"
    row = {
        "name_normalised": name,
        "name_region": region,
        "name_trade": trade,
        "name_industry": industry,
        "name_legal_form": legal,
        "name_core": trade + industry,
        "city": city,
        "name_is_branch": bool(branch_region),
        "name_branch": "分公司" if branch_region else pd.NA,
        "name_branch_region": branch_region,
    }
    row.update(extra)
    return {k: (pd.NA if v is None else v) for k, v in row.items()}


@pytest.fixture
def make_frame():
    return standardised_frame


@pytest.fixture
def make_company():
    return company
