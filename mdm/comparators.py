"""Vectorised field comparisons on candidate pairs, each giving a discrete comparison level.

Level 0 of every comparison is ``unknown``: one side (or both) is missing, so the field says
nothing and carries no weight. Higher levels run from the strongest agreement down to
disagreement, with extra levels for the hard negatives of channel data (two different valid
USCCs, a branch against its head office, ``深圳X商贸`` against ``上海X商贸``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA, JaroWinkler, Levenshtein

Derived = TypeVar("Derived")

UNKNOWN = 0
"""Level code shared by all comparisons: either value missing; weight 0, never agreement."""

_USABLE_USCC = ("valid", "invalid_checksum", "legacy_registration_number", "legacy_organisation_code")


class FrameColumns:
    """Column values of a standardised frame as object arrays (``None`` for missing), cached."""

    def __init__(self, frame: pd.DataFrame) -> None:
        self.frame = frame
        self._cache: dict[str, Any] = {}

    def __contains__(self, column: str) -> bool:
        return column in self.frame.columns

    def values(self, column: str) -> np.ndarray:
        """The column as an object array, ``None`` for missing or empty text.

        A string column is read through its :meth:`codes`, so each distinct value is one Python string
        shared by its records: a province written by a million records costs a million pointers,
        not a million strings.
        """
        if column not in self._cache:
            if column not in self.frame.columns:
                self._cache[column] = np.full(len(self.frame), None, dtype=object)
            elif _is_text(self.frame[column]):
                self._cache[column] = np.r_[self.uniques(column), None][self.codes(column)]
            else:
                s = self.frame[column]
                arr = s.to_numpy(dtype=object, na_value=None)
                if s.dtype == object:
                    arr = arr.copy()
                    arr[arr == ""] = None
                self._cache[column] = arr
        return self._cache[column]

    def keep_only_values(self, columns: Iterable[str]) -> None:
        """Forget everything derived except what reads the :meth:`values` of ``columns`` (a text
        column's :meth:`codes` and :meth:`uniques`, another column's values; the rest is read again on
        demand): once the pairs are compared and scored, the codes, tokens and derived arrays of a
        million records are dead weight while the result is being built."""
        wanted: dict[str, Any] = {}
        for column in columns:
            if self.is_text(column):
                self.codes(column)
                for key in (f"codes:{column}", f"uniques:codes:{column}"):
                    wanted[key] = self._cache[key]
            else:
                wanted[column] = self.values(column)
        self._cache.clear()
        self._cache.update(wanted)

    def is_text(self, column: str) -> bool:
        """Whether ``column`` is a string column of the frame (its values are its :meth:`uniques` at its :meth:`codes`)."""
        return column in self.frame.columns and _is_text(self.frame[column])

    def derived(self, name: str, compute: Callable[[FrameColumns], Derived]) -> Derived:
        """A value computed once from the columns (e.g. regions without their suffix, a token vocabulary)."""
        if name not in self._cache:
            self._cache[name] = compute(self)
        return self._cache[name]

    def known(self, column: str) -> np.ndarray:
        return self.derived(f"known:{column}", lambda c: c.codes(column) >= 0)

    def codes(self, column: str) -> np.ndarray:
        """Per record an int code of the column's value (``-1`` = missing): equal values, equal codes.

        Comparing codes instead of Python strings keeps the pair loops in NumPy.
        """
        key = f"codes:{column}"
        if key not in self._cache:
            s = self.frame[column] if column in self.frame.columns and column not in self._cache else None
            if s is not None and _is_text(s):
                # Straight from the string column: no object copy of it is needed for codes.
                self._factorize(key, s)
                uniques = self._cache[f"uniques:{key}"]
                empty = np.flatnonzero(uniques == "")
                if len(empty):  # empty text is missing, as in ``values``
                    codes = self._cache[key]
                    codes[codes == empty[0]] = -1
                    codes[codes > empty[0]] -= 1
                    self._cache[f"uniques:{key}"] = np.delete(uniques, empty[0])
            else:
                self._factorize(key, self.values(column))
        return self._cache[key]

    def uniques(self, column: str) -> np.ndarray:
        """The distinct values behind :meth:`codes` (an object array indexed by code)."""
        self.codes(column)
        return self._cache[f"uniques:codes:{column}"]

    def derived_codes(self, name: str, compute: Callable[[FrameColumns], np.ndarray]) -> np.ndarray:
        """Codes (``-1`` = missing) of a derived per-record object array."""
        key = f"codes:{name}"
        if key not in self._cache:
            self._factorize(key, self.derived(name, compute))
        return self._cache[key]

    def derived_uniques(self, name: str) -> np.ndarray:
        """The distinct values behind :meth:`derived_codes` of ``name`` (call that first)."""
        return self._cache[f"uniques:codes:{name}"]

    def _factorize(self, key: str, values: np.ndarray | pd.Series) -> None:
        if not isinstance(values, pd.Series):
            values = pd.Series(values, dtype=object)
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
        uniques = np.asarray(uniques, dtype=object)
        codes = codes.astype(np.int64, copy=False)
        self._cache[key] = codes
        self._cache[f"uniques:{key}"] = uniques


def map_uniques(codes: np.ndarray, uniques: np.ndarray, function) -> tuple[np.ndarray, np.ndarray]:
    """Apply ``function`` (value → hashable or None) once per distinct value; codes of the results per
    position of ``codes`` (``-1`` where the value is missing or ``function`` gives None), and the results."""
    mapped = pd.Series([function(u) for u in uniques], dtype=object)
    new_codes, new_uniques = pd.factorize(mapped)
    new_codes = np.r_[new_codes.astype(np.int64), -1]  # code -1 stays missing
    return new_codes[codes], np.asarray(new_uniques, dtype=object)


def _is_text(column: pd.Series) -> bool:
    """A pandas string column (not an object column that may hold other values)."""
    return pd.api.types.is_string_dtype(column) and column.dtype != object


_CJK_CHAR = re.compile(r"[\u3400-\u9fff]")


@dataclass(frozen=True)
class ComparisonLevel:
    """One outcome of a comparison with the default m/u used before (or without) training."""

    label: str
    m: float
    u: float
    fixed: bool = False
    """Keep m and u at their defaults: a hard negative must stay strongly negative whatever EM finds."""
    sign: int = 0
    """+1: agreement, never counted against a match; -1: disagreement, never counted for one."""
    max_m: float | None = None
    """The most EM may learn for m. EM on blocked pairs takes coincidences (two people born on one
    day in one district) for matches and would learn that their names may differ; a record
    written twice keeps a recognisable name, so a name's disagreement level is bounded."""


@dataclass(frozen=True)
class Comparison:
    """A field comparison: ``compute(columns, left, right)`` returns int8 levels (0 = unknown)."""

    name: str
    columns: tuple[str, ...]
    levels: tuple[ComparisonLevel, ...]
    compute: Callable[[FrameColumns, np.ndarray, np.ndarray], np.ndarray] = field(repr=False)
    display_column: str = ""
    """The column an explanation shows for each side (default: the first of ``columns``)."""
    tf_column: str = ""
    """Column whose value frequencies adjust the ``tf_levels`` (see :mod:`mdm.term_frequency`)."""
    tf_levels: tuple[str, ...] = ()
    """Agreement levels weighed by how rare the agreeing value is, the exact level first."""
    tf_rare_bonus: float | None = None
    """How many bits a rare value may weigh *more* than the level's learned weight (``None``: no
    limit; a common value always weighs less)."""
    tf_spelling_levels: tuple[str, ...] = ()
    """Of the ``tf_levels``, those on which the two values differ: a rare value weighs more only where
    each is a spelling of the other (see :mod:`mdm.term_frequency`), a common one always weighs less."""
    tf_level_columns: tuple[tuple[str, str], ...] = ()
    """Levels whose agreeing value is read from another column than ``tf_column``: an exact full
    name is as rare as the full name, not as its core (``深圳市华强商贸有限公司`` is unique even
    where the core ``华强商贸`` is common)."""
    tf_part_chance: Callable[[FrameColumns, np.ndarray, np.ndarray], np.ndarray] | None = field(
        default=None, repr=False
    )
    """Per pair ``(columns, left, right)`` the chance that another entity's record shares the parts
    of the value the two records agree on, from the frequencies of the parts counted apart (NaN
    where unknown). On the ``tf_part_levels`` it stands in for the value's own frequency and
    ``tf_rare_bonus`` no longer caps the weight: the parts say for themselves how common they are."""
    tf_part_levels: tuple[str, ...] = ()
    """Levels weighed by ``tf_part_chance``: ``log2(m / chance)`` where both sides have parts."""
    m_from_other_evidence: bool = False
    """EM learns m only from pairs that another field speaks for (see :func:`mdm.model.estimate_m_by_em`):
    where a person's name is all a list holds, EM cannot tell a person written twice from two
    people of one name, and the defaults stay."""

    m_from_several_fields: bool = False
    """On a file with several other fields that can agree, EM learns m only from pairs on which
    two of them agree (see :func:`mdm.model.estimate_m_by_em`): a person's birth date, national id
    and name, whose disagreements must not be learned from namesakes EM took for duplicates, and
    an organisation's phone, address and city, which must not be learned from a chain's branches."""

    seen_by_em: bool = True
    """False: EM leaves the comparison out (its level unknown to it), so m keeps its defaults and the
    comparison weighs only when pairs are scored (u is still read off random pairs). For evidence
    that EM cannot learn from a thin list without moving every other weight: a phone's area,
    known on few pairs, shifts which blocked pairs EM takes for duplicates and so the weight of
    each name level."""

    u_without_matches: bool = False
    """u leaves out the duplicates among random pairs once EM has learned the prior (see
    :func:`mdm.model.discount_matches_from_u`): a birth date or national id two random records
    share is a duplicate far more often than a name they share."""

    part_of_the_name: bool = False
    """Read from the company name (its region, its branch), so no witness besides the name when
    EM asks which pairs two fields agree on (see :func:`mdm.model.estimate_m_by_em`)."""

    exact_chance: Callable[[FrameColumns, np.ndarray, np.ndarray], float | None] | None = field(
        default=None, repr=False
    )
    """From random pairs ``(columns, left, right)``, the most u of the exact level may be: the
    product of the shares of random pairs that agree on each part of the value apart (``None``:
    too few pairs to say). On a list where every person is written several times, the random pairs
    that share a whole value are mostly one person's records, while those that share a part are
    mostly chance; so u read off the parts is near what two people show (see
    :func:`birth_date_parts_chance`)."""

    counted_levels: tuple[str, ...] = ()
    """Levels whose every pair blocking offers (a rule pairs all records that share the value, as the
    phone rule does for a number), so their u is counted off the candidate pairs the model takes for
    two entities instead of read off random pairs (see :func:`mdm.model.count_u_on_offered_levels`): a
    number two random records share turns up a handful of times among 150,000 random pairs, mostly
    one customer's two records, and u read off them swings tenfold between two draws."""

    shared_by_related_organisations: bool = False
    """Related organisations (sister companies, a branch and its head office) share this field
    without being one, so on a list that holds organisations its u is left as random pairs show
    it: taking duplicates out would make a shared value weigh more for two sisters too."""

    sites_apart_levels: tuple[str, ...] = ()
    """Levels on which two records may stand at two sites: the address ``different``, or ``somewhat`` (which
    holds another house number in one street). Many records of one name at many sites are the shops of a
    chain (美宜佳便利店 at twenty addresses) as often as one company written many times, so for a pair on such
    a level the name's own records do not vouch that the two are one (see
    :func:`mdm.term_frequency.tf_adjustments`). Not the phone: one company's phones differ more often than
    its addresses."""

    def tf_column_of(self, label: str) -> str:
        return dict(self.tf_level_columns).get(label, self.tf_column)

    @property
    def labels(self) -> list[str]:
        return ["unknown", *(lv.label for lv in self.levels)]

    def level_code(self, label: str) -> int:
        return self.labels.index(label)


