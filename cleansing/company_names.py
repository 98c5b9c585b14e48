"""Split a Chinese company name into its parts: region, trade name, industry, legal form and branch.

A registered name reads 行政区划 + 字号 + 行业 + 组织形式 (深圳市 | 华强 | 商贸 | 有限公司), optionally followed by a
branch (杭州分公司). Keeping every part as its own field lets matching compare the trade name fuzzily while
treating a different region or a branch as evidence of a *different* legal entity.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
from pypinyin import Style, lazy_pinyin
from pypinyin.converter import UltimateConverter
from pypinyin.core import Pinyin

from cleansing.config_files import read_yaml_mapping
from cleansing.divisions import Division, DivisionTable, load_divisions
from cleansing.latin_legal_forms import split_latin_legal_form
from cleansing.latin_name_tails import (
    BranchWords,
    after_the_legal_form,
    branch_words,
    is_head_office_mark,
    latin_branch,
)
from cleansing.name_notes import read_away_notes
from cleansing.pinyin_names import bracket_names_the_company, bracketed_place, read_latin_rendering
from cleansing.text import (
    chinese_characters,
    distinct_values,
    is_blank,
    normalise_brackets,
    normalise_text,
    normalise_text_values,
    object_array,
)
from foundation.errors import UserError

__all__ = [
    "CompanyNameParts",
    "CompanyNameVocabulary",
    "load_company_name_vocabulary",
    "normalise_company_name",
    "parse_company_name",
    "parse_company_names",
    "pinyin_key",
]

VOCAB_DIR = Path(__file__).parent / "vocab"
_CJK = r"\u3400-\u9fff"
_CJK_CHAR = re.compile(f"[{_CJK}]")
_SPACE_NEXT_TO_CJK = re.compile(rf"(?<=[{_CJK}()])\s+|\s+(?=[{_CJK}()])")
_BRACKET_GROUP = re.compile(r"\(([^()]*)\)")
# Bracketed regions that are not GB/T 2260 divisions but mark the same kind of thing.
_EXTRA_BRACKET_REGIONS = frozenset({"中国", "中国大陆"})
_NATION = "中国"
"""The country as a name's region, written first (中国雀巢) as well as in brackets (雀巢(中国)有限公司)."""
_GROUP = "集团"
_GROUP_IN_BRACKETS = f"({_GROUP})"
"""杭州娃哈哈(集团)有限公司 is 杭州娃哈哈集团有限公司 written with the group mark in brackets."""
_SOLE_TRADER_MARKS = ("个体工商户", "个体户")
"""A sole trader's mark written before the name (个体户张三), as it is after it (张三个体户)."""
_ORDINAL = re.compile(r"^第(?=[一二三四五六七八九十百零〇0-9])")
"""第一分店 and 一分店 name one branch."""


@dataclass(frozen=True)
class CompanyNameParts:
    """The parts of one company name; None where a part is absent. ``core`` = trade name + industry."""

    region: str | None
    trade_name: str | None
    industry: str | None
    legal_form: str | None
    branch: str | None
    branch_region: str | None
    is_branch: bool
    core: str | None


