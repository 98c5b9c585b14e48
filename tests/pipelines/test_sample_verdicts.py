"""The verdicts a migration team signs, on the committed sample, checked against the generator's own truth.

One real run of the sync job: the reconciliation is ACCEPTED, every row of every source file is either
read or quarantined (as many as the generator wrote), every defect the generator injected is held back
for its own reason (or, where the standard is to flag and keep the row, flagged for it), and golden
records carry the true name, credit code and phone of the companies they stand for.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import dagster as dg
import numpy as np
import pandas as pd
import pytest

from cleansing.id_damage import LOST_LEADING_ZEROS, SCIENTIFIC_NOTATION, TRUNCATED_15_DIGITS
from foundation.settings import PROJECT_ROOT
from sample_data.generate import SampleSize, _partner_entities, _rng
from sample_data.parties import render_company_names_of

TRUTH = PROJECT_ROOT / "sample_data" / "ground_truth"
MANIFEST = json.loads((TRUTH / "manifest.json").read_text(encoding="utf-8"))
pytestmark = pytest.mark.slow

HELD_BACK = {
    # defect kind → (quarantine reason code, column it names)
    "missing_price": ("missing_required", "price"),
    "invalid_gtin": ("gtin_valid", "gtin"),
    "duplicate_sku": ("sku_code_unique", "sku_code"),
    "overlapping_price_period": ("no_period_overlap", "effective_from"),
    "price_tier_inversion": ("no_tier_inversion", "price"),
}
REQUIRED_NAME = {"partner": "partner_name", "customer": "customer_name", "product": "product_name"}


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    mp = pytest.MonkeyPatch()
    mp.setenv("CHANNEL_MDM_DATA_DIR", str(tmp_path_factory.mktemp("data")))
    mp.delenv("CHANNEL_MDM_STORE_URL", raising=False)
    from pipelines.definitions import defs

    try:
        with dg.DagsterInstance.ephemeral() as instance:
            result = defs.resolve_job_def("master_data_sync").execute_in_process(
                instance=instance, partition_key="2026-11-28"
            )
    finally:
        mp.undo()
    assert result.success
    return result


@pytest.fixture(scope="module")
def defects() -> pd.DataFrame:
    return pd.read_csv(TRUTH / "defects.csv", dtype=str, keep_default_na=False)


def test_the_reconciliation_is_accepted(run):
    summary = run.output_for_node("reconciliation_report")
    assert summary["accepted"] is True
    assert summary["unreadable_files"] == []
    for entity in summary["entities"]:
        assert entity["in_store"] == entity["expected_in_store"], entity
    html = Path(summary["reports"]["html"]).read_text(encoding="utf-8")
    assert "Every control total agrees and every sampled stratum supports the claim below." in html


def test_every_row_of_every_file_is_read_or_quarantined_as_the_generator_wrote_it(run):
    reports = run.output_for_node("source_records", "ingest_file_reports").set_index("file")
    written = {name: facts["rows"] for name, facts in MANIFEST["files"].items()}
    assert sorted(reports.index) == sorted(written)
    for name, rows in written.items():
        report = reports.loc[name]
        assert report["error"] == "", (name, report["error"])
        assert (report["rows_in"], report["accepted"] + report["quarantined"]) == (rows, rows), name


def _quarantine_reasons(run) -> pd.DataFrame:
    """Every quarantined row with the key the generator's truth names it by (``record_key``)."""
    quarantine = run.output_for_node("channel_store")["quarantine"].copy()
    key = quarantine["business_key"].astype(str)
    # parties are keyed source_system|record id; products by SKU; prices by SKU|tier|region|from
    party = quarantine["entity"].isin(["partner", "customer"])
    quarantine["record_key"] = key.where(~party, key.str.split("|", n=1).str[-1])
    return quarantine[["entity", "source_system", "record_key", "reason_code", "column_name"]]


def test_each_defect_that_is_held_back_is_quarantined_for_its_own_reason(run, defects):
    quarantine = _quarantine_reasons(run)
    held = defects[
        defects["defect_kind"].isin(HELD_BACK) | (defects["detail"].str.startswith("name is blank"))
    ]
    assert len(held) > 200
    expected = held.assign(
        reason_code=[HELD_BACK.get(k, ("missing_required", ""))[0] for k in held["defect_kind"]],
        column_name=[
            HELD_BACK[k][1] if k in HELD_BACK else REQUIRED_NAME[e]
            for k, e in zip(held["defect_kind"], held["entity"], strict=True)
        ],
    )
    joined = expected.merge(
        quarantine, on=["entity", "source_system", "record_key", "reason_code", "column_name"], how="left",
        indicator=True,
    )  # fmt: skip
    missed = joined[joined["_merge"] == "left_only"].drop_duplicates(["entity", "record_key", "defect_kind"])
    assert missed.empty, missed[["entity", "record_key", "defect_kind", "reason_code", "column_name"]].head(
        10
    )


