"""The outcome of an old-versus-new comparison: one :class:`CheckResult` per check, all rendered from here.

The HTML report, the workbook and the JSON are written from one :class:`ComparisonResult`, so they
always agree. A check is accepted or not; the comparison is accepted only when every check is.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from migration.results import SampledKey

__all__ = ["CheckResult", "ComparisonResult", "SampledKey"]


@dataclass
class CheckResult:
    """One check of one entity: its verdict, the sentence a team signs, its figures and the rows behind it."""

    entity: str
    check: str
    """row_counts | key_coverage | duplicate_keys | unreadable_rows | hash_totals | control_totals | fields |
    sample | orphans"""
    title: str
    accepted: bool
    statement: str
    figures: dict[str, Any] = field(default_factory=dict)
    columns: list[str] = field(default_factory=list)
    rows: list[list[Any]] = field(default_factory=list)
    """The listed detail (missing keys, mismatches with both values, differing totals, orphans)."""
    rows_total: int = 0
    """How many detail rows there are; more than ``len(rows)`` when the list was cut at ``max_listed``."""

    @property
    def sheet_name(self) -> str:
        return f"{self.entity} {self.title}"


@dataclass
class ComparisonResult:
    """Everything a migration team signs before cut-over for one comparison YAML."""

    config: str
    mode: str
    generated_at: str
    confidence: float
    tolerable_error_rate: float
    seed: int | str
    sides: dict[str, dict[str, str]] = field(default_factory=dict)
    """entity → {"old": source, "new": source}, sources named by file or $VARIABLE, never by URL."""
    wave: dict[str, Any] = field(default_factory=dict)
    """The migration wave compared (:meth:`migration.waves.Scope.to_dict`); its label says "everything"
    when no ``--scope`` narrowed the comparison."""
    wave_coverage: dict[str, str] = field(default_factory=dict)
    """entity → which of its rows the wave compares."""
    checks: list[CheckResult] = field(default_factory=list)
    sampled_keys: list[SampledKey] = field(default_factory=list)

    @property
    def accepted(self) -> bool:
        return bool(self.checks) and all(c.accepted for c in self.checks)

    @property
    def failed_checks(self) -> list[CheckResult]:
        return [c for c in self.checks if not c.accepted]

    def to_dict(self) -> dict[str, Any]:
        return {
            "config": self.config,
            "mode": self.mode,
            "generated_at": self.generated_at,
            "confidence": self.confidence,
            "tolerable_error_rate": self.tolerable_error_rate,
            "seed": self.seed,
            "accepted": self.accepted,
            "wave": {**self.wave, "coverage": self.wave_coverage},
            "sides": self.sides,
            "checks": [
                {
                    "entity": c.entity,
                    "check": c.check,
                    "title": c.title,
                    "accepted": c.accepted,
                    "statement": c.statement,
                    "figures": c.figures,
                    "rows_total": c.rows_total,
                    "rows": [dict(zip(c.columns, row, strict=True)) for row in c.rows],
                }
                for c in self.checks
            ],
            "sampled_keys": [asdict(k) for k in self.sampled_keys],
        }
