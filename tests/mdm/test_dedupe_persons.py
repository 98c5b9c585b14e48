"""A person list with every field: duplicates merge, relatives of one suburb with near names do not."""

from __future__ import annotations

import numpy as np
import pandas as pd

from mdm.dedupe import deduplicate
from mdm.spec import parse_spec

GIVEN = [
    "TARA", "LIAM", "KYRA", "JAKE", "SEANNA", "BROOKE", "LAURA", "RHIANNON", "JESSICA", "CONNOR",
    "MILLIE", "HAYDEN", "ISABELLA", "JOSHUA", "CHLOE", "MITCHELL", "ZOE", "LACHLAN", "EMILY", "SAMUEL",
]  # fmt: skip
FAMILY = [
    "WHITE", "GREEN", "WILDE", "PRIEST", "BURFORD", "HEFFORD", "BISHOP", "FERRIS", "GILLARD", "MCNEILL",
    "REINMUTH", "ZARLIA", "CLARKE", "PENDLE", "HUGHES", "OLIVER", "BRANDON", "TALLAX", "WARD", "COOKE",
    "DONNELLY", "FAIRWEATHER", "KAVANAGH", "LINDQVIST", "MORCOMBE",
]  # fmt: skip
STREETS = ["GALLOWAY", "CHOWNE", "BUGDEN", "STENHOUSE", "COGLIN", "MERRIVALE", "TOOHEY", "WATTLE", "BANKSIA"]
SUBURBS = ["MONA VALE", "BELVOIR", "SWEETWATERS", "AGARABI", "BURRUM HEADS", "KEW", "DUBBO", "ORANGE"]

NAMESAKES = 2

SPEC = {
    "record_id": "record_id",
    "entity": "person",
    "country": "AU",
    "columns": {
        "given_name": "given_name",
        "family_name": "surname",
        "birth_date": "date_of_birth",
        "address": ["street_number", "address_1"],
        "city": "suburb",
        "postcode": "postcode",
        "national_id": ["soc_sec_id"],
    },
}


def _person(rng: np.random.Generator, given: str, family: str, suburb: int) -> dict:
    return {
        "given_name": given,
        "surname": family,
        "date_of_birth": f"{rng.integers(1920, 2000)}{rng.integers(1, 13):02d}{rng.integers(1, 29):02d}",
        "street_number": str(rng.integers(1, 200)),
        "address_1": f"{STREETS[rng.integers(len(STREETS))]} STREET",
        "suburb": SUBURBS[suburb],
        "postcode": str(2000 + 17 * suburb),
        "soc_sec_id": str(rng.integers(1_000_000, 9_999_999)),
    }


def _typo(rng: np.random.Generator, word: str) -> str:
    k = int(rng.integers(1, len(word)))
    return word[:k] + "XQZ"[int(rng.integers(3))] + word[k + 1 :]


def _people_with_relatives(
    seed: int = 5,
) -> tuple[pd.DataFrame, list[tuple[int, int]], list[tuple[int, int]]]:
    """Persons, a copy of half of them with a typo somewhere, and for a third of them a relative
    at the same suburb whose given name is one letter apart and whose every other field differs."""
    rng = np.random.default_rng(seed)
    rows: list[dict] = []
    duplicates, relatives = [], []
    for given in GIVEN:
        for family in FAMILY:
            if rng.random() < 0.6:
                rows.append(_person(rng, given, family, int(rng.integers(len(SUBURBS)))))
    originals = len(rows)
    for i in range(originals):
        if rng.random() < 0.5:
            copy = dict(rows[i])
            field = ["given_name", "surname", "address_1", "soc_sec_id", "date_of_birth"][
                int(rng.integers(5))
            ]
            copy[field] = _typo(rng, copy[field])
            duplicates.append((i, len(rows)))
            rows.append(copy)
        for k in range(NAMESAKES):
            namesake = _person(
                rng, _typo(rng, rows[i]["given_name"]), rows[i]["surname"], int(rng.integers(8))
            )
            if k == 0 and rng.random() < 0.2:  # a relative at the same suburb
                namesake["suburb"], namesake["postcode"] = rows[i]["suburb"], rows[i]["postcode"]
                relatives.append((i, len(rows)))
            rows.append(namesake)
    frame = pd.DataFrame(rows)
    frame.insert(0, "record_id", [f"r{k}" for k in range(len(frame))])
    return frame, duplicates, relatives


def test_relatives_at_one_suburb_stay_apart_while_typed_twice_persons_merge():
    frame, duplicates, relatives = _people_with_relatives()
    result = deduplicate(frame, parse_spec(SPEC), progress=False)
    cluster = result.clusters["cluster_id"].to_numpy()
    merged_relatives = [pair for pair in relatives if cluster[pair[0]] == cluster[pair[1]]]
    assert merged_relatives == []
    found = sum(cluster[a] == cluster[b] for a, b in duplicates)
    assert found >= 0.97 * len(duplicates)
    # A different national id and birth date weigh clearly against a match once EM learns m
    # from pairs several other fields vouch for.
    params = result.model_params
    different = params.levels["national_id"].index("different")
    assert params.m["national_id"][different] < 0.15


def test_a_list_whose_duplicates_often_carry_another_birth_date_learns_so():
    # Each person twice with one e-mail and name; in 45 % of pairs the second record's birth date
    # is another date altogether (a form's default, a relative's, a slip).
    rng = np.random.default_rng(11)
    rows = []

    def a_date() -> str:
        return f"{rng.integers(1940, 2000)}-{rng.integers(1, 13):02d}-{rng.integers(1, 29):02d}"

    families = [f + end for f in FAMILY for end in ("", "SON", "LEY", "TON")]
    for i, (given, family) in enumerate((g, f) for g in GIVEN for f in families):
        born = a_date()
        other = a_date() if i % 20 < 9 else born
        email = f"{given.lower()}.{family.lower()}{i}@example.com"
        rows += [(given, family, born, email), (given, family, other, email)]
    frame = pd.DataFrame(rows, columns=["given_name", "surname", "dob", "email"])
    frame.insert(0, "record_id", [f"p{k}" for k in range(len(frame))])
    spec = {
        "record_id": "record_id",
        "entity": "person",
        "columns": {
            "given_name": "given_name",
            "family_name": "surname",
            "birth_date": "dob",
            "email": "email",
        },
    }
    params = deduplicate(frame, parse_spec(spec), progress=False).model_params
    levels = params.levels["birth_date"]
    another_date = sum(
        params.m["birth_date"][levels.index(lv)] for lv in ("within_a_year", "within_ten_years", "different")
    )
    assert 0.35 < another_date < 0.55


def test_on_a_list_of_names_and_postcodes_em_does_not_learn_relatives_as_duplicates():
    frame, _, _ = _people_with_relatives()
    spec = {
        "record_id": "record_id",
        "entity": "person",
        "columns": {"given_name": "given_name", "family_name": "surname", "postcode": "postcode"},
    }
    thin = frame[["record_id", "given_name", "surname", "postcode"]]
    params = deduplicate(thin, parse_spec(spec), progress=False).model_params
    m = dict(zip(params.levels["person_name"], params.m["person_name"], strict=True))
    assert m["one_part_same"] <= 0.2 and m["somewhat"] <= 0.1
    assert m["exact"] + m["close"] > 0.5  # a duplicate keeps its name, or misspells it
    location = dict(zip(params.levels["location"], params.m["location"], strict=True))
    assert location["different_postcode"] <= 0.3
