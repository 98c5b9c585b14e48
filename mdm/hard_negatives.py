"""Sister companies learned from the data: one address or phone, a word in common, another business.

``X Services`` and ``X Packaging`` at one address, ``财富桂烟酒店`` and ``财富桂生鲜超市`` on one phone,
``Cafe Ritz-Carlton`` and ``Ritz-Carlton Dining Room`` in one hotel, are two businesses, not one
written twice. What makes the difference is a *distinctive* word on each side: a word that several
other names of the file also use (so an established word of the trade, not a typo or an
abbreviation), unlike its counterpart. Which words qualify is read from the file's own token
frequencies, not from a list. Two names with nothing in common at one place (two trade names
sharing no character, two Latin names sharing no word that are not one the other's initials:
a hotel's restaurants on its switchboard) are two businesses too.

The comparison only looks at pairs that share an address, a phone or an e-mail — the evidence
that would otherwise merge them — and, for Chinese names, share the name's first characters.
"""

from __future__ import annotations

import re

import numpy as np
from rapidfuzz.distance import JaroWinkler

from mdm.comparators import FrameColumns, _assign, _distinct_pairs, _pair_test, hard_negative, same_value
from mdm.tokens import column_token_frequency, token_code, vocabulary_of

MIN_NAMES_WITH_WORD = 3
"""A word used by at least this many distinct names of the file is an established word."""
_LATIN_WORD = re.compile(r"[A-Z0-9]+")
_CJK = re.compile(r"[\u3400-\u9fff]")


def _latin_words(name: str) -> list[str]:
    return _LATIN_WORD.findall(name.upper())


def _bigrams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)}


class WordFrequency:
    """How many distinct core names of the file use a word (a Latin word or a Chinese bigram)."""

    def __init__(self, cols: FrameColumns) -> None:
        frequency = column_token_frequency(cols, "name_core")
        self.codes, self.counts = frequency.codes, frequency.values_with.astype(np.int64)
        self._count = dict(zip(self.codes.tolist(), self.counts.tolist(), strict=True))
        self._vocabulary = vocabulary_of(cols)

    def of_codes(self, codes: np.ndarray) -> np.ndarray:
        """Counts of token codes (0 for a code no name uses)."""
        if len(self.codes) == 0:
            return np.zeros(codes.shape, dtype=np.int64)
        at = np.minimum(np.searchsorted(self.codes, codes), len(self.codes) - 1)
        return np.where(self.codes[at] == codes, self.counts[at], 0)

    def get(self, word: str, default: int = 0) -> int:
        code = token_code(word, self._vocabulary)
        return default if code is None else self._count.get(code, default)


def _word_frequency(cols: FrameColumns) -> WordFrequency:
    return cols.derived("distinctive_word_frequency", WordFrequency)


def _established(text: str, freq: WordFrequency) -> bool:
    return any(freq.get(bigram, 0) >= MIN_NAMES_WITH_WORD for bigram in _bigrams(text))


def _chinese_conflict(a: str, b: str, freq: WordFrequency) -> bool:
    """``财富桂烟酒`` / ``财富桂生鲜超市``: a common start of two characters or more, then two tails that
    share no character (商贸 and 贸易, a rewording, share one) and each hold an established word."""
    prefix = 0
    while prefix < min(len(a), len(b)) and a[prefix] == b[prefix]:
        prefix += 1
    tail_a, tail_b = a[prefix:], b[prefix:]
    if prefix < 2 or not tail_a or not tail_b or set(tail_a) & set(tail_b):
        return False
    return _established(tail_a, freq) and _established(tail_b, freq)


