"""Deduplication of company names as legacy exports and salespeople write them.

A legacy ERP marks the customers it stopped using (``【停用】``, ``(作废)``, ``ZZ``, ``…-作废``) and may put
its own record code first (``A0123 ``, ``[0123]``); a salesperson adds the contact (``-张总``, ``(李经理)``)
or a phone number after the name, wraps it in quotes or ends it with a full stop; a group writes its mark in
brackets (``…(集团)有限公司``). Our generator writes none of this. This benchmark takes the generated
partners and customers, rewrites a share of their names the way such sources do (written here, apart from
the generator, with its own word lists), and deduplicates the list with the name only and with the name and
a phone, beside the same list unwritten. It prints pairwise precision, recall and F1, the recall of the
duplicate pairs that hold a rewritten record, and the share of records in the review band. The same is done to
English names an English-language ERP keeps (``ZZ DO NOT USE …``, ``… (INACTIVE)``, ``… ATTN: JOHN SMITH``) on
the public restaurant and patent-applicant lists (``../shared/datasets``), which nobody here generated.

    PYTHONPATH=. .venv/bin/python -m benchmarks.bench_export_writings [--entities 20000] [--share 0.3]
"""

from __future__ import annotations

import argparse
import logging
import time
from pathlib import Path

import numpy as np
import pandas as pd

from benchmarks.bench_dedupe_accuracy import CUSTOMER_SPEC, PARTNER_SPEC, load_generated, thinned
from benchmarks.public_datasets import load_patstat, load_restaurants, thin
from benchmarks.scoring import records_touched, score_pairwise
from mdm.dedupe import deduplicate
from mdm.spec import DedupeSpec, load_spec, parse_spec

SPECS = Path(__file__).parent / "specs"
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗郑梁谢宋唐韩冯邓曹彭曾"
_TITLES = ("经理", "总", "老板", "女士", "先生", "总经理", "主任")
_STATUS_FIRST = ("【停用】", "(作废)", "停用-", "*", "ZZ", "[禁用]", "已注销-")
_STATUS_LAST = ("(停用)", "-作废", "（已注销）", "_停用", " 不再使用")


def _contact(rng: np.random.Generator) -> str:
    surname = _SURNAMES[rng.integers(len(_SURNAMES))]
    title = _TITLES[rng.integers(len(_TITLES))]
    forms = (
        f" {surname}{title}",
        f"-{surname}{title}",
        f"({surname}{title})",
        f"（联系人：{surname}{title}）",
    )
    return forms[rng.integers(len(forms))]


def _phone(rng: np.random.Generator) -> str:
    mobile = f"1{rng.choice(['38', '39', '58', '86', '77'])}{rng.integers(10**8):08d}"
    landline = f"0{rng.integers(20, 999)}-{rng.integers(10**7, 10**8)}"
    forms = (f" {mobile}", f"{mobile}", f" 电话:{landline}", f"({mobile})")
    return forms[rng.integers(len(forms))]


_LATIN_FIRST = ("ZZ ", "ZZ-", "** ", "ZZ DO NOT USE ", "CLOSED - ", "INACTIVE: ")
_LATIN_LAST = (" (INACTIVE)", " - CLOSED", " ** DO NOT USE **", " (DUPLICATE)", " - OBSOLETE", " DO NOT USE")
_LATIN_PEOPLE = ("JOHN SMITH", "MARY JONES", "ACCOUNTS PAYABLE", "PURCHASING DEPT", "A. BROWN")


def rewrite_latin(name: str, rng: np.random.Generator) -> str:
    """``name`` written as an English-language ERP writes a customer it marked or addressed."""
    kind = rng.integers(4)
    if kind == 0:
        return _LATIN_FIRST[rng.integers(len(_LATIN_FIRST))] + name
    if kind == 1:
        return name + _LATIN_LAST[rng.integers(len(_LATIN_LAST))]
    if kind == 2:
        code = int(rng.integers(1000, 99999))
        return (f"({code}) " if rng.random() < 0.5 else f"{code} - ") + name
    person = _LATIN_PEOPLE[rng.integers(len(_LATIN_PEOPLE))]
    return name + (f" ATTN: {person}" if rng.random() < 0.5 else f", C/O {person}")


def rewrite(name: str, rng: np.random.Generator) -> str:
    """``name`` written as one kind of source writes it."""
    kind = ("status_first", "status_last", "code_first", "contact", "phone", "quoted", "group_bracketed")[
        rng.integers(7)
    ]
    if kind == "group_bracketed" and "集团" not in name:
        kind = "contact"
    if kind == "status_first":
        return _STATUS_FIRST[rng.integers(len(_STATUS_FIRST))] + name
    if kind == "status_last":
        return name + _STATUS_LAST[rng.integers(len(_STATUS_LAST))]
    if kind == "code_first":
        code = int(rng.integers(10, 99999))
        forms = (f"A{code:04d} ", f"[{code:05d}]", f"{code:05d}-", f"KH{code:05d}")
        return forms[rng.integers(len(forms))] + name
    if kind == "contact":
        return name + _contact(rng)
    if kind == "phone":
        return name + _phone(rng)
    if kind == "quoted":
        return f"“{name}”" if rng.random() < 0.5 else f"{name}。"
    return name.replace("集团", "(集团)", 1)


