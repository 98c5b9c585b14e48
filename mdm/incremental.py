"""Incremental matching: a night with few changes matches only its new and changed records.

After a match the store's crosswalk says which golden record every source record belongs to, and the
caller saves the match's :class:`MatchState` beside the data: each record's hash, the standardised
records, every golden record's surviving values and lineage, and the model (m and u per comparison
level, the prior) of the last full match. The next night, :func:`mdm.parties.match_parties` given a
:class:`PreviousMatch`:

- blocks every current record with the same engine as a full match, but compares and scores only the
  candidate pairs with a new or changed record on at least one side, with the saved model (so a pair
  scores as it would have in the full match the model came from; term frequencies are the current
  frame's);
- keeps every unchanged record in the golden record it had (its cluster is joined first, below a
  steward's merge and above any computed match), so a new record's strong match joins it to that
  golden record, a steward's ``not_a_match`` still splits it, and golden ids are kept by the crosswalk
  as in a full match; a changed record leaves its cluster and is matched again; a deleted record is
  simply gone from its cluster;
- standardises only the records whose values changed, and runs survivorship only for the golden
  records whose source records are not exactly the saved ones, unchanged.

:func:`choose_match_mode` says when to match everything instead: no previous match, no saved state or
one for another spec or version, too large a share of records changed, or when asked to.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import shutil
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from cleansing.canonical import PROVENANCE_COLUMNS
from foundation import __version__
from foundation.frame_files import read_result, write_result
from mdm.model import ModelParameters
from mdm.spec import DedupeSpec

log = logging.getLogger(__name__)

FULL = "full"
INCREMENTAL = "incremental"
MAX_CHANGED_SHARE = 0.2
"""Above this share of new and changed records a night matches everything (the saved model may have aged)."""
MAX_MODEL_AGE_DAYS = 7
"""A model this many days old or older (since the full match that trained it) is retrained by a full match,
so quiet nights never go on scoring with a model that no longer describes the data."""
NOT_HASHED = (set(PROVENANCE_COLUMNS) - {"source_system"}) | {"record_id"}


@dataclass(frozen=True)
class MatchState:
    """What a match leaves for the next night: enough to match only what changed.

    Saved by the caller after every match (:func:`save_match_state`), with the models of the last full
    match. Each piece is only reused where it still holds: a standardised row where the record's values
    hash the same, a golden record's surviving values where its source records are the same and unchanged.
    """

    entity: str
    fingerprints: dict[str, str]
    """Per spec kind :func:`spec_fingerprint`: a state saved for another spec or version is not used."""
    models: dict[str, str]
    """Per spec kind the model of the last full match (JSON, :meth:`ModelParameters.to_json`)."""
    record_hashes: pd.DataFrame
    """record_id, record_hash (:func:`record_hashes`) of every record matched."""
    standardised: dict[str, pd.DataFrame]
    """Per spec kind the standardised frame of its records (with ``record_id``)."""
    survivors: pd.DataFrame
    """golden_id and the surviving value of every survivorship field, before hierarchy links."""
    lineage: pd.DataFrame
    """golden_id, field, record_id, rule: where each surviving value came from."""
    crosswalk: pd.DataFrame
    """record_id, golden_id."""
    models_trained_on: str = ""
    """The date (YYYY-MM-DD, UTC) of the full match that trained ``models``; empty: unknown."""
    review: pd.DataFrame = dataclasses.field(default_factory=pd.DataFrame)
    """The pairs this match left for a steward (:func:`mdm.pair_review.review_pairs`): a later night that
    does not compare them again keeps them pending (:func:`carried_review`)."""


@dataclass(frozen=True)
class PreviousMatch:
    """What an incremental match starts from."""

    changed_record_ids: frozenset[str]
    """Record ids (``source_system:source_record_id``) new or changed since the crosswalk was written."""
    models: dict[str, ModelParameters]
    """The saved match model per spec kind (``*``, ``business``, ``person``)."""
    state: MatchState | None = None
    """The last match's state: unchanged records are not standardised again, untouched golden records keep
    their surviving values."""


@dataclass(frozen=True)
class MatchMode:
    mode: str
    """``full`` or ``incremental``."""
    reason: str


@dataclass(frozen=True)
class MatchRun:
    """How a match ran, for the asset's metadata and the nightly printout."""

    mode: str = FULL
    reason: str = ""
    records: int = 0
    records_compared: int = 0
    """Records whose candidate pairs were scored (every record in a full match)."""
    pairs_scored: int = 0
    golden_recomputed: int = 0
    """Golden records whose surviving values were chosen again (the others were carried forward)."""
    golden_touched: int = 0
    """Golden records that gained, lost or re-matched a record, or are new or retired."""


