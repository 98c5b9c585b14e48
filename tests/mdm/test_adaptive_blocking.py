from __future__ import annotations

import numpy as np
import pandas as pd

from mdm.adaptive_blocking import ADAPTIVE_RULES, rare_text_token_keys
from mdm.blocking import DEFAULT_RULES, CandidatePairs, block
from mdm.dedupe import deduplicate, standardise_for_spec
from mdm.spec import parse_spec


def test_rare_shared_tokens_pair_records_without_an_exact_name_or_prefix():
    frame = pd.DataFrame(
        {
            "name_core": ["WESTBROOK JAKE", "WESTBRKOK JAKE", "SMITH JOHN", "SMITH JANE", "SMITH JOE"],
            "address_detail": ["15 BOOROONDARA STREET", "231 BOOROONDARA STREET", None, None, None],
        }
    )
    keys = rare_text_token_keys(frame)
    shared = keys.groupby("key")["row"].apply(set)
    assert {0, 1} in shared.tolist()  # the street name, though both names differ
    # A token held by one record alone pairs nothing and is not spent from the budget.
    assert keys.groupby("row").size().max() <= 3


def test_candidates_per_record_stay_bounded_as_blocks_grow():
    n = 3000
    frame = pd.DataFrame({"name_core": [f"ACME TRADING {i}" for i in range(n)], "address_detail": None})
    candidates = block(frame, rules=DEFAULT_RULES + ADAPTIVE_RULES)
    assert len(candidates) < 20 * n


def test_blocking_report_carries_an_estimate_of_pair_completeness():
    spec = parse_spec({"record_id": "id", "columns": {"company_name": "name", "phone": "phone"}})
    names = [f"{a}{b}贸易有限公司" for a in "甲乙丙丁戊己" for b in "子丑寅卯辰巳"]
    rows = [(f"R{i:02d}", name, f"1380000{i:04d}") for i, name in enumerate(names)]
    rows += [(f"D{i:02d}", names[i], f"1380000{i:04d}") for i in range(10)]  # exact duplicates
    frame = pd.DataFrame(rows, columns=["id", "name", "phone"])
    result = deduplicate(frame, spec, progress=False)
    report = result.blocking_report.set_index("rule")
    assert report.loc["phone", "confident_pairs_found"] == 1.0
    assert 0.99 <= result.pair_completeness <= 1.0
    assert np.isnan(report["confident_pairs_found"]).sum() == 0


def test_standardise_keeps_every_row_with_new_roles():
    spec = parse_spec(
        {
            "record_id": "id",
            "columns": {"company_name": "name", "tax_id": ["vat", "ein"], "categorical": ["sector"]},
        }
    )
    frame = pd.DataFrame(
        {
            "id": ["1", "2"],
            "name": ["A Ltd", None],
            "vat": ["GB 123", None],
            "ein": [None, "99-1"],
            "sector": ["x", ""],
        }
    )
    std = standardise_for_spec(frame, spec)
    assert len(std) == 2
    assert std["tax_id"].tolist() == ["GB123", "991"]
    assert std["input:sector"].isna().tolist() == [False, True]


def test_a_record_no_rule_pairs_meets_a_rich_record_that_shares_its_rare_word():
    # Two rich records already paired by their phone; a thin one with only a misspelt name
    # shares the rare street word with one of them and nothing that the other rules key on.
    frame = pd.DataFrame(
        {
            "name_core": ["WESTBROOK TRADING", "WESTBROOK TRADING", "WSTBRK", "OTHER NAME"],
            "phone_e164": ["+441134960000", "+441134960000", None, None],
            "address_detail": [
                "15 BOOROONDARA STREET",
                "15 BOOROONDARA STREET",
                "BOOROONDARA ST",
                "1 HIGH ST",
            ],
        }
    )
    candidates = block(frame, rules=DEFAULT_RULES + ADAPTIVE_RULES)
    pairs = set(zip(candidates.left.tolist(), candidates.right.tolist(), strict=True))
    assert (0, 1) in pairs  # the phone
    assert {(0, 2), (1, 2)} & pairs  # the thin record found through BOOROONDARA
    report = candidates.report_frame().set_index("rule")
    assert report.loc["rare_text_tokens", "pairs"] >= 1


def test_a_person_whose_name_parts_swap_columns_or_who_moved_still_meets_their_duplicate():
    spec = parse_spec(
        {
            "record_id": "id",
            "entity": "person",
            "columns": {"given_name": "given", "family_name": "family", "birth_date": "dob", "city": "city"},
        }
    )
    dates = ["19430807", "19871128", "19750331", "19840225"]
    frame = pd.DataFrame(
        {
            "id": ["A", "B", "C", "D", "E", "F", "G", "H"],
            "given": ["RUBY", "VINCENT", "FREDDIE", "FREDDIE", "ANNA", "OSCAR", "MIA", "LEO"],
            "family": ["VINCENT", "RUBY", "GREGORY", "GREGORY", "BERG", "WILDE", "ROSS", "KANE"],
            # Each record meets a stranger born the same day, so no record is left for the rare-word rule.
            "dob": dates + dates,
            "city": ["CORRIMAL", "ELIZABETH VALE", "LONDON", "LEEDS"] * 2,
        }
    )
    std = standardise_for_spec(frame, spec)
    candidates = block(std, rules=DEFAULT_RULES + ADAPTIVE_RULES)
    pairs = set(zip(candidates.left.tolist(), candidates.right.tolist(), strict=True))
    assert (0, 1) in pairs  # given and family name written in each other's columns
    assert (2, 3) in pairs  # one full name, another city and birth date


