"""Term-frequency adjustment: an agreement on a rare value says more than one on a common value.

Splink's approach, adapted to deduplication: for an exact agreement on value ``v`` the level's
``u`` (how often two different entities agree) is replaced by how often ``v`` occurs. Counting
records would count each entity's own duplicates as chance agreements — a name written twice by
one company would look as common as a name held by two companies — so the frequency used is the
*excess* over what one entity's records explain::

    u(v) = (max(count(v) − records_per_entity, 0) + collision) / records

``records_per_entity`` is read from the data (the typical multiplicity of repeated values),
``collision`` is the chance that another entity happens to carry a value no other entity is seen
with. The excess is scaled by how generic the value is (:func:`entity_share`): ``AKZO NOBEL``
written 167 times by one applicant is not a common name. A value held by one company's two records therefore weighs ``log2(m · N / collision)``;
``北京 贸易`` held by 40 records weighs little; a city shared by thousands weighs almost nothing,
as in Splink. The same ratio scales the fuzzier agreement levels the comparison lists, using the
more common of the two values (Splink does the same with the greater of the two frequencies).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

from mdm.comparators import (
    Comparison,
    FrameColumns,
    _distinct_pairs,
    latin_registered_names,
    registered_names,
    same_parsed_name,
)
from mdm.tokens import WORD_BASE, column_token_frequency, column_tokens

COLLISION = 0.03
"""Expected number of *other* entities carrying a value that no other entity is seen with."""
MAX_RECORDS_PER_ENTITY = 5.0
NAME_COLUMNS = frozenset({"name_core", "name_normalised", "name_trade", "person_name"})
"""Columns whose values name one entity; other adjusted columns use the plain record share."""
ORGANISATION_NAME_COLUMNS = NAME_COLUMNS - {"person_name"}
"""Names an exact or spelt-again agreement on may weigh as the value's own records say
(:func:`one_entity_bits`); people share names too often for one written many times to be one."""
ONE_NAME_LEVELS = ("exact", "core_exact")
"""Company name levels on which two records may write one name, alike or two ways (every part alike:
:func:`~mdm.comparators.same_parsed_name`)."""
OWN_VALUE_COLUMNS = frozenset({"birth_date"})
"""Columns whose value is one entity's own without being a name: only the records beyond one
entity's count, as for names, but no word of the value makes it generic (a date has no words)."""


def value_counts(cols: FrameColumns, column: str) -> tuple[np.ndarray, np.ndarray]:
    """Per distinct value its number of records, and per record its value's code (-1 missing)."""
    codes = cols.codes(column)
    counts = cols.derived(
        f"tf_counts:{column}", lambda c: np.bincount(codes[codes >= 0], minlength=len(c.uniques(column)))
    )
    return counts, codes


def records_per_entity(counts: np.ndarray) -> float:
    """How many records one entity may leave with one value: the 90th percentile of the
    multiplicities of the values that repeat (1 when nothing repeats), counted per value so that
    one value held by 40 records does not weigh 40 times, and capped so that a common value never
    passes for one entity's."""
    repeated = counts[counts >= 2]
    if len(repeated) == 0:
        return 1.0
    return float(min(np.quantile(repeated, 0.9), MAX_RECORDS_PER_ENTITY))


def rarest_word_holders(cols: FrameColumns, column: str) -> np.ndarray:
    """Per distinct value of ``column``, how many distinct values hold its rarest word (``inf``
    without words); computed once per column."""

    def compute(c: FrameColumns) -> np.ndarray:
        tokens = column_tokens(c, column)
        rarest = np.full(len(c.uniques(column)), np.inf)
        if len(tokens.token):
            np.minimum.at(rarest, tokens.value, column_token_frequency(c, column).of_entry)
        return rarest

    return cols.derived(f"tf_rarest:{column}", compute)


def entity_share(rarest: np.ndarray, counts: np.ndarray, frequent: np.ndarray) -> np.ndarray:
    """Per distinct value, the share of its records that may belong to *other* entities.

    A frequent value made of words that appear in many other names (``TRADING``, ``JOHN SMITH``)
    is held by many entities; one whose rarest word appears in few other names (``AKZO NOBEL``,
    167 records) is one entity written many times. The share is the number of distinct values
    that hold the value's rarest word besides itself (``rarest``, :func:`rarest_word_holders`),
    over the value's number of records (at most 1); only the ``frequent`` values need it, the
    others keep 1."""
    share = np.ones(len(counts))
    wanted = frequent & np.isfinite(rarest)
    share[wanted] = np.minimum(1.0, (rarest[wanted] - 1) / counts[wanted])
    return share


