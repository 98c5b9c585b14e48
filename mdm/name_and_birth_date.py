"""m of a person's name and birth date on a list that holds little else, learned over the pairs
the name offered.

Blocking offers most of a person list's candidate pairs because their names agree. EM over all of
them, each comparison's u read off random pairs, takes nearly every pair of namesakes for a
duplicate: two random records rarely share a name, and these share it by construction. Where other
fields (an e-mail, an id, an address) can vouch for a pair, EM learns the date from the pairs they
vouch for (:func:`mdm.model.estimate_m_by_em`); where the name and the date are all a list holds,
it learns that a duplicate's birth date is as often ten years off as exact, and namesakes born
years apart are merged.

Among the pairs the name offered, the birth date is still a fair sample: two people of one name
are born on days as random as any two people's, so the date keeps the u of random pairs there.
EM over that session learns the date first, alone (a crowd of namesakes cannot tell a duplicate
by its name), starting from how much more often the pairs' dates agree than random pairs' do;
then the name beside the learned date, the name's u learned among the pairs taken for two people
(how two namesakes' names compare). The m it learns for the date and the name replaces what EM
over every pair made of them. Splink learns a date alike, in an EM session blocked on the name
that leaves the name out.

The date alone tells duplicates only by dates that agree more often than chance: where namesakes
are many and duplicates few, a band of years that chance fills a little more than usual is taken
for duplicates too (about a sixth of 300 duplicates among 20,000 namesakes).
"""

from __future__ import annotations

import numpy as np

from mdm.comparators import UNKNOWN, Comparison
from mdm.model import (
    DERIVED_FROM_THE_NAME,
    ModelParameters,
    bounded_m,
    distinct_patterns,
    keep_fixed,
    level_counts,
    probability_of_weight,
)

DATE = "birth_date"
NAMES = ("person_name", "other_names")

MIN_PAIRS = 100
"""Fewer pairs with a name and a date than this teach nothing reliable: EM over every pair stays."""

WITNESSED_SHARE = 0.5
"""Where another field than the name is known on this share of the pairs, it vouches for them, and
what EM over every pair learned stays."""

MIN_START_SHARE = 1e-4
"""The least share of duplicates EM starts from (dates that agree no more often than chance)."""

M_FLOOR = 0.002
"""No level's m falls below this: a level no learned duplicate reached may still hold one."""