def test_each_defect_that_is_kept_is_flagged_for_its_own_reason(run, defects):
    flagged: dict[str, set[tuple[str, str, str]]] = {}
    for entity in ("partner", "customer"):
        std = run.output_for_node(f"{entity}_golden").standardised
        system, record = (
            std["record_id"].str.split(":", n=1).str[0],
            std["record_id"].str.split(":", n=1).str[1],
        )
        for kind, mask in (
            ("invalid_uscc", std["uscc_status"].isin(["invalid_checksum", "malformed", "damaged"])),
            ("malformed_phone", std["phone_kind"].eq("invalid")),
        ):
            flagged.setdefault(kind, set()).update(
                zip([entity] * mask.sum(), system[mask], record[mask], strict=True)
            )
    for entity, key in (
        ("customer", ["source_record_id"]),
        ("price", ["sku_code", "price_tier", "sales_region", "effective_from"]),
    ):
        records = run.output_for_node("source_records", f"{entity}_records")
        flags = records["data_flags"].fillna("")
        keys = records[key].astype(str).agg("|".join, axis=1)
        for kind, flag in (
            ("sci_notation_id", SCIENTIFIC_NOTATION),
            ("truncated_id", TRUNCATED_15_DIGITS),
            ("lost_leading_zero", LOST_LEADING_ZEROS),
        ):
            mask = flags.str.contains(flag, regex=False)
            flagged.setdefault(kind, set()).update(
                zip([entity] * mask.sum(), records["source_system"][mask], keys[mask], strict=True)
            )
    products = run.output_for_node("standardised_products")
    alias = products["data_flags"].str.contains("sales_unit:alias_standardised", na=False)
    flagged["nonstandard_unit"] = set(
        zip(
            ["product"] * alias.sum(),
            products["source_system"][alias],
            products["sku_code"][alias],
            strict=True,
        )
    )

    kept = defects[defects["defect_kind"].isin(flagged)]
    assert set(kept["defect_kind"]) == set(flagged)
    # a record that also carries a defect that holds it back is quarantined for that one instead
    quarantined = set(
        _quarantine_reasons(run)[["entity", "source_system", "record_key"]].itertuples(index=False)
    )
    several = defects.groupby(["entity", "source_system", "record_key"]).size()
    held_for_another = {k for k in several[several > 1].index if k in quarantined}
    missed = [
        (d.defect_kind, d.entity, d.record_key)
        for d in kept.itertuples()
        if (d.entity, d.source_system, d.record_key) not in flagged[d.defect_kind]
        and (d.entity, d.source_system, d.record_key) not in held_for_another
    ]
    assert not missed, (
        f"{len(missed)} of {len(kept)} kept defects not flagged for their kind, e.g. {missed[:5]}"
    )


def _phone_digits(text: str) -> str:
    """The national number: no +86, no trunk 0, no separators (``0755-8773 9055`` → ``75587739055``)."""
    digits = re.sub(r"\D", "", text)
    return digits.removeprefix("86") if text.startswith("+") else digits.removeprefix("0")


def test_golden_partners_carry_the_true_name_credit_code_and_phone(run, defects):
    # The generator draws the true partner companies first from its seeded stream: draw them again.
    entities, _ = _partner_entities(_rng(MANIFEST["seed"]), SampleSize.from_scale(MANIFEST["scale"]).partners)
    assert entities["true_entity_id"].nunique() == MANIFEST["true_entities"]["partner"]
    entities = entities.assign(true_name=render_company_names_of(entities)).set_index("true_entity_id")

    truth = pd.read_csv(TRUTH / "entities.csv", dtype=str, keep_default_na=False)
    truth = truth[truth["entity"] == "partner"]
    golden = run.output_for_node("partner_golden").golden
    records = golden.crosswalk.merge(truth, on=["source_system", "source_record_id"], validate="one_to_one")
    damaged = set(defects.loc[defects["entity"] == "partner", "record_key"])
    varied = truth.loc[truth["variant_kinds"] != "", "true_entity_id"]
    # companies whose records form exactly one golden record, none of them damaged or spelt differently
    per_entity = records.groupby("true_entity_id").agg(
        golden_ids=("golden_id", "nunique"), records=("source_record_id", "size"),
        damaged=("source_record_id", lambda ids: bool(set(ids) & damaged)),
    )  # fmt: skip
    per_golden = records.groupby("golden_id")["true_entity_id"].nunique()
    clean = per_entity[
        (per_entity["golden_ids"] == 1) & (per_entity["records"] >= 2) & ~per_entity["damaged"]
        & ~per_entity.index.isin(varied)
    ].index  # fmt: skip
    chosen = sorted(np.random.default_rng(7).choice(sorted(clean), size=20, replace=False))
    golden_of = records.drop_duplicates("true_entity_id").set_index("true_entity_id")["golden_id"]
    assert (per_golden.loc[golden_of.loc[chosen]] == 1).all()

    rows = golden.golden.set_index("golden_id").loc[golden_of.loc[chosen]]
    expected = entities.loc[chosen]
    assert rows["partner_name"].tolist() == expected["true_name"].tolist()
    assert rows["uscc"].tolist() == expected["uscc"].tolist()
    assert [_phone_digits(p) for p in rows["phone"]] == [_phone_digits(p) for p in expected["phone"]]