@dataclass(frozen=True)
class CompanyNameVocabulary:
    """Suffix word lists, each sorted longest first."""

    legal_forms: tuple[str, ...]
    industries: tuple[str, ...]
    branch_types: tuple[str, ...]
    latin_abbreviations: dict[str, str] = field(default_factory=dict, compare=False)
    """Latin words business names shorten (``MFG``) and the word each stands for (``MANUFACTURING``)."""
    latin_branch_types: dict[str, str] = field(default_factory=dict, compare=False)
    """English words marking a branch (``BRANCH``) and the Chinese branch type each stands for (``分公司``)."""
    latin_branch_words: BranchWords = field(init=False, repr=False, compare=False)
    """``latin_branch_types`` ready to be found in names (:func:`cleansing.latin_name_tails.branch_words`)."""
    industry_words: frozenset[str] = field(init=False, repr=False, compare=False)
    """``industries`` as a set: whether a text is an industry word is asked of every name."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "industry_words", frozenset(self.industries))
        object.__setattr__(self, "latin_branch_words", branch_words(self.latin_branch_types))


def _read_word_list(path: Path, key: str) -> tuple[str, ...]:
    words = read_yaml_mapping(path, "vocabulary file", f"{key}: a list of words").get(key)
    if not isinstance(words, list) or not all(isinstance(w, str) and w.strip() for w in words):
        raise UserError(f"{path}: expected a key '{key}' holding a list of non-empty words")
    normalised = {normalise_company_name(w) for w in words}
    return tuple(sorted((w for w in normalised if w), key=len, reverse=True))


@lru_cache(maxsize=8)
def load_company_name_vocabulary(directory: Path = VOCAB_DIR) -> CompanyNameVocabulary:
    """Read ``legal_forms.yaml``, ``industries.yaml``, ``branch_types.yaml``,
    ``latin_name_abbreviations.yaml`` and ``latin_branch_types.yaml`` from ``directory``."""
    directory = Path(directory)
    return CompanyNameVocabulary(
        legal_forms=_read_word_list(directory / "legal_forms.yaml", "legal_forms"),
        industries=_read_word_list(directory / "industries.yaml", "industries"),
        branch_types=_read_word_list(directory / "branch_types.yaml", "branch_types"),
        latin_abbreviations=_read_word_mapping(
            directory / "latin_name_abbreviations.yaml", "latin_name_abbreviations", "abbreviation to word"
        ),
        latin_branch_types=_read_word_mapping(
            directory / "latin_branch_types.yaml",
            "latin_branch_types",
            "English branch word to Chinese branch type",
        ),
    )


def _read_word_mapping(path: Path, key: str, what: str) -> dict[str, str]:
    """A mapping file of a vocabulary folder (upper case); a folder without one maps nothing."""
    if not path.exists():
        return {}
    found = read_yaml_mapping(path, "vocabulary file", f"{key}: a mapping of {what}").get(key)
    if not isinstance(found, dict) or not all(
        isinstance(k, str) and isinstance(v, str) and k.strip() and v.strip() for k, v in found.items()
    ):
        raise UserError(f"{path}: expected a key '{key}' holding a mapping of {what}")
    return {k.strip().upper(): v.strip().upper() for k, v in found.items()}


def normalise_company_name(name: object) -> str | None:
    """NFKC, t2s, ASCII brackets, Latin upper-case, what an export wrote around the name read away
    (:func:`~cleansing.name_notes.read_away_notes`, while the spaces that set a note apart are still
    there); spaces kept only between Latin words."""
    text = normalise_text(name)
    return None if text is None else _company_name_from_text(text)


def _normalise_company_name_values(values: object) -> list[str | None]:
    """:func:`normalise_company_name` of each value, with the text normalisation done in blocks."""
    return [None if text is None else _company_name_from_text(text) for text in normalise_text_values(values)]


def _company_name_from_text(text: str) -> str | None:
    """The steps of :func:`normalise_company_name` after :func:`~cleansing.text.normalise_text`."""
    text = read_away_notes(normalise_brackets(text).upper())
    # NFKC again: removing a space can bring a combining mark next to the letter it composes with
    return unicodedata.normalize("NFKC", _SPACE_NEXT_TO_CJK.sub("", text)).strip() or None


_SuffixIndex = dict[str, tuple[tuple[int, frozenset[str]], ...]]
_SUFFIX_INDEXES: dict[int, tuple[tuple[str, ...], _SuffixIndex]] = {}


def _by_last_char(words: tuple[str, ...]) -> _SuffixIndex:
    """Words by last character, then grouped by length, longest first: a suffix test is a few set lookups.

    Remembered by the word tuple's identity (hashing a long tuple on every call would cost more than the
    lookup it serves); the tuple is kept with its index so the identity cannot be reused.
    """
    cached = _SUFFIX_INDEXES.get(id(words))
    if cached is not None and cached[0] is words:
        return cached[1]
    index: _SuffixIndex = {}
    for last in {w[-1] for w in words if w}:
        ending = [w for w in words if w and w[-1] == last]
        lengths = sorted({len(w) for w in ending}, reverse=True)
        index[last] = tuple((n, frozenset(w for w in ending if len(w) == n)) for n in lengths)
    if len(_SUFFIX_INDEXES) > 64:
        _SUFFIX_INDEXES.clear()
    _SUFFIX_INDEXES[id(words)] = (words, index)
    return index


def _strip_suffix(
    text: str, words: tuple[str, ...], index: _SuffixIndex | None = None, min_left: int = 1
) -> tuple[str, str | None]:
    if not text:
        return text, None
    size = len(text)
    for length, group in (index or _by_last_char(words)).get(text[-1], ()):
        if size - length >= min_left and text[-length:] in group and not _inside_latin_word(text, length):
            return text[:-length].rstrip(" ,.-"), text[-length:]
    return text, None


def _inside_latin_word(text: str, length: int) -> bool:
    """STAG does not end in the legal form AG: a Latin suffix must start a word of its own."""
    first, before = text[-length], text[-length - 1]
    return first.isascii() and first.isalnum() and before.isascii() and before.isalnum()


def _strip_suffixes(
    text: str, words: tuple[str, ...], limit: int, min_left: int = 1
) -> tuple[str, str | None]:
    """Strip up to ``limit`` stacked suffixes (合伙企业 + (有限合伙)); returns them in reading order.
    A suffix is stripped only if at least ``min_left`` characters stay before it."""
    index = _by_last_char(words)
    stripped: list[str] = []
    for _ in range(limit):
        text, word = _strip_suffix(text, words, index, min_left)
        if word is None:
            break
        stripped.insert(0, word)
    return text, ("".join(stripped) if stripped else None)


def _leading_region(text: str, table: DivisionTable) -> tuple[Division | None, int]:
    """The most specific division named by a chain at the start of ``text`` (广东省深圳市南山区) and its length.

    A district that several cities have, written first (``南山区``: 深圳's and 鹤岗's), is read as a place
    but names no division: None, with its length."""
    found: Division | None = None
    end = 0
    while True:
        step = None
        for stop, division, is_short in table.prefixes(text, end):
            if is_short and division.level == "district":
                continue  # 南山, 朝阳 … are too often trade names themselves
            if found is not None and (division.rank <= found.rank or not found.contains(division)):
                continue
            step = (stop, division)
            break
        if step is None:
            return found, end
        if found is None and step[1].level == "district" and _in_several_cities(text[end : step[0]], table):
            return None, step[0]
        end, found = step


def _in_several_cities(name: str, table: DivisionTable) -> bool:
    """Whether districts of several cities carry the full name ``name`` (鼓楼区, 朝阳区, 南山区)."""
    return len({table.region_name(d) for d in table.lookup(name, short=False) if d.is_current}) > 1


_BRANCH_SEPARATORS = "() -—–_/·,，、:："
"""What a source writes between a company's name and its branch (``…有限公司—杭州分公司``, ``…/杭州办事处``)."""


