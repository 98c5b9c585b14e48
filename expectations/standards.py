"""Steward-edited standards for products and prices: price-tier order and VAT rates.

Loaded from ``expectations/config/*.yaml`` and checked on load, so a typo in a vocabulary is
reported with the file and the entry to fix rather than as a failed validation.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cleansing.config_files import read_yaml_mapping
from foundation.errors import UserError

CONFIG_DIR = Path(__file__).resolve().parent / "config"


@dataclass(frozen=True)
class PriceTier:
    code: str
    name: str
    rank: int
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class PriceTierOrder:
    """Price tiers lowest first; ``rank_of`` accepts a code (``tier1``) or an alias (``一批价``)."""

    tiers: tuple[PriceTier, ...]
    national_regions: tuple[str, ...] = ()
    """Sales regions whose prices apply in every region (e.g. 全国)."""

    @property
    def accepted_values(self) -> list[str]:
        values: list[str] = []
        for tier in self.tiers:
            values.extend([tier.code, *tier.aliases])
        return list(dict.fromkeys(values))

    @property
    def code_by_value(self) -> dict[str, str]:
        return {value: tier.code for tier in self.tiers for value in (tier.code, *tier.aliases)}

    @property
    def rank_by_value(self) -> dict[str, int]:
        return {value: tier.rank for tier in self.tiers for value in (tier.code, *tier.aliases)}


def _load_yaml(path: Path) -> dict:
    return read_yaml_mapping(path, "standards file")


def load_price_tiers(path: Path | None = None) -> PriceTierOrder:
    """Read ``price_tiers.yaml``: a list of ``{code, name, aliases}``, lowest tier first."""
    path = Path(path) if path else CONFIG_DIR / "price_tiers.yaml"
    raw = _load_yaml(path)
    entries = raw.get("price_tiers")
    if not isinstance(entries, list) or not entries:
        raise UserError(f"{path}: 'price_tiers' must be a non-empty list, lowest tier first")
    tiers = []
    for rank, entry in enumerate(entries):
        if not isinstance(entry, dict) or not entry.get("code"):
            raise UserError(f"{path}: price tier #{rank + 1} needs a 'code'")
        tiers.append(
            PriceTier(
                str(entry["code"]),
                str(entry.get("name", entry["code"])),
                rank,
                tuple(map(str, entry.get("aliases") or ())),
            )
        )
    national = raw.get("national_regions") or []
    if not isinstance(national, list):
        raise UserError(f"{path}: 'national_regions' must be a list of region names such as [全国]")
    order = PriceTierOrder(tuple(tiers), tuple(map(str, national)))
    seen: dict[str, str] = {}
    for tier in order.tiers:
        for value in (tier.code, *tier.aliases):
            if seen.get(value, tier.code) != tier.code:
                raise UserError(
                    f"{path}: {value!r} names both {seen[value]!r} and {tier.code!r}; keep it on one tier"
                )
            seen[value] = tier.code
    return order


def load_tax_rates(path: Path | None = None) -> tuple[float, ...]:
    """Read ``tax_rates.yaml``: the VAT rates (fractions, e.g. 0.13) a product may carry."""
    path = Path(path) if path else CONFIG_DIR / "tax_rates.yaml"
    rates = _load_yaml(path).get("tax_rates")
    if not isinstance(rates, list) or not rates:
        raise UserError(f"{path}: 'tax_rates' must be a non-empty list of fractions such as 0.13")
    for rate in rates:
        if isinstance(rate, bool) or not isinstance(rate, int | float) or not 0 <= rate < 1:
            raise UserError(
                f"{path}: tax rate {rate!r} is not a fraction between 0 and 1 (write 13% as 0.13)"
            )
    return tuple(float(r) for r in rates)
