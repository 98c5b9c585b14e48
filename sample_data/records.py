"""Source records: which legacy systems hold each true entity, under which code, and how written.

Every entity appears in one or more sources (and now and then twice in one source). The copy in
the most trusted source is usually clean; the others carry variants. Codes are assigned in a
shuffled order so that a source's code order says nothing about the true entity.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from cleansing.canonical import CUSTOMER, PARTNER
from sample_data.parties import COMPANY_NAME_PART_COLUMNS, render_address, render_company_names_of
from sample_data.variants import COMPANY_VARIANT_P, PERSON_VARIANT_P, apply_variants, choose_variant_kinds

TRUTH_COLUMNS = ["source_system", "source_record_id", "true_entity_id", "variant_kinds"]


@dataclass(frozen=True)
class SourcePlan:
    """How likely a source is to hold an entity, and how it writes its codes."""

    source_system: str
    probability: float
    code_prefix: str
    code_digits: int
    duplicate_rate: float = 0.02


PARTNER_SOURCES: tuple[SourcePlan, ...] = (
    SourcePlan("erp", 0.85, "C", 6),
    SourcePlan("dms", 0.65, "D", 5),
    SourcePlan("crm", 0.55, "A-", 6),
)
CUSTOMER_SOURCES: tuple[SourcePlan, ...] = (
    SourcePlan("crm", 0.8, "CU", 7),
    SourcePlan("sales", 0.72, "KH", 6),
)

P_CLEAN_PRIMARY = 0.85
P_VARIED_OTHER = 0.7


def assign_sources(rng: np.random.Generator, n_entities: int, plans: tuple[SourcePlan, ...]) -> pd.DataFrame:
    """One row per source record: entity index, source, and whether it is the entity's most trusted copy."""
    p = np.array([s.probability for s in plans])
    present = rng.random((n_entities, len(plans))) < p
    nobody = ~present.any(axis=1)
    present[np.flatnonzero(nobody), rng.choice(len(plans), nobody.sum(), p=p / p.sum())] = True
    extra = present & (rng.random((n_entities, len(plans))) < np.array([s.duplicate_rate for s in plans]))
    first_source = present.argmax(axis=1)
    parts = []
    for j, plan in enumerate(plans):
        for copy, mask in ((0, present[:, j]), (1, extra[:, j])):
            idx = np.flatnonzero(mask)
            parts.append(
                pd.DataFrame(
                    {
                        "entity_idx": idx,
                        "source_system": plan.source_system,
                        "source_rank": j,
                        "copy": copy,
                        "primary": (first_source[idx] == j) & (copy == 0),
                    }
                )
            )
    return pd.concat(parts, ignore_index=True)


def assign_codes(
    rng: np.random.Generator, assignment: pd.DataFrame, plans: tuple[SourcePlan, ...]
) -> pd.DataFrame:
    """Give each record a code in its source, in shuffled order with small gaps; sort by source and code."""
    out = []
    for j, plan in enumerate(plans):
        part = assignment[assignment["source_rank"] == j]
        part = part.iloc[rng.permutation(len(part))].copy()
        numbers = 10 ** (plan.code_digits - 1) + np.cumsum(rng.integers(1, 4, len(part)))
        digits = max(plan.code_digits, len(str(int(numbers[-1])))) if len(part) else plan.code_digits
        part["source_record_id"] = [f"{plan.code_prefix}{x:0{digits}d}" for x in numbers]
        out.append(part)
    return pd.concat(out, ignore_index=True)


def _base_frame(entities: pd.DataFrame, records: pd.DataFrame) -> pd.DataFrame:
    rec = entities.iloc[records["entity_idx"].to_numpy()].reset_index(drop=True)
    for col in ("source_system", "source_record_id", "primary", "source_rank"):
        rec[col] = records[col].to_numpy()
    return rec


def _varied_mask(rng: np.random.Generator, primary: np.ndarray) -> np.ndarray:
    u = rng.random(len(primary))
    return np.where(primary, u > P_CLEAN_PRIMARY, u < P_VARIED_OTHER)


