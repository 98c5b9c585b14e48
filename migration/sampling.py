"""Audit statistics for the old-versus-new comparison: how many records to check, which ones,
and what the result lets a migration team claim.

Zero-defect acceptance sampling: to claim "error rate below p with confidence C" after finding
no defects, check n = ⌈ln(1−C)/ln(1−p)⌉ records (fewer for a small finite population).
Selection is by a hash of (key, seed), so anyone can re-draw the same sample; balances are
drawn by monetary-unit sampling, so large amounts are the likeliest to be checked.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable
from decimal import Decimal
from itertools import accumulate
from pathlib import Path

import pandas as pd
from scipy.stats import beta

from cleansing.numbers import parse_number
from cleansing.safe_export import write_csv
from foundation.errors import UserError


def _check_rates(confidence: float, tolerable_error_rate: float) -> None:
    if not 0 < confidence < 1:
        raise UserError(f"confidence must be between 0 and 1 (e.g. 0.95), not {confidence}")
    if not 0 < tolerable_error_rate < 1:
        raise UserError(
            f"tolerable error rate must be between 0 and 1 (e.g. 0.01), not {tolerable_error_rate}"
        )


def zero_defect_sample_size(confidence: float, tolerable_error_rate: float) -> int:
    """Records to check, finding none wrong, to claim the error rate is below the tolerable rate.

    n = ⌈ln(1−C)/ln(1−p)⌉: 95%/5% → 59, 95%/1% → 299, 99%/1% → 459, 95%/0.1% → 2995.
    """
    _check_rates(confidence, tolerable_error_rate)
    n = math.log1p(-confidence) / math.log1p(-tolerable_error_rate)
    # guard against 298.0000000001 from floating point becoming 299
    return math.ceil(n - 1e-9)


def hypergeometric_sample_size(population: int, confidence: float, tolerable_error_rate: float) -> int:
    """The same claim for a finite population of ``population`` records (sampling without replacement).

    The smallest n with P(no defect in the sample | ⌈pN⌉ defective records) ≤ 1 − C, found by an
    exact search in log space. N = 10,000 at 95%/0.1% → 2588. Never more than the population.
    """
    _check_rates(confidence, tolerable_error_rate)
    if population <= 0:
        return 0
    defective = max(1, math.ceil(tolerable_error_rate * population - 1e-9))
    limit = math.log1p(-confidence)
    log_p_none = 0.0
    for n in range(1, population + 1):
        good_left = population - defective - n + 1
        if good_left <= 0:
            return n
        log_p_none += math.log(good_left / (population - n + 1))
        if log_p_none <= limit:
            return n
    return population


def sample_size(
    population: int, confidence: float, tolerable_error_rate: float, finite_population: bool = False
) -> int:
    """Records to sample from a stratum: the zero-defect size, capped at the stratum's size.

    ``finite_population=True`` uses the (smaller) hypergeometric size instead.
    """
    if finite_population:
        return hypergeometric_sample_size(population, confidence, tolerable_error_rate)
    return min(population, zero_defect_sample_size(confidence, tolerable_error_rate))


def error_rate_upper_bound(defects: int, sampled: int, confidence: float) -> float:
    """One-sided Clopper–Pearson upper confidence bound on the error rate after ``defects`` in ``sampled``.

    0 defects gives 1 − (1−C)^(1/n), about 3/n at 95% (the rule of three).
    """
    if sampled <= 0:
        return 1.0
    if not 0 <= defects <= sampled:
        raise ValueError(f"defects ({defects}) must be between 0 and the sample size ({sampled})")
    if defects == sampled:
        return 1.0
    return float(beta.ppf(confidence, defects + 1, sampled - defects))


def selection_hash(key: str, seed: int | str) -> str:
    """sha256 of (seed, key): a record's fixed place in every sample drawn with this seed."""
    return hashlib.sha256(f"{seed}\x1f{key}".encode()).hexdigest()


def key_strings(frame: pd.DataFrame, key_columns: Iterable[str]) -> pd.Series:
    """One text key per row ("ERP|P001"), the form sampled keys are saved and hashed in."""
    columns = list(key_columns)
    text = frame[columns[0]].astype("string").fillna("")
    for name in columns[1:]:
        text = text + "|" + frame[name].astype("string").fillna("")
    return text.astype(object)


def select_by_hash(keys: pd.Series, n: int, seed: int | str) -> pd.Series:
    """The ``n`` keys with the smallest selection hashes: reproducible and independent of row order.

    Adding records to the population never reorders the existing ones, so a re-run with the
    same seed re-checks the same records.
    """
    unique = pd.Series(pd.unique(keys.astype(str)))
    if n >= len(unique):
        return unique.sort_values(kind="mergesort").reset_index(drop=True)
    hashes = unique.map(lambda k: selection_hash(k, seed))
    order = hashes.sort_values(kind="mergesort").index[:n]
    return unique.loc[order].reset_index(drop=True)


def monetary_unit_sample(keys: pd.Series, amounts: pd.Series, n: int, seed: int | str) -> pd.DataFrame:
    """Probability-proportional-to-size selection of records by their absolute amount.

    Systematic selection of ``n`` monetary units over the records ordered by selection hash,
    with a start fixed by the seed: a record of at least the sampling interval is always
    chosen; zero amounts never are. Returns ``key`` and ``units`` (monetary units that fell in
    the record; they add up to ``n``), one row per chosen record.
    """
    frame = pd.DataFrame({"key": keys.astype(str).to_numpy(), "amount": amounts.to_numpy()})
    frame["weight"] = frame["amount"].map(_absolute_amount)
    frame = frame[frame["weight"] > 0]
    if frame.empty or n <= 0:
        return pd.DataFrame({"key": pd.Series([], dtype=object), "units": pd.Series([], dtype="int64")})
    frame = frame.groupby("key", sort=False)["weight"].sum().reset_index()
    frame["order"] = frame["key"].map(lambda k: selection_hash(k, seed))
    frame = frame.sort_values("order", kind="mergesort").reset_index(drop=True)
    weights = frame["weight"].tolist()
    start, interval = monetary_unit_points(sum(weights, Decimal(0)), n, seed)
    upper = list(accumulate(weights))
    units = [0] * len(weights)
    record = 0
    for i in range(n):
        point = start + interval * i
        while upper[record] <= point and record < len(weights) - 1:
            record += 1
        units[record] += 1
    frame["units"] = units
    chosen = frame[frame["units"] > 0]
    return chosen[["key", "units"]].reset_index(drop=True)


def monetary_unit_points(total: Decimal, n: int, seed: int | str) -> tuple[Decimal, Decimal]:
    """The first of ``n`` selection points over ``total`` monetary units (fixed by the seed, within the
    first interval) and the sampling interval between them."""
    interval = total / n
    start = (
        Decimal(int(selection_hash("monetary-unit-start", seed), 16) % 10**12) / Decimal(10**12) * interval
    )
    return start, interval


def _absolute_amount(value: object) -> Decimal:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return Decimal(0)
    if isinstance(value, Decimal | int | float):
        return abs(Decimal(str(value)))
    parsed = parse_number(value).value
    return abs(parsed) if parsed is not None else Decimal(0)


def save_sampled_keys(sampled: pd.DataFrame, path: Path) -> Path:
    """Write the sampled keys (entity, key, how chosen, outcome) as UTF-8 CSV with a BOM for Excel."""
    return write_csv(sampled, path)
