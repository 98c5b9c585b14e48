"""Read the YAML files stewards edit: one way to open them, one way to say what is wrong with them.

A file is read as UTF-8 (a byte-order mark left by a Windows editor is fine). Every message names the
file, then the key path (``columns.uscc.transform[0]``), then what is wrong and, for a key the file
should not have, the closest key it may have meant.
"""

from __future__ import annotations

import inspect
import types
from collections.abc import Mapping, Sequence
from difflib import get_close_matches
from pathlib import Path
from typing import Annotated, Any, TypeVar, Union, get_args, get_origin

import yaml
from pydantic import BaseModel, ValidationError

from foundation.errors import UserError

__all__ = ["describe_validation_error", "load_yaml_model", "read_yaml", "read_yaml_mapping", "suggest"]

Model = TypeVar("Model", bound=BaseModel)


def read_yaml(path: Path | str, what: str = "file", if_missing: str = "") -> Any:
    """The YAML document in ``path``; ``what`` names the file in messages (``"spec file"``).

    ``if_missing`` is said after "not found" (e.g. ``"pass the path of a units.yaml"``).
    """
    path = Path(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise UserError(f"{path}: {what} not found" + (f"; {if_missing}" if if_missing else "")) from None
    except OSError as exc:
        raise UserError(f"{path}: cannot read the {what} ({exc.strerror or exc})") from None
    except UnicodeDecodeError as exc:
        raise UserError(f"{path}: not UTF-8 text (byte {exc.start + 1}); save the {what} as UTF-8") from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "syntax error"
        raise UserError(f"{path}: not valid YAML{where}: {problem}") from None


def read_yaml_mapping(path: Path | str, what: str = "file", expected: str = "", if_missing: str = "") -> dict:
    """:func:`read_yaml` for a file whose top level is a mapping; ``expected`` says which keys it holds."""
    document = read_yaml(path, what, if_missing)
    if not isinstance(document, dict):
        found = "is empty" if document is None else f"holds a {_kind(document)}"
        raise UserError(
            f"{path}: the {what} {found}; expected a mapping at the top level"
            + (f" ({expected})" if expected else "")
        )
    return document


def load_yaml_model(
    path: Path | str, model: type[Model], what: str = "file", expected: str = "", /, **extra: Any
) -> Model:
    """Read ``path`` and validate it into ``model``; ``extra`` adds fields the file does not hold."""
    document = read_yaml_mapping(path, what, expected)
    try:
        return model.model_validate({**document, **extra})
    except ValidationError as exc:
        raise UserError(f"{path}: {describe_validation_error(exc, model)}") from None


def describe_validation_error(
    exc: ValidationError, model: type[BaseModel] | None = None, prefix: Sequence[str] = ()
) -> str:
    """The first problem pydantic found, as ``key path: what is wrong`` (with a hint for unknown keys).

    With ``model``, the key path leaves out pydantic's names for the branches of a union (``str``,
    ``ColumnSpec``), and an unknown key gets the closest key the model knows at that place. ``prefix``
    is where the validated part sits in the file (``("options",)``).
    """
    errors = exc.errors()
    error = errors[0]
    if model is not None:
        # A value that fits no branch of a union fails once per branch: report the deepest failure
        # (an unknown key inside ``ColumnSpec``) rather than "not a string".
        branch = _first_branch(model, error["loc"])
        if branch is not None:
            before = error["loc"][:branch]
            error = max(
                (e for e in errors if e["loc"][:branch] == before),
                key=lambda e: (len(e["loc"]), e["type"] == "extra_forbidden"),
            )
    location, known = _walk(model, error["loc"]) if model is not None else (list(error["loc"]), [])
    key = _key_path([*prefix, *location]) or "(top level)"
    if error["type"] == "missing":
        return f"missing required key {key!r}"
    if error["type"] == "extra_forbidden":
        hint = suggest(str(location[-1]) if location else "", known)
        if not hint and known:  # nothing close: say what the place takes
            hint = "; expected one of " + ", ".join(known)
        return f"unknown key {key!r}" + hint
    return f"{key}: {error['msg'].removeprefix('Value error, ')}"


def suggest(name: str, choices: Sequence[str], cutoff: float = 0.6) -> str:
    """``"; did you mean 'x'?"`` for the choice closest to ``name``, or nothing when none is close.

    ``cutoff`` (difflib's similarity, 0–1) can be lowered for short words such as two-character
    Chinese category names.
    """
    close = get_close_matches(name, list(choices), n=1, cutoff=cutoff)
    return f"; did you mean {close[0]!r}?" if close else ""


def _key_path(location: Sequence[int | str]) -> str:
    out = ""
    for part in location:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _walk(model: type[BaseModel], location: Sequence[int | str]) -> tuple[list[int | str], list[str]]:
    """The location without union branch names, and the keys known where the last part sits."""
    shown: list[int | str] = []
    current: Any = model
    for part in location:
        current, branch = _step(current, part)
        if not branch:
            shown.append(part)
    parent: Any = model
    for part in location[:-1]:
        parent = _step(parent, part)[0]
    return shown, _keys_of(parent)


def _first_branch(model: type[BaseModel], location: Sequence[int | str]) -> int | None:
    """The position in ``location`` of the first union branch name, if any."""
    current: Any = model
    for position, part in enumerate(location):
        current, branch = _step(current, part)
        if branch:
            return position
    return None


def _step(annotation: Any, part: int | str) -> tuple[Any, bool]:
    """The annotation reached from ``annotation`` by ``part``, and whether ``part`` named a union branch."""
    annotation = _unwrap(annotation)
    if inspect.isclass(annotation) and issubclass(annotation, BaseModel):
        for name, field in annotation.model_fields.items():
            if part in (name, field.alias):
                return field.annotation, False
        return None, False
    origin, args = get_origin(annotation), get_args(annotation)
    if origin in (Union, types.UnionType):
        for arg in args:
            if getattr(_unwrap(arg), "__name__", None) == part:
                return arg, True
        for arg in args:
            reached, branch = _step(arg, part)
            if reached is not None:
                return reached, branch
        return None, False
    if origin is not None and inspect.isclass(origin) and issubclass(origin, Mapping) and len(args) == 2:
        return args[1], False
    if origin in (list, tuple, set, frozenset) and args:
        return args[0], False
    return None, False


def _unwrap(annotation: Any) -> Any:
    while get_origin(annotation) is Annotated:
        annotation = get_args(annotation)[0]
    return annotation


def _keys_of(annotation: Any) -> list[str]:
    annotation = _unwrap(annotation)
    if inspect.isclass(annotation) and issubclass(annotation, BaseModel):
        return [field.alias or name for name, field in annotation.model_fields.items()]
    for arg in get_args(annotation):
        keys = _keys_of(arg)
        if keys:
            return keys
    return []


def _kind(value: object) -> str:
    return {list: "list", str: "text", int: "number", float: "number", bool: "true/false"}.get(
        type(value), type(value).__name__
    )
