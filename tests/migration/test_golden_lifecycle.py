"""A golden record's life in the store (SQLite, and PostgreSQL when a server is reachable): a merge
retires the other id into an alias, lineage and history are kept, and a steward's unmerge splits
records out again — restoring the id they had before the merge."""

from __future__ import annotations

import pandas as pd
import pytest
from sqlalchemy import Engine, select

from channel_mdm.cli import main
from migration.direct_edits import find_direct_edits
from migration.golden_reads import read_golden_record
from migration.golden_unmerge import unmerge_golden_record
from migration.load import LoadStats, load_all
from migration.models import TABLES
from migration.steward_decisions import load_decisions

LINEAGE = pd.DataFrame(
    {
        "entity": "partner",
        "golden_id": ["P00000001", "P00000001", "P00000002"],
        "field": ["partner_name", "phone", "partner_name"],
        "source_system": ["ERP", "DMS", "ERP"],
        "source_record_id": ["P001", "D-9", "P002"],
        "rule": ["most_trusted", "most_frequent", "only_value"],
    }
)


def _rows(engine: Engine, table: str, *columns: str) -> list[tuple]:
    t = TABLES[table]
    with engine.connect() as connection:
        query = select(*(t.c[c] for c in columns)).order_by(*(t.c[c] for c in columns))
        return [tuple(r) for r in connection.execute(query)]


def _history(engine: Engine) -> list[tuple]:
    t = TABLES["golden_history"]
    columns = ("golden_id", "event", "field", "old_value", "new_value", "source_system", "source_record_id")
    with engine.connect() as connection:
        query = select(*(t.c[c] for c in columns), t.c.cause_batch_id, t.c.cause_file).order_by(
            t.c.history_id
        )
        return [tuple(r) for r in connection.execute(query)]