def _parent_codes(rec: pd.DataFrame, parent_ids: pd.Series) -> np.ndarray:
    """The head office's code in the same source, where that source holds the head office."""
    first = rec[rec["copy"] == 0]
    lookup = pd.Series(
        first["source_record_id"].to_numpy(object),
        index=(first["source_system"] + "|" + first["true_entity_id"]).to_numpy(object),
    )
    wanted = (rec["source_system"] + "|" + parent_ids).to_numpy(object)
    found = lookup.reindex(wanted).fillna("").to_numpy(object)
    return np.where(parent_ids.to_numpy(object) == "", "", found)


def build_partner_records(
    rng: np.random.Generator, entities: pd.DataFrame, plans: tuple[SourcePlan, ...] = PARTNER_SOURCES
) -> pd.DataFrame:
    """Canonical partner records (plus helper columns) with variants applied and ``variant_kinds``."""
    records = assign_codes(rng, assign_sources(rng, len(entities), plans), plans)
    rec = _base_frame(entities, records)
    rec["copy"] = records["copy"].to_numpy()
    rec["partner_name"] = render_company_names_of(rec)
    rec["address"] = render_address(
        rec["province"].to_numpy(object),
        rec["city"].to_numpy(object),
        rec["district"].to_numpy(object),
        rec["street"].to_numpy(object),
    )
    rec["birth_date"] = ""
    chosen = choose_variant_kinds(rng, _varied_mask(rng, rec["primary"].to_numpy()), COMPANY_VARIANT_P)
    rec["variant_kinds"] = apply_variants(rng, rec, chosen, "partner_name", np.ones(len(rec), dtype=bool))
    rec["parent_record_id"] = _parent_codes(rec, rec["parent_entity_id"])
    rec["created_date"] = pd.to_datetime(rec["created_date"]).dt.strftime("%Y-%m-%d")
    return rec


def build_customer_records(
    rng: np.random.Generator, entities: pd.DataFrame, plans: tuple[SourcePlan, ...] = CUSTOMER_SOURCES
) -> pd.DataFrame:
    """Canonical customer records (businesses and people) with variants and ``variant_kinds``."""
    records = assign_codes(rng, assign_sources(rng, len(entities), plans), plans)
    rec = _base_frame(entities, records)
    rec["copy"] = records["copy"].to_numpy()
    is_company = (rec["customer_kind"] == "business").to_numpy()
    company_name = render_company_names_of(rec)
    rec["customer_name"] = np.where(is_company, company_name, rec["name"].fillna("").to_numpy(object))
    for col in (
        *COMPANY_NAME_PART_COLUMNS,
        "uscc",
        "id_number_masked",
        "gender",
        "postcode",
        "contact_name",
        "email",
        "parent_entity_id",
    ):
        rec[col] = rec[col].fillna("") if col in rec else ""
    rec["birth_date"] = pd.to_datetime(rec["birth_date"]).dt.strftime("%Y-%m-%d").fillna("")
    rec["postcode"] = np.where(rec["postcode"] == "", rec["postcode_city"], rec["postcode"])
    rec["address"] = render_address(
        rec["province"].to_numpy(object),
        rec["city"].to_numpy(object),
        rec["district"].to_numpy(object),
        rec["street"].to_numpy(object),
    )
    probabilities = {**PERSON_VARIANT_P, **COMPANY_VARIANT_P}
    chosen = choose_variant_kinds(rng, _varied_mask(rng, rec["primary"].to_numpy()), probabilities)
    for kind in PERSON_VARIANT_P:
        if kind not in COMPANY_VARIANT_P:
            chosen[kind] &= ~is_company
    rec["variant_kinds"] = apply_variants(rng, rec, chosen, "customer_name", is_company)
    rec["created_date"] = pd.to_datetime(rec["created_date"]).dt.strftime("%Y-%m-%d")
    return rec


def canonical_frame(rec: pd.DataFrame, entity: str) -> pd.DataFrame:
    """The canonical columns of ``entity`` plus ``source_system``, in canonical order."""
    columns = (PARTNER if entity == "partner" else CUSTOMER).column_names
    out = pd.DataFrame({"source_system": rec["source_system"].to_numpy()})
    for col in columns:
        out[col] = rec[col].to_numpy(object) if col in rec else ""
    return out


def truth_frame(rec: pd.DataFrame) -> pd.DataFrame:
    return rec[TRUTH_COLUMNS].reset_index(drop=True)
