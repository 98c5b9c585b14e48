"""Chinese addresses: recognise province, city and district, give the division code and the street part.

Addresses omit the province (深圳市南山区…), abbreviate the city (深圳南山区…), or leave the city to another
column (南山区… with city 深圳). District names repeat across cities (南山区 is in 深圳 and in 鹤岗), so the
city or province — from the address itself or from the record's own columns — decides. A district name
that stays ambiguous is kept, with no code: a guessed code would be worse than none.

Short names (深圳, 广东) are only trusted when a further division follows them or the record's columns
agree, because they also begin street names (中山路). District short names (南山) are never trusted alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict

from cleansing.config_files import load_yaml_model
from cleansing.divisions import Division, DivisionTable, load_divisions
from cleansing.text import (
    _object_array,
    apply_distinct_rows,
    chinese_numerals_to_arabic,
    distinct_code_pairs,
    map_distinct,
    normalise_brackets,
    normalise_text,
    normalise_text_values,
)

__all__ = [
    "AddressParts",
    "chinese_street_addresses",
    "latin_address_words",
    "one_street_address",
    "parse_address",
    "parse_addresses",
    "street_address",
]

_LEADING_PUNCTUATION = re.compile(r"^[\s,，.。:：;；\-_/]+")
_ANY_WHITESPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class AddressParts:
    """Full standard names, the most specific known 6-digit code and the remaining street part."""

    province: str | None
    city: str | None
    district: str | None
    division_code: str | None
    detail: str | None


@dataclass
class _Found:
    """Divisions recognised so far; ``district_name`` may be set without a code when ambiguous."""

    province: Division | None = None
    city: Division | None = None
    district: Division | None = None
    district_name: str | None = None

    @property
    def deepest(self) -> Division | None:
        return self.district or self.city or self.province


def _compact(value: object) -> str | None:
    text = normalise_text(value)
    return None if text is None else re.sub(r"\s+", "", normalise_brackets(text))


def _prefer(candidates: list[Division], context: Division | None) -> list[Division]:
    """Keep the candidates inside ``context`` if any are; then the current ones if any are."""
    if context is not None:
        inside = [d for d in candidates if context.contains(d)]
        candidates = inside or candidates
    current = [d for d in candidates if d.is_current]
    return current or candidates


def _resolve_column(
    table: DivisionTable, value: object, level: str, within: Division | None
) -> Division | None:
    """A province/city/district column's value as a division, if it names exactly one in context."""
    text = _compact(value)
    if text is None:
        return None
    candidates = [d for d in table.lookup(text) if d.level == level]
    if within is not None:
        candidates = [d for d in candidates if within.contains(d)]
    candidates = _prefer(candidates, None)
    return candidates[0] if len(candidates) == 1 or (candidates and level == "province") else None


def _context(table: DivisionTable, province: object, city: object, district: object) -> Division | None:
    """The most specific division the record's own columns name consistently."""
    found_province = _resolve_column(table, province, "province", None)
    found_city = _resolve_column(table, city, "city", found_province)
    found_district = _resolve_column(table, district, "district", found_city or found_province)
    return found_district or found_city or found_province


_ROAD_OR_PLACE_NEXT = frozenset("路街道巷弄里村镇乡桥园湾港大东南西北中新口路")
"""Characters after a district's short name that make it the start of a road, a village or a building's
name (朝阳路, 福田村, 福田大厦, 南山东街), not the district."""


def _district_after_its_city(table: DivisionTable, found: Division | None, district: Division) -> bool:
    """Whether the division found so far is the district's city (or a municipality: 北京朝阳建国路)."""
    if found is None or not found.contains(district):
        return False
    if found.level == "city":
        return True
    city = table.ancestor(district, "city")
    return found.level == "province" and (city is None or city.is_placeholder or city.name == found.name)


