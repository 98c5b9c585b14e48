"""Survivorship rules: choose, field by field, which record's value the golden record keeps.

Rules live in YAML (``mdm/config/survivorship.yaml``) so a data steward can change them.
Each field has an ordered list of rules; later rules break the ties earlier ones leave,
and the final tie-break (most trusted source, then smallest record id) makes the choice
independent of row order. The whole choice is one sort per field, so it scales to
millions of records.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from cleansing.config_files import read_yaml_mapping
from foundation.errors import UserError

DEFAULT_RULES_PATH = Path(__file__).parent / "config" / "survivorship.yaml"
RULE_NAMES = ("valid_first", "most_trusted", "most_frequent", "most_recent", "longest")


@dataclass(frozen=True)
class FieldRule:
    field: str
    rules: tuple[str, ...] = ()
    follow: str | None = None
    """Take the value from whichever record won ``follow`` (keeps uscc and uscc_status together)."""


@dataclass(frozen=True)
class SurvivorshipRules:
    entity: str
    fields: tuple[FieldRule, ...]
    recency_column: str | None = None
    status_suffix: str = "_status"
    extra: dict[str, object] = field(default_factory=dict)


def load_survivorship_rules(entity: str, path: Path = DEFAULT_RULES_PATH) -> SurvivorshipRules:
    """Read and validate the survivorship rules for ``entity`` from ``path``."""
    document = read_yaml_mapping(path, "survivorship rules", "one section per entity")
    if entity not in document:
        raise UserError(
            f"{path}: no survivorship rules for entity {entity!r}; add a top-level '{entity}:' section"
        )
    section = document[entity] or {}
    parsed: list[FieldRule] = []
    for name, spec in (section.get("fields") or {}).items():
        if not isinstance(spec, list) or not spec:
            raise UserError(f"{path}: {entity}.fields.{name} must be a list of rules, e.g. [most_trusted]")
        rules: list[str] = []
        follow = None
        for item in spec:
            if isinstance(item, dict) and set(item) == {"follow"}:
                follow = str(item["follow"])
            elif item in RULE_NAMES:
                rules.append(item)
            else:
                raise UserError(
                    f"{path}: {entity}.fields.{name}: unknown rule {item!r}; "
                    f"expected one of {', '.join(RULE_NAMES)} or 'follow: FIELD'"
                )
        parsed.append(FieldRule(name, tuple(rules), follow))
    names = {f.field for f in parsed}
    for f in parsed:
        if f.follow and f.follow not in names:
            raise UserError(f"{path}: {entity}.fields.{f.field} follows {f.follow!r}, which has no rule")
    return SurvivorshipRules(entity, tuple(parsed), section.get("recency_column"))


def choose_survivors(
    records: pd.DataFrame, rules: SurvivorshipRules, cluster_column: str = "cluster_id"
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Pick each cluster's surviving value for every field in ``rules``.

    ``records`` needs ``cluster_column``, ``record_id``, ``trust_rank`` and the rule fields.
    Returns ``(values, lineage)``: one row per cluster with the chosen values, and a long
    frame (cluster, field, record_id, rule) saying which record each value came from and which rule
    chose it (see :func:`_deciding_rules`).
    """
    base = records[[cluster_column, "record_id", "trust_rank"]].copy()
    base["_tie_record"] = records["record_id"].astype(str)
    clusters = pd.Index(pd.unique(records[cluster_column]), name=cluster_column)
    values = pd.DataFrame(index=clusters)
    lineage_parts: list[pd.DataFrame] = []
    winners: dict[str, pd.Series] = {}
    for rule in rules.fields:
        if rule.field not in records.columns:
            values[rule.field] = pd.NA
            continue
        if rule.follow:
            continue
        winner, decided_by = _winning_rows(records, base, rule, rules, cluster_column)
        winners[rule.field] = winner
        values[rule.field] = records.loc[winner.values, rule.field].set_axis(winner.index)
        lineage_parts.append(_lineage(records, winner, rule.field, cluster_column, decided_by))
    for rule in rules.fields:
        if rule.follow and rule.field in records.columns:
            winner = winners.get(rule.follow)
            if winner is None:
                values[rule.field] = pd.NA
                continue
            values[rule.field] = records.loc[winner.values, rule.field].set_axis(winner.index)
            follows = pd.Series(f"follow {rule.follow}", index=winner.index)
            lineage_parts.append(_lineage(records, winner, rule.field, cluster_column, follows))
    lineage = (
        pd.concat(lineage_parts, ignore_index=True)
        if lineage_parts
        else pd.DataFrame(columns=[cluster_column, "field", "record_id", "rule"])
    )
    return values.reset_index(), lineage


