"""``channel-mdm golden show ID`` on a loaded store (SQLite, and PostgreSQL when a server is reachable)."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Engine

from channel_mdm.cli import main
from migration.steward_decisions import save_decisions


def test_a_golden_record_with_its_sources_and_decisions(
    loaded_store: Engine, store_url, tmp_path, monkeypatch, capsys
):
    decisions = pd.DataFrame(
        {
            "left_source_system": ["DMS"],
            "left_source_record_id": ["D-9"],
            "right_source_system": ["ERP"],
            "right_source_record_id": ["P001"],
            "decision": ["merge"],
            "notes": [""],
            "sheet_row": [2],
        }
    )
    save_decisions(loaded_store, decisions, "王芳", "review.xlsx", "partner")
    monkeypatch.setenv("CHANNEL_MDM_STORE_URL", store_url)
    monkeypatch.setenv("CHANNEL_MDM_DATA_DIR", str(tmp_path / "data"))
    assert main(["golden", "show", "P00000001"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "partner P00000001"
    assert "  partner_name: 深圳市华南商贸有限公司" in out
    assert out[out.index("source records (2):") + 1 :][:2] == [
        "  DMS D-9: auto_merge score 0.930",
        "  ERP P001: auto_merge score 1.000",
    ]
    decisions = out.index("steward decisions (1):")
    assert out[decisions + 1].startswith("  DMS D-9 / ERP P001: merge by 王芳 at ")
    assert out[-2:] == ["history (1):", out[-1]]
    assert out[-1].endswith(" create P00000001 from ERP P001 (batch B1)")


def test_an_unknown_golden_id_is_one_line(loaded_store: Engine, store_url, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CHANNEL_MDM_STORE_URL", store_url)
    monkeypatch.setenv("CHANNEL_MDM_DATA_DIR", str(tmp_path / "data"))
    assert main(["golden", "show", "P09999999"]) == 2
    assert capsys.readouterr().err == (
        "channel-mdm golden: error: golden id 'P09999999' is in neither the partner nor the customer table of "
        "the store, nor an alias of a merged record; check the id (e.g. P00000001) and CHANNEL_MDM_STORE_URL\n"
    )


def test_a_partner_shows_its_head_office_and_supplying_distributor(
    loaded_store: Engine, store_url, tmp_path, monkeypatch, capsys
):
    from migration.load import load_table

    more = pd.DataFrame(
        {
            "golden_id": ["P00000003", "P00000004"],
            "partner_name": ["深圳市华南商贸有限公司杭州分公司", "绵阳百顺副食经营部"],
            "channel_tier": ["1", "2"],
            "parent_golden_id": ["P00000001", None],
            "parent_link": ["name_rule", None],
            "supplier_golden_id": [None, "P00000001"],
        }
    )
    load_table(loaded_store, "partner", more, "B2")
    monkeypatch.setenv("CHANNEL_MDM_STORE_URL", store_url)
    monkeypatch.setenv("CHANNEL_MDM_DATA_DIR", str(tmp_path / "data"))
    shown = {}
    for golden_id in ("P00000001", "P00000002", "P00000003", "P00000004"):
        assert main(["golden", "show", golden_id]) == 0
        shown[golden_id] = [line for line in capsys.readouterr().out.splitlines() if "hierarchy" in line]
    assert shown == {
        "P00000001": ["hierarchy: head office -; supplying distributor (一批) -"],
        "P00000002": ["hierarchy: head office -; supplying distributor (一批) not named by any source"],
        "P00000003": [
            "hierarchy: head office P00000001 (found by the branch's name); supplying distributor (一批) -"
        ],
        "P00000004": ["hierarchy: head office -; supplying distributor (一批) P00000001"],
    }
