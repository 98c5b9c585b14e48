"""People's names: Chinese names without spaces or honorifics; Latin names as sorted upper-case tokens.

A surname with only a title (王经理, 张总) is treated as unknown: it would otherwise agree with every other
王经理 in the data. A Latin name's title (``Mr``, ``Dr.``) is left out.

张 三, 张三先生 and 張三 are one name; so are ``John Smith`` and ``SMITH, John``. Sorting Latin tokens removes the
given-name/family-name order question, which sources answer differently.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import pandas as pd

from cleansing.name_notes import read_away_notes
from cleansing.text import map_distinct, normalise_brackets, normalise_text

__all__ = [
    "chinese_names_sound_alike",
    "latin_name_parts",
    "normalise_person_name",
    "normalise_person_names",
    "person_name_sound_keys",
]

_CJK = re.compile(r"[\u3400-\u9fff]")
_ANNOTATION = re.compile(r"\([^()]*\)")
_HONORIFIC = re.compile(r"(先生|女士|小姐|老板|经理|总经理|董事长|老师|总)+$")
_MIDDLE_DOT = re.compile(r"\s*[·•‧・∙⋅.]\s*")
_LATIN_SEPARATORS = re.compile(r"[^A-Z0-9'\-]+")
_LATIN_TITLES = frozenset(
    {"MR", "MRS", "MS", "MISS", "MX", "DR", "PROF", "SIR", "DAME", "REV", "HERR", "FRAU", "MME", "MLLE"}
)
"""Titles a Latin name may carry; ``JR`` or ``SR`` stays (a father and his son)."""
_GENERATIONS = frozenset({"JR", "SR", "II", "III", "IV"})
"""What may follow a family name (``JOHN SMITH JR``): not the family name itself."""
_PLACEHOLDERS = frozenset({"无", "未知", "暂无", "NULL", "NONE", "N/A", "NA", "-", "/", "?"})


def _name_text(value: object) -> str | None:
    """A name as written without brackets of notes (张三(采购)), placeholders or what an export wrote
    around it (王芳 13800000000, ZZ JOHN SMITH); a Latin name upper-case."""
    text = normalise_text(value)
    if text is None:
        return None
    text = normalise_brackets(text)
    while _ANNOTATION.search(text):  # 张三(采购), nested ones too
        text = _ANNOTATION.sub("", text)
    text = text.replace("(", " ").replace(")", " ").strip()
    if text.upper() in _PLACEHOLDERS or not text:
        return None
    return read_away_notes(text if _CJK.search(text) else text.upper(), contacts=False)


def normalise_person_name(value: object) -> str | None:
    """One canonical spelling of a person's name; blank or placeholder → None."""
    text = _name_text(value)
    if text is None:
        return None
    if _CJK.search(text):
        # minority names: 买买提·艾力 keeps one middle dot whatever the source typed
        # NFKC again: a removed space may let a combining mark compose with its letter
        text = unicodedata.normalize("NFKC", re.sub(r"\s+", "", text))
        text = _MIDDLE_DOT.sub("·", text).strip("·")
        stripped = text
        while (shorter := _HONORIFIC.sub("", stripped).strip("·")) != stripped:  # 张总·经理
            stripped = shorter
        if stripped != text and len(stripped) <= 1:
            return None  # 王经理, 先生: a surname or a title alone identifies nobody
        if _CJK.search(stripped):
            return None if stripped in _PLACEHOLDERS else stripped
        text = stripped  # Smith先生: what is left is a Latin name
    tokens = [t.strip("'-") for t in _LATIN_SEPARATORS.split(text.upper())]
    # Mr John Smith, Dr. J. Smith: a title says nothing of who; Mr alone is nobody.
    tokens = [t for t in tokens if t and t not in _LATIN_TITLES]
    name = " ".join(sorted(tokens))
    return None if not name or name in _PLACEHOLDERS else name


def normalise_person_names(series: pd.Series) -> pd.Series:
    """Vectorised :func:`normalise_person_name` as a nullable string Series."""
    return pd.Series(
        pd.array(map_distinct(series, normalise_person_name), dtype="string"), index=series.index
    )