def hard_negative(
    name: str,
    columns: tuple[str, ...],
    conflict: str,
    compute: Callable[[FrameColumns, np.ndarray, np.ndarray], np.ndarray],
    **options: Any,
) -> Comparison:
    """A comparison that only ever speaks against a match, its levels fixed, never learned: what such
    pairs share (an address, a phone) must not teach EM that they are duplicates. ``no_conflict`` weighs
    nothing; ``conflict`` about −25.5 bits, more than a shared phone, e-mail and address together, so the
    pair is never merged on them. ``compute`` returns 1 (no conflict), 2 (conflict) or 0 (not judged)."""
    return Comparison(
        name,
        columns,
        (
            ComparisonLevel("no_conflict", 1.0 - 1e-9, 0.95, fixed=True),
            ComparisonLevel(conflict, 1e-9, 0.05, fixed=True),
        ),
        compute,
        **options,
    )


def _pair(cols: FrameColumns, column: str, left: np.ndarray, right: np.ndarray):
    """Codes of ``column`` on both sides of each pair and whether both are known."""
    codes = cols.codes(column)
    a, b = codes[left], codes[right]
    return a, b, (a >= 0) & (b >= 0)


def same_value(cols: FrameColumns, column: str, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Per pair whether both records hold one value of ``column`` (False where the frame has no such column)."""
    if column not in cols:
        return np.zeros(len(left), dtype=bool)
    a, b, known = _pair(cols, column, left, right)
    return known & (a == b)


def _code_scores(
    uniques: np.ndarray,
    a: np.ndarray,
    b: np.ndarray,
    mask: np.ndarray,
    scorer,
    score_cutoff=None,
    fill: float = 0,
    dtype=np.float32,
) -> np.ndarray:
    """Score the pairs under ``mask`` given as value codes, each distinct pair of values once.

    Pairs of the same two values (a common name against a common name) are scored once and the
    score is mapped back. ``score_cutoff`` is passed to rapidfuzz (a similarity below it comes back
    as 0, a distance above it as cutoff + 1); callers set it a little below their lowest threshold,
    so a score exactly on a threshold is never lost to rounding.
    """
    out = np.full(len(a), fill, dtype=dtype)
    where, inverse, da, db = _distinct_pairs(a, b, mask, len(uniques))
    if len(where):
        out[where] = _cpdist(uniques, da, db, scorer, score_cutoff)[inverse]
    return out


def _pair_test(
    values: Any, a: np.ndarray, b: np.ndarray, mask: np.ndarray, test: Callable[[Any, Any], bool]
) -> np.ndarray:
    """Per pair under ``mask``, given as codes into ``values``, ``test`` of its two values (False
    elsewhere), asked once per distinct pair of values: the Python-level twin of :func:`_code_scores`."""
    out = np.zeros(len(a), dtype=bool)
    where, inverse, da, db = _distinct_pairs(a, b, mask, len(values))
    if len(where):
        found = np.fromiter(
            (test(values[x], values[y]) for x, y in zip(da.tolist(), db.tolist(), strict=True)),
            dtype=bool,
            count=len(da),
        )
        out[where] = found[inverse]
    return out


def _distinct_pairs(a: np.ndarray, b: np.ndarray, mask: np.ndarray, n_values: int):
    """Positions under ``mask``, for each its distinct pair, and the distinct pairs' two codes."""
    where = np.flatnonzero(mask)
    base = np.int64(n_values + 1)
    inverse, distinct = pd.factorize(a[where] * base + b[where])  # hashing: no sort of millions
    distinct = np.asarray(distinct, dtype=np.int64)
    return where, inverse, distinct // base, distinct % base


def _cpdist(uniques: np.ndarray, da: np.ndarray, db: np.ndarray, scorer, score_cutoff=None) -> np.ndarray:
    if len(da) == 0:
        return np.zeros(0, dtype=np.float32)
    return np.asarray(
        process.cpdist(
            uniques[da].tolist(), uniques[db].tolist(), scorer=scorer, score_cutoff=score_cutoff, workers=-1
        )
    )


_CODE_TOKEN = re.compile(r"[A-Z0-9][A-Z0-9\-/.]*[0-9][A-Z0-9\-/.]*|[0-9][A-Z0-9\-/.]*", re.IGNORECASE)


def _model_codes(text: str) -> frozenset[str]:
    """Tokens holding a digit (``DSC-W170R``, ``TH-50PZ85U``), without their punctuation."""
    return frozenset(
        t for t in (re.sub(r"[\-/.]", "", m).upper() for m in _CODE_TOKEN.findall(text)) if len(t) >= 3
    )


def codes_conflict(uniques: np.ndarray, da: np.ndarray, db: np.ndarray) -> np.ndarray:
    """Per distinct pair of values: both carry model or reference codes and none of one side's
    codes equals, contains or is contained in one of the other's (``DSC-W170R`` vs ``DSCW170`` agree;
    ``KX-TG4324B`` vs ``KX-TG4321B`` do not). Two such texts describe two products however alike the
    words around the codes are."""
    out = np.zeros(len(da), dtype=bool)
    for k, (x, y) in enumerate(zip(da, db, strict=True)):
        ca, cb = _model_codes(str(uniques[x])), _model_codes(str(uniques[y]))
        if ca and cb:
            out[k] = not any(p in q or q in p for p in ca for q in cb)
    return out


def _assign(known: np.ndarray, conditions: list[np.ndarray]) -> np.ndarray:
    """Level = 1 + index of the first true condition, restricted to known pairs; last level otherwise."""
    levels = np.full(len(known), len(conditions) + 1, dtype=np.int8)
    for code in range(len(conditions), 0, -1):
        levels[conditions[code - 1]] = code
    levels[~known] = UNKNOWN
    return levels


_DIVISION_SUFFIX = re.compile(r"(特别行政区|自治区|自治州|省|市|区|县)$")


def _strip_division_suffix(values: np.ndarray) -> np.ndarray:
    """``深圳市`` → ``深圳`` so a name region compares with or without its suffix (once per distinct value)."""
    codes, uniques = pd.factorize(pd.Series(values, dtype=object), use_na_sentinel=True)
    stripped = np.array([_DIVISION_SUFFIX.sub("", str(u)) for u in uniques] + [None], dtype=object)
    return stripped[codes]


# --- the comparisons -------------------------------------------------------------------------


LATIN_SPELLING_RATIO = 85
"""Edit similarity (0-100) two Latin names of several words need, beside a Jaro-Winkler score, to be
spellings of one name: ``ELECRONICS KONINK PHILIPS`` / ``ELECTRONCIS KONINK PHILIPS`` scores 96."""


def compare_company_name(cols: FrameColumns, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    a, b, known = _pair(cols, "name_core", left, right)
    ta, tb, tknown = _pair(cols, "name_trade", left, right)
    core_exact = known & (a == b)
    # Fuzzy scores only where needed: most candidate pairs are equal or clearly apart. Each
    # score is only compared with thresholds above its cutoff, so the cutoffs lose nothing.
    # All three scores are computed once per distinct pair of names.
    fuzzy = known & ~core_exact
    names = cols.uniques("name_core")
    where, inverse, da, db = _distinct_pairs(a, b, fuzzy, len(names))
    jw_d = _cpdist(names, da, db, JaroWinkler.normalized_similarity).astype(np.float32)
    has_space = cols.derived("name_core_has_space", lambda c: np.array([" " in v for v in names], dtype=bool))
    chinese = cols.derived(
        "name_core_is_chinese",
        lambda c: np.array([_CJK_CHAR.search(v) is not None for v in names], dtype=bool),
    )
    # Latin names of several words alike by Jaro-Winkler only through their first letters
    # (CAFFE REGGIO / CAFFE GRECO, OCEANA / OCEAN STAR): the prefix bonus, not a spelling.
    prefix_only = np.zeros(len(da), dtype=bool)
    latin_jw = np.flatnonzero((jw_d >= 0.92) & (has_space[da] | has_space[db]) & ~chinese[da] & ~chinese[db])
    prefix_only[latin_jw] = _cpdist(names, da[latin_jw], db[latin_jw], fuzz.ratio) < LATIN_SPELLING_RATIO
    token_set_d = np.zeros(len(da), dtype=np.float32)
    wordy = np.flatnonzero(((jw_d < 0.92) | prefix_only) & (has_space[da] | has_space[db]))
    token_set_d[wordy] = _cpdist(names, da[wordy], db[wordy], fuzz.token_set_ratio, score_cutoff=84)
    ratio_d = np.zeros(len(da), dtype=np.float32)
    low = np.flatnonzero(jw_d < 0.8)
    ratio_d[low] = _cpdist(names, da[low], db[low], fuzz.ratio, score_cutoff=69)
    jw = np.zeros(len(a), dtype=np.float32)
    token_set = np.zeros(len(a), dtype=np.float32)
    ratio = np.zeros(len(a), dtype=np.float32)
    jw[where], token_set[where], ratio[where] = jw_d[inverse], token_set_d[inverse], ratio_d[inverse]
    spelt = np.ones(len(a), dtype=bool)
    spelt[where] = ~prefix_only[inverse]
    # Names alike but for their model or reference numbers are two things, not one written twice.
    has_digit = cols.derived(
        "name_core_has_digit",
        lambda c: np.array([_DIGIT_RUNS.search(v) is not None for v in names], dtype=bool),
    )
    both = np.flatnonzero(has_digit[da] & has_digit[db])  # only names with numbers can disagree on them
    conflict_d = np.zeros(len(da), dtype=bool)
    conflict_d[both] = codes_conflict(names, da[both], db[both])
    code_conflict = np.zeros(len(a), dtype=bool)
    code_conflict[where] = conflict_d[inverse]
    jw[code_conflict], token_set[code_conflict], ratio[code_conflict] = 0, 0, 0
    full = cols.codes("name_normalised")
    exact = core_exact & (full[left] == full[right])
    close = known & (((jw >= 0.92) & spelt) | (token_set >= 95))
    # Same trade name, another industry word: a rewording (商贸/贸易) or a sister company.
    trade_only = known & tknown & (ta == tb)
    # 阜兴迈 / 广州市阜兴迈酒业有限公司: the trade name alone is the other's short form, weighed by how
    # rare the trade name is; one that two registered names write out fits either (trade_only).
    abbreviation = trade_only & _one_side_bare(cols, left, right)
    close &= ~abbreviation
    acronym = np.zeros(len(a), dtype=bool)
    acronym[where] = _acronym_pairs(cols, da, db)[inverse]
    somewhat = known & ((jw >= 0.8) | (ratio >= 70) | (token_set >= 85))
    # A Chinese name against a Latin one (an English or pinyin name) cannot disagree the way two
    # Chinese names do: its own levels, the pinyin of the two agreeing or not.
    chinese = np.r_[chinese, False]  # code -1 (missing) reads the last entry
    other_script = known & (chinese[a] != chinese[b])
    if "name_pinyin_key" in cols:
        # The Latin name may carry the English industry word the Chinese one spells in pinyin, or
        # the other way round: one key starting with the other (six letters or more) agrees.
        pa, pb, pknown = _pair(cols, "name_pinyin_key", left, right)
        keys = cols.uniques("name_pinyin_key")
        where_p, inverse_p, ka, kb = _distinct_pairs(pa, pb, other_script & pknown, len(keys))
        agree = np.array(
            [_same_start(str(keys[x]), str(keys[y])) for x, y in zip(ka, kb, strict=True)], dtype=bool
        )
        same_sound = np.zeros(len(left), dtype=bool)
        same_sound[where_p] = agree[inverse_p] if len(agree) else False
    else:
        same_sound = np.zeros(len(left), dtype=bool)
    # Shenzhen Huarun Trading beside 深圳华润商贸: the sound and the translated industry both agree.
    sound_and_industry = same_sound & _industries_agree(cols, left, right)
    homophone = known & ~core_exact & chinese[a] & chinese[b] & _sound_alike(cols, left, right)
    # 伟贵永 / 贵永: a Chinese trade name with a character more is another trade name (字号), not a
    # typo (a typo swaps a character); it is only somewhat alike.
    close &= ~(chinese[a] & chinese[b] & _trade_lengths_differ(cols, left, right))
    # 邦瑞湘 / 邦瑞祥: a spelling that is also the same sound is the stronger same_sound, not merely close.
    close &= ~homophone
    return _assign(
        known,
        [
            exact,
            core_exact,
            close,
            homophone,
            abbreviation,
            trade_only,
            acronym,
            somewhat,
            sound_and_industry,
            same_sound,
            other_script,
        ],
    )


def chinese_names(cols: FrameColumns) -> np.ndarray:
    """Per record whether its company name is written in Chinese characters."""

    def compute(c: FrameColumns) -> np.ndarray:
        names = c.uniques("name_normalised")
        chinese = np.array([_CJK_CHAR.search(str(v)) is not None for v in names] + [False], dtype=bool)
        return chinese[c.codes("name_normalised")]

    return cols.derived("name_is_chinese", compute)


def registered_names(cols: FrameColumns) -> np.ndarray:
    """Per record whether its name is a registered Chinese enterprise name: Chinese characters with a
    region, a trade name and a legal form (深圳市华强商贸有限公司, not 华强商贸 or 华强). One registration
    authority admits no second company of the name, so two records writing it alike are one company."""
    return cols.derived(
        "name_is_registered",
        lambda c: (
            chinese_names(c) & c.known("name_region") & c.known("name_trade") & c.known("name_legal_form")
        ),
    )


_LEGAL_FORM_SPELLINGS = {"有限责任公司": "有限公司", "集团有限责任公司": "集团有限公司"}
"""Legal forms one company may be written with: 有限公司 is 有限责任公司 as its certificate shortens it."""
_LATIN_LEGAL_WORDS = {"LIMITED": "LTD", "INCORPORATED": "INC", "CORPORATION": "CORP", "COMPANY": "CO"}
_LATIN_LEGAL_PHRASES = {"PUBLIC LTD CO": "PLC", "LTD LIABILITY CO": "LLC", "PRIVATE LTD": "PVT LTD"}
_NOT_A_WORD_CHARACTER = re.compile(r"[^\w\s]")


def legal_form_spelling(form: str) -> str:
    """One spelling of a legal form: ``LIMITED``, ``Ltd.`` and ``LTD`` are ``LTD``, ``N.V.`` is ``NV``,
    ``PUBLIC LIMITED COMPANY`` is ``PLC``, 有限责任公司 is 有限公司 (a registry counts them as one name)."""
    if form in _LEGAL_FORM_SPELLINGS:
        return _LEGAL_FORM_SPELLINGS[form]
    words = _NOT_A_WORD_CHARACTER.sub(" ", form.upper()).split()
    if not words or not words[0].isascii():
        return form
    spelt = " ".join(_LATIN_LEGAL_WORDS.get(w, w) for w in words)
    spelt = _LATIN_LEGAL_PHRASES.get(spelt, spelt)
    return spelt.replace(" ", "") if all(len(w) == 1 for w in words) else spelt


def _legal_form_spellings(cols: FrameColumns) -> np.ndarray:
    """Per record a code of its legal form's :func:`legal_form_spelling` (-1: none)."""
    return cols.derived(
        "name_legal_form_spelling",
        lambda c: map_uniques(c.codes("name_legal_form"), c.uniques("name_legal_form"), legal_form_spelling)[
            0
        ],
    )


def same_parsed_name(cols: FrameColumns, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Pairs of names that are one name written two ways: every part the same (region, trade name,
    industry word, branch) and the legal form spelt alike, each perhaps missing on both sides. The region
    first or in brackets (上海可口可乐饮料有限公司, 可口可乐饮料(上海)有限公司), 有限公司 for 有限责任公司,
    ``ACME LTD`` for ``ACME LIMITED`` (a registry counts them as one name)."""
    same = np.ones(len(left), dtype=bool)
    for column in ("name_region", "name_trade", "name_industry", "name_branch", "name_branch_region"):
        if column in cols:
            same &= cols.codes(column)[left] == cols.codes(column)[right]
    if "name_legal_form" in cols:
        forms = _legal_form_spellings(cols)
        same &= forms[left] == forms[right]
    return same


def latin_registered_names(cols: FrameColumns) -> np.ndarray:
    """Per record whether its name is a Latin company name with a trade name and a legal form
    (``ACME TRADING LTD``, not ``ACME``): registered once in its jurisdiction, though a list may hold
    companies of several, and an English rendering of a Chinese name may drop the city."""
    return cols.derived(
        "name_is_latin_registered",
        lambda c: ~chinese_names(c) & c.known("name_trade") & c.known("name_legal_form"),
    )


def _industry_concepts(cols: FrameColumns) -> np.ndarray:
    """Per record the concepts of its name's industry words, Chinese or English (``food|trade``)."""
    from cleansing.pinyin_names import chinese_industry_concepts, read_latin_rendering

    def latin(name: object) -> str | None:
        rendering = read_latin_rendering(name) if isinstance(name, str) and name.isascii() else None
        return rendering.industry if rendering is not None else None

    def chinese(industry: object) -> str | None:
        if isinstance(industry, str) and _CJK_CHAR.search(industry):
            return chinese_industry_concepts(industry)
        return None

    # Once per distinct name and per distinct industry word, code -1 (missing) reading the last entry.
    by_name = np.array([latin(v) for v in cols.uniques("name_normalised")] + [None], dtype=object)
    by_industry = np.array([chinese(v) for v in cols.uniques("name_industry")] + [None], dtype=object)
    found = by_industry[cols.codes("name_industry")]
    missing = np.array([v is None for v in found], dtype=bool)
    found[missing] = by_name[cols.codes("name_normalised")][missing]
    return found


def _industries_agree(cols: FrameColumns, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Pairs whose names' industry words mean the same (商贸 and TRADING), both known."""
    if "name_normalised" not in cols:
        return np.zeros(len(left), dtype=bool)
    codes = cols.derived_codes("name_industry_concepts", _industry_concepts)
    a, b = codes[left], codes[right]
    return (a >= 0) & (a == b)


def _one_side_bare(cols: FrameColumns, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Pairs of Chinese names where one side is its trade name alone (no industry word) and every
    record of the file that writes the trade name out holds one industry word in at most one region:
    a short form that fits one registered name only (``阜兴迈`` beside ``广州市阜兴迈酒业``, but not
    ``晖财`` beside ``晖财商业`` and ``晖财酒业``)."""
    if "name_industry" not in cols or "name_trade" not in cols:
        return np.zeros(len(left), dtype=bool)
    bare = cols.derived("name_bare_unambiguous_trade", _bare_unambiguous_trade)
    has_industry = cols.known("name_industry")
    return (bare[left] & has_industry[right]) | (bare[right] & has_industry[left])


def _bare_unambiguous_trade(cols: FrameColumns) -> np.ndarray:
    """Per record: a Chinese trade name without industry word that one registered name of the file owns."""
    trade, industry = cols.codes("name_trade"), cols.codes("name_industry")
    region = cols.derived_codes(
        "name_region_stripped", lambda c: _strip_division_suffix(c.values("name_region"))
    )
    n_trades = len(cols.uniques("name_trade"))
    written_out = (trade >= 0) & (industry >= 0)
    shared = np.zeros(n_trades + 1, dtype=bool)  # trade names two registered names write out
    for other in (industry, region):
        both = written_out & (other >= 0)
        base = np.int64(other.max(initial=0) + 1)
        distinct = np.unique(trade[both] * base + other[both])
        shared[:n_trades] |= np.bincount(distinct // base, minlength=n_trades) > 1
    chinese = np.array([_CJK_CHAR.search(str(v)) is not None for v in cols.uniques("name_trade")] + [False])
    return (trade >= 0) & (industry < 0) & chinese[trade] & ~shared[trade]


def _trade_lengths_differ(cols: FrameColumns, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Pairs whose trade names are both known and of different lengths."""
    if "name_trade" not in cols:
        return np.zeros(len(left), dtype=bool)
    length = cols.derived(
        "name_trade_length",
        lambda c: np.array([len(v) if v is not None else -1 for v in c.values("name_trade")], dtype=np.int32),
    )
    la, lb = length[left], length[right]
    return (la >= 0) & (lb >= 0) & (la != lb)


def _sound_alike(cols: FrameColumns, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Trade names that sound the same (恒丰越 / 恒峰越: one pinyin, a character typed for another
    that sounds like it) before the same industry word, or both without one."""
    if "name_pinyin_key" not in cols or "name_trade" not in cols:
        return np.zeros(len(left), dtype=bool)
    pa, pb, pknown = _pair(cols, "name_pinyin_key", left, right)
    ta, tb, _ = _pair(cols, "name_trade", left, right)
    same = pknown & (pa == pb) & (ta != tb)
    if "name_industry" in cols:
        ia, ib = cols.codes("name_industry")[left], cols.codes("name_industry")[right]
        same &= ia == ib
    return same


def _acronym_pairs(cols: FrameColumns, da: np.ndarray, db: np.ndarray) -> np.ndarray:
    """Distinct name pairs where one name is the initials of the other's words (``AP`` /
    ``ASHCROFT PLASTICS``); on its own weak evidence, with an agreeing address or phone enough."""

    def forms(c: FrameColumns) -> np.ndarray:
        names = c.uniques("name_core")
        initials = [
            "".join(w[0] for w in words) if len(words := str(v).split()) >= 2 and str(v).isascii() else None
            for v in names
        ]
        single = [
            str(v) if str(v).isascii() and str(v).isalpha() and 2 <= len(str(v)) <= 6 else None for v in names
        ]
        codes, _ = pd.factorize(pd.Series(initials + single, dtype=object), use_na_sentinel=True)
        return codes.reshape(2, len(names))

    if len(da) == 0:
        return np.zeros(0, dtype=bool)
    initials, single = cols.derived("name_core_acronym_forms", forms)
    one_way = (initials[da] >= 0) & (initials[da] == single[db])
    other_way = (initials[db] >= 0) & (initials[db] == single[da])
    return one_way | other_way


def _same_start(a: str, b: str) -> bool:
    shorter, longer = (a, b) if len(a) <= len(b) else (b, a)
    return len(shorter) >= 6 and longer.startswith(shorter)


NAME = Comparison(
    "company_name",
    ("name_normalised", "name_core"),
    (
        ComparisonLevel("exact", 0.55, 0.0005),
        ComparisonLevel("core_exact", 0.25, 0.001),
        ComparisonLevel("close", 0.12, 0.003),
        ComparisonLevel("same_sound", 0.03, 0.0002, sign=1),
        ComparisonLevel("abbreviation", 0.03, 0.0002, sign=1),
        ComparisonLevel("trade_name_only", 0.02, 0.002, fixed=True, sign=1),
        ComparisonLevel("acronym", 0.01, 0.0002, sign=1),
        ComparisonLevel("somewhat", 0.03, 0.03),
        # Two companies' Latin and Chinese names share a trade name's sound and an industry about as often
        # as two Chinese names do (same_sound) times the few pairs that cross scripts: far below what
        # 150,000 random pairs can count (one duplicate among them reads as 7e-6), so the level keeps its
        # default; m stays small, English names being rare.
        ComparisonLevel("same_pinyin_and_industry", 0.02, 1e-7, fixed=True, sign=1),
        ComparisonLevel("same_pinyin", 0.02, 0.0005, sign=1),
        ComparisonLevel("other_script", 0.05, 0.01),
        ComparisonLevel("different", 0.02, 0.955, max_m=0.1),
    ),
    compare_company_name,
    "name_normalised",
    tf_column="name_core",
    tf_level_columns=(("exact", "name_normalised"), ("abbreviation", "name_trade")),
    tf_levels=("exact", "core_exact", "close", "same_sound", "abbreviation"),
    tf_spelling_levels=("close",),
)


def trusted_name_region(cols: FrameColumns) -> np.ndarray:
    """The name's region where nothing contradicts it, else ``None``.

    A region the record's own province, city and district all contradict is more likely a trade
    name that looks like a place (``山东便利店`` in 宁波) than a second registration, so it is
    not used as evidence. Unknown divisions contradict nothing.
    """
    region = _strip_division_suffix(cols.values("name_region"))
    agrees = np.zeros(len(region), dtype=bool)
    any_division = np.zeros(len(region), dtype=bool)
    for column in ("province", "city", "district"):
        division = _strip_division_suffix(cols.values(column))
        known = np.not_equal(division, None)  # type: ignore[call-overload]  # numpy's stubs refuse None, which numpy takes as an object value
        any_division |= known
        agrees |= known & (division == region)
    keep = np.not_equal(region, None) & (agrees | ~any_division)  # type: ignore[call-overload]  # numpy's stubs refuse None, which numpy takes as an object value
    return np.where(keep, region, None)  # type: ignore[call-overload]  # numpy's stubs refuse None, which numpy takes as an object value


def compare_name_region(cols: FrameColumns, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    region = cols.derived_codes("trusted_name_region", trusted_name_region)
    a, b = region[left], region[right]
    known = (a >= 0) & (b >= 0)
    return _assign(known, [known & (a == b)])


NAME_REGION = Comparison(
    "name_region",
    ("name_region",),
    # Agreement is weak (the location comparison already counts the city); disagreement is a
    # hard negative: 深圳X商贸 and 上海X商贸 are different legal entities.
    (ComparisonLevel("same", 0.99, 0.5, fixed=True), ComparisonLevel("different", 0.005, 0.5, fixed=True)),
    compare_name_region,
    part_of_the_name=True,
)


def _branch_flag(cols: FrameColumns) -> np.ndarray:
    """Per record 1 (a branch), 0 (a head office) or -1 (unknown: no flag or no name)."""
    is_branch = pd.array(cols.values("name_is_branch"), dtype="boolean")
    flag = np.where(is_branch.fillna(False).to_numpy(dtype=bool), 1, 0).astype(np.int8)
    flag[np.asarray(is_branch.isna(), dtype=bool) | ~cols.known("name_normalised")] = -1
    return flag


def compare_branch(cols: FrameColumns, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Head office vs head office, same branch, branch vs head office, two different branches."""
    flag = cols.derived("branch_flag", _branch_flag)
    fa, fb = flag[left], flag[right]
    known = (fa >= 0) & (fb >= 0)
    ba, bb = fa == 1, fb == 1
    branch_region = cols.derived_codes(
        "branch_region_stripped", lambda c: _strip_division_suffix(c.values("name_branch_region"))
    )
    ra, rb = branch_region[left], branch_region[right]
    both_heads = ~ba & ~bb
    both_branches = ba & bb
    same_region = (ra == rb) | (ra < 0) | (rb < 0)
    return _assign(known, [both_heads, both_branches & same_region, ba != bb])


BRANCH = Comparison(
    "branch",
    ("name_is_branch", "name_branch_region"),
    (
        ComparisonLevel("both_head_office", 0.95, 0.9),
        ComparisonLevel("same_branch", 0.05, 0.01),
        ComparisonLevel("branch_vs_head_office", 0.001, 0.08, fixed=True),
        ComparisonLevel("different_branches", 0.001, 0.01, fixed=True),
    ),
    compare_branch,
    part_of_the_name=True,
)


def _uscc_flags(cols: FrameColumns) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per record whether its USCC is usable, valid, and a legacy organisation code, read from its
    status (kept as three masks: the status as fixed-width text would cost a million wide strings)."""
    status = cols.values("uscc_status").astype(str)
    usable = np.isin(status, _USABLE_USCC) & (cols.codes("uscc") >= 0)
    return usable, status == "valid", status == "legacy_organisation_code"


def compare_uscc(cols: FrameColumns, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Equal valid codes; equal unverified codes; one-character typos; two different valid codes."""
    code = cols.codes("uscc")
    usable, valid, legacy = cols.derived("uscc_flags", _uscc_flags)
    a, b = code[left], code[right]
    known = usable[left] & usable[right]
    # A legacy 9-character organisation code is positions 9–17 of the USCC that replaced it.
    key = cols.derived_codes(
        "organisation_code",
        lambda c: np.array(
            [v[8:17] if isinstance(v, str) and len(v) == 18 else v for v in c.values("uscc")], dtype=object
        ),
    )
    org_a, org_b = key[left], key[right]
    via_org = known & (legacy[left] | legacy[right]) & (org_a == org_b)
    equal = known & (a == b)
    both_valid = valid[left] & valid[right]
    # Edit distance only where it decides the level: unequal codes, not both valid.
    typo_candidates = known & ~equal & ~both_valid
    dist = _code_scores(
        cols.uniques("uscc"),
        a,
        b,
        typo_candidates,
        Levenshtein.distance,
        score_cutoff=1,
        fill=99,
        dtype=np.int32,
    )
    return _assign(
        known,
        [equal & both_valid, equal | via_org, known & ~both_valid & (dist <= 1), known & both_valid],
    )


USCC = Comparison(
    "uscc",
    ("uscc", "uscc_status"),
    (
        ComparisonLevel("exact_valid", 0.8, 0.00001),
        ComparisonLevel("exact_unverified", 0.1, 0.00005),
        ComparisonLevel("one_character_apart", 0.08, 0.0001),
        ComparisonLevel("different_valid", 0.0005, 0.95, fixed=True),
        ComparisonLevel("different", 0.003, 0.04984, fixed=True),
    ),
    compare_uscc,
)


def _phone_flags(cols: FrameColumns) -> tuple[np.ndarray, np.ndarray]:
    """Per record whether its phone is usable (a mobile, landline or toll-free number), and toll-free."""
    kind = cols.values("phone_kind").astype(str)
    usable = np.isin(kind, ("mobile", "landline", "toll_free")) & (cols.codes("phone_e164") >= 0)
    return usable, kind == "toll_free"


SHARED_NUMBER_NAMES = 8
"""More names than this writing one phone number or e-mail address make it one many parties share (a
clerk's placeholder 13800000000, a business centre's switchboard), not one party's; as for a mailbox
name (:data:`SHARED_MAILBOX_NAME`)."""


def _written_by_many(cols: FrameColumns, column: str) -> np.ndarray:
    """Per record whether more than :data:`SHARED_NUMBER_NAMES` distinct names write its value of
    ``column`` (a phone number, an e-mail address)."""
    value = cols.codes(column)
    core = cols.codes("name_core") if "name_core" in cols else np.full(len(value), -1)
    person = cols.codes("person_name") if "person_name" in cols else np.full(len(value), -1)
    name = np.where(core >= 0, core, np.where(person >= 0, person + int(core.max(initial=-1)) + 1, -1))
    rows = np.flatnonzero((value >= 0) & (name >= 0))
    if len(rows) == 0:
        return np.zeros(len(value), dtype=bool)
    base = int(name.max()) + 1
    pairs = np.unique(value[rows].astype(np.int64) * base + name[rows])
    names_per_value = np.bincount(pairs // base, minlength=int(value.max()) + 1)
    return (value >= 0) & (names_per_value[np.maximum(value, 0)] > SHARED_NUMBER_NAMES)


def compare_contact(cols: FrameColumns, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Phone and e-mail as one comparison: a parent and its subsidiary often share both, so
    counting them as independent evidence would add their weights twice."""
    phone = cols.codes("phone_e164")
    usable, is_toll_free = cols.derived("phone_flags", _phone_flags)
    pa, pb = phone[left], phone[right]
    phone_known = usable[left] & usable[right]
    phone_equal = phone_known & (pa == pb)
    if several_phone_numbers(cols).any():
        # One record shows the mobile and the landline, the other the landline only: one number shared.
        shared = _numbers_shared(cols, left, right, phone_known & ~phone_equal)
        phone_equal |= shared
        phone_known |= shared
    toll_free = is_toll_free[left]
    # 13800000000 written by a hundred customers, a business centre's switchboard: a number many names
    # write says nothing of which party a record is.
    many = cols.derived("phone_shared_by_many", lambda c: _written_by_many(c, "phone_e164"))[left]
    ea, eb, email_known = _pair(cols, "email_normalised", left, right)
    # 123456@qq.com or a shop's mailbox given for every customer: no one party's address either.
    email_shared = cols.derived("email_shared_by_many", lambda c: _written_by_many(c, "email_normalised"))
    same_email = email_known & (ea == eb)
    email_equal = same_email & ~email_shared[left]
    known = phone_known | email_known
    return _assign(
        known,
        [
            phone_equal & ~toll_free & ~many & email_equal,
            phone_equal & ~toll_free & ~many,
            email_equal,
            phone_equal & toll_free,
            phone_equal | same_email,
            _emails_typed_apart(cols, ea, eb, email_known & ~same_email),
        ],
    )


def compare_phone_area(cols: FrameColumns, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Where two records' phone numbers differ, whether they are dialled in one area (0755 / 0755,
    Manhattan / Manhattan) or in two; unknown where the numbers agree, either names no area (a
    Chinese mobile), or both records write where they are (:func:`place_written`: the comparisons of
    the address, the city and the name's region say so already, and the area would count it twice)."""
    phone = cols.codes("phone_e164")
    usable, _ = cols.derived("phone_flags", _phone_flags)
    area = cols.derived("phone_area", _phone_areas)
    aa, ab = area[left], area[right]
    known = usable[left] & usable[right] & (phone[left] != phone[right]) & (aa >= 0) & (ab >= 0)
    written = cols.derived("place_written", place_written)
    known &= ~(written[left] & written[right])
    if several_phone_numbers(cols).any():
        known &= ~_numbers_shared(cols, left, right, known)
    return _assign(known, [aa == ab])


def place_written(cols: FrameColumns) -> np.ndarray:
    """Per record whether it says where it is: an address, a city, a postcode, or a region its company
    name opens with (``武汉市鸿波商贸有限公司``)."""
    out = np.zeros(len(cols.frame), dtype=bool)
    for column in ("address_detail", "city", "district", "postcode"):
        if column in cols:
            out |= cols.known(column)
    if "name_region" in cols:
        out |= cols.derived_codes("trusted_name_region", trusted_name_region) >= 0
    return out


def _phone_areas(cols: FrameColumns) -> np.ndarray:
    """Per record a code of the area its phone is dialled in (:func:`cleansing.phones.phone_area`; -1:
    none), read once per distinct number."""
    from cleansing.phones import phone_area

    return map_uniques(cols.codes("phone_e164"), cols.uniques("phone_e164"), phone_area)[0]


def phone_number_sets(cols: FrameColumns) -> tuple[np.ndarray, list[frozenset[str]]]:
    """Per record a code (``-1``: no number) of the set of its phone numbers, the first and those its cell
    writes after it (:data:`OTHER_PHONES_COLUMN`), and the distinct sets."""
    from mdm.roles import SEPARATOR

    def numbers(c: FrameColumns) -> np.ndarray:
        first = c.values("phone_e164")
        others = c.values(OTHER_PHONES_COLUMN) if OTHER_PHONES_COLUMN in c else [None] * len(first)
        return np.array(
            [
                None if f is None and o is None else SEPARATOR.join(str(v) for v in (f, o) if v is not None)
                for f, o in zip(first, others, strict=True)
            ],
            dtype=object,
        )

    codes = cols.derived_codes("phone_numbers", numbers)
    sets = cols.derived(
        "phone_number_sets",
        lambda c: [frozenset(str(v).split(SEPARATOR)) for v in c.derived_uniques("phone_numbers")],
    )
    return codes, sets


def several_phone_numbers(cols: FrameColumns) -> np.ndarray:
    """Per record whether its phone cell writes more than one number."""
    if OTHER_PHONES_COLUMN not in cols:
        return np.zeros(len(cols.frame), dtype=bool)
    return cols.known(OTHER_PHONES_COLUMN)


def _numbers_shared(cols: FrameColumns, left: np.ndarray, right: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Per pair under ``mask`` whether the two records hold a phone number in common, counting the
    numbers a cell writes after its first (:data:`OTHER_PHONES_COLUMN`)."""
    codes, sets = phone_number_sets(cols)
    several = several_phone_numbers(cols)
    mask = mask & (several[left] | several[right])
    return _pair_test(sets, codes[left], codes[right], mask, lambda x, y: bool(x & y))


SHARED_MAILBOX_NAME = 8
"""More records than this writing one mailbox name (``sales``, ``info``) make it a role's, not one party's."""
MIN_TYPED_PART = 5
"""Characters a mailbox name or domain needs before a letter of it can be a typo rather than another one."""
MAX_TYPOS = 2
"""The most edits a slip in one part of an address may make (:func:`_typos_allowed`)."""
_DIGIT_RUNS = re.compile(r"[0-9]+")


def _typos_allowed(letters: int) -> int:
    """Edits a part of an address may carry and still be the same: one, two from eight letters."""
    return 2 if letters >= 8 else 1


def _typed_as(x: str, y: str, distance: int) -> bool:
    """Whether ``y`` is ``x`` typed with a slip (``distance`` edits apart, at most two). A slip changes
    letters or digits, not both: ``evied62`` / ``evieed62`` and ``miller-torres`` / ``miller-t2orres``
    are slips, ``jinchang390`` / ``junchang360`` another person, and another number in a number's
    place (``sales1`` / ``sales2``, ``li.wei82`` / ``li.wei83``) another mailbox."""
    xs, ys = _DIGIT_RUNS.findall(x), _DIGIT_RUNS.findall(y)
    letters_x, letters_y = _DIGIT_RUNS.sub("", x), _DIGIT_RUNS.sub("", y)
    if xs == ys:
        return distance <= _typos_allowed(min(len(letters_x), len(letters_y)))
    return letters_x == letters_y and len(xs) != len(ys)


@dataclass(frozen=True)
class _MailboxParts:
    """Per distinct address the codes of its mailbox name and domain, and the distinct texts of each."""

    name: np.ndarray
    names: np.ndarray
    domain: np.ndarray
    domains: np.ndarray
    shared_name: np.ndarray
    """Per mailbox name whether more than :data:`SHARED_MAILBOX_NAME` records write it."""


def _mailbox_parts(cols: FrameColumns) -> _MailboxParts:
    halves = [str(u).partition("@") for u in cols.uniques("email_normalised")]
    name, names = pd.factorize(pd.Series([h[0] for h in halves], dtype=object))
    domain, domains = pd.factorize(pd.Series([h[2] for h in halves], dtype=object))
    codes = cols.codes("email_normalised")
    records = np.bincount(name[codes[codes >= 0]], minlength=len(names))
    return _MailboxParts(
        name,
        np.asarray(names, dtype=object),
        domain,
        np.asarray(domains, dtype=object),
        records > SHARED_MAILBOX_NAME,
    )


def _typed_apart(texts: np.ndarray, a: np.ndarray, b: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Per pair under ``mask`` whether two different texts (codes into ``texts``), each at least
    :data:`MIN_TYPED_PART` long, are one typed with a slip (:func:`_typed_as`)."""
    if not mask.any():
        return np.zeros(len(a), dtype=bool)
    length = np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts))
    la, lb = length[np.where(mask, a, 0)], length[np.where(mask, b, 0)]
    mask = mask & (np.minimum(la, lb) >= MIN_TYPED_PART) & (np.abs(la - lb) <= MAX_TYPOS)
    distance = _code_scores(
        texts, a, b, mask, Levenshtein.distance, score_cutoff=MAX_TYPOS, fill=MAX_TYPOS + 1, dtype=np.int32
    )
    typo = distance <= MAX_TYPOS
    for k in np.flatnonzero(typo):  # few pairs: the edits are rare
        typo[k] = _typed_as(texts[a[k]], texts[b[k]], int(distance[k]))
    return typo


def _emails_typed_apart(cols: FrameColumns, a: np.ndarray, b: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Per pair of different addresses whether they are one mailbox written with a typo: the mailbox
    name mistyped at one domain (``evied62@bishop.info`` / ``evieed62@bishop.info``), or the domain
    mistyped under one mailbox name that few records write (``fb@reese.com`` / ``fb@reose.cem``;
    ``sales@xinshan.com.cn`` / ``sales@xinshang.com.cn`` are two companies)."""
    if not mask.any():
        return np.zeros(len(a), dtype=bool)
    parts = cols.derived("mailbox_parts", _mailbox_parts)
    sa, sb = np.where(mask, a, 0), np.where(mask, b, 0)
    name_a, name_b = parts.name[sa], parts.name[sb]
    domain_a, domain_b = parts.domain[sa], parts.domain[sb]
    in_name = mask & (domain_a == domain_b)
    in_domain = mask & (name_a == name_b) & ~parts.shared_name[name_a]
    return _typed_apart(parts.names, name_a, name_b, in_name) | _typed_apart(
        parts.domains, domain_a, domain_b, in_domain
    )


CONTACT = Comparison(
    "contact",
    ("phone_e164", "email_normalised"),
    (
        ComparisonLevel("phone_and_email_exact", 0.45, 0.00002),
        ComparisonLevel("phone_exact", 0.3, 0.0002),
        ComparisonLevel("email_exact", 0.1, 0.0001),
        ComparisonLevel("toll_free_exact", 0.02, 0.0005),
        # A number or address many names write. Fixed at no weight: on a file where a hundred records
        # write 13800000000, random pairs agree on it often enough, and EM would still count it for something.
        ComparisonLevel("shared_contact", 0.01, 0.01, fixed=True),
        ComparisonLevel("email_typed_apart", 0.03, 0.0001),
        ComparisonLevel("different", 0.10, 0.99918),
    ),
    compare_contact,
    m_from_several_fields=True,
    # The phone rule offers every two records that share a number (a number more records write than a
    # block holds is far past `shared_contact`, a fixed level of its own).
    counted_levels=("phone_and_email_exact", "phone_exact"),
)


PHONE_AREA = Comparison(
    "phone_area",
    ("phone_e164",),
    (
        # Where neither record writes a place, the area is where the two are: another line in one
        # area speaks for a match as far as the file's random pairs rarely share an area (two partners
        # of one city), and says little on a list of a few cities.
        ComparisonLevel("same_area", 0.95, 0.25),
        # Two places: of a record written twice whose numbers differ, few write them in two areas (a
        # business that moved; generated partners: 9 of 428 such duplicate pairs), while most random
        # pairs do. m stays at this default: EM on a list of names and phones takes a chain's restaurants
        # in several cities for duplicates and would learn otherwise.
        ComparisonLevel("different_area", 0.05, 0.75),
    ),
    compare_phone_area,
    seen_by_em=False,
)


def compare_address(cols: FrameColumns, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    a, b, known = _pair(cols, "address_detail", left, right)
    da, db, dknown = _pair(cols, "district", left, right)
    other_district = dknown & (da != db)
    equal = known & (a == b)
    # Another district decides the level whatever the ratio; 75 is the lowest threshold.
    ratio = _code_scores(
        cols.uniques("address_detail"), a, b, known & ~equal & ~other_district, fuzz.ratio, score_cutoff=74
    )
    ratio[equal] = 100
    exact = equal & ~other_district
    close = known & (ratio >= 90) & ~other_district
    somewhat = known & ~other_district
    rest = somewhat & (ratio < 75)
    begins = _one_begins_the_other(cols, a, b, rest)
    # A Latin address is read as its words too (codes -1 where an address is not Latin).
    wa, wb, latin = _latin_address_words_of(cols, left, right)
    somewhat &= (ratio >= 75) | begins | _one_house_in_words(cols, wa, wb, rest & ~begins & latin)
    # A Latin address written with other abbreviations (854 Seventh Avenue / 854 7th Ave.) is the same address.
    same_words = known & ~exact & ~other_district & latin & (wa == wb)
    # One house number in one street, one of the two writing more after it (a building, a floor), is one
    # house written two ways (文化路1938号 / 文化路1938号岸傲大厦8楼, 854 7th Ave. / 854 Seventh Ave. between 54th
    # and 55th Sts.). Another number in one street, however alike the two read (建安一路188号 / 288号), is
    # another house (two shops of one chain) or a number mistyped: at most somewhat. (Both happen: two
    # guides write one restaurant at 3201 and 3127 Fillmore St.)
    one_house, other_house = _houses_in_one_street(
        cols, wa, wb, latin, a, b, known & ~exact & ~other_district & ~same_words
    )
    close = (close & ~other_house) | one_house
    return _assign(known, [exact | same_words, close, somewhat])


@dataclass(frozen=True)
class _StreetReadings:
    """Per distinct address codes of its house (number and street) and of its street (-1 where none is
    read; the last entry for a missing address), and how to tell one house written two ways: a Latin
    address's reading (:class:`cleansing.addresses.StreetAddress`) for
    :func:`cleansing.addresses.one_street_address`, or a Chinese one's code of what follows the number
    (-1: nothing), one house where one writes nothing more or both the same."""

    house: np.ndarray
    street: np.ndarray
    streets: list | None = None
    rest: np.ndarray | None = None


def _codes_of(values: Iterable[object]) -> np.ndarray:
    codes, _ = pd.factorize(pd.Series(list(values), dtype=object))
    return np.r_[codes, -1]


def _latin_streets(cols: FrameColumns) -> _StreetReadings:
    from cleansing.addresses import street_address

    streets = [street_address(str(words)) for words in cols.uniques(ADDRESS_WORDS_COLUMN)]
    return _StreetReadings(
        _codes_of(s.house if s else None for s in streets),
        _codes_of(s.street if s else None for s in streets),
        streets=streets,
    )


def _chinese_streets(cols: FrameColumns) -> _StreetReadings:
    from cleansing.addresses import chinese_street_addresses

    read = chinese_street_addresses(pd.Series(cols.uniques("address_detail"), dtype=object))
    house = read["road"] + " " + read["number"]
    return _StreetReadings(_codes_of(house), _codes_of(read["road"]), rest=_codes_of(read["rest"]))


def _houses(
    readings: _StreetReadings, x: np.ndarray, y: np.ndarray, mask: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Per pair under ``mask`` (codes into ``readings``) whether the two are one house written two ways,
    and whether they are two numbers in one street."""
    from cleansing.addresses import one_street_address

    in_one_street = mask & (x != y) & (readings.street[x] >= 0) & (readings.street[x] == readings.street[y])
    same_number = in_one_street & (readings.house[x] == readings.house[y])
    if readings.streets is not None:
        one = _pair_test(readings.streets, x, y, same_number, one_street_address)
    else:
        assert readings.rest is not None
        rx, ry = readings.rest[x], readings.rest[y]
        one = same_number & ((rx < 0) | (ry < 0) | (rx == ry))
    return one, in_one_street & ~same_number


def _houses_in_one_street(
    cols: FrameColumns,
    wa: np.ndarray,
    wb: np.ndarray,
    latin: np.ndarray,
    a: np.ndarray,
    b: np.ndarray,
    mask: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Per pair under ``mask`` whether its addresses are one house written two ways, and whether two house
    numbers in one street: pairs of two ``latin`` addresses read as their words (``wa``, ``wb``: codes of
    the words; :func:`cleansing.addresses.street_address`), the others as their Chinese street part (``a``,
    ``b``: codes of ``address_detail``; :func:`cleansing.addresses.chinese_street_addresses`)."""
    one = np.zeros(len(a), dtype=bool)
    other = np.zeros(len(a), dtype=bool)
    for name, read, x, y, under in (
        ("address_latin_streets", _latin_streets, wa, wb, mask & latin),
        ("address_chinese_streets", _chinese_streets, a, b, mask & ~latin),
    ):
        if under.any():
            found_one, found_other = _houses(cols.derived(name, read), x, y, under)
            one, other = one | found_one, other | found_other
    return one, other


MIN_ADDRESS_BEGINNING = 10
"""Characters an address must have to be recognised as the beginning of a longer one."""


def _one_begins_the_other(cols: FrameColumns, a: np.ndarray, b: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Per pair whether one address is the other's beginning, the rest left out (``26 groom street``
    / ``26 groom street binbimbie``): a source that drops the locality line writes less, not another
    address. Short beginnings (a house number alone) say nothing."""
    uniques = cols.uniques("address_detail")
    # Most pairs are ruled out by their lengths alone, without reading the texts.
    long_enough = cols.derived(  # code -1 (missing) reads the last entry
        "address_detail_long_enough",
        lambda c: np.array([len(str(u)) >= MIN_ADDRESS_BEGINNING for u in uniques] + [False], dtype=bool),
    )
    mask = mask & long_enough[a] & long_enough[b]
    return _pair_test(
        uniques, a, b, mask, lambda x, y: str(x).startswith(str(y)) or str(y).startswith(str(x))
    )


OTHER_PHONES_COLUMN = "phone_others"
"""The numbers a phone cell writes after its first, as E.164 (:func:`cleansing.phones.other_phone_numbers`)."""
ADDRESS_WORDS_COLUMN = "address_words"
"""A Latin address as its words (:func:`cleansing.addresses.latin_address_words`)."""
COMMON_ADDRESS_WORD_SHARE = 0.01
COMMON_ADDRESS_WORD_RECORDS = 3
"""A word of more than this share of a file's Latin addresses, and of at least this many records,
says nothing of which house: ``STREET``, ``ROAD``, a suburb's name."""
SAME_WORD_RATIO = 80
"""Two words this alike are one written with a slip (``ELENERA`` / ``ELENSRA``, ``PLACE`` / ``PACE``)."""


def _common_address_words(cols: FrameColumns) -> frozenset[str]:
    """The words :data:`COMMON_ADDRESS_WORD_SHARE` of the file's Latin addresses hold."""
    codes = cols.codes(ADDRESS_WORDS_COLUMN)
    per_value = np.bincount(codes[codes >= 0], minlength=len(cols.uniques(ADDRESS_WORDS_COLUMN)))
    held: dict[str, int] = {}
    for text, count in zip(map(str, cols.uniques(ADDRESS_WORDS_COLUMN)), per_value, strict=True):
        for word in set(text.split()):
            held[word] = held.get(word, 0) + int(count)
    floor = max(COMMON_ADDRESS_WORD_RECORDS, COMMON_ADDRESS_WORD_SHARE * int((codes >= 0).sum()))
    return frozenset(word for word, count in held.items() if count >= floor)


def _numbers_of(words: list[str]) -> set[str]:
    return {w for w in words if any(ch.isdigit() for ch in w)}


def one_house_in_words(x: str, y: str, common: frozenset[str]) -> bool:
    """Whether two Latin addresses (their words) name one house with a line dropped, added or mistyped
    (``95 JARDINE STREET BANKSIA`` / ``95 JARDINE STREET TUDOR``, ``37 ELENSRA`` / ``37 PORT JACKSON
    CIRCUIT ELENERA``): the house numbers of one are all in the other, and at least half the words of
    the one with fewer words are in the other as written or with a slip, one of them a word few
    addresses of the file hold (``common``), not a street type."""
    wx, wy = x.split(), y.split()
    nx, ny = _numbers_of(wx), _numbers_of(wy)
    if not nx or not ny or not (nx <= ny or ny <= nx):
        return False
    lx = [w for w in wx if w.isalpha() and len(w) >= 3]
    ly = [w for w in wy if w.isalpha() and len(w) >= 3]
    short, other = (lx, ly) if len(lx) <= len(ly) else (ly, lx)
    matched, telling = 0, False
    for word in short:
        found = next((v for v in other if v == word or fuzz.ratio(word, v) >= SAME_WORD_RATIO), None)
        if found is not None:
            matched += 1
            telling |= word not in common and found not in common
    return telling and 2 * matched >= len(short)


def _latin_address_words_of(
    cols: FrameColumns, left: np.ndarray, right: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Codes of both sides' Latin address words (:func:`cleansing.addresses.latin_address_words`; -1 for
    an address that is not Latin) and whether both are Latin."""
    if ADDRESS_WORDS_COLUMN not in cols:
        none = np.full(len(left), -1, dtype=np.int64)
        return none, none, np.zeros(len(left), dtype=bool)
    return _pair(cols, ADDRESS_WORDS_COLUMN, left, right)


def _one_house_in_words(cols: FrameColumns, wa: np.ndarray, wb: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """:func:`one_house_in_words` per pair under ``mask`` (two Latin addresses, ``wa``, ``wb``: codes of
    their words)."""
    if not mask.any():
        return mask
    common = cols.derived("address_common_words", _common_address_words)
    words = cols.uniques(ADDRESS_WORDS_COLUMN)
    return _pair_test(words, wa, wb, mask, lambda x, y: one_house_in_words(str(x), str(y), common))


ADDRESS = Comparison(
    "address",
    ("district", "address_detail"),
    (
        ComparisonLevel("exact", 0.6, 0.0005),
        ComparisonLevel("close", 0.2, 0.001),
        ComparisonLevel("somewhat", 0.1, 0.01),
        ComparisonLevel("different", 0.1, 0.9885),
    ),
    compare_address,
    "address_detail",
    u_without_matches=True,
    shared_by_related_organisations=True,
    m_from_several_fields=True,
    sites_apart_levels=("somewhat", "different"),
)


def _latin_cities(cols: FrameColumns) -> np.ndarray:
    """Per distinct city whether it is written in Latin letters (a Chinese city is read from the
    division table, so a typo in it never reaches the comparison)."""
    return np.array([not _CJK_CHAR.search(str(v)) for v in cols.uniques("city")], dtype=bool)


def compare_location(cols: FrameColumns, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """One comparison for where a record is, so city, district and postcode are not counted thrice.

    A Latin city name one typo away (``SMITHFIELD`` / ``SMITHIFELD``, ``LONDON`` / ``LONDN``) or,
    where the cities are unknown, a postcode one typo away (a digit wrong or two neighbours swapped:
    ``2615`` / ``2651``) is ``close``, and so are two Latin cities at one postcode (one of them is wrong),
    weighed by the file like every level."""
    ca, cb, city_known = _pair(cols, "city", left, right)
    da, db, district_known = _pair(cols, "district", left, right)
    pa, pb, postcode_known = _pair(cols, "postcode", left, right)
    same_city = city_known & (ca == cb)
    same_district = same_city & district_known & (da == db)
    same_postcode = ~city_known & postcode_known & (pa == pb)
    latin = cols.derived("city_is_latin", _latin_cities)
    fuzzy = city_known & ~same_city
    fuzzy[fuzzy] = latin[ca[fuzzy]] & latin[cb[fuzzy]]
    jw = _code_scores(
        cols.uniques("city"), ca, cb, fuzzy, JaroWinkler.normalized_similarity, score_cutoff=0.89
    )
    postcode_typo = ~city_known & postcode_known & (pa != pb)
    postcode_apart = _code_scores(
        cols.uniques("postcode"), pa, pb, postcode_typo, OSA.distance, score_cutoff=1, fill=99, dtype=np.int32
    )
    # Two typed cities at one postcode: one of the two records has the wrong city (or suburb).
    city_against_postcode = fuzzy & postcode_known & (pa == pb)
    close = (fuzzy & (jw >= 0.9)) | (postcode_typo & (postcode_apart <= 1)) | city_against_postcode
    known = city_known | postcode_known
    return _assign(known, [same_district, same_city | same_postcode, close, city_known & (ca != cb)])


LOCATION = Comparison(
    "location",
    ("city", "district", "postcode"),
    (
        ComparisonLevel("same_district", 0.85, 0.01),
        ComparisonLevel("same_city", 0.12, 0.05),
        ComparisonLevel("close", 0.01, 0.001),
        ComparisonLevel("different_city", 0.02, 0.9),
        # A person moves, but most of a list's duplicates keep their postcode; EM on a name-and-postcode
        # list, taking namesakes elsewhere for duplicates, would learn otherwise (0.58 where FEBRL has 0.04).
        ComparisonLevel("different_postcode", 0.01, 0.04, max_m=0.3),
    ),
    compare_location,
    "city",
    tf_column="city",
    tf_levels=("same_city",),
    m_from_several_fields=True,
)


def _shared_name_part_chance(cols: FrameColumns, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    from mdm.name_parts import shared_part_chance

    return shared_part_chance(cols, left, right)


def compare_person_name(cols: FrameColumns, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    a, b, known = _pair(cols, "person_name", left, right)
    names = cols.uniques("person_name")
    jw = _code_scores(names, a, b, known, JaroWinkler.normalized_similarity)
    token_set = _code_scores(names, a, b, known, fuzz.token_set_ratio, score_cutoff=99)
    dist = _code_scores(names, a, b, known, Levenshtein.distance, score_cutoff=1, fill=99, dtype=np.int32)
    lengths = cols.derived(
        "person_name_length",
        lambda c: np.array([len(v) if v is not None else 0 for v in c.values("person_name")], dtype=np.int32),
    )[left]
    exact = known & (a == b)
    close = known & ((jw >= 0.94) | (token_set >= 100) | ((dist <= 1) & (lengths >= 3)))
    somewhat = known & ((jw >= 0.85) | (dist <= 1))
    if "family_name" in cols and "given_name" in cols:
        from mdm.name_parts import known_parts_agree, name_parts_agree, parts_known

        # Where both records have both parts, the parts decide: ``CLARKE FINN`` and ``CLARKE JAKIB``
        # are as similar as joined text as they are different as people.
        both = parts_known(cols)[left] & parts_known(cols)[right]
        parts_close, parts_somewhat, parts_one = name_parts_agree(cols, left, right)
        typo = (token_set >= 100) | ((dist <= 1) & (lengths >= 3))
        close = np.where(both, known & (parts_close | typo), close)
        somewhat = np.where(both, known & parts_somewhat, somewhat)
        # HAMISH VINCENT / HAMISH RYAN: one part the same, the other replaced — a married name, a
        # nickname written out, or two relatives; the rest of the record decides.
        one_part = both & known & parts_one
        # A record lacking a part is compared on the parts both hold, or not at all.
        partial, known_part, incomparable = known_parts_agree(cols, left, right)
        close &= ~partial
        somewhat &= ~partial
        known = known & ~incomparable
    else:
        one_part = known_part = np.zeros(len(left), dtype=bool)
        close |= _latin_words_agree(cols, a, b, known & ~exact & ~close)
    return _assign(
        known, [exact, close, somewhat, one_part, known_part, _same_sound_names(cols, a, b, known)]
    )


def _chinese_other_sound(cols: FrameColumns, a: np.ndarray, b: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Per pair (codes of ``person_name``) under ``mask`` whether both names are Chinese and one of
    their characters is replaced by one that does not sound like it
    (:func:`cleansing.person_names.chinese_names_sound_alike`); names of two lengths are not asked."""
    from cleansing.person_names import chinese_names_sound_alike

    names = cols.uniques("person_name")
    chinese = _person_name_is_chinese(cols)
    lengths = person_name_lengths(cols)
    asked = mask & chinese[a] & chinese[b] & (lengths[a] == lengths[b])
    return _pair_test(names, a, b, asked, lambda x, y: not chinese_names_sound_alike(str(x), str(y)))


def person_name_lengths(cols: FrameColumns) -> np.ndarray:
    """Per distinct ``person_name`` (and code -1, last: -1) its length in characters."""
    names = cols.uniques("person_name")
    return cols.derived(
        "person_name_unique_length", lambda c: np.array([len(str(v)) for v in names] + [-1], dtype=np.int32)
    )


def _person_name_is_chinese(cols: FrameColumns) -> np.ndarray:
    """Per distinct ``person_name`` (and code -1, last) whether it is written in Chinese characters."""
    names = cols.uniques("person_name")
    return cols.derived(
        "person_name_is_chinese",
        lambda c: np.array([_CJK_CHAR.search(str(v)) is not None for v in names] + [False], dtype=bool),
    )


def _latin_words_agree(cols: FrameColumns, a: np.ndarray, b: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Per pair (codes of ``person_name``) under ``mask`` whether two Latin names in one column are one
    name with an initial, a nickname or a slip in a given name (:func:`mdm.name_parts.words_agree`)."""
    from mdm.name_parts import words_agree

    names = cols.uniques("person_name")
    several = cols.derived(
        "person_name_latin_words",
        lambda c: np.array([str(v).isascii() and " " in str(v) for v in names] + [False], dtype=bool),
    )
    return _pair_test(names, a, b, mask & several[a] & several[b], lambda x, y: words_agree(str(x), str(y)))


def _same_sound_names(cols: FrameColumns, a: np.ndarray, b: np.ndarray, known: np.ndarray) -> np.ndarray:
    """Per pair (codes of ``person_name``) whether one name is Chinese and the other its pinyin (张伟 /
    ``Zhang Wei`` or ``WEI ZHANG``, 欧阳娜娜 / ``Nana Ouyang``): a CRM that writes customers in Latin letters
    beside an ERP that writes them in characters (:func:`cleansing.person_names.person_name_sound_keys`)."""
    from cleansing.person_names import person_name_sound_keys

    names = cols.uniques("person_name")
    chinese = _person_name_is_chinese(cols)
    across = known & (chinese[a] != chinese[b])
    if not across.any():
        return across
    keys = cols.derived("person_name_sound_keys", lambda c: [person_name_sound_keys(str(v)) for v in names])
    return _pair_test(keys, a, b, across, lambda x, y: bool(x & y))


PERSON_NAME = Comparison(
    "person_name",
    ("person_name",),
    (
        ComparisonLevel("exact", 0.85, 0.0005),
        ComparisonLevel("close", 0.08, 0.002),
        # A record written twice keeps a recognisable name: on a list of a name and a postcode, EM takes
        # relatives and namesakes at one postcode for duplicates and would learn these weak levels are
        # common among them (FEBRL: 0.53-0.67 one_part_same where the truth is 0.10-0.14).
        ComparisonLevel("somewhat", 0.04, 0.02, max_m=0.1),
        ComparisonLevel("one_part_same", 0.02, 0.02, max_m=0.2),
        # THEODORE / THEODORE MARSHALL: one record lacks a part, and the parts both hold agree.
        ComparisonLevel("known_parts_agree", 0.05, 0.01),
        # 张伟 / ZHANG WEI: the name in characters and in pinyin; weighed by what random pairs show.
        ComparisonLevel("same_sound", 0.02, 0.0005, sign=1),
        ComparisonLevel("different", 0.03, 0.9575, max_m=0.1),
    ),
    compare_person_name,
    tf_column="person_name",
    # Not the close level: 张伟 and 张玮 are two people as often as one, however rare each spelling.
    tf_levels=("exact",),
    # Two people share a name far more often than two companies (刘峰 seen twice in a file is
    # still a common name nationally): a rare name weighs no more than the level itself, unless
    # its given and family name are each rare in the file.
    tf_rare_bonus=0.0,
    tf_part_chance=_shared_name_part_chance,
    # The same given or family name with the other replaced: a rare shared part at one address is
    # one person; a common one (relatives, namesakes) says little.
    tf_part_levels=("exact", "one_part_same"),
    m_from_other_evidence=True,
    m_from_several_fields=True,
)


DAYS_NEARLY_EQUAL = 31
"""Two birth dates at most this many days apart are nearly equal (a date off by a day, or a month
rolled over: ``1977-01-29`` / ``1976-12-30``), as in Splink's date-of-birth comparison."""
DAYS_WITHIN_A_YEAR = 366
DAYS_WITHIN_TEN_YEARS = 3653
"""Dates further apart than a typo explains: a year is a slip of age or a wrong year, ten years a
guess; beyond them, another generation (a father and son of one name). EM weighs each band."""


YEAR_ALONE_LENGTH = 4
"""A birth date written as its year only (``1964``): a list that keeps no more."""
DATE_PARTS = ((0, 4), (5, 7), (8, 10))
"""Where the year, the month and the day sit in a standardised birth date (``1923-08-05``)."""
FULL_DATE_LENGTH = DATE_PARTS[-1][1]


def _date_parts(dates: pd.Series) -> list[np.ndarray]:
    """The years, months and days of ``dates`` (standardised text)."""
    return [dates.str[start:stop].to_numpy() for start, stop in DATE_PARTS]


def _days_since_epoch(cols: FrameColumns) -> np.ndarray:
    """Per distinct birth date its day number (NaN for an impossible date such as ``1956-13-09``);
    a year alone counts from the middle of its year, so two years one apart are within a year."""
    dates = pd.Series(cols.uniques("birth_date"), dtype=object).astype(str)
    year_alone = dates.str.len() == YEAR_ALONE_LENGTH
    parsed = pd.to_datetime(dates.where(~year_alone, dates + "-07-01"), errors="coerce", format="%Y-%m-%d")
    return (parsed - pd.Timestamp("1970-01-01")).dt.days.to_numpy(dtype=np.float64, na_value=np.nan)


def compare_birth_date(cols: FrameColumns, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Exact; nearly equal (two of year, month and day the same, day and month swapped, the eight
    digits one typo apart — a digit wrong or two neighbours swapped, ``1923-08-05`` / ``1923-00-85``
    — or at most :data:`DAYS_NEARLY_EQUAL` days apart); within a year; within ten years; further.
    A year alone (``1964``) is nearly equal to a full date of that year and otherwise falls in the
    bands by its years: ``1965`` is within a year, ``1946`` no typo but eighteen years."""
    a, b, known = _pair(cols, "birth_date", left, right)
    near = np.zeros(len(a), dtype=bool)
    year_alone = np.zeros(len(a), dtype=bool)
    if known.any():
        dates = cols.uniques("birth_date")
        sa = pd.Series(dates[a[known]], dtype=object).astype(str)
        sb = pd.Series(dates[b[known]], dtype=object).astype(str)
        ya, ma, da = _date_parts(sa)
        yb, mb, db = _date_parts(sb)
        agree = (ya == yb).astype(int) + (ma == mb) + (da == db)
        swapped = (ya == yb) & (ma == db) & (da == mb)
        alone = (sa.str.len() == YEAR_ALONE_LENGTH).to_numpy() | (
            sb.str.len() == YEAR_ALONE_LENGTH
        ).to_numpy()
        year_alone[known] = alone
        near[known] = np.where(alone, ya == yb, (agree == 2) | swapped)
    digits = cols.derived(
        "birth_date_digits", lambda c: np.array([str(v).replace("-", "") for v in c.uniques("birth_date")])
    )
    typo = known & ~near & (a != b) & ~year_alone
    one_typo = _code_scores(digits, a, b, typo, OSA.distance, score_cutoff=1, fill=99, dtype=np.int32) <= 1
    days = cols.derived("birth_date_days", _days_since_epoch)
    apart = np.full(len(a), np.inf)
    # Dates that are no typo apart, and years alone (a digit of a year is its decade or its year).
    rest = (typo & ~one_typo) | (known & ~near & (a != b) & year_alone)
    apart[rest] = np.abs(days[a[rest]] - days[b[rest]])  # NaN where either is no date: compares False
    return _assign(
        known,
        [
            known & (a == b),
            near | (typo & one_typo) | (apart <= DAYS_NEARLY_EQUAL),
            apart <= DAYS_WITHIN_A_YEAR,
            apart <= DAYS_WITHIN_TEN_YEARS,
        ],
    )


PARTS_CHANCE_MIN_PAIRS = 1_000
"""Random pairs of two full dates below which :func:`birth_date_parts_chance` does not say."""


def birth_date_parts_chance(cols: FrameColumns, left: np.ndarray, right: np.ndarray) -> float | None:
    """The chance that two records' full birth dates agree by chance: the share of the pairs
    (``left``, ``right``: random pairs) whose years agree, times the share whose months agree, times
    the share whose days agree; ``None`` with fewer than :data:`PARTS_CHANCE_MIN_PAIRS` pairs of two
    full dates. fake_1000 (every person about four times): two random records share a date 2.7 times
    in 10,000 pairs, nearly all one person's; the parts' product says 0.6 in 10,000, the truth 0.33."""
    a, b, known = _pair(cols, "birth_date", left, right)
    if known.sum() < PARTS_CHANCE_MIN_PAIRS:
        return None
    dates = pd.Series(cols.uniques("birth_date"), dtype=object).astype(str)
    full = (dates.str.len() == FULL_DATE_LENGTH).to_numpy()
    both = known & full[np.maximum(a, 0)] & full[np.maximum(b, 0)]
    if both.sum() < PARTS_CHANCE_MIN_PAIRS:
        return None
    chance = 1.0
    for part in _date_parts(dates):
        chance *= float((part[a[both]] == part[b[both]]).mean())
    return chance


BIRTH_DATE = Comparison(
    "birth_date",
    ("birth_date",),
    (
        ComparisonLevel("exact", 0.9, 0.0001),
        ComparisonLevel("one_part_apart", 0.07, 0.003),
        # Up to half of a list's duplicates may carry another date (a form's default, a slip, a
        # relative's); EM learns that far, and not the more namesakes taken for matches would teach.
        # A namesake's date is as far from the other's as any random one's, most often years, so
        # the bands of years are bounded tighter than the year's slip.
        ComparisonLevel("within_a_year", 0.01, 0.02, max_m=0.5),
        ComparisonLevel("within_ten_years", 0.01, 0.25, max_m=0.2),
        ComparisonLevel("different", 0.01, 0.7269, max_m=0.3),
    ),
    compare_birth_date,
    # A date many unrelated records carry (a placeholder such as 1980-01-01, or the 1st of January
    # of a list that knows only the year) says less than a date one person's records share.
    tf_column="birth_date",
    tf_levels=("exact",),
    tf_rare_bonus=0.0,
    m_from_several_fields=True,
    u_without_matches=True,
    exact_chance=birth_date_parts_chance,
)


def compare_party_kind(cols: FrameColumns, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    a, b, known = _pair(cols, "party_kind", left, right)
    return _assign(known, [known & (a == b)])


PARTY_KIND = Comparison(
    "party_kind",
    ("party_kind",),
    (ComparisonLevel("same", 0.999, 0.6), ComparisonLevel("person_vs_organisation", 0.005, 0.4, fixed=True)),
    compare_party_kind,
)


def exact_comparison(column: str, tf: bool = False) -> Comparison:
    """A user column that must agree exactly (e.g. a tax number the spec lists under ``exact``);
    with ``tf`` an agreement weighs by how rare the value is (a ``categorical`` column)."""

    def compute(cols: FrameColumns, left: np.ndarray, right: np.ndarray) -> np.ndarray:
        a, b, known = _pair(cols, column, left, right)
        return _assign(known, [known & (a == b)])

    return Comparison(
        f"exact:{column}",
        (column,),
        (ComparisonLevel("exact", 0.9, 0.0005), ComparisonLevel("different", 0.1, 0.9995)),
        compute,
        tf_column=column if tf else "",
        tf_levels=("exact",) if tf else (),
    )


def free_text_comparison(column: str) -> Comparison:
    """A user column compared fuzzily word by word (e.g. a remarks or shop-sign column)."""

    def compute(cols: FrameColumns, left: np.ndarray, right: np.ndarray) -> np.ndarray:
        a, b, known = _pair(cols, column, left, right)
        uniques = cols.uniques(column)
        score = _code_scores(uniques, a, b, known, fuzz.token_set_ratio, score_cutoff=84)
        where, inverse, da, db = _distinct_pairs(a, b, known & (a != b) & (score >= 85), len(uniques))
        if len(where):
            score[where[codes_conflict(uniques, da, db)[inverse]]] = 0
        return _assign(known, [known & (a == b), known & (score >= 85)])

    return Comparison(
        f"free_text:{column}",
        (column,),
        (
            ComparisonLevel("exact", 0.6, 0.01),
            ComparisonLevel("close", 0.25, 0.05),
            ComparisonLevel("different", 0.15, 0.94),
        ),
        compute,
    )


DEFAULT_COMPARISONS: tuple[Comparison, ...] = (
    NAME,
    NAME_REGION,
    BRANCH,
    USCC,
    CONTACT,
    PHONE_AREA,
    ADDRESS,
    LOCATION,
    PERSON_NAME,
    BIRTH_DATE,
    PARTY_KIND,
)


def compare_pairs(
    frame: pd.DataFrame | FrameColumns,
    left: np.ndarray,
    right: np.ndarray,
    comparisons: tuple[Comparison, ...] = DEFAULT_COMPARISONS,
) -> np.ndarray:
    """Return an ``(n_pairs, n_comparisons)`` int8 matrix of comparison levels."""
    cols = frame if isinstance(frame, FrameColumns) else FrameColumns(frame)
    left = np.asarray(left, dtype=np.int64)
    right = np.asarray(right, dtype=np.int64)
    out = np.zeros((len(left), len(comparisons)), dtype=np.int8)
    for j, comparison in enumerate(comparisons):
        out[:, j] = comparison.compute(cols, left, right)
    return out
