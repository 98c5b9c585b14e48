"""Deduplicate partners and customers: standardise, block, compare, train, score, cluster.

``deduplicate(frame, spec)`` is the public face; the steps live in their own modules
(:mod:`mdm.blocking`, :mod:`mdm.comparators`, :mod:`mdm.model`, :mod:`mdm.clustering`,
:mod:`mdm.explain`) for anyone who needs one of them alone.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from cleansing.addresses import latin_address_words
from cleansing.dates import date_of_parts, year_alone
from cleansing.party_roles import MULTI_COLUMN_ROLES, STANDARDISED_ROLES
from cleansing.row_chunks import map_ranges
from mdm.adaptive_blocking import ADAPTIVE_RULES
from mdm.blocking import DEFAULT_RULES, CandidatePairs, block
from mdm.clustering import assign_cluster_ids, cannot_link_codes, cluster_records, id_ranks
from mdm.comparators import (
    ADDRESS_WORDS_COLUMN,
    DEFAULT_COMPARISONS,
    OTHER_PHONES_COLUMN,
    Comparison,
    FrameColumns,
    compare_pairs,
    exact_comparison,
    free_text_comparison,
)
from mdm.explain import display_column, explanation_columns
from mdm.hard_negatives import DISTINCTIVE_WORDS
from mdm.households import HOUSEHOLD
from mdm.model import (
    ModelParameters,
    check_fits,
    classify,
    count_u_on_offered_levels,
    default_parameters,
    discount_matches_from_u,
    estimate_m_by_em,
    estimate_u_from_random_pairs,
    exact_level_bounds,
    leave_matches_out_of_u,
    one_name_alone,
    random_pair_positions,
    refine_with_labels,
    score_levels,
)
from mdm.name_and_birth_date import DATE as BIRTH_DATE_COMPARISON
from mdm.name_and_birth_date import learn_name_and_birth_date
from mdm.party_kind import mark_person_names
from mdm.roles import SEPARATOR, SET_COLUMNS, joined_person_name, standardise_extra_roles
from mdm.set_comparisons import OTHER_NAMES, WEBSITE, identifier_comparison
from mdm.spec import DedupeSpec
from mdm.steward_constraints import DECISION_COLUMNS, decision_positions, pair_decisions, with_cannot_links
from mdm.term_frequency import tf_adjustments

log = logging.getLogger(__name__)

STANDARDISED_MARKER = "name_core"
"""A frame with this column is taken as already standardised."""
EXTRA_PREFIX = "input:"
ADDRESS_COLUMN = "__address_joined"
PERSON_NAME_COLUMN = "__person_name_joined"
BIRTH_DATE_COLUMN = "__birth_date_of_parts"
ROLE_FOR_STANDARDISER = tuple(r for r in STANDARDISED_ROLES if r not in MULTI_COLUMN_ROLES)
_CHUNK = 1_000_000
PARALLEL_MIN_PAIRS = 2_000_000
"""Below this many candidate pairs they are compared in one process: forking costs more than the second core saves."""
_WARM_UP_PAIRS = 20_000
"""Pairs compared before the others are shared out (see :func:`_compare_in_chunks`)."""


@dataclass
class DedupeResult:
    clusters: pd.DataFrame
    """``record_id, cluster_id, match_score`` in input order."""
    pairs: pd.DataFrame
    """Scored candidate pairs (``match_probability`` ≥ ``pairs_min_probability``) with explanation columns."""
    blocking_report: pd.DataFrame
    model_params: ModelParameters
    timings: dict[str, float] = field(default_factory=dict)
    refused_merges: int = 0
    candidate_pairs: int = 0
    steward_decisions_missing: pd.DataFrame = field(default_factory=pd.DataFrame)
    """Steward decisions naming a record this frame does not hold (reported, not applied)."""
    pair_completeness: float = float("nan")
    """Estimated share of all duplicate pairs that blocking offered (no labels needed; see
    :meth:`mdm.blocking.CandidatePairs.completeness`); the report's ``confident_pairs_found`` is per rule."""


@contextmanager
def _timed(timings: dict[str, float], step: str, bar: tqdm | None = None):
    if bar is not None:
        bar.set_postfix_str(step)
    start = time.perf_counter()
    yield
    timings[step] = round(time.perf_counter() - start, 3)
    if bar is not None:
        bar.update(1)


