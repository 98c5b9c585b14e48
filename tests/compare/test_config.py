"""A comparison YAML is checked on load: every problem names the file and the key, exit code 2."""

from __future__ import annotations

import pytest

from channel_mdm.cli import main
from foundation.errors import UserError
from foundation.settings import PROJECT_ROOT
from migration.cutover import load_compare_config
from tests.compare.conftest import customer_entity, write_yaml


def _problem(tmp_path, data) -> str:
    path = write_yaml(tmp_path / "compare.yaml", data)
    with pytest.raises(UserError) as caught:
        load_compare_config(path)
    return str(caught.value).replace(str(path), "compare.yaml")


def test_unknown_and_missing_keys_are_named(tmp_path):
    entity = customer_entity("old.csv", "new.csv")
    assert (
        _problem(tmp_path, {"mdoe": "full", "entities": {"customer": entity}})
        == "compare.yaml: unknown key 'mdoe'; did you mean 'mode'?"
    )
    del entity["key"]
    assert _problem(tmp_path, {"entities": {"customer": entity}}) == (
        "compare.yaml: missing required key 'entities.customer.key'"
    )


def test_a_rule_for_a_column_that_is_not_compared_suggests_the_close_one(tmp_path):
    entity = customer_entity("old.csv", "new.csv")
    entity["rules"]["应收余"] = {"kind": "money"}
    assert _problem(tmp_path, {"entities": {"customer": entity}}) == (
        "compare.yaml: entities.customer.rules.应收余: '应收余' is not one of the compared columns; "
        "did you mean '应收余额'?; add it under entities.customer.columns (old name: new name)"
    )


def test_a_url_written_in_the_yaml_is_refused(tmp_path):
    entity = customer_entity("old.csv", {"url_env": "postgresql://u:secret@db/x", "table": "customer"})
    assert _problem(tmp_path, {"entities": {"customer": entity}}) == (
        "compare.yaml: entities.customer.new: url_env: names an environment variable holding the URL; "
        "never write the URL itself here"
    )


def test_a_tolerance_needs_a_number_and_a_query_must_be_a_select(tmp_path):
    entity = customer_entity("old.csv", "new.csv")
    entity["rules"]["客户名称"] = {"absolute_tolerance": 0.01}
    assert _problem(tmp_path, {"entities": {"customer": entity}}) == (
        "compare.yaml: entities.customer.rules.客户名称: a tolerance needs kind: money or number, not text"
    )
    entity = customer_entity("old.csv", {"url_env": "NEW_URL", "query": "DELETE FROM customer"})
    assert _problem(tmp_path, {"entities": {"customer": entity}}) == (
        "compare.yaml: entities.customer.new: query: must be a SELECT (the comparison never writes)"
    )


def test_a_reference_to_an_unknown_entity_and_bad_yaml(tmp_path):
    entity = customer_entity("old.csv", "new.csv", references=[{"column": "客户编码", "entity": "custmer"}])
    assert _problem(tmp_path, {"entities": {"customer": entity}}) == (
        "compare.yaml: entities.customer.references[0].entity: no entity 'custmer' in this comparison; "
        "did you mean 'customer'?"
    )
    (tmp_path / "broken.yaml").write_text("entities: [\n", encoding="utf-8")
    with pytest.raises(UserError, match=r"broken.yaml: not valid YAML at line 2, column 1"):
        load_compare_config(tmp_path / "broken.yaml")


def test_bad_input_is_one_line_and_exit_code_2(tmp_path, capsys, monkeypatch):
    (tmp_path / "old.csv").write_text("客户编码,客户名称\nC1,甲\n", encoding="utf-8")
    (tmp_path / "new.csv").write_text("code,name\nC1,甲\n", encoding="utf-8")
    config = write_yaml(
        tmp_path / "compare.yaml",
        {"entities": {"customer": {"old": {"file": "old.csv"}, "new": {"file": "new.csv"}, "key": ["客户编码"],
                                   "columns": {"客户编码": "code", "客户名称": "nmae"}}}},
    )  # fmt: skip
    assert main(["compare", str(config), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert err == (
        f"channel-mdm compare: error: {tmp_path / 'new.csv'}: no column 'nmae' on the new side; "
        "did you mean 'name'? (columns: code, name)\n"
    )
    config = write_yaml(
        tmp_path / "compare.yaml",
        {"entities": {"customer": {"old": {"file": "old.csv"}, "new": {"url_env": "NO_SUCH_URL_VARIABLE", "table": "t"},
                                   "key": ["客户编码"], "columns": {"客户编码": "code"}}}},
    )  # fmt: skip
    monkeypatch.delenv("NO_SUCH_URL_VARIABLE", raising=False)
    assert main(["compare", str(config), "--out", str(tmp_path / "out")]) == 2
    assert capsys.readouterr().err == (
        "channel-mdm compare: error: $NO_SUCH_URL_VARIABLE/t: environment variable NO_SUCH_URL_VARIABLE is not set; "
        "export it with the database URL\n"
    )


def test_the_committed_example_is_valid_and_accepted(tmp_path, capsys):
    assert (
        main(
            [
                "compare",
                str(PROJECT_ROOT / "migration/examples/compare_customers.yaml"),
                "--out",
                str(tmp_path),
            ]
        )
        == 0
    )
    assert "comparison: ACCEPTED" in capsys.readouterr().out
