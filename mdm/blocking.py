"""Blocking: which record pairs are worth comparing at all.

Each rule gives every record zero or more keys; records sharing a key form a block. Inside a
block, records are sorted by name and each meets the next ``window`` records (all pairs in a
small block; a sorted neighbourhood in a large one); blocks larger than ``max_block_size`` are
skipped and reported. So the number of candidates grows linearly with the number of records.
Everything is grouped with NumPy/pandas; nothing loops over pairs in Python.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

KeyFunction = Callable[[pd.DataFrame], pd.DataFrame]
"""Returns a frame with columns ``row`` (positional index) and ``key`` (str), one row per key."""


@dataclass(frozen=True)
class BlockingRule:
    name: str
    keys: KeyFunction = field(repr=False)
    max_block_size: int | None = None
    """Overrides the global cap for this rule."""
    window: int | None = None
    """Overrides the global sorted-neighbourhood window for this rule."""


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

    def __len__(self) -> int:
        return len(self.left)

    def report_frame(self) -> pd.DataFrame:
        return pd.DataFrame([r.__dict__ for r in self.report])


def _keys_from(frame: pd.DataFrame, key: pd.Series) -> pd.DataFrame:
    key = key.astype("string")
    mask = key.notna().to_numpy() & (key.fillna("").str.len() > 0).to_numpy()
    rows = np.flatnonzero(mask)
    return pd.DataFrame({"row": rows, "key": key.to_numpy(dtype=object)[mask]})


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


def uscc_keys(frame: pd.DataFrame) -> pd.DataFrame:
    status = _col(frame, "uscc_status")
    code = _col(frame, "uscc").where(status.isin(["valid", "invalid_checksum"]))
    return _keys_from(frame, code)


def phone_keys(frame: pd.DataFrame) -> pd.DataFrame:
    kind = _col(frame, "phone_kind")
    return _keys_from(frame, _col(frame, "phone_e164").where(kind.isin(["mobile", "landline", "toll_free"])))


def name_prefix_city_keys(frame: pd.DataFrame) -> pd.DataFrame:
    trade = _col(frame, "name_trade").fillna(_col(frame, "name_core"))
    return _keys_from(frame, trade.str[:2] + "|" + _col(frame, "city"))


def trade_char_keys(frame: pd.DataFrame) -> pd.DataFrame:
    """The first and the last character of a short trade name, with the industry word and district.

    A look-alike typo in a two- or three-character trade name (``华强`` → ``华张``) destroys
    every bigram, but one end of the name, the industry and the district still meet.
    """
    trade = _col(frame, "name_trade")
    # Longer trade names keep an intact bigram after one typo; the bigram rule finds those.
    trade = trade.where(trade.str.len() <= 3)
    place = _col(frame, "district").fillna(_col(frame, "city"))
    rest = "|" + _col(frame, "name_industry").fillna("") + "|" + place
    first = _keys_from(frame, "F" + trade.str[0] + rest)
    last = _keys_from(frame, "L" + trade.str[-1] + rest)
    return pd.concat([first, last], ignore_index=True)


def name_pinyin_keys(frame: pd.DataFrame) -> pd.DataFrame:
    """Names that sound alike (``华强``/``华墙``) in the same city."""
    return _keys_from(frame, _col(frame, "name_pinyin_key") + "|" + _col(frame, "city").fillna(""))


def address_keys(frame: pd.DataFrame) -> pd.DataFrame:
    return _keys_from(frame, _joined(frame, "district", "address_detail"))


def person_birth_keys(frame: pd.DataFrame) -> pd.DataFrame:
    return _keys_from(frame, _joined(frame, "person_name", "birth_date"))


def person_city_keys(frame: pd.DataFrame) -> pd.DataFrame:
    return _keys_from(frame, _joined(frame, "person_name", "city"))


def email_keys(frame: pd.DataFrame) -> pd.DataFrame:
    return _keys_from(frame, _col(frame, "email_normalised"))


_TOKEN = re.compile(r"[\u3400-\u9fff]+|[A-Za-z0-9]+")
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


def _name_tokens(name: str) -> set[str]:
    """Character bigrams of Chinese runs, whole words of Latin ones."""
    out: set[str] = set()
    for run in _TOKEN.findall(name):
        if run[0].isascii():
            if len(run) >= 2 and run.upper() not in _LATIN_STOPWORDS:
                out.add(run.upper())
        elif len(run) == 1:
            out.add(run)
        else:
            out.update(run[i : i + 2] for i in range(len(run) - 1))
    return out


def name_token_keys(frame: pd.DataFrame, rarest: int = 2) -> pd.DataFrame:
    """Each record's ``rarest`` name tokens (bigrams/words) by corpus frequency, with its city.

    Frequent tokens (``商贸``, ``TRADING``) would make giant blocks; rare ones are what a
    typo-ridden duplicate still shares with its original.
    """
    # The trade name is the distinctive part; boundary bigrams into the industry word would
    # change whenever a source writes 贸易 for 商贸.
    core = _col(frame, "name_trade").fillna(_col(frame, "name_core")).fillna(_col(frame, "person_name"))
    codes, uniques = pd.factorize(core, use_na_sentinel=True)
    token_lists = [sorted(_name_tokens(str(u))) for u in uniques]
    lengths = np.fromiter((len(t) for t in token_lists), dtype=np.int64, count=len(token_lists))
    tokens = pd.Series([t for ts in token_lists for t in ts], dtype=object)
    unique_id = np.repeat(np.arange(len(uniques)), lengths)
    if len(tokens) == 0:
        return pd.DataFrame({"row": np.array([], dtype=np.int64), "key": np.array([], dtype=object)})
    token_codes, token_values = pd.factorize(tokens)
    # Frequency counted over records, not over distinct names.
    records_per_name = np.bincount(codes[codes >= 0], minlength=len(uniques))
    freq = np.bincount(token_codes, weights=records_per_name[unique_id])
    per_token = pd.DataFrame({"name": unique_id, "token": token_codes, "freq": freq[token_codes]})
    per_token = per_token.sort_values(["name", "freq", "token"], kind="stable")
    per_token = per_token[per_token.groupby("name").cumcount() < rarest]
    # Expand names back to records.
    rows = pd.DataFrame({"row": np.arange(len(codes)), "name": codes})
    rows = rows[rows["name"] >= 0]
    merged = rows.merge(per_token[["name", "token"]], on="name", how="inner")
    keys = np.asarray(token_values, dtype=object)[merged["token"].to_numpy()]
    # Within a city: a rare bigram nationwide is still common among a million records.
    city = _col(frame, "city").fillna("").to_numpy(dtype=object)[merged["row"].to_numpy()]
    return pd.DataFrame({"row": merged["row"].to_numpy(), "key": keys + "|" + city})


DEFAULT_RULES: tuple[BlockingRule, ...] = (
    BlockingRule("uscc", uscc_keys),
    BlockingRule("phone", phone_keys),
    # A shared mailbox (an agent writing for several dealers) makes big blocks: near names only.
    BlockingRule("email", email_keys, window=4),
    BlockingRule("name_prefix_city", name_prefix_city_keys),
    BlockingRule("name_tokens", name_token_keys),
    BlockingRule("trade_char_industry_district", trade_char_keys, window=4),
    BlockingRule("name_pinyin", name_pinyin_keys),
    BlockingRule("address", address_keys),
    BlockingRule("person_birth_date", person_birth_keys),
    BlockingRule("person_city", person_city_keys),
)


def _pairs_within_blocks(
    keys: pd.DataFrame, cap: int, window: int | None = None, order: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray, int, int, int, int]:
    """Pairs inside each block of at most ``cap`` records, fully vectorised.

    Within a block, records are sorted by ``order`` (a rank per row, e.g. of the name) and each
    is paired with the next ``window`` records only (sorted neighbourhood). Small blocks still
    give every pair; a block of a few hundred gives a few per record instead of a few hundred,
    which keeps the candidate count linear in the number of records.
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
    sort = np.lexsort((rows, secondary, codes))
    codes, rows = codes[sort], rows[sort]
    block_start = np.r_[0, np.flatnonzero(np.diff(codes)) + 1]
    block_size = np.diff(np.r_[block_start, len(codes)])
    start_of = np.repeat(block_start, block_size)
    size_of = np.repeat(block_size, block_size)
    position = np.arange(len(codes))
    partners = start_of + size_of - position - 1  # later members of my block
    if window is not None:
        partners = np.minimum(partners, window)
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
    """Rank of each record's name (core name, else person name) for sorted-neighbourhood windows."""
    name = _col(frame, "name_core").fillna(_col(frame, "person_name")).fillna("")
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
) -> CandidatePairs:
    """Candidate pairs from all ``rules`` over a standardised frame, deduplicated across rules.

    Blocks of more than ``max_block_size`` records are skipped (reported); inside a block, each
    record meets the ``window`` records next to it in name order.
    """
    n = max(len(frame), 1)
    order = name_order(frame)
    per_rule: list[np.ndarray] = []
    reports: list[RuleReport] = []
    for rule in rules:
        keys = rule.keys(frame)
        cap = rule.max_block_size or max_block_size
        left, right, n_blocks, skipped, skipped_rec, largest = _pairs_within_blocks(
            keys, cap, rule.window or window, order
        )
        encoded = _unique_sorted(left * n + right)
        per_rule.append(encoded)
        reports.append(
            RuleReport(
                rule=rule.name,
                records_with_key=int(keys["row"].nunique()) if len(keys) else 0,
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
    return CandidatePairs(left=pairs // n, right=pairs % n, report=reports)