def _branch(
    text: str, vocabulary: CompanyNameVocabulary, table: DivisionTable
) -> tuple[str, str | None, str | None]:
    """Split ``X有限公司杭州分公司`` into (``X有限公司``, ``分公司``, ``杭州``), and a store or branch named in
    brackets after the name, ``美宜佳(福田店)`` into (``美宜佳``, ``店``, ``福田``). An English name's branch is
    read by :func:`cleansing.latin_name_tails.latin_branch`."""
    if not _CJK_CHAR.search(text):
        return latin_branch(text, vocabulary.latin_branch_words, table)
    head, branch = _strip_suffix(text, vocabulary.branch_types)
    if branch is None:
        return _bracketed_branch(text, vocabulary, table)
    middle = ""
    for form in vocabulary.legal_forms:
        position = head.rfind(form)
        if position > 0 and len(form) >= 2:
            middle = head[position + len(form) :]
            head = head[: position + len(form)]
            break
    else:
        division, length = _leading_region_at_end(head, table)
        if division is not None:
            middle, head = head[-length:], head[:-length]
    middle = _ORDINAL.sub("", middle.strip(_BRANCH_SEPARATORS))
    region = None
    if middle:
        division, length = _leading_region(middle, table)
        region = table.region_name(division) if division is not None and length == len(middle) else middle
    return head, branch, region


