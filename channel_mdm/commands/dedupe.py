"""``channel-mdm dedupe``: find the records of one partner or customer file that are the same entity.

Usage::

    channel-mdm dedupe partners.xlsx --spec mdm/examples/partners_zh.yaml --out clusters.csv \\
        [--pairs pairs.csv] [--sheet 客户] [--model model.json] [--save-model model.json] \\
        [--labels decisions.csv] [--review-workbook review.xlsx] [--decisions review.xlsx|store]

The spec (YAML) names the record id column and which columns hold the company name, person name,
USCC, phones, address, e-mail, birth date and postcode; see ``mdm/examples/`` for a Chinese partner
list, a person (customer) list and an English company list. Every column is read as text, so
codes and phone numbers are never turned into numbers; CSV may be UTF-8 or GBK, and title rows
above the header of an export are skipped (the header is the row naming the spec's columns). The input is standardised, blocked on
several keys (USCC, phone, e-mail, name tokens, pinyin, address, person name + birth date),
scored with a Fellegi–Sunter model trained on the file itself (EM, no labels needed) and
clustered without chaining across hard negatives (two valid USCCs, a branch and its head office,
``深圳X商贸`` and ``上海X商贸``).

``OUT`` holds ``record_id, cluster_id, match_score`` and then the input columns; records with
the same ``cluster_id`` are one entity (``cluster_id`` is the smallest record id in it).
``--pairs`` writes every candidate pair scoring at least 0.5, with ``match_class``
(``auto_merge`` / ``needs_review`` / ``no_match``) and per field the two values, the comparison
level and its weight, for stewards to review. Their decisions, saved as ``left_record_id,
right_record_id, is_match`` (yes/no) and passed back with ``--labels``, refine the model; a
trained model saved with ``--save-model`` scores the next file unchanged with ``--model``.

``--review-workbook`` writes the pairs a steward should decide as an xlsx (``merge`` / ``not a match`` /
``skip``); ``channel-mdm review import`` stores the decisions, and ``--decisions store`` (or the filled-in
workbook itself) enforces them as hard constraints: a ``not a match`` pair is never merged, not even
through a chain, and a ``merge`` pair is joined. Decisions name records by source system
(``--source-system``, default the input file's name) and record id.
"""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

import pandas as pd

from channel_mdm.commands.file_limits import add_file_limit_arguments, file_limits
from cleansing.party_roles import NAME_ROLES
from cleansing.read_file import read_text_table, table_to_frame
from cleansing.readers.checks import FileLimits
from cleansing.safe_export import write_csv
from foundation.errors import UserError

log = logging.getLogger(__name__)


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "dedupe",
        help="find duplicate partners or customers in one CSV/xlsx file",
        description=(
            "Standardise, block, score and cluster the records of INPUT; write each record's cluster_id "
            "and match_score. Column roles come from a YAML spec (see mdm/examples/)."
        ),
    )
    parser.add_argument("input", metavar="INPUT", type=Path, help="CSV (UTF-8 or GBK) or xlsx file")
    parser.add_argument("--spec", required=True, type=Path, help="dedupe spec YAML naming the columns")
    parser.add_argument(
        "--out", required=True, type=Path, help="output CSV: record_id, cluster_id, match_score + input"
    )
    parser.add_argument("--pairs", type=Path, help="also write scored pairs with explanations to this CSV")
    parser.add_argument("--sheet", help="xlsx sheet name (default: the first sheet)")
    parser.add_argument(
        "--model", type=Path, help="reuse model parameters (JSON) instead of training from scratch"
    )
    parser.add_argument("--save-model", type=Path, help="write the trained model parameters (JSON) here")
    parser.add_argument(
        "--labels",
        type=Path,
        help="steward decisions to learn from: CSV with left_record_id, right_record_id, is_match (yes/no)",
    )
    parser.add_argument(
        "--review-workbook",
        type=Path,
        help="write the pairs a steward should decide to this xlsx (see 'channel-mdm review import')",
    )
    parser.add_argument(
        "--decisions",
        help="enforce steward decisions: a filled-in review workbook (FILE.xlsx) or 'store' for every "
        "decision imported into the store",
    )
    parser.add_argument(
        "--source-system",
        help="the system the records come from, as decisions name it (default: the input file's name)",
    )
    parser.add_argument("--no-progress", action="store_true", help="hide progress bars")
    add_file_limit_arguments(parser)
    parser.set_defaults(func=run)


