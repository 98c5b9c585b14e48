from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import BaseModel, ConfigDict

from cleansing.config_files import load_yaml_model, read_yaml, read_yaml_mapping
from foundation.errors import UserError


class Column(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    source: str = ""
    transform: list[str] = []


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid")
    entity: str
    columns: dict[str, str | Column] = {}


def _message(path: Path, text: str | bytes, **kwargs) -> str:
    if isinstance(text, str):
        path.write_text(text, encoding="utf-8")
    else:
        path.write_bytes(text)
    with pytest.raises(UserError) as raised:
        load_yaml_model(path, Settings, "settings file", "entity and columns", **kwargs)
    return str(raised.value).removeprefix(f"{path}: ")


def test_a_byte_order_mark_from_a_windows_editor_is_read_as_utf8(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text("entity: 客户\n", encoding="utf-8-sig")
    assert load_yaml_model(path, Settings).entity == "客户"


def test_file_problems_name_the_file_and_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(UserError) as raised:
        read_yaml(tmp_path / "units.yaml", "unit vocabulary", "pass the path of a units.yaml")
    assert (
        str(raised.value)
        == f"{tmp_path / 'units.yaml'}: unit vocabulary not found; pass the path of a units.yaml"
    )
    assert _message(tmp_path / "a.yaml", "entity: 客户\n".encode("gbk")) == (
        "not UTF-8 text (byte 9); save the settings file as UTF-8"
    )
    assert _message(tmp_path / "b.yaml", "entity: [x\n") == (
        "not valid YAML at line 2, column 1: expected ',' or ']', but got '<stream end>'"
    )
    assert _message(tmp_path / "c.yaml", "- entity\n") == (
        "the settings file holds a list; expected a mapping at the top level (entity and columns)"
    )
    with pytest.raises(UserError, match="the rules is empty; expected a mapping at the top level"):
        (tmp_path / "d.yaml").write_text("# nothing yet\n", encoding="utf-8")
        read_yaml_mapping(tmp_path / "d.yaml", "rules")


def test_key_problems_name_the_key_path_and_the_closest_known_key(tmp_path: Path) -> None:
    assert (
        _message(tmp_path / "s.yaml", "entity: x\ncolums: {}\n")
        == "unknown key 'colums'; did you mean 'columns'?"
    )
    assert _message(tmp_path / "s.yaml", "columns: {}\n") == "missing required key 'entity'"
    # a value that fits neither branch of ``str | Column``: the key inside Column is named, not "not a string"
    assert _message(tmp_path / "s.yaml", "entity: x\ncolumns:\n  uscc: {sourse: 信用代码}\n") == (
        "unknown key 'columns.uscc.sourse'; did you mean 'source'?"
    )
    assert _message(tmp_path / "s.yaml", "entity: x\ncolumns:\n  uscc: {transform: [upper, [2]]}\n") == (
        "columns.uscc.transform[1]: Input should be a valid string"
    )


def test_fields_the_file_does_not_hold_are_added_by_the_caller(tmp_path: Path) -> None:
    class WithPath(Settings):
        path: Path

    (tmp_path / "s.yaml").write_text("entity: x\n", encoding="utf-8")
    assert (
        load_yaml_model(tmp_path / "s.yaml", WithPath, path=tmp_path / "s.yaml").path == tmp_path / "s.yaml"
    )
