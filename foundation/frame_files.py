"""Intermediate results as Parquet files and a JSON manifest instead of pickles.

A pipeline step's output is a frame, or a dataclass, dict or list holding frames and plain values
(a match result with its golden records, crosswalk and pairs; a validation outcome). :func:`write_result`
writes every frame it holds as its own Parquet file under one folder and everything else into
``manifest.json``; :func:`read_result` rebuilds the same object. Unlike a pickle, the files can be opened by
any Parquet reader, and reading them never runs code: a dataclass is rebuilt only when its module is one
of this project's packages.
"""

from __future__ import annotations

import dataclasses
import importlib
import json
import shutil
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
from pandas.api.types import is_object_dtype

MANIFEST = "manifest.json"
MISSING_MARK = "__missing__"
TRUSTED_PACKAGES = ("channel_mdm", "cleansing", "mdm", "expectations", "migration")


def write_result(obj: Any, folder: Path) -> None:
    """Write ``obj`` under ``folder`` (replaced whole: a reader never sees half of an old and a new one)."""
    staging = folder.with_name(folder.name + ".writing")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    counter = iter(range(1_000_000))
    manifest = _encode(obj, staging, counter)
    (staging / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    if folder.exists():
        shutil.rmtree(folder)
    staging.rename(folder)


def read_result(folder: Path) -> Any:
    """The object :func:`write_result` wrote under ``folder``."""
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    return _decode(manifest, folder)


def _encode(value: Any, folder: Path, counter: Any) -> Any:
    if isinstance(value, pd.DataFrame):
        name = f"frame_{next(counter)}.parquet"
        return {
            "frame": name,
            "json_columns": _write_frame(value, folder / name),
            "text_dtypes": _text_dtypes(value),
        }
    if isinstance(value, pd.Series):
        name = f"series_{next(counter)}.parquet"
        frame = value.to_frame(name="values")
        return {
            "series": name,
            "name": value.name,
            "json_columns": _write_frame(frame, folder / name),
            "text_dtypes": _text_dtypes(frame),
        }
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        cls = type(value)
        return {
            "dataclass": f"{cls.__module__}:{cls.__qualname__}",
            "fields": {
                f.name: _encode(getattr(value, f.name), folder, counter) for f in dataclasses.fields(value)
            },
        }
    if isinstance(value, dict):
        return {
            "dict": [[_encode(k, folder, counter), _encode(v, folder, counter)] for k, v in value.items()]
        }
    if isinstance(value, list | tuple | set | frozenset):
        kind = type(value).__name__ if type(value) in (list, tuple, set, frozenset) else "list"
        return {kind: [_encode(v, folder, counter) for v in value]}
    if isinstance(value, Path):
        return {"path": str(value)}
    if isinstance(value, pd.Timestamp | datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, date):
        return {"date": value.isoformat()}
    if isinstance(value, np.generic):
        return _encode(value.item(), folder, counter)
    if value is None or isinstance(value, str | bool | int | float):
        return {"value": value}
    raise TypeError(
        f"cannot store a {type(value).__name__} as Parquet/JSON; give the step a frame or a dataclass"
    )


def _decode(node: dict, folder: Path) -> Any:
    (kind, content), *_ = node.items()
    if kind == "frame":
        return _read_frame(folder / content, node["json_columns"], node["text_dtypes"])
    if kind == "series":
        frame = _read_frame(folder / content, node["json_columns"], node["text_dtypes"])
        return frame["values"].rename(node["name"])
    if kind == "dataclass":
        cls = _trusted_class(content)
        fields = {name: _decode(v, folder) for name, v in node["fields"].items()}
        init = {f.name for f in dataclasses.fields(cls) if f.init}
        obj = cls(**{k: v for k, v in fields.items() if k in init})
        for name in fields.keys() - init:
            object.__setattr__(obj, name, fields[name])
        return obj
    if kind == "dict":
        return {_hashable(_decode(k, folder)): _decode(v, folder) for k, v in content}
    if kind in ("list", "tuple", "set", "frozenset"):
        items = [_decode(v, folder) for v in content]
        return {"list": list, "tuple": tuple, "set": set, "frozenset": frozenset}[kind](items)
    if kind == "path":
        return Path(content)
    if kind == "datetime":
        return pd.Timestamp(content)
    if kind == "date":
        return date.fromisoformat(content)
    return content


def _hashable(key: Any) -> Any:
    return tuple(key) if isinstance(key, list) else key


def _trusted_class(qualified: str) -> type:
    module_name, _, qualname = qualified.partition(":")
    if module_name.split(".")[0] not in TRUSTED_PACKAGES:
        raise ValueError(f"{qualified}: not one of this project's types; refusing to rebuild it")
    obj: Any = importlib.import_module(module_name)
    for part in qualname.split("."):
        obj = getattr(obj, part)
    return obj


def _write_frame(frame: pd.DataFrame, path: Path) -> list[str]:
    """Write ``frame``; returns the columns stored as JSON text.

    Parquet wants one type per column: a column holding dicts or lists (a row's original cells), or
    values of mixed types, is stored as JSON text and turned back on read, so nothing is reshaped into
    Parquet structs that would add missing keys.
    """
    out = frame.copy(deep=False)
    for column in [c for c in frame.columns if frame[c].dtype == object]:
        kinds = frame[column].map(_missing_kind).to_numpy(dtype="int8")
        if kinds.any():
            out[MISSING_MARK + str(column)] = kinds
    json_columns = [c for c in out.columns if out[c].dtype == object and not _fits_one_arrow_type(out[c])]
    for column in json_columns:
        out[column] = pd.Series([_json_cell(v) for v in frame[column]], index=frame.index, dtype=object)
    out.to_parquet(path, engine="pyarrow")
    return list(json_columns)


def _fits_one_arrow_type(column: pd.Series) -> bool:
    if column.map(_is_container).any():
        return False
    try:
        pa.array(column.to_numpy(), from_pandas=True)
    except (pa.ArrowException, TypeError, ValueError, OverflowError):
        return False
    return True


def _text_dtypes(frame: pd.DataFrame) -> dict[str, str]:
    """The dtype of the column labels (under ``""``) and of every column held as text or Python objects
    (``object``, ``str``, ``string``): Parquet would read them back as its own choice of type."""
    dtypes = {
        c: str(t) for c, t in frame.dtypes.items() if is_object_dtype(t) or isinstance(t, pd.StringDtype)
    }
    return {"": str(frame.columns.dtype), **dtypes}


def _read_frame(path: Path, json_columns: list[str], text_dtypes: dict[str, str]) -> pd.DataFrame:
    # Read text back as the frame held it: object columns stay object (None for a missing value),
    # string-dtype columns get their dtype back.
    with pd.option_context("future.infer_string", False):
        frame = pd.read_parquet(path)
    for column in json_columns:
        frame[column] = pd.Series(
            [None if text is None else _untag(json.loads(text)) for text in frame[column]],
            index=frame.index,
            dtype=object,
        )
    dtypes = dict(text_dtypes)
    for column in [c for c in frame.columns if c.startswith(MISSING_MARK)]:
        # an object column's NaN or NA (not None) comes back where it was
        target = column[len(MISSING_MARK) :]
        kinds = frame.pop(column).to_numpy()
        values = frame[target].astype(object).to_numpy(copy=True)
        values[kinds == 1] = np.nan
        values[kinds == 2] = pd.NA
        frame[target] = pd.Series(values, index=frame.index, dtype=object)
    frame.columns = pd.Index(list(frame.columns), dtype=dtypes.pop("", "object"))
    for column, dtype in dtypes.items():
        frame[column] = frame[column].astype(dtype)
    return frame


def _missing_kind(value: Any) -> int:
    """0 for a value or None, 1 for NaN, 2 for pandas' NA: the marker an object column used."""
    if value is pd.NA:
        return 2
    return 1 if isinstance(value, float) and value != value else 0


def _is_container(value: Any) -> bool:
    return isinstance(value, dict | list | tuple | set)


def _json_cell(value: Any) -> str | None:
    if value is None or _missing_kind(value):
        return None
    return json.dumps(_tag(value), ensure_ascii=False)


_CONTAINERS: dict[str, type] = {"l": list, "t": tuple, "s": set, "f": frozenset}


def _tag(value: Any) -> Any:
    """A cell as JSON that remembers dicts, lists, tuples, sets and frozensets apart."""
    if isinstance(value, dict):
        return {"d": [[_tag(k), _tag(v)] for k, v in value.items()]}
    for tag, kind in _CONTAINERS.items():
        if type(value) is kind:
            container: Any = value  # the type check above narrows it to object
            items = sorted(container, key=repr) if kind in (set, frozenset) else container
            return {tag: [_tag(v) for v in items]}
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or isinstance(value, str | bool | int):
        return {"v": value}
    if isinstance(value, float):
        return {"v": value} if value == value else {"n": 1}
    if isinstance(value, Decimal):
        return {"dec": str(value)}
    return {"r": str(value)}  # anything else (a date, a timestamp) as its text


def _untag(node: dict) -> Any:
    (tag, content), *_ = node.items()
    if tag == "d":
        return {_hashable(_untag(k)): _untag(v) for k, v in content}
    if tag in _CONTAINERS:
        return _CONTAINERS[tag](_untag(v) for v in content)
    if tag == "n":
        return float("nan")
    if tag == "dec":
        return Decimal(content)
    return content
