"""The versioned table of administrative divisions (GB/T 2260), loaded once and indexed by name.

Addresses and company names start with division names, written in full (广东省深圳市) or short (广东深圳).
The table lives in ``cleansing/data/divisions.csv`` (see the README there for its source and how to rebuild it).
"""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

from foundation.errors import UserError

__all__ = ["DIVISIONS_CSV", "Division", "DivisionTable", "load_divisions"]

DIVISIONS_CSV = Path(__file__).parent / "data" / "divisions.csv"
LEVEL_RANK = {"province": 0, "city": 1, "district": 2}


@dataclass(frozen=True)
class Division:
    """One division: ``level`` is province, city or district (district = any county-level division)."""

    code: str
    name: str
    level: str
    parent_code: str | None
    short_name: str | None
    valid_from: str | None = None
    valid_to: str | None = None

    @cached_property
    def rank(self) -> int:
        return LEVEL_RANK[self.level]

    @cached_property
    def _code_prefix(self) -> str:
        """The part of the code every division inside this one shares (2, 4 or 6 digits)."""
        return self.code[: 2 * (self.rank + 1)]

    @property
    def is_current(self) -> bool:
        return self.valid_to is None

    @property
    def is_placeholder(self) -> bool:
        """省直辖县级行政区划 and the like: a grouping in the code table, not a place name."""
        return "直辖" in self.name

    def contains(self, other: Division) -> bool:
        """True if ``other`` is this division or lies inside it."""
        return other.code.startswith(self._code_prefix) and other.rank >= self.rank


@dataclass
class DivisionTable:
    """Divisions indexed by code, full name and short name."""

    divisions: list[Division]
    by_code: dict[str, Division] = field(init=False)
    by_name: dict[str, list[Division]] = field(init=False)
    by_short_name: dict[str, list[Division]] = field(init=False)
    max_name_length: int = field(init=False)
    name_lengths: tuple[int, ...] = field(init=False)
    _ancestors: dict[tuple[int, str], tuple[Division, Division | None]] = field(
        init=False, repr=False, compare=False
    )
    _by_first_char: dict[str, tuple[tuple[int, dict[str, tuple[tuple[Division, bool], ...]]], ...]] = field(
        init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        self.by_code = {d.code: d for d in self.divisions}
        self._ancestors = {}
        self.by_name = defaultdict(list)
        self.by_short_name = defaultdict(list)
        for d in self.divisions:
            if d.is_placeholder:
                continue
            self.by_name[d.name].append(d)
            if d.short_name:
                self.by_short_name[d.short_name].append(d)
        for index in (self.by_name, self.by_short_name):
            for name, found in index.items():
                # current before abolished, province before city before district
                index[name] = sorted(found, key=lambda d: (not d.is_current, d.rank, d.code))
        self.by_name = dict(self.by_name)
        self.by_short_name = dict(self.by_short_name)
        self.max_name_length = max(len(d.name) for d in self.divisions)
        self.name_lengths = tuple(
            sorted({len(n) for n in (*self.by_name, *self.by_short_name)}, reverse=True)
        )
        # Names grouped by first character, then by length (longest first): a prefix test at one position
        # looks only at the few lengths that names starting with that character have.
        grouped: dict[str, dict[int, dict[str, tuple[tuple[Division, bool], ...]]]] = defaultdict(dict)
        for name in {*self.by_name, *self.by_short_name}:
            entries = tuple((d, False) for d in self.by_name.get(name, ())) + tuple(
                (d, True) for d in self.by_short_name.get(name, ())
            )
            grouped[name[0]].setdefault(len(name), {})[name] = entries
        self._by_first_char = {
            char: tuple(sorted(by_length.items(), reverse=True)) for char, by_length in grouped.items()
        }

    def parent(self, division: Division) -> Division | None:
        return self.by_code.get(division.parent_code) if division.parent_code else None

    def ancestor(self, division: Division, level: str) -> Division | None:
        """The division at ``level`` that contains ``division`` (itself if it is at that level)."""
        key = (id(division), level)
        cached = self._ancestors.get(key)
        if cached is not None and cached[0] is division:
            return cached[1]
        found = self._find_ancestor(division, level)
        if len(self._ancestors) > 100_000:
            self._ancestors.clear()
        self._ancestors[key] = (division, found)  # the division is kept, so its id is not reused
        return found

    def _find_ancestor(self, division: Division, level: str) -> Division | None:
        current: Division | None = division
        while current is not None and current.rank > LEVEL_RANK[level]:
            current = self.parent(current)
        return current if current is not None and current.level == level else None

    def city_or_self(self, division: Division) -> Division:
        """The city a division belongs to, skipping placeholder city levels (仙桃市 → 仙桃市)."""
        city = self.ancestor(division, "city")
        return city if city is not None and not city.is_placeholder else division

    def region_name(self, division: Division) -> str:
        """The short name at city level where known (深圳市南山区 → 深圳), else the division's own short name."""
        chosen = self.city_or_self(division)
        return chosen.short_name or chosen.name

    def lookup(self, name: str, *, short: bool = True) -> list[Division]:
        """Divisions whose full name (or, with ``short``, short name) is exactly ``name``."""
        found = list(self.by_name.get(name, ()))
        if short:
            found += [d for d in self.by_short_name.get(name, ()) if d not in found]
        return found

    def prefixes(self, text: str, start: int = 0, *, short: bool = True) -> list[tuple[int, Division, bool]]:
        """Divisions named at ``text[start:]``, longest first, as (end, division, matched_short_name)."""
        found: list[tuple[int, Division, bool]] = []
        if start >= len(text):
            return found
        room = len(text) - start
        for length, names in self._by_first_char.get(text[start], ()):
            if length > room:
                continue
            entries = names.get(text[start : start + length])
            if entries:
                stop = start + length
                found += [(stop, d, is_short) for d, is_short in entries if short or not is_short]
        return found


def _optional(value: str) -> str | None:
    value = value.strip()
    return value or None


@lru_cache(maxsize=4)
def load_divisions(path: Path = DIVISIONS_CSV) -> DivisionTable:
    """Read the division table; a malformed file is reported with its row number."""
    divisions: list[Division] = []
    try:
        with Path(path).open(encoding="utf-8", newline="") as handle:
            for row_number, row in enumerate(csv.DictReader(handle), start=2):
                if row.get("level") not in LEVEL_RANK or not row.get("code", "").isdigit():
                    raise UserError(
                        f"{path}: row {row_number}: column 'level' must be province, city or district and "
                        f"'code' six digits; got level={row.get('level')!r}, code={row.get('code')!r}"
                    )
                divisions.append(
                    Division(
                        row["code"],
                        row["name"],
                        row["level"],
                        _optional(row["parent_code"]),
                        _optional(row["short_name"]),
                        _optional(row["valid_from"]),
                        _optional(row["valid_to"]),
                    )
                )
    except FileNotFoundError:
        raise UserError(
            f"{path}: division table not found; rebuild it with "
            "`.venv/bin/python -m cleansing.data.build_divisions`"
        ) from None
    return DivisionTable(divisions)
