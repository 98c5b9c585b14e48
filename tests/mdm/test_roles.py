from __future__ import annotations

import numpy as np
import pandas as pd

from mdm.comparators import BIRTH_DATE, PERSON_NAME, FrameColumns, compare_birth_date
from mdm.dedupe import deduplicate, standardise_for_spec
from mdm.name_parts import given_names_agree
from mdm.roles import identifier, registered_domain
from mdm.set_comparisons import OTHER_NAMES, WEBSITE, identifier_comparison
from mdm.spec import parse_spec


def _levels(comparison, std: pd.DataFrame, pairs: list[tuple[int, int]]) -> list[str]:
    left = np.array([a for a, _ in pairs])
    right = np.array([b for _, b in pairs])
    codes = comparison.compute(FrameColumns(std), left, right)
    return [comparison.labels[c] for c in codes]


def test_registered_domain_and_identifier_normalisation():
    assert registered_domain("https://www.shop.example.co.uk/about") == "EXAMPLE.CO.UK"
    assert registered_domain("Example.com") == "EXAMPLE.COM"
    assert registered_domain("sales@example.com.cn") == "EXAMPLE.COM.CN"
    assert registered_domain("localhost") is None
    assert identifier(" 12 345-678 a ") == "12345678A"
    assert identifier("000-000") is None


def test_given_names_agree_on_initials_nicknames_and_typos():
    assert given_names_agree("J", "JOHN")
    assert given_names_agree("BOB", "ROBERT")
    assert given_names_agree("KATHERINE", "KATHERIN")
    assert not given_names_agree("JOHN", "MARY")


PERSONS = parse_spec(
    {
        "record_id": "id",
        "entity": "person",
        "country": "AU",
        "columns": {
            "given_name": "given",
            "family_name": "family",
            "birth_date": "dob",
            "national_id": "ssn",
        },
    }
)


def _persons(rows: list[tuple]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["given", "family", "dob", "ssn"])
    frame.insert(0, "id", [f"P{i}" for i in range(len(frame))])
    return standardise_for_spec(frame, PERSONS)


def test_person_name_parts_compare_swapped_initial_and_nickname_forms():
    std = _persons(
        [
            ("John", "Smith", None, None),
            ("Smith", "John", None, None),  # swapped columns
            ("J", "Smith", None, None),  # initial only
            ("Robert", "Jones", None, None),
            ("Bob", "Jones", None, None),  # nickname
            ("Finn", "Clarke", None, None),
            ("Jakob", "Clarke", None, None),  # another person of the family, or a given name replaced
            ("Anna", "Berg", None, None),
        ]
    )
    assert _levels(PERSON_NAME, std, [(0, 1), (0, 2), (3, 4), (5, 6), (5, 7)]) == [
        "exact",
        "close",
        "close",
        "one_part_same",  # its own level: the rest of the record decides
        "different",
    ]


def test_a_name_lacking_a_part_is_compared_on_the_parts_both_records_hold():
    std = _persons(
        [
            ("Theodore", "Marshall", None, None),
            ("Thedore", None, None, None),  # given name only, misspelt
            (None, "Marshal", None, None),  # family name only, misspelt
            ("Arlo", None, None, None),
            (None, "West", None, None),
            ("Brown", None, None, None),  # the family name written in the given-name column
            ("Florence", "Brown", None, None),
            ("Kate", None, None, None),
        ]
    )
    assert _levels(PERSON_NAME, std, [(0, 1), (0, 2), (3, 4), (5, 6), (0, 7)]) == [
        "known_parts_agree",
        "known_parts_agree",
        "unknown",  # a given name against a family name: nothing to compare, no disagreement
        "known_parts_agree",
        "different",
    ]


def _one_column(names: list[str | None]) -> pd.DataFrame:
    frame = pd.DataFrame({"id": [f"P{i}" for i in range(len(names))], "name": names})
    return standardise_for_spec(
        frame, parse_spec({"record_id": "id", "entity": "person", "columns": {"person_name": "name"}})
    )


