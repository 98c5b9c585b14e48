"""Fellegi–Sunter match model: u from random pairs, m by EM on blocked pairs, optional steward labels.

A pair's match weight is ``log2`` of the prior odds plus, per field, ``log2(m/u)`` of its
comparison level (``unknown`` adds nothing). Probabilities above ``auto_merge`` merge without
review, those above ``review`` go to a data steward, the rest are not matches. Parameters are
plain JSON so a model trained on one load can score the next.

Defaults for m and u come with every comparison level and act as a Dirichlet prior, so a model
trained on a small or odd file stays sensible, and an untrained one already works.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TypeVar

import numpy as np
import pandas as pd

from mdm.comparators import (
    DEFAULT_COMPARISONS,
    UNKNOWN,
    Comparison,
    ComparisonLevel,
    FrameColumns,
    compare_pairs,
)

MAX_PRIOR = 1e-3
"""Upper bound on the random-pair match probability learned from a large file."""
MAX_DUPLICATES_PER_RECORD = 4.0
"""On a small file the bound is this many duplicates per record instead (24 rows: 4/23)."""


@dataclass
class Thresholds:
    auto_merge: float = 0.95
    review: float = 0.7


@dataclass
class ModelParameters:
    """Everything needed to score pairs again: per comparison level m and u, the prior and thresholds."""

    comparisons: list[str]
    levels: dict[str, list[str]]
    m: dict[str, list[float]]
    u: dict[str, list[float]]
    signs: dict[str, list[int]] = field(default_factory=dict)
    """Per level +1 (agreement: weight never below 0), -1 (disagreement: never above 0) or 0."""
    prior_match_probability: float = 1e-5
    """Probability that two records drawn at random are the same entity."""
    thresholds: Thresholds = field(default_factory=Thresholds)
    trained_on: dict[str, int] = field(default_factory=dict)

    def weight_tables(self) -> list[np.ndarray]:
        """Per comparison an array of log2(m/u) indexed by level code (0 = unknown → 0)."""
        tables = []
        for name in self.comparisons:
            m = np.asarray(self.m[name], dtype=float)
            u = np.asarray(self.u[name], dtype=float)
            weight = np.log2(m / u)
            sign = np.asarray(self.signs.get(name, [0] * len(m)))
            weight = np.where(
                sign > 0, np.maximum(weight, 0), np.where(sign < 0, np.minimum(weight, 0), weight)
            )
            tables.append(np.r_[0.0, weight])
        return tables

    @property
    def prior_weight(self) -> float:
        p = self.prior_match_probability
        return float(np.log2(p / (1 - p)))

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=2)

    @classmethod
    def from_json(cls, text: str) -> ModelParameters:
        data = json.loads(text)
        data["thresholds"] = Thresholds(**data.get("thresholds", {}))
        return cls(**data)

    def save(self, path: str | Path) -> None:
        Path(path).write_text(self.to_json(), encoding="utf-8")

    @classmethod
    def load(cls, path: str | Path) -> ModelParameters:
        return cls.from_json(Path(path).read_text(encoding="utf-8"))


def check_fits(
    params: ModelParameters, comparisons: tuple[Comparison, ...], source: str = "the model"
) -> None:
    """Refuse parameters trained for other comparisons (another spec, or an older version of the engine)."""
    from foundation.errors import UserError

    expected = {c.name: len(c.levels) for c in comparisons}
    found = {name: len(params.m.get(name, [])) for name in params.comparisons}
    if expected != found:
        differ = sorted(set(expected.items()) ^ set(found.items()))
        raise UserError(
            f"{source} was trained for other comparisons than this spec uses "
            f"({', '.join(f'{n} ({k} levels)' for n, k in differ[:4])}); "
            "train it again on this file (leave out --model) and save it with --save-model"
        )


def level_sign(level: ComparisonLevel) -> int:
    """Agreement levels may only add evidence for a match, disagreement levels only against it:
    whatever EM makes of an odd file, two different USCCs never argue *for* a merge."""
    if level.sign:
        return level.sign
    if level.label.startswith(("different", "branch_vs", "person_vs")):
        return -1
    # One part the same and the other replaced (``one_part_same``) is half a disagreement: it weighs
    # as the file's duplicates show it, against a match where they seldom do.
    if level.label.startswith(("exact", "same", "core_exact", "close", "one_character", "one_part_apart")):
        return 1
    return 0


def default_parameters(
    comparisons: tuple[Comparison, ...] = DEFAULT_COMPARISONS, thresholds: Thresholds | None = None
) -> ModelParameters:
    return ModelParameters(
        comparisons=[c.name for c in comparisons],
        levels={c.name: [lv.label for lv in c.levels] for c in comparisons},
        m={c.name: [lv.m for lv in c.levels] for c in comparisons},
        u={c.name: [lv.u for lv in c.levels] for c in comparisons},
        signs={c.name: [level_sign(lv) for lv in c.levels] for c in comparisons},
        thresholds=thresholds or Thresholds(),
    )


def level_counts(levels: np.ndarray, n_levels: int, weights: np.ndarray | None = None) -> np.ndarray:
    """Weighted count of each level 1..n_levels (unknown ignored)."""
    counts = np.bincount(levels.astype(np.int64), weights=weights, minlength=n_levels + 1)
    return counts[1:]


def _posterior(counts_shape_levels: np.ndarray, params: ModelParameters, lam: float) -> np.ndarray:
    tables = params.weight_tables()
    weight = np.zeros(len(counts_shape_levels))
    for j, table in enumerate(tables):
        weight += table[counts_shape_levels[:, j]]
    return probability_of_weight(np.log2(lam / (1 - lam)) + weight)


def probability_of_weight(weight: np.ndarray) -> np.ndarray:
    """A match weight (log2 odds) as a probability, the weight clipped to ±60 bits."""
    return 1.0 / (1.0 + np.exp2(-np.clip(weight, -60, 60)))


def keep_fixed(probabilities: np.ndarray, comparison: Comparison, kind: str) -> np.ndarray:
    """Put fixed levels back to their default ``kind`` (``m`` or ``u``) probability and rescale
    the free levels to fill the remainder, so the level probabilities still sum to one."""
    out = np.asarray(probabilities, dtype=float).copy()
    fixed = np.array([lv.fixed for lv in comparison.levels])
    if not fixed.any():
        return out
    defaults = np.array([getattr(lv, kind) for lv in comparison.levels])
    out[fixed] = defaults[fixed]
    free = ~fixed
    if free.any() and out[free].sum() > 0:
        out[free] *= (1 - out[fixed].sum()) / out[free].sum()
    return out


AT_THE_BOUND = 0.9
"""A prior learned above this share of :func:`max_prior` is taken as sitting at its bound."""


def _random_pairs(n: int, n_pairs: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Every pair of a file of ``n`` records if there are at most ``n_pairs``, else ``n_pairs`` drawn at random."""
    if n * (n - 1) // 2 <= n_pairs:
        return np.triu_indices(n, k=1)
    rng = np.random.default_rng(seed)
    left = rng.integers(0, n, n_pairs)
    right = rng.integers(0, n, n_pairs)
    keep = left != right
    return left[keep], right[keep]