def _joined_text(frame: pd.DataFrame, columns: list[str], sep: str) -> pd.Series:
    parts = [frame[c].astype("string").str.strip().replace("", pd.NA) for c in columns]
    out = parts[0]
    for part in parts[1:]:
        out = _cat(out, part, sep)
    return out


def _cat(a: pd.Series, b: pd.Series, sep: str) -> pd.Series:
    both = a.notna() & b.notna()
    out = a.fillna(b)
    out[both] = a[both] + sep + b[both]
    return out


def _digits_as_date(values: pd.Series, any_year: bool = False) -> pd.Series:
    """``19561309`` → ``1956-13-09``: eight digits read as year, month and day even when impossible;
    the year must start 19 or 20 (``14101964`` is a day first) unless ``any_year`` (digits written
    year first from three columns, where ``1764`` is a typo of ``1964``)."""
    digits = values.astype("string").str.replace(r"\D", "", regex=True)
    eight = digits.str.fullmatch(r"\d{8}" if any_year else r"(19|20)\d{6}").fillna(False).astype(bool)
    out = digits.str[:4] + "-" + digits.str[4:6] + "-" + digits.str[6:8]
    return out.where(eight).reset_index(drop=True).set_axis(values.index)


def standardise_for_spec(frame: pd.DataFrame, spec: DedupeSpec) -> pd.DataFrame:
    """Map the spec's roles onto ``cleansing.standardise.standardise_parties`` and carry the
    ``free_text``/``exact`` columns along as ``input:<column>``."""
    from cleansing.phones import other_phone_numbers
    from cleansing.standardise import join_phone_columns, standardise_parties

    work = frame.copy(deep=False)
    roles: dict[str, str | list[str]] = {"record_id": spec.record_id}
    for role in ROLE_FOR_STANDARDISER:
        if role in spec.columns:
            roles[role] = spec.columns[role][0]
    if "phone" in spec.columns:
        roles["phone"] = list(spec.columns["phone"])
    if "address" in spec.columns:
        # Address parts (line 1, line 2 …) are read as one address.
        work[ADDRESS_COLUMN] = _joined_text(frame, spec.columns["address"], " ")
        roles["address"] = ADDRESS_COLUMN
    if "birth_date" in spec.columns:
        # One column, or the year, month and day in three.
        names = spec.columns["birth_date"]
        work[BIRTH_DATE_COLUMN] = (
            frame[names[0]] if len(names) == 1 else date_of_parts(*(frame[n] for n in names))
        )
        roles["birth_date"] = BIRTH_DATE_COLUMN
    person_name = joined_person_name(frame, spec.columns)
    if person_name is not None:
        # Several name columns, or given/middle/family name parts, are one full name.
        work[PERSON_NAME_COLUMN] = person_name
        roles["person_name"] = PERSON_NAME_COLUMN
    standardised = standardise_parties(work, roles, spec.country)
    if "address" in spec.columns:
        standardised[ADDRESS_WORDS_COLUMN] = latin_address_words(work[ADDRESS_COLUMN]).to_numpy()
    if "phone" in spec.columns:
        # 13812345678/0755-26881234, or a mobile and a landline column: the numbers after the first.
        others = other_phone_numbers(
            join_phone_columns(frame, list(spec.columns["phone"])), spec.country, SEPARATOR
        )
        if others.notna().any():  # most lists write one number a cell: no column to carry
            standardised[OTHER_PHONES_COLUMN] = others.to_numpy()
    if "birth_date" in spec.columns:
        # A date with a typo that makes it impossible (1956-13-09) is still compared part by part, and
        # a list that keeps only the year of birth (1964) is compared by its years.
        standardised["birth_date"] = (
            standardised["birth_date"]
            .fillna(_digits_as_date(work[BIRTH_DATE_COLUMN], any_year=len(spec.columns["birth_date"]) == 3))
            .fillna(year_alone(work[BIRTH_DATE_COLUMN]).astype(object))
        )
    standardised = standardise_extra_roles(
        standardised,
        frame,
        spec.columns,
        organisation=spec.entity == "organisation" or "company_name" in spec.columns,
    )
    for role in ("province", "city", "district", "postcode"):
        # A place the division table does not know (London, 九龙) is still worth comparing as written.
        if role in spec.columns:
            raw = frame[spec.columns[role][0]].astype("string").str.strip().str.upper().replace("", pd.NA)
            standardised[role] = standardised[role].fillna(raw)
    for role in ("free_text", "exact", "categorical"):
        for column in spec.columns.get(role, []):
            standardised[EXTRA_PREFIX + column] = (
                frame[column].astype("string").str.strip().replace("", pd.NA)
            )
    return standardised


