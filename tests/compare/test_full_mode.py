"""Full mode: every row compared; what the team reads is listed, not just counted."""

from __future__ import annotations

from channel_mdm.cli import main
from migration.cutover import load_compare_config, run_comparison
from tests.compare.conftest import OLD_HEADER, as_new, customer_entity, customers, write_csv_file, write_yaml


def _run(folder, entities, mode="full"):
    config = write_yaml(folder / "compare.yaml", {"mode": mode, "entities": entities})
    return run_comparison(load_compare_config(config))


def _check(result, entity, name):
    return next(c for c in result.checks if c.entity == entity and c.check == name)


def test_formatting_value_maps_dates_and_tolerance_are_not_differences(customer_files):
    old = customers(50)
    new = [as_new(r) for r in old]
    new[3][1] = new[3][1] + "  "  # trailing spaces
    new[4][3] = str(float(new[4][3]) + 0.004)  # within the 0.005 tolerance
    folder = customer_files(old, new)
    result = _run(folder, {"customer": customer_entity("old.csv", "new.csv")})
    assert result.accepted, [c.statement for c in result.failed_checks]
    assert _check(result, "customer", "fields").statement == (
        "0 mismatches in all 50 customers found on both sides, compared field by field."
    )
    hashes = _check(result, "customer", "hash_totals")
    assert hashes.accepted and "only because of values within the field rules' tolerances" in hashes.statement


def test_missing_keys_are_listed_both_ways_with_their_rows(customer_files):
    old = customers(10)
    new = [as_new(r) for r in old if r[0] not in ("C00002", "C00007")]
    new.append(["C99999", "新客户", "1", "1.00", "CNY", "2024-01-01"])
    folder = customer_files(old, new)
    result = _run(folder, {"customer": customer_entity("old.csv", "new.csv")})
    coverage = _check(result, "customer", "key_coverage")
    assert not coverage.accepted
    assert coverage.statement == (
        "2 keys of the old side are missing on the new side; "
        "1 key on the new side is not on the old side; every one is listed."
    )
    assert coverage.rows == [
        ["missing on the new side", "C00002", "old", 4],
        ["missing on the new side", "C00007", "old", 9],
        ["not on the old side", "C99999", "new", 10],
    ]
    assert not result.accepted


def test_every_field_difference_is_listed_with_both_values(customer_files):
    old = customers(20)
    new = [as_new(r) for r in old]
    new[5][3] = "999.99"  # balance changed
    new[5][2] = "1"  # tier changed (二批 is 2)
    new[9][1] = "另一个名字"
    folder = customer_files(old, new)
    result = _run(folder, {"customer": customer_entity("old.csv", "new.csv")})
    fields = _check(result, "customer", "fields")
    assert fields.statement == (
        "2 of 20 customers found on both sides differ in at least one field "
        "(3 field differences); every one is listed with both values."
    )
    assert fields.rows == [
        ["C00005", 7, 7, "渠道级别", "tier", "二批", "1"],
        ["C00005", 7, 7, "应收余额", "balance", old[5][3], "999.99"],
        ["C00009", 11, 11, "客户名称", "name", old[9][1], "另一个名字"],
    ]
    assert not _check(result, "customer", "hash_totals").accepted


def test_control_totals_per_group_and_per_month(tmp_path):
    header = ["订单号", "客户编码", "下单日期", "金额", "币种"]
    old = [["SO1", "C1", "2026-09-03", "100.00", "CNY"], ["SO2", "C1", "2026/09/30", "50", "CNY"],
           ["SO3", "C2", "2026-10-01", "1,000.00", "USD"]]  # fmt: skip
    new = [["SO1", "C1", "2026-09-03", "100", "CNY"], ["SO2", "C1", "2026-09-30", "50.00", "CNY"],
           ["SO3", "C2", "2026-10-01", "1000.10", "USD"]]  # fmt: skip
    write_csv_file(tmp_path / "old.csv", header, old)
    write_csv_file(tmp_path / "new.csv", header, new)
    entity = {
        "old": {"file": "old.csv"}, "new": {"file": "new.csv"}, "key": ["订单号"], "columns": header,
        "rules": {"金额": {"kind": "money"}, "下单日期": {"kind": "date"}},
        "control_totals": [{"sum": "金额", "by_month": "下单日期"}, {"sum": "金额", "by": ["客户编码", "币种"]}],
    }  # fmt: skip
    result = _run(tmp_path, {"order": entity})
    by_month, by_partner = [c for c in result.checks if c.check == "control_totals"]
    assert by_month.rows == [
        ["2026-10", "1000.00", "1000.10", "0.10", "differs"],
        ["2026-09", "150.00", "150.00", "0.00", "agrees"],
    ]
    assert by_month.statement == (
        "sum of 金额 by month of 下单日期: 1 of 2 groups differ "
        "(old total 1150.00, new total 1150.10, difference 0.10)."
    )
    assert by_partner.rows[0] == ["C2", "USD", "1000.00", "1000.10", "0.10", "differs"]
    assert not by_month.accepted and not by_partner.accepted