Share = TypeVar("Share", np.ndarray, float)


def _shrunk(count: Share, total: float, default: Share, strength: float) -> Share:
    """A share of ``count`` in ``total`` pairs, shrunk towards ``default`` by ``strength`` pseudo-pairs
    (per level where ``count`` and ``default`` are arrays)."""
    return (count + strength * default) / (total + strength)


def _set_level_u(u: np.ndarray, index: int, value: float) -> None:
    """Set level ``index`` of the distribution ``u`` to ``value``, the difference given to the last level."""
    u[-1] += u[index] - value
    u[index] = value


def _u_from_levels(
    levels: np.ndarray,
    params: ModelParameters,
    comparisons: tuple[Comparison, ...],
    prior_strength: float,
    weights: np.ndarray | None = None,
    skip: frozenset[str] = frozenset(),
    exact_bounds: dict[str, float] | None = None,
) -> None:
    """Set u of each comparison (but those named in ``skip``) to the (``weights``-) weighted share of
    the random pairs on each level, shrunk towards the defaults by ``prior_strength`` pseudo-pairs;
    the exact level at most its bound in ``exact_bounds`` (:func:`exact_level_bounds`), the rest
    given to the last level."""
    for j, c in enumerate(comparisons):
        if c.name in skip:
            continue
        counts = level_counts(levels[:, j], len(c.levels), weights)
        prior = np.array([lv.u for lv in c.levels])
        u = _shrunk(counts, counts.sum(), prior, prior_strength)
        bound = (exact_bounds or {}).get(c.name)
        if bound is not None and u[0] > bound:
            _set_level_u(u, 0, bound)
        params.u[c.name] = [float(x) for x in keep_fixed(u, c, "u")]


