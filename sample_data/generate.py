"""Generate the seeded sample sources and their exact ground truth.

``generate_sample`` writes five legacy systems' exports (ERP workbooks, DMS GBK CSVs, CRM JSON lines,
the sales staff's workbook and the finance fixed-width file) under ``out_dir`` and the ground truth
(true entity of every record, hard-negative relations, every injected defect, a manifest) under
``truth_dir``. ``generate_party_records`` makes canonical partner or customer records at benchmark
scale without writing files. One ``numpy.random.Generator(PCG64(seed))`` is threaded through
everything, so the same seed and scale give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from sample_data import hard, vocab, writers
from sample_data.defects import DefectLog, inject_party_defects, inject_price_defects, inject_product_defects
from sample_data.excel_damage import sales_cell_values
from sample_data.hard_negatives import RELATION_COLUMNS, add_company_hard_negatives, add_same_name_people
from sample_data.parties import build_company_entities, build_person_entities
from sample_data.products import build_prices, build_products
from sample_data.promotions import (
    PROMOTIONS_FILE,
    StandardsTruth,
    build_promotion_prices,
    build_promotions,
    build_volume_bands,
)
from sample_data.records import (
    TRUTH_COLUMNS,
    build_customer_records,
    build_partner_records,
    canonical_frame,
    truth_frame,
)
from sample_data.standards_truth import add_price_truth, add_product_truth
from sample_data.transactions import build_balances, build_orders

DEFAULT_SEED = 20261126
SOURCE_FILES: dict[str, tuple[str, str]] = {
    "erp/partners.xlsx": ("erp", "partner"),
    "erp/products.xlsx": ("erp", "product"),
    "dms/dealers.csv": ("dms", "partner"),
    "dms/price_list.csv": ("dms", "price"),
    "dms/orders.csv": ("dms", "order"),
    "dms/promotions.csv": ("dms", "promotion"),
    "erp/volume_bands.csv": ("erp", "volume_band"),
    "crm/partners.jsonl": ("crm", "partner"),
    "crm/customers.jsonl": ("crm", "customer"),
    "sales/customers.xlsx": ("sales", "customer"),
    "finance/ar_balances.txt": ("finance", "balance"),
}
STEPS: tuple[str, ...] = (
    "partners",
    "customers",
    "products and prices",
    "balances and orders",
    "sources",
    "ground truth",
)


@dataclass(frozen=True)
class SampleSize:
    """How many true entities and rows a scale stands for (scale 1.0 is the committed sample)."""

    partners: int
    business_customers: int
    people: int
    products: int
    order_lines: int

    @classmethod
    def from_scale(cls, scale: float) -> SampleSize:
        def size(base: int, floor: int) -> int:
            return max(floor, int(round(base * scale)))

        return cls(size(1200, 40), size(600, 20), size(900, 30), size(400, 20), size(5000, 100))


def _rng(seed: int) -> np.random.Generator:
    return np.random.Generator(np.random.PCG64(seed))


PROMOTION_STREAM = 1
"""Promotions and volume bands draw from their own stream of the seed, so the other files stay as they were."""


def _partner_entities(rng: np.random.Generator, n: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    entities = build_company_entities(rng, n, "partner", "P")
    return add_company_hard_negatives(rng, entities, "partner", with_subsidiaries=True)


def _customer_entities(
    rng: np.random.Generator, n_business: int, n_people: int, list_pairs: bool = True
) -> tuple[pd.DataFrame, pd.DataFrame]:
    business, rel_b = add_company_hard_negatives(
        rng, build_company_entities(rng, n_business, "customer", "B"), "customer", with_subsidiaries=False
    )
    people, rel_p = add_same_name_people(rng, build_person_entities(rng, n_people, "Q"), list_pairs)
    return pd.concat([business, people], ignore_index=True), pd.concat([rel_b, rel_p], ignore_index=True)


DIFFICULTIES: tuple[str, ...] = ("standard", "hard")


@dataclass(frozen=True)
class PartyData:
    """Benchmark-scale party records, their truth and the hard-negative relations between entities."""

    records: pd.DataFrame
    truth: pd.DataFrame
    relations: pd.DataFrame


def _hard_company_entities(
    rng: np.random.Generator, n: int, kind: str, id_prefix: str
) -> tuple[pd.DataFrame, pd.DataFrame]:
    entities = hard.broaden_trade_names(rng, build_company_entities(rng, n, kind, id_prefix))
    entities, rel = add_company_hard_negatives(rng, entities, kind, with_subsidiaries=kind == "partner")
    words = vocab.INDUSTRY_WORDS if kind == "partner" else vocab.CUSTOMER_INDUSTRY_WORDS
    return hard.add_hard_negatives(rng, entities, rel, kind, words)


def generate_party_data(
    n_entities: int,
    seed: int,
    kind: str = "partner",
    difficulty: str = "standard",
    same_name_pairs: bool = True,
) -> PartyData:
    """Canonical partner or customer records (plus ``source_system``) for ``n_entities`` true
    entities, with cross-source and within-source duplicates carrying realistic variants, the truth
    frame (source_system, source_record_id, true_entity_id, variant_kinds) and the hard-negative
    relations (entity, true_entity_id_a, true_entity_id_b, relation).

    ``difficulty="standard"`` is the level of the committed sample; ``"hard"`` adds what real channel
    data holds on top of it (see ``sample_data.hard``): duplicates whose USCC and phone are both gone,
    abbreviated, homophone and English names, rewritten addresses, a broad trade-name vocabulary and
    more hard negatives (sister companies, same trade name in other cities, local branches).
    ``same_name_pairs=False`` leaves out the listing of people sharing a name (the records are the same)."""
    if kind not in ("partner", "customer"):
        raise ValueError(f"kind must be 'partner' or 'customer', not {kind!r}")
    if difficulty not in DIFFICULTIES:
        raise ValueError(f"difficulty must be 'standard' or 'hard', not {difficulty!r}")
    is_hard = difficulty == "hard"
    rng = _rng(seed)
    if kind == "partner":
        if is_hard:
            entities, rel = _hard_company_entities(rng, n_entities, "partner", "P")
        else:
            entities, rel = _partner_entities(rng, n_entities)
        rec = build_partner_records(rng, entities)
        if is_hard:
            hard.apply_hard_variants(rng, rec, entities, "partner_name", np.ones(len(rec), dtype=bool))
    else:
        n_business = int(round(n_entities * 0.4))
        n_people = n_entities - n_business
        if is_hard:
            business, rel_b = _hard_company_entities(rng, n_business, "customer", "B")
            people, rel_p = add_same_name_people(
                rng, build_person_entities(rng, n_people, "Q"), same_name_pairs
            )
            entities = pd.concat([business, people], ignore_index=True)
            rel = pd.concat([rel_b, rel_p], ignore_index=True)
        else:
            entities, rel = _customer_entities(rng, n_business, n_people, same_name_pairs)
        rec = build_customer_records(rng, entities)
        if is_hard:
            is_company = (rec["customer_kind"] == "business").to_numpy()
            hard.apply_hard_variants(rng, rec, entities, "customer_name", is_company)
        digits = pd.Series(rng.integers(100_000, 999_999, len(rec))).astype(str).to_numpy(object)
        rec["partner_record_id"] = np.where(rec["source_system"] == "crm", "A-" + digits, "C" + digits)
    return PartyData(
        canonical_frame(rec, kind), truth_frame(rec), rel[RELATION_COLUMNS].reset_index(drop=True)
    )


def generate_party_records(
    n_entities: int, seed: int, kind: str = "partner", difficulty: str = "standard"
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The records and truth of ``generate_party_data`` (``difficulty`` is ``"standard"`` or ``"hard"``)."""
    data = generate_party_data(n_entities, seed, kind, difficulty, same_name_pairs=False)
    return data.records, data.truth


