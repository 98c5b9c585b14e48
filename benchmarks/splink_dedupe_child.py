"""Splink (DuckDB) deduplication of one CSV; runs inside ``benchmarks/.venv-splink`` only.

    splink_dedupe_child.py SOURCE.csv CLUSTERS.csv [--config NAME] [--pairs PAIRS.csv]

``--config`` picks a hand-written configuration (``partners``: the standardised generated
partners of ``bench_dedupe_splink``; ``febrl``, ``fake_1000``, ``rldata``, ``patstat``, ``products``,
``restaurants``: the public sets of ``bench_dedupe_public``), written the way Splink's own tutorials and FEBRL examples do:
comparisons with term-frequency adjustments on names and places, a prior from deterministic
rules, u by random sampling, m by EM over blocking rules, prediction over several blocking
rules. Comparisons and rules whose columns the input lacks are left out, so one configuration
serves every column-thinned variant of its set. Clusters at ``--cluster-at`` (default 0.95) and
writes ``record_id,cluster_id``; ``--pairs`` also writes every blocked pair with its match
probability. The last stdout line is a JSON object of timings and peak memory.
"""

from __future__ import annotations

import argparse
import json
import resource
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on


def _tf(comparison):
    return comparison.configure(term_frequency_adjustments=True)


@dataclass
class Config:
    """Comparisons and rules, each with the input columns it needs."""

    comparisons: list[tuple[tuple[str, ...], Callable[[], object]]]
    blocking: list[tuple[str, ...]]
    deterministic: list[tuple[str, ...]]
    em: list[tuple[str, ...]]
    recall: float = 0.7
    derive_sql: str = "*"
    """Select list that derives helper columns from the raw input (DuckDB SQL)."""
    explode: set[str] = field(default_factory=set)
    """Array columns that blocking rules explode."""
    derived_from: tuple[str, ...] = ()
    """Raw columns ``derive_sql`` reads."""
    deterministic_fallback: list[tuple[str, ...]] = field(default_factory=list)
    """Rules for the prior where no ``deterministic`` rule's columns are in the input (a thinned variant)."""


def _rule(columns: tuple[str, ...], explode: set[str]):
    arrays = [c for c in columns if c in explode]
    return block_on(*columns, arrays_to_explode=arrays or None)


def _price_comparison():
    return cl.CustomComparison(
        [
            cll.NullLevel("price_num"),
            cll.PercentageDifferenceLevel("price_num", 0.05),
            cll.PercentageDifferenceLevel("price_num", 0.25),
            cll.ElseLevel(),
        ],
        output_column_name="price_num",
    )