_STORE = "店"
"""A chain's store (美宜佳(福田店), 海底捞(万达店)): a branch, named by its place or mall."""


def _bracketed_branch(
    text: str, vocabulary: CompanyNameVocabulary, table: DivisionTable
) -> tuple[str, str | None, str | None]:
    """``美宜佳便利店(福田店)``, ``X有限公司(杭州分公司)``: the last bracket of a name, when what it holds
    ends in a branch word or 店 after a place or a mall, names one branch or store of the chain before it.
    A bracketed shop word alone (``(便利店)``) is the name's industry, not a store."""
    if (bracket := _last_bracket(text)) is None:
        return text, None, None
    before, inner = bracket
    if inner in vocabulary.industry_words or not _CJK_CHAR.search(inner):
        return text, None, None
    place, branch = _strip_suffix(inner, vocabulary.branch_types)
    if branch is None and inner.endswith(_STORE) and len(inner) > len(_STORE):
        place, branch = inner[: -len(_STORE)], _STORE
    if branch is None or not place or "(" in place:
        return text, None, None
    place = _ORDINAL.sub("", place)
    division, length = _leading_region(place, table)
    region = table.region_name(division) if division is not None and length == len(place) else place
    return before, branch, region


def _last_bracket(text: str) -> tuple[str, str] | None:
    """A name ending in a bracket, as what stands before the bracket and what it holds; None otherwise."""
    if not text.endswith(")") or (start := text.rfind("(")) <= 0:
        return None
    return text[:start].rstrip(), text[start + 1 : -1].strip()


def _leading_region_at_end(text: str, table: DivisionTable) -> tuple[Division | None, int]:
    for start in range(max(1, len(text) - table.max_name_length), len(text) - 1):
        division, length = _leading_region(text[start:], table)
        if division is not None and start + length == len(text):
            return division, length
    return None, 0


def _bracketed_region(text: str, table: DivisionTable) -> tuple[str, str | None]:
    """Remove a bracketed region such as 华为技术(深圳) → (华为技术, 深圳)."""
    if "(" not in text:  # most names: no bracket to read
        return text, None
    for match in _BRACKET_GROUP.finditer(text):
        inner = match.group(1).strip()
        if inner in _EXTRA_BRACKET_REGIONS:
            return text[: match.start()] + text[match.end() :], inner
        division, length = _leading_region(inner, table)
        if division is not None and length == len(inner):
            return text[: match.start()] + text[match.end() :], table.region_name(division)
        if districts := [d for d in table.lookup(inner) if d.level == "district" and d.is_current]:
            # 华强商贸(南山)有限公司: a district, the region of its city where only one city has it
            cities = {table.region_name(d) for d in districts}
            return text[: match.start()] + text[match.end() :], cities.pop() if len(cities) == 1 else None
    return text, None


def parse_company_name(
    name: object,
    vocabulary: CompanyNameVocabulary | None = None,
    divisions: DivisionTable | None = None,
) -> CompanyNameParts | None:
    """Parse one name into :class:`CompanyNameParts`; blank input gives None.

    Names that do not parse (a person's name, an English name without a legal form) keep the normalised
    name as ``core``, so they can still be compared.
    """
    normalised = normalise_company_name(name)
    if normalised is None:
        return None
    return _parse_normalised(
        normalised, vocabulary or load_company_name_vocabulary(), divisions or load_divisions()
    )


def _parse_normalised(
    normalised: str, vocabulary: CompanyNameVocabulary, table: DivisionTable
) -> CompanyNameParts:
    """:func:`parse_company_name` of a name already through :func:`normalise_company_name`."""
    return CompanyNameParts(*_parse_fields(normalised, vocabulary, table))


