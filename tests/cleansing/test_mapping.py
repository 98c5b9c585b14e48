"""Source mappings: the sample mappings load, and a steward's mistakes name the file and the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from cleansing.canonical import ENTITIES
from cleansing.mapping import check_source_columns, load_mapping, load_mappings
from foundation.errors import UserError
from foundation.settings import PROJECT_ROOT

MAPPINGS = PROJECT_ROOT / "sample_data" / "mappings"

BASE = """\
source_system: dms
entity: partner
trust_rank: 2
file: dms/dealers.csv
format: csv
columns:
  source_record_id: dealer_code
  partner_name: dealer_name
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "m.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def error(tmp_path: Path, text: str) -> str:
    path = write(tmp_path, text)
    with pytest.raises(UserError) as raised:
        load_mapping(path)
    prefix = f"{path}: "
    assert str(raised.value).startswith(prefix)
    return str(raised.value)[len(prefix) :]


def test_every_sample_mapping_loads_and_covers_its_entity() -> None:
    mappings = load_mappings(MAPPINGS)
    assert sorted(m.name for m in mappings) == sorted(
        [
            "crm_customer",
            "crm_partner",
            "dms_order",
            "dms_partner",
            "dms_price",
            "dms_promotion",
            "erp_partner",
            "erp_product",
            "erp_volume_band",
            "finance_balance",
            "sales_customer",
        ]
    )
    for mapping in mappings:
        assert mapping.entity in ENTITIES
        required = {c.name for c in mapping.canonical.columns if c.required}
        assert required <= set(mapping.columns) | set(mapping.constants)


def test_value_maps_are_resolved_by_name(tmp_path: Path) -> None:
    mapping = load_mapping(
        write(
            tmp_path,
            BASE + "  partner_type: {from: type, transform: [strip, {value_map: kinds}]}\n"
            "value_maps:\n  kinds: {经销商: distributor, 1: dealer}\n",
        )
    )
    strip, value_map = mapping.transforms["partner_type"]
    assert (strip.name, value_map.name) == ("strip", "value_map")
    assert dict(value_map.table) == {"经销商": "distributor", "1": "dealer"}
    assert mapping.source_columns() == ["dealer_code", "dealer_name", "type"]


def test_unknown_entity_suggests_the_close_one(tmp_path: Path) -> None:
    assert error(tmp_path, BASE.replace("entity: partner", "entity: partners")) == (
        "entity: unknown entity 'partners'; did you mean 'partner'? Expected one of partner, customer, product, price, "
        "balance, order, promotion, volume_band"
    )


def test_unknown_format_is_listed(tmp_path: Path) -> None:
    assert error(tmp_path, BASE.replace("format: csv", "format: xlsxx")) == (
        "format: unknown format 'xlsxx'; did you mean 'xlsx'? Expected one of csv, database, fixed_width, json, jsonl, "
        "ndjson, tsv, txt, xls, xlsm, xlsx"
    )


def test_undefined_value_map_is_named(tmp_path: Path) -> None:
    assert error(
        tmp_path,
        BASE + "  status: {from: s, transform: [{value_map: statuses}]}\nvalue_maps:\n  status: {a: b}\n",
    ) == (
        "columns.status.transform[0]: value map 'statuses' is not defined under value_maps; did you mean 'status'?"
    )


def test_several_sources_need_concat_or_coalesce(tmp_path: Path) -> None:
    assert error(tmp_path, BASE + "  phone: {from: [mobile, tel]}\n") == (
        "columns.phone: several source columns need a concat or coalesce transform"
    )
    assert error(tmp_path, BASE + "  phone: {from: mobile, transform: [coalesce]}\n") == (
        "columns.phone.transform[0]: coalesce needs a list of source columns in 'from'"
    )


def test_column_mapped_twice_is_refused(tmp_path: Path) -> None:
    assert error(tmp_path, BASE + "constants:\n  partner_name: x\n") == (
        "columns.partner_name: mapped both as a column and as a constant"
    )


def test_missing_key_and_unknown_key(tmp_path: Path) -> None:
    assert error(tmp_path, BASE.replace("trust_rank: 2\n", "")) == "missing required key 'trust_rank'"
    assert error(tmp_path, BASE + "colums: {}\n") == "unknown key 'colums'; did you mean 'columns'?"
    assert error(tmp_path, BASE.replace("trust_rank: 2", "trust_rank: 0")) == (
        "trust_rank: Input should be greater than or equal to 1"
    )


def test_bad_transform_arguments(tmp_path: Path) -> None:
    assert error(tmp_path, BASE + "  created_date: {from: d, transform: [{date: YYYY-MM-DD}]}\n") == (
        "columns.created_date.transform[0]: date needs a strftime format such as '%Y%m%d' (or a list of them)"
    )
    assert error(tmp_path, BASE + "  uscc: {from: u, transform: [{zfill: six}]}\n") == (
        "columns.uscc.transform[0]: zfill needs a width, e.g. {zfill: 6}"
    )


def test_missing_source_column_is_reported_with_a_suggestion(tmp_path: Path) -> None:
    mapping = load_mapping(write(tmp_path, BASE))
    with pytest.raises(UserError) as raised:
        check_source_columns(mapping, ["dealer_code", "dealer_nam"], {}, "dealers.csv")
    assert str(raised.value) == (
        f"dealers.csv: has no column 'dealer_name' (mapping {tmp_path / 'm.yaml'}, columns.partner_name); "
        "did you mean 'dealer_nam'? Columns in the file: dealer_code, dealer_nam"
    )


def test_mappings_folder_without_mappings(tmp_path: Path) -> None:
    with pytest.raises(UserError) as raised:
        load_mappings(tmp_path)
    assert str(raised.value) == f"{tmp_path}: no mapping files (*.yaml) found"