def read_table(
    path: Path,
    limits: FileLimits,
    sheet: str | None = None,
    expected_columns: list[str] | None = None,
) -> pd.DataFrame:
    """Read a CSV or xlsx through the ingest readers, every cell as text and blank cells as ``""``."""
    frame = table_to_frame(read_text_table(path, limits, sheet, expected_columns or []))
    if frame.empty:
        raise UserError(f"{path}: no data rows below the header")
    return frame


def _check_record_ids(frame: pd.DataFrame, column: str, path: Path) -> None:
    ids = frame[column].str.strip()
    rows = frame.attrs["source_rows"]
    blank = ids == ""
    if blank.any():
        row = int(rows[blank.to_numpy().argmax()])
        raise UserError(f"{path}: row {row}: column '{column}' is empty; every record needs its own id")
    duplicated = ids.duplicated(keep="first")
    if duplicated.any():
        row = int(rows[duplicated.to_numpy().argmax()])
        raise UserError(
            f"{path}: row {row}: record id '{ids[duplicated].iloc[0]}' in column '{column}' appears more than "
            "once; record ids must be unique"
        )


LABEL_COLUMNS = ("left_record_id", "right_record_id", "is_match")


def read_labels(path: Path, limits: FileLimits) -> pd.DataFrame:
    """Steward decisions on pairs; ``is_match`` is yes/no (also true/false, 1/0, match/non_match)."""
    labels = read_table(path, limits, None, list(LABEL_COLUMNS))
    missing = [c for c in LABEL_COLUMNS if c not in labels.columns]
    if missing:
        raise UserError(
            f"{path}: missing column(s) {', '.join(missing)}; a labels file has columns {', '.join(LABEL_COLUMNS)}"
        )
    answer = labels["is_match"].str.strip().str.lower()
    known = answer.isin(["yes", "no", "true", "false", "1", "0", "y", "n", "match", "non_match"])
    if not known.all():
        row = int(labels.attrs["source_rows"][(~known).to_numpy().argmax()])
        raise UserError(
            f"{path}: row {row}: is_match is {labels['is_match'][~known].iloc[0]!r}; write yes or no"
        )
    labels["is_match"] = answer.isin(["yes", "true", "1", "y", "match"]).map({True: "yes", False: "no"})
    return labels


def read_decisions(where: str, source_system: str) -> pd.DataFrame:
    """Steward decisions on records of ``source_system``, by record id: from a review workbook, or
    ``store`` for every decision imported so far (``CHANNEL_MDM_STORE_URL``)."""
    from mdm.pair_decisions import read_pair_decisions

    if where.strip().lower() == "store":
        from foundation.settings import load_settings
        from migration.steward_decisions import load_decisions
        from migration.store import create_store_engine, upgrade_store

        engine = create_store_engine(load_settings().store_url)
        try:
            upgrade_store(engine)
            decided = load_decisions(engine)
        finally:
            engine.dispose()
    else:
        decided = read_pair_decisions(Path(where))
    mine = (decided["left_source_system"] == source_system) & (
        decided["right_source_system"] == source_system
    )
    others = int((~mine).sum())
    if others:
        log.info("%s steward decisions concern other source systems than %s", f"{others:,}", source_system)
    decided = decided[mine]
    return pd.DataFrame(
        {
            "left_record_id": decided["left_source_record_id"].astype(str).to_numpy(),
            "right_record_id": decided["right_source_record_id"].astype(str).to_numpy(),
            "decision": decided["decision"].to_numpy(),
        }
    )