def test_a_latin_name_in_one_column_is_compared_as_names_in_parts_are():
    """A list writing ``John Smith`` in one column: a part replaced, a part missing, an initial and a
    nickname read as they do where the spec maps given and family name."""
    std = _one_column(
        [
            "John Smith",
            "Smith, John",
            "J Smith",
            "Robert Jones",
            "Bob Jones",
            "Finn Clarke",
            "Jakob Clarke",
            "Anna Berg",
        ]
    )
    assert _levels(PERSON_NAME, std, [(0, 1), (0, 2), (3, 4), (5, 6), (5, 7)]) == [
        "exact",
        "close",
        "close",
        "one_part_same",
        "different",
    ]
    std = _one_column(["Theodore Marshall", "Thedore", "Marshal", "Kate"])
    assert _levels(PERSON_NAME, std, [(0, 1), (0, 2), (0, 3)]) == [
        "known_parts_agree",
        "known_parts_agree",  # one word may be either part
        "different",
    ]


def test_a_list_of_chinese_names_in_one_column_is_not_split():
    std = _one_column(["张三", "李四", "王芳"])
    assert "given_name" not in std.columns and "family_name" not in std.columns


def test_birth_dates_tolerate_swapped_day_and_month_and_impossible_typos():
    std = _persons(
        [
            (None, None, "19560409", None),
            (None, None, "19560904", None),  # day and month swapped
            (None, None, "19561309", None),  # a typo makes month 13: kept and compared
            (None, None, "19550409", None),  # one digit of the year
            (None, None, "19801122", None),
        ]
    )
    assert std["birth_date"].tolist()[:3] == ["1956-04-09", "1956-09-04", "1956-13-09"]
    codes = compare_birth_date(FrameColumns(std), np.array([0, 0, 0, 0]), np.array([1, 2, 3, 4]))
    assert [BIRTH_DATE.labels[c] for c in codes] == [
        "one_part_apart",
        "one_part_apart",
        "one_part_apart",
        "different",  # 24 years apart: another generation
    ]


def test_a_birth_date_in_year_month_and_day_columns_compares_as_one_date():
    spec = parse_spec(
        {
            "record_id": "id",
            "entity": "person",
            "columns": {"given_name": "given", "family_name": "family", "birth_date": ["by", "bm", "bd"]},
        }
    )
    frame = pd.DataFrame(
        {
            "id": ["A", "B", "C", "D", "E"],
            "given": ["FRANK"] * 5,
            "family": ["MUELLER"] * 5,
            "by": ["1967", "1967", "1767", "1967", "1938"],
            "bm": ["9", "09", "9", "13", "2"],
            "bd": ["27", "27", "27", "27", ""],
        }
    )
    std = standardise_for_spec(frame, spec)
    assert std["birth_date"].tolist()[:2] == ["1967-09-27", "1967-09-27"]
    codes = compare_birth_date(FrameColumns(std), np.array([0, 0, 0, 0]), np.array([1, 2, 3, 4]))
    # 1767 and month 13 are typos, still one part apart; a blank day leaves the date unknown.
    assert [BIRTH_DATE.labels[c] for c in codes] == ["exact", "one_part_apart", "one_part_apart", "unknown"]


def test_birth_dates_one_typo_or_a_month_apart_are_nearly_equal():
    std = _persons(
        [
            (None, None, "19230805", None),
            (None, None, "19230085", None),  # two neighbouring digits swapped across month and day
            (None, None, "19230815", None),  # one digit of the day
            (None, None, "19320850", None),  # two typos
            (None, None, "19770129", None),
            (None, None, "19761230", None),  # a month rolled over: 30 days apart
            (None, None, "19761130", None),  # 60 days apart
        ]
    )
    codes = compare_birth_date(FrameColumns(std), np.array([0, 0, 0, 4, 4]), np.array([1, 2, 3, 5, 6]))
    assert [BIRTH_DATE.labels[c] for c in codes] == [
        "one_part_apart",
        "one_part_apart",
        "different",  # two typos, and day 50 is no date to measure from
        "one_part_apart",
        "within_a_year",  # 60 days apart
    ]