RANDOM_PAIRS = 150_000
"""Random pairs u is read from."""


def random_pair_positions(
    n: int, n_pairs: int = RANDOM_PAIRS, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """The record positions of the pairs :func:`random_pair_levels` compares (the same for the same
    arguments)."""
    if n < 2:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    return _random_pairs(n, n_pairs, seed)


def random_pair_levels(
    frame: pd.DataFrame | FrameColumns,
    comparisons: tuple[Comparison, ...] = DEFAULT_COMPARISONS,
    n_pairs: int = RANDOM_PAIRS,
    seed: int = 0,
) -> np.ndarray:
    """Comparison levels of every pair of a file of at most ``n_pairs`` pairs, else of ``n_pairs``
    pairs drawn at random: what u is read from (:func:`estimate_u_from_random_pairs`,
    :func:`leave_matches_out_of_u`)."""
    cols = frame if isinstance(frame, FrameColumns) else FrameColumns(frame)
    left, right = random_pair_positions(len(cols.frame), n_pairs, seed)
    return compare_pairs(cols, left, right, comparisons)


def exact_level_bounds(
    cols: FrameColumns, left: np.ndarray, right: np.ndarray, comparisons: tuple[Comparison, ...]
) -> dict[str, float]:
    """Per comparison with an ``exact_chance``, the most u of its exact level may be, read off the
    random pairs ``left``, ``right`` (absent where too few pairs say)."""
    out: dict[str, float] = {}
    for c in comparisons:
        if c.exact_chance is not None and all(col in cols for col in c.columns):
            chance = c.exact_chance(cols, left, right)
            if chance is not None:
                out[c.name] = max(chance, 0.5 / max(len(left), 1))
    return out


def estimate_u_from_random_pairs(
    random_levels: np.ndarray,
    params: ModelParameters,
    comparisons: tuple[Comparison, ...] = DEFAULT_COMPARISONS,
    prior_strength: float = 2_000.0,
    exact_bounds: dict[str, float] | None = None,
) -> ModelParameters:
    """u = how often two random records land on each level (``random_levels``, from
    :func:`random_pair_levels`); almost all random pairs are non-matches. ``exact_bounds``
    (:func:`exact_level_bounds`) caps an exact level's u."""
    if len(random_levels) == 0:
        return params
    _u_from_levels(random_levels, params, comparisons, prior_strength, exact_bounds=exact_bounds)
    params.trained_on["random_pairs"] = len(random_levels)
    return params


def leave_matches_out_of_u(
    random_levels: np.ndarray,
    params: ModelParameters,
    comparisons: tuple[Comparison, ...],
    total_pairs: int,
    holds_organisations: bool = False,
    prior_strength: float = 2_000.0,
    same_entity: np.ndarray | None = None,
    exact_bounds: dict[str, float] | None = None,
) -> bool:
    """Estimate u again from the random pairs u was read from (``random_levels``), each counted as a
    non-match only as far as the model (trained: prior and m learned by EM) does not take it for a match.

    On a small file where every person has a few records, the duplicates are a fair share of the
    random pairs that agree at all: of 1,000 records with four duplicates each, one random pair in
    250 is one person, so u of an exact name or birth date read straight off random pairs is
    mostly those duplicates, an agreement weighs bits too little and true duplicates sit in the
    review band. A random pair leaves u only in proportion to its posterior, and only where
    :data:`VOUCHING_FIELDS` fields agree on it that random records rarely share (a namesake pair,
    however probable the model finds it on a list of names alone, stays a non-match). On a list
    that ``holds_organisations``, a field related organisations share
    (``shared_by_related_organisations``: an address) keeps its u. ``same_entity`` (per random pair,
    whether the model's own clusters hold both records) leaves such a pair out whatever its own
    evidence: four records of one person whose first and third share only a birth date are one
    person through the second. Returns whether u changed (EM should then run again on the new u).
    """
    if len(random_levels) == 0 or params.prior_match_probability <= AT_THE_BOUND * max_prior(total_pairs):
        return False
    agreeing, _ = _witnesses(random_levels, comparisons, params)
    vouched = agreeing.sum(axis=1) >= VOUCHING_FIELDS
    _, probability = score_levels(random_levels, params)
    taken = np.where(vouched, probability, 0.0)
    if same_entity is not None:
        taken = np.where(same_entity, 1.0, taken)
    if not taken.any():
        return False
    nonmatch = 1.0 - taken
    skip = frozenset(c.name for c in comparisons if holds_organisations and c.shared_by_related_organisations)
    _u_from_levels(random_levels, params, comparisons, prior_strength, nonmatch, skip, exact_bounds)
    params.trained_on["random_pairs_left_out"] = int(round(len(random_levels) - nonmatch.sum()))
    return True


def count_u_on_offered_levels(
    levels: np.ndarray,
    random_levels: np.ndarray,
    params: ModelParameters,
    comparisons: tuple[Comparison, ...],
    total_pairs: int,
    prior_strength: float = 2_000.0,
) -> bool:
    """Set u of each comparison's ``counted_levels`` to the share of all record pairs that sit on the
    level and are two entities, counted off the candidate pairs (``levels``): blocking offered every
    pair on such a level, so the pairs the model (trained: prior, m, and u as random pairs showed it)
    does not take for a match are the level's non-matches, each counted by its posterior. All record
    pairs where the comparison is known are ``total_pairs`` times the share of random pairs on which it
    is known. The share stands in for what the random pairs showed, and is shrunk towards the level's
    default by the same ``prior_strength`` pseudo-pairs (on a file of a dozen records the default
    still speaks); the difference goes to the last level. Returns whether u changed (EM should then
    run again on the new u).

    Counted once: counted again with the u it gave, a pair in doubt (one number, two names) would be
    taken for a match a little more each round, until no pair is left to count. Random pairs show a
    number two records share a handful of times among 150,000 — nearly all one customer's records — so u
    read off them was 3·10⁻⁶ in one draw and 3.2·10⁻⁵ in another; counted, 4.3·10⁻⁶ after either."""
    counted = []
    for j, c in enumerate(comparisons):
        sampled = int((random_levels[:, j] > 0).sum()) if c.counted_levels and len(random_levels) else 0
        if sampled:
            counted.append((j, c, sampled, sampled / len(random_levels) * total_pairs))
    if not counted:
        return False
    patterns, counts = distinct_patterns(levels)
    _, probability = score_levels(patterns, params)
    for j, c, sampled, known in counted:
        u = np.asarray(params.u[c.name], dtype=float)
        for label in c.counted_levels:
            code = c.level_code(label)
            on = patterns[:, j] == code
            share = max(float((counts[on] * (1.0 - probability[on])).sum()), 0.5) / known
            # The share stands in for what the sampled pairs showed, shrunk as they are.
            _set_level_u(u, code - 1, _shrunk(share * sampled, sampled, c.levels[code - 1].u, prior_strength))
        params.u[c.name] = [float(x) for x in u]
    return True


def discount_matches_from_u(
    params: ModelParameters,
    comparisons: tuple[Comparison, ...],
    total_pairs: int,
    holds_organisations: bool = False,
) -> bool:
    """Take the duplicates that random pairs hold out of u, once EM has learned the prior and m.

    Of two records drawn at random a share ``prior`` are one entity, and they agree as matches
    do: where identifiers are unique (a national id held by one person), nearly every random
    pair that agrees on one is a duplicate, so u read straight off random pairs is the prior
    itself and an agreement weighs bits too little. Each level's u becomes
    ``(u - prior · m) / (1 - prior)``, at least half a random pair. Only where the prior was
    learned below its bound (under 90 % of :func:`max_prior`): a prior at or near its bound is an
    upper limit, and taking that many matches out would make agreements weigh more than the file
    shows. On a list that ``holds_organisations``, a field related organisations share
    (``shared_by_related_organisations``: an address) keeps its u. Returns whether
    u changed (EM should then run again on the new u).
    """
    prior = params.prior_match_probability
    n_random = params.trained_on.get("random_pairs", 0)
    if not n_random or prior > AT_THE_BOUND * max_prior(total_pairs):
        return False
    floor = 0.5 / n_random
    for c in comparisons:
        if not c.u_without_matches or (holds_organisations and c.shared_by_related_organisations):
            continue
        u = np.asarray(params.u[c.name], dtype=float)
        m = np.asarray(params.m[c.name], dtype=float)
        nonmatch = np.maximum((u - prior * m) / (1 - prior), np.minimum(u, floor))
        nonmatch *= u.sum() / nonmatch.sum()
        params.u[c.name] = [float(x) for x in keep_fixed(nonmatch, c, "u")]
    params.trained_on["u_without_matches"] = 1
    return True


def distinct_patterns(levels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct rows of the level matrix and their counts, via one int64 code per row
    (``np.unique(axis=0)`` sorts rows as structured values and is far slower on millions)."""
    bits = max(int(levels.max()).bit_length(), 1) if len(levels) else 1
    if bits * levels.shape[1] > 62:
        return np.unique(levels, axis=0, return_counts=True)
    shifts = np.arange(levels.shape[1] - 1, -1, -1, dtype=np.int64) * bits  # first column most significant
    codes = np.zeros(len(levels), dtype=np.int64)
    for j in range(levels.shape[1]):  # column by column: no n × k int64 temporary
        codes <<= bits
        codes |= levels[:, j]
    # Hash the codes (few distinct patterns among millions of pairs), then sort only the distinct ones.
    pattern_of, distinct = pd.factorize(codes)
    counts = np.bincount(pattern_of, minlength=len(distinct))
    order = np.argsort(distinct, kind="stable")
    distinct, counts = np.asarray(distinct, dtype=np.int64)[order], counts[order]
    patterns = ((distinct[:, None] >> shifts) & ((1 << bits) - 1)).astype(levels.dtype)
    return patterns, counts


def estimate_m_by_em(
    levels: np.ndarray,
    params: ModelParameters,
    comparisons: tuple[Comparison, ...] = DEFAULT_COMPARISONS,
    total_pairs: int | None = None,
    prior_strength: float = 200.0,
    max_iterations: int = 25,
    tolerance: float = 1e-4,
) -> ModelParameters:
    """EM over the blocked pairs' comparison vectors (grouped into distinct patterns for speed).

    u stays as estimated from random pairs; m is re-estimated from the posterior match
    probabilities, shrunk towards the defaults by ``prior_strength`` pseudo-pairs. Levels
    marked ``fixed`` (the hard negatives) keep their defaults. ``total_pairs`` (all possible
    pairs) turns the blocked-pair match share into the random-pair prior used for scoring.
    """
    if len(levels) == 0:
        return params
    unseen = [j for j, c in enumerate(comparisons) if not c.seen_by_em]
    if unseen:
        levels = levels.copy()
        levels[:, unseen] = UNKNOWN
    patterns, counts = distinct_patterns(levels)
    vouched = _vouched_patterns(patterns, comparisons, params)
    lam = 0.1
    for _ in range(max_iterations):
        post = _posterior(patterns, params, lam)
        w = post * counts
        new_lam = float(np.clip(w.sum() / counts.sum(), 1e-6, 0.999))
        shift = abs(new_lam - lam)
        lam = new_lam
        for j, c in enumerate(comparisons):
            matched = level_counts(patterns[:, j], len(c.levels), w * vouched[j] if j in vouched else w)
            defaults = np.array([lv.m for lv in c.levels])
            m = (matched + prior_strength * defaults) / (matched.sum() + prior_strength)
            m = keep_fixed(bounded_m(np.clip(m, 1e-6, None), c), c, "m")
            shift = max(shift, float(np.abs(m - np.asarray(params.m[c.name])).max()))
            params.m[c.name] = [float(x) for x in m]
        if shift < tolerance:
            break
    expected_matches = lam * counts.sum()
    if total_pairs:
        params.prior_match_probability = float(
            np.clip(expected_matches / total_pairs, 1e-12, max_prior(total_pairs))
        )
    params.trained_on["blocked_pairs"] = int(counts.sum())
    params.trained_on["expected_matches"] = int(round(expected_matches))
    return params


EVIDENCE_BITS = 1.0
"""A level whose default weight is at least this far from zero says something about a pair."""


def _default_bits(comparison: Comparison) -> np.ndarray:
    """Each level's weight by its default m and u, ``log2(m / u)``."""
    return np.log2(
        np.array([lv.m for lv in comparison.levels]) / np.array([lv.u for lv in comparison.levels])
    )


def _other_evidence(patterns: np.ndarray, comparisons: tuple[Comparison, ...], j: int) -> np.ndarray:
    """Per pattern whether a comparison other than ``j`` sits on a level that says something
    (:data:`EVIDENCE_BITS` by its default m and u), so the pattern's posterior does not rest on
    comparison ``j`` alone."""
    out = np.zeros(len(patterns), dtype=bool)
    for k, c in enumerate(comparisons):
        if k == j:
            continue
        says = np.r_[False, np.abs(_default_bits(c)) >= EVIDENCE_BITS]
        out |= says[patterns[:, k]]
    return out


VOUCHING_FIELDS = 2
"""Where a file holds this many fields besides a comparison that can agree, EM learns the
comparison's m only from pairs on which that many of them agree (see :func:`_vouched_patterns`)."""


VOUCHING_CHANCE = 1 / 64
"""A level vouches for a match only where two random records of the file sit on it less often than
this: the same city or the same category, shared by a chain's branches and a hotel's restaurants,
is no witness; the same phone, address or name is."""


def _witnesses(
    patterns: np.ndarray, comparisons: tuple[Comparison, ...], params: ModelParameters
) -> tuple[np.ndarray, np.ndarray]:
    """Per pattern and comparison whether it sits on an agreement level worth
    :data:`EVIDENCE_BITS` by its default m and u that random pairs of the file reach less often
    than :data:`VOUCHING_CHANCE` (their u, ``params``), and whether a comparison that has such a
    level is known there at all; a part of the company name (its region, its branch) is not a
    field of its own, nor a comparison EM leaves out (``seen_by_em``)."""
    agreeing = np.zeros(patterns.shape, dtype=bool)
    known = np.zeros(patterns.shape, dtype=bool)
    for k, c in enumerate(comparisons):
        if c.part_of_the_name or not c.seen_by_em:
            continue
        vouches = (_default_bits(c) >= EVIDENCE_BITS) & (np.asarray(params.u[c.name]) <= VOUCHING_CHANCE)
        if vouches.any():
            agreeing[:, k] = np.r_[False, vouches][patterns[:, k]]
            known[:, k] = patterns[:, k] > 0
    return agreeing, known


def _vouched_patterns(
    patterns: np.ndarray, comparisons: tuple[Comparison, ...], params: ModelParameters
) -> dict[int, np.ndarray]:
    """Per comparison index the patterns whose posterior may teach that comparison's m (absent: all).

    On a rich person file a whole class of non-matches can look like matches to EM: namesakes
    blocked by a similar name differ in birth date, national id and address, and once EM has
    counted them as matches it learns that a match differs in each of those fields a third of the
    time, so each disagreement weighs almost nothing and they stay matches. Organisations fare
    alike: a chain's branches and the restaurants of one hotel, blocked by a similar name or one
    address, teach EM that a duplicate's phone or address often differs. A comparison marked
    ``m_from_several_fields``, where the file holds :data:`VOUCHING_FIELDS` other fields that can
    agree, is learned only from pairs on which that many of them agree, pairs a single similar
    field cannot make up, and from pairs on which fewer than that many are known at all. Otherwise
    a comparison marked ``m_from_other_evidence`` is learned from pairs another field speaks for,
    and the rest from every pair.
    """
    agreeing, known = _witnesses(patterns, comparisons, params)
    out: dict[int, np.ndarray] = {}
    for j, c in enumerate(comparisons):
        others = np.delete(agreeing, j, axis=1)
        # Fields that can agree where this one is known: a company name is no witness for a person's name.
        present = others[patterns[:, j] > 0].any(axis=0)
        if c.m_from_several_fields and present.sum() >= VOUCHING_FIELDS:
            out[j] = others.sum(axis=1) >= VOUCHING_FIELDS
            # A pair on which fewer witnesses are known than could vouch (a person's record on a list
            # that also holds companies, in one name column) teaches as every pair does.
            out[j] |= np.delete(known, j, axis=1).sum(axis=1) < VOUCHING_FIELDS
        elif c.m_from_other_evidence:
            out[j] = _other_evidence(patterns, comparisons, j)
    return out


def bounded_m(m: np.ndarray, comparison: Comparison) -> np.ndarray:
    """``m`` with each level at most its ``max_m``, the excess spread over the levels below their
    bound in proportion to their m (again while that lifts one of them over its own bound)."""
    cap = np.array([np.inf if lv.max_m is None else lv.max_m for lv in comparison.levels])
    out = np.asarray(m, dtype=float).copy()
    for _ in range(len(out)):
        over = out > cap
        if not over.any():
            break
        excess = float((out[over] - cap[over]).sum())
        out[over] = cap[over]
        free = out < cap
        if out[free].sum() <= 0:
            break
        out[free] += excess * out[free] / out[free].sum()
    return out


def max_prior(total_pairs: int) -> float:
    """The largest random-pair match probability a file of ``total_pairs`` pairs may learn.

    EM on thin data can take every blocked pair for a match; the bound keeps the prior at most
    :data:`MAX_DUPLICATES_PER_RECORD` duplicates per record (and 1e-3 on large files), so a
    single agreeing common name never merges two records with nothing else known, while the
    rare name a term-frequency weight makes strong still can.
    """
    n = (1 + np.sqrt(1 + 8 * float(total_pairs))) / 2  # total_pairs = n (n - 1) / 2
    return float(min(0.5, max(MAX_PRIOR, MAX_DUPLICATES_PER_RECORD / max(n - 1, 1))))


def refine_with_labels(
    levels: np.ndarray,
    is_match: np.ndarray,
    params: ModelParameters,
    comparisons: tuple[Comparison, ...] = DEFAULT_COMPARISONS,
    label_weight: float = 5.0,
) -> ModelParameters:
    """Fold steward decisions in: each labelled pair counts ``label_weight`` times towards m or u."""
    is_match = np.asarray(is_match, dtype=bool)
    for j, c in enumerate(comparisons):
        fixed = np.array([lv.fixed for lv in c.levels])
        for probs, mask, key in ((params.m, is_match, "m"), (params.u, ~is_match, "u")):
            counts = level_counts(levels[mask, j], len(c.levels)) * label_weight
            if counts.sum() == 0:
                continue
            current = np.asarray(probs[c.name])
            strength = 100.0 if key == "m" else 10_000.0
            updated = (counts + strength * current) / (counts.sum() + strength)
            probs[c.name] = [float(x) for x in np.where(fixed, current, updated)]
    params.trained_on["labelled_pairs"] = int(len(is_match))
    return params


def comparison_weight(
    levels: np.ndarray, params: ModelParameters, j: int, adjustment: np.ndarray | None = None
) -> np.ndarray:
    """The weight comparison ``j`` gives each pair: its level's ``log2(m/u)`` plus any
    term-frequency ``adjustment``, an agreement never below 0 bits and a disagreement never above."""
    table = params.weight_tables()[j]
    weight = table[levels[:, j]]
    if adjustment is None:
        return weight
    name = params.comparisons[j]
    sign = np.r_[0, np.asarray(params.signs.get(name, [0] * len(params.m[name])))][levels[:, j]]
    weight = weight + adjustment
    return np.where(sign > 0, np.maximum(weight, 0), np.where(sign < 0, np.minimum(weight, 0), weight))


def score_levels(
    levels: np.ndarray, params: ModelParameters, adjustments: dict[int, np.ndarray] | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Return (match_weight, match_probability) per pair; ``adjustments`` are per comparison index
    the term-frequency bits of each pair (:func:`mdm.term_frequency.tf_adjustments`)."""
    adjustments = adjustments or {}
    weight = np.full(len(levels), params.prior_weight)
    for j in range(len(params.comparisons)):
        weight += comparison_weight(levels, params, j, adjustments.get(j))
    return weight, probability_of_weight(weight)


DERIVED_FROM_THE_NAME = frozenset({"party_kind", "household"})
"""Comparisons read off the name (or only known where other fields are): with two names written alike
they say nothing more."""


def one_name_alone(levels: np.ndarray, comparisons: tuple[Comparison, ...]) -> np.ndarray:
    """Per pair whether the two records are persons of one name written alike that hold nothing else to
    compare: ``person_name`` on its first level (exact), aliases agreeing or unknown, every other field
    unknown or on a level that weighs nothing (a phone number a hundred names write). Two companies of
    one registered name are not: a name is registered once (within its region), while two people share
    theirs."""
    alone = np.ones(len(levels), dtype=bool)
    named = np.zeros(len(levels), dtype=bool)
    for j, comparison in enumerate(comparisons):
        column = levels[:, j]
        if comparison.part_of_the_name or comparison.name in DERIVED_FROM_THE_NAME:
            continue
        if comparison.name == "person_name":
            named = column == 1
        elif comparison.name == "other_names":
            alone &= column <= 1
        else:
            # A level fixed at no weight (a phone a hundred names write) says as little as unknown.
            silent = [UNKNOWN] + [
                k + 1 for k, lv in enumerate(comparison.levels) if lv.fixed and lv.m == lv.u
            ]
            alone &= np.isin(column, silent)
    return alone & named


def classify(probability: np.ndarray, thresholds: Thresholds) -> np.ndarray:
    """``auto_merge`` / ``needs_review`` / ``no_match`` per pair."""
    out = np.full(len(probability), "no_match", dtype=object)
    out[probability >= thresholds.review] = "needs_review"
    out[probability >= thresholds.auto_merge] = "auto_merge"
    return out
