"""The name and the birth date learned over the pairs the name offered, where namesakes abound."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mdm.comparators import BIRTH_DATE, PERSON_NAME
from mdm.dedupe import deduplicate
from mdm.model import default_parameters
from mdm.name_and_birth_date import MIN_PAIRS, learn_name_and_birth_date
from mdm.spec import parse_spec

COMPARISONS = (PERSON_NAME, BIRTH_DATE)


def _labels(comparison) -> list[str]:
    return [level.label for level in comparison.levels]


def _code(comparison, label: str) -> int:
    return comparison.level_code(label)


def _name_blocked_pairs(namesakes: int, duplicates: int, rng: np.random.Generator) -> np.ndarray:
    """Level vectors of pairs a name rule offered: namesakes (the name exact or close, the date as
    random pairs' u) and duplicates (the name exact or close, the date exact or a part apart)."""
    date_u = np.array([lv.u for lv in BIRTH_DATE.levels])
    exact, close = _code(PERSON_NAME, "exact"), _code(PERSON_NAME, "close")
    name = np.r_[rng.choice([exact, close], namesakes, p=[0.7, 0.3]), rng.choice([exact, close], duplicates)]
    date = np.r_[
        rng.choice(len(date_u), namesakes, p=date_u / date_u.sum()) + 1,
        rng.choice(
            [_code(BIRTH_DATE, "exact"), _code(BIRTH_DATE, "one_part_apart")], duplicates, p=[0.6, 0.4]
        ),
    ]
    return np.c_[name, date].astype(np.int8)


def test_namesakes_teach_neither_the_date_nor_the_name_of_a_duplicate():
    rng = np.random.default_rng(3)
    levels = _name_blocked_pairs(namesakes=40_000, duplicates=600, rng=rng)
    params = default_parameters(COMPARISONS)
    # What EM over every pair made of them: every namesake a duplicate, so another date is common.
    params.m["birth_date"] = [0.2, 0.1, 0.15, 0.25, 0.3]
    learned = learn_name_and_birth_date(levels, np.ones(len(levels), dtype=bool), params, COMPARISONS)
    m = dict(zip(_labels(BIRTH_DATE), learned.m["birth_date"], strict=True))
    assert m["exact"] == pytest.approx(0.6, abs=0.05)
    assert m["one_part_apart"] == pytest.approx(0.4, abs=0.05)
    assert m["within_ten_years"] + m["different"] < 0.02
    assert learned.trained_on["name_and_date_matches"] == pytest.approx(600, rel=0.1)
    # The name's m is the duplicates' (half exact, half close), not the namesakes' 70 / 30.
    name_m = dict(zip(_labels(PERSON_NAME), learned.m["person_name"], strict=True))
    assert name_m["exact"] == pytest.approx(0.5, abs=0.07)


def test_pairs_a_date_rule_offered_are_left_out():
    rng = np.random.default_rng(5)
    levels = _name_blocked_pairs(namesakes=20_000, duplicates=300, rng=rng)
    # A date rule's pairs: all of one date, and none of them duplicates.
    same_day = np.c_[
        np.full(5_000, _code(PERSON_NAME, "different")), np.full(5_000, _code(BIRTH_DATE, "exact"))
    ].astype(np.int8)
    offered_by_the_name = np.r_[np.ones(len(levels), dtype=bool), np.zeros(len(same_day), dtype=bool)]
    learned = learn_name_and_birth_date(
        np.r_[levels, same_day], offered_by_the_name, default_parameters(COMPARISONS), COMPARISONS
    )
    # The dates of 20,000 namesakes vary by chance as much as a sixth of 300 duplicates.
    assert learned.trained_on["name_and_date_pairs"] == len(levels)
    assert learned.trained_on["name_and_date_matches"] == pytest.approx(300, rel=0.2)


def test_too_few_pairs_with_a_name_and_a_date_leave_the_model_as_it_was():
    levels = _name_blocked_pairs(namesakes=MIN_PAIRS - 10, duplicates=5, rng=np.random.default_rng(1))
    levels[: len(levels) // 2, 1] = 0  # half the dates unknown
    params = default_parameters(COMPARISONS)
    before = {name: list(m) for name, m in params.m.items()}
    after = learn_name_and_birth_date(levels, np.ones(len(levels), dtype=bool), params, COMPARISONS)
    assert after.m == before
    assert "name_and_date_matches" not in after.trained_on


GIVEN = [
    "ANNA", "PETER", "MARIA", "THOMAS", "SABINE", "KLAUS", "URSULA", "JUERGEN", "MONIKA", "STEFAN",
    "PETRA", "WOLFGANG", "HELGA", "DIETER", "KARIN", "UWE", "BIRGIT", "FRANK", "RENATE", "WERNER",
]  # fmt: skip
FAMILY = [
    "MUELLER", "SCHMIDT", "SCHNEIDER", "FISCHER", "WEBER", "MEYER", "WAGNER", "BECKER", "HOFFMANN",
    "SCHULZ", "KOCH", "RICHTER", "KLEIN", "WOLF", "NEUMANN", "SCHWARZ", "ZIMMERMANN", "BRAUN",
    "HARTMANN", "KRUEGER", "LANGE", "WERNER", "KRAUSE", "LEHMANN", "KOEHLER",
]  # fmt: skip


def _persons_from_a_short_list_of_names(
    rng: np.random.Generator,
) -> tuple[pd.DataFrame, list[tuple[int, int]]]:
    """1,500 people drawn from 500 names (three people to a name) with random birth dates; 150 are
    written twice, the second time with one thing changed: a letter of the family name, or the
    year, month or day of birth."""
    people = []
    for _ in range(1_500):
        born = pd.Timestamp("1930-01-01") + pd.Timedelta(days=int(rng.integers(0, 70 * 365)))
        people.append([str(rng.choice(GIVEN)), str(rng.choice(FAMILY)), born.year, born.month, born.day])
    rows = [list(p) for p in people]
    duplicates = []
    for k in rng.choice(len(people), 150, replace=False):
        copy = list(people[k])
        change = rng.integers(0, 4)
        if change == 0:
            family = copy[1]
            at = int(rng.integers(1, len(family)))
            copy[1] = family[:at] + "X" + family[at + 1 :]
        elif change == 1:
            copy[2] += int(rng.choice([-10, -1, 1, 10]))
        elif change == 2:
            copy[3] = copy[3] % 12 + 1
        else:
            copy[4] = copy[4] % 28 + 1
        duplicates.append((int(k), len(rows)))
        rows.append(copy)
    frame = pd.DataFrame(rows, columns=["given", "family", "year", "month", "day"])
    frame.insert(0, "record_id", [f"r{i}" for i in range(len(frame))])
    return frame, duplicates


def test_a_list_of_names_and_birth_dates_merges_the_duplicates_and_not_namesakes_born_apart():
    frame, duplicates = _persons_from_a_short_list_of_names(np.random.default_rng(8))
    spec = parse_spec(
        {
            "record_id": "record_id",
            "entity": "person",
            "columns": {
                "given_name": "given",
                "family_name": "family",
                "birth_date": ["year", "month", "day"],
            },
        }
    )
    result = deduplicate(frame, spec, progress=False)
    cluster = result.clusters["cluster_id"].to_numpy()
    assert sum(cluster[a] == cluster[b] for a, b in duplicates) >= 0.95 * len(duplicates)
    ids = frame["record_id"].to_numpy()
    true = {frozenset((ids[a], ids[b])) for a, b in duplicates}
    merged = result.pairs[result.pairs["match_class"] == "auto_merge"]
    wrong = merged[
        [
            frozenset(p) not in true
            for p in zip(merged["left_record_id"], merged["right_record_id"], strict=True)
        ]
    ]
    # Only namesakes whose dates are a slip apart, as a duplicate's are, can be taken for one.
    assert set(wrong["birth_date_level"]) <= {"one_part_apart"}
    assert len(wrong) <= 0.15 * len(duplicates)
    assert result.model_params.trained_on["name_and_date_matches"] == pytest.approx(len(duplicates), rel=0.3)
    # A duplicate's date is seldom years off: the far levels weigh clearly against a match.
    params = result.model_params
    weight = dict(
        zip(
            _labels(BIRTH_DATE),
            np.log2(np.array(params.m["birth_date"]) / np.array(params.u["birth_date"])),
            strict=True,
        )
    )
    assert weight["within_ten_years"] < -3
    assert weight["different"] < -3
