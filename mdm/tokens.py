"""Words of names and addresses as integer codes, found once per distinct value for the whole engine.

Blocking (rare shared words), term frequencies (how generic a name is) and hard negatives (which
words are established in this file) all read the same tokens:

* each run of two or more Chinese characters gives its character bigrams (``贸易商行`` → 贸易, 易商,
  商行); a lone Chinese character is a token of its own;
* each Latin word of two letters or more, upper-cased (``Smith`` → ``SMITH``);
* each run of three digits or more (street numbers, model numbers).

A Chinese token's code is its characters' code points (``a << 21 | b``), so it means the same in
every column; Latin words and digit runs are numbered in the order they are first met, in a
vocabulary shared by every column of one frame. Chinese text is cut into bigrams, and Latin words
and digit runs found, over one UTF-32 buffer of all values at once; only each distinct word's text is
read back into Python.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from mdm.comparators import FrameColumns

WORD_BASE = np.int64(1) << np.int64(50)
"""Codes of Latin words and digit runs start here, above every Chinese bigram code (< 2**42)."""
_CJK_FIRST, _CJK_LAST = 0x3400, 0x9FFF


@dataclass(frozen=True)
class ValueTokens:
    """Tokens of distinct values: ``value[i]`` (an index into the values) holds ``token[i]``.

    Each value's tokens appear once, grouped by value in ascending value order."""

    value: np.ndarray
    token: np.ndarray

    def per_record(self, codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(row, token)`` for records whose value codes are ``codes`` (``-1`` = no value)."""
        n_values = int(codes.max()) + 1 if len(codes) else 0
        counts = np.bincount(self.value, minlength=n_values)[:n_values] if n_values else np.zeros(0, np.int64)
        starts = np.cumsum(counts) - counts
        rows = np.flatnonzero(codes >= 0)
        repeats = counts[codes[rows]]
        row = np.repeat(rows, repeats)
        offsets = np.arange(len(row)) - np.repeat(np.cumsum(repeats) - repeats, repeats)
        return row, self.token[np.repeat(starts[codes[rows]], repeats) + offsets]


class Vocabulary:
    """Codes for Latin words and digit runs, shared by every column tokenised for one frame."""

    def __init__(self) -> None:
        self._ids: dict[str, int] = {}
        self._words: list[str] = []

    def codes(self, words: Iterable[str]) -> np.ndarray:
        ids = self._ids
        return WORD_BASE + np.fromiter((ids.setdefault(w, len(ids)) for w in words), dtype=np.int64)

    def lookup(self, word: str) -> int | None:
        """The code of ``word`` if it was met, else ``None`` (the vocabulary is left unchanged)."""
        found = self._ids.get(word)
        return None if found is None else int(WORD_BASE) + found

    def word(self, code: int) -> str:
        """The word behind a code."""
        if len(self._words) != len(self._ids):
            self._words = list(self._ids)  # ids are given in insertion order
        return self._words[int(code) - int(WORD_BASE)]

    def known(self, words: Iterable[str]) -> np.ndarray:
        """Codes of those ``words`` already met (to drop stop words, say)."""
        return np.array([WORD_BASE + self._ids[w] for w in words if w in self._ids], dtype=np.int64)


def token_code(token: str, vocabulary: Vocabulary) -> int | None:
    """The code :func:`tokenise` gives ``token`` (a bigram, a lone character, a word or a digit
    run); ``None`` for a word the vocabulary has not met."""
    if token and _CJK_FIRST <= ord(token[0]) <= _CJK_LAST:
        return ord(token[0]) << 21 | ord(token[1]) if len(token) == 2 else ord(token[0])
    return vocabulary.lookup(token.upper())


def token_text(code: int, vocabulary: Vocabulary) -> str:
    """The text of a token code (the inverse of :func:`token_code`)."""
    code = int(code)
    if code >= int(WORD_BASE):
        return vocabulary.word(code)
    return chr(code >> 21) + chr(code & 0x1FFFFF) if code >= 1 << 21 else chr(code)


def tokenise(values: Sequence[object] | np.ndarray, vocabulary: Vocabulary) -> ValueTokens:
    """The tokens (module docstring) of each of ``values`` (``None`` holds none)."""
    texts = ["" if v is None else str(v) for v in values]
    if not texts:
        empty = np.array([], dtype=np.int64)
        return ValueTokens(empty, empty)
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    # One buffer of all texts with a NUL after each; a NUL is never Chinese, so no bigram spans two texts.
    joined = "\x00".join(texts)
    chars = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
    chars = np.r_[chars, 0]
    owner = np.repeat(np.arange(len(texts)), lengths + 1)
    cjk = (chars >= _CJK_FIRST) & (chars <= _CJK_LAST)
    pair_at = np.flatnonzero(cjk[:-1] & cjk[1:])
    alone = cjk & ~np.r_[False, cjk[:-1]] & ~np.r_[cjk[1:], False]
    alone_at = np.flatnonzero(alone)
    word_at, word_code = _latin_words_and_digit_runs(joined, chars, vocabulary)
    value = np.concatenate([owner[pair_at], owner[alone_at], owner[word_at]])
    token = np.concatenate([chars[pair_at] << 21 | chars[pair_at + 1], chars[alone_at], word_code])
    return ValueTokens(*_distinct_pairs(value, token))


_PACKED_WORD = np.int64(1) << np.int64(37)
"""Where Latin words and digit runs start when a token is packed below a value (Chinese codes < 2**37)."""
_TOKEN_BITS = np.int64(38)


def _distinct_pairs(value: np.ndarray, token: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct ``(value, token)`` pairs sorted by value, then token.

    Where they fit, each pair is packed into one integer (the value above the token, words moved
    down next to the Chinese codes, keeping their order): one sort of integers instead of a sort on
    two keys."""
    if len(value) == 0:
        return value, token
    words = token >= WORD_BASE
    packable = int(value.max()) < 1 << 25 and (
        not words.any() or int(token[words].max()) - WORD_BASE < _PACKED_WORD
    )
    if packable:
        packed = np.sort(value << _TOKEN_BITS | np.where(words, token - WORD_BASE + _PACKED_WORD, token))
        packed = packed[np.r_[True, packed[1:] != packed[:-1]]]
        value, token = packed >> _TOKEN_BITS, packed & ((np.int64(1) << _TOKEN_BITS) - 1)
        return value, np.where(token >= _PACKED_WORD, token - _PACKED_WORD + WORD_BASE, token)
    order = np.lexsort((token, value))
    value, token = value[order], token[order]
    keep = np.r_[True, (np.diff(value) != 0) | (np.diff(token) != 0)]
    return value[keep], token[keep]


def _runs(mask: np.ndarray, shortest: int) -> tuple[np.ndarray, np.ndarray]:
    """Start and end of each run of ``True`` in ``mask`` at least ``shortest`` long."""
    edge = np.diff(np.r_[False, mask, False].astype(np.int8))
    start, end = np.flatnonzero(edge == 1), np.flatnonzero(edge == -1)
    long_enough = end - start >= shortest
    return start[long_enough], end[long_enough]


def _latin_words_and_digit_runs(
    joined: str, chars: np.ndarray, vocabulary: Vocabulary
) -> tuple[np.ndarray, np.ndarray]:
    """Where in the buffer each Latin word of two letters or more and each run of three digits or
    more starts, in reading order, and its code. The vocabulary meets the words in reading order, as
    a scan of the texts one by one would; each distinct word is cut out of the text and upper-cased
    once."""
    lower = chars | 32
    letters = _runs((lower >= 97) & (lower <= 122), 2)
    digits = _runs((chars >= 48) & (chars <= 57), 3)
    start, end = np.concatenate([letters[0], digits[0]]), np.concatenate([letters[1], digits[1]])
    order = np.argsort(start, kind="stable")
    start, end = start[order], end[order]
    if len(start) == 0:
        return start, np.array([], dtype=np.int64)
    words = np.array([joined[a:b] for a, b in zip(start.tolist(), end.tolist(), strict=True)], dtype=object)
    codes, distinct = pd.factorize(words)  # distinct words in the order they are first met
    return start, vocabulary.codes(w.upper() for w in distinct)[codes]


def vocabulary_of(cols: FrameColumns) -> Vocabulary:
    return cols.derived("token_vocabulary", lambda c: Vocabulary())


def column_tokens(cols: FrameColumns, column: str) -> ValueTokens:
    """The tokens of each distinct value of ``column`` (indexed as :meth:`FrameColumns.uniques`)."""
    return cols.derived(f"tokens:{column}", lambda c: tokenise(c.uniques(column), vocabulary_of(c)))


@dataclass(frozen=True)
class TokenFrequency:
    """How many distinct values of a column hold each token."""

    codes: np.ndarray
    """The distinct token codes, sorted."""
    values_with: np.ndarray
    """Per code, how many values hold it."""
    of_entry: np.ndarray
    """Per entry of the column's :class:`ValueTokens`, how many values hold its token."""


def column_token_frequency(cols: FrameColumns, column: str) -> TokenFrequency:
    """The :class:`TokenFrequency` of :func:`column_tokens`, counted once per column for every reader."""

    def count(c: FrameColumns) -> TokenFrequency:
        codes, inverse = np.unique(column_tokens(c, column).token, return_inverse=True)
        values_with = np.bincount(inverse, minlength=len(codes))
        return TokenFrequency(codes, values_with, values_with[inverse])

    return cols.derived(f"token_frequency:{column}", count)