def _not_a_road_name(text: str, stop: int) -> bool:
    """Whether the text after a district's short name goes on with something else than its road's suffix."""
    return stop < len(text) - 1 and text[stop] not in _ROAD_OR_PLACE_NEXT


def _followed_by_division(
    table: DivisionTable, text: str, end: int, parent: Division, depth: int = 1
) -> bool:
    """True if a division inside ``parent`` is named at ``text[end:]`` (full name, or a short city name one level down)."""
    for stop, division, is_short in table.prefixes(text, end):
        if division.rank <= parent.rank or not parent.contains(division):
            continue
        if not is_short:
            return True
        if (
            depth > 0
            and division.level == "city"
            and _followed_by_division(table, text, stop, division, depth - 1)
        ):
            return True
    return False


def _next_division(
    table: DivisionTable, text: str, start: int, found: _Found, context: Division | None
) -> tuple[int, list[Division]] | None:
    """The longest acceptable division name at ``text[start:]`` below what has been found so far."""
    deepest = found.deepest
    named = table.prefixes(text, start)
    for stop, division, is_short in named:
        if deepest is not None and (division.rank <= deepest.rank or not deepest.contains(division)):
            continue
        if is_short:
            agrees = context is not None and (division.contains(context) or context.contains(division))
            if division.level == "district":
                # 深圳福田华强北路: a district's short name right after its city, and not the start of a
                # road or a building named after it (北京朝阳路, 福田大厦).
                if not (_district_after_its_city(table, deepest, division) and _not_a_road_name(text, stop)):
                    continue
            elif not (agrees or _followed_by_division(table, text, stop, division)):
                continue
        same_length = [
            d
            for s, d, _ in named
            if s == stop and (deepest is None or (d.rank > deepest.rank and deepest.contains(d)))
        ]
        return stop, list(dict.fromkeys(same_length)) or [division]
    return None


def _assign(
    table: DivisionTable, found: _Found, candidates: list[Division], context: Division | None
) -> bool:
    """Record the chosen division; False when a district name stays ambiguous."""
    candidates = _prefer(candidates, context)
    best_rank = min(d.rank for d in candidates)
    candidates = [d for d in candidates if d.rank == best_rank]
    if len(candidates) > 1 and best_rank == 2:
        found.district_name = candidates[0].name
        return False
    chosen = candidates[0]
    if chosen.level == "province":
        found.province = chosen
    elif chosen.level == "city":
        found.city = chosen
        found.province = table.ancestor(chosen, "province")
    else:
        found.district = chosen
        city = table.ancestor(chosen, "city")
        found.city = city if city is not None and not city.is_placeholder else None
        found.province = table.ancestor(chosen, "province")
    return True


def _fill_from_context(table: DivisionTable, found: _Found, context: Division | None) -> None:
    if context is None:
        return
    deepest = found.deepest
    if deepest is not None and not (deepest.contains(context) or context.contains(deepest)):
        return  # the address names another place than the columns: the address wins
    if deepest is None or context.rank > deepest.rank:
        if found.district_name is not None and context.level != "district":
            matches = [d for d in table.lookup(found.district_name, short=False) if context.contains(d)]
            if len(_prefer(matches, None)) >= 1:
                context = _prefer(matches, None)[0]
                found.district_name = None
        _assign(table, found, [context], None)


def parse_address(
    address: object,
    province: object = None,
    city: object = None,
    district: object = None,
    divisions: DivisionTable | None = None,
) -> AddressParts:
    """Split one address into divisions and detail, using the record's province/city/district columns as context."""
    table = divisions or load_divisions()
    return _parse_compact(table, _compact(address) or "", _context(table, province, city, district))


_Located = tuple[int, str | None, str | None, str | None, str | None]
"""Where the divisions end in the text, and the province, city, district and code they give."""