def _rarest(c: FrameColumns, column: str, n_values: int) -> np.ndarray:
    """:func:`rarest_word_holders` of a name column; a full name reads its core's words (the region
    and legal form around a core add no rarity, and the core's words are already counted)."""
    if column == "name_normalised" and "name_core" in c:
        core = c.codes("name_core")
        core_rarest = rarest_word_holders(c, "name_core")
        first = np.full(n_values, -1, dtype=np.int64)
        codes = c.codes(column)
        rows = np.flatnonzero(codes >= 0)[::-1]
        first[codes[rows]] = rows  # the first record of each value (written last)
        core_of = np.where(first >= 0, core[np.maximum(first, 0)], -1)
        return np.where(core_of >= 0, np.r_[core_rarest, np.inf][core_of], np.inf)
    return rarest_word_holders(c, column)


VARIANT_SCORE = 90
"""Similarity (0–100) at which another name holding a value's rarest word is taken for
a spelling of that same name (``ELECTRONIC KONINK PHILIPS`` of ``ELECTRONICS KONINK PHILIPS``)."""
MAX_HOLDERS_CHECKED = 1_000


def spelt_again(names: np.ndarray, others: np.ndarray) -> np.ndarray:
    """Per position whether ``others[i]`` is a spelling of ``names[i]``: a name of several words when
    the other holds its words (a word misspelt or one added: ``... PHILIPS V``), a one-word name
    (``TRADING``, ``ACME``) only when the whole is alike (``ACME LOGISTICS`` is another company's)."""
    # Python strings, not a fixed-width NumPy text array: a pair costs two pointers, not two longest names.
    several = np.fromiter((" " in str(name) for name in names), dtype=bool, count=len(names))
    score = np.zeros(len(names))
    for mask, scorer in ((several, fuzz.token_set_ratio), (~several, fuzz.ratio)):
        if mask.any():
            score[mask] = process.cpdist(
                names[mask], others[mask], scorer=scorer, score_cutoff=VARIANT_SCORE, workers=-1
            )
    return score >= VARIANT_SCORE


def other_entities_holding_rarest_word(
    c: FrameColumns, column: str, rarest: np.ndarray, wanted: np.ndarray
) -> np.ndarray:
    """``rarest`` with, for the ``wanted`` values, only the holders of the rarest word that are not
    spellings of the value itself counted (plus the value).

    One applicant written 292 times as ``ELECTRONICS KONINK PHILIPS`` and 70 other ways
    (``ELECTRONIC KONINK PHILIPS``, ``ELECTRONICS KONINK PHILLIPS``) is one entity: its own
    spellings must not pass for other entities sharing its rare word, as ``JANE SMITH`` and
    ``PETER SMITH`` do for ``JOHN SMITH``. A word held by more than :data:`MAX_HOLDERS_CHECKED`
    values keeps its plain count."""
    tokens = column_tokens(c, column)
    targets = np.flatnonzero(wanted & np.isfinite(rarest) & (rarest > 1) & (rarest <= MAX_HOLDERS_CHECKED))
    if not len(targets) or not len(tokens.token):
        return rarest
    frequency = column_token_frequency(c, column).of_entry
    entries = pd.DataFrame({"value": tokens.value, "token": tokens.token, "frequency": frequency})
    mine = entries[np.isin(entries["value"].to_numpy(), targets)]
    rarest_word = mine.sort_values(["value", "frequency"]).drop_duplicates("value")[["value", "token"]]
    holders = entries[["value", "token"]].merge(rarest_word, on="token", suffixes=("_holder", ""))
    holders = holders[holders["value"] != holders["value_holder"]]
    if holders.empty:
        return rarest
    # Python strings, not a fixed-width NumPy text array: a pair costs two pointers, not two longest names.
    names = np.asarray(c.uniques(column), dtype=object)
    value, holder = holders["value"].to_numpy(), holders["value_holder"].to_numpy()
    spelt = spelt_again(names[value], names[holder])
    others = np.bincount(value[~spelt], minlength=len(rarest)).astype(float)
    if column in ORGANISATION_NAME_COLUMNS:
        others *= _chance_of_the_other_words(mine, rarest_word, len(rarest))
    out = rarest.copy()
    checked = rarest_word["value"].to_numpy()
    out[checked] = 1 + others[checked]
    return out


