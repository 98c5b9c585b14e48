from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from mdm.comparators import (
    BIRTH_DATE,
    Comparison,
    ComparisonLevel,
    FrameColumns,
    compare_pairs,
    exact_comparison,
)
from mdm.model import (
    ModelParameters,
    Thresholds,
    classify,
    count_u_on_offered_levels,
    default_parameters,
    discount_matches_from_u,
    estimate_m_by_em,
    estimate_u_from_random_pairs,
    exact_level_bounds,
    leave_matches_out_of_u,
    max_prior,
    one_name_alone,
    random_pair_levels,
    random_pair_positions,
    refine_with_labels,
    score_levels,
)

TRUE_M = [np.array([0.8, 0.15, 0.05]), np.array([0.7, 0.3]), np.array([0.6, 0.3, 0.1])]
TRUE_U = [np.array([0.02, 0.08, 0.9]), np.array([0.1, 0.9]), np.array([0.05, 0.15, 0.8])]


def _comparisons() -> tuple[Comparison, ...]:
    # Start EM far from the truth: defaults say every level is equally likely among matches.
    out = []
    for j, (m, u) in enumerate(zip(TRUE_M, TRUE_U, strict=True)):
        levels = tuple(ComparisonLevel(f"l{k}", 1 / len(m), float(u[k])) for k in range(len(m)))
        out.append(Comparison(f"f{j}", (f"f{j}",), levels, compute=lambda *a: None))
    return tuple(out)


