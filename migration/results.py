"""The numbers of a reconciliation, as plain dataclasses that round-trip through JSON.

The HTML report, the JSON file and ``sampled_keys.csv`` are all rendered from one
:class:`ReconciliationResult`, so they always agree; a saved JSON can be re-rendered later.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from decimal import Decimal
from typing import Any

LISTED_KEYS = 1_000
"""Keys listed per entity and direction in a reconciliation (all are counted)."""


@dataclass(frozen=True)
class ControlTotals:
    """Where every source record of one entity went."""

    entity: str
    rows_in_source: int
    quarantined: int
    accepted: int
    merged_away: int
    """Accepted records folded into another: matched into one golden record, or a repeated business key."""
    unmapped: int
    """Accepted partner/customer records with no crosswalk entry (should be 0)."""
    expected_in_store: int
    actually_in_store: int
    missing_from_store: list[str] = field(default_factory=list)
    """Business keys (golden ids for partners and customers) expected in the store and not there,
    ``|``-joined; at most :data:`LISTED_KEYS`."""
    not_from_source: list[str] = field(default_factory=list)
    """Keys in the store that no accepted source record accounts for (e.g. left by an earlier load)."""
    missing_count: int = 0
    not_from_source_count: int = 0

    @property
    def difference(self) -> int:
        return self.actually_in_store - self.expected_in_store


@dataclass(frozen=True)
class MoneyTotal:
    """A money (or quantity) column summed over the accepted source rows and over the store."""

    entity: str
    column: str
    source_total: Decimal
    store_total: Decimal

    @property
    def difference(self) -> Decimal:
        return self.store_total - self.source_total


@dataclass(frozen=True)
class PriceTierCount:
    price_tier: str
    source_rows: int
    store_rows: int

    @property
    def difference(self) -> int:
        return self.store_rows - self.source_rows


@dataclass(frozen=True)
class FieldMismatch:
    """One compared field that differs between the old record and the store."""

    entity: str
    key: str
    column: str
    old_value: str
    new_value: str


@dataclass(frozen=True)
class StratumResult:
    """The sampled old-versus-new comparison of one entity and the claim it supports."""

    entity: str
    population: int
    sample_size: int
    method: str
    """hash | monetary_unit | census"""
    records_compared: int
    defects: int
    """Records (or, for monetary-unit samples, monetary units) with any mismatch."""
    upper_bound: float
    required_sample_size: int
    accepted: bool
    conclusion: str
    mismatches: list[FieldMismatch] = field(default_factory=list)
    enriched_fields: int = 0
    """Compared fields the migration filled in where the old record was blank (not defects)."""
    withheld_fields: int = 0
    """Compared fields left blank in the store because ingest flagged the old value as damaged
    (e.g. a credit code Excel turned into 9.14403E+17): known, reported, not migration defects."""


@dataclass(frozen=True)
class SampledKey:
    """One record key drawn for the sample, and whether it held a defect (a reconciliation's or a comparison's)."""

    entity: str
    key: str
    selected_by: str
    units: int
    defect: bool
    mismatched_columns: str
    stratum: str = ""
    """The comparison's stratum the key was drawn from; empty where an entity is one stratum."""


@dataclass
class ReconciliationResult:
    """Everything a migration team signs before cut-over."""

    generated_at: str
    store: str
    """The store URL with any password masked."""
    confidence: float
    tolerable_error_rate: float
    seed: int | str
    control_totals: list[ControlTotals] = field(default_factory=list)
    money_totals: list[MoneyTotal] = field(default_factory=list)
    price_tiers: list[PriceTierCount] = field(default_factory=list)
    strata: list[StratumResult] = field(default_factory=list)
    sampled_keys: list[SampledKey] = field(default_factory=list)
    batch_id: str = ""
    """The load batch this reconciliation checked (the store's ``run_log``), so a report on disk can be
    matched with the load it belongs to."""
    wave: str = ""
    """The migration wave reconciled (``region=华东``); blank: the whole store."""

    @property
    def accepted(self) -> bool:
        """True when every count and total agrees and every stratum's claim holds."""
        return (
            all(c.difference == 0 and c.unmapped == 0 for c in self.control_totals)
            and all(m.difference == 0 for m in self.money_totals)
            and all(p.difference == 0 for p in self.price_tiers)
            and all(s.accepted for s in self.strata)
        )

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready values: money as exact decimal strings, derived differences included."""
        return {
            "generated_at": self.generated_at,
            "batch_id": self.batch_id,
            "wave": self.wave or "everything (no wave)",
            "store": self.store,
            "confidence": self.confidence,
            "tolerable_error_rate": self.tolerable_error_rate,
            "seed": self.seed,
            "accepted": self.accepted,
            "control_totals": [{**asdict(c), "difference": c.difference} for c in self.control_totals],
            "money_totals": [
                {
                    "entity": m.entity,
                    "column": m.column,
                    "source_total": str(m.source_total),
                    "store_total": str(m.store_total),
                    "difference": str(m.difference),
                }
                for m in self.money_totals
            ],
            "price_tiers": [{**asdict(p), "difference": p.difference} for p in self.price_tiers],
            "strata": [asdict(s) for s in self.strata],
            "sampled_keys": [asdict(k) for k in self.sampled_keys],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ReconciliationResult:
        """Rebuild a result from :meth:`to_dict` output (a saved JSON report)."""

        def build(kind: type, row: dict[str, Any]) -> Any:
            names = {f.name for f in fields(kind)}
            return kind(**{k: v for k, v in row.items() if k in names})

        return cls(
            generated_at=data["generated_at"],
            store=data["store"],
            confidence=data["confidence"],
            tolerable_error_rate=data["tolerable_error_rate"],
            seed=data["seed"],
            control_totals=[build(ControlTotals, r) for r in data.get("control_totals", [])],
            money_totals=[
                MoneyTotal(r["entity"], r["column"], Decimal(r["source_total"]), Decimal(r["store_total"]))
                for r in data.get("money_totals", [])
            ],
            price_tiers=[build(PriceTierCount, r) for r in data.get("price_tiers", [])],
            strata=[
                build(
                    StratumResult,
                    {**r, "mismatches": [build(FieldMismatch, m) for m in r.get("mismatches", [])]},
                )
                for r in data.get("strata", [])
            ],
            sampled_keys=[build(SampledKey, r) for r in data.get("sampled_keys", [])],
            batch_id=data.get("batch_id", ""),
            wave="" if data.get("wave") == "everything (no wave)" else data.get("wave", ""),
        )