def _chance_of_the_other_words(mine: pd.DataFrame, rarest_word: pd.DataFrame, n_values: int) -> np.ndarray:
    """Per distinct value the chance that a name holding its rarest word holds its other Latin words
    too: the product, over those words, of the share of the column's names that hold each (1 for a
    value of one word, or with Chinese text, whose character bigrams overlap and are not independent).
    ``mine`` holds the words (``value``, ``token``, ``frequency``: how many names hold it) of the values
    asked about.

    Another applicant holding ``ASML`` (``ASML HOLLAND``, ``ASML US``) writes ``ASML NETHERLANDS``
    only as often as names hold ``NETHERLANDS``; ``X PACKAGING`` beside ``X SERVICES`` says little of who
    writes ``X SERVICES``. A one-word name (``ALCATEL``, ``TRADING``) keeps every other holder of its
    word as a possible other entity."""
    value, token = mine["value"].to_numpy(), mine["token"].to_numpy()
    log_share = np.log(np.maximum(mine["frequency"].to_numpy() / max(n_values, 1), 1e-12))
    rarest_of = np.full(n_values, -1, dtype=np.int64)
    rarest_of[rarest_word["value"].to_numpy()] = rarest_word["token"].to_numpy()
    other = token != rarest_of[value]
    chinese = np.zeros(n_values, dtype=bool)
    chinese[value[token < WORD_BASE]] = True
    product = np.exp(np.bincount(value[other], weights=log_share[other], minlength=n_values))
    return np.where(chinese, 1.0, product)


def value_frequency(cols: FrameColumns, column: str) -> np.ndarray:
    """Per record ``u(v)`` of its value (see the module docstring); NaN where missing.

    Names (:data:`NAME_COLUMNS`) and a person's own values (:data:`OWN_VALUE_COLUMNS`, a birth date)
    count only the records beyond one entity's; any other value (a city, a category, a web domain)
    is shared by many entities by nature, and its plain share of the records is its ``u``, as in
    Splink."""

    def compute(c: FrameColumns) -> np.ndarray:
        if column in OWN_VALUE_COLUMNS:
            return frequency_among_others(c, column)
        counts, codes = value_counts(c, column)
        n = max(len(codes), 1)
        if column in NAME_COLUMNS:
            excess = np.maximum(counts - records_per_entity(counts), 0)
            if (excess > 0).any():
                rarest = _rarest(c, column, len(counts))
                rarest = other_entities_holding_rarest_word(c, column, rarest, excess > 0)
                excess = excess * entity_share(rarest, counts, excess > 0)
            u = (excess + COLLISION) / n
        else:
            u = counts / n
        return _per_record(u, codes)

    return cols.derived(f"tf_u:{column}", compute)


def frequency_among_others(cols: FrameColumns, column: str) -> np.ndarray:
    """Per record ``u(v)`` of its value with every record beyond one entity's taken for another entity's
    (NaN where missing): a person's own value (a birth date), and a name where the records stand at two
    sites; :func:`value_frequency` of a name without reading one no other name shares a word with as one
    entity's own (``AKZO NOBEL`` written 167 times by one applicant)."""

    def compute(c: FrameColumns) -> np.ndarray:
        counts, codes = value_counts(c, column)
        u = (np.maximum(counts - records_per_entity(counts), 0) + COLLISION) / max(len(codes), 1)
        return _per_record(u, codes)

    return cols.derived(f"tf_u_among_others:{column}", compute)