def _locate(table: DivisionTable, text: str, context: Division | None) -> _Located:
    """The divisions named at the start of a compacted address, completed from the context."""
    found = _Found()
    position = 0
    while found.district is None and found.district_name is None:
        step = _next_division(table, text, position, found, context)
        if step is None:
            break
        position, candidates = step
        if not _assign(table, found, candidates, context):
            break
    _fill_from_context(table, found, context)
    deepest = found.deepest
    return (
        position,
        found.province.name if found.province else None,
        found.city.name if found.city else None,
        found.district.name if found.district else found.district_name,
        deepest.code if deepest else None,
    )


_DIRECTIONS_NOTE = re.compile(
    r"[(（](?:近|靠近|邻近|临近|入驻|原|即|距)[^()（）]*[)）]$|[(（][^()（）]*(?:对面|旁边|旁|附近|隔壁|楼下|后面|斜对面)[)）]$"
)
"""A bracket at the end of an address that tells the way or the occupant, not the place: ``(近地铁站)``,
``(入驻深圳市前海商务秘书有限公司)``, ``(人民医院对面)``. A floor or a room in brackets (``(3楼)``) stays."""


def _detail(text: str, position: int) -> str | None:
    detail = _DIRECTIONS_NOTE.sub("", _LEADING_PUNCTUATION.sub("", text[position:]))
    return chinese_numerals_to_arabic(detail) or None


def _parts(text: str, located: _Located) -> AddressParts:
    position, province, city, district, code = located
    return AddressParts(
        province=province, city=city, district=district, division_code=code, detail=_detail(text, position)
    )


def _parse_compact(table: DivisionTable, text: str, context: Division | None) -> AddressParts:
    """:func:`parse_address` on an already compacted address with its context resolved."""
    return _parts(text, _locate(table, text, context))


_ASCII_DIGIT = re.compile(r"[0-9]")
_NAMES_WITHOUT_DIGITS: dict[int, tuple[DivisionTable, bool]] = {}


def _names_without_digits(table: DivisionTable) -> bool:
    """True when no division name holds an ASCII digit (the table this project ships)."""
    known = _NAMES_WITHOUT_DIGITS.get(id(table))
    if known is None or known[0] is not table:
        names = (*table.by_name, *table.by_short_name)
        known = (table, not any(_ASCII_DIGIT.search(name) for name in names))
        _NAMES_WITHOUT_DIGITS[id(table)] = known
    return known[1]


def _compact_values(values: np.ndarray) -> list[str]:
    """:func:`_compact` over many values at once (blank → ``""``)."""
    normalised = normalise_text_values(values)
    return ["" if text is None else _ANY_WHITESPACE.sub("", normalise_brackets(text)) for text in normalised]


def parse_addresses(
    address: pd.Series,
    province: pd.Series | None = None,
    city: pd.Series | None = None,
    district: pd.Series | None = None,
) -> pd.DataFrame:
    """Vectorised :func:`parse_address`: one parse per distinct (compacted address, context).

    Addresses are compacted once per distinct value (in blocks, see :func:`normalise_text_values`) and the
    province/city/district columns resolved once per distinct combination.
    """
    blank = pd.Series([None] * len(address), index=address.index, dtype=object)
    table = load_divisions()
    contexts = apply_distinct_rows(
        [
            province if province is not None else blank,
            city if city is not None else blank,
            district if district is not None else blank,
        ],
        lambda p, c, d: _context(table, p, c, d),
    )
    address_codes, address_uniques = pd.factorize(address, use_na_sentinel=True)
    compacted = _compact_values(np.asarray(address_uniques, dtype=object))
    compacted_codes, text_uniques = pd.factorize(_object_array([*compacted, ""]))
    text_codes = compacted_codes[address_codes]  # code -1 (no address) picks the appended ""
    pair_codes, pair_firsts = distinct_code_pairs(text_codes, contexts.codes)
    context_results, context_codes = contexts.results, contexts.codes
    # Division names hold no digits, so which divisions an address names is decided before its first
    # digit: 河南省郑州市中山路2270号 and 河南省郑州市中山路18号 are located once, as 河南省郑州市中山路.
    cut_at_digit = _names_without_digits(table)
    located: dict[tuple[str, int], _Located] = {}
    rows = []
    for row in pair_firsts:
        text, context_code = text_uniques[text_codes[row]], context_codes[row]
        digit = _ASCII_DIGIT.search(text) if cut_at_digit else None
        key = (text if digit is None else text[: digit.start()], context_code)
        where = located.get(key)
        if where is None:
            where = located[key] = _locate(table, key[0], context_results[context_code])
        rows.append((*where[1:], _detail(text, where[0])))
    names = ("province", "city", "district", "division_code", "address_detail")
    frame = pd.DataFrame(
        {
            name: pd.array(np.fromiter(column, dtype=object, count=len(rows))[pair_codes], dtype="string")
            for name, column in zip(names, zip(*rows, strict=True) if rows else [()] * 5, strict=True)
        },
        index=address.index,
    )
    return frame


