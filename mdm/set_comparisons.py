"""Comparisons of roles that hold several values per record: identifiers, websites, other names.

A record's values are one text joined by :data:`mdm.roles.SEPARATOR` (see :mod:`mdm.roles`); two
records agree when any value of one equals any value of the other. Each distinct pair of value
sets is compared once, as the other comparisons do.
"""

from __future__ import annotations

from functools import partial

import numpy as np
from rapidfuzz.distance import OSA

from mdm.comparators import (
    Comparison,
    ComparisonLevel,
    FrameColumns,
    _assign,
    _distinct_pairs,
    _pair,
)
from mdm.roles import MASK, SEPARATOR


def _split(cols: FrameColumns, column: str) -> list[frozenset[str]]:
    return cols.derived(
        f"sets:{column}", lambda c: [frozenset(str(v).split(SEPARATOR)) for v in c.uniques(column)]
    )


def _near(a: frozenset[str], b: frozenset[str]) -> bool:
    """One typo apart: equal length of at least five, one character different or two adjacent ones swapped
    (identifiers with hidden characters are not read for typos)."""
    return any(
        len(x) == len(y) >= 5 and MASK not in x + y and OSA.distance(x, y, score_cutoff=1) <= 1
        for x in a
        for y in b
    )


MIN_VISIBLE_AGREEING = 4
"""Characters two identifiers, one or both partly hidden, must show alike at the same places."""


def _masked_alike(x: str, y: str) -> bool:
    """``110101********1234`` / ``110101199001011234``: one length, and alike wherever both show a character."""
    if len(x) != len(y) or MASK not in x + y:
        return False
    shown = [(p, q) for p, q in zip(x, y, strict=True) if p != MASK and q != MASK]
    return len(shown) >= MIN_VISIBLE_AGREEING and all(p == q for p, q in shown)


def _unmasked_shared(a: frozenset[str], b: frozenset[str]) -> bool:
    return any(MASK not in value for value in a & b)


def compare_identifier(cols: FrameColumns, left: np.ndarray, right: np.ndarray, column: str) -> np.ndarray:
    """Any identifier equal; alike where a hidden one shows its characters (``110101********1234``); one
    character apart (a typo); all different."""
    a, b, known = _pair(cols, column, left, right)
    sets = _split(cols, column)
    where, inverse, da, db = _distinct_pairs(a, b, known, len(sets))
    pairs = list(zip(da.tolist(), db.tolist(), strict=True))
    shared = np.array([_unmasked_shared(sets[x], sets[y]) for x, y in pairs], dtype=bool)
    masked = np.array(
        [any(_masked_alike(p, q) for p in sets[x] for q in sets[y]) for x, y in pairs], dtype=bool
    )
    near = np.array([_near(sets[x], sets[y]) for x, y in pairs], dtype=bool)
    any_equal, alike, one_apart = (np.zeros(len(a), dtype=bool) for _ in range(3))
    if len(where):
        any_equal[where], alike[where], one_apart[where] = shared[inverse], masked[inverse], near[inverse]
    return _assign(known, [any_equal, alike, one_apart])


def identifier_comparison(column: str) -> Comparison:
    """``national_id`` or ``tax_id``: a strong identifier of any country."""
    return Comparison(
        column,
        (column,),
        (
            ComparisonLevel("exact", 0.85, 0.00005),
            # Many people share an area code and four last digits: weighed as the file shows.
            ComparisonLevel("alike_where_shown", 0.05, 0.0005),
            ComparisonLevel("one_character_apart", 0.1, 0.0005),
            ComparisonLevel("different", 0.05, 0.99945),
        ),
        partial(compare_identifier, column=column),
        m_from_several_fields=True,
        u_without_matches=True,
    )


def compare_website(cols: FrameColumns, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    a, b, known = _pair(cols, "website_domain", left, right)
    sets = _split(cols, "website_domain")
    equal = known & (a == b)
    where, inverse, da, db = _distinct_pairs(a, b, known & ~equal, len(sets))
    if len(where):
        shared = np.array([bool(sets[x] & sets[y]) for x, y in zip(da, db, strict=True)], dtype=bool)
        equal[where] = shared[inverse]
    return _assign(known, [equal])


WEBSITE = Comparison(
    "website",
    ("website_domain",),
    (ComparisonLevel("same_domain", 0.8, 0.001), ComparisonLevel("different", 0.2, 0.999)),
    compare_website,
    tf_column="website_domain",
    tf_levels=("same_domain",),
)


def _main_and_other_names(cols: FrameColumns) -> list[tuple[frozenset[str], frozenset[str]]]:
    """Per record its names (the main one, core company name or person name, and its other names)
    and its other names alone."""
    main = cols.values("name_core").copy()
    person = cols.values("person_name")
    missing = np.equal(main, None)  # type: ignore[call-overload]  # numpy's stubs refuse None, which numpy takes as an object value
    main[missing] = person[missing]
    out = []
    for m, o in zip(main, cols.values("other_names"), strict=True):
        others = frozenset(str(o).split(SEPARATOR)) if o is not None else frozenset()
        out.append((others | ({m} if m is not None else set()), others))
    return out


def compare_other_names(cols: FrameColumns, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """A former, English, pinyin or trading name of one record equal to any name of the other.

    Main name against main name is the name comparison's business; this one only says whether an
    alias bridges two records (two records of one main name, one of them with an alias, share no
    alias). Records without other names say nothing.
    """
    names = cols.derived("main_and_other_names", _main_and_other_names)
    has_other = cols.known("other_names")
    known = (has_other[left] | has_other[right]) & np.array(
        [bool(names[i][0]) and bool(names[j][0]) for i, j in zip(left, right, strict=True)], dtype=bool
    )
    bridged = np.zeros(len(left), dtype=bool)
    for k in np.flatnonzero(known):
        (all_a, others_a), (all_b, others_b) = names[left[k]], names[right[k]]
        bridged[k] = bool(others_a & all_b) or bool(all_a & others_b)
    return _assign(known, [bridged])


OTHER_NAMES = Comparison(
    "other_names",
    ("other_names",),
    # Different aliases are common (one record lists its English name, the other its former
    # name): disagreement is weak evidence.
    (ComparisonLevel("a_name_in_common", 0.6, 0.0005, sign=1), ComparisonLevel("different", 0.4, 0.9995)),
    compare_other_names,
)