def _per_record(per_value: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """Each record's entry of ``per_value`` (indexed by value code), NaN where its value is missing."""
    return np.where(codes >= 0, per_value[np.maximum(codes, 0)] if len(per_value) else np.nan, np.nan)


ONE_ENTITY_ODDS = 19.0
"""Odds (95 %) at which a value's own records are taken for one entity's: below them the value is
shared too evenly to say, and an exact agreement keeps its frequency weight (no review for it)."""


REGISTERED_NAME_ODDS = 99.0
"""Odds at which two records writing one registered Chinese name are one company, before anything else
about them is known: one registration authority admits no second company of the name (what is left is a
record of another company mistyped into it). The file's prior does not enter: on a clean list of 2,000
names where one is written twice, the prior is low, and would otherwise leave the two in review."""
LATIN_REGISTERED_NAME_ODDS = 19.0
"""The same for a Latin name with its trade name and legal form (``ACME TRADING LTD``), at lower odds: it is
registered once in its jurisdiction, but a list may hold companies of several, and an English rendering of a
Chinese name may leave out the city that tells two companies apart. Another phone, address or city sends the
pair to review."""


def registration_odds(cols: FrameColumns) -> np.ndarray:
    """Per record the odds at which another record writing its name alike, or two ways with every part the
    same (:func:`~mdm.comparators.same_parsed_name`), is the same company by its registration:
    :data:`REGISTERED_NAME_ODDS` for a registered Chinese name, :data:`LATIN_REGISTERED_NAME_ODDS` for a Latin
    name with its legal form, NaN for any other name."""
    return cols.derived(
        "registration_odds",
        lambda c: np.where(
            registered_names(c),
            REGISTERED_NAME_ODDS,
            np.where(latin_registered_names(c), LATIN_REGISTERED_NAME_ODDS, np.nan),
        ),
    )


def within_value_match_odds(cols: FrameColumns, column: str) -> np.ndarray:
    """Per record the odds that two records holding its value are one entity, as the value's own
    frequency estimate (:func:`value_frequency`) reads: of its ``count`` records, ``u · N − collision``
    belong to other entities and the rest to one; ``inf`` where no other entity is counted.

    ``ELECTRONICS KONINK PHILIPS`` written 292 times, of which about 3 records may be other entities',
    makes two of its records one applicant at odds of about 50 to 1, whatever the file's prior says
    of two records drawn at random; ``TRADING`` held by 40 records of 35 other entities, at 1 to 80."""

    def compute(c: FrameColumns) -> np.ndarray:
        counts, codes = value_counts(c, column)
        u = value_frequency(c, column)
        rows = np.flatnonzero(codes >= 0)
        others = np.zeros(len(counts))
        others[codes[rows]] = np.maximum(u[rows] * len(codes) - COLLISION, 0.0)
        one = np.maximum(counts - others, 0.0)
        same = one * np.maximum(one - 1, 0.0)
        apart = counts * np.maximum(counts - 1, 0.0) - same
        with np.errstate(divide="ignore", invalid="ignore"):
            odds = np.where(apart > 1e-9, same / np.maximum(apart, 1e-300), np.inf)
        return _per_record(odds, codes)

    return cols.derived(f"tf_within_odds:{column}", compute)


def _others_disagree(levels: np.ndarray, comparisons: tuple[Comparison, ...], j: int) -> np.ndarray:
    """Per pair whether a comparison other than ``j`` sits on a disagreement level."""
    from mdm.model import level_sign

    out = np.zeros(len(levels), dtype=bool)
    for k, c in enumerate(comparisons):
        if k != j:
            against = np.array([False, *(level_sign(lv) < 0 for lv in c.levels)])
            out |= against[levels[:, k]]
    return out


def at_two_sites(levels: np.ndarray, comparisons: tuple[Comparison, ...]) -> np.ndarray:
    """Per pair whether a comparison sits on one of its ``sites_apart_levels``: another address, or one
    alike only in part (another house number in one street)."""
    out = np.zeros(len(levels), dtype=bool)
    for k, c in enumerate(comparisons):
        if c.sites_apart_levels:
            apart = np.array([False, *(lv.label in c.sites_apart_levels for lv in c.levels)])
            out |= apart[levels[:, k]]
    return out


def tf_adjustments(
    cols: FrameColumns,
    left: np.ndarray,
    right: np.ndarray,
    levels: np.ndarray,
    u_tables: dict[str, list[float]],
    comparisons: tuple[Comparison, ...],
    m_tables: dict[str, list[float]] | None = None,
    prior_weight: float | None = None,
) -> dict[int, np.ndarray]:
    """Per comparison index with a term-frequency column, the weight (bits) to add to each pair.

    On a level the comparison adjusts, the level's ``log2(m/u)`` becomes ``log2(m/u(v))``; the
    adjustment is ``log2(u_exact / u(v))`` on every adjusted level, as in Splink (the caller's sign
    rule keeps an agreement from going below zero bits). Levels a comparison weighs by its parts
    (``tf_part_levels``) become ``log2(m / chance)`` with the chance of the parts both sides share.

    With ``m_tables`` and ``prior_weight``, an agreement on an organisation's name
    (:data:`ORGANISATION_NAME_COLUMNS`) weighs at least what takes the prior to the odds the value's own records give
    (:func:`within_value_match_odds`): the prior is bounded for the file as a whole, and would
    otherwise leave a name one applicant wrote 292 times short of a merge."""
    out: dict[int, np.ndarray] = {}
    for j, comparison in enumerate(comparisons):
        if not comparison.tf_column or comparison.tf_column not in cols:
            continue
        adjust = np.zeros(len(left), dtype=np.float64)
        # Splink's reference: every adjusted level is scaled against the exact level's u.
        u_ref = float(u_tables[comparison.name][comparison.level_code(comparison.tf_levels[0]) - 1])
        if comparison.tf_column in OWN_VALUE_COLUMNS:
            # Birthdays of different people coincide by chance: only a date more common than the
            # file's dates are on average (a placeholder such as 1980-01-01) weighs less.
            u_ref = max(u_ref, _mean_value_frequency(cols, comparison.tf_column, u_ref))
        for label in comparison.tf_levels:
            code = comparison.level_code(label)
            on = np.flatnonzero(levels[:, j] == code)
            column = comparison.tf_column_of(label)
            if len(on) == 0 or column not in cols:
                continue
            freq = value_frequency(cols, column)
            pair_u = np.fmax(freq[left[on]], freq[right[on]])  # the more common value; NaN-safe
            # A pair of a name at two sites (another address): for a name many records write, a chain's two
            # shops as often as one company's records.
            two_sites = np.zeros(len(on), dtype=bool)
            if column in ORGANISATION_NAME_COLUMNS:
                two_sites = at_two_sites(levels[on], comparisons)
                # As common as its records beyond one company's are, not one company written many times
                # (美宜佳便利店 at twenty addresses: twenty shops).
                apart = np.flatnonzero(two_sites)
                if len(apart):
                    share = frequency_among_others(cols, column)
                    pair_u[apart] = np.fmax(
                        pair_u[apart], np.fmax(share[left[on[apart]]], share[right[on[apart]]])
                    )
            known = ~np.isnan(pair_u)
            bits = np.log2(u_ref / pair_u[known])
            cap = comparison.tf_rare_bonus
            adjust[on[known]] = bits if cap is None else np.minimum(bits, cap)
            if label in comparison.tf_spelling_levels:
                at = on[known][adjust[on[known]] > 0]  # only a bonus needs the spellings read
                spelt = _spelt_both_ways(cols, column, left[at], right[at])
                adjust[at[~spelt]] = 0.0
            if m_tables is not None and prior_weight is not None and column in ORGANISATION_NAME_COLUMNS:
                # The exact level plus this adjustment reaches log2(odds) − prior, at most as far
                # as a value no other entity holds (u = collision / N) would take it.
                exact = comparison.level_code(comparison.tf_levels[0]) - 1
                shift = -prior_weight - float(np.log2(m_tables[comparison.name][exact] / u_ref))
                ceiling = float(np.log2(u_ref * len(cols.codes(column)) / COLLISION))
                at = on[known]
                odds_bits = one_entity_bits(
                    cols, column, left[at], right[at], label != comparison.tf_levels[0]
                )
                odds_bits[two_sites[known]] = np.nan  # the name's own records do not vouch for them
                adjust[at] = np.fmax(adjust[at], np.minimum(odds_bits + shift, ceiling))
                if label in ONE_NAME_LEVELS and "name_region" in cols:
                    parsed = same_parsed_name(cols, left[at], right[at])
                    # 郑州市元佳副食品有限公司 written twice or forty times: one company at the odds its
                    # registration gives, whatever its own duplicates make its frequency look like and
                    # whatever the file's prior (a clean master list has hardly any duplicates to learn from).
                    odds = registration_odds(cols)
                    pair_odds = np.fmin(odds[left[at]], odds[right[at]])
                    one = parsed & ~np.isnan(pair_odds)
                    bits = np.log2(pair_odds[one]) + shift
                    adjust[at[one]] = np.fmax(adjust[at[one]], np.fmax(ceiling, bits))
                    if label != comparison.tf_levels[0]:
                        # One name written two ways (元佳副食品(郑州)有限公司, 华禾便利店(停用)) weighs as
                        # written alike. The level stays as learned, so that its m and u keep describing
                        # its other pairs.
                        m_of, u_of = m_tables[comparison.name], u_tables[comparison.name]
                        here = code - 1
                        lift = float(np.log2(m_of[exact] / u_of[exact] * u_of[here] / m_of[here]))
                        adjust[at[parsed]] += lift
        if comparison.tf_part_chance is not None:
            _adjust_by_parts(adjust, comparison, j, cols, left, right, levels, u_tables, comparisons)
        out[j] = adjust
    return out


def _spelt_both_ways(cols: FrameColumns, column: str, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Per pair whether each value is a spelling of the other (:func:`spelt_again` both ways), so the
    rarity of one is the rarity of the name both write: ``ELECTRONIC PHILIPS`` / ``ELECTRONIC KONINKIJKE
    PHILIPS`` and ``ALCATEL`` / ``ALCATEL V`` are, ``BIZOU`` / ``CAFE BIZOU`` is not (a one-word name inside
    another is another business as often as the same)."""
    codes = cols.codes(column)
    names = np.asarray(cols.uniques(column), dtype=object)
    a, b = codes[left], codes[right]
    where, inverse, da, db = _distinct_pairs(a, b, np.ones(len(a), dtype=bool), len(names))
    spelt = spelt_again(names[da], names[db]) & spelt_again(names[db], names[da])
    return spelt[inverse] if len(where) else np.zeros(0, dtype=bool)


def _mean_value_frequency(cols: FrameColumns, column: str, default: float) -> float:
    """The mean :func:`value_frequency` of the records holding a value (``default`` if none does)."""

    def compute(c: FrameColumns) -> float:
        known = value_frequency(c, column)
        known = known[~np.isnan(known)]
        return float(known.mean()) if len(known) else np.nan

    mean = cols.derived(f"tf_mean_u:{column}", compute)
    return default if np.isnan(mean) else mean


def one_entity_bits(
    cols: FrameColumns, column: str, left: np.ndarray, right: np.ndarray, spelling: bool
) -> np.ndarray:
    """Per pair ``log2`` of the lower :func:`within_value_match_odds` of its two values where those
    odds reach :data:`ONE_ENTITY_ODDS`, else NaN. With ``spelling`` (a fuzzy agreement) only where
    the rarer value is a spelling of the more frequent one (:func:`spelt_again`), as the frequency
    estimate read it: it took the other holders of a value's word for other entities."""
    within = within_value_match_odds(cols, column)
    odds = np.fmin(within[left], within[right])
    clear = np.isfinite(odds) & (odds >= ONE_ENTITY_ODDS)
    if spelling and clear.any():
        counts, codes = value_counts(cols, column)
        where = np.flatnonzero(clear)
        names = np.asarray(cols.uniques(column), dtype=object)
        a, b = codes[left[where]], codes[right[where]]
        frequent = np.where(counts[a] >= counts[b], a, b)
        clear[where] = spelt_again(names[frequent], names[np.where(frequent == a, b, a)])
    return np.where(clear, np.log2(np.where(clear, odds, 1.0)), np.nan)


def _adjust_by_parts(
    adjust: np.ndarray,
    comparison: Comparison,
    j: int,
    cols: FrameColumns,
    left: np.ndarray,
    right: np.ndarray,
    levels: np.ndarray,
    u_tables: dict[str, list[float]],
    comparisons: tuple[Comparison, ...],
) -> None:
    """Set ``adjust`` on the ``tf_part_levels`` of comparison ``j`` to ``log2(u_level / chance)``,
    where ``chance`` is how often another entity shares the parts the pair agrees on."""
    assert comparison.tf_part_chance is not None
    for label in comparison.tf_part_levels:
        code = comparison.level_code(label)
        on = np.flatnonzero(levels[:, j] == code)
        if len(on) == 0:
            continue
        chance = comparison.tf_part_chance(cols, left[on], right[on])
        parts = ~np.isnan(chance)
        if comparison.tf_column in cols and label in comparison.tf_levels:
            # The value's own excess frequency still counts: a name held by several entities is common.
            freq = value_frequency(cols, comparison.tf_column)
            chance = np.fmax(chance, np.fmax(freq[left[on]], freq[right[on]]))
        bits = np.log2(float(u_tables[comparison.name][code - 1]) / chance[parts])
        # Two people of one rare name differ somewhere else (birthday, phone, ID): where another
        # field disagrees, a rare name adds nothing beyond its level, and a common one still weighs less.
        disagree = _others_disagree(levels[on[parts]], comparisons, j)
        adjust[on[parts]] = np.where(disagree, np.minimum(bits, 0), bits)
