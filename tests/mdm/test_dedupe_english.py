"""An English company list, deduplicated untuned with the shipped example spec."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from channel_mdm.cli import main
from foundation.settings import PROJECT_ROOT

DATA = Path(__file__).parent / "data" / "companies_en.csv"


def test_english_companies_merge_on_name_phone_and_address_but_not_a_regional_sister(tmp_path):
    out = tmp_path / "clusters.csv"
    spec = PROJECT_ROOT / "mdm" / "examples" / "companies_en.yaml"
    assert main(["dedupe", str(DATA), "--spec", str(spec), "--out", str(out), "--no-progress"]) == 0
    clusters = pd.read_csv(out, dtype=str, encoding="utf-8-sig").set_index("record_id")["cluster_id"]
    assert (
        clusters["1"] == clusters["2"]
    )  # Acme Trading Co. Ltd / ACME TRADING COMPANY LIMITED, same London phone
    assert clusters["4"] == clusters["5"]  # Globex Corporation / Globex Corp., same address
    assert clusters["3"] != clusters["1"]  # Acme Trading (Manchester): another office, phone and address
    assert clusters["6"] != clusters["7"]  # Initech / Initrode: different companies in one city
    assert clusters.nunique() == 6


def test_two_branches_a_bracket_places_apart_stay_apart_and_a_name_with_its_place_joins_the_name():
    from mdm.dedupe import deduplicate
    from mdm.spec import parse_spec

    rows = [
        ("Spago", "310-652-4025"),
        ("Spago (Los Angeles)", "310/652-4025"),
        ("Palm (Atlanta)", "404-814-1955"),
        ("Palm (Los Angeles)", "310-550-8811"),
    ] + [
        (f"{a} {b}", f"212-555-{i:04d}")
        for i, (a, b) in enumerate(
            (a, b) for a in ("Blue", "Red", "Green", "Gold") for b in ("Grill", "Cafe", "Bistro", "Diner")
        )
    ]
    frame = pd.DataFrame(rows, columns=["name", "phone"])
    frame.insert(0, "id", [f"R{i:02d}" for i in range(len(frame))])
    spec = parse_spec(
        {
            "record_id": "id",
            "entity": "organisation",
            "country": "US",
            "columns": {"company_name": "name", "phone": "phone"},
        }
    )
    clusters = deduplicate(frame, spec, progress=False).clusters.set_index("record_id")["cluster_id"]
    assert clusters["R00"] == clusters["R01"]
    assert clusters["R02"] != clusters["R03"]


def test_a_branch_written_in_english_stays_apart_from_its_head_office_and_joins_its_chinese_record():
    from mdm.dedupe import deduplicate
    from mdm.spec import parse_spec

    rows = [
        ("H1", "Huaxin Trading Co., Ltd.", "021-55551234", "88 Nanjing Road, Shanghai"),
        ("H2", "Huaxin Trading Co Ltd", "021-55551234", "88 Nanjing Rd, Shanghai"),
        ("B1", "Huaxin Trading Co., Ltd. Shanghai Branch", "021-55551234", "88 Nanjing Road, Shanghai"),
        ("B2", "Huaxin Trading Co., Ltd., Shanghai Branch", "021-55551234", "88 Nanjing Road, Shanghai"),
        ("B3", "华新贸易有限公司上海分公司", "021-55551234", "上海市南京路88号"),
        ("N1", "Bank of Ningbo Co., Ltd.", "0571-88887777", "1 Qingchun Rd, Hangzhou"),
        ("N2", "Bank of Ningbo Co., Ltd. Hangzhou Branch", "0571-88887777", "1 Qingchun Rd, Hangzhou"),
    ]
    frame = pd.DataFrame(rows, columns=["id", "name", "phone", "address"])
    spec = parse_spec(
        {
            "record_id": "id",
            "entity": "organisation",
            "country": "CN",
            "columns": {"company_name": "name", "phone": "phone", "address": "address"},
        }
    )
    result = deduplicate(frame, spec, progress=False)
    clusters = result.clusters.set_index("record_id")["cluster_id"]
    assert clusters["H1"] == clusters["H2"]
    assert clusters["B1"] == clusters["B2"] == clusters["B3"]  # one branch, in English and in Chinese
    assert (
        clusters["B1"] != clusters["H1"]
    )  # a branch has its own credit code: not its head office's duplicate
    assert clusters["N1"] != clusters["N2"]
    head_and_branch = result.pairs[
        result.pairs["left_record_id"].isin(["N1", "N2"]) & result.pairs["right_record_id"].isin(["N1", "N2"])
    ]
    assert head_and_branch["branch_level"].tolist() == ["branch_vs_head_office"]


def test_a_latin_name_with_its_legal_form_written_twice_on_a_clean_list_merges_unless_the_city_differs():
    from mdm.dedupe import deduplicate
    from mdm.spec import parse_spec

    words = ["Amber", "Birch", "Cedar", "Delta", "Ember", "Falcon", "Granite", "Harbor", "Iris", "Juniper"]
    trades = ["Trading", "Foods", "Logistics", "Textiles", "Machinery", "Packaging", "Chemicals", "Retail"]
    names = [f"{a} {b} {t} Ltd" for a in words for b in words if a != b for t in trades][:300]
    rows = [*names, "Acme Trading Ltd", "ACME TRADING LIMITED", "Zenith Bistro", "Zenith Bistro"]
    records = pd.DataFrame({"id": [f"R{i}" for i in range(len(rows))], "name": rows})
    spec = parse_spec({"record_id": "id", "entity": "organisation", "columns": {"company_name": "name"}})
    result = deduplicate(records, spec, progress=False)
    clusters = result.clusters.set_index("record_id")["cluster_id"]
    assert clusters["R300"] == clusters["R301"]  # one registered name, its legal form spelt two ways
    pairs = result.pairs.set_index(["left_record_id", "right_record_id"])
    # A name without a legal form may be a chain's: not merged on the name alone.
    assert ("R302", "R303") not in pairs.index or pairs.loc[("R302", "R303"), "match_class"] != "auto_merge"

    cities = ["London"] * len(rows)
    cities[301] = "Manchester"
    with_city = records.assign(city=cities)
    spec = parse_spec(
        {"record_id": "id", "entity": "organisation", "columns": {"company_name": "name", "city": "city"}}
    )
    pairs = deduplicate(with_city, spec, progress=False).pairs.set_index(
        ["left_record_id", "right_record_id"]
    )
    assert pairs.loc[("R300", "R301"), "match_class"] != "auto_merge"  # two cities: perhaps two companies


def test_a_list_of_names_and_addresses_merges_one_house_written_two_ways_but_not_two_names_at_one_address():
    from mdm.dedupe import deduplicate
    from mdm.spec import parse_spec

    rows = [
        ("F1", "Carnegie Deli", "854 7th Ave. between 54th and 55th Sts."),
        ("Z1", "Carnegie Deli", "854 Seventh Ave."),
        ("F2", "Second Avenue Deli", "156 2nd Ave. at 10th St."),
        ("Z2", "Second Avenue Deli", "156 Second Ave."),
        ("F3", "Abruzzi", "2355 Peachtree Rd. Peachtree Battle Shopping Center"),
        ("Z3", "Abruzzi", "2355 Peachtree Rd. NE"),
        ("F4", "Bones Grill", "2355 Peachtree Rd. NE"),  # another restaurant in the same shopping centre
    ] + [
        (f"X{i:02d}", f"{a} {b}", f"{100 + 37 * i} {street}")
        for i, (a, b, street) in enumerate(
            zip(
                (
                    "Azure",
                    "Cobalt",
                    "Ember",
                    "Fennel",
                    "Juniper",
                    "Marlow",
                    "Quill",
                    "Saffron",
                    "Thistle",
                    "Umber",
                ),
                (
                    "Grill",
                    "Cafe",
                    "Bistro",
                    "Diner",
                    "Kitchen",
                    "Tavern",
                    "Oyster Bar",
                    "Noodle House",
                    "Pizzeria",
                    "Bakery",
                ),
                (
                    "Oak St.",
                    "Elm Ave.",
                    "Pine Rd.",
                    "Main St.",
                    "Lake Dr.",
                    "Hill Rd.",
                    "Bay St.",
                    "Park Ave.",
                    "Mill Ln.",
                    "Cedar Blvd.",
                ),
                strict=True,
            )
        )
    ]
    frame = pd.DataFrame(rows, columns=["id", "name", "address"])
    spec = parse_spec(
        {
            "record_id": "id",
            "entity": "organisation",
            "country": "US",
            "columns": {"company_name": "name", "address": "address"},
        }
    )
    clusters = deduplicate(frame, spec, progress=False).clusters.set_index("record_id")["cluster_id"]
    assert clusters["F1"] == clusters["Z1"]
    assert clusters["F2"] == clusters["Z2"]
    assert clusters["F3"] == clusters["Z3"]
    assert clusters["F4"] != clusters["Z3"]
    assert clusters.nunique() == len(frame) - 3