def written_as_exports(records: pd.DataFrame, column: str, share: float, seed: int) -> pd.DataFrame:
    """``records`` with ``share`` of the names in ``column`` rewritten (Chinese: :func:`rewrite`, Latin:
    :func:`rewrite_latin`), and a boolean column ``rewritten``."""
    rng = np.random.default_rng(seed)
    out = records.copy()
    names = out[column].astype("string")
    chinese = names.str.contains(r"[\u4e00-\u9fff]", regex=True).fillna(False).to_numpy(dtype=bool)
    chosen = names.notna().to_numpy(dtype=bool) & (rng.random(len(out)) < share)
    written = [
        n if not c else rewrite(str(n), rng) if zh else rewrite_latin(str(n), rng)
        for n, c, zh in zip(names, chosen, chinese, strict=True)
    ]
    out[column] = pd.array(written, dtype="string")
    out["rewritten"] = chosen
    return out


def measure(records: pd.DataFrame, truth: np.ndarray, spec: dict | DedupeSpec) -> dict:
    start = time.perf_counter()
    spec = spec if isinstance(spec, DedupeSpec) else parse_spec(spec, "<spec>")
    result = deduplicate(records.drop(columns=["rewritten"]), spec, progress=False)
    seconds = time.perf_counter() - start
    clusters = result.clusters.set_index("record_id")["cluster_id"].reindex(records["record_id"]).to_numpy()
    figures = score_pairwise(clusters, truth)
    frame = pd.DataFrame({"c": clusters, "t": truth, "w": records["rewritten"].to_numpy()})
    # Recall of the true pairs that hold a rewritten record: per entity, pairs minus pairs of two unwritten.
    found = _pairs_touching(frame, ["t", "c"])
    true = _pairs_touching(frame, ["t"])
    review = result.pairs[result.pairs["match_class"] == "needs_review"]
    touched = records_touched(review["left_record_id"], review["right_record_id"])
    return {
        **figures,
        "rewritten_recall": found / true if true else float("nan"),
        "review": touched / len(records),
        "seconds": seconds,
    }


def _pairs_touching(frame: pd.DataFrame, by: list[str]) -> int:
    groups = frame.groupby(by)["w"].agg(["size", "sum"])
    size, written = groups["size"].to_numpy(), groups["sum"].to_numpy()
    plain = size - written
    return int((size * (size - 1) // 2 - plain * (plain - 1) // 2).sum())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entities", type=int, default=20000, help="true entities per kind")
    parser.add_argument("--share", type=float, default=0.3, help="share of the names rewritten")
    parser.add_argument("--seed", type=int, default=20261126)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    print(f"entities per kind: {args.entities:,}, names rewritten: {args.share:.0%}, seed: {args.seed}\n")
    print(
        "| data | columns | names | records | pair P | pair R | pair F1 | recall of rewritten | review | seconds |"
    )
    print("|---|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for kind, spec, column in (
        ("partners", PARTNER_SPEC, "partner_name"),
        ("customers", CUSTOMER_SPEC, "customer_name"),
    ):
        records, truth = load_generated(args.entities, args.seed, kind[:-1], "standard")
        for columns in ("name", "name_phone"):
            for share, label in ((0.0, "as generated"), (args.share, "as exports write them")):
                written = written_as_exports(records, column, share, args.seed)
                r = measure(written, truth["true_entity_id"].to_numpy(), thinned(spec, columns))
                _row(kind, columns, label, len(records), r, share)
    for load, column, variants in (
        (load_restaurants, "name", ("name", "name_phone")),
        (load_patstat, "Name", ("name",)),
    ):
        data = load()
        for variant in variants:
            thinned_set = thin(data, variant)
            spec = load_spec(SPECS / f"{data.name}_{variant}.yaml")
            truth = data.truth.reindex(thinned_set.records.index).to_numpy()
            for share, label in ((0.0, "as published"), (args.share, "as an ERP writes them")):
                written = written_as_exports(thinned_set.records, column, share, args.seed)
                _row(data.name, variant, label, len(written), measure(written, truth, spec), share)


def _row(data: str, columns: str, label: str, records: int, r: dict, share: float) -> None:
    rewritten = "–" if share == 0 else f"{r['rewritten_recall']:.4f}"
    print(
        f"| {data} | {columns} | {label} | {records:,} | {r['pair_precision']:.4f} | "
        f"{r['pair_recall']:.4f} | {r['pair_f1']:.4f} | {rewritten} | {r['review']:.1%} | {r['seconds']:.1f} |"
    )


if __name__ == "__main__":
    main()
