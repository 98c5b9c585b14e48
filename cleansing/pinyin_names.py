"""Latin renderings of Chinese company names: ``Shenzhen Huarun Trading Co., Ltd.`` for 深圳华润商贸有限公司.

A Chinese company's English or pinyin name keeps its trade name (字号) in pinyin and often its city in
front; the industry and the legal form are translated. The pinyin words after the city are the trade
name's sound, the key the Chinese name's pinyin (:func:`cleansing.company_names.pinyin_key`) is blocked and
compared on, and the city is the name's region, so ``Shanghai Huarun Trading`` still differs from
合肥华润商贸. A Latin name whose words are not pinyin (``Siemens``, ``Ashcroft Plastics``) is left alone.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from cleansing.config_files import read_yaml_mapping
from cleansing.divisions import DivisionTable, load_divisions
from foundation.errors import UserError

__all__ = [
    "IndustryTranslations",
    "LatinRendering",
    "bracket_names_the_company",
    "bracketed_place",
    "chinese_industry_concepts",
    "is_pinyin_word",
    "load_industry_translations",
    "pinyin_syllables",
    "read_latin_rendering",
]

TRANSLATIONS_YAML = Path(__file__).parent / "vocab" / "industry_translations.yaml"
_WORD = re.compile(r"[A-Z]+(?:['’\-][A-Z]+)*")
_LONGEST_SYLLABLE = 6
_LATIN_SEPARATOR = re.compile(r"[^A-Z]+")
_NOT_LETTER = re.compile(r"[^A-Za-z]")


@dataclass(frozen=True)
class IndustryTranslations:
    """Industry words in Chinese and English mapped to one concept each (:data:`TRANSLATIONS_YAML`)."""

    chinese: dict[str, str]
    """Chinese industry word → concept."""
    english: dict[tuple[str, ...], str]
    """English words → concept."""
    english_legal_forms: tuple[tuple[str, ...], ...]
    """English legal forms as words, longest first."""


def _words(text: str) -> tuple[str, ...]:
    """Upper-case Latin words without punctuation or AND (``Import & Export`` → IMPORT, EXPORT)."""
    return tuple(w for w in _LATIN_SEPARATOR.split(text.upper()) if w and w != "AND")


@lru_cache(maxsize=4)
def load_industry_translations(path: Path = TRANSLATIONS_YAML) -> IndustryTranslations:
    """Read the concepts (``zh`` and ``en`` word lists) and the English legal forms."""
    document = read_yaml_mapping(path, "vocabulary file", "concepts, legal_forms_en")
    concepts, legal = document.get("concepts"), document.get("legal_forms_en")
    if not isinstance(concepts, dict) or not isinstance(legal, list):
        raise UserError(f"{path}: expected 'concepts' (a mapping) and 'legal_forms_en' (a list)")
    chinese: dict[str, str] = {}
    english: dict[tuple[str, ...], str] = {}
    for concept, words in concepts.items():
        if not isinstance(words, dict) or not all(isinstance(words.get(k), list) for k in ("zh", "en")):
            raise UserError(f"{path}: concepts.{concept}: expected lists 'zh' and 'en'")
        chinese.update((str(w), str(concept)) for w in words["zh"])
        english.update((_words(str(w)), str(concept)) for w in words["en"])
    forms = sorted({_words(str(w)) for w in legal}, key=len, reverse=True)
    return IndustryTranslations(chinese, english, tuple(f for f in forms if f))


def chinese_industry_concepts(industry: str, translations: IndustryTranslations | None = None) -> str | None:
    """The concepts of a Chinese industry word (食品贸易 → ``food|trade``), or None if a part is unknown."""
    table = (translations or load_industry_translations()).chinese
    found: set[str] = set()
    start = 0
    while start < len(industry):
        for stop in range(len(industry), start, -1):
            if industry[start:stop] in table:
                found.add(table[industry[start:stop]])
                start = stop
                break
        else:
            return None
    return "|".join(sorted(found)) or None


def _latin_industry_concepts(words: tuple[str, ...], translations: IndustryTranslations) -> str | None:
    """The concepts of the English words between a trade name and the end of the name, legal forms
    taken off the end first; None if a word is neither."""
    stripped = True
    while stripped and words:
        stripped = False
        for form in translations.english_legal_forms:
            if len(form) <= len(words) and words[-len(form) :] == form:
                words, stripped = words[: -len(form)], True
                break
    found: set[str] = set()
    start = 0
    while start < len(words):
        for stop in range(len(words), start, -1):
            concept = translations.english.get(words[start:stop])
            if concept is not None:
                found.add(concept)
                start = stop
                break
        else:
            return None
    return "|".join(sorted(found)) or None


def _starts_industry(words: list[str], translations: IndustryTranslations) -> bool:
    """The words start with an English industry word (TEA is pinyin too, but not a trade name here)."""
    head = _words(" ".join(words[:3]))
    return any(head[:size] in translations.english for size in range(1, len(head) + 1))


@dataclass(frozen=True)
class LatinRendering:
    """What a Latin company name tells of the Chinese name it renders."""

    region: str | None
    """The region it starts with (``SHENZHEN`` → 深圳), when that pinyin names one region only."""
    trade_pinyin: str
    """The pinyin words after the region, joined and lower-case (``huarun``)."""
    industry: str | None = None
    """The concepts of its industry words (``food|trade``, see :func:`chinese_industry_concepts`)."""


@lru_cache(maxsize=1)
def pinyin_syllables() -> frozenset[str]:
    """Every toneless pinyin syllable with a vowel (``hua``, ``zhuang``; ``ü`` written ``u`` or ``v``)."""
    from pypinyin.pinyin_dict import pinyin_dict

    out: set[str] = set()
    for readings in pinyin_dict.values():
        for reading in readings.split(","):
            decomposed = unicodedata.normalize("NFKD", reading)
            plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()
            if plain.isascii() and plain.isalpha() and re.search("[aeiou]", plain):
                out.add(plain)
                if "u" in plain and plain[:1] in ("l", "n"):
                    out.add(plain.replace("u", "v"))  # lü, nü written lv, nv
    return frozenset(out)


@lru_cache(maxsize=100_000)
def is_pinyin_word(word: str) -> bool:
    """True if ``word`` splits wholly into pinyin syllables (``liantingqing``, ``Xi'an``); case ignored."""
    letters = re.sub(r"['’\-]", "", word).lower()
    if not letters.isascii() or not letters.isalpha():
        return False
    syllables = pinyin_syllables()
    ends = [True] + [False] * len(letters)
    for stop in range(1, len(letters) + 1):
        ends[stop] = any(
            ends[start] and letters[start:stop] in syllables
            for start in range(max(0, stop - _LONGEST_SYLLABLE), stop)
        )
    return ends[-1]


@lru_cache(maxsize=100_000)
def _syllable_count(word: str) -> int:
    """The fewest pinyin syllables ``word`` splits into (0 if it does not)."""
    letters = re.sub(r"['’\-]", "", word).lower()
    syllables = pinyin_syllables()
    best = [0] + [10**6] * len(letters)
    for stop in range(1, len(letters) + 1):
        for start in range(max(0, stop - _LONGEST_SYLLABLE), stop):
            if letters[start:stop] in syllables:
                best[stop] = min(best[stop], best[start] + 1)
    return best[-1] if best[-1] < 10**6 else 0


@dataclass(frozen=True)
class _PinyinRegions:
    regions: dict[str, str | None]
    """Province and city names in pinyin (``shenzhen``) → region; None for a pinyin that names two."""
    endings: frozenset[str]
    """Every ending of those pinyin names (``hai``, ``anghai`` …): what a name's last word must be to end one."""


_PINYIN_REGIONS: dict[int, tuple[DivisionTable, _PinyinRegions]] = {}


def _pinyin_regions(table: DivisionTable) -> _PinyinRegions:
    """The table's provinces and cities in pinyin, read once per table (kept, so its id is not reused)."""
    cached = _PINYIN_REGIONS.get(id(table))
    if cached is not None and cached[0] is table:
        return cached[1]
    regions = _read_regions_by_pinyin(table)
    found = _PinyinRegions(regions, frozenset(key[i:] for key in regions for i in range(len(key))))
    _PINYIN_REGIONS[id(table)] = (table, found)
    return found


def _regions_by_pinyin(table: DivisionTable) -> dict[str, str | None]:
    """Province and city names in pinyin (``shenzhen``) → region; None for a pinyin that names two
    (``taizhou`` is 台州 and 泰州)."""
    return _pinyin_regions(table).regions


def _pinyin_key(words: list[str] | tuple[str, ...]) -> str:
    return _NOT_LETTER.sub("", "".join(words)).lower()


def region_of_pinyin(words: list[str] | tuple[str, ...], table: DivisionTable) -> str | None:
    """The Chinese name of the province or city that upper-case pinyin ``words`` spell (``SHANG HAI``,
    ``SHANGHAI`` → 上海); None where they spell none, or two (``TAIZHOU``)."""
    return _regions_by_pinyin(table).get(_pinyin_key(words))


def could_end_a_region_in_pinyin(word: str, table: DivisionTable) -> bool:
    """Whether an upper-case word could be the last word of a province's or city's name in pinyin
    (``HAI`` of ``SHANG HAI``, ``SHANGHAI``): a cheap test before the words before it are read."""
    return word.lower() in _pinyin_regions(table).endings


def _read_regions_by_pinyin(table: DivisionTable) -> dict[str, str | None]:
    from pypinyin import Style, lazy_pinyin

    found: dict[str, set[str]] = {}
    for division in table.divisions:
        if division.level == "district" or division.is_placeholder or not division.is_current:
            continue
        region = table.region_name(division)
        for name in {division.short_name or division.name, division.name}:
            key = "".join(lazy_pinyin(name, style=Style.NORMAL)).lower()
            if key.isascii() and key.isalpha():
                found.setdefault(key, set()).add(region)
    return {key: regions.pop() if len(regions) == 1 else None for key, regions in found.items()}


def bracket_names_the_company(qualifier: str) -> bool:
    """Whether a Latin name's bracketed words are part of its name rather than a place: a number
    (``ACME (NO 2)``, ``ACME (2005)``) or an English word of what the company is (``ACME (HOLDINGS)``,
    ``HUARUN (TRADING)``), so that they read as the same words written without brackets do."""
    if any(ch.isdigit() for ch in qualifier):
        return True
    return _words(qualifier) in load_industry_translations().english


def bracketed_place(qualifier: str, table: DivisionTable) -> str | None:
    """The region a Latin name's bracketed words name: a Chinese province or city in pinyin as its
    Chinese name (``(SHENZHEN)`` → 深圳; None where the pinyin names two), other pinyin (a place the
    table cannot tell) and an English legal form (``(GROUP)``) None, and any other words as written
    (``(LOS ANGELES)``, ``(UK)``). Words of the name itself are not asked (:func:`bracket_names_the_company`)."""
    words = _WORD.findall(qualifier.upper())
    if not words:
        return None
    if _words(qualifier) in load_industry_translations().english_legal_forms:
        return None  # ACME (GROUP): a word of what the company is, not where
    regions = _regions_by_pinyin(table)
    key = _pinyin_key(words)
    if key in regions:
        return regions[key]
    if all(is_pinyin_word(word) for word in words):
        return None
    return " ".join(words)


def read_latin_rendering(normalised: str, table: DivisionTable | None = None) -> LatinRendering | None:
    """The region and trade-name pinyin of a Latin company name, or None if it reads as no rendering.

    ``normalised`` is the upper-case name (:func:`cleansing.company_names.normalise_company_name`). The
    name renders a Chinese one when it starts with a region's pinyin and a pinyin word follows, or when its
    leading pinyin words hold two syllables or more (``Anzejunbai Trading``); one short word that happens to
    be pinyin (``Man Group``) is not enough.
    """
    if not normalised.isascii():
        return None
    words = _WORD.findall(normalised)
    if not words:
        return None
    regions = _regions_by_pinyin(table or load_divisions())
    region, after_region = None, False
    for size in (2, 1):  # XI AN, HU BEI before XIAN
        key = _NOT_LETTER.sub("", "".join(words[:size])).lower()
        if len(words) > size and key in regions:
            region, words, after_region = regions[key], words[size:], True
            break
    if not words or not is_pinyin_word(words[0]):
        return None  # most English names end here
    translations = load_industry_translations()
    trade: list[str] = []
    for position, word in enumerate(words):
        if not is_pinyin_word(word) or (trade and _starts_industry(words[position:], translations)):
            break
        trade.append(word)
    if not trade:
        return None
    if not after_region and sum(_syllable_count(w) for w in trade) < 2:
        return None
    pinyin = re.sub(r"[^a-z]", "", "".join(trade).lower())
    rest = _words(" ".join(words[len(trade) :]))
    return LatinRendering(region, pinyin, _latin_industry(rest))


@lru_cache(maxsize=100_000)
def _latin_industry(words: tuple[str, ...]) -> str | None:
    """:func:`_latin_industry_concepts` with the packaged translations, once per distinct ending."""
    return _latin_industry_concepts(words, load_industry_translations())
