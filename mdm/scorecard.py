"""The data-quality scorecard: per source system and entity, how complete and how valid each field is, how
many source records describe one golden record, and how many rows were quarantined and why.

One tidy frame (:data:`SCORECARD_COLUMNS`), one row per source system, entity, measure and field, sorted
worst first so a steward sees which source to fix first. Validity reuses what standardisation already
decided (a USCC's status, a phone's kind, an address resolved to a division); nothing is checked twice.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from cleansing.text import is_blank, map_distinct

__all__ = [
    "ANY_REASON",
    "COMPLETENESS_FIELDS",
    "NOT_PROVIDED",
    "SCORECARD_COLUMNS",
    "PartySources",
    "build_scorecard",
    "summarise_scorecard",
]

SCORECARD_COLUMNS = [
    "entity",
    "source_system",
    "measure",
    "field",
    "records",
    "count",
    "rate",
    "problem_share",
]
"""``records`` is the denominator, ``count`` the records that are fine (complete, valid), the duplicates
or the quarantined rows; ``rate`` = count / records; ``problem_share`` the share of records with the
problem (0 = nothing to fix, 1 = every record)."""

COMPLETENESS_FIELDS: dict[str, dict[str, str | None]] = {
    "partner": {
        "partner_name": None,
        "uscc": None,
        "partner_type": None,
        "channel_tier": None,
        "sales_region": None,
        "province": None,
        "city": None,
        "district": None,
        "address": None,
        "contact_name": None,
        "phone": None,
        "email": None,
        "status": None,
        "created_date": None,
    },
    "customer": {
        "customer_name": None,
        "uscc": "business",
        "birth_date": "person",
        "gender": "person",
        "province": None,
        "city": None,
        "district": None,
        "address": None,
        "postcode": None,
        "phone": None,
        "email": None,
        "created_date": None,
    },
}
"""The fields whose completeness is scored, each with the customer kind it applies to (None: every record)."""

_VALID_PHONE_KINDS = ("mobile", "landline", "toll_free")
ANY_REASON = "any reason"
"""The ``quarantined`` row counting each quarantined source row once, whatever its reasons."""
NOT_PROVIDED = "not_provided"
"""Completeness of a field that no record of the source fills: the source does not carry it at all.
Listed after the fields a steward can fix in the source's data."""


@dataclass(frozen=True)
class PartySources:
    """What the scorecard reads for partners or customers."""

    records: pd.DataFrame
    """Accepted canonical rows, with ``source_system`` (and ``customer_kind`` for customers)."""
    standardised: pd.DataFrame
    """The standardised columns of the same rows, same index (``uscc_status``, ``phone_kind`` …)."""
    crosswalk: pd.DataFrame
    """source_system, source_record_id, golden_id for every accepted row."""


def build_scorecard(
    parties: dict[str, PartySources], quarantine: pd.DataFrame, rows_in: pd.DataFrame
) -> pd.DataFrame:
    """The whole scorecard, worst first.

    ``quarantine`` has ``entity``, ``source_system`` and ``reason_code`` (every stage's quarantined rows);
    ``rows_in`` has ``entity``, ``source_system`` and ``rows_in`` (rows read per file or per source).
    """
    parts = []
    for entity, sources in parties.items():
        parts += [
            _completeness(entity, sources.records),
            _validity(entity, sources.records, sources.standardised),
            _duplicates(entity, sources.crosswalk),
        ]
    parts.append(_quarantined(quarantine, rows_in))
    parts = [p for p in parts if len(p)]
    if not parts:
        return pd.DataFrame(columns=SCORECARD_COLUMNS)
    frame = pd.concat(parts, ignore_index=True)
    frame["problems"] = (frame["problem_share"] * frame["records"]).round()
    frame["not_provided"] = frame["measure"] == NOT_PROVIDED
    frame = frame.sort_values(
        ["not_provided", "problem_share", "problems", "entity", "source_system", "measure", "field"],
        ascending=[True, False, False, True, True, True, True],
        kind="mergesort",
    )
    return frame[SCORECARD_COLUMNS].reset_index(drop=True)


def _rows(entity: str, system: str, measure: str, field: str, records: int, count: int, bad: int) -> dict:
    return {
        "entity": entity,
        "source_system": system,
        "measure": measure,
        "field": field,
        "records": int(records),
        "count": int(count),
        "rate": count / records if records else None,
        "problem_share": bad / records if records else 0.0,
    }


def _present(values: pd.Series) -> pd.Series:
    """True where a value is given (blank, whitespace and NA are not)."""
    return pd.Series(~map_distinct(values, is_blank, na_value=True).astype(bool), index=values.index)


def _completeness(entity: str, records: pd.DataFrame) -> pd.DataFrame:
    kinds = records.get("customer_kind", pd.Series("business", index=records.index)).fillna("business")
    rows = []
    for field, kind in COMPLETENESS_FIELDS.get(entity, {}).items():
        scope = records if kind is None else records[kinds == kind]
        if scope.empty:
            continue
        given = _present(scope[field]) if field in scope.columns else pd.Series(False, index=scope.index)
        for system, present in given.groupby(scope["source_system"]):
            n, ok = len(present), int(present.sum())
            measure = "completeness" if ok else NOT_PROVIDED
            rows.append(_rows(entity, system, measure, field, n, ok, n - ok))
    return pd.DataFrame(rows)