def _conflict(a: str, b: str, freq: WordFrequency) -> bool:
    """A word in common (Chinese: the first characters), and each side a distinctive word the other
    lacks: ``CAFE RITZ-CARLTON`` / ``RITZ-CARLTON DINING ROOM`` in one hotel."""
    if _CJK.search(a) and _CJK.search(b):
        return _chinese_conflict(a, b, freq)
    words_a, words_b = _latin_words(a), _latin_words(b)
    if not set(words_a) & set(words_b):
        return False
    only_a = [w for w in words_a if w not in words_b and freq.get(w, 0) >= MIN_NAMES_WITH_WORD]
    only_b = [w for w in words_b if w not in words_a and freq.get(w, 0) >= MIN_NAMES_WITH_WORD]
    return any(_other_words(x, y) for x in only_a for y in only_b)


def _other_words(x: str, y: str) -> bool:
    """Two Latin words that are not one word misspelt or shortened."""
    return JaroWinkler.normalized_similarity(x, y) < 0.85 and not x.startswith(y) and not y.startswith(x)


def _words_apart(a: str, b: str) -> bool:
    """Two Latin names with no word in common, not even a misspelt or shortened one, and neither
    written inside the other without its spaces (``STEAKHOUSE`` / ``STEAK HOUSE``)."""
    words_a, words_b = _latin_words(a), _latin_words(b)
    joined_a, joined_b = "".join(words_a), "".join(words_b)
    if joined_a in joined_b or joined_b in joined_a:
        return False
    return all(_other_words(x, y) for x in words_a for y in words_b)


def latin_names_apart(cols: FrameColumns, da: np.ndarray, db: np.ndarray) -> np.ndarray:
    """Distinct pairs of Latin core names (codes of ``name_core``) that share no word and are not
    one the other's initials (``AP`` / ``ASHCROFT PLASTICS``): at one address or on one phone,
    ``GOLDEN NUGGET HOTEL`` and ``LILLIE LANGTRYS`` are two businesses of one building."""
    from mdm.comparators import _acronym_pairs

    names = cols.uniques("name_core")
    apart = np.array(
        [_words_apart(str(names[x]), str(names[y])) for x, y in zip(da, db, strict=True)], dtype=bool
    )
    if apart.any():
        apart[apart] = ~_acronym_pairs(cols, da[apart], db[apart])
    return apart


def _char_matrix(values: list[str], width: int) -> tuple[np.ndarray, np.ndarray]:
    """Code points of ``values`` (cut or padded with 0 to ``width``; 16 bits each where all fit, which
    halves a matrix of every name of the file) and their lengths."""
    if not values:
        return np.zeros((0, width), dtype=np.int32), np.zeros(0, dtype=np.int64)
    chars = np.array(values, dtype=f"<U{width}").view(np.int32).reshape(len(values), width)
    if chars.max() < 1 << 16:
        chars = chars.astype(np.uint16)
    return chars, np.fromiter(map(len, values), dtype=np.int64, count=len(values))


class ChineseNames:
    """Decides Chinese name pairs in NumPy, over a matrix of the names' code points.

    Names longer than :data:`WIDTH` characters, and names without Chinese, are left to
    :func:`_conflict`. The matrix and the established bigrams of every name are read once, for
    every batch of pairs the comparison asks about."""

    WIDTH = 32

    def __init__(self, cols: FrameColumns) -> None:
        self.names = cols.uniques("name_core")
        self.freq = _word_frequency(cols)
        self.chars, self.length = _char_matrix([str(v) for v in self.names], self.WIDTH)
        cjk = (self.chars >= 0x3400) & (self.chars <= 0x9FFF)
        self.usable = cjk.any(axis=1) & (self.length <= self.WIDTH)
        both = cjk[:, :-1] & cjk[:, 1:]
        self.established = np.zeros(both.shape, dtype=bool)
        bigram = self.chars[:, :-1][both].astype(np.int64) << 21 | self.chars[:, 1:][both]
        self.established[both] = self.freq.of_codes(bigram) >= MIN_NAMES_WITH_WORD

    def decide(self, a: np.ndarray, b: np.ndarray, chunk: int = 20_000) -> tuple[np.ndarray, np.ndarray]:
        """``(handled, conflict)``: which name pairs ``(a[i], b[i])`` are both Chinese and short
        enough to decide here, and for those :func:`_chinese_conflict`."""
        handled = self.usable[a] & self.usable[b]
        out = np.zeros(len(a), dtype=bool)
        rows = np.flatnonzero(handled)
        for start in range(0, len(rows), chunk):
            at = rows[start : start + chunk]
            x, y = a[at], b[at]
            la, lb = self.length[x], self.length[y]
            # Past the longest name of the batch every column is padding: leave it out.
            width = int(max(la.max(), lb.max()))
            ca, cb = self.chars[x, :width], self.chars[y, :width]
            same = ca == cb
            prefix = np.where(same.all(axis=1), width, same.argmin(axis=1))
            position = np.arange(width)
            tail_a = (position >= prefix[:, None]) & (position < la[:, None])
            tail_b = (position >= prefix[:, None]) & (position < lb[:, None])
            # Tails that share a character are a rewording (商贸 / 贸易), not another business.
            shared = ((ca[:, :, None] == cb[:, None, :]) & tail_a[:, :, None] & tail_b[:, None, :]).any(
                axis=(1, 2)
            )
            est_a = (self.established[x, : width - 1] & tail_a[:, :-1]).any(axis=1)
            est_b = (self.established[y, : width - 1] & tail_b[:, :-1]).any(axis=1)
            out[at] = (prefix >= 2) & (prefix < la) & (prefix < lb) & ~shared & est_a & est_b
        return handled, out