def _serving_partner_codes(
    rng: np.random.Generator, customers: pd.DataFrame, partners: pd.DataFrame
) -> np.ndarray:
    """Each customer record's serving partner, as that partner's code where the customer's source
    refers to partners: the CRM account for CRM customers, the ERP code in the sales workbook."""
    entity_ids = customers["true_entity_id"].unique()
    first = partners.drop_duplicates(["source_system", "true_entity_id"])
    by_region = {
        region: sorted(group.unique()) for region, group in first.groupby("sales_region")["true_entity_id"]
    }
    all_ids = sorted(first["true_entity_id"].unique())
    region_of = customers.drop_duplicates("true_entity_id").set_index("true_entity_id")["sales_region"]
    serving = {}
    for eid in entity_ids:
        pool = by_region.get(region_of[eid], all_ids)
        serving[eid] = pool[int(rng.integers(0, len(pool)))]
    code = {
        (s, e): c
        for s, e, c in zip(
            first["source_system"], first["true_entity_id"], first["source_record_id"], strict=True
        )
    }
    refers_to = {"crm": "crm", "sales": "erp"}
    return np.array(
        [
            code.get((refers_to[s], serving[e]), "")
            for s, e in zip(customers["source_system"], customers["true_entity_id"], strict=True)
        ],
        dtype=object,
    )


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def generate_sample(
    out_dir: Path,
    truth_dir: Path,
    seed: int = DEFAULT_SEED,
    scale: float = 1.0,
    progress: Callable[[str], None] | None = None,
) -> dict:
    """Write the sample sources under ``out_dir`` and ground truth under ``truth_dir``; return the manifest.

    ``progress`` is called with the name of each step as it finishes (see ``STEPS``).
    """
    out_dir, truth_dir = Path(out_dir), Path(truth_dir)
    done = progress or (lambda step: None)
    size = SampleSize.from_scale(scale)
    rng = _rng(seed)
    log = DefectLog()

    partner_entities, partner_rel = _partner_entities(rng, size.partners)
    partners = build_partner_records(rng, partner_entities)
    inject_party_defects(rng, partners, "partner", log)
    done("partners")

    customer_entities, customer_rel = _customer_entities(rng, size.business_customers, size.people)
    customers = build_customer_records(rng, customer_entities)
    customers["partner_record_id"] = _serving_partner_codes(rng, customers, partners)
    inject_party_defects(rng, customers, "customer", log)
    done("customers")

    products = build_products(rng, size.products)
    clean_prices = build_prices(rng, products)
    written_products = inject_product_defects(rng, products, log)
    written_prices = inject_price_defects(rng, clean_prices, log)
    done("products and prices")

    erp = partners[partners["source_system"] == "erp"]
    balances = build_balances(rng, erp)
    charged = written_prices.assign(
        price=written_prices["price"].where(written_prices["price"].notna(), clean_prices["price"])
    )
    orders = build_orders(rng, partners[partners["source_system"] == "dms"], charged, size.order_lines)
    done("balances and orders")

    sales = customers[customers["source_system"] == "sales"]
    cells = sales_cell_values(rng, sales, log)
    truth = StandardsTruth()
    rejected = add_product_truth(written_products, log.frame(), truth)
    add_price_truth(written_prices, log.frame(), rejected, truth)
    promotion_rng = np.random.Generator(np.random.PCG64([seed, PROMOTION_STREAM]))
    clean_skus = [sku for sku in products["sku_code"] if sku not in rejected]
    promotions = build_promotions(promotion_rng, charged, clean_skus, sorted(rejected), log, truth)
    bands = build_volume_bands(promotion_rng, log, truth)
    written_prices = pd.concat(
        [written_prices, build_promotion_prices(promotion_rng, promotions, written_prices, log, truth)],
        ignore_index=True,
    )
    notes = [writers.SALES_NOTES[i] for i in rng.integers(0, len(writers.SALES_NOTES), len(sales))]
    rows = {
        "erp/partners.xlsx": writers.write_erp_partners(out_dir / "erp/partners.xlsx", erp),
        "erp/products.xlsx": writers.write_erp_products(out_dir / "erp/products.xlsx", written_products),
        "dms/dealers.csv": writers.write_dms_dealers(
            out_dir / "dms/dealers.csv", partners[partners["source_system"] == "dms"]
        ),
        "dms/price_list.csv": writers.write_dms_prices(out_dir / "dms/price_list.csv", written_prices),
        "dms/orders.csv": writers.write_dms_orders(out_dir / "dms/orders.csv", orders),
        "crm/partners.jsonl": writers.write_crm_partners(
            out_dir / "crm/partners.jsonl", partners[partners["source_system"] == "crm"]
        ),
        "crm/customers.jsonl": writers.write_crm_customers(
            out_dir / "crm/customers.jsonl", customers[customers["source_system"] == "crm"]
        ),
        "sales/customers.xlsx": writers.write_sales_customers(
            out_dir / "sales/customers.xlsx", sales, cells, notes
        ),
        "finance/ar_balances.txt": writers.write_finance_balances(
            out_dir / "finance/ar_balances.txt", balances
        ),
        PROMOTIONS_FILE: writers.write_dms_promotions(out_dir / PROMOTIONS_FILE, promotions),
        "erp/volume_bands.csv": writers.write_erp_volume_bands(out_dir / "erp/volume_bands.csv", bands),
    }
    done("sources")

    truth_dir.mkdir(parents=True, exist_ok=True)
    entities = pd.concat(
        [truth_frame(partners).assign(entity="partner"), truth_frame(customers).assign(entity="customer")],
        ignore_index=True,
    )
    entities = entities[["entity", *TRUTH_COLUMNS]]
    relations = pd.concat([partner_rel, customer_rel], ignore_index=True)[RELATION_COLUMNS]
    defects = log.frame()
    standards = truth.frame()
    for name, frame in (
        ("entities.csv", entities),
        ("relations.csv", relations),
        ("defects.csv", defects),
        ("standards_truth.csv", standards),
    ):
        frame.to_csv(truth_dir / name, index=False, encoding="utf-8", lineterminator="\n")
    manifest = {
        "seed": seed,
        "scale": scale,
        "generated_at": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        "files": {
            name: {
                "source_system": SOURCE_FILES[name][0],
                "entity": SOURCE_FILES[name][1],
                "rows": int(count),
                "sha256": _sha256(out_dir / name),
            }
            for name, count in rows.items()
        },
        "ground_truth": {
            "entities.csv": len(entities),
            "relations.csv": len(relations),
            "defects.csv": len(defects),
            "standards_truth.csv": len(standards),
        },
        "true_entities": {
            "partner": int(partners["true_entity_id"].nunique()),
            "customer": int(customers["true_entity_id"].nunique()),
        },
        "defects_by_kind": {k: int(v) for k, v in defects["defect_kind"].value_counts().sort_index().items()},
        "totals": {
            "balance_amount": f"{balances['balance_amount'].sum():.2f}",
            "credit_limit": f"{balances['credit_limit'].sum():.2f}",
            "order_amount": f"{orders['amount'].sum():.2f}",
        },
    }
    (truth_dir / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    done("ground truth")
    return manifest
