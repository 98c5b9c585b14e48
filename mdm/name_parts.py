"""Given and family names compared as parts: swapped, initial-only and nickname forms.

``J Smith`` and ``John Smith``, ``Bob Jones`` and ``Robert Jones``, and a given name written in
the family-name column are all the same person's name written differently; the full-name
comparison cannot see that from the joined text alone. Nicknames come from
``cleansing/vocab/nicknames.yaml``.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np
from pydantic import BaseModel, ConfigDict
from rapidfuzz.distance import JaroWinkler

from cleansing.company_names import VOCAB_DIR
from cleansing.config_files import load_yaml_model
from cleansing.family_names import split_chinese_name
from mdm.comparators import FrameColumns, _distinct_pairs
from mdm.term_frequency import records_per_entity, value_counts


class NicknameVocabulary(BaseModel):
    """``nicknames.yaml``: families of given names that stand for one another (William, Bill, Will)."""

    model_config = ConfigDict(extra="forbid")
    families: list[list[str]]


@lru_cache(maxsize=4)
def nickname_families(path: Path = VOCAB_DIR / "nicknames.yaml") -> dict[str, frozenset[int]]:
    """Per given name the families (row numbers in the vocabulary) it belongs to."""
    families = load_yaml_model(
        path, NicknameVocabulary, "nickname vocabulary", "families: a list of name lists"
    )
    out: dict[str, set[int]] = {}
    for k, family in enumerate(families.families):
        for name in family:
            out.setdefault(str(name).upper(), set()).add(k)
    return {name: frozenset(ks) for name, ks in out.items()}


def given_names_agree(a: str, b: str) -> bool:
    """Equal, one an initial of the other, nicknames of one another, or one typo apart."""
    if a == b:
        return True
    if len(a) == 1 or len(b) == 1:
        return a[0] == b[0]
    families = nickname_families()
    if families.get(a, frozenset()) & families.get(b, frozenset()):
        return True
    return JaroWinkler.normalized_similarity(a, b) >= 0.9


def words_agree(a: str, b: str) -> bool:
    """Two Latin full names in one column (words in any order) that are one name written another way:
    as many words each, one of at least two letters in both, and the others paired off as given names
    agree (``J SMITH`` / ``JOHN SMITH``, ``BOB JONES`` / ``JONES ROBERT``, ``KATE O'NEIL`` / ``KATHERINE
    ONEIL``); an apostrophe or hyphen inside a word does not count."""
    words_a = [w.replace("'", "").replace("-", "") for w in a.split()]
    words_b = [w.replace("'", "").replace("-", "") for w in b.split()]
    if len(words_a) != len(words_b) or len(words_a) < 2:
        return False
    rest_a, rest_b = list(words_a), list(words_b)
    for word in words_a:
        if len(word) >= 2 and word in rest_b:
            rest_a.remove(word)
            rest_b.remove(word)
    if len(rest_a) == len(words_a):
        return False  # no word in common: another name, not another writing of it
    for word in rest_a:
        partner = next((other for other in rest_b if given_names_agree(word, other)), None)
        if partner is None:
            return False
        rest_b.remove(partner)
    return True


def parts_known(cols: FrameColumns) -> np.ndarray:
    """Per record whether both the given and the family name are known."""
    return cols.derived("name_parts_known", lambda c: c.known("given_name") & c.known("family_name"))


def _parts(cols: FrameColumns) -> np.ndarray:
    """Per record a ``given\\x1ffamily`` key (``None`` where both are missing), coded for pairing."""
    given = cols.values("given_name")
    family = cols.values("family_name")
    return np.array(
        [
            None if g is None and f is None else f"{g or ''}\x1f{f or ''}"
            for g, f in zip(given, family, strict=True)
        ],
        dtype=object,
    )


FAMILY_ALIKE = 0.92
"""Jaro–Winkler similarity at which two family names (or a name written in the other's column) are one."""


def _alike(x: str, y: str) -> bool:
    return x == y or JaroWinkler.normalized_similarity(x, y) >= FAMILY_ALIKE


def _agree(x: str, y: str) -> tuple[bool, bool, bool]:
    ga, fa = x.split("\x1f")
    gb, fb = y.split("\x1f")
    if not (fa and fb and ga and gb):
        return False, False, False
    family_equal = _alike(fa, fb)
    swapped = (ga == fb and fa == gb) or (_alike(ga, fb) and _alike(fa, gb))
    given = given_names_agree(ga, gb)
    close = (family_equal and given) or swapped
    somewhat = family_equal and (ga[0] == gb[0] or given)
    one_part = fa in (fb, gb) or ga in (gb, fb)
    return close, somewhat, one_part


def _judge_key_pairs(
    cols: FrameColumns, left: np.ndarray, right: np.ndarray, wanted, judge, n_answers: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per pair the codes of the two records' name-part keys, and ``judge(key, key)`` (``n_answers``
    booleans) read once per distinct pair of keys on the pairs ``wanted(a, b)`` selects (False elsewhere)."""
    codes = cols.derived_codes("name_parts", _parts)
    uniques = cols.derived_uniques("name_parts")
    a, b = codes[left], codes[right]
    answers = np.zeros((len(a), n_answers), dtype=bool)
    where, inverse, da, db = _distinct_pairs(a, b, wanted(a, b), len(uniques))
    if len(where):
        results = np.array([judge(uniques[x], uniques[y]) for x, y in zip(da, db, strict=True)], dtype=bool)
        answers[where] = results[inverse]
    return a, b, answers


def name_parts_agree(
    cols: FrameColumns, left: np.ndarray, right: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(close, somewhat, one part the same) per pair from the name parts; False where a part is missing."""
    a, b, answers = _judge_key_pairs(
        cols, left, right, lambda a, b: (a >= 0) & (b >= 0) & (a != b), _agree, 3
    )
    same = (a >= 0) & (a == b)
    return answers[:, 0] | same, answers[:, 1] | same, answers[:, 2] | same


def _partial(x: str, y: str) -> tuple[bool, bool]:
    """(agree, incomparable) for two name keys of which one at least lacks a part."""
    ga, fa = x.split("\x1f")
    gb, fb = y.split("\x1f")
    same_role = [agree(p, q) for p, q, agree in ((ga, gb, given_names_agree), (fa, fb, _alike)) if p and q]
    crossed = [_alike(p, q) for p, q in ((ga, fb), (fa, gb)) if p and q]
    if any(crossed):  # a name written in the other column
        return True, False
    if not same_role:  # ARLO (given name only) / WEST (family name only): nothing to compare
        return False, True
    return all(same_role), False


def known_parts_agree(
    cols: FrameColumns, left: np.ndarray, right: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(partial, agree, incomparable) per pair: whether one of two named records lacks a given or
    family name, and then whether the two agree on the parts they hold or hold none to compare.

    ``THEDORE`` (given name only) and ``THEODORE MARSHALL`` agree on what both hold: the family
    name one record lacks is not a disagreement. ``ARLO`` (given name only) and ``WEST`` (family
    name only) hold nothing in common to compare. A part written in the other column
    (``BROWN`` as given name, ``FLORENCE BROWN``) agrees. Two records with both parts
    (:func:`name_parts_agree` compares those), a record without a name and two equal keys are not
    partial."""
    both = parts_known(cols)[left] & parts_known(cols)[right]

    def partial(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return (a >= 0) & (b >= 0) & (a != b) & ~both

    a, b, answers = _judge_key_pairs(cols, left, right, partial, _partial, 2)
    return partial(a, b), answers[:, 0], answers[:, 1]


def _person_name_parts(cols: FrameColumns) -> list[tuple[str, ...] | None]:
    """Per record the parts of the name whose frequencies are counted apart: the given and the
    family name where the spec maps both (either alone where the other is blank), else the words
    of a Latin name of two words or more (sorted by the standardiser, so given and family name
    share one count), or the family and the given name of a Chinese name written in one column
    (:func:`cleansing.family_names.split_chinese_name`: ``谢嘉敏`` is ``谢`` and ``嘉敏``, so that
    a given name few records hold makes the name rare and ``王伟``, whose ``伟`` hundreds hold,
    common); ``None`` otherwise."""
    names = cols.values("person_name")
    if "given_name" in cols and "family_name" in cols:
        given, family = cols.values("given_name"), cols.values("family_name")
        return [
            tuple(f"{role}:{v}" for role, v in (("g", g), ("f", f)) if v is not None) or None
            if n is not None
            else None
            for g, f, n in zip(given, family, names, strict=True)
        ]
    codes = cols.codes("person_name")
    per_value: list[tuple[str, ...] | None] = []
    for name in cols.uniques("person_name"):
        words = str(name).split()
        latin = len(words) >= 2 and all(w.isascii() for w in words)
        if latin:
            per_value.append(tuple(f"w:{w}" for w in words))
            continue
        chinese = split_chinese_name(str(name))
        per_value.append(None if chinese is None else (f"f:{chinese[0]}", f"g:{chinese[1]}"))
    per_value.append(None)  # code -1: no name
    return [per_value[code] for code in codes]


def _part_shares(cols: FrameColumns) -> dict[str, float]:
    """Per name part the share of the records with a split name that hold it, one person's records
    left out (as many as one person's name is written, :func:`mdm.term_frequency.records_per_entity`)
    but never the last: the chance that a record of *another* person holds it, where two records
    that share it are two people. ``HAMISH`` in a person's two records and one other's is held by one
    other record, not three; in two records, by the other of them."""
    parts = [p for p in _person_name_parts(cols) if p is not None]
    counts: dict[str, int] = {}
    for p in parts:
        for part in dict.fromkeys(p):
            counts[part] = counts.get(part, 0) + 1
    own = records_per_entity(value_counts(cols, "person_name")[0])
    return {part: max(count - own, 1.0) / len(parts) for part, count in counts.items()}


def _roles(key: str) -> dict[str, set[str]]:
    """``g:JOHN\x1ff:SMITH`` → ``{"JOHN": {"g"}, "SMITH": {"f"}}``."""
    out: dict[str, set[str]] = {}
    for part in key.split("\x1f"):
        role, _, value = part.partition(":")
        out.setdefault(value, set()).add(role)
    return out


MISSPELT = 0.8
"""Jaro–Winkler similarity at which an unshared name part is taken for a misspelling of the other."""


def _misspelt(rest_a: set[str], rest_b: set[str]) -> bool:
    return any(JaroWinkler.normalized_similarity(a, b) >= MISSPELT for a in rest_a for b in rest_b)


def shared_part_chance(cols: FrameColumns, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Per pair the chance that a record of *another* person shares the name parts the two records
    share: the product of the shares of the records holding each shared part (given name and
    family name counted apart, :func:`_person_name_parts`); NaN where a side's name has no parts
    or the two share none, and where an unshared part is a misspelling of the other's.

    A name's own frequency in one file cannot tell a rare name from a common one seen once; its
    parts' frequencies can: ``JOHN`` and ``SMITH`` each in hundreds of records make ``JOHN SMITH``
    common even where a file holds it once, while ``ZACHARY`` and ``FITZGERALD`` each in a handful
    make ``ZACHARY FITZGERALD`` unlikely to be two people. Two records sharing only a common family
    name at one address are as likely relatives as one person; sharing a rare one, one person.
    The shares leave one person's records out (:func:`_part_shares`); a Chinese name is read as its
    family and given name (``谢`` and ``嘉敏``)."""
    codes = cols.derived_codes(
        "person_name_part_key",
        lambda c: np.array(
            [None if p is None else "\x1f".join(p) for p in _person_name_parts(c)], dtype=object
        ),
    )
    keys = cols.derived_uniques("person_name_part_key")
    shares = cols.derived("person_name_part_shares", _part_shares)
    a, b = codes[left], codes[right]
    out = np.full(len(left), np.nan)
    where, inverse, da, db = _distinct_pairs(a, b, (a >= 0) & (b >= 0), len(keys))
    if len(where):
        chance = np.full(len(da), np.nan)
        for k, (x, y) in enumerate(zip(da, db, strict=True)):
            # A part written in the other column (given name as family name) is still shared; it
            # counts as the more common of its two roles.
            roles_a, roles_b = _roles(str(keys[x])), _roles(str(keys[y]))
            shared = roles_a.keys() & roles_b.keys()
            # HGUEHES OLIVER / HUGHES OLIVER: the other part misspelt, not replaced; OLIVER's
            # frequency does not say how alike the two names are.
            if shared and not _misspelt(roles_a.keys() - shared, roles_b.keys() - shared):
                chance[k] = float(
                    np.prod([max(shares[f"{r}:{v}"] for r in roles_a[v] | roles_b[v]) for v in shared])
                )
        out[where] = chance[inverse]
    return out