def test_birth_dates_further_apart_fall_in_bands_of_a_year_ten_years_and_beyond():
    std = _persons(
        [
            (None, None, "19800615", None),
            (None, None, "19810301", None),  # 259 days: a year's slip
            (None, None, "19870101", None),  # six and a half years
            (None, None, "20100302", None),  # thirty years: a parent and a child of one name
            (None, None, "19800616", None),  # a day: nearly equal, not a band
        ]
    )
    codes = compare_birth_date(FrameColumns(std), np.array([0, 0, 0, 0]), np.array([1, 2, 3, 4]))
    assert [BIRTH_DATE.labels[c] for c in codes] == [
        "within_a_year",
        "within_ten_years",
        "different",
        "one_part_apart",
    ]


def test_a_year_of_birth_alone_compares_by_its_years():
    std = _persons(
        [
            (None, None, "1964", None),
            (None, None, "1964.0", None),  # a spreadsheet's number
            (None, None, "19640302", None),  # a full date of that year
            (None, None, "1965", None),
            (None, None, "1970", None),
            (None, None, "1946", None),  # not a typo to a year alone: eighteen years
            (None, None, "64", None),  # no year
        ]
    )
    assert std["birth_date"].tolist()[:6] == ["1964", "1964", "1964-03-02", "1965", "1970", "1946"]
    assert pd.isna(std["birth_date"].iloc[6])
    codes = compare_birth_date(FrameColumns(std), np.zeros(5, dtype=np.int64), np.arange(1, 6))
    assert [BIRTH_DATE.labels[c] for c in codes] == [
        "exact",
        "one_part_apart",
        "within_a_year",
        "within_ten_years",
        "different",
    ]
    # A year gives no day and month to block on.
    from mdm.adaptive_blocking import birth_date_keys

    assert birth_date_keys(std)["row"].tolist() == [2]


def test_identifiers_agree_on_any_value_and_see_one_typo():
    std = _persons(
        [
            (None, None, None, "5928066"),
            (None, None, None, "5928066; 1111111"),
            (None, None, None, "5628066"),
            (None, None, None, "1234567"),
            (None, None, None, "5928606"),  # two digits swapped
        ]
    )
    levels = _levels(identifier_comparison("national_id"), std, [(0, 1), (0, 2), (0, 3), (0, 4)])
    assert levels == ["exact", "one_character_apart", "different", "one_character_apart"]


def test_an_identifier_an_export_partly_hid_agrees_where_it_shows_its_characters():
    assert identifier("110101********1234") == "110101********1234"
    assert identifier("110101●●●●●●●●1234") == "110101********1234"
    assert identifier("******") is None
    std = _persons(
        [
            (None, None, None, "110101199001011234"),
            (None, None, None, "110101********1234"),  # the same number, hidden by a CRM
            (None, None, None, "110101********5678"),  # another person of the district
            (None, None, None, "110101********1234"),
        ]
    )
    levels = _levels(identifier_comparison("national_id"), std, [(0, 1), (0, 2), (1, 3)])
    # Two hidden numbers showing the same characters are alike, not the same number: many people
    # of one district share the last four digits.
    assert levels == ["alike_where_shown", "different", "alike_where_shown"]


def test_websites_compare_by_registered_domain():
    spec = parse_spec({"record_id": "id", "columns": {"company_name": "name", "website": ["web", "shop"]}})
    frame = pd.DataFrame(
        {
            "id": ["A", "B", "C"],
            "name": ["Ashcroft Plastics", "Ashcroft Plastics Ltd", "Other"],
            "web": ["https://www.ashcroft.co.uk", None, "other.com"],
            "shop": [None, "shop.ashcroft.co.uk/cart", None],
        }
    )
    std = standardise_for_spec(frame, spec)
    assert _levels(WEBSITE, std, [(0, 1), (0, 2)]) == ["same_domain", "different"]


def test_other_names_bridge_an_english_and_a_chinese_name():
    spec = parse_spec(
        {
            "record_id": "id",
            "columns": {"company_name": "name", "other_names": "aka"},
            "entity": "organisation",
        }
    )
    frame = pd.DataFrame(
        {
            "id": ["A", "B", "C"],
            "name": ["深圳市华强电子有限公司", "HUAQIANG ELECTRONICS", "深圳市美达电器有限公司"],
            "aka": [None, "华强电子; Huaqiang Electronic Co", None],
        }
    )
    std = standardise_for_spec(frame, spec)
    assert _levels(OTHER_NAMES, std, [(0, 1), (1, 2), (0, 2)]) == ["a_name_in_common", "different", "unknown"]


