"""One migration wave of a load and of its reconciliation.

A wave's partners are the golden partners of its regions (``sales_region``) or of its listed codes (a
golden id, or any source system's partner code through the crosswalk), with the head offices of its
branches (a branch refers to its head office, so they travel together); its customers are those its
partners serve; its balances and orders are those of its partners. Products, prices and the product
crosswalk are shared master data: every wave loads them whole (an unchanged row is never rewritten).
The quarantine is always loaded whole: it is the record of the sources, not of a wave.

Loading a wave writes only the wave's rows, so an earlier, accepted wave's rows stay as they were;
reconciling a wave compares only the wave's source rows with the wave's store rows, so the rows of
other waves are neither missing nor extra.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import cast

import pandas as pd
from sqlalchemy import ColumnElement

from foundation.errors import UserError
from mdm.references import resolve_partner_golden_ids
from migration.load import TABLE_ALIASES
from migration.models import TABLES
from migration.waves import Scope

SHARED_TABLES = (
    "product", "price", "promotion", "volume_band", "product_crosswalk", "quarantine", "golden_lineage",
)  # fmt: skip
"""Tables every wave loads whole (lineage describes every golden record computed, loaded or not, so a
later wave never deletes an earlier one's)."""
ENTITY_TABLES = {
    "partner": ("partner", "crosswalk", "golden_lineage"),
    "customer": ("customer", "crosswalk", "golden_lineage"),
    "product": ("product", "product_crosswalk"),
    "price": ("price",),
    "promotion": ("promotion",),
    "volume_band": ("volume_band",),
    "balance": ("balance",),
    "order_line": ("order_line",),
}
"""``--scope entity=…`` → the store tables that entity's load writes."""


@dataclass(frozen=True)
class WaveMembers:
    """The golden partners and customers a wave covers; ``None``: every one (no region or partner scope)."""

    scope: Scope
    partners: frozenset[str] | None = None
    customers: frozenset[str] | None = None

    def to_dict(self) -> dict[str, object]:
        return {
            **self.scope.to_dict(),
            "partner_golden_ids": None if self.partners is None else sorted(self.partners),
            "customer_golden_ids": None if self.customers is None else sorted(self.customers),
        }

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> WaveMembers:
        scope = Scope.from_dict(data)
        partners, customers = data.get("partner_golden_ids"), data.get("customer_golden_ids")
        return cls(
            scope,
            None if partners is None else frozenset(cast("list[str]", partners)),
            None if customers is None else frozenset(cast("list[str]", customers)),
        )


def _text(value: object) -> str:
    return "" if value is None or pd.isna(value) else unicodedata.normalize("NFKC", str(value)).strip()


def wave_members(
    scope: Scope, partners: pd.DataFrame, customers: pd.DataFrame, partner_crosswalk: pd.DataFrame
) -> WaveMembers:
    """The golden partners and customers of ``scope``, from the golden frames about to be loaded."""
    for entity in scope.entities:
        if TABLE_ALIASES.get(entity, entity) not in ENTITY_TABLES:
            raise UserError(
                f"--scope entity={entity}: not an entity the store loads; use one of "
                f"{', '.join(ENTITY_TABLES)}"
            )
    if not (scope.regions or scope.partners):
        return WaveMembers(scope)
    chosen = pd.Series(True, index=partners.index)
    if scope.regions:
        chosen &= partners["sales_region"].map(_text).isin(set(scope.regions))
    if scope.partners:
        codes = set(scope.partners)
        by_source = partner_crosswalk.loc[
            partner_crosswalk["source_record_id"].map(_text).isin(codes), "golden_id"
        ]
        chosen &= partners["golden_id"].isin(codes | set(by_source))
    wave_partners = _with_head_offices(set(partners.loc[chosen, "golden_id"].astype(str)), partners)
    served = customers["partner_golden_id"].isin(wave_partners) if len(customers) else pd.Series(dtype=bool)
    wave_customers = (
        frozenset(customers.loc[served, "golden_id"].astype(str)) if len(customers) else frozenset()
    )
    return WaveMembers(scope, wave_partners, wave_customers)


def _with_head_offices(chosen: set[str], partners: pd.DataFrame) -> frozenset[str]:
    """The chosen partners and every head office above them: a branch (分公司) refers to its head office,
    so the head office travels with the first wave that holds one of its branches."""
    if "parent_golden_id" not in partners.columns:
        return frozenset(chosen)
    parent_of = {
        str(g): str(p)
        for g, p in zip(partners["golden_id"], partners["parent_golden_id"], strict=True)
        if _text(p)
    }
    todo = list(chosen)
    while todo:
        parent = parent_of.get(todo.pop())
        if parent is not None and parent not in chosen:
            chosen.add(parent)
            todo.append(parent)
    return frozenset(chosen)


def store_frames_in_wave(frames: dict[str, pd.DataFrame], members: WaveMembers) -> dict[str, pd.DataFrame]:
    """The frames one load writes for the wave: its tables, and in them only its rows."""
    tables = _wave_tables(members.scope)
    chosen = {}
    for name, frame in frames.items():
        if name not in tables:
            continue
        keep = _rows_in_wave(name, frame, members)
        chosen[name] = frame if keep is None else frame[keep].reset_index(drop=True)
    return chosen


def tables_cut_to_wave(members: WaveMembers) -> frozenset[str]:
    """The tables a wave's load writes only in part: the rows of theirs it does not mention belong to other
    waves, so they are neither gone from the sources nor to be flagged or soft-deleted as such."""
    if members.scope.is_whole:
        return frozenset()
    cut = set()
    if members.partners is not None:
        cut |= {"partner", "customer", "balance", "order_line"}
    entities = set(members.scope.entities) or {"partner", "customer"}
    if members.partners is not None or not entities >= {"partner", "customer"}:
        cut.add("crosswalk")
    return frozenset(cut & _wave_tables(members.scope))


def _wave_tables(scope: Scope) -> set[str]:
    if not scope.entities:
        return {t for tables in ENTITY_TABLES.values() for t in tables} | set(SHARED_TABLES)
    wanted = {TABLE_ALIASES.get(e, e) for e in scope.entities}
    return {t for e in wanted for t in ENTITY_TABLES[e]} | {"quarantine"}


def _rows_in_wave(name: str, frame: pd.DataFrame, members: WaveMembers) -> pd.Series | None:
    if name == "crosswalk":
        return _crosswalk_in_wave(frame, members)
    if members.partners is None or name in SHARED_TABLES:
        return None
    if name == "partner":
        return frame["golden_id"].isin(members.partners)
    if name == "customer":
        return frame["golden_id"].isin(members.customers or frozenset())
    if name in ("balance", "order_line"):
        return frame["partner_golden_id"].isin(members.partners)
    return None


def _crosswalk_in_wave(frame: pd.DataFrame, members: WaveMembers) -> pd.Series | None:
    entities = set(members.scope.entities) or {"partner", "customer"}
    if members.partners is None and entities >= {"partner", "customer"}:
        return None
    keep = pd.Series(False, index=frame.index)
    for entity, golden in (("partner", members.partners), ("customer", members.customers)):
        if entity in entities:
            mine = frame["entity"] == entity
            keep |= mine if golden is None else mine & frame["golden_id"].isin(golden)
    return keep


def source_frames_in_wave(
    old: dict[str, pd.DataFrame],
    members: WaveMembers,
    crosswalk: pd.DataFrame,
    code_systems: dict[str, str],
) -> dict[str, pd.DataFrame]:
    """The source (old) frames a wave's reconciliation compares: its entities, and in them its rows.

    ``crosswalk`` is the store's (entity, source_system, source_record_id, golden_id).
    """
    tables = _wave_tables(members.scope)
    chosen = {}
    for name, frame in old.items():
        table = TABLE_ALIASES.get(name, name)
        if table not in tables:
            continue
        if members.partners is None or table in SHARED_TABLES or frame.empty:
            chosen[name] = frame
            continue
        if table in ("partner", "customer"):
            mapping = crosswalk[crosswalk["entity"] == table]
            golden = frame.merge(
                mapping[["source_system", "source_record_id", "golden_id"]],
                on=["source_system", "source_record_id"],
                how="left",
            )["golden_id"]
            wanted = members.partners if table == "partner" else members.customers or frozenset()
            keep = golden.isin(wanted).to_numpy()
        else:
            partner_crosswalk = crosswalk[crosswalk["entity"] == "partner"]
            keep = resolve_partner_golden_ids(frame, partner_crosswalk, code_systems).isin(members.partners)
            keep = keep.fillna(False).to_numpy(dtype=bool)
        chosen[name] = frame[keep].reset_index(drop=True)
    return chosen


def store_rows_in_wave(members: WaveMembers) -> dict[str, ColumnElement[bool]]:
    """Per store table, the condition that selects the wave's rows (tables not named: every row)."""
    if members.partners is None:
        return {}
    partners, customers = sorted(members.partners), sorted(members.customers or ())
    return {
        "partner": TABLES["partner"].c.golden_id.in_(partners),
        "customer": TABLES["customer"].c.golden_id.in_(customers),
        "balance": TABLES["balance"].c.partner_golden_id.in_(partners),
        "order_line": TABLES["order_line"].c.partner_golden_id.in_(partners),
    }
