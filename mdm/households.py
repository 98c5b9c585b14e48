"""Members of one household: one home, two people.

A couple, a parent and a child, two siblings share an address and a landline, and a member list (a
loyalty programme, warranty cards, delivery addresses) writes each of them. That two records share a
home says they live together, not that they are one person; what only one person has says that: the
name, a mobile, an e-mail, a birth date, an identity number. Scored as independent evidence, a shared
address and landline outweigh two different names, and a family becomes one customer.

Two person records at one address or one landline are **household members** when their names are
two people's and nothing that belongs to one person alone agrees:

- Chinese names: another family name (a couple), a given-name character replaced by one that does
  not sound like it (王芳 / 王丽; 张小明 / 张小红, siblings sharing a generation character), or a
  character more (王晓 / 王晓娜). A slip types a character of the same sound (张伟 / 张玮) and is not
  another person.
- Latin names: no name in common, or one part the same and the other replaced (``HAMISH VINCENT`` /
  ``RUTH VINCENT``, a couple or siblings), not an initial, a nickname or a slip (``H VINCENT``, ``BOB`` /
  ``ROBERT``) and not a middle name left out.
- A Chinese name against a Latin one is not judged (an English name may be the same person's).

Like the sister companies of :mod:`mdm.hard_negatives`, the level is fixed, not learned: a shared home
must not teach EM that relatives are duplicates.
"""

from __future__ import annotations

import numpy as np

from cleansing.phones import is_chinese_mobile
from mdm.comparators import (
    BIRTH_DATE,
    PERSON_NAME,
    FrameColumns,
    _assign,
    _chinese_other_sound,
    _distinct_pairs,
    _pair_test,
    _person_name_is_chinese,
    compare_birth_date,
    compare_person_name,
    hard_negative,
    person_name_lengths,
    phone_number_sets,
    same_value,
    several_phone_numbers,
)
from mdm.roles import SET_COLUMNS

_NAME_LEVELS = [level.label for level in PERSON_NAME.levels]
_TWO_PEOPLE = np.array(
    [False] + [name in ("one_part_same", "different") for name in _NAME_LEVELS], dtype=bool
)
"""Per ``person_name`` level code (0 = unknown) whether the names are two people's."""
_CLOSE = 1 + _NAME_LEVELS.index("close")
_SOMEWHAT = 1 + _NAME_LEVELS.index("somewhat")
_SAME_BIRTH_DATE = 1 + [level.label for level in BIRTH_DATE.levels].index("one_part_apart")
"""Birth-date level codes up to this one (exact, one part apart) are one person's date."""