_LATIN_ADDRESS_WORD = re.compile(r"[A-Z0-9]+")
LATIN_ADDRESS_VOCABULARY = Path(__file__).parent / "vocab" / "latin_address_words.yaml"


class LatinAddressVocabulary(BaseModel):
    """``latin_address_words.yaml``: the words a Latin address writes in several ways, each mapped to
    the form it is read as."""

    model_config = ConfigDict(extra="forbid")
    street_types: dict[str, str]
    compass_points: dict[str, str]
    ordinals: dict[str, str]
    other_words: dict[str, str]


@dataclass(frozen=True)
class LatinAddressWords:
    forms: dict[str, str]
    """Each word written otherwise, upper case, and the form it is read as."""
    street_types: frozenset[str]
    compass_points: frozenset[str]


@lru_cache(maxsize=4)
def latin_address_vocabulary(path: Path = LATIN_ADDRESS_VOCABULARY) -> LatinAddressWords:
    """The address words of ``path`` (:class:`LatinAddressVocabulary`), ready to read addresses with."""
    found = load_yaml_model(
        path,
        LatinAddressVocabulary,
        "address vocabulary",
        "street_types, compass_points, ordinals and other_words: mappings of words to the form they are read as",
    )
    sections = (found.street_types, found.compass_points, found.ordinals, found.other_words)
    forms = {k.strip().upper(): v.strip().upper() for section in sections for k, v in section.items()}
    return LatinAddressWords(
        forms,
        frozenset(v.strip().upper() for v in found.street_types.values()),
        frozenset(v.strip().upper() for v in found.compass_points.values()),
    )


def _latin_words(text: str) -> str | None:
    normalised = normalise_text(text)
    if normalised is None or not normalised.isascii():
        return None
    forms = latin_address_vocabulary().forms
    return " ".join(forms.get(word, word) for word in _LATIN_ADDRESS_WORD.findall(normalised.upper())) or None


def latin_address_words(address: pd.Series) -> pd.Series:
    """A Latin address as its words, upper case, punctuation left out, each word in the one form the
    address vocabulary reads it as (``95 Jardine Street, Banksia`` → ``95 JARDINE ST BANKSIA``,
    ``854 Seventh Avenue`` → ``854 7TH AVE``), None for a blank or Chinese address.
    ``address_detail`` is written without spaces, as a Chinese address is; the words keep what a
    Latin one says in them: which line or word two addresses share."""
    text = address.astype("string")
    out = pd.Series(pd.NA, index=address.index, dtype="string")
    # Most addresses of a Chinese file hold a Chinese character: they are passed over in one sweep.
    latin = text.str.isascii().fillna(False).to_numpy(dtype=bool)
    if latin.any():
        out[latin] = map_distinct(text[latin], _latin_words)
    return out


_HOUSE_NUMBER = re.compile(r"\d+[A-Z]?")
STREET_WORDS = 3
"""At most this many words name the street after its house number, its type included."""