CONFIGS: dict[str, Config] = {
    "partners": Config(
        comparisons=[
            (("name_core",), lambda: cl.JaroWinklerAtThresholds("name_core", [0.92, 0.8])),
            (("name_region",), lambda: cl.ExactMatch("name_region")),
            (("name_branch_region",), lambda: cl.ExactMatch("name_branch_region")),
            (("uscc",), lambda: cl.ExactMatch("uscc")),
            (("phone_e164",), lambda: cl.ExactMatch("phone_e164")),
            (("email_normalised",), lambda: cl.ExactMatch("email_normalised")),
            (("address_detail",), lambda: cl.JaroWinklerAtThresholds("address_detail", [0.95, 0.85])),
            (("city",), lambda: cl.ExactMatch("city")),
            (("district",), lambda: cl.ExactMatch("district")),
        ],
        blocking=[
            ("uscc",),
            ("phone_e164",),
            ("email_normalised",),
            ("name_trade", "city"),
            ("name_pinyin_key", "city"),
            ("district", "address_detail"),
        ],
        deterministic=[("uscc",)],
        em=[("uscc",), ("name_trade", "city")],
    ),
    "febrl": Config(
        comparisons=[
            (("given_name",), lambda: _tf(cl.NameComparison("given_name"))),
            (("surname",), lambda: _tf(cl.NameComparison("surname"))),
            (
                ("date_of_birth",),
                lambda: cl.DateOfBirthComparison(
                    "date_of_birth", input_is_string=True, datetime_format="%Y%m%d"
                ),
            ),
            (("soc_sec_id",), lambda: cl.DamerauLevenshteinAtThresholds("soc_sec_id", [1, 2])),
            (("street_number",), lambda: cl.ExactMatch("street_number")),
            (("address_1",), lambda: _tf(cl.JaroWinklerAtThresholds("address_1", [0.9, 0.7]))),
            (("suburb",), lambda: _tf(cl.JaroWinklerAtThresholds("suburb", [0.9, 0.7]))),
            (("postcode",), lambda: _tf(cl.DamerauLevenshteinAtThresholds("postcode", [1]))),
            (("state",), lambda: _tf(cl.ExactMatch("state"))),
        ],
        blocking=[
            ("soc_sec_id",),
            ("given_name",),
            ("surname",),
            ("date_of_birth",),
            ("postcode",),
        ],
        deterministic=[
            ("given_name", "surname", "date_of_birth"),
            ("soc_sec_id",),
            ("given_name", "surname"),
        ],
        em=[("given_name",), ("surname",)],
    ),
    "fake_1000": Config(
        comparisons=[
            (("first_name",), lambda: _tf(cl.NameComparison("first_name"))),
            (("surname",), lambda: _tf(cl.NameComparison("surname"))),
            (("dob",), lambda: cl.DateOfBirthComparison("dob", input_is_string=True)),
            (("city",), lambda: _tf(cl.ExactMatch("city"))),
            (("email",), lambda: cl.EmailComparison("email")),
        ],
        blocking=[("first_name", "dob"), ("surname",), ("first_name",), ("email",)],
        deterministic=[("first_name", "surname", "dob"), ("email",), ("first_name", "surname")],
        em=[("first_name", "surname"), ("dob",), ("first_name",), ("surname",)],
    ),
    "rldata": Config(
        comparisons=[
            (("fname_c1",), lambda: _tf(cl.NameComparison("fname_c1"))),
            (("lname_c1",), lambda: _tf(cl.NameComparison("lname_c1"))),
            (("fname_c2",), lambda: cl.ExactMatch("given_2")),
            (("lname_c2",), lambda: cl.ExactMatch("family_2")),
            (("dob",), lambda: cl.DateOfBirthComparison("dob", input_is_string=True)),
            (("birth_year",), lambda: cl.ExactMatch("birth_year")),
        ],
        blocking=[
            ("fname_c1", "lname_c1"),
            ("fname_c1", "dob"),
            ("lname_c1", "dob"),
            ("lname_c1", "birth_year"),
        ],
        deterministic=[
            ("fname_c1", "lname_c1", "dob"),
            ("fname_c1", "lname_c1", "birth_year"),
        ],
        deterministic_fallback=[("fname_c1", "lname_c1")],
        em=[("fname_c1", "lname_c1"), ("dob",), ("birth_year",)],
        derived_from=("fname_c2", "lname_c2", "by", "bm", "bd"),
        derive_sql=(
            "*, nullif(trim(fname_c2), '') as given_2, nullif(trim(lname_c2), '') as family_2,"
            " nullif(trim(\"by\"), '') as birth_year,"
            " case when trim(\"by\") <> '' and trim(bm) <> '' and trim(bd) <> '' then"
            " lpad(trim(\"by\"), 4, '0') || '-' || lpad(trim(bm), 2, '0') || '-' || lpad(trim(bd), 2, '0')"
            " end as dob"
        ),
    ),
    "patstat": Config(
        comparisons=[
            (("Name",), lambda: _tf(cl.JaroWinklerAtThresholds("Name", [0.95, 0.88, 0.7]))),
            (("Coauthor",), lambda: cl.ArrayIntersectAtSizes("coauthors", [2, 1])),
            (("Class",), lambda: cl.ArrayIntersectAtSizes("classes", [2, 1])),
            (("location",), lambda: cl.DistanceInKMAtThresholds("geo_lat", "geo_lng", [1, 10, 100])),
        ],
        blocking=[("name_token",), ("name_prefix",), ("location",)],
        deterministic=[("Name",)],
        em=[("name_token",), ("location",)],
        derived_from=("Name", "Coauthor", "Class", "location"),
        derive_sql=(
            "*, split_part(upper(trim(Name)), ' ', 1) as name_token, substr(upper(trim(Name)), 1, 5) as name_prefix,"
            " list_filter(string_split(coalesce(Coauthor, ''), '**'), lambda x: trim(x) <> '') as coauthors,"
            " list_filter(string_split(coalesce(Class, ''), '**'), lambda x: trim(x) <> '') as classes,"
            " try_cast(split_part(location, ',', 1) as double) as geo_lat,"
            " try_cast(split_part(location, ',', 2) as double) as geo_lng"
        ),
    ),
    "restaurants": Config(
        comparisons=[
            (("name",), lambda: _tf(cl.JaroWinklerAtThresholds("name", [0.95, 0.88, 0.7]))),
            (("addr",), lambda: _tf(cl.JaroWinklerAtThresholds("addr", [0.95, 0.85]))),
            (("city",), lambda: _tf(cl.ExactMatch("city"))),
            (("phone",), lambda: cl.ExactMatch("phone_digits")),
            (("type",), lambda: _tf(cl.ExactMatch("type"))),
        ],
        blocking=[("phone_digits",), ("first_word",), ("city", "addr_word")],
        deterministic=[("phone_digits",), ("name",)],
        em=[("phone_digits",), ("first_word",)],
        derived_from=("name", "addr", "city", "phone", "type"),
        derive_sql=(
            "*, regexp_replace(coalesce(phone, ''), '[^0-9]', '', 'g') as phone_digits,"
            " split_part(trim(name), ' ', 1) as first_word, split_part(trim(addr), ' ', 1) as addr_word"
        ),
    ),
    "products": Config(
        comparisons=[
            (("title",), lambda: cl.JaroWinklerAtThresholds("title_clean", [0.9, 0.8, 0.7])),
            (("title",), lambda: cl.ArrayIntersectAtSizes("title_codes", [2, 1])),
            (("description",), lambda: cl.ArrayIntersectAtSizes("description_words", [8, 4, 2])),
            (("price",), _price_comparison),
        ],
        blocking=[("title_codes",), ("brand",)],
        deterministic=[("title_clean",), ("title_codes",)],
        em=[("first_code",), ("brand",)],
        recall=0.5,
        derive_sql=(
            "*, lower(trim(regexp_replace(title, '[^A-Za-z0-9]+', ' ', 'g'))) as title_clean,"
            " split_part(lower(trim(title)), ' ', 1) as brand,"
            " list_distinct(list_filter(string_split(lower(regexp_replace(title, '[^A-Za-z0-9]+', ' ', 'g')), ' '),"
            "   lambda x: length(x) >= 4 and regexp_matches(x, '[0-9]') and regexp_matches(x, '[a-z]'))) as title_codes,"
            " list_filter(string_split(lower(regexp_replace(title, '[^A-Za-z0-9]+', ' ', 'g')), ' '),"
            "   lambda x: length(x) >= 4 and regexp_matches(x, '[0-9]') and regexp_matches(x, '[a-z]'))[1] as first_code,"
            " list_distinct(list_filter(string_split(lower(regexp_replace(coalesce(description, ''),"
            "   '[^A-Za-z0-9]+', ' ', 'g')), ' '), lambda x: length(x) >= 3)) as description_words,"
            " try_cast(nullif(regexp_replace(coalesce(price, ''), '[^0-9.]', '', 'g'), '') as double) as price_num"
        ),
        explode={"title_codes"},
        derived_from=("title", "description", "price"),
    ),
}