def test_other_names_say_nothing_of_two_records_whose_main_names_alone_agree():
    """The main names are the name comparison's business: an alias on one record does not make two
    namesakes share a name a second time."""
    spec = parse_spec(
        {
            "record_id": "id",
            "entity": "person",
            "columns": {"given_name": "given", "family_name": "family", "other_names": "second"},
        }
    )
    frame = pd.DataFrame(
        {
            "id": ["A", "B", "C", "D"],
            "given": ["ILSE", "ILSE", "ANNA", "ANNA"],
            "family": ["MUELLER", "MUELLER", "BAUER", "MUELLER"],
            "second": [None, "BAUER", None, None],
        }
    )
    std = standardise_for_spec(frame, spec)
    # A and B: the same main name, B's alias agrees with nothing of A's; B's alias BAUER is none of
    # C's names (ANNA BAUER); B and D share a family name, not a name.
    assert _levels(OTHER_NAMES, std, [(0, 1), (1, 2), (1, 3)]) == ["different", "different", "different"]
    frame.loc[2, ["given", "family", "second"]] = ["ILSE", "SCHMIDT", "Ilse Mueller"]  # her former name
    std = standardise_for_spec(frame, spec)
    assert _levels(OTHER_NAMES, std, [(0, 2), (1, 2)]) == ["a_name_in_common", "a_name_in_common"]


def test_person_list_with_name_parts_and_national_ids_deduplicates():
    rows = [
        ("P0", "mitchell", "green", "19560409", "1804974"),
        ("P1", "mitchell", "gren", "19560904", "1804974"),
        ("P2", "mitch", "green", "19560409", None),
        ("P3", "harley", "mccarthy", "19080419", "6089216"),
        ("P4", "harly", "mccarthy", "19080419", "6089261"),
    ]
    rows += [
        (f"Q{i}", g, f, f"19{60 + i % 30}0{1 + i % 9}1{i % 9}", f"{3000000 + i * 7919}")
        for i, (g, f) in enumerate(
            (g, f)
            for g in ("amy", "ben", "cara", "dan", "eve", "finn")
            for f in ("hill", "ross", "kerr", "lowe")
        )
    ]
    frame = pd.DataFrame(rows, columns=["id", "given", "family", "dob", "ssn"])
    result = deduplicate(frame, PERSONS, progress=False)
    cluster = result.clusters.set_index("record_id")["cluster_id"]
    assert cluster["P0"] == cluster["P1"] == cluster["P2"]
    assert cluster["P3"] == cluster["P4"] != cluster["P0"]
    assert cluster[[f"Q{i}" for i in range(24)]].nunique() == 24


def test_a_number_a_crm_partly_hid_joins_the_full_number_of_the_same_person():
    rng = np.random.default_rng(3)
    family, given = "王李张刘陈杨黄赵吴周", "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平"
    rows = []
    for i in range(90):
        name = f"{rng.choice(list(family))}{rng.choice(list(given))}{rng.choice(list(given))}"
        number = f"4403{rng.integers(10, 99)}19{rng.integers(50, 99)}{rng.integers(1, 13):02d}"
        number += f"{rng.integers(1, 29):02d}{rng.integers(1000, 9999)}"
        rows.append((f"E{i:03d}", name, number, f"1390000{i:04d}"))
        if i % 3 == 0:
            rows.append((f"C{i:03d}", name, number[:6] + "********" + number[-4:], ""))
    frame = pd.DataFrame(rows, columns=["id", "name", "id_number", "phone"])
    spec = parse_spec(
        {
            "record_id": "id",
            "entity": "person",
            "columns": {"person_name": "name", "national_id": "id_number", "phone": "phone"},
        }
    )
    cluster = deduplicate(frame, spec, progress=False).clusters.set_index("record_id")["cluster_id"]
    assert all(cluster[f"E{i:03d}"] == cluster[f"C{i:03d}"] for i in range(0, 90, 3))
    assert cluster.nunique() == 90
