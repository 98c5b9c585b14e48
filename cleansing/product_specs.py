"""Spec strings → net content, units per case and packaging units.

Legacy product masters write the pack as one string: ``500ml×12瓶/箱``, ``250g*20袋/箱``, ``2斤/袋``,
``1.5L*6`` or full-width ``２斤``. This module reads them into separate fields, converting net
content to one standard unit per measure family (g for mass, ml for volume) using the steward-edited
unit vocabulary in ``expectations/config/units.yaml``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from cleansing.config_files import read_yaml_mapping
from foundation.errors import UserError

UNITS_PATH = Path(__file__).resolve().parent.parent / "expectations" / "config" / "units.yaml"


@dataclass(frozen=True)
class SalesUnit:
    code: str
    rec20: str | None
    name: str = ""
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class MeasureUnit:
    symbol: str
    family: str
    factor: float
    rec20: str | None = None


@dataclass(frozen=True)
class UnitVocabulary:
    """Allowed sales units and the measure units a spec may use."""

    sales_units: dict[str, SalesUnit]
    measure_units: dict[str, MeasureUnit]
    standard_units: dict[str, str] = field(default_factory=lambda: {"mass": "g", "volume": "ml"})

    @property
    def allowed_sales_units(self) -> list[str]:
        return list(self.sales_units)

    def standard_sales_unit(self, value: str) -> str | None:
        """Return the standard unit for ``value`` (a key or an alias), or None when unknown."""
        value = unicodedata.normalize("NFKC", value).strip()
        if value in self.sales_units:
            return value
        for unit in self.sales_units.values():
            if value in unit.aliases or value.lower() in {a.lower() for a in unit.aliases}:
                return unit.code
        return None


def _require(mapping: object, where: str, path: Path) -> dict:
    if not isinstance(mapping, dict) or not mapping:
        raise UserError(
            f"{path}: '{where}' must be a non-empty mapping; see the comments at the top of the file"
        )
    return mapping


def load_unit_vocabulary(path: Path | None = None) -> UnitVocabulary:
    """Read and check the unit vocabulary YAML (default ``expectations/config/units.yaml``)."""
    path = Path(path) if path else UNITS_PATH
    raw = read_yaml_mapping(
        path, "unit vocabulary", "standard_units, sales_units, measure_units", "pass the path of a units.yaml"
    )
    standard = _require(raw.get("standard_units"), "standard_units", path)
    sales: dict[str, SalesUnit] = {}
    for code, spec in _require(raw.get("sales_units"), "sales_units", path).items():
        spec = spec or {}
        sales[str(code)] = SalesUnit(
            str(code), spec.get("rec20"), spec.get("name", ""), tuple(map(str, spec.get("aliases") or ()))
        )
    measures: dict[str, MeasureUnit] = {}
    for symbol, spec in _require(raw.get("measure_units"), "measure_units", path).items():
        if not isinstance(spec, dict) or spec.get("family") not in standard:
            raise UserError(
                f"{path}: measure unit {symbol!r} needs a family from standard_units ({', '.join(standard)})"
            )
        factor = spec.get("factor")
        if not isinstance(factor, int | float) or factor <= 0:
            raise UserError(
                f"{path}: measure unit {symbol!r} needs a positive number as factor, got {factor!r}"
            )
        measures[str(symbol).lower()] = MeasureUnit(
            str(symbol), spec["family"], float(factor), spec.get("rec20")
        )
    return UnitVocabulary(sales, measures, {str(k): str(v) for k, v in standard.items()})


@lru_cache(maxsize=8)
def _spec_patterns(measure_symbols: tuple[str, ...]) -> tuple[re.Pattern[str], re.Pattern[str]]:
    units = "|".join(re.escape(s) for s in sorted(measure_symbols, key=len, reverse=True))
    pack = r"[^\d\s/×*xX.]{1,3}"
    times = r"\s*[×xX*]\s*"
    forward = (
        rf"(?P<qty>\d+(?:\.\d+)?)\s*(?P<unit>{units})"
        rf"(?:{times}(?P<count>\d+)\s*(?P<inner>{pack})?)?"
        rf"(?:\s*/\s*(?P<case>{pack}))?"
    )
    # `12×500ml/箱`: count first.
    reverse = (
        rf"(?P<count>\d+)\s*(?P<inner>{pack})?{times}(?P<qty>\d+(?:\.\d+)?)\s*(?P<unit>{units})"
        rf"(?:\s*/\s*(?P<case>{pack}))?"
    )
    return re.compile(forward, re.IGNORECASE), re.compile(reverse, re.IGNORECASE)


def parse_specs(values: pd.Series, vocabulary: UnitVocabulary | None = None) -> pd.DataFrame:
    """Parse spec strings into ``net_content`` (in g or ml), ``net_content_unit``, ``units_per_case``,
    ``inner_unit`` (瓶, 袋 …), ``case_unit`` (箱 …) and ``spec_parsed``.

    ``2斤/袋`` is one 1000 g bag: its ``/袋`` names the unit itself, so it becomes ``inner_unit`` and
    ``units_per_case`` stays empty. Values that do not parse get ``spec_parsed`` False and empty fields.
    A product master repeats a few hundred specs, so each distinct string is parsed once.
    """
    vocabulary = vocabulary or load_unit_vocabulary()
    codes, distinct = pd.factorize(values, use_na_sentinel=True)
    # The extra None at the end is what code -1 (a missing value) picks up.
    parsed = _parse_distinct_specs(pd.Series([*distinct, None], dtype=object), vocabulary)
    return parsed.iloc[codes].set_axis(values.index)


_TIMES = r"\s*[×xX*]\s*"
_PACK_REWRITES = (
    # 500ml(1×12) and 500ml 1×12: "one case of twelve" written after the content
    (re.compile(rf"^(\d+(?:\.\d+)?\s*[^\d\s(（×xX*/]+)\s*[(（]\s*1{_TIMES}(\d+)\s*[)）]"), r"\1×\2"),
    (re.compile(rf"^(\d+(?:\.\d+)?\s*[^\d\s×xX*/]+)\s+1{_TIMES}(\d+)"), r"\1×\2"),
    # 500ml×1×12 → 500ml×12
    (re.compile(rf"{_TIMES}1{_TIMES}(\d+)"), r"×\1"),
    # 1×12×500ml → 12×500ml
    (re.compile(rf"^1{_TIMES}(\d+){_TIMES}"), r"\1×"),
    # 500ml/瓶×12瓶/箱 → 500ml×12瓶/箱: the unit named twice
    (re.compile(rf"^(\d+(?:\.\d+)?\s*[^\d\s×xX*/]+)\s*/\s*[^\d\s/×xX*.]{{1,3}}(?={_TIMES}\d)"), r"\1"),
)


def _canonical_pack(text: str) -> str:
    """Pack notations channels use for the same thing, written one way: ``500ml(1×12)``, ``500ml 1×12``,
    ``500ml×1×12``, ``1×12×500ml`` and ``500ml/瓶×12瓶/箱`` all mean twelve 500 ml units."""
    for pattern, replacement in _PACK_REWRITES:
        text = pattern.sub(replacement, text)
    return text


def _parse_distinct_specs(values: pd.Series, vocabulary: UnitVocabulary) -> pd.DataFrame:
    forward, reverse = _spec_patterns(tuple(vocabulary.measure_units))
    text = values.map(
        lambda v: _canonical_pack(unicodedata.normalize("NFKC", v).strip()) if isinstance(v, str) else None
    )
    text = text.astype("string")
    parts = text.str.extract(f"^(?:{forward.pattern})$", flags=re.IGNORECASE)
    unparsed = parts["qty"].isna() & text.notna()
    if unparsed.any():
        other = text[unparsed].str.extract(f"^(?:{reverse.pattern})$", flags=re.IGNORECASE)
        parts.loc[unparsed, other.columns] = other
    parsed = parts["qty"].notna()

    unit_key = parts["unit"].str.lower()
    factor = unit_key.map({k: u.factor for k, u in vocabulary.measure_units.items()})
    family = unit_key.map({k: u.family for k, u in vocabulary.measure_units.items()})
    net = (pd.to_numeric(parts["qty"], errors="coerce") * factor.astype("Float64")).round(6)
    count = pd.to_numeric(parts["count"], errors="coerce").astype("Int64")
    single_unit_pack = parsed & count.isna() & parts["inner"].isna() & parts["case"].notna()
    inner = parts["inner"].where(~single_unit_pack, parts["case"])
    case = parts["case"].where(~single_unit_pack)
    return pd.DataFrame(
        {
            "net_content": net.astype("Float64"),
            "net_content_unit": family.map(vocabulary.standard_units).astype("string"),
            "units_per_case": count,
            "inner_unit": inner.astype("string"),
            "case_unit": case.astype("string"),
            "spec_parsed": parsed.to_numpy(dtype=bool),
        },
        index=values.index,
    )


def format_decimal(values: pd.Series) -> pd.Series:
    """Render numbers as plain text without trailing zeros (1500.0 → ``1500``, 0.5 → ``0.5``)."""
    out = pd.Series(pd.NA, index=values.index, dtype="string")
    present = values.notna().to_numpy()
    if present.any():
        numbers = values[present].astype(float).to_numpy()
        out[present] = np.char.mod("%.6f", numbers)
        out[present] = out[present].str.rstrip("0").str.rstrip(".")
    return out


def fill_spec_columns(products: pd.DataFrame, vocabulary: UnitVocabulary | None = None) -> pd.DataFrame:
    """Return a copy of ``products`` with empty ``net_content``/``net_content_unit``/``units_per_case``
    filled from ``spec``, as text like every other ingested cell. Values already present are kept."""
    out = products.copy()
    if "spec" not in out.columns:
        return out
    specs = parse_specs(out["spec"], vocabulary)
    derived = {
        "net_content": format_decimal(specs["net_content"]),
        "net_content_unit": specs["net_content_unit"],
        "units_per_case": specs["units_per_case"].astype("string"),
    }
    for column, values in derived.items():
        if column in out.columns:
            current = out[column].astype("string")
            blank = current.isna() | (current.str.strip() == "")
            out[column] = current.where(~blank, values)
        else:
            out[column] = values
    return out