def test_orphans_are_orders_whose_customer_is_missing_on_the_new_side(customer_files, tmp_path):
    old = customers(5)
    new = [as_new(r) for r in old if r[0] != "C00003"]
    folder = customer_files(old, new)
    header = ["订单号", "客户编码", "金额"]
    orders = [["SO1", "C00001", "1"], ["SO2", "C00003", "2"], ["SO3", "", "3"]]
    write_csv_file(tmp_path / "old_orders.csv", header, orders)
    write_csv_file(tmp_path / "new_orders.csv", header, orders)
    order = {
        "label": "orders", "old": {"file": "old_orders.csv"}, "new": {"file": "new_orders.csv"},
        "key": ["订单号"], "columns": header, "references": [{"column": "客户编码", "entity": "customer"}],
    }  # fmt: skip
    result = _run(folder, {"customer": customer_entity("old.csv", "new.csv"), "order": order})
    orphans = _check(result, "order", "orphans")
    assert not orphans.accepted
    assert orphans.rows == [["SO2", 3, "C00003"]]
    assert orphans.statement == (
        "1 orders on the new side name a 客户编码 that is not among the new side's customers; every one is listed."
    )


def test_the_command_exits_0_when_accepted_and_1_when_a_check_fails(customer_files, tmp_path, capsys):
    old = customers(8)
    folder = customer_files(old, [as_new(r) for r in old])
    config = write_yaml(
        folder / "compare.yaml", {"entities": {"customer": customer_entity("old.csv", "new.csv")}}
    )
    assert main(["compare", str(config), "--out", str(tmp_path / "ok")]) == 0
    assert "comparison: ACCEPTED" in capsys.readouterr().out

    customer_files(old, [as_new(r) for r in old[:-1]])
    assert main(["compare", str(config), "--out", str(tmp_path / "bad")]) == 1
    out = capsys.readouterr().out
    assert "FAIL customer     key coverage" in out
    assert "comparison: NOT ACCEPTED (3 checks failed)" in out
    for name in ("comparison.html", "comparison.xlsx", "comparison.json"):
        assert (tmp_path / "bad" / name).is_file()


def test_a_blank_key_never_matches_another_blank_key(customer_files):
    old = customers(6)
    new = [as_new(r) for r in old]
    old[2][0] = ""
    new[2][0] = " "
    new[2][1] = "另一家公司"  # would look like a match of two blank keys if blanks agreed
    folder = customer_files(old, new)
    result = _run(folder, {"customer": customer_entity("old.csv", "new.csv")})
    coverage = _check(result, "customer", "key_coverage")
    assert not coverage.accepted
    assert coverage.rows == [["blank key", "", "old", 4], ["blank key", "", "new", 4]]
    assert coverage.statement == "2 rows have a blank key and cannot be matched; every one is listed."
    assert _check(result, "customer", "fields").figures["records_compared"] == 5


def test_where_compares_one_wave_only(customer_files):
    old = customers(10)  # even rows 一批, odd rows 二批
    new = [as_new(r) for r in old]
    new[3][3] = "0.00"  # a 二批 customer differs: outside the wave
    del new[5]  # another 二批 customer is missing: outside the wave too
    folder = customer_files(old, new)
    result = _run(folder, {"customer": customer_entity("old.csv", "new.csv", where={"渠道级别": ["一批"]})})
    assert result.accepted, [c.statement for c in result.failed_checks]
    assert _check(result, "customer", "row_counts").statement == "Both sides hold 5 customers."
    unscoped = _run(folder, {"customer": customer_entity("old.csv", "new.csv")})
    assert not unscoped.accepted