@dataclass(frozen=True)
class StreetAddress:
    number: str
    """The house number: ``854``."""
    street: str
    """The street: ``7TH AVE``."""
    rest: frozenset[str]
    """The words written after the street, compass points left out: a suburb, a building, ``AT 10TH ST``."""

    @property
    def house(self) -> str:
        return f"{self.number} {self.street}"


def street_address(words: str) -> StreetAddress | None:
    """The house number and the street it stands in, from an address's words (:func:`latin_address_words`):
    the last of the first run of numbers (``UNIT 5 10 SMITH ST`` → ``10``), then the street's words up
    to its type, a compass point before them passed over (``854 7TH AVE BETWEEN 54TH AND 55TH ST`` →
    ``854 7TH AVE``, ``8638 W 3RD ST`` → ``8638 3RD ST``, ``95 AVE A AT 6TH ST`` → ``95 AVE A``; a street
    without a type within :data:`STREET_WORDS` words: its first word), and the words after it. None
    without a house number and a street after it."""
    vocabulary = latin_address_vocabulary()
    parts = words.split()
    start = next((k for k, word in enumerate(parts) if _HOUSE_NUMBER.fullmatch(word)), None)
    if start is None:
        return None
    while start + 1 < len(parts) and _HOUSE_NUMBER.fullmatch(parts[start + 1]):
        start += 1
    after = [(k, word) for k, word in enumerate(parts) if k > start and word not in vocabulary.compass_points]
    street = after[:STREET_WORDS]
    if not street:
        return None
    typed = next((k for k, (_, word) in enumerate(street) if word in vocabulary.street_types), None)
    # A street named by its type and a letter or number (AVE A, ST 5) keeps the word after the type.
    kept = street[:1] if typed is None else street[: max(typed + 1, 2)]
    rest = frozenset(word for k, word in after if k > kept[-1][0])
    return StreetAddress(parts[start], " ".join(word for _, word in kept), rest)


def one_street_address(x: StreetAddress, y: StreetAddress) -> bool:
    """Whether two addresses name one house number in one street, and what one writes after the street
    the other writes too, or nothing (``854 7TH AVE BETWEEN 54TH AND 55TH ST`` / ``854 7TH AVE``): two
    ways of writing one house. Two other suburbs after one street (``95 JARDINE ST BANKSIA`` / ``95
    JARDINE ST TUDOR``) are two houses, or one written with a slip: not this."""
    return x.house == y.house and (x.rest <= y.rest or y.rest <= x.rest)


_CHINESE_STREET = re.compile(r"^(?P<road>.*?)(?P<number>\d+(?:[-之]\d+)?)号(?P<rest>.*)$")
_CHINESE_ROAD_END = ("路", "街", "道", "巷", "弄", "里", "胡同")
_CHINESE_SUBDISTRICT = r"^.*?(?:街道|镇|乡)(?=.)"


def chinese_street_addresses(details: pd.Series) -> pd.DataFrame:
    """Per Chinese street part (``address_detail``) its road, house number and what follows (``road``,
    ``number``, ``rest``; missing where none is read): ``新安街道建安一路188号`` → ``建安一路``, ``188``;
    ``南山大道1088号A栋`` → ``南山大道``, ``1088``, ``A栋``. The sub-district before the road is left out (one
    source writes it, the other not); no road is read where no number with 号 follows a road's name
    (``工业区3号厂房``, ``新安街道188号``)."""
    found = details.astype("string").str.extract(_CHINESE_STREET)
    road = found["road"].str.replace(_CHINESE_SUBDISTRICT, "", regex=True)
    is_road = (road.str.endswith(_CHINESE_ROAD_END) & ~road.str.endswith("街道")).fillna(False).astype(bool)
    out = pd.DataFrame(
        {"road": road, "number": found["number"], "rest": found["rest"].replace("", pd.NA)},
        index=details.index,
    )
    out.loc[~is_road] = pd.NA
    return out
