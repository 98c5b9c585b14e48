"""Rebuild ``divisions.csv``, the versioned GB/T 2260 division table, from its published source.

The base table is ``cpca/resources/adcodes.csv`` from the MIT-licensed PyPI wheel ``cpca`` 0.5.5
(https://github.com/DQinYuan/chinese_province_city_area_mapper); its 12-digit adcodes start with the
6-digit GB/T 2260 code. Changes the base table lacks are listed in ``DIVISION_CHANGES`` below with
their dates, so the table's provenance can be reproduced and reviewed line by line.

Run::

    .venv/bin/python -m cleansing.data.build_divisions              # downloads the wheel with pip
    .venv/bin/python -m cleansing.data.build_divisions --wheel /tmp/cpca/cpca-0.5.5-py3-none-any.whl
"""

from __future__ import annotations

import argparse
import csv
import io
import re
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass, replace
from pathlib import Path

CPCA_VERSION = "0.5.5"
DIVISIONS_CSV = Path(__file__).with_name("divisions.csv")
COLUMNS = ("code", "name", "level", "parent_code", "short_name", "valid_from", "valid_to", "note")

_MUNICIPALITIES = {"11": "北京市", "12": "天津市", "31": "上海市", "50": "重庆市"}
_ADMIN_SUFFIXES = (
    "特别行政区",
    "自治区",
    "自治州",
    "自治县",
    "自治旗",
    "地区",
    "林区",
    "省",
    "市",
    "区",
    "县",
    "旗",
    "盟",
)


@dataclass(frozen=True)
class Division:
    code: str
    name: str
    level: str
    parent_code: str
    short_name: str
    valid_from: str = ""
    valid_to: str = ""
    note: str = ""


# Changes after the base table was published. valid_from / valid_to are the dates the change took effect.
DIVISION_CHANGES: tuple[Division, ...] = (
    Division(
        "330113",
        "临平区",
        "district",
        "330100",
        "临平",
        "2021-04-09",
        "",
        "split from 余杭区 (State Council approval 2021)",
    ),
    Division(
        "330114",
        "钱塘区",
        "district",
        "330100",
        "钱塘",
        "2021-04-09",
        "",
        "formed from parts of 江干区 and 萧山区 (State Council approval 2021)",
    ),
)
DIVISION_AMENDMENTS: dict[str, dict[str, str]] = {
    "330110": {"note": "still valid; area changed 2021-04-09 when 临平区 was split off"},
    "330104": {"valid_to": "2021-04-09", "note": "merged into 上城区 and 钱塘区"},
    "330103": {"valid_to": "2021-04-09", "note": "merged into 拱墅区"},
}


def short_name(name: str, ethnic_groups: list[str]) -> str:
    """The name without its administrative suffix or ethnic qualifiers (广西壮族自治区 → 广西); '' if too short."""
    base = name
    for suffix in _ADMIN_SUFFIXES:
        if base.endswith(suffix) and len(base) > len(suffix):
            base = base[: -len(suffix)]
            if suffix.startswith("自治"):
                base = _strip_ethnic_groups(base, ethnic_groups)
            break
    return base if len(base) >= 2 and base != name else ""


def _strip_ethnic_groups(base: str, ethnic_groups: list[str]) -> str:
    changed = True
    while changed:
        changed = False
        for group in ethnic_groups:
            for form in (group, group.removesuffix("族")):
                if len(form) >= 1 and base.endswith(form) and len(base) - len(form) >= 2:
                    base = base[: -len(form)]
                    changed = True
                    break
            if changed:
                break
    return base


def read_cpca_wheel(wheel: Path) -> tuple[list[tuple[str, str]], list[str]]:
    """(code6, name) rows and the ethnic-group names from the cpca wheel."""
    with zipfile.ZipFile(wheel) as archive:
        adcodes = archive.read("cpca/resources/adcodes.csv").decode("utf-8")
        nations = archive.read("cpca/resources/56_nations.csv").decode("utf-8")
    rows = [(r["adcode"][:6], r["name"]) for r in csv.DictReader(io.StringIO(adcodes))]
    groups = sorted({line.strip() for line in nations.splitlines() if line.strip()}, key=len, reverse=True)
    return rows, groups


def build_divisions(rows: list[tuple[str, str]], ethnic_groups: list[str]) -> list[Division]:
    """Turn raw (code, name) rows into levelled divisions with parents, short names and the known changes."""
    codes = {code for code, _ in rows}
    divisions: dict[str, Division] = {}
    for code, name in rows:
        if not re.fullmatch(r"\d{6}", code):
            continue
        province_code = code[:2] + "0000"
        if code.endswith("0000"):
            level, parent = "province", ""
        elif code.endswith("00"):
            level, parent = "city", province_code
        else:
            level = "district"
            parent = code[:4] + "00" if code[:4] + "00" in codes else province_code
        note = ""
        if level == "district" and name == "市辖区":
            continue  # a statistical placeholder, not a place anyone writes in an address
        if level == "city" and code[:2] in _MUNICIPALITIES:
            name, note = (
                _MUNICIPALITIES[code[:2]],
                "municipality: the city level carries the municipality's name",
            )
        short = "" if "直辖" in name else short_name(name, ethnic_groups)
        divisions[code] = Division(code, name, level, parent, short, note=note)
    for change in DIVISION_CHANGES:
        divisions[change.code] = change
    for code, fields in DIVISION_AMENDMENTS.items():
        if code in divisions:
            divisions[code] = replace(divisions[code], **fields)
    return sorted(divisions.values(), key=lambda d: d.code)


def write_divisions(divisions: list[Division], path: Path = DIVISIONS_CSV) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(COLUMNS)
        for d in divisions:
            writer.writerow([getattr(d, column) for column in COLUMNS])


def download_cpca_wheel(directory: Path) -> Path:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--no-deps",
            "--quiet",
            "--dest",
            str(directory),
            f"cpca=={CPCA_VERSION}",
        ],
        check=True,
    )
    return next(directory.glob("cpca-*.whl"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Rebuild cleansing/data/divisions.csv from the cpca wheel.")
    parser.add_argument("--wheel", type=Path, help="a downloaded cpca wheel; downloaded with pip if omitted")
    parser.add_argument("--out", type=Path, default=DIVISIONS_CSV)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        wheel = args.wheel or download_cpca_wheel(Path(tmp))
        rows, groups = read_cpca_wheel(wheel)
        divisions = build_divisions(rows, groups)
    write_divisions(divisions, args.out)
    print(f"wrote {len(divisions):,} divisions to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