def test_a_chinese_name_in_one_column_is_not_blocked_on_the_name_alone():
    from mdm.adaptive_blocking import person_name_keys

    spec = parse_spec({"record_id": "id", "entity": "person", "columns": {"person_name": "name"}})
    std = standardise_for_spec(pd.DataFrame({"id": ["1", "2"], "name": ["张伟", "张伟"]}), spec)
    assert person_name_keys(std).empty


def _person_blocks(columns: dict[str, str], rows: dict[str, list]) -> CandidatePairs:
    spec = parse_spec({"record_id": "id", "entity": "person", "columns": columns})
    return block(standardise_for_spec(pd.DataFrame(rows), spec), rules=DEFAULT_RULES + ADAPTIVE_RULES)


def _person_candidates(columns: dict[str, str], rows: dict[str, list]) -> set[tuple[int, int]]:
    candidates = _person_blocks(columns, rows)
    return set(zip(candidates.left.tolist(), candidates.right.tolist(), strict=True))


def test_a_person_missing_a_name_part_meets_their_duplicate_born_the_same_year():
    pairs = _person_candidates(
        {"given_name": "given", "family_name": "family", "birth_date": "dob"},
        {
            "id": ["A", "B", "C", "D"],
            "given": ["FREYA", "FREYJA", "OSCAR", "MIA"],
            "family": ["SHAH", "", "WILDE", "ROSS"],
            # The day and the given name mistyped: no name and no date in common. Each meets a stranger born the
            # same day, so no record is left for the rare-word rule.
            "dob": ["1970-12-16", "1970-12-17", "1970-12-16", "1970-12-17"],
        },
    )
    assert (0, 1) in pairs


def test_a_person_with_both_name_parts_misspelt_meets_their_duplicate_in_the_same_town():
    pairs = _person_candidates(
        {"given_name": "given", "family_name": "family", "city": "city"},
        {
            "id": ["A", "B", "C"],
            "given": ["AMELIA", "AMELIS", "OSCAR"],
            "family": ["STURCK", "TSURCK", "WILDE"],
            "city": ["GLASGOW", "GLASGOW", "GLASGOW"],
        },
    )
    assert (0, 1) in pairs
    assert not {(0, 2), (1, 2)} & pairs


def test_a_person_written_with_one_name_meets_their_duplicate_at_the_same_postcode():
    from mdm.adaptive_blocking import name_part_postcode_keys, one_name_part

    spec = parse_spec(
        {
            "record_id": "id",
            "entity": "person",
            "columns": {"given_name": "given", "family_name": "family", "postcode": "postcode"},
        }
    )
    frame = pd.DataFrame(
        {
            "id": ["A", "B", "C"],
            "given": ["ADAM", "", "HANNAH"],
            "family": ["COLEMAN", "COLEMEN", "PRICE"],
            "postcode": ["2795", "2795", "2795"],
        }
    )
    std = standardise_for_spec(frame, spec)
    shared = name_part_postcode_keys(std).groupby("key")["row"].apply(set)
    assert {0, 1} in shared.tolist()  # COL and the postcode, though the family name is misspelt
    assert one_name_part(std).tolist() == [False, True, False]


def test_birth_dates_with_day_and_month_swapped_meet():
    pairs = _person_candidates(
        {"person_name": "name", "birth_date": "born"},
        {
            "id": ["1", "2", "3"],
            "name": ["Katherine O'Neil", "Kate ONeil", "Mary Brown"],
            "born": ["1990-01-05", "1990-05-01", "1990-01-06"],
        },
    )
    assert (0, 1) in pairs
    assert (0, 2) not in pairs and (1, 2) not in pairs


def test_in_a_crowd_of_namesakes_a_slip_in_the_day_meets_the_first_record():
    born = [f"19{50 + k}-0{1 + k % 9}-1{k % 10}" for k in range(30)]
    pairs = _person_candidates(
        {"given_name": "given", "family_name": "family", "birth_date": "dob"},
        {
            # 30 people of one name, the first written again at the end of the file with the day mistyped.
            "id": [f"p{k}" for k in range(31)],
            "given": ["ANNA"] * 31,
            "family": ["MUELLER"] * 31,
            "dob": [*born, born[0][:-1] + "9"],
        },
    )
    assert (0, 30) in pairs


def test_candidate_pairs_say_which_rules_offered_them():
    candidates = _person_blocks(
        {"person_name": "name", "birth_date": "born"},
        {
            "id": ["1", "2", "3"],
            "name": ["Katherine O'Neil", "Katherine O'Neil", "Mary Brown"],
            "born": ["1990-01-05", "1971-03-02", "1990-01-05"],
        },
    )
    pairs = list(zip(candidates.left.tolist(), candidates.right.tolist(), strict=True))
    by_date = candidates.offered_by({r.name for r in ADAPTIVE_RULES if r.reads_birth_date})
    by_name = candidates.offered_by(
        {r.name for r in DEFAULT_RULES + ADAPTIVE_RULES if not r.reads_birth_date}
    )
    offered = dict(zip(pairs, zip(by_name.tolist(), by_date.tolist(), strict=True), strict=True))
    assert offered[(0, 1)] == (True, False)
    assert offered[(0, 2)] == (False, True)
