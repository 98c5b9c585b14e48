"""Incremental matching: a night with few changes matches only its new and changed records.

After a full match the store's crosswalk says which golden record every source record belongs to,
and the match model (m and u per comparison level, the prior) is saved beside the data. The next
night, :func:`mdm.parties.match_parties` given a :class:`PreviousMatch`:

- blocks every current record with the same engine as a full match, but compares and scores only the
  candidate pairs with a new or changed record on at least one side, with the saved model (so a pair
  scores as it would have in the full match the model came from; term frequencies are the current
  frame's);
- keeps every unchanged record in the golden record it had (its cluster is joined first, below a
  steward's merge and above any computed match), so a new record's strong match joins it to that
  golden record, a steward's ``not_a_match`` still splits it, and golden ids are kept by the crosswalk
  as in a full match; a changed record leaves its cluster and is matched again; a deleted record is
  simply gone from its cluster.

:func:`choose_match_mode` says when to match everything instead: no previous match, no saved model or
one for another spec or version, too large a share of records changed, or when asked to.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from foundation import __version__
from mdm.model import ModelParameters
from mdm.spec import DedupeSpec

log = logging.getLogger(__name__)

FULL = "full"
INCREMENTAL = "incremental"
MAX_CHANGED_SHARE = 0.2
"""Above this share of new and changed records a night matches everything (the saved model may have aged)."""
MODEL_FILE = "{entity}-{kind}.json"


@dataclass(frozen=True)
class PreviousMatch:
    """What an incremental match starts from."""

    changed_record_ids: frozenset[str]
    """Record ids (``source_system:source_record_id``) new or changed since the crosswalk was written."""
    models: dict[str, ModelParameters]
    """The saved match model per spec kind (``*``, ``business``, ``person``)."""


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
    golden_touched: int = 0
    """Golden records that gained, lost or re-matched a record, or are new or retired."""


def spec_fingerprint(spec: DedupeSpec) -> str:
    """What must be equal for a saved model to score tonight's pairs: the spec and this tool's version."""
    text = json.dumps(dataclasses.asdict(spec), sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(f"{__version__}\n{text}".encode()).hexdigest()


def save_match_models(
    folder: Path, entity: str, models: dict[str, ModelParameters], specs: dict[str, DedupeSpec]
) -> None:
    """Keep the models of a full match for the nights after it (one JSON file per spec kind)."""
    folder.mkdir(parents=True, exist_ok=True)
    for kind, params in models.items():
        content = {"fingerprint": spec_fingerprint(specs[kind]), "model": json.loads(params.to_json())}
        path = folder / MODEL_FILE.format(entity=entity, kind=_file_kind(kind))
        path.write_text(json.dumps(content, ensure_ascii=False, indent=2), encoding="utf-8")


def load_match_models(
    folder: Path, entity: str, specs: dict[str, DedupeSpec]
) -> tuple[dict[str, ModelParameters] | None, str]:
    """The saved models for every spec kind of ``entity``, or None and why they cannot be used."""
    models: dict[str, ModelParameters] = {}
    for kind, spec in specs.items():
        path = folder / MODEL_FILE.format(entity=entity, kind=_file_kind(kind))
        if not path.is_file():
            return None, f"no saved match model ({path.name})"
        try:
            content = json.loads(path.read_text(encoding="utf-8"))
            if content.get("fingerprint") != spec_fingerprint(spec):
                return None, f"the saved match model ({path.name}) is for another spec or version"
            models[kind] = ModelParameters.from_json(json.dumps(content["model"]))
        except (ValueError, KeyError, TypeError) as exc:
            log.warning("%s: saved match model unusable (%s); matching everything", path, exc)
            return None, f"the saved match model ({path.name}) cannot be read"
    return models, ""


def _file_kind(kind: str) -> str:
    return "all" if kind == "*" else kind


def choose_match_mode(
    record_ids: pd.Series,
    changed: np.ndarray,
    existing_crosswalk: pd.DataFrame | None,
    entity: str,
    models: dict[str, ModelParameters] | None,
    models_missing_reason: str = "",
    force_full: str = "",
    max_changed_share: float = MAX_CHANGED_SHARE,
) -> MatchMode:
    """Full or incremental, and why. ``force_full`` names who asked for a full match (empty: nobody)."""
    if force_full:
        return MatchMode(FULL, f"asked for ({force_full})")
    known = 0
    if existing_crosswalk is not None and len(existing_crosswalk):
        known = int((existing_crosswalk["entity"] == entity).sum())
    if known == 0:
        return MatchMode(FULL, "no previous match in the store")
    if models is None:
        return MatchMode(FULL, models_missing_reason or "no saved match model")
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
