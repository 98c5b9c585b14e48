from __future__ import annotations

from benchmarks.bench_households import member_list


def test_the_member_list_holds_households_of_several_people_sharing_a_home():
    records = member_list(households=200, seed=3)
    assert records["member_id"].is_unique
    # one person lives in one household; a household of several people has several names
    assert (records.groupby("true_person")["household"].nunique() == 1).all()
    people = records.groupby("household")["true_person"].nunique()
    assert (people > 1).sum() > 50
    several = records[records["household"].isin(people[people > 1].index)]
    names = several.groupby("household")["name"].nunique()
    assert (names > 1).all()
    # some people are written more than once: duplicates for the matcher to find
    assert records["true_person"].value_counts().max() >= 2