def _trade_name_chars(
    cols: FrameColumns, width: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per distinct trade name its code points forwards and backwards (cut or padded to ``width``),
    its length, and whether it is Chinese text of at most ``width`` characters; read once."""

    def compute(c: FrameColumns) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        texts = [str(v) for v in c.uniques("name_trade")]
        chars, length = _char_matrix(texts, width)
        backwards, _ = _char_matrix([t[::-1] for t in texts], width)
        chinese = (((chars >= 0x3400) & (chars <= 0x9FFF)) | (chars == 0)).all(axis=1) & (length <= width)
        return chars, backwards, length, chinese

    return cols.derived(f"trade_name_chars:{width}", compute)


def trade_names_apart(cols: FrameColumns, a: np.ndarray, b: np.ndarray, width: int = 16) -> np.ndarray:
    """Pairs of Chinese trade names (字号, the part of a name that identifies the business under
    Chinese naming rules) that share no character once a common ending is set aside (an industry
    word the parser left in both, ``便利``): ``百麟博`` / ``风心业良`` are two businesses whatever
    else they share; a homophone, a typo or an abbreviation keeps a character in common. ``a``
    and ``b`` are codes of ``name_trade``; missing, short or long names are never apart."""
    out = np.zeros(len(a), dtype=bool)
    known = (a >= 0) & (b >= 0) & (a != b)
    if not known.any():
        return out
    chars, backwards, length, chinese = _trade_name_chars(cols, width)
    known[known] = chinese[a[known]] & chinese[b[known]]
    rows = np.flatnonzero(known)
    step = 50_000
    for start in range(0, len(rows), step):
        at = rows[start : start + step]
        i, j = a[at], b[at]
        # Past the longest name of the batch every column is padding: leave it out.
        used = int(max(length[i].max(), length[j].max()))
        position = np.arange(used)
        same_end = backwards[i, :used] == backwards[j, :used]
        suffix = np.where(same_end.all(axis=1), used, same_end.argmin(axis=1))
        keep_a = position < (length[i] - suffix)[:, None]
        keep_b = position < (length[j] - suffix)[:, None]
        ca, cb = chars[i, :used], chars[j, :used]
        common = ((ca[:, :, None] == cb[:, None, :]) & keep_a[:, :, None] & keep_b[:, None, :]).any(
            axis=(1, 2)
        )
        long_enough = (keep_a.sum(axis=1) >= 2) & (keep_b.sum(axis=1) >= 2)
        out[at] = long_enough & ~common
    return out


def industries_apart(cols: FrameColumns, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Pairs of Chinese industry words (行业表述, part of the registered name) that are two words,
    not one written shorter: ``食品贸易`` / ``商贸`` or ``商业`` / ``酒业`` are two registered names
    of one owner; ``食品贸易`` / ``贸易`` may be the same name cut short. ``a`` and ``b`` are codes
    of ``name_industry``; a missing industry word is never apart."""
    known = (a >= 0) & (b >= 0) & (a != b)
    if not known.any():
        return known
    words = cols.uniques("name_industry")
    return _pair_test(words, a, b, known, lambda x, y: _two_industries(str(x), str(y)))


def _two_industries(a: str, b: str) -> bool:
    a, b = a.removesuffix("店"), b.removesuffix("店")
    return bool(_CJK.search(a) and _CJK.search(b)) and a not in b and b not in a


def compare_distinctive_words(cols: FrameColumns, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    core = cols.codes("name_core")
    a, b = core[left], core[right]
    shared_place = np.zeros(len(left), dtype=bool)
    for column in ("address_detail", "phone_e164", "email_normalised"):
        shared_place |= same_value(cols, column, left, right)
    candidates = (a >= 0) & (b >= 0) & shared_place & (a != b)
    # Sister companies share the start of their names; compare only those (cheap on a million records).
    start = cols.derived_codes(
        "name_core_start",
        lambda c: np.array([None if v is None else v[:2] for v in c.values("name_core")], dtype=object),
    )
    # Per record whether its core name is Latin text (False where it has none).
    latin = cols.derived(
        "name_core_latin",
        lambda c: np.r_[
            [str(v).isascii() and bool(_LATIN_WORD.search(str(v))) for v in c.uniques("name_core")], False
        ].astype(bool)[c.codes("name_core")],
    )
    # Latin words come in any order (``RITZ-CARLTON CAFE`` / ``CAFE RITZ-CARLTON``).
    known = candidates & ((start[left] == start[right]) | (latin[left] & latin[right]))
    conflict = np.zeros(len(left), dtype=bool)
    names = cols.uniques("name_core")
    where, inverse, da, db = _distinct_pairs(a, b, known, len(names))
    if len(where):
        chinese = cols.derived("distinctive_chinese_names", ChineseNames)
        fast, decided = chinese.decide(da, db)
        freq = _word_frequency(cols)
        slow = np.flatnonzero(~fast)
        decided[slow] = [_conflict(str(names[da[k]]), str(names[db[k]]), freq) for k in slow]
        conflict[where] = decided[inverse]
    apart = np.flatnonzero(candidates & ~conflict)
    apart = apart[latin[left[apart]] & latin[right[apart]]]
    if len(apart):
        # Two Latin names with no word in common at one place: two businesses of one building.
        where, inverse, da, db = _distinct_pairs(
            a[apart], b[apart], np.ones(len(apart), dtype=bool), len(names)
        )
        conflict[apart[where]] = latin_names_apart(cols, da, db)[inverse]
        known = candidates
    if "name_trade" in cols:
        # Two trade names with nothing in common at one place: two businesses of one owner.
        trade = cols.codes("name_trade")
        apart = np.flatnonzero(candidates & ~conflict)
        conflict[apart] = trade_names_apart(cols, trade[left[apart]], trade[right[apart]])
        known = candidates
    if "name_industry" in cols:
        # One trade name with two industry words at one place: two registered names, one owner.
        industry = cols.codes("name_industry")
        apart = np.flatnonzero(candidates & ~conflict)
        conflict[apart] = industries_apart(cols, industry[left[apart]], industry[right[apart]])
        known = candidates
    if "uscc" in cols:
        # One credit code says otherwise: a company that changed its name keeps its code.
        uscc = cols.codes("uscc")
        conflict &= ~((uscc[left] >= 0) & (uscc[left] == uscc[right]))
    return _assign(known, [known & ~conflict])


DISTINCTIVE_WORDS = hard_negative(
    "distinctive_words",
    ("name_core",),
    "different_business",
    compare_distinctive_words,
    part_of_the_name=True,
)
"""Sister companies are never merged on what they share (a phone, an e-mail, an address)."""
