"""Person lists that write the whole name in one column, beside the same lists with the name in parts.

Run: ``.venv/bin/python -m benchmarks.bench_one_column_names [--sets febrl3 fake_1000] [--variants full name]``

The public person sets (``benchmarks.public_datasets``: FEBRL1–4, fake_1000) keep given name and family name
in two columns, and their committed specs map them to ``given_name`` and ``family_name``. Many lists a
steward has write one column instead. Each set and column-thinned variant is run here three ways, on the
same records and truth, untuned, with the committed spec but for the name:

- ``parts``: the committed spec (given and family name mapped apart);
- ``one column``: the two joined as ``John Smith`` in one column mapped to ``person_name``;
- ``family first``: the two joined as a CRM exports them, ``Smith, John`` (one part alone where the other
  is blank).

Prints pairwise P / R / F1 (on the clusters), the records left for review and the pair completeness of
blocking, per set, variant and writing.
"""

from __future__ import annotations

import argparse
import copy

import pandas as pd
import yaml

from benchmarks.bench_dedupe_public import SPECS_DIR, run_ours
from benchmarks.public_datasets import DatasetMissing, PublicSet, load, variants_of

PERSON_SETS = ("febrl1", "febrl2", "febrl3", "febrl4", "fake_1000")
WRITINGS = ("parts", "one column", "family first")
NAME_COLUMN = "name"


def joined_name(records: pd.DataFrame, given: str, family: str, family_first: bool) -> pd.Series:
    """The person's name in one column: ``given family``, or ``family, given`` (one part alone where the
    other is blank)."""
    g = records[given].fillna("").astype(str).str.strip()
    f = records[family].fillna("").astype(str).str.strip()
    if family_first:
        return (f + ", " + g).where((f != "") & (g != ""), (f + " " + g).str.strip())
    return (g + " " + f).str.strip()


def written_in_one_column(data: PublicSet, spec: dict, family_first: bool) -> tuple[pd.DataFrame, dict]:
    """The records with the name joined into one column and the spec mapping it to ``person_name``."""
    spec = copy.deepcopy(spec)
    columns = spec["columns"]
    given, family = columns.pop("given_name"), columns.pop("family_name")
    columns["person_name"] = NAME_COLUMN
    records = data.records.drop(columns=[given, family])
    records[NAME_COLUMN] = joined_name(data.records, given, family, family_first)
    return records, spec


def measure(set_name: str, variant: str) -> list[dict]:
    data = load(set_name, variant)
    spec = yaml.safe_load((SPECS_DIR / f"{data.name}.yaml").read_text(encoding="utf-8"))
    rows = []
    for writing in WRITINGS:
        if writing == "parts":
            records, used = data.records, spec
        else:
            records, used = written_in_one_column(data, spec, family_first=writing == "family first")
        figures = run_ours(records, data.truth, None, used)
        rows.append({"data": data.name, "writing": writing, **figures})
    return rows


def markdown(rows: list[dict]) -> str:
    lines = [
        "| data | name written | pair P | pair R | pair F1 | review records | pair completeness |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r['data']} | {r['writing']} | {r['pair_precision']:.4f} | {r['pair_recall']:.4f} | "
            f"{r['pair_f1']:.4f} | {r['review_records_share']:.1%} | {r['pair_completeness']:.4f} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", nargs="+", choices=PERSON_SETS, default=list(PERSON_SETS))
    parser.add_argument("--variants", nargs="+", help="full, name or the contact variant (default: all)")
    args = parser.parse_args()
    rows: list[dict] = []
    for set_name in args.sets:
        try:
            for variant in variants_of(set_name, args.variants):
                rows += measure(set_name, variant)
                print("\n".join(markdown(rows).splitlines()[-len(WRITINGS) :]), flush=True)
        except DatasetMissing as exc:
            print(f"skipping {set_name}: {exc}")
    print(markdown(rows))


if __name__ == "__main__":
    main()
