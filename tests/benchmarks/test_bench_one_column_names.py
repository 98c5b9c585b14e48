from __future__ import annotations

import pandas as pd

from benchmarks.bench_one_column_names import joined_name, written_in_one_column
from benchmarks.public_datasets import PublicSet


def _persons() -> PublicSet:
    records = pd.DataFrame(
        {
            "record_id": ["a", "b", "c", "d"],
            "first_name": ["John", "", "Mary", None],
            "surname": ["Smith", "Jones", "", "Brown"],
            "postcode": ["2000", "2001", "2002", "2003"],
        }
    )
    return PublicSet("persons", records, pd.Series(["1", "2", "3", "4"]))


def test_the_name_is_joined_given_first_or_family_first_after_a_comma():
    data = _persons()
    assert joined_name(data.records, "first_name", "surname", False).tolist() == [
        "John Smith",
        "Jones",
        "Mary",
        "Brown",
    ]
    # One part alone is written alone, without a comma.
    assert joined_name(data.records, "first_name", "surname", True).tolist() == [
        "Smith, John",
        "Jones",
        "Mary",
        "Brown",
    ]


def test_the_spec_maps_the_one_column_to_person_name_and_keeps_the_rest():
    data = _persons()
    spec = {
        "record_id": "record_id",
        "entity": "person",
        "columns": {"given_name": "first_name", "family_name": "surname", "postcode": "postcode"},
    }
    records, used = written_in_one_column(data, spec, family_first=False)
    assert used["columns"] == {"postcode": "postcode", "person_name": "name"}
    assert list(records.columns) == ["record_id", "postcode", "name"]
    assert spec["columns"]["given_name"] == "first_name"  # the committed spec is left as it was