TRADE_NAME_MIN = 2
"""Characters a trade name keeps at least when industry words are stripped off behind it."""


def _shop_word_back(body: str, legal_form: str | None, industries: tuple[str, ...]) -> tuple[str, str | None]:
    """Give back a 店 stripped as a legal form when it ends an industry word (商店, 烟酒店): the
    shop's trade is its industry, and 泓越商店 must keep 泓越 as its trade name."""
    if not legal_form or not legal_form.startswith("店"):
        return body, legal_form
    if any((body + "店").endswith(word) for word in industries if word.endswith("店")):
        return body + "店", legal_form[1:] or None
    return body, legal_form


_Fields = tuple[str | None, str | None, str | None, str | None, str | None, str | None, bool, str | None]


def _legal_form_unbracketed(head: str, qualifier: str) -> str | None:
    """``head`` with its brackets read away where its bracketed words are then part of its legal form
    (``ACME (PTY) LTD`` → ``ACME PTY LTD``, legal form ``PTY LTD``); None where they are not (a place)."""
    words = qualifier.split()
    unbracketed = " ".join(_BRACKET_GROUP.sub(r" \1 ", head).split())
    _, form = split_latin_legal_form(unbracketed)
    return unbracketed if words and form is not None and set(words) <= set(form.split()) else None


_LATIN_TAIL = re.compile(f"^(.*[{_CJK}]\\)?)([A-Z][A-Z0-9.,&'\\- ]*)$")
_LATIN_HEAD = re.compile(f"^([A-Z][A-Z0-9.,&'()\\- ]*?)([{_CJK}].*)$")


def _chinese_of_bilingual(text: str) -> str:
    """The Chinese name of a cell writing a company's Chinese and English names side by side
    (``深圳市华强贸易有限公司 SHENZHEN HUAQIANG TRADING CO., LTD.``, either way round, the second perhaps in
    brackets): the name, not the two run together. Latin letters inside a Chinese name
    (``TCL科技集团股份有限公司``, ``深圳市ABC贸易有限公司``) stay: only a Latin name of two words or more
    beside two Chinese characters or more is a translation."""
    if not _CJK_CHAR.search(text) or " " not in text:
        return text
    for pattern, chinese_group in ((_LATIN_TAIL, 1), (_LATIN_HEAD, 2)):
        if (match := pattern.match(text)) is not None and " " in match.group(3 - chinese_group).strip():
            chinese = match.group(chinese_group).strip()
            if chinese.startswith("(") and chinese.count("(") > chinese.count(")"):
                chinese = chinese[1:]
            if chinese.endswith(")") and chinese.count(")") > chinese.count("("):
                chinese = chinese[:-1]
            if chinese_characters(chinese) >= 2:
                return chinese.strip()
    return text


