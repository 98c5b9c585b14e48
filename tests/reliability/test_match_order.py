"""The same records give the same matches whatever order the file holds them in."""

from __future__ import annotations

import pandas as pd

from mdm.dedupe import deduplicate
from mdm.spec import parse_spec
from sample_data.generate import generate_party_data


def test_the_same_records_in_another_order_give_the_same_result():
    """A salesperson's list of names, exported sorted one way and then another: blocking, the random
    pairs u is read from and the clustering all work in the order of the record ids, not the file's."""
    records = generate_party_data(300, seed=7, kind="partner", difficulty="hard").records
    records.insert(0, "id", records["source_system"] + ":" + records["source_record_id"].astype(str))
    spec = parse_spec({"record_id": "id", "columns": {"company_name": "partner_name"}})
    shuffled = records.sample(frac=1, random_state=1).reset_index(drop=True)
    first = deduplicate(records, spec, progress=False)
    second = deduplicate(shuffled, spec, progress=False)

    # Clusters come back in each input's own order, and are the same.
    assert second.clusters["record_id"].tolist() == shuffled["id"].tolist()
    by_id = ["record_id", "cluster_id", "match_score"]
    pd.testing.assert_frame_equal(
        first.clusters[by_id].sort_values("record_id").reset_index(drop=True),
        second.clusters[by_id].sort_values("record_id").reset_index(drop=True),
    )
    # The pairs too, row for row: most probable first, pairs of one probability in the order of their ids.
    pair_key = ["left_record_id", "right_record_id"]
    columns = [*pair_key, "match_probability", "match_class"]
    pd.testing.assert_frame_equal(first.pairs[columns], second.pairs[columns])
    assert (first.pairs["match_class"] == "needs_review").any()  # the list holds pairs in doubt
    ties = first.pairs[first.pairs.duplicated("match_probability", keep=False)]
    assert len(ties) > 10
    for _, tied in ties.groupby("match_probability", sort=False):
        key = list(zip(tied["left_record_id"].astype(str), tied["right_record_id"].astype(str), strict=True))
        assert key == sorted(key)