def _mixture(n: int, share: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    is_match = rng.random(n) < share
    levels = np.zeros((n, len(TRUE_M)), dtype=np.int8)
    for j, (m, u) in enumerate(zip(TRUE_M, TRUE_U, strict=True)):
        draw_m = rng.choice(len(m), n, p=m) + 1
        draw_u = rng.choice(len(u), n, p=u) + 1
        levels[:, j] = np.where(is_match, draw_m, draw_u)
        # Some values missing at random: they must not move the estimate.
        levels[rng.random(n) < 0.1, j] = 0
    return levels, is_match


def test_em_recovers_m_and_match_share_on_a_synthetic_mixture():
    rng = np.random.default_rng(7)
    comparisons = _comparisons()
    levels, is_match = _mixture(50_000, 0.25, rng)
    params = default_parameters(comparisons)
    params = estimate_m_by_em(
        levels,
        params,
        comparisons,
        total_pairs=100_000_000,
        prior_strength=1.0,
        max_iterations=200,
        tolerance=1e-7,
    )
    for j, c in enumerate(comparisons):
        assert np.allclose(params.m[c.name], TRUE_M[j], atol=0.02), (c.name, params.m[c.name])
    assert params.trained_on["expected_matches"] == pytest.approx(is_match.sum(), rel=0.03)
    assert params.prior_match_probability == pytest.approx(is_match.sum() / 100_000_000, rel=0.03)


def test_fixed_levels_keep_their_defaults():
    fixed = Comparison(
        "uscc",
        ("uscc",),
        (ComparisonLevel("same", 0.9, 0.01), ComparisonLevel("different_valid", 0.001, 0.99, fixed=True)),
        compute=lambda *a: None,
    )
    levels = np.array([[2]] * 50 + [[1]] * 50, dtype=np.int8)
    params = estimate_m_by_em(levels, default_parameters((fixed,)), (fixed,), prior_strength=1.0)
    assert params.m["uscc"][1] == 0.001


def test_a_comparison_em_does_not_see_keeps_its_defaults_and_moves_nothing_else():
    """EM leaves a comparison marked ``seen_by_em=False`` out: every other m and the prior are those of
    EM without it, and its own m stays at the defaults; it still weighs when pairs are scored."""
    rng = np.random.default_rng(7)
    comparisons = _comparisons()
    levels, is_match = _mixture(20_000, 0.25, rng)
    without = estimate_m_by_em(levels, default_parameters(comparisons), comparisons, total_pairs=10**8)
    unseen = replace(comparisons[0], name="area", seen_by_em=False)
    extra = np.where(is_match, 1, 2).astype(np.int8)[:, None]  # would teach EM a strong field
    with_it = estimate_m_by_em(
        np.hstack([levels, extra]),
        default_parameters((*comparisons, unseen)),
        (*comparisons, unseen),
        total_pairs=10**8,
    )
    for c in comparisons:
        assert with_it.m[c.name] == pytest.approx(without.m[c.name])
    assert with_it.prior_match_probability == pytest.approx(without.prior_match_probability)
    assert with_it.m["area"] == pytest.approx([lv.m for lv in unseen.levels])
    weight, _ = score_levels(np.array([[0, 0, 0, 1], [0, 0, 0, 3]], dtype=np.int8), with_it)
    assert weight[0] != weight[1]


def test_parameters_round_trip_through_json(tmp_path):
    params = default_parameters()
    params.thresholds = Thresholds(0.9, 0.6)
    params.prior_match_probability = 3e-6
    params.save(tmp_path / "model.json")
    again = ModelParameters.load(tmp_path / "model.json")
    assert again == params
    levels = np.array([[1] * len(params.comparisons)], dtype=np.int8)
    assert score_levels(levels, again)[0] == pytest.approx(score_levels(levels, params)[0])


def test_match_weight_is_prior_plus_field_weights():
    params = default_parameters()
    levels = np.zeros((1, len(params.comparisons)), dtype=np.int8)
    levels[0, 0] = 1
    weight, probability = score_levels(levels, params)
    expected = params.prior_weight + np.log2(params.m["company_name"][0] / params.u["company_name"][0])
    assert weight[0] == pytest.approx(expected)
    assert probability[0] == pytest.approx(2**expected / (1 + 2**expected))


def test_classify_uses_both_thresholds():
    got = classify(np.array([0.99, 0.95, 0.8, 0.7, 0.2]), Thresholds(0.95, 0.7))
    assert got.tolist() == ["auto_merge", "auto_merge", "needs_review", "needs_review", "no_match"]


def test_steward_labels_move_m_towards_what_stewards_saw():
    comparisons = _comparisons()
    params = default_parameters(comparisons)
    before = params.m["f0"][2]
    levels = np.array([[3, 1, 1]] * 200, dtype=np.int8)
    params = refine_with_labels(levels, np.ones(200, dtype=bool), params, comparisons)
    assert params.m["f0"][2] > before + 0.3
    assert params.trained_on["labelled_pairs"] == 200


def test_distinct_patterns_match_numpy_unique():
    from mdm.model import distinct_patterns

    levels = np.random.default_rng(3).integers(0, 6, size=(5_000, 12)).astype(np.int8)
    levels[:2000] = levels[0]
    patterns, counts = distinct_patterns(levels)
    expected, expected_counts = np.unique(levels, axis=0, return_counts=True)
    assert np.array_equal(patterns, expected) and np.array_equal(counts, expected_counts)


def _level_comparison(name: str, levels: list[tuple[str, float, float]]) -> Comparison:
    return Comparison(
        name,
        (name,),
        tuple(ComparisonLevel(label, m, u) for label, m, u in levels),
        compute=lambda *a: None,
        m_from_several_fields=True,
        u_without_matches=True,
    )


def _draw(rng: np.random.Generator, n: int, shares: list[list[float]]) -> np.ndarray:
    """``n`` comparison vectors, each comparison's level drawn with its ``shares``."""
    return np.column_stack([rng.choice(len(p), n, p=p) + 1 for p in shares]).astype(np.int8)


def test_em_does_not_take_pairs_of_one_similar_field_for_matches_on_a_rich_file():
    # 5,000 duplicates among 30,000 blocked non-matches, a quarter of which have a somewhat similar
    # name and differ in everything else (namesakes blocked by name).
    comparisons = (
        _level_comparison(
            "name", [("exact", 0.6, 0.0001), ("somewhat", 0.1, 0.0006), ("different", 0.3, 0.9993)]
        ),
        _level_comparison("birth_date", [("exact", 0.9, 0.0001), ("different", 0.1, 0.9999)]),
        _level_comparison("national_id", [("exact", 0.85, 0.0001), ("different", 0.15, 0.9999)]),
        _level_comparison("address", [("exact", 0.7, 0.0001), ("different", 0.3, 0.9999)]),
    )
    rng = np.random.default_rng(1)

    duplicates = _draw(rng, 5_000, [[0.85, 0.02, 0.13], [0.95, 0.05], [0.95, 0.05], [0.85, 0.15]])
    namesakes = _draw(rng, 30_000, [[0.02, 0.25, 0.73], [0.04, 0.96], [0.0, 1.0], [0.0, 1.0]])
    params = estimate_m_by_em(
        np.r_[duplicates, namesakes], default_parameters(comparisons), comparisons, total_pairs=50_000_000
    )
    assert params.trained_on["expected_matches"] < 7_000
    assert params.m["national_id"][1] < 0.15 and params.m["birth_date"][1] < 0.1
    assert params.m["name"][1] < 0.05
    # A namesake at the same address with another birth date and national id is no match.
    _, probability = score_levels(np.array([[2, 2, 2, 1]], dtype=np.int8), params)
    assert probability[0] < params.thresholds.review


def test_a_city_or_a_category_shared_by_a_chain_does_not_vouch_for_its_branches():
    # 1,000 restaurants written twice; 6,000 blocked pairs of one chain's branches: a similar name,
    # the chain's city and category, another phone and address.
    comparisons = (
        _level_comparison("name", [("close", 0.9, 0.001), ("different", 0.1, 0.999)]),
        _level_comparison("phone", [("exact", 0.7, 0.0004), ("different", 0.3, 0.9996)]),
        _level_comparison("address", [("exact", 0.7, 0.0003), ("different", 0.3, 0.9997)]),
        _level_comparison("city", [("same", 0.6, 0.15), ("different", 0.4, 0.85)]),
        _level_comparison("category", [("same", 0.9, 0.07), ("different", 0.1, 0.93)]),
    )
    rng = np.random.default_rng(2)

    duplicates = _draw(rng, 1_000, [[0.95, 0.05], [0.97, 0.03], [0.7, 0.3], [0.55, 0.45], [0.2, 0.8]])
    branches = _draw(rng, 6_000, [[1.0, 0.0], [0.0, 1.0], [0.0, 1.0], [0.9, 0.1], [0.7, 0.3]])
    params = estimate_m_by_em(
        np.r_[duplicates, branches], default_parameters(comparisons), comparisons, total_pairs=400_000
    )
    assert params.m["phone"][1] < 0.15 and params.m["address"][1] < 0.4
    _, probability = score_levels(np.array([[1, 2, 2, 1, 1]], dtype=np.int8), params)
    assert probability[0] < params.thresholds.review


def test_a_pair_that_cannot_hold_two_witnesses_still_teaches_its_phone():
    # Customers: a company's or a person's name in one column, and a phone. A pair knows one of the
    # two names, never both, so no pair can have two fields agree besides its phone.
    comparisons = (
        _level_comparison("company_name", [("close", 0.9, 0.001), ("different", 0.1, 0.999)]),
        _level_comparison("person_name", [("close", 0.9, 0.001), ("different", 0.1, 0.999)]),
        _level_comparison("phone", [("exact", 0.3, 0.0004), ("different", 0.7, 0.9996)]),
    )
    rng = np.random.default_rng(4)
    n = 4_000
    is_match = rng.random(n) < 0.5
    levels = np.zeros((n, 3), dtype=np.int8)
    person = rng.random(n) < 0.5
    name = np.where(rng.random(n) < np.where(is_match, 0.95, 0.3), 1, 2)
    levels[:, 0] = np.where(person, 0, name)
    levels[:, 1] = np.where(person, name, 0)
    levels[:, 2] = np.where(is_match, np.where(rng.random(n) < 0.9, 1, 2), 2)
    params = estimate_m_by_em(levels, default_parameters(comparisons), comparisons, total_pairs=10_000_000)
    assert params.m["phone"][0] > 0.6  # learned from the pairs, not left at its default of 0.3


def test_matches_among_random_pairs_are_taken_out_of_u_once_the_prior_is_learned():
    national_id = _level_comparison("national_id", [("exact", 0.9, 0.0001), ("different", 0.1, 0.9999)])
    params = default_parameters((national_id,))
    params.trained_on["random_pairs"] = 150_000
    params.prior_match_probability = 1e-4  # nearly every random pair on one national id is a duplicate
    assert discount_matches_from_u(params, (national_id,), total_pairs=50_000_000)
    assert params.u["national_id"][0] == pytest.approx(1e-5, rel=0.01)  # 1e-4 less 0.9 · 1e-4
    assert sum(params.u["national_id"]) == pytest.approx(1.0)


def test_a_prior_at_its_bound_leaves_u_as_random_pairs_showed():
    national_id = _level_comparison("national_id", [("exact", 0.9, 0.0001), ("different", 0.1, 0.9999)])
    params = default_parameters((national_id,))
    params.trained_on["random_pairs"] = 150_000
    params.prior_match_probability = max_prior(50_000_000)
    assert not discount_matches_from_u(params, (national_id,), total_pairs=50_000_000)
    assert params.u["national_id"] == [0.0001, 0.9999]


def test_an_address_keeps_its_random_pair_u_on_a_list_that_holds_organisations():
    # Sister companies share an address without being one: on a list of organisations a shared
    # address must not weigh more than random pairs show, while a national id still does.
    national_id = _level_comparison("national_id", [("exact", 0.9, 0.0001), ("different", 0.1, 0.9999)])
    levels = (("exact", 0.7, 0.001), ("different", 0.3, 0.999))
    address = replace(
        _level_comparison("address", list(levels)),
        u_without_matches=True,
        shared_by_related_organisations=True,
    )

    def discounted(holds_organisations: bool) -> dict[str, list[float]]:
        params = default_parameters((national_id, address))
        params.trained_on["random_pairs"] = 150_000
        params.prior_match_probability = 1e-4
        assert discount_matches_from_u(
            params, (national_id, address), total_pairs=50_000_000, holds_organisations=holds_organisations
        )
        return params.u

    persons, organisations = discounted(False), discounted(True)
    assert persons["address"][0] < 0.001  # the duplicates among random pairs taken out
    assert organisations["address"] == [0.001, 0.999]
    assert organisations["national_id"] == persons["national_id"]
    assert organisations["national_id"][0] < 0.0001


def _records_written_four_times(n_persons: int, columns: tuple[str, ...]) -> pd.DataFrame:
    """Each person four times with the same value in every column (one value per person)."""
    person = np.repeat(np.arange(n_persons), 4)
    return pd.DataFrame({column: [f"{column}-{k}" for k in person] for column in columns})


def _trained_at_the_bound(frame: pd.DataFrame, comparisons: tuple[Comparison, ...]) -> ModelParameters:
    n = len(frame)
    params = estimate_u_from_random_pairs(
        random_pair_levels(frame, comparisons), default_parameters(comparisons), comparisons
    )
    params.prior_match_probability = max_prior(n * (n - 1) // 2)
    return params


def test_duplicates_among_random_pairs_leave_u_where_the_prior_sits_at_its_bound():
    # 200 persons, four records each: one random pair in 266 is one person, so the u of an exact
    # name and birth date read off random pairs is mostly those duplicates.
    frame = _records_written_four_times(200, ("name", "birth_date"))
    comparisons = (exact_comparison("name"), replace(exact_comparison("birth_date"), u_without_matches=True))
    params = _trained_at_the_bound(frame, comparisons)
    before = {c.name: params.u[c.name][0] for c in comparisons}
    n = len(frame)
    assert leave_matches_out_of_u(
        random_pair_levels(frame, comparisons), params, comparisons, n * (n - 1) // 2
    )
    for c in comparisons:
        assert params.u[c.name][0] < before[c.name] / 4
        assert sum(params.u[c.name]) == pytest.approx(1.0)


def test_a_name_alone_never_leaves_u_however_probable_the_pair():
    # On a list of names alone two records of one name may be namesakes: no second field vouches.
    frame = _records_written_four_times(200, ("name",))
    comparisons = (exact_comparison("name"),)
    params = _trained_at_the_bound(frame, comparisons)
    before = list(params.u["exact:name"])
    n = len(frame)
    leave_matches_out_of_u(random_pair_levels(frame, comparisons), params, comparisons, n * (n - 1) // 2)
    assert params.u["exact:name"] == pytest.approx(before)


def test_random_pairs_the_models_clusters_hold_leave_u_though_one_field_alone_agrees():
    # Each person's four records share a birth date and nothing else: no random pair has a second
    # field to vouch for it, but the clusters the model found say which pairs are one person.
    frame = _records_written_four_times(200, ("birth_date",))
    frame["name"] = [f"name-{k}" for k in range(len(frame))]
    comparisons = (exact_comparison("name"), replace(exact_comparison("birth_date"), u_without_matches=True))
    params = _trained_at_the_bound(frame, comparisons)
    before = params.u["exact:birth_date"][0]
    n = len(frame)
    levels = random_pair_levels(frame, comparisons)
    assert not leave_matches_out_of_u(levels, params, comparisons, n * (n - 1) // 2)
    left, right = random_pair_positions(n)
    person = np.repeat(np.arange(200), 4)
    assert leave_matches_out_of_u(
        levels, params, comparisons, n * (n - 1) // 2, same_entity=person[left] == person[right]
    )
    assert params.u["exact:birth_date"][0] < before / 4
    assert sum(params.u["exact:birth_date"]) == pytest.approx(1.0)


def test_a_prior_learned_below_its_bound_leaves_u_to_the_discount():
    frame = _records_written_four_times(200, ("name", "birth_date"))
    comparisons = (exact_comparison("name"), exact_comparison("birth_date"))
    params = _trained_at_the_bound(frame, comparisons)
    params.prior_match_probability /= 10
    before = {c.name: list(params.u[c.name]) for c in comparisons}
    n = len(frame)
    assert not leave_matches_out_of_u(
        random_pair_levels(frame, comparisons), params, comparisons, n * (n - 1) // 2
    )
    assert {c.name: params.u[c.name] for c in comparisons} == before


def test_an_m_over_its_bound_gives_its_excess_to_levels_below_theirs_and_no_level_passes_its_own():
    from mdm.model import bounded_m

    levels = (
        ComparisonLevel("exact", 0.5, 0.001),
        ComparisonLevel("close", 0.2, 0.01),
        ComparisonLevel("somewhat", 0.1, 0.05, max_m=0.1),
        ComparisonLevel("different", 0.2, 0.9, max_m=0.1),
    )
    comparison = Comparison("name", ("name",), levels, lambda cols, left, right: left)
    m = bounded_m(np.array([0.1, 0.1, 0.09, 0.71]), comparison)
    assert m[2] <= 0.1 + 1e-12 and m[3] <= 0.1 + 1e-12
    assert abs(m.sum() - 1.0) < 1e-12
    assert m[0] == m[1]  # the excess went to the free levels in proportion to their m


def test_one_name_alone_is_two_records_of_one_name_holding_nothing_else():
    from mdm.comparators import ADDRESS, CONTACT, NAME, PARTY_KIND, PERSON_NAME

    comparisons = (PERSON_NAME, ADDRESS, PARTY_KIND, NAME, CONTACT)
    shared = CONTACT.level_code("shared_contact")
    levels = np.array(
        [
            [1, 0, 1, 0, 0],  # 王芳 / 王芳 and nothing else known
            [2, 0, 1, 0, 0],  # 王芳 / 王方: the names differ, a steward may judge the spelling
            [1, 1, 1, 0, 0],  # one name and one address: the address speaks too
            [1, 5, 1, 0, 0],  # one name, two addresses: a difference to show
            [0, 1, 0, 0, 0],  # no name known at all
            [0, 0, 1, 1, 0],  # one registered company name: registered once, not a namesake's
            [1, 0, 1, 0, shared],  # one name and a phone a hundred names write: as good as none
        ],
        dtype=np.int8,
    )
    assert one_name_alone(levels, comparisons).tolist() == [True, False, False, False, False, False, True]


def test_one_part_of_a_name_the_same_weighs_against_a_match_where_duplicates_seldom_show_it():
    from mdm.comparators import BIRTH_DATE, PERSON_NAME

    params = default_parameters((PERSON_NAME, BIRTH_DATE))
    one_part = PERSON_NAME.level_code("one_part_same")
    params.m["person_name"][one_part - 1] = 0.002  # learned: duplicates keep both parts
    assert params.weight_tables()[0][one_part] < 0
    # A date one part apart is a slip of an agreeing date: it never argues against a match.
    apart = BIRTH_DATE.level_code("one_part_apart")
    params.m["birth_date"][apart - 1] = 1e-4
    assert params.weight_tables()[1][apart] == 0


def _dated_people(n_persons: int, records_each: int, seed: int = 3) -> pd.DataFrame:
    """People born on random days of sixty years, each written ``records_each`` times with one date."""
    rng = np.random.default_rng(seed)
    days = pd.Timestamp("1940-01-01") + pd.to_timedelta(rng.integers(0, 60 * 365, n_persons), unit="D")
    dates = np.repeat(days.strftime("%Y-%m-%d").to_numpy(), records_each)
    return pd.DataFrame({"birth_date": dates})


TWO_PEOPLE_SHARE_A_DAY = 1 / (60 * 365)
"""The chance two different people of :func:`_dated_people` share a birth date."""


def _u_plain_and_bounded(frame: pd.DataFrame) -> tuple[list[float], list[float], dict[str, float]]:
    """u of the birth date as random pairs show it, and with its exact level bounded by its parts."""
    comparisons = (BIRTH_DATE,)
    cols = FrameColumns(frame)
    left, right = random_pair_positions(len(frame))
    levels = compare_pairs(cols, left, right, comparisons)
    plain = estimate_u_from_random_pairs(levels, default_parameters(comparisons), comparisons)
    bounds = exact_level_bounds(cols, left, right, comparisons)
    bounded = estimate_u_from_random_pairs(
        levels, default_parameters(comparisons), comparisons, exact_bounds=bounds
    )
    return plain.u["birth_date"], bounded.u["birth_date"], bounds


def test_u_of_an_exact_birth_date_is_read_off_its_parts_where_duplicates_fill_the_random_pairs():
    # One random pair in 300 is one person, sharing the whole date.
    plain, bounded, bounds = _u_plain_and_bounded(_dated_people(300, 4))
    assert plain[0] > 20 * TWO_PEOPLE_SHARE_A_DAY  # what random pairs show: mostly duplicates
    assert bounded[0] == bounds["birth_date"] < 4 * TWO_PEOPLE_SHARE_A_DAY
    assert sum(bounded) == pytest.approx(1.0)


def test_a_list_of_one_record_per_person_keeps_the_u_random_pairs_show():
    plain, bounded, _ = _u_plain_and_bounded(_dated_people(1200, 1))
    # Parts of different people's dates agree independently: the bound lands on the truth, as the
    # random pairs do.
    assert bounded[0] == pytest.approx(TWO_PEOPLE_SHARE_A_DAY, rel=0.3)
    assert bounded[0] == pytest.approx(plain[0], rel=0.3)
    assert bounded[1:-1] == plain[1:-1]


def test_too_few_dated_pairs_set_no_bound():
    frame = pd.DataFrame({"birth_date": ["1980-01-02", "1980-01-02", "1975-05-06", None]})
    cols = FrameColumns(frame)
    left, right = random_pair_positions(len(frame))
    assert exact_level_bounds(cols, left, right, (BIRTH_DATE,)) == {}


def test_u_of_a_level_blocking_offers_in_full_is_counted_off_the_pairs_taken_for_two_entities():
    """A number two random records share turns up a handful of times among the random pairs, most of them one
    customer's: counted off the candidate pairs sharing a number, u is the non-matches among them, whatever
    the random pairs happened to hold."""
    name = _level_comparison("name", [("exact", 0.9, 0.001), ("different", 0.02, 0.999)])
    phone = replace(
        _level_comparison("phone", [("exact", 0.8, 0.0001), ("different", 0.2, 0.9999)]),
        counted_levels=("exact",),
    )
    comparisons = (name, phone)
    # Candidate pairs sharing a number: 300 duplicates (names alike), 20 sister companies (names apart).
    levels = np.array([[1, 1]] * 300 + [[2, 1]] * 20 + [[1, 2]] * 50, dtype=np.int8)
    total_pairs = 10_000_000
    counted = []
    for shared_in_the_draw in (0, 4):  # two draws of random pairs, the phone known on half of each
        random_levels = np.array([[2, 2]] * (50_000 - shared_in_the_draw) + [[1, 1]] * shared_in_the_draw)
        random_levels = np.r_[random_levels, np.array([[2, 0]] * 50_000)].astype(np.int8)
        params = default_parameters(comparisons)
        params.prior_match_probability = 1e-4
        params.u["phone"] = [max(shared_in_the_draw, 0.5) / 50_000, 1 - max(shared_in_the_draw, 0.5) / 50_000]
        assert count_u_on_offered_levels(levels, random_levels, params, comparisons, total_pairs)
        counted.append(params.u["phone"][0])
        assert sum(params.u["phone"]) == pytest.approx(1.0)
    assert counted[0] == pytest.approx(counted[1], rel=0.15)  # the draw (8 times apart) no longer decides

    # About the 20 sisters (and little of the duplicates) among the 5,000,000 pairs where the phone is known,
    # shrunk towards the level's default as random pairs are (2,000 pseudo-pairs beside 50,000 sampled).
    def shrunk(share: float) -> float:
        return (share * 50_000 + 2_000 * 0.0001) / 52_000

    assert shrunk(15 / 5_000_000) < counted[0] < shrunk(30 / 5_000_000)


def test_nothing_is_counted_where_no_level_is_offered_in_full_or_the_field_is_never_known():
    phone = replace(
        _level_comparison("phone", [("exact", 0.8, 0.0001), ("different", 0.2, 0.9999)]),
        counted_levels=("exact",),
    )
    plain = _level_comparison("phone", [("exact", 0.8, 0.0001), ("different", 0.2, 0.9999)])
    levels = np.array([[1]] * 10, dtype=np.int8)
    unknown = np.zeros((1_000, 1), dtype=np.int8)
    params = default_parameters((phone,))
    assert not count_u_on_offered_levels(levels, unknown, params, (phone,), 10_000)
    assert not count_u_on_offered_levels(levels, unknown + 2, default_parameters((plain,)), (plain,), 10_000)
