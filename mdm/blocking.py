"""Blocking: which record pairs are worth comparing at all.

Each rule gives every record zero or more keys; records sharing a key form a block. Inside a
block, records are sorted by name and each meets the next ``window`` records (all pairs in a
small block; a sorted neighbourhood in a large one); blocks larger than ``max_block_size`` are
skipped and reported. So the number of candidates grows linearly with the number of records.
Everything is grouped with NumPy/pandas; nothing loops over pairs in Python.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from contextvars import ContextVar
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from mdm.comparators import OTHER_PHONES_COLUMN, SHARED_MAILBOX_NAME, FrameColumns, map_uniques
from mdm.roles import SEPARATOR
from mdm.tokens import Vocabulary, token_text, tokenise

KeyFunction = Callable[..., pd.DataFrame]
"""Called with the frame (a fallback rule also with the mask of rows no other rule covered); returns a frame with columns ``row`` (positional index) and ``key`` (str, or an int64 code built
from the codes of the columns it combines), one row per key."""


@dataclass(frozen=True)
class BlockingRule:
    name: str
    keys: KeyFunction = field(repr=False)
    max_block_size: int | None = None
    """Overrides the global cap for this rule."""
    window: int | None = None
    """Overrides the global sorted-neighbourhood window for this rule."""
    one_per_name: bool = False
    """Keep one record per full name in each block (:func:`_pairs_within_blocks`): for rules whose
    keys come from the name, where identical names would fill the windows."""
    names_in_full: bool = False
    """With ``one_per_name``: a crowd (a block whose records repeat its names more often, on
    average, than the window reaches) keeps one record per name and pairs every name with every
    other when that costs no more comparisons than the window spends on as many records. One
    applicant written 70 ways over 700 records has every spelling meet every other; a block of
    distinct or seldom repeated names keeps its window, and the comparisons stay within the
    window's linear bound.
    """
    fallback: bool = False
    """Only pairs involving a record that the rules before it left without any candidate: a broad rule
    that rescues thin records (a name and nothing else) without multiplying the pairs of rich ones.
    Its ``keys`` is called with the frame and a mask of those records."""
    pairs_of: Callable[[pd.DataFrame], np.ndarray] | None = field(default=None, repr=False)
    """Called with the frame, a mask of records: only pairs involving one of them. For keys too loose
    for every record (a surname and a postcode pair a household) that still rescue the records the
    mask marks (a person written with one name only)."""
    reads_birth_date: bool = False
    """The keys read the birth date: the rule's pairs are no fair sample of how two people's dates
    compare, so EM leaves them out where it learns the date (see :mod:`mdm.name_and_birth_date`)."""


@dataclass
class RuleReport:
    rule: str
    records_with_key: int
    blocks: int
    pairs: int
    new_pairs: int
    skipped_blocks: int
    skipped_records: int
    largest_skipped_block: int


@dataclass
class CandidatePairs:
    """Candidate pairs as positional indices with ``left < right``, unique across rules."""

    left: np.ndarray
    right: np.ndarray
    report: list[RuleReport]
    rule_pairs: list[np.ndarray] = field(default_factory=list, repr=False)
    """Per rule the pairs it found alone, as sorted ``left * n + right`` codes."""
    n: int = 1

    def __len__(self) -> int:
        return len(self.left)

    def report_frame(self) -> pd.DataFrame:
        return pd.DataFrame([r.__dict__ for r in self.report])

    name_group: np.ndarray | None = field(default=None, repr=False)
    """Per record the first record of its full name (:func:`name_groups`): records of one name are
    offered to each other by the same-name rule, and a pair of names compared once stands for
    every pair of their records."""

    def completeness(
        self, confident: np.ndarray, cluster_index: np.ndarray | None = None
    ) -> tuple[pd.Series, float]:
        """Pair completeness estimated without labels.

        Per rule, the share of the ``confident`` candidate pairs (a mask) it would have found
        alone: a rule with a low share shows where duplicates hide from the others. Overall,
        with ``cluster_index`` (per record its cluster), the share of the record pairs the
        clusters hold that blocking offered (:meth:`offered_in_clusters`); without it,
        ``1 − Π(1 − share)`` across rules (capture–recapture, optimistic when rules are
        correlated, as all name rules are). NaN when nothing is confident.
        """
        codes = self.left[confident] * self.n + self.right[confident]
        names = [r.rule for r in self.report]
        if len(codes) == 0:
            return pd.Series(np.nan, index=names, dtype=float), float("nan")
        shares = np.array([np.isin(codes, pairs, assume_unique=True).mean() for pairs in self.rule_pairs])
        if cluster_index is not None:
            return pd.Series(shares, index=names), self.offered_in_clusters(cluster_index)
        missed_by_all = float(np.prod(1 - np.clip(shares, 0, 1)))
        return pd.Series(shares, index=names), 1.0 - missed_by_all

    def offered_by(self, rules: Collection[str]) -> np.ndarray:
        """Per candidate pair whether one of the named ``rules`` offered it."""
        codes = self.left * self.n + self.right
        out = np.zeros(len(codes), dtype=bool)
        for report, pairs in zip(self.report, self.rule_pairs, strict=True):
            if report.rule in rules and len(pairs):
                out |= np.isin(codes, pairs, assume_unique=True)
        return out

    def offered_in_clusters(self, cluster_index: np.ndarray) -> float:
        """Of the record pairs inside the clusters, the share blocking offered: two records of one
        name, or of two names whose records were compared. A cluster closes chains (A–B and B–C
        compared, A–C not); the pairs it closes are duplicates blocking did not offer. Duplicates
        that no pair and no chain reached stay unseen, so it reads high. NaN without a cluster
        of two records."""
        n = len(cluster_index)
        group = self.name_group if self.name_group is not None else np.arange(n)
        # A unit: the records of one name in one cluster (one name may be split by constraints).
        unit, unit_of = np.unique(cluster_index.astype(np.int64) * n + group, return_inverse=True)
        size = np.bincount(unit_of, minlength=len(unit)).astype(float)
        cluster_of_unit = unit // n
        records = np.bincount(cluster_of_unit, weights=size)
        squares = np.bincount(cluster_of_unit, weights=size**2)
        total = float(((records**2 - squares) / 2).sum())  # pairs of records of two names
        identical = float((size * (size - 1) / 2).sum())
        if total + identical == 0:
            return float("nan")
        ul, ur = unit_of[self.left], unit_of[self.right]
        inside = (cluster_of_unit[ul] == cluster_of_unit[ur]) & (ul != ur)
        pairs = np.unique(np.minimum(ul, ur)[inside] * len(unit) + np.maximum(ul, ur)[inside])
        offered = float((size[pairs // len(unit)] * size[pairs % len(unit)]).sum())
        return (offered + identical) / (total + identical)


def _keys_from(frame: pd.DataFrame, key: pd.Series) -> pd.DataFrame:
    values = key.astype("string").to_numpy(dtype=object, na_value=None)
    mask = np.not_equal(values, None) & (values != "")  # type: ignore[call-overload]  # numpy's stubs refuse None, which numpy takes as an object value
    rows = np.flatnonzero(mask)
    return pd.DataFrame({"row": rows, "key": values[mask]})


def _codes(values: pd.Series, missing_as_empty: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Value codes (``-1`` = missing) and the distinct values; ``missing_as_empty`` reads a missing
    value as ``""`` (what ``fillna("")`` does to the text key)."""
    codes, uniques = pd.factorize(values)
    uniques = np.asarray(uniques, dtype=object)
    codes = codes.astype(np.int64, copy=False)
    if missing_as_empty:
        empty = np.flatnonzero(uniques == "")
        if len(empty):
            codes = np.where(codes < 0, empty[0], codes)
        else:
            codes = np.where(codes < 0, len(uniques), codes)
            uniques = np.r_[uniques, np.array([""], dtype=object)]
    return codes, uniques


