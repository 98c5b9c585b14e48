"""What an English company name writes after the company's own name: a branch, the head office, a place.

**A branch** (``HUAXIN TRADING CO., LTD. SHANGHAI BRANCH``). A Chinese company's English name marks a branch as
its Chinese name does (…有限公司上海分公司): a place and a branch word after the head office's name (``… CO.,
LTD. SHANGHAI BRANCH``), after a comma (``BANK OF CHINA, SHANGHAI BRANCH``), in a last bracket (``… CO LTD
(PUDONG SUB-BRANCH)``) or before it (``SHANGHAI BRANCH OF … CO., LTD.``). Read as a branch, it keeps its own
identity beside its head office — its own credit code, not a duplicate — and an English and a Chinese record of
one branch name the same one: each English branch word stands for the Chinese word it translates (``BRANCH`` →
分公司, ``SUB-BRANCH`` → 支行, ``REPRESENTATIVE OFFICE`` → 代表处) and a pinyin place for its Chinese name
(``SHANGHAI`` → 上海). The word alone is not enough: ``THE OLIVE BRANCH`` is a restaurant's name. A branch is
read where the words before the place end in a legal form (``… CO., LTD.``), where a comma or a bracket sets
the place apart, or where the place is a Chinese province, city or district in pinyin. Words that also name a
business's own premises (``OFFICE``, ``STORE``, ``PLANT``) need a place before them.

**The head office** (``… CO LTD HEAD OFFICE``, ``… (HQ)``, ``… - HEADQUARTERS``) is the company itself: the
mark is read away.

**A place after the legal form** (``SIEMENS LTD., CHINA``, ``HUAXIN TRADING CO., LTD. SHANGHAI``) places the
name as a bracket does (``SIEMENS (CHINA) LTD``): a Chinese province or city in pinyin, or a country or
territory a Chinese company's English name writes (``CHINA``, ``HONG KONG``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from cleansing.divisions import DivisionTable
from cleansing.latin_legal_forms import split_latin_legal_form
from cleansing.pinyin_names import could_end_a_region_in_pinyin, region_of_pinyin

MAX_PLACE_WORDS = 3
"""The most words a branch's place is read from (``SHANGHAI PUDONG NEW AREA`` is cut to its last three)."""

NEEDS_A_PLACE = frozenset({"办事处", "分店", "分厂"})
"""Branch types whose English words (``OFFICE``, ``STORE``, ``PLANT``) also name a company's own premises:
a branch only after a place."""

NOT_A_PLACE = frozenset(
    {"HEAD", "MAIN", "REGISTERED", "PRINCIPAL", "GENERAL", "CORPORATE", "HOME", "SALES", "THE"}
)
"""Words before a branch word that say which office, not where (``HEAD OFFICE``, ``REGISTERED OFFICE``)."""

_HEAD_OFFICE_WORDS = r"(?:HEAD[\s\-]*OFFICE|HEAD[\s\-]*QUARTERS?|HQ)\.?"
_HEAD_OFFICE_LAST_WORDS = frozenset({"OFFICE", "QUARTER", "QUARTERS", "HEADQUARTER", "HEADQUARTERS", "HQ"})
HEAD_OFFICE_MARK = re.compile(rf"(?:^|[\s,(/\-]+)\(?{_HEAD_OFFICE_WORDS}\)?\s*$")
"""The head office written after a company's name: ``… HEAD OFFICE``, ``… (HQ)``, ``… - HEADQUARTERS``."""

COUNTRIES_AFTER_A_NAME = frozenset({"CHINA", "PRC", "P R C", "HONG KONG", "HK", "MACAU", "MACAO", "TAIWAN"})
"""Countries and territories a Chinese company's English name writes after its legal form (``… LTD., CHINA``)."""
_COUNTRY_LAST_WORDS = frozenset(c.split()[-1] for c in COUNTRIES_AFTER_A_NAME)

_SEPARATOR = re.compile(r"\s*(?:,|/|\s[-–—]\s)\s*")
"""What sets a branch's place apart from the name before it (``BANK OF CHINA, SHANGHAI BRANCH``)."""
_PLACE_WORD = re.compile(r"[A-Z0-9]+(?:['’\-][A-Z0-9]+)*")
_LETTERS = re.compile(r"[A-Z0-9]+")


@dataclass(frozen=True)
class BranchWords:
    """English branch words, each with the Chinese branch type it stands for, ready to be found in names."""

    types: dict[str, str]
    """Each word (spaces between its parts, ``SUB BRANCH``) and its Chinese branch type (``支行``)."""
    last_words: frozenset[str]
    """The last word of each (``BRANCH``, ``OFFICE``): a name that ends in none of them names no branch."""
    at_end: re.Pattern[str]
    """A branch word at the end of a name, perhaps closing its last bracket."""
    before_of: re.Pattern[str]
    """A place and a branch word before ``OF`` and the head office's name."""


def branch_words(types: dict[str, str]) -> BranchWords:
    """:class:`BranchWords` for a mapping of English branch word to Chinese branch type."""
    keyed = {_key(w): t for w, t in types.items()}
    words = sorted(keyed, key=len, reverse=True)
    alternatives = "|".join(r"[\s\-]*".join(map(re.escape, w.split())) for w in words) or "(?!)"
    return BranchWords(
        types=keyed,
        last_words=frozenset(w.split()[-1] for w in keyed),
        at_end=re.compile(rf"(?:^|(?<=[\s,(/.\-]))(?P<word>{alternatives})\.?\s*\)?\s*$"),
        before_of=re.compile(rf"^(?P<place>[^,()]+?)\s+(?P<word>{alternatives})\s+OF\s+(?P<head>\S.*)$"),
    )