def spec_fingerprint(spec: DedupeSpec) -> str:
    """What must be equal for a saved model to score tonight's pairs: the spec, this tool's version
    and the comparisons with their levels (an upgrade that adds a level makes the next night full)."""
    from mdm.dedupe import comparisons_for

    layout = [(c.name, c.labels) for c in comparisons_for(spec)]
    text = json.dumps([dataclasses.asdict(spec), layout], sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(f"{__version__}\n{text}".encode()).hexdigest()


def record_hashes(records: pd.DataFrame) -> pd.Series:
    """A hash of each record's values (provenance left out, trust rank in), aligned with ``records``."""
    columns = sorted(c for c in records.columns if c not in NOT_HASHED)
    text = records[columns].astype("string").fillna("\x1f")
    return pd.util.hash_pandas_object(text, index=False).map("{:016x}".format).set_axis(records.index)


def save_match_state(folder: Path, state: MatchState) -> None:
    """Keep ``state`` under ``folder``/<entity> for the next night (replacing the last one)."""
    target = folder / state.entity
    partial = folder / f".{state.entity}.part"
    shutil.rmtree(partial, ignore_errors=True)
    write_result(state, partial)
    shutil.rmtree(target, ignore_errors=True)
    partial.rename(target)


def load_match_state(
    folder: Path, entity: str, specs: dict[str, DedupeSpec]
) -> tuple[MatchState | None, dict[str, ModelParameters] | None, str]:
    """The saved state of ``entity`` and its models, or None and why they cannot be used."""
    path = folder / entity
    if not path.is_dir():
        return None, None, "no saved match state"
    try:
        state = read_result(path)
    except Exception as exc:  # a damaged state only costs a full match
        log.warning("%s: saved match state unusable (%s); matching everything", path, type(exc).__name__)
        return None, None, "the saved match state cannot be read"
    if not isinstance(state, MatchState) or state.fingerprints != {
        k: spec_fingerprint(s) for k, s in specs.items()
    }:
        return None, None, "the saved match state is for another spec or version"
    models = {kind: ModelParameters.from_json(text) for kind, text in state.models.items()}
    return state, models, ""


def choose_match_mode(
    record_ids: pd.Series,
    changed: np.ndarray,
    existing_crosswalk: pd.DataFrame | None,
    entity: str,
    models: dict[str, ModelParameters] | None,
    models_missing_reason: str = "",
    force_full: str = "",
    max_changed_share: float = MAX_CHANGED_SHARE,
    models_trained_on: str = "",
    today: date | None = None,
) -> MatchMode:
    """Full or incremental, and why. ``force_full`` names who asked for a full match (empty: nobody);
    models trained ``MAX_MODEL_AGE_DAYS`` or more before ``today`` (default: today, UTC) are retrained."""
    if force_full:
        return MatchMode(FULL, f"asked for ({force_full})")
    known = 0
    if existing_crosswalk is not None and len(existing_crosswalk):
        known = int((existing_crosswalk["entity"] == entity).sum())
    if known == 0:
        return MatchMode(FULL, "no previous match in the store")
    if models is None:
        return MatchMode(FULL, models_missing_reason or "no saved match model")
    if models_trained_on:
        age = ((today or datetime.now(UTC).date()) - date.fromisoformat(models_trained_on)).days
        if age >= MAX_MODEL_AGE_DAYS:
            return MatchMode(
                FULL, f"the match model is {age} days old (retrained every {MAX_MODEL_AGE_DAYS} days)"
            )
    share = float(np.mean(changed)) if len(changed) else 0.0
    if share > max_changed_share:
        return MatchMode(
            FULL, f"{share:.0%} of the records are new or changed (more than {max_changed_share:.0%})"
        )
    return MatchMode(INCREMENTAL, f"{int(np.sum(changed)):,} of {len(record_ids):,} records new or changed")


def previous_golden_ids(
    entity: str, record_ids: pd.Series, existing_crosswalk: pd.DataFrame | None
) -> pd.Series:
    """Per record (aligned with ``record_ids``) the golden id the crosswalk gave it, NA if none."""
    if existing_crosswalk is None or existing_crosswalk.empty:
        return pd.Series(pd.NA, index=record_ids.index, dtype=object)
    known = existing_crosswalk[existing_crosswalk["entity"] == entity]
    ids = known["source_system"].astype(str) + ":" + known["source_record_id"].astype(str)
    golden = pd.Series(known["golden_id"].to_numpy(), index=ids.to_numpy())
    golden = golden[~golden.index.duplicated()]
    return pd.Series(golden.reindex(record_ids.astype(str).to_numpy()).to_numpy(), index=record_ids.index)


def kept_cluster_labels(previous_golden: pd.Series, changed: np.ndarray) -> np.ndarray:
    """Per record an integer label of the golden record it stays in (-1: matched again)."""
    keep = previous_golden.notna().to_numpy() & ~np.asarray(changed, dtype=bool)
    codes, _ = pd.factorize(previous_golden.where(keep))
    return np.where(keep, codes, -1).astype(np.int64)


def kept_match_scores(
    clusters: pd.DataFrame, pairs: pd.DataFrame, previous: pd.DataFrame | None, kept: np.ndarray
) -> pd.Series:
    """Match scores for the crosswalk: a record that stayed keeps its previous score unless a pair scored
    tonight inside its cluster is better; the others keep the score the clustering gave."""
    score = clusters["match_score"].astype(float)
    if previous is None or previous.empty:
        return score
    inside = pairs[pairs["same_cluster"].astype(bool)] if len(pairs) else pairs
    tonight = pd.concat(
        [
            pd.Series(inside["match_probability"].to_numpy(), index=inside["left_record_id"].to_numpy()),
            pd.Series(inside["match_probability"].to_numpy(), index=inside["right_record_id"].to_numpy()),
        ]
    )
    best = tonight.groupby(level=0).max() if len(tonight) else pd.Series(dtype=float)
    was = previous.reindex(clusters["record_id"].to_numpy())
    stayed = kept >= 0
    was_scored = (
        stayed & (was["match_decision"].to_numpy() != "singleton") & was["match_score"].notna().to_numpy()
    )
    new_best = best.reindex(clusters["record_id"].to_numpy()).to_numpy(dtype=float)
    old = was["match_score"].to_numpy(dtype=float)
    merged = np.where(was_scored, np.fmax(old, new_best), np.where(np.isnan(new_best), score, new_best))
    return pd.Series(np.where(stayed, merged, score), index=clusters.index).round(6)


def touched_golden_ids(
    entity: str,
    existing_crosswalk: pd.DataFrame | None,
    crosswalk: pd.DataFrame,
    changed_record_ids: pd.Series,
    retired: pd.DataFrame,
) -> int:
    """How many golden records tonight's match touched: new ones, retired ones, and those that gained,
    lost or re-matched a source record."""
    now = crosswalk.assign(
        record_id=crosswalk["source_system"].astype(str) + ":" + crosswalk["source_record_id"].astype(str)
    )
    before = pd.DataFrame(columns=["record_id", "golden_id"])
    if existing_crosswalk is not None and len(existing_crosswalk):
        known = existing_crosswalk[existing_crosswalk["entity"] == entity]
        before = pd.DataFrame(
            {
                "record_id": (
                    known["source_system"].astype(str) + ":" + known["source_record_id"].astype(str)
                ).to_numpy(),
                "golden_id": known["golden_id"].to_numpy(),
            }
        )
    both = now[["record_id", "golden_id"]].merge(
        before, on="record_id", how="outer", suffixes=("", "_before")
    )
    moved = both[both["golden_id"].astype(object) != both["golden_id_before"].astype(object)]
    rematched = now[now["record_id"].isin(set(changed_record_ids))]
    touched = set(moved["golden_id"].dropna()) | set(moved["golden_id_before"].dropna())
    touched |= set(rematched["golden_id"].dropna()) | set(
        retired.get("retired_golden_id", pd.Series(dtype=object))
    )
    return len(touched)


def is_in(values: pd.Series | pd.Index, other: pd.Series | pd.Index) -> np.ndarray:
    """``values.isin(other)`` for ids, by hashing plain Python strings (pandas' Arrow-backed ``isin``
    compares in a Python loop)."""
    lookup = pd.Index(pd.unique(np.asarray(other, dtype=object)))
    return lookup.get_indexer(np.asarray(values, dtype=object)) >= 0


def changed_since_state(record_id: pd.Series, hashes: pd.Series, state: MatchState | None) -> np.ndarray:
    """Records whose values the saved state does not hold as they are now (all of them without a state)."""
    if state is None:
        return np.ones(len(record_id), dtype=bool)
    saved = pd.Series(
        state.record_hashes["record_hash"].to_numpy(), index=state.record_hashes["record_id"].to_numpy()
    )
    saved = saved[~saved.index.duplicated()]
    return saved.reindex(record_id.to_numpy()).to_numpy() != hashes.to_numpy()


def standardise_reusing(
    subset: pd.DataFrame, spec: DedupeSpec, reuse: np.ndarray, saved: pd.DataFrame | None
) -> pd.DataFrame:
    """:func:`mdm.dedupe.standardise_for_spec` of ``subset``, taking the rows marked ``reuse`` from ``saved``
    (standardisation is row by row, so an unchanged record standardises as it did)."""
    from mdm.dedupe import standardise_for_spec

    if saved is None or not reuse.any():
        return standardise_for_spec(subset, spec)
    by_id = saved.drop_duplicates("record_id").set_index("record_id", drop=False)
    reuse = reuse & is_in(subset["record_id"], by_id.index)
    old = by_id.loc[subset.loc[reuse, "record_id"].to_numpy()].set_axis(subset.index[reuse])
    if reuse.all():
        return old.reset_index(drop=True)
    fresh = standardise_for_spec(subset[~reuse], spec).set_axis(subset.index[~reuse])
    if not set(fresh.columns) <= set(old.columns):
        # Saved by a version that standardised less: every record is standardised afresh.
        return standardise_for_spec(subset, spec)
    old = old.reindex(columns=fresh.columns).astype(fresh.dtypes.to_dict())
    return pd.concat([old, fresh]).loc[subset.index].reset_index(drop=True)


def carried_survivors(
    candidates: pd.DataFrame, changed: pd.Series, state: MatchState | None
) -> tuple[pd.DataFrame, pd.DataFrame] | None:
    """Survivors (values and lineage by ``cluster_id``) of the clusters whose records are exactly those of
    a golden record in ``state`` and none changed: survivorship would choose the same again."""
    if state is None or state.survivors.empty:
        return None
    saved = pd.Series(state.crosswalk["golden_id"].to_numpy(), index=state.crosswalk["record_id"].to_numpy())
    members = pd.DataFrame(
        {
            "cluster_id": candidates["cluster_id"].to_numpy(),
            "changed": changed.reindex(candidates["record_id"].to_numpy()).fillna(True).to_numpy(dtype=bool),
            "golden_id": saved.reindex(candidates["record_id"].to_numpy()).to_numpy(),
        }
    )
    per_cluster = members.groupby("cluster_id").agg(
        changed=("changed", "any"),
        size=("changed", "size"),
        known=("golden_id", "count"),
        goldens=("golden_id", "nunique"),
        golden_id=("golden_id", "first"),
    )
    saved_size = state.crosswalk.groupby("golden_id").size()
    same = (
        ~per_cluster["changed"]
        & (per_cluster["known"] == per_cluster["size"])
        & (per_cluster["goldens"] == 1)
        & (saved_size.reindex(per_cluster["golden_id"]).to_numpy() == per_cluster["size"].to_numpy())
        & is_in(per_cluster["golden_id"], state.survivors["golden_id"])
    )
    cluster_of = pd.Series(per_cluster.index[same], index=per_cluster.loc[same, "golden_id"].to_numpy())
    values = state.survivors[is_in(state.survivors["golden_id"], cluster_of.index)]
    values = values.assign(golden_id=cluster_of.reindex(values["golden_id"]).to_numpy()).rename(
        columns={"golden_id": "cluster_id"}
    )
    lineage = state.lineage[is_in(state.lineage["golden_id"], cluster_of.index)]
    lineage = lineage.assign(golden_id=cluster_of.reindex(lineage["golden_id"]).to_numpy()).rename(
        columns={"golden_id": "cluster_id"}
    )
    return values, lineage[["cluster_id", "field", "record_id", "rule"]]


def build_match_state(
    entity: str,
    specs: dict[str, DedupeSpec],
    models: dict[str, str],
    record_id: pd.Series,
    hashes: pd.Series,
    standardised: dict[str, pd.DataFrame],
    survivors: pd.DataFrame,
    lineage: pd.DataFrame,
    crosswalk: pd.DataFrame,
    review: pd.DataFrame | None = None,
    models_trained_on: str = "",
) -> MatchState:
    """The state this match leaves (``survivors``: golden_id and the survivorship fields only)."""
    ids = crosswalk["source_system"].astype(str) + ":" + crosswalk["source_record_id"].astype(str)
    return MatchState(
        entity=entity,
        fingerprints={kind: spec_fingerprint(spec) for kind, spec in specs.items()},
        models=models,
        record_hashes=pd.DataFrame({"record_id": record_id.to_numpy(), "record_hash": hashes.to_numpy()}),
        standardised={kind: frame.reset_index(drop=True) for kind, frame in standardised.items()},
        survivors=survivors.reset_index(drop=True),
        lineage=pd.DataFrame(
            {
                "golden_id": lineage["golden_id"].to_numpy(),
                "field": lineage["field"].to_numpy(),
                "record_id": (
                    lineage["source_system"].astype(str) + ":" + lineage["source_record_id"].astype(str)
                ).to_numpy(),
                "rule": lineage["rule"].to_numpy(),
            }
        ),
        crosswalk=pd.DataFrame({"record_id": ids.to_numpy(), "golden_id": crosswalk["golden_id"].to_numpy()}),
        review=pd.DataFrame() if review is None else review.reset_index(drop=True),
        models_trained_on=models_trained_on or datetime.now(UTC).date().isoformat(),
    )


def carried_review(
    tonight: pd.DataFrame, saved: pd.DataFrame, unchanged_ids: pd.Series, decided: pd.DataFrame
) -> pd.DataFrame:
    """Tonight's pairs for a steward, and the saved ones tonight did not compare again.

    An incremental match only scores pairs with a new or changed record, so a pair of two unchanged
    records that was waiting for a steward is not found again; it stays pending (with its evidence as
    scored then) until a steward decides it or one of its records changes or goes. ``unchanged_ids`` and
    ``decided`` (``left_record_id``, ``right_record_id``) use ``source_system:source_record_id`` ids.
    """
    if saved is None or saved.empty:
        return tonight
    left = saved["left_source_system"].astype(str) + ":" + saved["left_record_id"].astype(str)
    right = saved["right_source_system"].astype(str) + ":" + saved["right_record_id"].astype(str)
    decided_pairs = {
        frozenset(pair) for pair in zip(decided["left_record_id"], decided["right_record_id"], strict=True)
    }
    undecided = np.array(
        [frozenset(pair) not in decided_pairs for pair in zip(left, right, strict=True)], dtype=bool
    )
    keep = is_in(left, unchanged_ids) & is_in(right, unchanged_ids) & undecided
    if len(tonight):
        keep &= ~is_in(saved["key"], tonight["key"])
    if not keep.any():
        return tonight
    return pd.concat([tonight, saved[keep]], ignore_index=True)