def _derived_columns(config: Config) -> dict[str, tuple[str, ...]]:
    """Helper column → the raw columns it is derived from (a rule on it needs those)."""
    return {
        "name_token": ("Name",),
        "name_prefix": ("Name",),
        "title_clean": ("title",),
        "title_codes": ("title",),
        "brand": ("title",),
        "first_code": ("title",),
        "phone_digits": ("phone",),
        "first_word": ("name",),
        "addr_word": ("addr",),
        "dob": ("by", "bm", "bd"),
        "birth_year": ("by",),
        "given_2": ("fname_c2",),
        "family_2": ("lname_c2",),
    }


def run(source: str, out: str, config_name: str, pairs_out: str | None, cluster_at: float) -> dict:
    start = time.perf_counter()
    config = CONFIGS[config_name]
    db_api = DuckDBAPI()
    con = db_api.duckdb_con
    con.execute(f"create table raw as select * from read_csv('{source}', all_varchar=true, header=true)")
    raw_columns = {row[0] for row in con.execute("describe raw").fetchall()}
    for column in config.derived_from:
        if column not in raw_columns:
            # A thinned variant lacks it: blank, so the derivation still runs and rules needing it are left out.
            con.execute(f'alter table raw add column "{column}" varchar')
    con.execute(f"create table records as select {config.derive_sql} from raw")
    records = db_api.register("records")
    derived = _derived_columns(config)

    def usable(columns: tuple[str, ...]) -> bool:
        return all(all(raw in raw_columns for raw in derived.get(c, (c,))) for c in columns)

    settings = SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="record_id",
        blocking_rules_to_generate_predictions=[
            _rule(r, config.explode) for r in config.blocking if usable(r)
        ],
        comparisons=[make() for needs, make in config.comparisons if usable(needs)],
        retain_intermediate_calculation_columns=False,
    )
    linker = Linker(records, settings, log_level=30)
    deterministic = [r for r in config.deterministic if usable(r)] or [
        r for r in config.deterministic_fallback if usable(r)
    ]
    linker.training.estimate_probability_two_random_records_match(
        [_rule(r, config.explode) for r in deterministic], recall=config.recall
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=5e6, seed=1)
    compared = [needs for needs, _ in config.comparisons if usable(needs)]
    for rule in config.em:
        # A rule that fixes every compared column leaves nothing for EM to estimate.
        if usable(rule) and not all(set(needs) <= set(rule) for needs in compared):
            linker.training.estimate_parameters_using_expectation_maximisation(_rule(rule, config.explode))
    trained = time.perf_counter()
    predictions = linker.inference.predict(threshold_match_probability=None if pairs_out else 0.5)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(predictions, cluster_at)
    con.execute(
        f"copy (select record_id, cluster_id from {clusters.physical_name}) to '{out}' (header, delimiter ',')"
    )
    if pairs_out:
        con.execute(
            f"copy (select record_id_l, record_id_r, match_probability from {predictions.physical_name})"
            f" to '{pairs_out}' (header, delimiter ',')"
        )
    done = time.perf_counter()
    return {
        "train_seconds": round(trained - start, 2),
        "seconds": round(done - start, 2),
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source")
    parser.add_argument("out")
    parser.add_argument("--config", default="partners", choices=sorted(CONFIGS))
    parser.add_argument("--pairs", help="also write every blocked pair with its match probability")
    parser.add_argument("--cluster-at", type=float, default=0.95)
    args = parser.parse_args()
    print(json.dumps(run(args.source, args.out, args.config, args.pairs, args.cluster_at)))


if __name__ == "__main__":
    main()