def _last_word(text: str) -> str:
    """The last word of a name, its letters and digits (``LTD.)`` → ``LTD``), "" where none."""
    found = _LETTERS.findall(text[-24:])
    return found[-1] if found else ""


def _key(word: str) -> str:
    return " ".join(word.replace("-", " ").split())


def _place_words(text: str) -> list[str]:
    return _PLACE_WORD.findall(text)


def _chinese_region(place: list[str], table: DivisionTable) -> str | None:
    """The Chinese name of a province or city written in pinyin (``SHANGHAI`` → 上海), else None."""
    return region_of_pinyin(place, table) if place else None


def _region(place: list[str], table: DivisionTable) -> str | None:
    """A branch's place as its region: a Chinese division's Chinese name, any other place as written."""
    if not place:
        return None
    return _chinese_region(place, table) or " ".join(place)


def _ends_in_legal_form(head: str) -> bool:
    return split_latin_legal_form(head.rstrip(" ,-/"))[1] is not None


def _usable_place(place: list[str], branch_type: str) -> bool:
    if not place:
        return branch_type not in NEEDS_A_PLACE
    return len(place) <= MAX_PLACE_WORDS and not (set(place) & NOT_A_PLACE)


def _last_words(text: str, shortest: int) -> Iterator[tuple[int, str, str]]:
    """``(k, the words before, the last k words)`` of ``text``, shortest first: from ``shortest`` to
    :data:`MAX_PLACE_WORDS` words, a word always left before them."""
    words = text.split()
    for k in range(shortest, min(MAX_PLACE_WORDS, len(words) - 1) + 1):
        yield k, " ".join(words[: len(words) - k]), " ".join(words[len(words) - k :])


def _split_place(before: str, branch_type: str, table: DivisionTable) -> tuple[str, list[str]] | None:
    """The head office's name and the branch's place in ``before`` (the text before the branch word)."""
    # The shortest place after which the name ends in a legal form: … CO., LTD. | SHANGHAI PUDONG.
    for k, head, tail in _last_words(before, 0):
        place = _place_words(tail)
        if len(place) == k and _usable_place(place, branch_type) and _ends_in_legal_form(head):
            return head, place
    separators = list(_SEPARATOR.finditer(before))
    if separators:
        last = separators[-1]
        place = _place_words(before[last.end() :])
        if place and before[: last.start()].strip() and _usable_place(place, branch_type):
            return before[: last.start()].strip(), place
    for k, head, tail in _last_words(before, 1):
        place = _place_words(tail)
        if len(place) == k and _usable_place(place, branch_type) and _chinese_region(place, table):
            return head, place
    return None


def latin_branch(text: str, words: BranchWords, table: DivisionTable) -> tuple[str, str | None, str | None]:
    """(head office's name, branch type, branch region) of a normalised Latin company name, the name and two
    Nones where it names no branch."""
    if _last_word(text) in words.last_words and (match := words.at_end.search(text)) is not None:
        branch_type = words.types[_key(match.group("word"))]
        before = text[: match.start("word")].rstrip()
        if text.rstrip().endswith(")") and (start := before.rfind("(")) > 0:
            # X CO LTD (SHANGHAI BRANCH): the bracket sets the place apart.
            place = _place_words(before[start + 1 :])
            if _usable_place(place, branch_type) and ")" not in before[start + 1 :]:
                return before[:start].rstrip(), branch_type, _region(place, table)
            return text, None, None
        if (split := _split_place(before, branch_type, table)) is not None:
            head, place = split
            return head.rstrip(" ,-/"), branch_type, _region(place, table)
        return text, None, None
    if " OF " in text and (match := words.before_of.match(text)) is not None:
        branch_type = words.types[_key(match.group("word"))]
        place = _place_words(match.group("place"))
        head = match.group("head").strip()
        if (
            place
            and _usable_place(place, branch_type)
            and (_ends_in_legal_form(head) or _chinese_region(place, table))
        ):
            return head, branch_type, _region(place, table)
    return text, None, None


def is_head_office_mark(text: str) -> bool:
    """Whether ``text`` (a bracket's words) says the head office: ``HEAD OFFICE``, ``HQ``, ``HEADQUARTERS``."""
    return re.fullmatch(_HEAD_OFFICE_WORDS, text.strip()) is not None


def after_the_legal_form(text: str, table: DivisionTable) -> tuple[str, str | None]:
    """A normalised Latin company name without the head office's mark and a place written after its legal
    form, and that place (None where none): ``SIEMENS LTD., CHINA`` → (``SIEMENS LTD.``, ``CHINA``). A mark or
    a place stays where no legal form stands before it and no comma or bracket sets the mark apart
    (``PIZZA HQ``)."""
    last = _last_word(text)
    mark = HEAD_OFFICE_MARK.search(text) if last in _HEAD_OFFICE_LAST_WORDS else None
    if mark is not None and mark.start() > 0:
        rest = text[: mark.start()].rstrip(" ,-/")
        if rest and (_ends_in_legal_form(rest) or any(c in mark.group(0) for c in ",(-/")):
            text, last = rest, _last_word(rest)
    # Most names end in no place: their last word is asked first, the words before it only then.
    if not (last in _COUNTRY_LAST_WORDS or could_end_a_region_in_pinyin(last, table)):
        return text, None
    for _, head, tail in _last_words(text, 1):
        place = _place_words(tail.replace(".", " "))  # P.R.C. is P R C
        if not place or not (" ".join(place) in COUNTRIES_AFTER_A_NAME or _chinese_region(place, table)):
            continue
        rest = head.rstrip(" ,-/")
        if _ends_in_legal_form(rest):
            return rest, " ".join(place)
    return text, None