def _phone_kind_is(cols: FrameColumns, kind: str, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    if "phone_kind" not in cols:
        return np.zeros(len(left), dtype=bool)
    kinds = cols.values("phone_kind")
    return (kinds[left] == kind) & (kinds[right] == kind)


def _persons(cols: FrameColumns) -> np.ndarray:
    """Per record whether it is a person with a name (the party kind, where the frame has one)."""
    known = cols.codes("person_name") >= 0
    if "party_kind" in cols:
        known &= np.asarray(cols.values("party_kind") == "person", dtype=bool)
    return known


def _mobile_numbers(cols: FrameColumns) -> frozenset[str]:
    """The numbers of the file that are mobiles: read so where a cell writes them first, or Chinese
    mobiles by their shape."""
    kinds = cols.values("phone_kind")
    first = {str(v) for v, k in zip(cols.values("phone_e164"), kinds, strict=True) if k == "mobile"}
    _, sets = phone_number_sets(cols)
    return frozenset(first | {n for s in sets for n in s if is_chinese_mobile(n)})


def shared_phones(cols: FrameColumns, left: np.ndarray, right: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per pair whether the two records share a landline, and whether they share a mobile, counting every
    number a phone cell writes (``13812345678/0755-26881234``)."""
    first = same_value(cols, "phone_e164", left, right)
    landline = first & _phone_kind_is(cols, "landline", left, right)
    mobile = first & _phone_kind_is(cols, "mobile", left, right)
    several = several_phone_numbers(cols)
    asked = several[left] | several[right]
    if asked.any():
        codes, sets = phone_number_sets(cols)
        mobiles = cols.derived("mobile_numbers", _mobile_numbers)
        a, b = codes[left], codes[right]
        where, inverse, da, db = _distinct_pairs(a, b, asked & (a >= 0) & (b >= 0), len(sets))
        shared = [sets[x] & sets[y] for x, y in zip(da.tolist(), db.tolist(), strict=True)]
        landline[where] |= np.array([bool(s - mobiles) for s in shared], dtype=bool)[inverse]
        mobile[where] |= np.array([bool(s & mobiles) for s in shared], dtype=bool)[inverse]
    return landline, mobile


def one_persons_own_agree(
    cols: FrameColumns, left: np.ndarray, right: np.ndarray, shared_mobile: np.ndarray
) -> np.ndarray:
    """Per pair whether something only one person has agrees: a mobile (``shared_mobile``, from
    :func:`shared_phones`), an e-mail, a birth date (or one part of it apart), a national or tax id
    (alike where shown, or one character apart)."""
    agree = shared_mobile | same_value(cols, "email_normalised", left, right)
    if "birth_date" in cols:
        levels = compare_birth_date(cols, left, right)
        agree |= (levels > 0) & (levels <= _SAME_BIRTH_DATE)
    for role in ("national_id", "tax_id"):
        column = SET_COLUMNS[role]
        if column in cols:
            from mdm.set_comparisons import compare_identifier, identifier_comparison

            levels = compare_identifier(cols, left, right, column=column)
            agree |= (levels > 0) & (levels < identifier_comparison(column).level_code("different"))
    return agree


def _latin_part_replaced(cols: FrameColumns, a: np.ndarray, b: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Per pair (codes of ``person_name``) under ``mask`` whether two Latin names of a word or more each
    are not one name written another way (:func:`mdm.name_parts.words_agree`: initials, nicknames,
    slips) and neither holds all the other's words (a middle name left out)."""
    from mdm.name_parts import words_agree

    def replaced(x: str, y: str) -> bool:
        words_x, words_y = set(x.split()), set(y.split())
        if words_x <= words_y or words_y <= words_x:
            return False
        return not words_agree(x, y)

    return _pair_test(cols.uniques("person_name"), a, b, mask, lambda x, y: replaced(str(x), str(y)))


def compare_household(cols: FrameColumns, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    out = np.zeros(len(left), dtype=np.int8)
    if "person_name" not in cols:
        return out
    persons = _persons(cols)
    candidates = np.flatnonzero(persons[left] & persons[right])
    landline, mobile = shared_phones(cols, left[candidates], right[candidates])
    # One home: an address or a landline in common.
    home = same_value(cols, "address_detail", left[candidates], right[candidates]) | landline
    candidates, mobile = candidates[home], mobile[home]
    if len(candidates) == 0:
        return out
    sub_left, sub_right = left[candidates], right[candidates]
    names = cols.codes("person_name")
    a, b = names[sub_left], names[sub_right]
    chinese = _person_name_is_chinese(cols)
    judged = chinese[a] == chinese[b]
    levels = compare_person_name(cols, sub_left, sub_right)
    two_people = _TWO_PEOPLE[levels]
    # 张小明 / 张小红, 王芳 / 王丽: one character apart as text, two people by their sound. (Alone, with
    # no home in common, such a pair may still be a look-alike slip: 王梅 / 王海.)
    alike = (levels == _CLOSE) | (levels == _SOMEWHAT)
    two_people |= alike & _chinese_other_sound(cols, a, b, alike)
    # 王晓 / 王晓娜: a Chinese given name with a character more is another name, not a slip.
    lengths = person_name_lengths(cols)
    two_people |= alike & chinese[a] & chinese[b] & (lengths[a] != lengths[b])
    # HAMISH VINCENT / RUTH VINCENT in one column: a name in common, the other replaced.
    two_people |= _latin_part_replaced(cols, a, b, alike & ~chinese[a] & ~chinese[b])
    conflict = judged & two_people & ~one_persons_own_agree(cols, sub_left, sub_right, mobile)
    out[candidates] = _assign(np.ones(len(candidates), dtype=bool), [~conflict])
    return out


HOUSEHOLD = hard_negative("household", ("person_name",), "household_members", compare_household)
"""Two members of one household are never merged on their home."""