def learn_name_and_birth_date(
    levels: np.ndarray,
    offered_by_the_name: np.ndarray,
    params: ModelParameters,
    comparisons: tuple[Comparison, ...],
    max_iterations: int = 50,
    tolerance: float = 1e-4,
) -> ModelParameters:
    """``params`` with the m of the birth date and of the name comparisons learned by EM over the
    pairs ``offered_by_the_name`` (a mask over ``levels``: offered by a rule that does not read
    the date) on which both a name and a date are known; unchanged where there are fewer than
    :data:`MIN_PAIRS` or another field is known on :data:`WITNESSED_SHARE` of them."""
    index = {c.name: j for j, c in enumerate(comparisons)}
    if DATE not in index or NAMES[0] not in index:
        return params
    date = index[DATE]
    names = [index[name] for name in NAMES if name in index]
    rows = offered_by_the_name & (levels[:, date] != UNKNOWN) & (levels[:, names[0]] != UNKNOWN)
    if rows.sum() < MIN_PAIRS:
        return params
    taught = [date, *names]
    # Other fields, where a few pairs hold one, speak as EM over every pair weighed them.
    witnesses = [
        j
        for j, c in enumerate(comparisons)
        if j not in taught and c.seen_by_em and not c.part_of_the_name and c.name not in DERIVED_FROM_THE_NAME
    ]
    patterns, counts = distinct_patterns(levels[np.ix_(rows, taught + witnesses)])
    if witnesses:
        vouched = (patterns[:, len(taught) :] != UNKNOWN).any(axis=1)
        if counts[vouched].sum() >= WITNESSED_SHARE * counts.sum():
            return params
    tables = params.weight_tables()
    witnessed = np.zeros(len(patterns))
    for k, j in enumerate(witnesses, start=len(taught)):
        witnessed += tables[j][patterns[:, k]]
    session = [comparisons[j] for j in taught]
    m = [np.array([lv.m for lv in c.levels]) for c in session]
    date_u = np.asarray(params.u[session[0].name], dtype=float)
    share, m[0] = _start_from_the_dates(
        level_counts(patterns[:, 0], len(session[0].levels), counts.astype(float)), date_u, session[0]
    )
    # The date's u is random pairs'; the names' u starts at all the pairs' and becomes the namesakes'.
    u = [date_u] + [
        _share(level_counts(patterns[:, k], len(c.levels), counts.astype(float)))
        for k, c in enumerate(session)
        if k > 0
    ]
    # First the date alone (the name cannot tell a namesake from a duplicate), then the name with the
    # date as learned: EM with both free drifts, taking namesakes born within a few years for
    # duplicates whose date slipped.
    for stage in (1, len(session)):
        for _ in range(max_iterations):
            log_odds = np.log2(share / (1 - share)) + witnessed
            for k in range(stage):
                log_odds += np.r_[0.0, np.log2(m[k] / u[k])][patterns[:, k]]
            posterior = probability_of_weight(log_odds)
            matched = posterior * counts
            new_share = float(np.clip(matched.sum() / counts.sum(), 1e-6, 0.999))
            shift = abs(new_share - share)
            share = new_share
            for k, c in enumerate(session):
                if stage > 1 and k == 0:
                    continue
                counted = level_counts(patterns[:, k], len(c.levels), matched)
                learned = keep_fixed(bounded_m(_share(counted, M_FLOOR), c), c, "m")
                shift = max(shift, float(np.abs(learned - m[k]).max()))
                m[k] = learned
                if k > 0:
                    u[k] = _share(level_counts(patterns[:, k], len(c.levels), (1 - posterior) * counts))
            if shift < tolerance:
                break
    for k, c in enumerate(session):
        params.m[c.name] = [float(x) for x in m[k]]
    params.trained_on["name_and_date_pairs"] = int(counts.sum())
    params.trained_on["name_and_date_matches"] = int(round(share * counts.sum()))
    return params


def _start_from_the_dates(
    counts: np.ndarray, u: np.ndarray, comparison: Comparison
) -> tuple[float, np.ndarray]:
    """Where EM starts: the duplicates' share among the pairs and their dates' m, read off how much
    more often the pairs' dates agree than random pairs' do.

    The levels that speak for a match by default (exact, a part apart) hold the namesakes' chance
    share and the duplicates; the rest, almost only namesakes. The excess on the agreeing levels is
    the duplicates' share, and how it spreads over them their m. EM started from the levels' default
    m and a guessed share can settle on another explanation of a two-field mixture (the few pairs
    whose name has a typo and whose date agrees) and leave most duplicates unseen.
    """
    observed = counts / counts.sum()
    agreeing = np.array([lv.m > lv.u for lv in comparison.levels])
    excess = np.where(agreeing, np.maximum(observed - u, 0.0), 0.0)
    share = float(np.clip(excess.sum() / max(1.0 - u[agreeing].sum(), 1e-9), MIN_START_SHARE, 0.5))
    m = np.where(agreeing, np.maximum(observed - (1 - share) * u, 0.0) / share, 0.0)
    return share, _share(m, M_FLOOR)


def _share(counts: np.ndarray, floor: float = 1e-6) -> np.ndarray:
    """``counts`` as shares of their sum, none below ``floor`` (the rest scaled to keep the sum 1)."""
    total = counts.sum()
    out = counts / total if total > 0 else np.full(len(counts), 1.0 / len(counts))
    out = np.maximum(out, floor)
    return out / out.sum()