def test_a_where_column_must_be_compared(tmp_path):
    from foundation.errors import UserError

    entity = customer_entity("old.csv", "new.csv", where={"区域": ["华南"]})
    config = write_yaml(tmp_path / "compare.yaml", {"entities": {"customer": entity}})
    try:
        load_compare_config(config)
    except UserError as exc:
        assert str(exc).startswith(
            f"{config}: entities.customer.where.区域: '区域' is not one of the compared columns"
        )
    else:
        raise AssertionError("accepted a where: on a column that is not compared")


def test_an_xlsx_side_with_a_title_row_and_a_named_sheet(customer_files, tmp_path):
    from openpyxl import Workbook

    old = customers(12)
    folder = customer_files(old, [as_new(r) for r in old])
    book = Workbook()
    book.active.title = "说明"
    sheet = book.create_sheet("客户")
    sheet.append(["客户档案导出 2026-10-31"])  # a title row above the header
    sheet.append(list(OLD_HEADER))
    for row in old:
        sheet.append(row)
    book.save(tmp_path / "old.xlsx")
    entity = customer_entity("old.xlsx", "new.csv")
    entity["old"]["sheet"] = "客户"
    result = _run(folder, {"customer": entity})
    assert result.accepted, [c.statement for c in result.failed_checks]
    assert _check(result, "customer", "key_coverage").figures["old_keys"] == 12


def test_keys_spelled_differently_but_equal_when_normalised_match(customer_files):
    old = customers(6)
    new = [as_new(r) for r in old]
    new[2][0] = "Ｃ０００" + old[2][0][4:]  # the same code in full-width characters
    new[4][0] = f" {old[4][0]} "
    folder = customer_files(old, new)
    result = _run(folder, {"customer": customer_entity("old.csv", "new.csv")})
    assert _check(result, "customer", "key_coverage").accepted
    assert _check(result, "customer", "duplicate_keys").accepted
    assert _check(result, "customer", "fields").figures["records_compared"] == 6


def test_keys_of_two_columns_match_and_repeat_by_both_values(tmp_path):
    header = ["客户编码", "币种", "应收余额"]
    old = [["C1", "CNY", "1.00"], ["C1", "USD", "2.00"], ["C2", "CNY", "3.00"], ["C2", "CNY", "4.00"]]
    new = [["C1", "USD", "2.00"], ["C1", "ＣＮＹ", "1.00"], ["C3", "CNY", "5.00"]]
    write_csv_file(tmp_path / "old.csv", header, old)
    write_csv_file(tmp_path / "new.csv", header, new)
    entity = {
        "old": {"file": "old.csv"}, "new": {"file": "new.csv"}, "key": ["客户编码", "币种"],
        "columns": {c: c for c in header}, "rules": {"应收余额": {"kind": "money"}},
    }  # fmt: skip
    result = _run(tmp_path, {"balance": entity})
    assert _check(result, "balance", "duplicate_keys").rows == [["old", "C2|CNY", 2, "4, 5"]]
    assert _check(result, "balance", "key_coverage").rows == [
        ["missing on the new side", "C2|CNY", "old", 4],
        ["not on the old side", "C3|CNY", "new", 4],
    ]
    assert _check(result, "balance", "fields").figures["records_compared"] == 2


def test_each_side_holds_the_comparable_value_of_each_of_its_own_cells(tmp_path):
    from migration.cutover.prepared import prepare_entity
    from migration.cutover.rules import comparable_values

    header = ["客户编码", "客户名称", "应收余额"]
    old = [["C1", "甲", "1,000.00"], ["C2", "乙", "5.00"], ["C2", "乙", "6.00"], ["C3", "丙", "7"]]
    new = [
        ["C2", "乙", "6.00"],
        ["C1", "甲 ", "1000"],
        ["C4", "丁", "5.00"],
        ["C3", "丙", "x"],
        ["C1", "甲", "1"],
    ]
    write_csv_file(tmp_path / "old.csv", header, old)
    write_csv_file(tmp_path / "new.csv", header, new)
    entity = {
        "old": {"file": "old.csv"}, "new": {"file": "new.csv"}, "key": ["客户编码"],
        "columns": {c: c for c in header}, "rules": {"应收余额": {"kind": "money"}},
    }  # fmt: skip
    config = load_compare_config(
        write_yaml(tmp_path / "compare.yaml", {"mode": "full", "entities": {"c": entity}})
    )
    prepared = prepare_entity("c", config.entities["c"], tmp_path)
    for side in (prepared.old, prepared.new):
        for column in header:
            rule = prepared.rule(column)
            assert list(side.values[column]) == list(comparable_values(side.rows.frame[column], rule))