def comparisons_for(spec: DedupeSpec | None) -> tuple[Comparison, ...]:
    extras: list[Comparison] = []
    if spec is not None:
        extras += [free_text_comparison(EXTRA_PREFIX + c) for c in spec.columns.get("free_text", [])]
        extras += [exact_comparison(EXTRA_PREFIX + c) for c in spec.columns.get("exact", [])]
        extras += [exact_comparison(EXTRA_PREFIX + c, tf=True) for c in spec.columns.get("categorical", [])]
        extras += [
            identifier_comparison(SET_COLUMNS[r]) for r in ("national_id", "tax_id") if r in spec.columns
        ]
        if "website" in spec.columns:
            extras.append(WEBSITE)
        if "other_names" in spec.columns:
            extras.append(OTHER_NAMES)
    return DEFAULT_COMPARISONS + (DISTINCTIVE_WORDS, HOUSEHOLD) + tuple(extras)


def _compare_in_chunks(
    cols: FrameColumns,
    left: np.ndarray,
    right: np.ndarray,
    comparisons: tuple[Comparison, ...],
    progress: bool,
) -> np.ndarray:
    """The levels of every pair, the pairs cut into one range per core (:func:`map_ranges`: the ranges
    after the first compared in processes forked from this one, which hold the columns already) and
    each range compared a chunk at a time."""

    def compare_range(first: int, last: int, shown: bool = False) -> np.ndarray:
        out = np.zeros((last - first, len(comparisons)), dtype=np.int8)
        starts = range(first, last, _CHUNK)
        bar = tqdm(
            starts,
            desc="comparing pairs",
            unit="M pairs",
            disable=not (progress and shown and len(starts) > 1),
        )
        for start in bar:
            stop = min(start + _CHUNK, last)
            out[start - first : stop - first] = compare_pairs(
                cols, left[start:stop], right[start:stop], comparisons
            )
        return out

    # The first pairs are compared here first: what the comparisons derive once per record or per
    # distinct value (tokens, lengths, name parts; about half of the work on a million records) is
    # then held before the other processes fork, not derived again in each.
    head = min(len(left), _WARM_UP_PAIRS)
    first = compare_range(0, head)
    rest = map_ranges(
        lambda a, b: compare_range(head + a, head + b, shown=a == 0), len(left) - head, PARALLEL_MIN_PAIRS
    )
    return np.concatenate([first, *rest])