def run(args: argparse.Namespace) -> int:
    from mdm.dedupe import deduplicate
    from mdm.model import ModelParameters
    from mdm.spec import load_spec

    limits = file_limits(args.max_file_mb)
    spec = load_spec(args.spec)
    frame = read_table(args.input, limits, args.sheet, [name for _, name in spec.mapped_columns()])
    log.info("read %s rows and %s columns from %s", f"{len(frame):,}", len(frame.columns), args.input)
    spec.validate_columns(frame.columns, str(args.input))
    _check_record_ids(frame, spec.record_id, args.input)
    params = None
    if args.model:
        try:
            params = ModelParameters.load(args.model)
        except (OSError, ValueError, TypeError) as exc:
            raise UserError(f"{args.model}: cannot read model parameters ({exc})") from None
    labels = read_labels(args.labels, limits) if args.labels else None
    source_system = (args.source_system or args.input.stem).strip()
    decisions = read_decisions(args.decisions, source_system) if args.decisions else None
    result = deduplicate(
        frame,
        spec,
        progress=not args.no_progress,
        params=params,
        train=params is None,
        labels=labels,
        decisions=decisions,
    )

    report = result.blocking_report
    found = report[report["pairs"] > 0]
    names_only = set(spec.columns) <= {*NAME_ROLES, "other_names"}
    log.info(
        "blocking: %s candidate pairs; estimated pair completeness %s%s (confident pairs each rule finds: %s)",
        f"{result.candidate_pairs:,}",
        "n/a (no confident pair)" if pd.isna(result.pair_completeness) else f"{result.pair_completeness:.1%}",
        # With names alone, a duplicate written under another name leaves no trace the estimate can see.
        " of the duplicates whose names resemble each other; a list of names alone cannot show the others"
        if names_only
        else "",
        ", ".join(
            f"{r.rule} {'n/a' if pd.isna(r.confident_pairs_found) else f'{r.confident_pairs_found:.0%}'}"
            for r in found.itertuples()
        )
        or "none",
    )

    out = result.clusters.copy()
    out["record_id"] = frame[spec.record_id].to_numpy()
    extra = frame.rename(columns={c: f"input_{c}" for c in frame.columns if c in out.columns})
    out = pd.concat([out.reset_index(drop=True), extra.reset_index(drop=True)], axis=1)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    write_csv(out, args.out)
    n_clusters = out["cluster_id"].nunique()
    log.info(
        "wrote %s records in %s clusters (%s duplicates found) to %s",
        f"{len(out):,}",
        f"{n_clusters:,}",
        f"{len(out) - n_clusters:,}",
        args.out,
    )
    if args.pairs:
        args.pairs.parent.mkdir(parents=True, exist_ok=True)
        write_csv(result.pairs, args.pairs)
        log.info("wrote %s scored pairs to %s", f"{len(result.pairs):,}", args.pairs)
    if args.review_workbook:
        from mdm.pair_review import review_pairs, write_pair_review_workbook

        records = pd.DataFrame(
            {
                "record_id": frame[spec.record_id].to_numpy(),
                "source_system": source_system,
                "source_record_id": frame[spec.record_id].to_numpy(),
                "source_row": frame.attrs["source_rows"],
            }
        )
        review = review_pairs(result.pairs, records)
        write_pair_review_workbook(review, args.review_workbook)
        joined = int((review["already_joined"] == "yes").sum()) if len(review) else 0
        log.info(
            "wrote %s pairs for a steward to %s%s",
            f"{len(review):,}",
            args.review_workbook,
            f" ({len(review) - joined:,} to decide; {joined:,} more whose records are already joined through "
            "other records come last)"
            if joined
            else "",
        )
    if args.save_model:
        result.model_params.save(args.save_model)
        log.info("saved model parameters to %s", args.save_model)
    log.info("timings (s): %s", ", ".join(f"{k} {v:.1f}" for k, v in result.timings.items()))
    return 0
