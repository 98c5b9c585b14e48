"""Migration waves in the cut-over gate: ``--scope`` compares one region, one list of partners or one entity,
the reports say which wave they cover, and a later wave neither counts an earlier wave's rows as extra
nor disturbs its acceptance."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from channel_mdm.cli import main
from foundation.errors import UserError
from migration.waves import parse_scope
from tests.compare.conftest import write_csv_file, write_yaml

REGIONS = ["华东", "华南"]


def _customers() -> list[list[str]]:
    return [[f"C{i:03d}", f"客户{i}商贸有限公司", REGIONS[i % 2], f"{i * 100}.50"] for i in range(20)]


def _orders() -> list[list[str]]:
    return [[f"SO{i:04d}", f"C{i % 20:03d}", f"SKU{i % 3}", f"{(1 + i % 5) * 113}.00"] for i in range(60)]


def _products() -> list[list[str]]:
    return [[f"SKU{i}", f"产品{i}"] for i in range(3)]


def _write(folder: Path, new_customers: list[list[str]], new_orders: list[list[str]]) -> Path:
    write_csv_file(folder / "old_customers.csv", ["客户编码", "客户名称", "大区", "应收余额"], _customers())
    write_csv_file(folder / "new_customers.csv", ["code", "name", "region", "balance"], new_customers)
    write_csv_file(folder / "old_orders.csv", ["订单号", "客户编码", "商品编码", "金额"], _orders())
    write_csv_file(folder / "new_orders.csv", ["order_no", "customer_code", "sku", "amount"], new_orders)
    write_csv_file(folder / "old_products.csv", ["商品编码", "商品名称"], _products())
    write_csv_file(folder / "new_products.csv", ["sku", "name"], _products())
    money = {"kind": "money", "absolute_tolerance": 0.005}
    entities = {
        "customer": {
            "label": "customers", "old": {"file": "old_customers.csv"}, "new": {"file": "new_customers.csv"},
            "key": ["客户编码"], "columns": {"客户编码": "code", "客户名称": "name", "大区": "region", "应收余额": "balance"},
            "rules": {"应收余额": money}, "wave_columns": {"region": "大区", "partner": "客户编码"},
        },
        "product": {
            "label": "products", "old": {"file": "old_products.csv"}, "new": {"file": "new_products.csv"},
            "key": ["商品编码"], "columns": {"商品编码": "sku", "商品名称": "name"},
        },
        "order": {
            "label": "orders", "old": {"file": "old_orders.csv"}, "new": {"file": "new_orders.csv"},
            "key": ["订单号"], "columns": {"订单号": "order_no", "客户编码": "customer_code", "商品编码": "sku", "金额": "amount"},
            "rules": {"金额": money},
            "references": [{"column": "客户编码", "entity": "customer"}, {"column": "商品编码", "entity": "product"}],
        },
    }  # fmt: skip
    return write_yaml(folder / "cutover.yaml", {"entities": entities})


def _in_region(region: str) -> tuple[list[list[str]], list[list[str]]]:
    customers = [c for c in _customers() if c[2] == region]
    codes = {c[0] for c in customers}
    return customers, [o for o in _orders() if o[1] in codes]


def _report(out: Path) -> dict:
    return json.loads((out / "comparison.json").read_text(encoding="utf-8"))


def test_a_pilot_wave_is_accepted_on_its_own_and_says_which_wave_it_covers(tmp_path, capsys):
    customers, orders = _in_region("华东")  # only the pilot region has been migrated
    config = _write(tmp_path, customers, orders)

    assert main(["compare", str(config), "--out", str(tmp_path / "all")]) == 1  # the whole is not there yet
    capsys.readouterr()
    assert main(["compare", str(config), "--scope", "region=华东", "--out", str(tmp_path / "pilot")]) == 0
    out = capsys.readouterr().out
    assert "wave: region=华东" in out
    report = _report(tmp_path / "pilot")
    assert report["wave"]["label"] == "region=华东"
    assert report["wave"]["coverage"] == {
        "customer": "the rows with 大区 in the wave's regions",
        "product": "every row (no wave column, no reference to an entity with one)",
        "order": "the rows whose 客户编码 names one of the wave's customers",
    }
    counts = {c["entity"]: c["figures"] for c in report["checks"] if c["check"] == "row_counts"}
    assert counts["customer"] == {"old_rows": 10, "new_rows": 10, "difference": 0}
    assert counts["order"] == {"old_rows": 30, "new_rows": 30, "difference": 0}
    html = (tmp_path / "pilot" / "comparison.html").read_text(encoding="utf-8")
    assert '<tr><td class="text">wave</td><td class="text">region=华东</td></tr>' in html


def test_a_later_wave_does_not_count_the_earlier_ones_rows_and_leaves_it_accepted(tmp_path, capsys):
    east_customers, east_orders = _in_region("华东")
    south_customers, south_orders = _in_region("华南")
    south_customers[0] = [*south_customers[0][:3], "0.00"]  # a wave-2 balance migrated wrongly
    config = _write(tmp_path, east_customers + south_customers, east_orders + south_orders[1:])

    assert main(["compare", str(config), "--scope", "region=华南", "--out", str(tmp_path / "wave2")]) == 1
    report = _report(tmp_path / "wave2")
    failed = {(c["entity"], c["title"]): c for c in report["checks"] if not c["accepted"]}
    assert set(failed) == {
        ("customer", "field differences"), ("customer", "hash totals"),
        ("order", "row counts"), ("order", "key coverage"), ("order", "hash totals"),
    }  # fmt: skip
    assert [
        (r["key"], r["old value"], r["new value"]) for r in failed["customer", "field differences"]["rows"]
    ] == [(south_customers[0][0], "100.50", "0.00")]
    # the pilot's rows on the new side are not "not on the old side": only the dropped wave-2 order is listed
    assert [(r["problem"], r["key"]) for r in failed["order", "key coverage"]["rows"]] == [
        ("missing on the new side", south_orders[0][0])
    ]
    capsys.readouterr()
    assert main(["compare", str(config), "--scope", "region=华东", "--out", str(tmp_path / "wave1")]) == 0


def test_a_partner_file_is_read_and_named_in_the_wave(tmp_path, capsys, monkeypatch):
    customers, orders = _customers()[:4], [o for o in _orders() if o[1] in {"C000", "C001", "C002", "C003"}]
    config = _write(tmp_path, customers, orders)
    (tmp_path / "wave_partners.txt").write_text(
        "# pilot partners\nC000\nC001\n\nC002\nC003\n", encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    assert main(["compare", str(config), "--scope", "partners=wave_partners.txt", "--out", "f"]) == 0
    assert _report(tmp_path / "f")["wave"]["label"] == "partners=C000,C001,C002,C003 from wave_partners.txt"
    assert main(["compare", str(config), "--scope", "partners=C000,C001", "--out", "g"]) == 0
    counts = {
        c["entity"]: c["figures"]["old_rows"]
        for c in _report(tmp_path / "g")["checks"]
        if c["check"] == "row_counts"
    }
    assert counts == {"customer": 2, "product": 3, "order": 6}


def test_a_wave_of_one_entity_runs_only_its_checks(tmp_path):
    customers, orders = _in_region("华东")
    config = _write(tmp_path, customers, orders)
    assert (
        main(
            [
                "compare",
                str(config),
                "--scope",
                "region=华东",
                "--scope",
                "entity=order",
                "--out",
                str(tmp_path / "o"),
            ]
        )
        == 0
    )
    report = _report(tmp_path / "o")
    assert {c["entity"] for c in report["checks"]} == {"order"}
    assert report["wave"]["label"] == "region=华东; entity=order"


@pytest.mark.parametrize(
    ("option", "message"),
    [
        ("regoin=华东", "--scope 'regoin=华东': not a wave; did you mean region=…?; write region=华东, partners=CODES_OR_FILE or entity=customer"),
        ("entity=", "--scope 'entity=': give the entity after '=' (e.g. --scope entity=…)"),
        ("entity=custmer", "--scope entity=custmer: {config} has no entity 'custmer'; did you mean 'customer'? (entities: customer, product, order)"),
        ("partners=missing.txt", "--scope 'partners=missing.txt': file {folder}/missing.txt not found; give a file of partner codes or a list"),
    ],
)  # fmt: skip
def test_a_mistaken_scope_is_one_line_and_exit_2(tmp_path, capsys, monkeypatch, option, message):
    config = _write(tmp_path, *_in_region("华东"))
    monkeypatch.chdir(tmp_path)
    assert main(["compare", str(config), "--scope", option, "--out", str(tmp_path / "x")]) == 2
    expected = message.format(config=config, folder=tmp_path)
    assert capsys.readouterr().err == f"channel-mdm compare: error: {expected}\n"


def test_scope_options_narrow_each_other_and_accept_full_width_commas(tmp_path):
    scope = parse_scope(["region=华东，华南", "entity=customer", "region=华东"], tmp_path)
    assert scope.regions == ("华东", "华南") and scope.entities == ("customer",)
    assert scope.label == "region=华东,华南; entity=customer"
    (tmp_path / "empty.csv").write_text("# nothing\n\n", encoding="utf-8")
    with pytest.raises(UserError, match="the partner list holds no code; put one partner code per line"):
        parse_scope(["partners=empty.csv"], tmp_path)
