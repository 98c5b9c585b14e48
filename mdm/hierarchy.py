"""The partner hierarchy: each branch's head office, and the distributor (一批) that supplies each 二批 dealer.

A source names a branch's head office only when it holds the head office too (its parent code is a
code of the same source). A branch whose source does not hold its head office is linked by name: its
name is the head office's name plus a branch part (深圳X商贸有限公司杭州分公司 → 深圳X商贸有限公司), so the
head office is the golden partner that is not a branch and has the same trade name, industry and legal
form (the law's two spellings of one form count as one), in a compatible region. A shop word after a
company's name (…有限公司杭州经营部) marks a branch as 分公司 does. When no such partner, or more than one, is found, the branch stays
unlinked and is listed for a steward with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from cleansing.company_names import parse_company_names

__all__ = [
    "LINK_BY_NAME",
    "LINK_BY_SOURCE_CODE",
    "UNLINKED_BRANCH_COLUMNS",
    "BranchLinks",
    "count_hierarchy",
    "link_branches_to_head_offices",
]

LINK_BY_SOURCE_CODE = "source_parent_code"
"""The source gave the branch its head office's code."""
LINK_BY_NAME = "name_rule"
"""The head office was found by the branch's name."""
UNLINKED_BRANCH_COLUMNS = ["golden_id", "partner_name", "reason_code", "reason", "candidate_golden_ids"]
SAME_LEGAL_FORM = {
    "有限责任公司": "有限公司",
    "集团有限责任公司": "集团有限公司",
    "股份公司": "股份有限公司",
}
"""Spellings the Company Law allows for one legal form (公司法: 有限责任公司 may be named 有限公司, 股份有限公司
股份公司). Any other difference in legal form is a different company."""
_SHOP_AFTER_A_COMPANY = r"^(?P<head>.+公司)[^司]{0,12}(?:经营部|门市部)$"


@dataclass(frozen=True)
class BranchLinks:
    parent_golden_id: pd.Series
    """The head office of each golden partner (NA for a head office or an unlinked branch), by golden index."""
    parent_link: pd.Series
    """How the head office was found: :data:`LINK_BY_SOURCE_CODE`, :data:`LINK_BY_NAME` or NA."""
    unlinked_branches: pd.DataFrame
    """Branches left without a head office, in :data:`UNLINKED_BRANCH_COLUMNS`, for a steward."""


def link_branches_to_head_offices(golden: pd.DataFrame) -> BranchLinks:
    """Give every golden branch its head office: the source's parent code where known, else by name.

    ``golden`` holds golden partners: ``golden_id``, ``partner_name``, ``parent_golden_id`` (from the
    sources' parent codes, NA where none) and optionally ``province`` and ``city`` (used to check the
    region of a head office whose own name carries none).
    """
    names = parse_company_names(golden["partner_name"])
    from_source = golden.get("parent_golden_id", pd.Series(pd.NA, index=golden.index)).astype("string")
    parent = from_source.copy()
    link = pd.Series(pd.NA, index=golden.index, dtype="string").mask(from_source.notna(), LINK_BY_SOURCE_CODE)

    head_office_names = _head_office_names(names)
    is_branch = head_office_names.notna()
    wanted = is_branch & from_source.isna()
    implied = parse_company_names(head_office_names[wanted])  # the head office each branch's name implies
    wanted = wanted & implied["core"].reindex(golden.index).notna()
    implied = implied.loc[wanted[wanted].index].assign(head_office_name=head_office_names[wanted])
    heads = golden.loc[~is_branch & names["core"].notna()]
    candidates = _candidates(golden.loc[wanted], implied, heads, names.loc[heads.index])
    chosen, unlinked = _choose(golden.loc[wanted], implied, candidates)
    parent.loc[chosen.index] = chosen.to_numpy()
    link.loc[chosen.index] = LINK_BY_NAME
    return BranchLinks(parent, link, unlinked.reset_index(drop=True))


_LATIN_HEAD_OFFICE_PARTS = ["trade_name", "industry", "legal_form"]
"""What an English branch name says of its head office's name (its region is a Chinese division's name)."""


def _head_office_names(names: pd.DataFrame) -> pd.Series:
    """The head office's name each branch's name implies (NA for a name that is not a branch's).

    A parsed branch (…有限公司杭州分公司) names its head office by its region, trade name, industry and legal
    form. A shop word after a company's legal form (…有限公司杭州经营部) marks a branch too, though the same
    word alone (华强副食经营部) is a business's own form, not a branch.
    """
    branch = names["is_branch"].fillna(False).astype(bool)
    parsed = names["region"].fillna("") + names["trade_name"].fillna("") + names["industry"].fillna("")
    parsed = (parsed + names["legal_form"].fillna("")).where(branch)
    # HUAXIN TRADING CO., LTD. SHANGHAI BRANCH: an English name's words are written apart, its region (a
    # Chinese division's name) left out.
    latin = branch & names["trade_name"].fillna("").str.isascii()
    if latin.any():
        trade, industry, legal_form = (names.loc[latin, c].fillna("") for c in _LATIN_HEAD_OFFICE_PARTS)
        parsed[latin] = (trade + " " + industry + " " + legal_form).str.split().str.join(" ")
    shop = names["name_normalised"].str.extract(_SHOP_AFTER_A_COMPANY, expand=False)
    return parsed.fillna(shop).replace("", pd.NA).astype("string")


def _legal_form_key(legal_forms: pd.Series) -> pd.Series:
    """Legal forms with the law's two spellings of one form made one (有限责任公司 = 有限公司)."""
    return legal_forms.fillna("").replace(SAME_LEGAL_FORM)


def _region_key(names: pd.DataFrame) -> pd.Series:
    return names["region"].astype("string")