def _parse_fields(normalised: str, vocabulary: CompanyNameVocabulary, table: DivisionTable) -> _Fields:
    """The fields of :class:`CompanyNameParts`, in order, for a normalised name."""
    chinese = _chinese_of_bilingual(normalised)
    normalised = read_away_notes(chinese) if chinese != normalised else normalised
    head, branch, branch_region = _branch(normalised, vocabulary, table)
    latin = not _CJK_CHAR.search(head)
    qualifier = None
    if not latin:
        head, note_region = _note_after_legal_form(head, vocabulary, table)
    else:
        # SIEMENS LTD., CHINA places the name as SIEMENS (CHINA) LTD does; … CO LTD HEAD OFFICE is … CO LTD.
        head, qualifier = after_the_legal_form(head, table)
        note_region = None
    if latin and (bracketed := _BRACKET_GROUP.search(head)):
        if is_head_office_mark(bracketed.group(1)):
            # ACME LTD (HEAD OFFICE), ACME (HQ) LTD: the company itself, placed nowhere.
            head = " ".join(_BRACKET_GROUP.sub(" ", head).split()) or head
        elif (unbracketed := _legal_form_unbracketed(head, bracketed.group(1))) is not None:
            # ACME (PTY) LTD, ACME (PVT) LTD: the bracketed word belongs to the legal form after it.
            head = unbracketed
        elif bracket_names_the_company(bracketed.group(1)):
            # ACME (HOLDINGS) LTD, ACME (NO 2) LTD: another company than ACME LTD, as written without brackets.
            head = " ".join(
                f"{head[: bracketed.start()]} {bracketed.group(1)} {head[bracketed.end() :]}".split()
            )
        else:
            # SPAGO (LOS ANGELES), ACME (UK) LTD: the bracketed words place the name; they are not its name.
            qualifier = qualifier or bracketed.group(1)
            head = " ".join(_BRACKET_GROUP.sub(" ", head).split()) or head
    # A Latin name's legal forms in any language and spelling (N.V., NV, N V); a Chinese name's from the list.
    body, legal_form = split_latin_legal_form(head) if latin else (head, None)
    if not latin:
        head = head.replace(_GROUP_IN_BRACKETS, _GROUP)
    if legal_form is None:
        body, legal_form = _strip_suffixes(head, vocabulary.legal_forms, limit=2)
    body, legal_form = _shop_word_back(body, legal_form, vocabulary.industries)
    if latin:
        body = _latin_name_words(body, vocabulary.latin_abbreviations)
    else:
        body, legal_form = _sole_trader_mark_first(body, legal_form)
    body, region = _bracketed_region(body, table)
    if (
        region is not None
        and legal_form
        and body.endswith(_GROUP)
        and len(body) >= len(_GROUP) + TRADE_NAME_MIN
    ):
        # 海尔集团(青岛)有限公司: the region written between the group mark and the rest of the legal form
        body, legal_form = body[: -len(_GROUP)], _GROUP + legal_form
    if not latin and (bracket := _last_bracket(body)) is not None and chinese_characters(bracket[0]) >= 2:
        # 王芳(采购), 华强商贸(老客户): a bracket no reading above took for a place, branch or legal form
        # is a note; left in, it would cut the trade name at its opening bracket (王芳(采购)
        body = bracket[0]
    body, nation = _national_prefix(body, vocabulary, table) if region is None else (body, None)
    division, length = _leading_region(body, table)
    # A trade name (字号) has two characters or more: 绿健康生鲜超市 is 绿健康 | 生鲜超市, not 绿 | 健康生鲜超市.
    trade, industry = _strip_suffixes(body[length:], vocabulary.industries, limit=3, min_left=TRADE_NAME_MIN)
    # A district of several cities (南山区华强商贸) is a place written in full, of no one city.
    written_in_full = length > 0 and (division is None or body[:length].endswith(division.name))
    has_trade_name = bool(trade.strip(" ()")) and trade not in vocabulary.industry_words
    if length > 0 and (has_trade_name or written_in_full):
        region = region or (table.region_name(division) if division is not None else None)
    else:
        # 朝阳食品, 中山商贸: a short division name with nothing after it but an industry is the trade name
        trade, industry = _strip_suffixes(body, vocabulary.industries, limit=3, min_left=TRADE_NAME_MIN)
    trade_name = trade.strip(" ()") or None
    if trade_name is None and industry is not None:
        # 商贸有限公司 alone: the industry word is all there is to call it
        trade_name, industry = industry, None
    core = "".join(p for p in (trade_name, industry) if p) or normalised
    if region is None and qualifier is not None:
        region = bracketed_place(qualifier, table)
    region = region or note_region or nation
    return (region, trade_name, industry, legal_form, branch, branch_region, branch is not None, core)


def _sole_trader_mark_first(body: str, legal_form: str | None) -> tuple[str, str | None]:
    """``个体户张三``: the mark written before the name is its legal form, as ``张三个体户`` writes it after."""
    for mark in _SOLE_TRADER_MARKS:
        if legal_form is None and body.startswith(mark) and len(body) > len(mark):
            return body[len(mark) :], mark
    return body, legal_form