def latin_name_parts(value: object) -> tuple[str | None, str | None]:
    """(given name, family name) of a Latin name written in one column: ``SMITH, John`` writes the family
    name first, ``John Henry Smith`` last (a middle name, a title, ``JR`` and what an export wrote
    around the name left out); a name of one word is the given name alone. A Chinese name and a blank
    give ``(None, None)``: a Chinese name in one column is not split (see :mod:`mdm.name_parts`)."""
    text = _name_text(value)
    if text is None or _CJK.search(text):
        return None, None
    family, comma, given = text.partition(",")
    if not comma:
        given, family = text, ""

    def words(part: str) -> list[str]:
        # ZOË is ZOE: an accent is a letter of the name, not a break in it
        folded = "".join(ch for ch in unicodedata.normalize("NFKD", part) if not unicodedata.combining(ch))
        found = [t.strip("'-") for t in _LATIN_SEPARATORS.split(folded)]
        found = [t for t in found if t and t not in _LATIN_TITLES]
        while found and found[-1] in _GENERATIONS:
            found.pop()
        return found

    given_words, family_words = words(given), words(family)
    if not family_words:
        given_words, family_words = given_words[:1], given_words[1:]
    if not family_words or not given_words:
        # One word, either part: kept as the given name, which is compared with both parts of another
        # record's name (THEODORE / THEODORE MARSHALL, MARSHALL / THEODORE MARSHALL agree; see
        # mdm.name_parts.known_parts_agree).
        alone = given_words or family_words
        return (alone[0] if alone else None), None
    return given_words[0], family_words[-1]


_NOT_A_LATIN_LETTER = re.compile(r"[^a-z ]+")


def person_name_sound_keys(name: str) -> frozenset[str]:
    """How a person's name sounds, as keys a Chinese name and its pinyin share: a Latin name its lower-case
    words in sorted order (``Zhang Wei`` and ``WEI ZHANG`` → ``wei zhang``; ``Xiao-Ming`` is ``xiaoming``); a
    Chinese name the pinyin of its family name (one character or two: 欧阳) and of its given name, the
    given name joined or syllable by syllable, in sorted order (张小明 → ``xiaoming zhang``, ``ming xiao
    zhang``). A character with two readings is read as in common words (单 as ``dan``)."""
    if not _CJK.search(name):
        words = _NOT_A_LATIN_LETTER.sub("", name.lower().replace("-", "").replace("'", "")).split()
        return frozenset({" ".join(sorted(words))}) if words else frozenset()
    from pypinyin import Style, lazy_pinyin

    syllables = [s.lower() for s in lazy_pinyin(name, style=Style.NORMAL) if s.isascii() and s.isalpha()]
    keys: set[str] = set()
    for family in (1, 2):
        if family < len(syllables):
            given = syllables[family:]
            surname = "".join(syllables[:family])
            keys.add(" ".join(sorted([surname, "".join(given)])))
            keys.add(" ".join(sorted([surname, *given])))
    return frozenset(keys)


_FUZZY_INITIALS = (("zh", "z"), ("ch", "c"), ("sh", "s"), ("n", "l"), ("r", "l"), ("f", "h"))
_FUZZY_FINALS = (("ang", "an"), ("eng", "en"), ("ing", "in"), ("iang", "ian"), ("uang", "uan"))


@lru_cache(maxsize=20_000)
def _character_sounds(character: str) -> frozenset[str]:
    """Every reading of one Chinese character without its tone, in the loose form a pinyin input method
    accepts for a speaker of a southern accent (``zh``/``z``, ``n``/``l``, ``-ng``/``-n`` alike)."""
    from pypinyin import Style, pinyin

    readings = pinyin(character, style=Style.NORMAL, heteronym=True)[0]
    sounds = set()
    for reading in readings:
        if not reading.isascii():
            return frozenset({character})  # not a Chinese character: only itself
        for initial, loose in _FUZZY_INITIALS:
            if reading.startswith(initial):
                reading = loose + reading[len(initial) :]
                break
        for final, loose in _FUZZY_FINALS:
            if reading.endswith(final):
                reading = reading[: -len(final)] + loose
                break
        sounds.add(reading)
    return frozenset(sounds)


def chinese_names_sound_alike(a: str, b: str) -> bool:
    """Whether two Chinese names of one length differ only in characters that sound alike: 张伟 / 张玮
    or 刘德华 / 刘得华 (a character typed for another of the same sound, the slip a pinyin input method
    makes), not 王芳 / 王丽 or 张小明 / 张小红 (two people: siblings often share a generation character).
    Tones and the sounds a southern accent merges are ignored."""
    if len(a) != len(b):
        return False
    return all(x == y or _character_sounds(x) & _character_sounds(y) for x, y in zip(a, b, strict=True))
