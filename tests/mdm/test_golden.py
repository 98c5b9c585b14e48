from __future__ import annotations

import pandas as pd
import pytest

from foundation.errors import UserError
from mdm.golden import build_golden_records
from mdm.survivorship import load_survivorship_rules


def _records() -> pd.DataFrame:
    rows = [
        # cluster A: erp is most trusted; crm has the only valid USCC
        (
            "erp",
            "C000001",
            "A",
            1,
            "深圳市华润商贸有限公司",
            "914403001922038215",
            "invalid_checksum",
            "+8613800000001",
            "2020-01-01",
        ),
        ("dms", "D00001", "A", 2, "华润商贸(深圳)有限公司", None, "missing", "+8613800000002", "2024-05-01"),
        (
            "crm",
            "A-000001",
            "A",
            3,
            "深圳华润商贸有限公司",
            "914403001922038216",
            "valid",
            "+8613800000002",
            "2023-01-01",
        ),
        # cluster B: singleton, missing everything but the name
        ("crm", "A-000002", "B", 3, "上海华润商贸有限公司", None, "missing", None, None),
    ]
    frame = pd.DataFrame(
        rows,
        columns=[
            "source_system",
            "source_record_id",
            "cluster_id",
            "trust_rank",
            "partner_name",
            "uscc",
            "uscc_status",
            "phone",
            "created_date",
        ],
    )
    frame["record_id"] = frame["source_system"] + ":" + frame["source_record_id"]
    return frame


def test_survivorship_prefers_valid_codes_trusted_names_and_frequent_phones():
    result = build_golden_records("partner", _records())
    golden = result.golden.set_index("primary_source_record_id")
    a = golden.loc["C000001"]
    assert a["partner_name"] == "深圳市华润商贸有限公司"  # most trusted source
    assert a["uscc"] == "914403001922038216"  # the valid code beats the more trusted invalid one
    assert a["uscc_status"] == "valid"  # status follows the code it describes
    assert a["phone"] == "+8613800000002"  # two records agree
    assert a["source_count"] == 3
    b = golden.loc["A-000002"]
    assert pd.isna(b["uscc"]) and b["source_count"] == 1


def test_lineage_names_the_record_each_value_came_from():
    result = build_golden_records("partner", _records())
    lineage = result.lineage.set_index("field")
    golden_a = result.golden.loc[result.golden["primary_source_record_id"] == "C000001", "golden_id"].item()
    rows = result.lineage[result.lineage["golden_id"] == golden_a].set_index("field")
    assert rows.loc["uscc", "source_record_id"] == "A-000001"
    assert rows.loc["partner_name", "source_record_id"] == "C000001"
    assert len(lineage) > 0


def test_lineage_names_the_rule_that_chose_each_value():
    result = build_golden_records("partner", _records())
    by_record = result.lineage.set_index(["source_record_id", "field"])["rule"]
    assert by_record[("A-000001", "uscc")] == "valid_first"  # beat the more trusted invalid code
    assert by_record[("A-000001", "uscc_status")] == "follow uscc"
    assert by_record[("C000001", "partner_name")] == "most_trusted"
    assert by_record[("A-000002", "partner_name")] == "only_value"  # a cluster of one
    phone = result.lineage[result.lineage["field"] == "phone"].set_index("source_record_id")["rule"]
    assert phone["D00001"] == "most_frequent"  # two records agree against the most trusted one


def test_first_run_ids_are_deterministic_and_independent_of_row_order():
    first = build_golden_records("partner", _records())
    shuffled = build_golden_records("partner", _records().sample(frac=1, random_state=3))
    key = ["source_system", "source_record_id"]
    pd.testing.assert_frame_equal(
        first.crosswalk.sort_values(key).reset_index(drop=True),
        shuffled.crosswalk.sort_values(key).reset_index(drop=True),
    )
    assert set(first.golden["golden_id"]) == {"P00000001", "P00000002"}


def test_golden_ids_are_stable_across_runs_and_new_clusters_get_new_numbers():
    first = build_golden_records("partner", _records())
    records = _records()
    extra = records.iloc[[3]].assign(source_record_id="A-000003", record_id="crm:A-000003", cluster_id="C")
    second = build_golden_records("partner", pd.concat([records, extra]), existing_crosswalk=first.crosswalk)
    before = first.crosswalk.set_index(["source_system", "source_record_id"])["golden_id"]
    after = second.crosswalk.set_index(["source_system", "source_record_id"])["golden_id"]
    assert (after.reindex(before.index) == before).all()
    assert after.loc[("crm", "A-000003")] == "P00000003"
    assert second.new_count == 1 and second.kept_count == 2


def test_merging_two_golden_records_keeps_the_older_id_and_retires_the_other():
    first = build_golden_records("partner", _records())
    merged = _records().assign(cluster_id="A")
    second = build_golden_records("partner", merged, existing_crosswalk=first.crosswalk)
    assert second.golden["golden_id"].tolist() == ["P00000001"]
    assert second.retired.to_dict("records") == [{"retired_golden_id": "P00000002", "golden_id": "P00000001"}]


def test_unknown_rule_is_reported_with_the_file_and_field(tmp_path):
    path = tmp_path / "rules.yaml"
    path.write_text("partner:\n  fields:\n    phone: [most_popular]\n", encoding="utf-8")
    with pytest.raises(UserError) as err:
        load_survivorship_rules("partner", path)
    assert str(err.value) == (
        f"{path}: partner.fields.phone: unknown rule 'most_popular'; expected one of "
        "valid_first, most_trusted, most_frequent, most_recent, longest or 'follow: FIELD'"
    )


def test_an_id_retired_by_a_merge_is_never_given_to_a_new_record():
    first = build_golden_records("partner", _records())
    merged = build_golden_records("partner", _records().assign(cluster_id="A"), first.crosswalk)
    records = _records().assign(cluster_id="A")
    newcomer = records.iloc[[3]].assign(source_record_id="A-000009", record_id="crm:A-000009", cluster_id="N")
    third = build_golden_records(
        "partner",
        pd.concat([records, newcomer]),
        merged.crosswalk,
        retired_golden_ids=merged.retired["retired_golden_id"],
    )
    assert merged.retired["retired_golden_id"].tolist() == ["P00000002"]
    assert third.crosswalk.set_index("source_record_id").loc["A-000009", "golden_id"] == "P00000003"
