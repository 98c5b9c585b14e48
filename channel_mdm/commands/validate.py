"""``channel-mdm validate``: check products, price lists, promotions and volume bands against the standards.

Reads canonical product / price / promotion / volume-band files (CSV or xlsx, every cell as text), runs the GX suites,
prints how many rows each rule failed, writes the quarantine list and tells where Data Docs are.
"""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

import pandas as pd

from channel_mdm.commands.file_limits import add_file_limit_arguments, file_limits
from cleansing.read_file import read_text_table
from cleansing.readers.checks import FileLimits
from cleansing.safe_export import write_csv
from foundation.errors import UserError

log = logging.getLogger(__name__)


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "validate",
        help="check products, price lists, promotions and volume bands against the standards (Great Expectations)",
        description=(
            "Validate canonical product, price, promotion and volume-band files (CSV or xlsx with canonical "
            "column names, read as text) against their standards. Give any of the files; each is checked "
            "against the others given with it: prices and promotions against the products (an unknown or "
            "rejected SKU), a price's promotion_code against the promotions (the promotion must exist, "
            "promote the SKU, be in an applying status (promotion_rules.yaml; 审批/发布 by default) and cover the "
            "price's period), a promotion's window against the "
            "price periods. Prints failing rows per rule, writes Data Docs for stewards and a quarantine CSV. "
            "Exit code 1 when an error-level rule fails."
        ),
    )
    parser.add_argument(
        "--products", type=Path, help="canonical product file (sku_code, gtin, product_name, …)"
    )
    parser.add_argument(
        "--prices", type=Path, help="canonical price-list file (sku_code, price_tier, sales_region, …)"
    )
    parser.add_argument(
        "--promotions",
        type=Path,
        help="canonical promotion file, one row per promotion × SKU (promotion_code, status, channel, sku_code, "
        "promoted_price, floor_price, effective_from, effective_to; optional promotion_name, stackable)",
    )
    parser.add_argument(
        "--volume-bands",
        type=Path,
        help="canonical volume-band file (price_tier, channel, min_quantity, max_quantity, discount_rate; "
        "optional quantity_unit)",
    )
    parser.add_argument(
        "--docs", type=Path, help="folder for Data Docs (default: <data dir>/reports/data_docs)"
    )
    parser.add_argument("--quarantine", type=Path, help="write every failing row × rule to this CSV")
    add_file_limit_arguments(parser)
    parser.set_defaults(func=run)


def read_canonical_file(path: Path, limits: FileLimits) -> pd.DataFrame:
    """Read a canonical CSV or the first sheet of an xlsx through the ingest readers, blank cells as NA."""
    table = read_text_table(path, limits)
    frame = table.frame.astype(object)
    frame.columns = [str(c) for c in frame.columns]
    if frame.empty:
        raise UserError(f"{path}: no data rows below the header")
    return frame


def _print_counts(title: str, outcome) -> None:
    counts = outcome.rule_counts()
    print(
        f"\n{title}: {outcome.expectations[0].element_count if outcome.expectations else 0:,} rows, "
        f"{len(outcome.passed):,} passed"
    )
    width = max(len(r) for r in counts["rule"]) if len(counts) else 4
    for row in counts.itertuples():
        mark = "ok" if row.success else ("FAIL" if row.severity == "error" else "warn")
        print(
            f"  {row.rule:<{width}}  {row.severity:<7}  {mark:<4}  {row.unexpected_count:>9,} of {row.element_count:,}"
        )


def combine_quarantines(outcomes: list) -> pd.DataFrame:
    """One quarantine table for several suites: suite, every business-key column, provenance, then the rule."""
    from expectations.runner import PROVENANCE_IN_QUARANTINE

    tail = ["rule", "severity", "column", "value", "reason"]
    parts = [o.quarantined.assign(suite=o.suite_name) for o in outcomes]
    if not parts:
        return pd.DataFrame(columns=["suite", *tail])
    quarantine = pd.concat(parts, ignore_index=True)
    provenance = [c for c in PROVENANCE_IN_QUARANTINE if c in quarantine.columns]
    keys = [c for c in quarantine.columns if c not in {"suite", *tail, *provenance}]
    return quarantine[["suite", *keys, *provenance, *tail]]


def run(args: argparse.Namespace) -> int:
    if not (args.products or args.prices or args.promotions or args.volume_bands):
        raise UserError("give any of --products FILE, --prices FILE, --promotions FILE, --volume-bands FILE")
    limits = file_limits(args.max_file_mb)
    # GX logs its own start-up at INFO; stewards need our counts, not that.
    logging.getLogger("great_expectations").setLevel(logging.WARNING)
    from cleansing.product_standardise import standardise_products, standardise_sku_references
    from expectations.promotion_suites import validate_promotions, validate_volume_bands
    from expectations.runner import validate_prices, validate_products
    from foundation.settings import load_settings

    for name in list(logging.root.manager.loggerDict):
        if name.startswith("great_expectations"):  # some GX modules set their own level on import
            logging.getLogger(name).setLevel(logging.WARNING)
    docs = args.docs or load_settings().reports_dir / "data_docs"
    outcomes = []

    def checked(path, title: str, validate):  # type: ignore[no-untyped-def]
        """Run one suite; a problem with the file is named with the file; print and keep its outcome."""
        try:
            outcome = validate()
        except UserError as exc:
            raise UserError(f"{path}: {exc}") from None
        _print_counts(title, outcome)
        outcomes.append(outcome)
        return outcome

    products_outcome = None
    if args.products:
        products = standardise_products(read_canonical_file(args.products, limits))
        log.info("read %s product rows from %s", f"{len(products):,}", args.products)
        products_outcome = checked(args.products, "products", lambda: validate_products(products, docs))
    promotions = prices = None
    if args.promotions:
        promotions = standardise_sku_references(read_canonical_file(args.promotions, limits))
        log.info("read %s promotion rows from %s", f"{len(promotions):,}", args.promotions)
    if args.prices:
        prices = standardise_sku_references(read_canonical_file(args.prices, limits))
        log.info("read %s price rows from %s", f"{len(prices):,}", args.prices)
        checked(
            args.prices,
            "prices",
            lambda: validate_prices(prices, products_outcome, docs, promotions=promotions),
        )
    if promotions is not None:
        checked(
            args.promotions,
            "promotions",
            lambda: validate_promotions(promotions, products_outcome, prices, docs),
        )
    if args.volume_bands:
        bands = read_canonical_file(args.volume_bands, limits)
        log.info("read %s volume-band rows from %s", f"{len(bands):,}", args.volume_bands)
        checked(args.volume_bands, "volume bands", lambda: validate_volume_bands(bands, docs))

    if args.quarantine:
        quarantine = combine_quarantines(outcomes)
        args.quarantine.parent.mkdir(parents=True, exist_ok=True)
        write_csv(quarantine, args.quarantine)
        log.info("wrote %s quarantine rows to %s", f"{len(quarantine):,}", args.quarantine)
    print(f"\nData Docs: {Path(docs).resolve() / 'index.html'}")
    return 0 if all(o.success for o in outcomes) else 1