def _national_prefix(
    body: str, vocabulary: CompanyNameVocabulary, table: DivisionTable
) -> tuple[str, str | None]:
    """``中国雀巢`` → (``雀巢``, ``中国``): the country written first is the name's region, as it is in
    ``雀巢(中国)有限公司``, where a trade name of two characters or more follows it (中国风 keeps its
    name; 中国银行 too, 银行 being an industry word alone)."""
    if not body.startswith(_NATION):
        return body, None
    rest = body[len(_NATION) :]
    _, length = _leading_region(rest, table)
    trade, _ = _strip_suffixes(rest[length:], vocabulary.industries, limit=3, min_left=TRADE_NAME_MIN)
    trade = trade.strip(" ()")
    if len(trade) < TRADE_NAME_MIN or trade in vocabulary.industry_words or not _CJK_CHAR.match(trade):
        return body, None
    return rest, _NATION


_FORMER_NAME = re.compile(r"^(原名?|曾用名|更名前)[:：]?")
"""A bracket that gives the name the company had before: 华强商贸有限公司(原华强贸易有限公司)."""


_HEAD_OFFICE = "总部"
"""The head office written after a company's legal form (…有限公司总部): the company itself."""


def _note_after_legal_form(
    text: str, vocabulary: CompanyNameVocabulary, table: DivisionTable
) -> tuple[str, str | None]:
    """A Chinese name with the head office's mark (总部) or a bracket after its legal form, read away: a former name
    (``(原深圳市华强贸易有限公司)``), a place (``(深圳)``, a city's region; ``(福田)``, a district, says
    nothing more) or another note; a bracketed legal form (``(有限合伙)``) stays. Returns the name and the
    bracket's city-level region, if it names one."""
    if text.endswith(_HEAD_OFFICE):
        head_office = text.removesuffix(_HEAD_OFFICE).rstrip(_BRANCH_SEPARATORS)
        if _strip_suffix(head_office, vocabulary.legal_forms)[1] is not None:
            # …有限公司总部, …有限公司-总部: the company itself.
            return head_office, None
    if (bracket := _last_bracket(text)) is None:
        return text, None
    before, inner = bracket
    if f"({inner})" in vocabulary.legal_forms or "(" in inner:
        return text, None
    former = _FORMER_NAME.match(inner) is not None
    if not former and _strip_suffix(before, vocabulary.legal_forms)[1] is None:
        return text, None
    if former:
        return before, None
    division, length = _leading_region(inner, table)
    placed = division is not None and length == len(inner) and division.level != "district"
    return before, table.region_name(division) if placed and division is not None else None


_CONNECTIVES = frozenset({"&", "AND"})
_WORD_GAP = re.compile(r"[\s,]+")
_ARTICLE = "THE"


def _latin_name_words(body: str, abbreviations: dict[str, str]) -> str:
    """The words of a Latin name that name it: the connective ``&``/``AND`` left out (``PANOS & PAULS`` is
    ``PANOS AND PAULS``), commas between words, the article ``THE`` at either end (a guide's
    ``PALM, THE`` is ``THE PALM``), and a shortened word written out (``MFG`` is ``MANUFACTURING``,
    ``cleansing/vocab/latin_name_abbreviations.yaml``)."""
    words = [w for w in _WORD_GAP.split(body) if w and w not in _CONNECTIVES]
    words = [abbreviations.get(w.rstrip("."), w) for w in words]
    while len(words) > 1 and words[0] == _ARTICLE:
        words.pop(0)
    while len(words) > 1 and words[-1] == _ARTICLE:
        words.pop()
    return " ".join(words) or body


@lru_cache(maxsize=200_000)
def pinyin_key(text: str | None) -> str | None:
    """Toneless full pinyin of ``text`` (华为 → huawei) for blocking on names that sound alike; Latin kept."""
    if text is None or is_blank(text):
        return None
    key = "".join(lazy_pinyin(text, style=Style.NORMAL, errors="default")).lower()
    key = re.sub(r"[^0-9a-z]", "", key)
    return key or None