def _merged_frames(store_frames: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The next load after a steward merged ERP P002 into P00000001."""
    frames = {name: frame.copy() for name, frame in store_frames.items()}
    frames["partner"] = frames["partner"].iloc[[0]].assign(source_count=3)
    frames["crosswalk"] = frames["crosswalk"].assign(golden_id="P00000001")
    frames["balance"] = frames["balance"].assign(partner_golden_id="P00000001")
    frames["order"] = frames["order"].assign(partner_golden_id="P00000001")
    frames["golden_lineage"] = LINEAGE.iloc[:2]
    return frames


RETIRED = pd.DataFrame(
    [
        {
            "entity": "partner",
            "retired_golden_id": "P00000002",
            "golden_id": "P00000001",
            "cause_file": "review.xlsx",
        }
    ]
)


@pytest.fixture
def first_load(store: Engine, store_frames) -> Engine:
    load_all(store, store_frames | {"golden_lineage": LINEAGE}, "B1")
    return store


def test_a_first_load_records_each_golden_record_created_and_its_lineage(first_load: Engine):
    assert _history(first_load) == [
        ("P00000001", "create", None, None, "P00000001", "ERP", "P001", "B1", None),
        ("P00000002", "create", None, None, "P00000002", "ERP", "P002", "B1", None),
    ]
    assert _rows(first_load, "golden_lineage", "golden_id", "field", "source_record_id", "rule") == [
        ("P00000001", "partner_name", "P001", "most_trusted"),
        ("P00000001", "phone", "D-9", "most_frequent"),
        ("P00000002", "partner_name", "P002", "only_value"),
    ]


def test_a_merge_retires_the_other_id_into_an_alias_that_still_resolves(first_load: Engine, store_frames):
    stats = load_all(first_load, _merged_frames(store_frames), "B2", retired=RETIRED)

    assert stats["partner"] == LoadStats(updated=1, retired=1)  # nothing "gone from the sources"
    assert _rows(first_load, "partner", "golden_id") == [("P00000001",)]  # expected count == rows in store
    assert _rows(
        first_load, "golden_alias", "retired_golden_id", "golden_id", "cause_batch_id", "cause_file"
    ) == [("P00000002", "P00000001", "B2", "review.xlsx")]
    # balances and orders of the retired record now belong to the survivor, rehashed, not "edited"
    assert {g for (g,) in _rows(first_load, "balance", "partner_golden_id")} == {"P00000001"}
    assert find_direct_edits(first_load) == {}
    # lineage of the retired record is gone with it
    assert {g for (g,) in _rows(first_load, "golden_lineage", "golden_id")} == {"P00000001"}
    history = _history(first_load)[2:]
    assert ("P00000001", "merge", None, "P00000002", "P00000001", None, None, "B2", "review.xlsx") in history
    assert (
        "P00000001",
        "merge",
        None,
        "P00000002",
        "P00000001",
        "ERP",
        "P002",
        "B2",
        "review.xlsx",
    ) in history
    assert ("P00000001", "change", "source_count", "2", "3", None, None, "B2", None) in history
    view = read_golden_record(first_load, "P00000002")
    assert (view.golden_id, view.asked_for) == ("P00000001", "P00000002")
    assert view.aliases["retired_golden_id"].tolist() == ["P00000002"]


def test_an_unchanged_rerun_adds_no_history(first_load: Engine, store_frames):
    before = _history(first_load)
    load_all(first_load, store_frames | {"golden_lineage": LINEAGE}, "B2")
    assert _history(first_load) == before


def test_a_changed_value_is_recorded_with_old_and_new_value_and_its_batch(first_load: Engine, store_frames):
    frames = store_frames | {"golden_lineage": LINEAGE}
    frames["partner"] = frames["partner"].assign(phone=["0755-87654321", "13812345678"])
    load_all(first_load, frames, "B2")
    assert _history(first_load)[2:] == [
        ("P00000001", "change", "phone", "0755-12345678", "0755-87654321", None, None, "B2", None)
    ]


def test_unmerge_restores_the_id_a_merge_retired_and_stores_the_split_as_decisions(
    first_load: Engine, store_frames, store_url, tmp_path, monkeypatch, capsys
):
    load_all(first_load, _merged_frames(store_frames), "B2", retired=RETIRED)

    done = unmerge_golden_record(first_load, "P00000001", [("ERP", "P002")], "王芳")

    assert (done.new_golden_id, done.restored) == ("P00000002", True)
    assert _rows(first_load, "partner", "golden_id", "source_count") == [("P00000001", 2), ("P00000002", 1)]
    assert _rows(first_load, "golden_alias", "retired_golden_id") == []
    assert _rows(first_load, "crosswalk", "source_record_id", "golden_id") == [
        ("D-9", "P00000001"), ("P001", "P00000001"), ("P002", "P00000002")
    ]  # fmt: skip
    assert ("P00000002",) in set(_rows(first_load, "balance", "partner_golden_id"))
    assert find_direct_edits(first_load) == {}
    decisions = load_decisions(first_load, "partner")
    assert sorted(
        zip(decisions["right_source_record_id"], decisions["decision"], decisions["decided_by"], strict=True)
    ) == [("D-9", "not_a_match", "王芳"), ("P001", "not_a_match", "王芳")]
    assert _history(first_load)[-1][:7] == (
        "P00000002",
        "unmerge",
        None,
        "P00000001",
        "P00000002",
        "ERP",
        "P002",
    )
    monkeypatch.setenv("CHANNEL_MDM_STORE_URL", store_url)
    monkeypatch.setenv("CHANNEL_MDM_DATA_DIR", str(tmp_path / "data"))
    assert main(["golden", "show", "P00000002"]) == 0
    assert (
        capsys.readouterr()
        .out.splitlines()[-1]
        .endswith(
            " unmerge: ERP P002 split out of P00000001 into P00000002 (by 王芳, via channel-mdm golden unmerge P00000001)"
        )
    )


def test_unmerge_without_an_earlier_id_issues_the_next_number(first_load: Engine):
    done = unmerge_golden_record(first_load, "P00000001", [("DMS", "D-9")], "王芳")
    assert (done.new_golden_id, done.restored) == ("P00000003", False)
    lineage = _rows(first_load, "golden_lineage", "golden_id", "field", "source_record_id", "rule")
    assert ("P00000003", "phone", "D-9", "most_frequent") in lineage  # the split record's own value
    assert ("P00000003", "partner_name", "P001", "copied at unmerge") in lineage


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (
            ["P09999999", "--records", "ERP:P001"],
            "golden id 'P09999999' is in neither the partner nor the customer table of the store, nor an alias "
            "of a merged record; check the id with 'channel-mdm golden show' and CHANNEL_MDM_STORE_URL",
        ),
        (
            ["P00000001", "--records", "ERP:P001,crm:X1,ERP:P002"],
            "golden id P00000001 has no source record crm:X1, ERP:P002 (it is in P00000002); its source records "
            "are DMS:D-9, ERP:P001 (see 'channel-mdm golden show P00000001')",
        ),
        (
            ["P00000001", "--records", "ERP:P001,DMS:D-9"],
            "ERP:P001, DMS:D-9 are all of P00000001's source records; name only the records to split out "
            "(P00000001 keeps the others)",
        ),
        (
            ["P00000001", "--records", "P001"],
            "--records: 'P001' is not SOURCE_SYSTEM:RECORD_ID; write e.g. --records erp:C000123,crm:A-100002",
        ),
    ],
)
def test_unmerge_refuses_bad_input_in_one_line_and_changes_nothing(
    first_load: Engine, store_url, tmp_path, monkeypatch, capsys, arguments, message
):
    monkeypatch.setenv("CHANNEL_MDM_STORE_URL", store_url)
    monkeypatch.setenv("CHANNEL_MDM_DATA_DIR", str(tmp_path / "data"))
    before = _rows(first_load, "crosswalk", "source_record_id", "golden_id")
    assert main(["golden", "unmerge", *arguments]) == 2
    assert capsys.readouterr().err == f"channel-mdm golden: error: {message}\n"
    assert _rows(first_load, "crosswalk", "source_record_id", "golden_id") == before
    assert load_decisions(first_load).empty


def test_golden_show_resolves_an_alias_and_prints_lineage_and_history(
    first_load: Engine, store_frames, store_url, tmp_path, monkeypatch, capsys
):
    load_all(first_load, _merged_frames(store_frames), "B2", retired=RETIRED)
    monkeypatch.setenv("CHANNEL_MDM_STORE_URL", store_url)
    monkeypatch.setenv("CHANNEL_MDM_DATA_DIR", str(tmp_path / "data"))
    assert main(["golden", "show", "P00000002"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[:2] == ["P00000002 is an alias: it was merged into P00000001", "partner P00000001"]
    aliases = out.index("aliases (1):")
    assert out[aliases + 1].startswith("  P00000002: merged in at ")
    assert out[aliases + 1].endswith(" (batch B2, steward file review.xlsx)")
    lineage = out.index("winning source per attribute (2):")
    assert out[lineage + 1 : lineage + 3] == [
        "  partner_name: ERP P001 (most_trusted)",
        "  phone: DMS D-9 (most_frequent)",
    ]
    history = [line[22:] for line in out[out.index(next(x for x in out if x.startswith("history ("))) + 1 :]]
    assert "create P00000001 from ERP P001 (batch B1)" in history
    assert "create P00000002 from ERP P002 (batch B1)" in history
    assert "merge: P00000002 merged into P00000001 (batch B2, steward file review.xlsx)" in history
    assert "merge: ERP P002 joined P00000001 from P00000002 (batch B2, steward file review.xlsx)" in history
    assert "change source_count: '2' → '3' (batch B2)" in history


def test_a_record_split_off_by_a_run_takes_its_balances_along(first_load: Engine, store_frames):
    frames = {name: frame.copy() for name, frame in store_frames.items()} | {"golden_lineage": LINEAGE}
    split = pd.DataFrame(
        {
            "golden_id": ["P00000003"],
            "partner_name": ["深圳华南商贸"],
            "source_count": [1],
            "primary_source_system": ["DMS"],
            "primary_source_record_id": ["D-9"],
        }
    )
    frames["partner"] = pd.concat([frames["partner"].assign(source_count=[1, 1]), split], ignore_index=True)
    frames["crosswalk"].loc[frames["crosswalk"]["source_record_id"] == "D-9", "golden_id"] = "P00000003"
    moved = frames["balance"]["partner_record_id"] == "D-9"
    frames["balance"].loc[moved, "partner_golden_id"] = "P00000003"
    frames["order"].loc[frames["order"]["partner_record_id"] == "D-9", "partner_golden_id"] = "P00000003"

    stats = load_all(first_load, frames, "B2")

    assert stats["balance"] == LoadStats(unchanged=3)  # moved with its record: no stale copy under P00000001
    assert _rows(first_load, "balance", "partner_golden_id", "partner_record_id") == [
        ("P00000001", "P001"), ("P00000002", "P002"), ("P00000003", "D-9")
    ]  # fmt: skip
    assert find_direct_edits(first_load) == {}
    assert ("P00000003", "unmerge", None, "P00000001", "P00000003", "DMS", "D-9", "B2", None) in _history(
        first_load
    )


def test_an_alias_moves_on_when_its_survivor_is_merged_in_turn(first_load: Engine, store_frames):
    load_all(first_load, _merged_frames(store_frames), "B2", retired=RETIRED)
    newer = pd.DataFrame(
        {"golden_id": ["P00000000"], "partner_name": ["深圳市华南商贸总公司"], "source_count": [4],
         "primary_source_system": ["ERP"], "primary_source_record_id": ["P000"]}
    )  # fmt: skip
    frames = _merged_frames(store_frames)
    frames["partner"] = newer
    frames["crosswalk"] = pd.concat(
        [frames["crosswalk"], frames["crosswalk"].iloc[[0]].assign(source_record_id="P000")],
        ignore_index=True,
    ).assign(golden_id="P00000000")
    frames["balance"] = frames["balance"].assign(partner_golden_id="P00000000")
    frames["order"] = frames["order"].assign(partner_golden_id="P00000000")
    frames["golden_lineage"] = LINEAGE.iloc[:0]
    retired = RETIRED.assign(retired_golden_id="P00000001", golden_id="P00000000", cause_file=None)

    load_all(first_load, frames, "B3", retired=retired)

    assert _rows(first_load, "golden_alias", "retired_golden_id", "golden_id", "cause_batch_id") == [
        ("P00000001", "P00000000", "B3"), ("P00000002", "P00000000", "B2")
    ]  # fmt: skip
    assert read_golden_record(first_load, "P00000002").golden_id == "P00000000"


def _customer_frames(store_frames, golden_ids: list[str], members: dict[str, str]) -> dict[str, pd.DataFrame]:
    customer = pd.DataFrame(
        {
            "golden_id": golden_ids,
            "customer_kind": "person",
            "customer_name": [f"张{g[-1]}" for g in golden_ids],
            "partner_golden_id": "P00000001",
            "source_count": [list(members.values()).count(g) for g in golden_ids],
            "primary_source_system": "CRM",
            "primary_source_record_id": [
                next(r for r, g in members.items() if g == gid) for gid in golden_ids
            ],
        }
    )
    crosswalk = pd.DataFrame(
        {"entity": "customer", "source_system": "CRM", "source_record_id": list(members),
         "golden_id": list(members.values()), "match_decision": "auto_merge"}
    )  # fmt: skip
    return store_frames | {
        "customer": customer,
        "crosswalk": pd.concat([store_frames["crosswalk"], crosswalk], ignore_index=True),
    }


def test_customers_merge_into_aliases_and_unmerge_like_partners(store: Engine, store_frames):
    load_all(
        store,
        _customer_frames(store_frames, ["C00000001", "C00000002"], {"K1": "C00000001", "K2": "C00000002"}),
        "B1",
    )
    merged = _customer_frames(store_frames, ["C00000001"], {"K1": "C00000001", "K2": "C00000001"})
    retired = pd.DataFrame(
        [
            {
                "entity": "customer",
                "retired_golden_id": "C00000002",
                "golden_id": "C00000001",
                "cause_file": None,
            }
        ]
    )

    stats = load_all(store, merged, "B2", retired=retired)

    assert stats["customer"].retired == 1
    assert _rows(store, "customer", "golden_id") == [("C00000001",)]
    assert _rows(store, "golden_alias", "entity", "retired_golden_id", "golden_id") == [
        ("customer", "C00000002", "C00000001")
    ]
    done = unmerge_golden_record(store, "C00000002", [("CRM", "K2")], "王芳")  # asked by its alias
    assert (done.entity, done.golden_id, done.new_golden_id, done.restored) == (
        "customer", "C00000001", "C00000002", True
    )  # fmt: skip
    assert _rows(store, "customer", "golden_id", "source_count") == [("C00000001", 1), ("C00000002", 1)]
    assert find_direct_edits(store) == {}