def _winning_rows(
    records: pd.DataFrame, base: pd.DataFrame, rule: FieldRule, rules: SurvivorshipRules, cluster_column: str
) -> tuple[pd.Series, pd.Series]:
    """Index label of the winning record per cluster for one field (clusters with no value are absent),
    and the rule that decided each cluster's choice."""
    value = records[rule.field]
    known = value.notna() & (value.astype(str).str.strip() != "")
    frame = base.loc[known].copy()
    frame["_value"] = value[known].astype(str)
    keys: list[str] = []
    ascending: list[bool] = []
    for name in rule.rules:
        key = f"_k_{name}"
        if name == "valid_first":
            status_col = rule.field + rules.status_suffix
            status = records.loc[known, status_col] if status_col in records.columns else "valid"
            frame[key] = (pd.Series(status, index=frame.index) != "valid").astype(int)
            ascending.append(True)
        elif name == "most_trusted":
            frame[key] = frame["trust_rank"]
            ascending.append(True)
        elif name == "most_frequent":
            frame[key] = frame.groupby([cluster_column, "_value"])["_value"].transform("size")
            ascending.append(False)
        elif name == "most_recent":
            column = rules.recency_column
            recency = records.loc[known, column] if column and column in records.columns else pd.NA
            frame[key] = pd.Series(recency, index=frame.index).astype("string").fillna("")
            ascending.append(False)
        elif name == "longest":
            frame[key] = frame["_value"].str.len()
            ascending.append(False)
        keys.append(key)
    order = [*keys, "trust_rank", "_tie_record"]
    frame = frame.sort_values(order, ascending=[*ascending, True, True], kind="mergesort")
    first = frame.drop_duplicates(cluster_column, keep="first")
    winner = pd.Series(first.index, index=pd.Index(first[cluster_column], name=cluster_column))
    named = dict(zip(keys, rule.rules, strict=True)) | {
        "trust_rank": "most_trusted",
        "_tie_record": "record_id",
    }
    return winner, _deciding_rules(frame, first, cluster_column, [(k, named[k]) for k in order])


def _deciding_rules(
    ordered: pd.DataFrame, first: pd.DataFrame, cluster_column: str, keys: list[tuple[str, str]]
) -> pd.Series:
    """Per cluster, the first rule on which the winning value beat the best other value.

    ``only_value`` when no other record of the cluster had a value, ``same_value`` when every record
    that had one agreed (no rule had to choose); ``record_id`` is the final, arbitrary tie-break.
    """
    by_cluster = first.set_index(cluster_column)
    decided = pd.Series("only_value", index=by_cluster.index, dtype=object)
    rest = ordered.drop(index=first.index)
    decided[decided.index.isin(rest[cluster_column])] = "same_value"
    differs = rest["_value"].to_numpy() != by_cluster["_value"].reindex(rest[cluster_column]).to_numpy()
    runner_up = rest[differs].drop_duplicates(cluster_column, keep="first").set_index(cluster_column)
    winner = by_cluster.loc[runner_up.index]
    undecided = pd.Series(True, index=runner_up.index)
    for key, name in keys:
        beats = undecided & (winner[key].to_numpy() != runner_up[key].to_numpy())
        decided[beats[beats].index] = name
        undecided &= ~beats
    return decided


def _lineage(
    records: pd.DataFrame, winner: pd.Series, field_name: str, cluster_column: str, decided_by: pd.Series
) -> pd.DataFrame:
    return pd.DataFrame(
        {
            cluster_column: winner.index,
            "field": field_name,
            "record_id": records.loc[winner.values, "record_id"].to_numpy(),
            "rule": decided_by.reindex(winner.index).to_numpy(),
        }
    )