# lazy_pinyin(text) is the concatenation, over the words ``Pinyin.seg`` cuts ``text`` into, of each word's
# conversion; trade names share few words, so each word is converted once and remembered.
_PINYIN = Pinyin(UltimateConverter(v_to_u=False, neutral_tone_with_five=False, tone_sandhi=False))
_NOT_KEY = re.compile(r"[^0-9a-z]")


def _pinyin_keys(texts: Iterable[object]) -> list[str | None]:
    """:func:`pinyin_key` of each text, converting each distinct word once."""
    words: dict[str, str] = {}
    seg, convert = _PINYIN.seg, _PINYIN._converter.convert
    keys: list[str | None] = []
    for text in texts:
        if text is None or is_blank(text):
            keys.append(None)
            continue
        pieces = []
        for word in seg(str(text)):
            piece = words.get(word)
            if piece is None:
                piece = words[word] = "".join(
                    "".join(py) for py in convert(word, Style.NORMAL, False, "default", strict=True)
                )
            pieces.append(piece)
        keys.append(_NOT_KEY.sub("", "".join(pieces).lower()) or None)
    return keys


_FIELDS = ("region", "trade_name", "industry", "legal_form", "branch", "branch_region", "is_branch", "core")


def parse_company_names(names: pd.Series) -> pd.DataFrame:
    """Vectorised :func:`parse_company_name`: one column per part plus ``name_normalised`` and ``pinyin_key``.

    Each distinct name is normalised and parsed once. Blank names give NA in every column (``is_branch`` too).
    """
    vocabulary = load_company_name_vocabulary()
    table = load_divisions()
    codes, distinct = pd.factorize(names, use_na_sentinel=True)
    uniques = distinct_values(distinct)
    first_pass = _normalise_company_name_values(uniques)
    # parse_company_name normalises its input again; do the same, once per distinct normalised name.
    # A name that was already in normalised form among the inputs has its second pass done already.
    done = {raw: text for raw, text in zip(uniques, first_pass, strict=True) if isinstance(raw, str)}
    distinct_codes, parse_uniques = pd.factorize(object_array(first_pass), use_na_sentinel=True)
    parse_codes = np.append(distinct_codes, -1)[codes]  # row → distinct normalised name (-1: blank)
    pending = [text for text in parse_uniques if text not in done]
    done.update(zip(pending, _normalise_company_name_values(pending), strict=True))
    normalised = [done[text] for text in parse_uniques]
    blank = (None,) * len(_FIELDS)
    parsed: list[tuple[object, ...]] = [
        blank if name is None else _parse_fields(name, vocabulary, table) for name in normalised
    ]
    # A Latin rendering of a Chinese name (Shenzhen Huarun Trading) names its region in pinyin.
    renderings = [read_latin_rendering(text, table) if isinstance(text, str) else None for text in normalised]
    parsed = [
        fields if r is None or r.region is None else (r.region, *fields[1:])
        for fields, r in zip(parsed, renderings, strict=True)
    ]
    parsed.append(blank)  # picked by code -1
    distinct_fields = dict(
        zip(
            _FIELDS,
            (np.fromiter(column, dtype=object, count=len(parsed)) for column in zip(*parsed, strict=True)),
            strict=True,
        )
    )
    columns: dict[str, object] = {
        "name_normalised": pd.array(object_array([*normalised, None])[parse_codes], dtype="string")
    }
    for field_name in _FIELDS:
        dtype = "boolean" if field_name == "is_branch" else "string"
        columns[field_name] = pd.array(distinct_fields[field_name][parse_codes], dtype=dtype)
    trade_codes, trade_uniques = pd.factorize(distinct_fields["trade_name"], use_na_sentinel=True)
    keys = object_array([*_pinyin_keys(trade_uniques), None])[trade_codes]
    # A Latin rendering sounds like the Chinese trade name it renders, not like its English words.
    for position, rendering in enumerate(renderings):
        if rendering is not None:
            keys[position] = rendering.trade_pinyin
    columns["pinyin_key"] = pd.array(keys[parse_codes], dtype="string")
    return pd.DataFrame(columns, index=names.index)