def _label_positions(labels: pd.DataFrame, record_id: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Steward labels (``left_record_id, right_record_id, is_match``) → positions of known records."""
    position = pd.Series(np.arange(len(record_id)), index=record_id.astype(str).to_numpy())
    position = position[~position.index.duplicated()]
    left = position.reindex(labels["left_record_id"].astype(str)).to_numpy()
    right = position.reindex(labels["right_record_id"].astype(str)).to_numpy()
    keep = ~(np.isnan(left) | np.isnan(right))
    match = labels["is_match"].astype(str).str.lower().isin(["true", "1", "yes", "match", "y"]).to_numpy()
    return left[keep].astype(np.int64), right[keep].astype(np.int64), match[keep]


RULES = DEFAULT_RULES + ADAPTIVE_RULES


def candidate_pairs(
    std: pd.DataFrame, spec: DedupeSpec, columns: FrameColumns | None = None
) -> CandidatePairs:
    """The pairs :func:`deduplicate` compares: blocking over records already standardised for ``spec``.

    Public so that a benchmark measures the engine's own blocking rather than a copy of it.
    """
    return block(std, rules=RULES, max_block_size=spec.max_block_size, columns=columns)


def _focused(candidates: CandidatePairs, focus: np.ndarray) -> CandidatePairs:
    """The candidate pairs with a focused record on at least one side (per-rule pairs filtered alike)."""
    keep = focus[candidates.left] | focus[candidates.right]
    n = candidates.n
    return dataclasses.replace(
        candidates,
        left=candidates.left[keep],
        right=candidates.right[keep],
        rule_pairs=[codes[focus[codes // n] | focus[codes % n]] for codes in candidates.rule_pairs],
    )


def record_id_order(record_id: pd.Series) -> np.ndarray | None:
    """The positions of the records in an order their ids alone fix, or None where the file is in it.

    Blocking pairs each record with its neighbours, random pairs are drawn by position and equal
    scores are taken in turn: in the file's order, the same records sorted another way (another
    export, another query) would be paired, sampled and clustered otherwise. The order is that of a
    hash of each id, not of the ids themselves, so that ids numbered along the duplicates
    (``rec-12-org``, ``rec-12-dup-0``) do not put them side by side either."""
    ids = record_id.astype(str).to_numpy(dtype=object)
    order = np.argsort(pd.util.hash_array(ids, categorize=False), kind="stable")
    return None if (order == np.arange(len(order))).all() else order


def in_record_id_order(std: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray | None]:
    """``std`` (standardised records) in :func:`record_id_order`, and that order (None: already in it)."""
    order = record_id_order(std["record_id"])
    return (std, None) if order is None else (std.iloc[order].reset_index(drop=True), order)


def _kept_cluster_edges(kept_clusters: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """Edges joining each record with a kept cluster label to the first record of that label."""
    if kept_clusters is None:
        empty = np.array([], dtype=np.int64)
        return empty, empty
    labels = np.asarray(kept_clusters, dtype=np.int64)
    members = np.flatnonzero(labels >= 0)
    first = pd.Series(members).groupby(labels[members]).transform("first").to_numpy()
    others = members != first
    return first[others].astype(np.int64), members[others].astype(np.int64)


@dataclass(frozen=True)
class _ScoredPairs:
    """The candidate pairs (record positions) with their comparison levels and probabilities; the
    weights and term-frequency adjustments are kept only for the ``reported`` pairs (positions among
    the candidates), the ones the result lists."""

    left: np.ndarray
    right: np.ndarray
    levels: np.ndarray
    probability: np.ndarray
    reported: np.ndarray
    weight: np.ndarray
    adjustments: dict[int, np.ndarray]


def _score_in_chunks(
    cols: FrameColumns,
    left: np.ndarray,
    right: np.ndarray,
    levels: np.ndarray,
    params: ModelParameters,
    comparisons: tuple[Comparison, ...],
    min_reported_probability: float,
) -> _ScoredPairs:
    """Score the candidate pairs a chunk at a time, so that the per-pair weights and adjustments of
    millions of pairs never exist at once: only the probabilities of all pairs are kept, the rest for
    the pairs reaching ``min_reported_probability``."""
    probability = np.empty(len(left), dtype=np.float64)
    reported: list[np.ndarray] = []
    weights: list[np.ndarray] = []
    adjustments: dict[int, list[np.ndarray]] = {}
    for start in range(0, len(left), _CHUNK):
        stop = start + _CHUNK
        chunk_levels = levels[start:stop]
        adjust = tf_adjustments(
            cols,
            left[start:stop],
            right[start:stop],
            chunk_levels,
            params.u,
            comparisons,
            params.m,
            params.prior_weight,
        )
        weight, probability[start:stop] = score_levels(chunk_levels, params, adjust)
        keep = np.flatnonzero(probability[start:stop] >= min_reported_probability)
        reported.append(start + keep)
        weights.append(weight[keep])
        for j, values in adjust.items():
            adjustments.setdefault(j, []).append(values[keep])
    empty = np.array([], dtype=np.float64)
    return _ScoredPairs(
        left,
        right,
        levels,
        probability,
        np.concatenate(reported) if reported else np.array([], dtype=np.int64),
        np.concatenate(weights) if weights else empty,
        {j: np.concatenate(parts) for j, parts in adjustments.items()},
    )


def _entities_of(scored: _ScoredPairs, params: ModelParameters, cols: FrameColumns) -> np.ndarray:
    """Per record its cluster: the pairs ``scored`` at or above auto-merge joined under the hard rules
    (no steward decisions)."""
    sure = scored.probability >= params.thresholds.auto_merge
    return cluster_records(
        len(cols.frame),
        scored.left[sure],
        scored.right[sure],
        scored.probability[sure],
        cannot_link_codes(cols),
    ).cluster_index


def _explained_pairs(
    cols: FrameColumns,
    ids: np.ndarray,
    id_rank: np.ndarray,
    scored: _ScoredPairs,
    match_class: np.ndarray,
    cluster_index: np.ndarray,
    params: ModelParameters,
    comparisons: tuple[Comparison, ...],
    decisions: pd.DataFrame | None,
) -> pd.DataFrame:
    """The ``reported`` pairs, most probable first, pairs of one probability in the order of their records'
    ids, with explanation columns.

    The order is decided on the rounded probability and the ids' ranks alone, then every column is taken in
    that order once, so the frame is built a single time instead of being joined and sorted as a whole.
    """
    probability = np.round(scored.probability[scored.reported], 6)
    # A pair names its records in the order of their ids, whichever order blocking met them in.
    left, right = scored.left[scored.reported], scored.right[scored.reported]
    swap = id_rank[left] > id_rank[right]
    left, right = np.where(swap, right, left), np.where(swap, left, right)
    order = np.lexsort((id_rank[right], id_rank[left], -probability))
    keep, left, right = scored.reported[order], left[order], right[order]
    steward_decision = pair_decisions(decisions, ids[left], ids[right])
    match_class = match_class[keep]
    # A steward's decision is the pair's class from now on.
    match_class[steward_decision == "merge"] = "auto_merge"
    match_class[steward_decision == "not_a_match"] = "no_match"
    columns: dict[str, object] = {
        "left_record_id": ids[left],
        "right_record_id": ids[right],
        "match_weight": np.round(scored.weight[order], 3),
        "match_probability": probability[order],
        "match_class": match_class,
        "same_cluster": cluster_index[left] == cluster_index[right],
        "steward_decision": steward_decision,
    }
    explained = explanation_columns(
        cols,
        left,
        right,
        scored.levels[keep],
        params,
        comparisons,
        {j: adjust[order] for j, adjust in scored.adjustments.items()},
    )
    return pd.concat([pd.DataFrame(columns, copy=False), explained], axis=1)


def deduplicate(
    frame: pd.DataFrame,
    spec: DedupeSpec,
    progress: bool = True,
    params: ModelParameters | None = None,
    train: bool = True,
    labels: pd.DataFrame | None = None,
    pairs_min_probability: float = 0.5,
    decisions: pd.DataFrame | None = None,
    focus: np.ndarray | None = None,
    kept_clusters: np.ndarray | None = None,
) -> DedupeResult:
    """Find the records of ``frame`` that describe the same partner or customer.

    ``frame`` is either the raw input described by ``spec`` or a frame already returned by
    ``standardise_parties`` (recognised by its ``name_core`` column). ``params`` reuses a trained
    model (set ``train=False`` to score with it unchanged); ``labels`` are steward decisions
    (``left_record_id, right_record_id, is_match``) folded into the model. ``decisions``
    (``left_record_id, right_record_id, decision``) are hard constraints: ``merge`` joins the two
    records, ``not_a_match`` keeps them apart even through a chain (:mod:`mdm.steward_constraints`).

    ``focus`` (a mask per record) and ``kept_clusters`` (per record a cluster label, -1 for none) match
    incrementally: only candidate pairs with a focused record on at least one side are compared and
    scored, and records sharing a kept label stay joined (below a steward's merge, above any computed
    edge) unless a steward's ``not_a_match`` or a hard rule splits them (:mod:`mdm.incremental`).
    """
    timings: dict[str, float] = {}
    bar = tqdm(total=7, desc="deduplicating", unit="step", disable=not progress, leave=False)
    if STANDARDISED_MARKER in frame.columns:
        bar.update(1)
        std = frame.reset_index(drop=True)
    else:
        with _timed(timings, "standardise", bar):
            std = standardise_for_spec(frame, spec).reset_index(drop=True)
        log.info("standardised %s records in %.1f s", f"{len(std):,}", timings["standardise"])
    std = mark_person_names(std, spec.entity)
    # Every step below works in one order of the records, whatever order the file wrote them in.
    std, order = in_record_id_order(std)
    if order is not None:
        focus = None if focus is None else np.asarray(focus)[order]
        kept_clusters = None if kept_clusters is None else np.asarray(kept_clusters)[order]
    n = len(std)
    comparisons = comparisons_for(spec)
    if params is not None:
        check_fits(params, comparisons)

    cols = FrameColumns(std)
    with _timed(timings, "block", bar):
        candidates = candidate_pairs(std, spec, cols)
        if focus is not None:
            candidates = _focused(candidates, np.asarray(focus, dtype=bool))
    left, right = candidates.left, candidates.right
    report = candidates.report_frame()
    log.info(
        "blocking found %s candidate pairs among %s records (%s oversize blocks skipped) in %.1f s",
        f"{len(left):,}",
        f"{n:,}",
        f"{int(report['skipped_blocks'].sum()) if len(report) else 0:,}",
        timings["block"],
    )

    with _timed(timings, "compare", bar):
        levels = _compare_in_chunks(cols, left, right, comparisons, progress)

    with _timed(timings, "train", bar):
        if params is None:
            params = default_parameters(comparisons, spec.thresholds)
        else:
            params.thresholds = spec.thresholds
        if train:
            total_pairs = n * (n - 1) // 2
            random_left, random_right = random_pair_positions(n)
            random_levels = compare_pairs(cols, random_left, random_right, comparisons)
            bounds = exact_level_bounds(cols, random_left, random_right, comparisons)
            params = estimate_u_from_random_pairs(random_levels, params, comparisons, exact_bounds=bounds)
            params = estimate_m_by_em(levels, params, comparisons, total_pairs=total_pairs)
            holds_organisations = bool((std["party_kind"] == "organisation").any())
            # Both before EM runs again: the model that decides which random pairs are duplicates is
            # the one trained on u as random pairs showed it.
            left_out = leave_matches_out_of_u(
                random_levels,
                params,
                comparisons,
                total_pairs,
                holds_organisations=holds_organisations,
                exact_bounds=bounds,
            )
            discounted = discount_matches_from_u(
                params, comparisons, total_pairs, holds_organisations=holds_organisations
            )
            if left_out or discounted:
                params = estimate_m_by_em(levels, params, comparisons, total_pairs=total_pairs)
            if left_out:
                # A file dense with duplicates: the clusters of the model so far also say which random
                # pairs are one entity, through records between them that a single pair does not show.
                scored = _score_in_chunks(cols, left, right, levels, params, comparisons, np.inf)
                entities = _entities_of(scored, params, cols)
                if leave_matches_out_of_u(
                    random_levels,
                    params,
                    comparisons,
                    total_pairs,
                    holds_organisations=holds_organisations,
                    same_entity=entities[random_left] == entities[random_right],
                    exact_bounds=bounds,
                ):
                    params = estimate_m_by_em(levels, params, comparisons, total_pairs=total_pairs)
            # Where blocking offered every pair of a level, u is counted, not sampled (not where only a
            # focused part of the list was blocked).
            if focus is None and count_u_on_offered_levels(
                levels, random_levels, params, comparisons, total_pairs
            ):
                params = estimate_m_by_em(levels, params, comparisons, total_pairs=total_pairs)
            del random_levels
            if any(c.name == BIRTH_DATE_COMPARISON for c in comparisons):
                params = learn_name_and_birth_date(
                    levels,
                    candidates.offered_by({r.name for r in RULES if not r.reads_birth_date}),
                    params,
                    comparisons,
                )
                if "name_and_date_matches" in params.trained_on:
                    log.info(
                        "learned the name and the birth date over %s pairs the name offered: "
                        "about %s duplicates among them",
                        f"{params.trained_on['name_and_date_pairs']:,}",
                        f"{params.trained_on['name_and_date_matches']:,}",
                    )
        if labels is not None and len(labels):
            ll, lr, is_match = _label_positions(labels, std["record_id"])
            if len(ll):
                params = refine_with_labels(
                    compare_pairs(cols, ll, lr, comparisons), is_match, params, comparisons
                )
                log.info("folded in %s steward labels", f"{len(ll):,}")

    with _timed(timings, "score", bar):
        scored = _score_in_chunks(cols, left, right, levels, params, comparisons, pairs_min_probability)
        probability = scored.probability
        match_class = classify(probability, params.thresholds)
        # Two persons' records of one name and nothing else: a steward sees what the model saw, two
        # identical rows, and cannot tell a duplicate from a namesake either.
        review = np.flatnonzero(match_class == "needs_review")
        undecidable = review[one_name_alone(levels[review], comparisons)]
        match_class[undecidable] = "no_match"
        if len(undecidable):
            log.info(
                "%s pairs of records holding one person's name alike and nothing else were left apart, not "
                "listed for review (nothing in them tells a duplicate from a namesake); add a phone, address, "
                "birth date or identifier column to tell them apart",
                f"{len(undecidable):,}",
            )

    with _timed(timings, "cluster", bar):
        auto = match_class == "auto_merge"
        constraints = cannot_link_codes(cols)
        no_decisions = pd.DataFrame(columns=list(DECISION_COLUMNS))
        decided = decision_positions(decisions if decisions is not None else no_decisions, std["record_id"])
        constraints = with_cannot_links(constraints, decided.cannot_left, decided.cannot_right)
        # A steward's merge is an edge scored above any computed one, so it is joined first; a kept
        # cluster comes next.
        kept_left, kept_right = _kept_cluster_edges(kept_clusters)
        edge_left = np.r_[decided.must_left, kept_left, left[auto]]
        edge_right = np.r_[decided.must_right, kept_right, right[auto]]
        edge_score = np.r_[
            np.full(len(decided.must_left), 2.0), np.full(len(kept_left), 1.5), probability[auto]
        ]
        result = cluster_records(n, edge_left, edge_right, edge_score, constraints)
        kept_apart = result.cluster_index[decided.must_left] != result.cluster_index[decided.must_right]
        if kept_apart.any():
            log.warning(
                "%s steward merges break a hard rule (two valid USCCs, two regions, a branch and its "
                "head office, a person and a company, two numbers in the name) and were not applied",
                f"{int(kept_apart.sum()):,}",
            )
        if len(decided.missing):
            log.warning(
                "%s steward decisions name a record that is not in this input and were not applied: %s",
                f"{len(decided.missing):,}",
                "; ".join(
                    f"{r.left_record_id} / {r.right_record_id} ({r.decision})"
                    for r in decided.missing.head(20).itertuples()
                ),
            )
        id_rank = id_ranks(std["record_id"])
        clusters = assign_cluster_ids(
            std["record_id"], result.cluster_index, left, right, probability, id_rank
        )
        if order is not None:  # back in the input's order
            clusters = clusters.iloc[np.argsort(order)].reset_index(drop=True)
        # An auto-merge pair the constraints kept apart goes to a steward instead.
        split = auto & (result.cluster_index[left] != result.cluster_index[right])
        match_class[split] = "needs_review"
    log.info(
        "%s pairs auto-merged, %s for review; %s records in %s clusters (%s merges refused by constraints)",
        f"{int((match_class == 'auto_merge').sum()):,}",
        f"{int((match_class == 'needs_review').sum()):,}",
        f"{n:,}",
        f"{clusters['cluster_id'].nunique():,}",
        f"{result.refused_merges:,}",
    )

    # Only the explanations are left to build from the columns: they need the values they show,
    # nothing else derived (forgotten before the completeness estimate needs its own memory).
    cols.keep_only_values(display_column(c) for c in comparisons)
    shares, completeness = candidates.completeness(
        probability >= params.thresholds.auto_merge, result.cluster_index
    )
    report["confident_pairs_found"] = shares.to_numpy().round(4)
    log.info(
        "blocking offered at most %s of the duplicate pairs (the pairs inside the clusters it offered; %s rules)",
        "n/a" if np.isnan(completeness) else f"{completeness:.1%}",
        int((report["pairs"] > 0).sum()),
    )

    del candidates
    with _timed(timings, "explain", bar):
        pairs = _explained_pairs(
            cols,
            std["record_id"].astype(str).to_numpy(),
            id_rank,
            scored,
            match_class,
            result.cluster_index,
            params,
            comparisons,
            decisions,
        )
    bar.close()
    return DedupeResult(
        clusters=clusters,
        pairs=pairs,
        blocking_report=report,
        model_params=params,
        timings=timings,
        refused_merges=result.refused_merges,
        candidate_pairs=len(left),
        steward_decisions_missing=decided.missing,
        pair_completeness=completeness,
    )