def _validity_checks(records: pd.DataFrame, std: pd.DataFrame) -> dict[str, tuple[pd.Series, pd.Series]]:
    """Per field: (value given in the source, value valid after standardising)."""

    def given(column: str) -> pd.Series:
        if column not in records.columns:
            return pd.Series(False, index=records.index)
        return _present(records[column])

    place = given("address") | given("province") | given("city") | given("district")
    checks = {
        "uscc": (given("uscc"), std.get("uscc_status") == "valid"),
        "phone": (given("phone"), std.get("phone_kind").isin(_VALID_PHONE_KINDS)),
        "email": (given("email"), std.get("email_normalised").notna()),
        "address": (place, std.get("division_code").notna()),
    }
    if "birth_date" in records.columns:
        checks["birth_date"] = (given("birth_date"), std.get("birth_date").notna())
    if "postcode" in records.columns:
        checks["postcode"] = (given("postcode"), std.get("postcode").notna())
    return checks


def _validity(entity: str, records: pd.DataFrame, standardised: pd.DataFrame) -> pd.DataFrame:
    std = standardised.reindex(records.index)
    rows = []
    for field, (given, valid) in _validity_checks(records, std).items():
        valid = valid.fillna(False).astype(bool) & given
        counted = pd.DataFrame({"given": given, "valid": valid, "system": records["source_system"]})
        for system, part in counted[counted["given"]].groupby("system"):
            n, ok = len(part), int(part["valid"].sum())
            rows.append(_rows(entity, system, "validity", field, n, ok, n - ok))
    return pd.DataFrame(rows)


def _duplicates(entity: str, crosswalk: pd.DataFrame) -> pd.DataFrame:
    """Source records per golden record: above 1 means a source holds the same partner more than once."""
    rows = []
    for system, part in crosswalk.groupby("source_system"):
        n, golden = len(part), part["golden_id"].nunique()
        row = _rows(entity, system, "duplicate_rate", "records per golden record", n, n - golden, n - golden)
        row["rate"] = n / golden if golden else None
        rows.append(row)
    return pd.DataFrame(rows)


def _quarantined(quarantine: pd.DataFrame, rows_in: pd.DataFrame) -> pd.DataFrame:
    """Rows held back per reason, and (field :data:`ANY_REASON`) rows held back for at least one reason."""
    if quarantine.empty:
        return pd.DataFrame(columns=SCORECARD_COLUMNS)
    keys = ["entity", "source_system"]
    counts = quarantine.groupby([*keys, "reason_code"], dropna=False).size()
    # A row quarantined for two reasons is one row held back: count each source row once.
    row_identity = [c for c in ("source_file", "source_row", "business_key") if c in quarantine.columns]
    distinct = quarantine.drop_duplicates([*keys, *row_identity]).groupby(keys).size()
    totals = rows_in.groupby(keys)["rows_in"].sum()
    rows = []
    for (entity, system, reason), count in counts.items():
        records = int(totals.get((entity, system), 0)) or int(count)
        rows.append(_rows(entity, system, "quarantined", str(reason), records, int(count), int(count)))
    for (entity, system), count in distinct.items():
        records = int(totals.get((entity, system), 0)) or int(count)
        rows.append(_rows(entity, system, "quarantined", ANY_REASON, records, int(count), int(count)))
    return pd.DataFrame(rows)


def summarise_scorecard(scorecard: pd.DataFrame) -> pd.DataFrame:
    """One row per entity and source system, worst first: mean completeness (over the fields the source
    carries) and validity, records per golden record, share of rows quarantined, the fields the source does
    not carry at all, and the field with the biggest problem."""
    if scorecard.empty:
        return pd.DataFrame(
            columns=[
                "entity",
                "source_system",
                "completeness",
                "validity",
                "records_per_golden",
                "quarantined",
                "not_provided",
            ]
        )
    keys = ["entity", "source_system"]
    by_measure = scorecard.pivot_table(index=keys, columns="measure", values="rate", aggfunc="mean")
    any_reason = scorecard[(scorecard["measure"] == "quarantined") & (scorecard["field"] == ANY_REASON)]
    quarantined = any_reason.groupby(keys)["problem_share"].sum().rename("quarantined")
    not_provided = scorecard[scorecard["measure"] == NOT_PROVIDED].groupby(keys)["field"].agg(", ".join)
    summary = pd.DataFrame(index=by_measure.index.union(quarantined.index))
    for measure, column in (
        ("completeness", "completeness"),
        ("validity", "validity"),
        ("duplicate_rate", "records_per_golden"),
    ):
        summary[column] = by_measure[measure] if measure in by_measure.columns else float("nan")
    summary["quarantined"] = quarantined.reindex(summary.index).fillna(0.0)
    summary["not_provided"] = not_provided.reindex(summary.index).fillna("")
    worst = scorecard.drop_duplicates(keys).set_index(keys)  # the scorecard is sorted worst first
    summary["worst"] = (worst["measure"] + " " + worst["field"]).reindex(summary.index)
    summary["worst_problem_share"] = worst["problem_share"].reindex(summary.index)
    issues = pd.concat(
        [
            1 - summary["completeness"],
            1 - summary["validity"],
            summary["quarantined"],
            1 - 1 / summary["records_per_golden"],
        ],
        axis=1,
    ).mean(axis=1, skipna=True)
    summary["issue_score"] = issues.fillna(0.0)
    summary = summary.reset_index().sort_values(
        ["issue_score", "entity", "source_system"], ascending=[False, True, True], kind="mergesort"
    )
    return summary.reset_index(drop=True)