def _candidates(
    branches: pd.DataFrame, branch_names: pd.DataFrame, heads: pd.DataFrame, head_names: pd.DataFrame
) -> pd.DataFrame:
    """Every (branch, possible head office) pair with the same trade name, industry and legal form."""
    left = pd.DataFrame(
        {
            "branch_index": branches.index,
            "core": branch_names["core"].to_numpy(),
            "legal_form": _legal_form_key(branch_names["legal_form"]).to_numpy(),
            "branch_region": _region_key(branch_names).to_numpy(),
        }
    )
    right = pd.DataFrame(
        {
            "head_golden_id": heads["golden_id"].astype(str).to_numpy(),
            "core": head_names["core"].to_numpy(),
            "legal_form": _legal_form_key(head_names["legal_form"]).to_numpy(),
            "head_name_region": _region_key(head_names).to_numpy(),
            "head_place": _place(heads).to_numpy(),
        }
    )
    pairs = left.merge(right, on=["core", "legal_form"], how="inner")
    region = pairs["branch_region"]
    same_region = region.notna() & (pairs["head_name_region"] == region).fillna(False)
    # A head office whose name carries no region is placed by its address (北京 fits 北京市).
    placed = pairs["head_name_region"].isna() & (
        pairs["head_place"].isna() | _starts_with(pairs["head_place"], region)
    )
    pairs["exact"] = same_region.astype(bool)
    pairs["compatible"] = (region.isna() | same_region | placed).astype(bool)
    return pairs


def _place(heads: pd.DataFrame) -> pd.Series:
    """Province and city of each head office as one text (NA when neither is known)."""
    parts = [heads[c].astype("string") for c in ("province", "city") if c in heads.columns]
    if not parts:
        return pd.Series(pd.NA, index=heads.index, dtype="string")
    joined = parts[0].fillna("")
    for part in parts[1:]:
        joined = joined + "|" + part.fillna("")
    return joined.mask(joined.str.strip("|") == "")


def _starts_with(place: pd.Series, region: pd.Series) -> pd.Series:
    return pd.Series(
        [
            isinstance(p, str) and isinstance(r, str) and any(x.startswith(r) for x in p.split("|") if x)
            for p, r in zip(place, region, strict=True)
        ],
        index=place.index,
    )


def _choose(
    branches: pd.DataFrame, branch_names: pd.DataFrame, candidates: pd.DataFrame
) -> tuple[pd.Series, pd.DataFrame]:
    """The head office of each branch that has exactly one; the others with the reason they have none.
    ``branch_names``: per branch the parts of the head office's name its own name implies, and that name
    (``head_office_name``), which a steward is told."""
    by_branch = candidates.groupby("branch_index")
    compatible = candidates[candidates["compatible"]].groupby("branch_index")["head_golden_id"].agg(list)
    exact = candidates[candidates["exact"]].groupby("branch_index")["head_golden_id"].agg(list)
    every = by_branch["head_golden_id"].agg(list)
    chosen: dict[object, str] = {}
    rows = []
    for index in branches.index:
        found = exact.get(index, [])
        if len(found) != 1:
            found = compatible.get(index, [])
        named_by_form = not pd.isna(branch_names.at[index, "legal_form"])
        if len(found) == 1 and named_by_form:
            chosen[index] = found[0]
            continue
        head_name = branch_names.at[index, "head_office_name"]
        if not named_by_form and index in every.index:
            # 安洁济南分公司: a trade name alone is too little to tell one company from another
            found = every[index]
            code = "no_legal_form"
            reason = (
                f"the branch name gives its head office no legal form (有限公司 …), too little to find it by "
                f"name among the partners called {head_name}: check which one it belongs to"
            )
        elif len(found) > 1:
            code = "ambiguous"
            reason = (
                f"{len(found)} golden partners could be the head office {head_name}: decide which one "
                "(or merge them if they are the same company)"
            )
        elif index in every.index:
            found = every[index]
            code = "region_mismatch"
            reason = (
                f"a partner named like the head office {head_name} exists, but not in the branch name's region "
                f"{branch_names.at[index, 'region']}: check which company the branch belongs to"
            )
        else:
            code = "no_head_office"
            reason = (
                f"no golden partner is named like the head office {head_name}: the head office is in no "
                "source, or its name is written differently there"
            )
        rows.append(
            (branches.at[index, "golden_id"], branches.at[index, "partner_name"], code, reason, found)
        )
    unlinked = pd.DataFrame(rows, columns=UNLINKED_BRANCH_COLUMNS)
    unlinked["candidate_golden_ids"] = unlinked["candidate_golden_ids"].map(
        lambda ids: ", ".join(sorted(ids))
    )
    return pd.Series(chosen, dtype="string"), unlinked


def count_hierarchy(golden: pd.DataFrame, unlinked_branches: pd.DataFrame) -> dict[str, int]:
    """Partners with a head office, by how it was found; branches left unlinked; 二批 dealers with a supplier."""
    link = golden.get("parent_link", pd.Series(pd.NA, index=golden.index)).astype("string")
    tier2 = golden.get("channel_tier", pd.Series(pd.NA, index=golden.index)).astype("string") == "2"
    supplier = golden.get("supplier_golden_id", pd.Series(pd.NA, index=golden.index)).notna()
    return {
        "head_office_by_source_code": int((link == LINK_BY_SOURCE_CODE).fillna(False).sum()),
        "head_office_by_name": int((link == LINK_BY_NAME).fillna(False).sum()),
        "branches_unlinked": len(unlinked_branches),
        "tier2_dealers": int(tier2.fillna(False).sum()),
        "tier2_dealers_with_supplier": int((tier2.fillna(False) & supplier).sum()),
        "tier2_dealers_without_supplier": int((tier2.fillna(False) & ~supplier).sum()),
    }
