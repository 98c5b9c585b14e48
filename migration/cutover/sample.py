"""Sampled mode: an acceptance sample per stratum, compared field by field, and the claim it supports.

Each stratum gets n = ⌈ln(1−C)/ln(1−p)⌉ records (or the hypergeometric size for its finite
population), chosen by a hash of (key, seed) so a rerun checks the same keys, or by monetary unit
over an amount column so large balances are the likeliest to be checked. A sampled key missing on
the new side is a defect like a differing field.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from migration.cutover.config import CompareConfig
from migration.cutover.fields import MISMATCH_COLUMNS, compare_pairs
from migration.cutover.prepared import PreparedEntity, complete_rows
from migration.cutover.results import CheckResult, SampledKey
from migration.cutover.rules import shown
from migration.sampling import (
    error_rate_upper_bound,
    monetary_unit_sample,
    sample_size,
    select_by_hash,
    zero_defect_sample_size,
)


def percent(rate: float, round_up: bool = False) -> str:
    """1 % · 0.1 % · 3.1 % (rounded up for an upper bound, so the claim is never overstated)."""
    value = rate * 100
    if round_up:
        value = math.ceil(value * 10 - 1e-9) / 10
    return f"{value:g} %" if value >= 0.1 or value == 0 else f"{value:.2g} %"


def _mismatches(count: int) -> str:
    return f"{count:,} mismatch{'' if count == 1 else 'es'}"


def strata(entity: PreparedEntity) -> dict[str, list[str]]:
    """Each stratum's name and its keys (first occurrence order); one stratum ``all`` without strata."""
    first = entity.old.first_position
    if not entity.spec.strata:
        return {"all": list(first)}
    groups: dict[str, list[str]] = {}
    for key, position in first.items():
        name = " | ".join(shown(entity.old.values[c][position]) for c in entity.spec.strata)
        groups.setdefault(name, []).append(key)
    return dict(sorted(groups.items()))


@dataclass
class StratumDraw:
    """The keys drawn from one stratum, with their monetary units, how, and the sample size aimed at."""

    population: int
    drawn: pd.DataFrame
    """``key`` and ``units`` (1 per key unless drawn by monetary unit)."""
    method: str
    """``hash``, ``monetary_unit`` or ``census``."""
    aimed: int


def _draw(entity: PreparedEntity, keys: list[str], config: CompareConfig) -> StratumDraw:
    population = len(keys)
    n = sample_size(population, config.confidence, config.tolerable_error_rate, config.finite_population)
    if n >= population:
        return StratumDraw(population, pd.DataFrame({"key": keys, "units": 1}), "census", n)
    column = entity.spec.amount_column
    if column:
        first = entity.old.first_position
        units = zero_defect_sample_size(config.confidence, config.tolerable_error_rate)
        amounts = pd.Series([entity.old.values[column][first[k]] for k in keys], dtype=object)
        drawn = monetary_unit_sample(pd.Series(keys, dtype=object), amounts, units, config.seed)
        return StratumDraw(population, drawn, "monetary_unit", units)
    chosen = select_by_hash(pd.Series(keys, dtype=object), n, config.seed)
    return StratumDraw(population, pd.DataFrame({"key": chosen, "units": 1}), "hash", n)


