"""Splink (DuckDB) on standardised party records; runs inside ``benchmarks/.venv-splink`` only.

Reads the CSV written by ``bench_dedupe_splink``, trains a Fellegi–Sunter model the way Splink's
own tutorials do (random-sampling u, EM over two blocking rules, prior from a deterministic
rule), predicts over several blocking rules, clusters at 0.95 and writes
``record_id,cluster_id`` plus a JSON line of timings to stdout.
"""

from __future__ import annotations

import json
import resource
import sys
import time

import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on


def main(source: str, out: str) -> None:
    start = time.perf_counter()
    db_api = DuckDBAPI()
    con = db_api.duckdb_con
    con.execute(f"create table parties as select * from read_csv('{source}', all_varchar=true, header=true)")
    records = db_api.register("parties")
    settings = SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="record_id",
        blocking_rules_to_generate_predictions=[
            block_on("uscc"),
            block_on("phone_e164"),
            block_on("email_normalised"),
            block_on("name_trade", "city"),
            block_on("name_pinyin_key", "city"),
            block_on("district", "address_detail"),
        ],
        comparisons=[
            cl.JaroWinklerAtThresholds("name_core", [0.92, 0.8]),
            cl.ExactMatch("name_region"),
            cl.ExactMatch("name_branch_region"),
            cl.ExactMatch("uscc"),
            cl.ExactMatch("phone_e164"),
            cl.ExactMatch("email_normalised"),
            cl.JaroWinklerAtThresholds("address_detail", [0.95, 0.85]),
            cl.ExactMatch("city"),
            cl.ExactMatch("district"),
        ],
        retain_intermediate_calculation_columns=False,
    )
    linker = Linker(records, settings, log_level=30)
    linker.training.estimate_probability_two_random_records_match([block_on("uscc")], recall=0.7)
    linker.training.estimate_u_using_random_sampling(max_pairs=5e6, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("uscc"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("name_trade", "city"))
    trained = time.perf_counter()
    predictions = linker.inference.predict(threshold_match_probability=0.5)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(predictions, 0.95)
    con.execute(
        f"copy (select record_id, cluster_id from {clusters.physical_name}) to '{out}' (header, delimiter ',')"
    )
    done = time.perf_counter()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(
        json.dumps(
            {
                "train_seconds": round(trained - start, 1),
                "seconds": round(done - start, 1),
                "peak_mb": peak_mb,
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