_COLUMNS: ContextVar[FrameColumns | None] = ContextVar("blocking_columns", default=None)
"""The column codes of the frame being blocked (shared with the comparisons that follow)."""


def _column_codes(
    frame: pd.DataFrame, name: str, missing_as_empty: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`_codes` of one column (empty text counts as missing), factorised once per frame."""
    cols = _COLUMNS.get()
    if cols is None or cols.frame is not frame or name not in frame.columns:
        return _codes(_col(frame, name).replace("", pd.NA), missing_as_empty)
    codes, uniques = cols.codes(name), cols.uniques(name)
    if missing_as_empty:
        codes = np.where(codes < 0, len(uniques), codes)
        uniques = np.r_[uniques, np.array([""], dtype=object)]
    return codes, uniques


def current_columns(frame: pd.DataFrame) -> FrameColumns:
    """The shared column codes of the frame being blocked (fresh ones for a frame blocked alone)."""
    cols = _COLUMNS.get()
    return cols if cols is not None and cols.frame is frame else FrameColumns(frame)


def _combined_keys(*parts: tuple[np.ndarray, int]) -> pd.DataFrame:
    """Keys from several coded parts ``(codes, number of codes)``; missing if any part is missing.

    Same as joining the parts' text with ``|``, without building a million strings.
    """
    key = np.zeros(len(parts[0][0]), dtype=np.int64)
    missing = np.zeros(len(key), dtype=bool)
    span = 1
    for codes, size in parts:
        missing |= codes < 0
        size = max(int(size), 1)
        if span * size >= 2**62:
            key, uniques = pd.factorize(key)
            key, span = key.astype(np.int64), len(uniques)
        key = key * size + np.maximum(codes, 0)
        span *= size
    rows = np.flatnonzero(~missing)
    return pd.DataFrame({"row": rows, "key": key[rows]})


def _col(frame: pd.DataFrame, name: str) -> pd.Series:
    if name not in frame.columns:
        return pd.Series(pd.NA, index=frame.index, dtype="string")
    return frame[name].astype("string")


def _joined(frame: pd.DataFrame, *names: str) -> pd.Series:
    """Concatenate columns with ``|``; missing if any part is missing."""
    out = _col(frame, names[0])
    for name in names[1:]:
        out = out + "|" + _col(frame, name)
    return out


def _single_keys(frame: pd.DataFrame, column: str, usable: np.ndarray | None = None) -> pd.DataFrame:
    """One column as the key (empty text is no key), as value codes."""
    codes, _ = _column_codes(frame, column)
    keep = codes >= 0
    if usable is not None:
        keep &= usable
    rows = np.flatnonzero(keep)
    return pd.DataFrame({"row": rows, "key": codes[rows]})


def set_keys(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    """One key per value of a multi-valued column (identifiers, domains, a cell's further phone numbers)."""
    values = _col(frame, column).reset_index(drop=True).dropna()
    exploded = values.str.split(SEPARATOR, regex=False).explode()
    return pd.DataFrame(
        {"row": exploded.index.to_numpy(dtype=np.int64), "key": exploded.to_numpy(dtype=object)}
    )


def uscc_keys(frame: pd.DataFrame) -> pd.DataFrame:
    status = _col(frame, "uscc_status")
    usable = status.isin(["valid", "invalid_checksum"]).to_numpy(dtype=bool, na_value=False)
    return _single_keys(frame, "uscc", usable)


def phone_keys(frame: pd.DataFrame) -> pd.DataFrame:
    """The phone number; where a cell writes several (``13812345678/0755-26881234``), each of them, so a
    record showing only the landline meets one showing the mobile first."""
    kind = _col(frame, "phone_kind")
    usable = kind.isin(["mobile", "landline", "toll_free"]).to_numpy(dtype=bool, na_value=False)
    others = _col(frame, OTHER_PHONES_COLUMN)
    if not others.notna().any():
        return _single_keys(frame, "phone_e164", usable)
    first = _col(frame, "phone_e164").reset_index(drop=True).where(pd.Series(usable)).dropna()
    first_keys = pd.DataFrame(
        {"row": first.index.to_numpy(dtype=np.int64), "key": first.to_numpy(dtype=object)}
    )
    return pd.concat([first_keys, set_keys(frame, OTHER_PHONES_COLUMN)], ignore_index=True)


def name_prefix_city_keys(frame: pd.DataFrame) -> pd.DataFrame:
    trade = _col(frame, "name_trade").fillna(_col(frame, "name_core"))
    prefix, prefixes = map_uniques(*_codes(trade), lambda name: name[:2])
    # A list without cities (a name-only spreadsheet) is one place: its names still meet by prefix.
    city, cities = _column_codes(frame, "city", missing_as_empty=True)
    return _combined_keys((prefix, len(prefixes)), (city, len(cities)))


def trade_char_keys(frame: pd.DataFrame) -> pd.DataFrame:
    """The first and the last character of a short trade name, with the industry word and district.

    A look-alike typo in a two- or three-character trade name (``华强`` → ``华张``) destroys
    every bigram, but one end of the name, the industry and the district still meet.
    """
    trade, trades = _column_codes(frame, "name_trade")
    # Longer trade names keep an intact bigram after one typo; the bigram rule finds those.
    short = np.array([len(t) <= 3 for t in trades] + [False], dtype=bool)[trade]
    trade = np.where(short, trade, -1)
    # One code space for both ends, the end itself as the first part (``F``/``L``).
    ends = pd.Series([t[0] if t else None for t in trades] + [t[-1] if t else None for t in trades])
    end_codes, end_values = pd.factorize(ends)
    end_codes = end_codes.astype(np.int64)
    first_char = np.r_[end_codes[: len(trades)], -1][trade]
    last_char = np.r_[end_codes[len(trades) :], -1][trade]
    industry, industries = _column_codes(frame, "name_industry", missing_as_empty=True)
    place, places = _codes(_col(frame, "district").fillna(_col(frame, "city")))
    n_ends = max(len(end_values), 1)
    # Both ends in one call, the last end's codes above the first's: ``F`` and ``L`` keys never meet.
    keys = _combined_keys(
        (np.r_[first_char, np.where(last_char >= 0, last_char + n_ends, -1)], 2 * n_ends),
        (np.tile(industry, 2), len(industries)),
        (np.tile(place, 2), len(places)),
    )
    keys["row"] %= len(frame)
    return keys


def name_pinyin_keys(frame: pd.DataFrame) -> pd.DataFrame:
    """Names that sound alike (``华强``/``华墙``) in the same city."""
    pinyin, pinyins = _column_codes(frame, "name_pinyin_key")
    city, cities = _column_codes(frame, "city", missing_as_empty=True)
    return _combined_keys((pinyin, len(pinyins)), (city, len(cities)))


def address_keys(frame: pd.DataFrame) -> pd.DataFrame:
    district, districts = _column_codes(frame, "district")
    detail, details = _column_codes(frame, "address_detail")
    return _combined_keys((district, len(districts)), (detail, len(details)))


def person_birth_keys(frame: pd.DataFrame) -> pd.DataFrame:
    return _keys_from(frame, _joined(frame, "person_name", "birth_date"))


def person_city_keys(frame: pd.DataFrame) -> pd.DataFrame:
    return _keys_from(frame, _joined(frame, "person_name", "city"))


def email_keys(frame: pd.DataFrame) -> pd.DataFrame:
    return _single_keys(frame, "email_normalised")


def _email_part(frame: pd.DataFrame, part: Callable[[str], str | None]) -> tuple[np.ndarray, np.ndarray]:
    """Codes of one part of the normalised address (``part`` maps ``local@domain`` to text or None)."""
    return map_uniques(*_column_codes(frame, "email_normalised"), part)


def email_local_keys(frame: pd.DataFrame) -> pd.DataFrame:
    """The mailbox name alone: ``ar20@miller-torres.org`` meets ``ar20@miller-t2orres.org``, a typo
    in the domain or another provider. A mailbox name many records share (``sales``, ``info``) is
    no evidence of one party; the rule's small block cap skips it."""
    local, locals_ = _email_part(frame, lambda address: address.partition("@")[0] or None)
    return _combined_keys((local, len(locals_)))


def email_domain_prefix_keys(frame: pd.DataFrame) -> pd.DataFrame:
    """The domain with the mailbox name's first three characters: a typo later in the mailbox name
    (``amelia.morgan92`` / ``amelia.moyrgan92``) keeps both. A free-mail domain's prefixes make
    big blocks, which the rule's small block cap skips."""
    domain, domains = _email_part(frame, lambda address: address.partition("@")[2] or None)
    prefix, prefixes = _email_part(frame, lambda address: address.partition("@")[0][:3] or None)
    return _combined_keys((domain, len(domains)), (prefix, len(prefixes)))


_LATIN_STOPWORDS = frozenset(
    {
        "CO",
        "LTD",
        "LIMITED",
        "INC",
        "LLC",
        "CORP",
        "CORPORATION",
        "COMPANY",
        "THE",
        "AND",
        "OF",
        "GMBH",
        "PLC",
    }
)


def _rare_name_tokens(frame: pd.DataFrame, rarest: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(row, token code, token values)``: each record's ``rarest`` name tokens by corpus frequency."""
    # The trade name is the distinctive part; boundary bigrams into the industry word would
    # change whenever a source writes 贸易 for 商贸.
    core = _col(frame, "name_trade").fillna(_col(frame, "name_core")).fillna(_col(frame, "person_name"))
    codes, uniques = pd.factorize(core, use_na_sentinel=True)
    vocabulary = Vocabulary()
    found = tokenise(np.asarray(uniques, dtype=object), vocabulary)
    ordinary = ~np.isin(found.token, vocabulary.known(_LATIN_STOPWORDS))
    unique_id = found.value[ordinary]
    if len(unique_id) == 0:
        empty = np.array([], dtype=np.int64)
        return empty, empty, np.array([], dtype=object)
    token_codes, token_numbers = pd.factorize(found.token[ordinary])
    token_values = np.array([token_text(c, vocabulary) for c in token_numbers], dtype=object)
    lengths = np.bincount(unique_id, minlength=len(uniques))
    # Frequency counted over records, not over distinct names.
    records_per_name = np.bincount(codes[codes >= 0], minlength=len(uniques))
    freq = np.bincount(token_codes, weights=records_per_name[unique_id])
    # Per name, its tokens rarest first (ties by first appearance), the first ``rarest`` kept.
    by_name = np.lexsort((token_codes, freq[token_codes], unique_id))
    name_sorted, token_sorted = unique_id[by_name], token_codes[by_name]
    first_of_name = np.r_[0, np.cumsum(lengths)[:-1]]
    rank = np.arange(len(name_sorted)) - first_of_name[name_sorted]
    keep = rank < rarest
    name_kept, token_kept = name_sorted[keep], token_sorted[keep]
    # Expand names back to records, without a merge.
    kept_per_name = np.bincount(name_kept, minlength=len(uniques))
    start_per_name = np.cumsum(kept_per_name) - kept_per_name
    named = np.flatnonzero(codes >= 0)
    repeats = kept_per_name[codes[named]]
    rows = np.repeat(named, repeats)
    offsets = np.arange(len(rows)) - np.repeat(np.cumsum(repeats) - repeats, repeats)
    token = token_kept[np.repeat(start_per_name[codes[named]], repeats) + offsets]
    return rows, token, np.asarray(token_values, dtype=object)


def name_token_keys(frame: pd.DataFrame, rarest: int = 2) -> pd.DataFrame:
    """Each record's ``rarest`` name tokens (bigrams/words) by corpus frequency, with its city.

    Frequent tokens (``商贸``, ``TRADING``) would make giant blocks; rare ones are what a
    typo-ridden duplicate still shares with its original.
    """
    rows, token, token_values = _rare_name_tokens(frame, rarest)
    # Within a city: a rare bigram nationwide is still common among a million records.
    city = _col(frame, "city").fillna("").to_numpy(dtype=object)[rows]
    return pd.DataFrame({"row": rows, "key": token_values[token] + "|" + city})


def name_token_code_keys(frame: pd.DataFrame, rarest: int = 2) -> pd.DataFrame:
    """:func:`name_token_keys` as int codes (the same blocks, without a million joined strings)."""
    rows, token, token_values = _rare_name_tokens(frame, rarest)
    city, cities = _column_codes(frame, "city", missing_as_empty=True)
    return _combined_keys((token, len(token_values)), (city[rows], len(cities))).assign(
        row=lambda k: rows[k["row"].to_numpy()]
    )


def name_groups(frame: pd.DataFrame) -> np.ndarray:
    """Per record the position of the first record with the same full company name (itself when it
    has none: a person's name is left to the person rules, two people share one far more often)."""
    name = _col(frame, "name_normalised").where(_col(frame, "name_core").notna())
    codes, uniques = pd.factorize(name)
    first = np.full(len(uniques) + 1, -1, dtype=np.int64)
    rows = np.arange(len(codes), dtype=np.int64)
    named = codes >= 0
    first[: len(uniques)] = len(codes)
    np.minimum.at(first, codes[named], rows[named])
    return np.where(named, first[np.maximum(codes, 0)], rows)


def same_name_keys(frame: pd.DataFrame) -> pd.DataFrame:
    """Records with one full company name form a block (a chain of its records, by the rule's window of 1)."""
    group = name_groups(frame)
    rows = np.flatnonzero(group != np.arange(len(group)))
    rows = np.union1d(rows, group[rows])
    return pd.DataFrame({"row": rows, "key": group[rows]})


EMAIL_PART_BLOCK = SHARED_MAILBOX_NAME
"""Largest block of one part of an address: more records than that share a generic mailbox name or
a free-mail domain's prefix, not one party's address (the bound the contact comparison reads a role's
mailbox name by)."""

DEFAULT_RULES: tuple[BlockingRule, ...] = (
    # Every record of one full name meets the next: linear however often the name repeats.
    BlockingRule("same_name", same_name_keys, max_block_size=2**62, window=1),
    BlockingRule("uscc", uscc_keys),
    BlockingRule("phone", phone_keys),
    # A shared mailbox (an agent writing for several dealers) makes big blocks: near names only.
    BlockingRule("email", email_keys, window=3),
    # A typo in one part of an address: the other part, where few records share it.
    BlockingRule("email_local", email_local_keys, max_block_size=EMAIL_PART_BLOCK),
    BlockingRule("email_domain_prefix", email_domain_prefix_keys, max_block_size=EMAIL_PART_BLOCK),
    # The name rules overlap: a duplicate that the token or pinyin rule places a few names away,
    # the prefix rule (full window) places next to its original. Their narrower windows keep the
    # candidates per record from filling every window as blocks grow with the file.
    BlockingRule("name_prefix_city", name_prefix_city_keys, one_per_name=True, names_in_full=True),
    BlockingRule("name_tokens", name_token_code_keys, window=3, one_per_name=True, names_in_full=True),
    BlockingRule("trade_char_industry_district", trade_char_keys, window=4, one_per_name=True),
    BlockingRule("name_pinyin", name_pinyin_keys, window=3, one_per_name=True),
    BlockingRule("address", address_keys),
    BlockingRule("person_birth_date", person_birth_keys, reads_birth_date=True),
    BlockingRule("person_city", person_city_keys),
)


def _pairs_within_blocks(
    keys: pd.DataFrame,
    cap: int,
    window: int | None = None,
    order: np.ndarray | None = None,
    name_group: np.ndarray | None = None,
    names_in_full: bool = False,
) -> tuple[np.ndarray, np.ndarray, int, int, int, int]:
    """Pairs inside each block of at most ``cap`` records, fully vectorised.

    Within a block, records are sorted by ``order`` (a rank per row, e.g. of the name) and each
    is paired with the next ``window`` records only (sorted neighbourhood). Small blocks still
    give every pair; a block of a few hundred gives a few per record instead of a few hundred,
    which keeps the candidate count linear in the number of records. With ``name_group`` (per
    row the first row of its identical name, :func:`name_groups`) a block keeps one record per
    name: 292 records of one name do not fill every window, and the names around them still meet
    (the same-name rule pairs the identical ones). Sizes count the names kept. With
    ``names_in_full`` too, a block of ``r`` records under ``d`` distinct names where ``r > w·d`` (a
    crowd) keeps one record per name and pairs them all when ``d(d-1)/2`` is at most what the window
    spends on ``r`` distinct records, ``w·r − w(w+1)/2``; other blocks are paired as before.
    Returns left, right, blocks, skipped blocks, skipped records, largest skipped block.
    """
    if keys.empty:
        empty = np.array([], dtype=np.int64)
        return empty, empty, 0, 0, 0, 0
    codes, _ = pd.factorize(keys["key"])
    rows = keys["row"].to_numpy(dtype=np.int64)
    # A record holding the same key twice counts once (integer dedupe; strings are slow to hash twice).
    base = int(rows.max()) + 1
    pair_code = _unique_sorted(codes.astype(np.int64) * base + rows)
    codes, rows = pair_code // base, pair_code % base
    in_full = None
    if name_group is not None:
        # A name held by more records of the block than the window reaches is kept once (its
        # earliest record: rows ascend within a block); fewer copies cannot fill a window.
        unit, at, inverse, count = np.unique(
            codes * base + name_group[rows], return_index=True, return_inverse=True, return_counts=True
        )
        crowded = count > (window or 1)
        if names_in_full:
            w = window or 1
            records = np.bincount(codes)
            names = np.bincount(unit // base, minlength=len(records))
            # A crowd: its names repeat, on average, more often than the window reaches.
            in_full = (records > w * names) & (names * (names - 1) // 2 <= w * records - w * (w + 1) // 2)
            crowded |= in_full[unit // base] & (count > 1)
        keep_row = ~crowded[inverse]
        keep_row[at[crowded]] = True
        codes, rows = codes[keep_row], rows[keep_row]
    sizes = np.bincount(codes)
    too_big = sizes > cap
    skipped_blocks = int(too_big.sum())
    skipped_records = int(sizes[too_big].sum())
    largest = int(sizes[too_big].max()) if skipped_blocks else 0
    keep = ~too_big[codes] & (sizes[codes] > 1)
    codes, rows = codes[keep], rows[keep]
    if len(codes) == 0:
        empty = np.array([], dtype=np.int64)
        return empty, empty, 0, skipped_blocks, skipped_records, largest
    secondary = order[rows] if order is not None else rows
    span = int(secondary.max()) + 1
    if (int(codes.max()) + 1) * span < 2**62:
        # Rows are already ascending within a block, so one stable sort on (block, name) suffices.
        sort = np.argsort(codes * span + secondary, kind="stable")
    else:
        sort = np.lexsort((rows, secondary, codes))
    codes, rows = codes[sort], rows[sort]
    block_start = np.r_[0, np.flatnonzero(np.diff(codes)) + 1]
    block_size = np.diff(np.r_[block_start, len(codes)])
    start_of = np.repeat(block_start, block_size)
    size_of = np.repeat(block_size, block_size)
    position = np.arange(len(codes))
    partners = start_of + size_of - position - 1  # later members of my block
    if window is not None:
        windowed = np.minimum(partners, window)
        partners = windowed if in_full is None else np.where(in_full[codes], partners, windowed)
    total = int(partners.sum())
    left_pos = np.repeat(position, partners)
    offsets = np.arange(total) - np.repeat(np.cumsum(partners) - partners, partners)
    right_pos = left_pos + 1 + offsets
    left, right = rows[left_pos], rows[right_pos]
    return (
        np.minimum(left, right),
        np.maximum(left, right),
        len(block_start),
        skipped_blocks,
        skipped_records,
        largest,
    )


def name_order(frame: pd.DataFrame) -> np.ndarray:
    """Rank of each record's name (core name, else person name) for sorted-neighbourhood windows.

    Records of one name rank by their birth date where the list holds one: in a crowd of namesakes
    larger than a window, a person written twice with a slip in the day or month sits next to the
    first record, not wherever the file put it."""
    name = _col(frame, "name_core").fillna(_col(frame, "person_name")).fillna("")
    # A person list's dates only: a company list's standardised frame holds the column, empty.
    if "birth_date" in frame.columns and frame["birth_date"].notna().any():
        name = name + "\x1f" + _col(frame, "birth_date").fillna("").astype(str)
    # Rank the distinct names (NumPy's fixed-width string sort), not a million rows.
    codes, uniques = pd.factorize(name)
    if len(uniques) == 0:
        return np.zeros(len(name), dtype=np.int64)
    rank_of_unique = np.empty(len(uniques), dtype=np.int64)
    rank_of_unique[np.argsort(np.asarray(uniques, dtype=str), kind="stable")] = np.arange(1, len(uniques) + 1)
    return rank_of_unique[codes]


def _unique_sorted(values: np.ndarray) -> np.ndarray:
    """Sorted distinct values (sort-based: NumPy's hash-based ``unique`` is slower on int64 pair codes)."""
    if len(values) == 0:
        return values
    values = np.sort(values, kind="stable")
    keep = np.empty(len(values), dtype=bool)
    keep[0] = True
    np.not_equal(values[1:], values[:-1], out=keep[1:])
    return values[keep]


def block(
    frame: pd.DataFrame,
    rules: tuple[BlockingRule, ...] = DEFAULT_RULES,
    max_block_size: int = 1000,
    window: int = 6,
    columns: FrameColumns | None = None,
) -> CandidatePairs:
    """Candidate pairs from all ``rules`` over a standardised frame, deduplicated across rules.

    Blocks of more than ``max_block_size`` records are skipped (reported); inside a block, each
    record meets the ``window`` records next to it in name order. ``columns`` (a ``FrameColumns``
    of ``frame``) shares the column codes with the comparisons that follow.
    """
    if columns is None or columns.frame is not frame:
        columns = FrameColumns(frame)
    token = _COLUMNS.set(columns)
    try:
        return _block(frame, rules, max_block_size, window)
    finally:
        _COLUMNS.reset(token)


def _covered(per_rule: list[np.ndarray], n: int) -> np.ndarray:
    """Which records already have a candidate pair from the rules so far (pairs encoded left * n + right)."""
    covered = np.zeros(n, dtype=bool)
    for encoded in per_rule:
        covered[encoded // n] = True
        covered[encoded % n] = True
    return covered


def _block(
    frame: pd.DataFrame, rules: tuple[BlockingRule, ...], max_block_size: int, window: int
) -> CandidatePairs:
    n = max(len(frame), 1)
    order = name_order(frame)
    group = name_groups(frame)
    per_rule: list[np.ndarray] = []
    reports: list[RuleReport] = []
    for rule in rules:
        cap = rule.max_block_size or max_block_size
        if rule.fallback:
            covered = _covered(per_rule, n)
            keys = rule.keys(frame, ~covered)
        else:
            keys = rule.keys(frame)
        if rule.fallback and per_rule and len(keys):
            # Blocks without an uncovered record cannot yield a pair this rule keeps: drop them first.
            rows = keys["row"].to_numpy()
            wanted = pd.Series(~covered[rows]).groupby(keys["key"].to_numpy()).transform("any").to_numpy()
            keys = keys[wanted]
        left, right, n_blocks, skipped, skipped_rec, largest = _pairs_within_blocks(
            keys,
            cap,
            rule.window or window,
            order,
            group if rule.one_per_name else None,
            rule.one_per_name and rule.names_in_full,
        )
        if rule.fallback and per_rule:
            keep = ~covered[left] | ~covered[right]
            left, right = left[keep], right[keep]
        if rule.pairs_of is not None:
            marked = rule.pairs_of(frame)
            keep = marked[left] | marked[right]
            left, right = left[keep], right[keep]
        encoded = _unique_sorted(left * n + right)
        per_rule.append(encoded)
        reports.append(
            RuleReport(
                rule=rule.name,
                records_with_key=int(np.count_nonzero(np.bincount(keys["row"].to_numpy())))
                if len(keys)
                else 0,
                blocks=n_blocks,
                pairs=len(encoded),
                new_pairs=0,
                skipped_blocks=skipped,
                skipped_records=skipped_rec,
                largest_skipped_block=largest,
            )
        )
    if per_rule:
        codes = np.concatenate(per_rule)
        rule_of = np.repeat(np.arange(len(per_rule)), [len(c) for c in per_rule])
        order = np.argsort(codes, kind="stable")  # stable: the earliest rule comes first
        codes, rule_of = codes[order], rule_of[order]
        first = np.r_[True, codes[1:] != codes[:-1]] if len(codes) else np.array([], dtype=bool)
        for report, count in zip(reports, np.bincount(rule_of[first], minlength=len(rules)), strict=True):
            report.new_pairs = int(count)
        pairs = codes[first]
    else:
        pairs = np.array([], dtype=np.int64)
    return CandidatePairs(
        left=pairs // n, right=pairs % n, report=reports, rule_pairs=per_rule, n=n, name_group=group
    )