def _sentence(
    label: str, stratum: str, method: str, population: int, drawn: int, units: int, defects: int,
    aimed: int, config: CompareConfig, column: str | None,
) -> tuple[bool, str, float]:  # fmt: skip
    level, tolerable = percent(config.confidence), percent(config.tolerable_error_rate)
    where = "" if stratum == "all" else f" ({stratum})"
    refuse = f", above the tolerable {tolerable}; not accepted until the mismatches listed are fixed."
    if population == 0:
        return True, f"No {label}{where} to compare.", 0.0
    if method == "census":
        rate = defects / population
        ok = defects == 0
        head = f"{_mismatches(defects)} in all {population:,} {label}{where} (every record compared)"
        return ok, head + ("." if ok else f": the mismatch rate is {percent(rate)}; not accepted."), rate
    if method == "monetary_unit":
        upper = error_rate_upper_bound(defects, units, config.confidence)
        ok = defects == 0 and units >= aimed
        head = f"{defects:,} misstated monetary units in {units:,} drawn by {column} ({drawn:,} of {population:,} {label}{where})"
        tail = (
            f": with {level} confidence less than {tolerable} of the {column} is misstated."
            if ok
            else f": with {level} confidence up to {percent(upper, True)} of the {column} may be misstated{refuse}"
        )
        return ok, head + tail, upper
    upper = error_rate_upper_bound(defects, drawn, config.confidence)
    ok = defects == 0 and drawn >= aimed
    head = f"{_mismatches(defects)} in {drawn:,} sampled {label}{where} of {population:,}"
    tail = (
        f": with {level} confidence the mismatch rate is below {tolerable}."
        if ok
        else f": with {level} confidence the mismatch rate is below {percent(upper, True)}{refuse}"
    )
    return ok, head + tail, upper


def check_sample(entity: PreparedEntity, config: CompareConfig) -> tuple[CheckResult, list[SampledKey]]:
    """Draw, compare and conclude for every stratum of the entity."""
    draws = {stratum: _draw(entity, keys, config) for stratum, keys in strata(entity).items()}
    # a database table read only in its light columns: fetch the compared ones for the drawn rows
    old_first, new_first = entity.old.first_position, entity.new.first_position
    every_key = [k for draw in draws.values() for k in draw.drawn["key"]]
    complete_rows(entity, entity.old, [old_first[k] for k in every_key])
    complete_rows(entity, entity.new, [new_first[k] for k in every_key if k in new_first])
    return judge_sample(entity, config, draws)


def judge_sample(
    entity: PreparedEntity, config: CompareConfig, draws: dict[str, StratumDraw]
) -> tuple[CheckResult, list[SampledKey]]:
    """Compare the drawn keys (all on the old side of ``entity``) and conclude for every stratum."""
    new_first = entity.new.first_position
    old_first = entity.old.first_position
    listed: list[list[object]] = []
    sampled: list[SampledKey] = []
    sentences: list[str] = []
    per_stratum: list[dict[str, object]] = []
    accepted = True
    for stratum, draw in draws.items():
        drawn, method, aimed = draw.drawn, draw.method, draw.aimed
        present = [k for k in drawn["key"] if k in new_first]
        found = compare_pairs(entity, [old_first[k] for k in present], [new_first[k] for k in present])
        outcome = dict(zip(present, found.mismatched_columns, strict=True))
        defects = 0
        for key, units in drawn[["key", "units"]].itertuples(index=False, name=None):
            if key not in new_first:
                columns = ["(missing on the new side)"]
                listed.append(
                    [
                        key,
                        entity.old.rows.row_numbers[old_first[key]],
                        "",
                        "(row)",
                        "(row)",
                        "present",
                        "missing",
                    ]
                )
            else:
                columns = outcome[key]
            weight = int(units) if method == "monetary_unit" else 1
            defects += weight if columns else 0
            sampled.append(
                SampledKey(entity.name, key, method, int(units), bool(columns), ";".join(columns), stratum)
            )
        listed.extend(found.listed)
        units_total = int(drawn["units"].sum()) if len(drawn) else 0
        ok, sentence, upper = _sentence(
            entity.label, stratum, method, draw.population, len(drawn), units_total, defects, aimed, config,
            entity.spec.amount_column,
        )  # fmt: skip
        accepted &= ok
        sentences.append(sentence)
        per_stratum.append({
            "stratum": stratum, "population": draw.population, "method": method, "records_sampled": len(drawn),
            "units": units_total, "required": aimed, "defects": defects, "upper_bound": upper, "accepted": ok,
            "statement": sentence,
        })  # fmt: skip
    return (
        CheckResult(
            entity.name, "sample", "sampled comparison", accepted, " ".join(sentences),
            figures={"strata": per_stratum, "columns_compared": entity.compared_columns},
            columns=MISMATCH_COLUMNS, rows=listed[: config.max_listed], rows_total=len(listed),
        ),
        sampled,
    )  # fmt: skip
