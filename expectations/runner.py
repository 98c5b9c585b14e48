"""Run a product or price suite through Great Expectations and sort rows into passed and quarantined.

One ephemeral GX context per validation: pandas data source → whole-dataframe batch → suite →
validation definition → checkpoint (writing Data Docs when a folder is given). Results come back
keyed by each expectation's rule name, not in suite order. Failing rows are found through a
row-position column GX returns with the business key, because a business key may itself be
duplicated (that is one of the defects).
"""

from __future__ import annotations

import contextlib
import copy
import html
import logging
import tempfile
import time
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import great_expectations as gx
import numpy as np
import pandas as pd
from great_expectations.data_context.types.base import ProgressBarsConfig
from great_expectations.data_context.types.resource_identifiers import ExpectationSuiteIdentifier
from great_expectations.validator.v1_validator import Validator

from cleansing.canonical import ENTITIES
from cleansing.numbers import parse_numbers
from expectations.offline_docs import make_site_offline, write_docs_overview, write_suite_summary
from expectations.standards_page import save_failing_rows, write_standards_page
from expectations.suites import (
    Rule,
    Severity,
    SuiteDefinition,
    build_price_suite,
    build_product_suite,
    get_suite,
)
from foundation.errors import UserError

log = logging.getLogger(__name__)

ROW_POSITION = "_row_position"
PROVENANCE_IN_QUARANTINE: tuple[str, ...] = ("source_system", "source_file", "source_sheet", "source_row")
PRODUCT_KEY: list[str] = list(ENTITIES["product"].business_key)
PRICE_KEY: list[str] = list(ENTITIES["price"].business_key)
DOCS_SITE = "channel_mdm_data_docs"


RULE_COUNT_COLUMNS = ("rule", "severity", "column", "unexpected_count", "element_count", "success")


@dataclass(frozen=True)
class ExpectationOutcome:
    """How one rule fared: counts and the business keys of the rows it failed."""

    name: str
    expectation_type: str
    column: str
    success: bool
    unexpected_count: int
    element_count: int
    unexpected_keys: list[dict[str, object]]
    severity: Severity = "error"

    def counts(self) -> dict[str, object]:
        """The rule's counts, one row of :meth:`ValidationOutcome.rule_counts`."""
        return {c: getattr(self, "name" if c == "rule" else c) for c in RULE_COUNT_COLUMNS}


@dataclass(frozen=True)
class ValidationOutcome:
    """The result of validating one frame against one suite.

    ``success`` is True when no error-level rule failed (warnings never fail a run). ``passed`` holds
    the input rows with no error; ``quarantined`` lists one row per failing row × rule, warnings
    included (``severity`` tells them apart), with the business key, provenance, ``rule``,
    ``severity``, ``column``, ``value`` and a ``reason`` sentence.
    """

    suite_name: str
    success: bool
    expectations: list[ExpectationOutcome]
    passed: pd.DataFrame
    quarantined: pd.DataFrame
    data_docs_index: Path | None

    def expectation(self, name: str) -> ExpectationOutcome:
        for outcome in self.expectations:
            if outcome.name == name:
                return outcome
        raise KeyError(f"no rule {name!r} in suite {self.suite_name!r}")

    def rule_counts(self) -> pd.DataFrame:
        """One row per rule: severity, column, failing and checked row counts (what a steward reads first)."""
        return pd.DataFrame(
            [o.counts() for o in self.expectations],
            columns=list(RULE_COUNT_COLUMNS),
        )


def _blanks_to_missing(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Empty or whitespace-only cells are unknown values, never a value that passes or fails a rule."""
    out = frame.copy()
    for column in columns:
        values = out[column]
        if not (pd.api.types.is_string_dtype(values) or values.dtype == object):
            continue
        # Judged once per distinct value: a million rows hold a few thousand distinct cells per column.
        codes, distinct = pd.factorize(values, use_na_sentinel=True)
        text = np.asarray(distinct, dtype=object)
        is_text = np.fromiter((isinstance(v, str) for v in text), dtype=bool, count=len(text))
        if not is_text.any():
            continue
        blank_distinct = np.zeros(len(text), dtype=bool)
        blank_distinct[is_text] = np.strings.str_len(np.strings.strip(text[is_text].astype(str))) == 0
        blank = (codes >= 0) & blank_distinct[np.maximum(codes, 0)]
        if blank.any():
            out[column] = values.mask(blank)
    return out


def _check_columns(frame: pd.DataFrame, definition: SuiteDefinition, business_key: list[str]) -> None:
    missing = [
        c for c in dict.fromkeys([*definition.required_columns, *business_key]) if c not in frame.columns
    ]
    if missing:
        raise UserError(
            f"{definition.name}: missing column(s) {', '.join(missing)}; map the source onto the canonical "
            f"names in cleansing/canonical.py (found: {', '.join(map(str, frame.columns)) or 'no columns'})"
        )


def _ephemeral_context(data_docs_dir: Path | None) -> gx.data_context.AbstractDataContext:
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    for site, config in list(context.list_data_docs_sites().items()):
        # The default site is a fresh temporary folder per context: drop it, and the folder if unused.
        context.delete_data_docs_site(site)
        folder = Path(config.get("store_backend", {}).get("base_directory", ""))
        if folder.is_absolute() and folder.parent == Path(tempfile.gettempdir()) and folder.is_dir():
            with contextlib.suppress(OSError):
                folder.rmdir()
    if data_docs_dir is not None:
        context.add_data_docs_site(
            DOCS_SITE,
            {
                "class_name": "SiteBuilder",
                # SiteBuilder takes this keyword; GX's typed config does not list it
                "show_how_to_buttons": False,  # type: ignore[typeddict-unknown-key]
                "store_backend": {
                    "class_name": "TupleFilesystemStoreBackend",
                    "base_directory": str(data_docs_dir),
                },
                "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
            },
        )
    return context


def _run_checkpoint(
    prepared: pd.DataFrame, definition: SuiteDefinition, business_key: list[str], data_docs_dir: Path | None
):
    """Every expectation's result, one validation of the whole frame.

    Without Data Docs the suite runs on GX's validator directly: a checkpoint would serialise the
    results into the context's store (a third of the time at a million rows with 1 % failing), and GX
    returns the failing rows' positions (the frame's index) in one step instead of looking up named
    index columns cell by cell. With Data Docs the pages list failing rows by business key.
    """
    context = _ephemeral_context(data_docs_dir)
    batch_definition = (
        context.data_sources.add_pandas(f"{definition.name}_source")
        .add_dataframe_asset(definition.name)
        .add_batch_definition_whole_dataframe(f"{definition.name}_whole_frame")
    )
    suite = context.suites.add(definition.build_expectation_suite())
    if data_docs_dir is None:
        validator = Validator(
            batch_definition=batch_definition,
            batch_parameters={"dataframe": prepared},
            result_format={"result_format": "COMPLETE"},
        )
        return validator.validate_expectation_suite(suite).results
    validation = context.validation_definitions.add(
        gx.ValidationDefinition(name=f"{definition.name}_standard", data=batch_definition, suite=suite)
    )
    checkpoint = context.checkpoints.add(
        gx.Checkpoint(
            name=f"{definition.name}_checkpoint",
            validation_definitions=[validation],
            actions=[],
            result_format={
                "result_format": "COMPLETE",
                "unexpected_index_column_names": [*business_key, ROW_POSITION],
            },
        )
    )
    result = checkpoint.run(batch_parameters={"dataframe": prepared})
    if data_docs_dir:
        _build_escaped_data_docs(context, result.run_results)
    return [r for run in result.run_results.values() for r in run.results]


def _build_escaped_data_docs(context: gx.data_context.AbstractDataContext, run_results: dict) -> None:
    """Write Data Docs from copies of the results whose data values are HTML-escaped.

    GX's renderer inserts unexpected values into its pages as markup, so a ``<script>`` in a source
    cell would run in a steward's browser. The stored results are replaced by escaped copies before
    the pages are built; the caller keeps the original values for the quarantine.
    """
    for identifier, suite_result in run_results.items():
        escaped = copy.deepcopy(suite_result)
        for expectation_result in escaped.results:
            expectation_result.result = escape_html_values(expectation_result.result)
        context.validation_results_store.set(identifier, escaped)
        context.build_data_docs(
            site_names=[DOCS_SITE],
            resource_identifiers=[identifier, ExpectationSuiteIdentifier(name=escaped.suite_name)],
        )


def _failing_positions(index_list: list) -> np.ndarray:
    """Row positions from GX's unexpected index list: plain positions, or dicts naming ``_row_position``."""
    if index_list and isinstance(index_list[0], dict):
        return np.array([entry[ROW_POSITION] for entry in index_list], dtype=np.int64)
    return np.asarray(index_list, dtype=np.int64)


def escape_html_values(value: Any) -> Any:
    """``value`` with every string inside it (dicts, lists, tuples) HTML-escaped."""
    if isinstance(value, str):
        return html.escape(value)
    if isinstance(value, dict):
        return {key: escape_html_values(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(escape_html_values(item) for item in value)
    return value


def _quarantine_rows(
    frame: pd.DataFrame, prepared: pd.DataFrame, rule: Rule, positions: np.ndarray, business_key: list[str]
) -> pd.DataFrame:
    provenance = [c for c in PROVENANCE_IN_QUARANTINE if c in frame.columns and c not in business_key]
    rows = frame.iloc[positions][[*business_key, *provenance]].reset_index(drop=True)
    source = frame if rule.column in frame.columns else prepared  # a column the source lacks: judged as blank
    reported = source[rule.column].iloc[positions].reset_index(drop=True)
    checked = prepared[rule.checked_columns[0]].iloc[positions].reset_index(drop=True)
    return rows.assign(
        rule=rule.name,
        severity=rule.severity,
        column=rule.column,
        value=reported.astype("string"),
        reason=rule.explain(reported, checked).to_numpy(),
        **{ROW_POSITION: positions},
    )


def validate_frame(
    frame: pd.DataFrame,
    suite_name: str | SuiteDefinition,
    business_key: list[str],
    data_docs_dir: Path | None = None,
) -> ValidationOutcome:
    """Validate ``frame`` against a standard suite and split it into passed and quarantined rows.

    ``suite_name`` is ``products``/``prices`` or a :class:`SuiteDefinition`; ``business_key`` names the
    columns that identify a row to a steward; with ``data_docs_dir`` GX writes Data Docs there.
    """
    definition = get_suite(suite_name) if isinstance(suite_name, str) else suite_name
    _check_columns(frame, definition, business_key)
    started = time.perf_counter()
    # GX copies its batch per expectation, so it gets only the columns the rules read (and source_row,
    # which cross-row checks quote to name the other row).
    optional = [c for c in definition.optional_columns if c in frame.columns]
    checked_columns = list(dict.fromkeys([*definition.required_columns, *business_key, *optional]))
    narrow = frame[checked_columns + (["source_row"] if "source_row" in frame.columns else [])]
    prepared = definition.prepare(_blanks_to_missing(narrow, checked_columns)).reset_index(drop=True)
    prepared[ROW_POSITION] = np.arange(len(prepared))
    suite_docs_dir = None
    if data_docs_dir is not None:
        # GX rebuilds a site from the context's own stores and drops pages it does not know, so each
        # suite gets its own site folder; a small index above them links the suites together.
        suite_docs_dir = Path(data_docs_dir).resolve() / definition.name
        suite_docs_dir.mkdir(parents=True, exist_ok=True)

    outcomes: list[ExpectationOutcome] = []
    quarantine_parts: list[pd.DataFrame] = []
    error_positions: list[np.ndarray] = []
    prepared_at = time.perf_counter()
    results = {
        r.expectation_config.meta["rule"]: r
        for r in _run_checkpoint(prepared, definition, business_key, suite_docs_dir)
    }
    validated_at = time.perf_counter()
    for rule in definition.rules:
        result = results[rule.name]
        if result.exception_info and result.exception_info.get("raised_exception"):
            raise RuntimeError(
                f"rule {rule.name} could not run: {result.exception_info.get('exception_message')}"
            )
        positions = _failing_positions(result.result.get("unexpected_index_list") or [])
        keys = prepared[business_key].iloc[positions].to_dict(orient="records")
        outcomes.append(
            ExpectationOutcome(
                name=rule.name,
                expectation_type=result.expectation_config.type,
                column=rule.column,
                success=bool(result.success),
                unexpected_count=int(result.result.get("unexpected_count") or 0),
                element_count=int(result.result.get("element_count") or len(frame)),
                unexpected_keys=keys,
                severity=rule.severity,
            )
        )
        if len(positions):
            quarantine_parts.append(_quarantine_rows(frame, prepared, rule, positions, business_key))
            if rule.severity == "error":
                error_positions.append(positions)

    failing = np.unique(np.concatenate(error_positions)) if error_positions else np.zeros(0, dtype=np.int64)
    keep = np.ones(len(frame), dtype=bool)
    keep[failing] = False
    quarantined = _assemble_quarantine(quarantine_parts, frame, business_key)
    docs_index = suite_docs_dir / "index.html" if suite_docs_dir is not None else None
    warnings = int((quarantined["severity"] == "warning").sum())
    success = not any(not o.success and o.severity == "error" for o in outcomes)
    if suite_docs_dir is not None and data_docs_dir is not None and (suite_docs_dir / "index.html").exists():
        make_site_offline(suite_docs_dir)
        write_suite_summary(
            suite_docs_dir,
            {
                "name": definition.name,
                "validated_at": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
                "rows": len(frame),
                "passed": int(keep.sum()),
                "warnings": warnings,
                "success": success,
                "rules": [o.counts() for o in outcomes],
            },
        )
        save_failing_rows(suite_docs_dir, quarantined, business_key)
        write_docs_overview(Path(data_docs_dir).resolve())
        write_standards_page(Path(data_docs_dir).resolve())
    outcome = ValidationOutcome(
        suite_name=definition.name,
        success=success,
        expectations=outcomes,
        passed=frame[keep],
        quarantined=quarantined,
        data_docs_index=docs_index if docs_index is not None and docs_index.exists() else None,
    )
    log.info(
        "validated %s rows against %s: %s passed, %s quarantined, %s warnings "
        "(%.1f s: prepare %.1f s, GX %.1f s, quarantine %.1f s)",
        f"{len(frame):,}",
        definition.name,
        f"{int(keep.sum()):,}",
        f"{len(failing):,}",
        f"{warnings:,}",
        time.perf_counter() - started,
        prepared_at - started,
        validated_at - prepared_at,
        time.perf_counter() - validated_at,
    )
    return outcome


def _assemble_quarantine(
    parts: list[pd.DataFrame], frame: pd.DataFrame, business_key: list[str]
) -> pd.DataFrame:
    provenance = [c for c in PROVENANCE_IN_QUARANTINE if c in frame.columns and c not in business_key]
    columns = [*business_key, *provenance, "rule", "severity", "column", "value", "reason"]
    if not parts:
        return pd.DataFrame(columns=columns)
    quarantined = pd.concat(parts, ignore_index=True).sort_values(ROW_POSITION, kind="stable")
    return quarantined[columns].reset_index(drop=True)


def validate_products(
    frame: pd.DataFrame, data_docs_dir: Path | None = None, quarantined_skus: pd.Series | None = None
) -> ValidationOutcome:
    """Validate a canonical product frame against the product standard (business key ``sku_code``).

    ``quarantined_skus``: SKU codes of the source's product rows already quarantined (at ingest), so that
    a code is unique only if it is unique among every row the sources had.
    """
    return validate_frame(
        frame, build_product_suite(quarantined_skus=quarantined_skus), PRODUCT_KEY, data_docs_dir
    )


def product_tax_rates(products: pd.DataFrame) -> dict[str, Decimal]:
    """SKU → VAT rate (``0.13``, ``13%``) for the products that state one."""
    if "tax_rate" not in products.columns:
        return {}
    rates, _ = parse_numbers(products["tax_rate"].astype(object), percent=True)
    return {
        str(sku): rate
        for sku, rate in zip(products["sku_code"], rates, strict=True)
        if rate is not None and isinstance(sku, str)
    }


def validate_prices(
    frame: pd.DataFrame,
    products: pd.DataFrame | ValidationOutcome | None = None,
    data_docs_dir: Path | None = None,
    promotions: pd.DataFrame | None = None,
) -> ValidationOutcome:
    """Validate a canonical price frame against the price standard.

    ``products`` are the valid products: a :class:`ValidationOutcome` of the product suite (its
    ``passed`` rows are used) or a frame of products already accepted. When given, a price whose SKU
    is not among them fails ``unknown_sku``. ``promotions`` (the canonical promotion list as read):
    a price whose ``promotion_code`` names no promotion of its SKU that takes effect over the price's
    period fails ``price_promotion_valid``.
    """
    valid_skus = rejected_skus = None
    tax_rates = None
    if isinstance(products, ValidationOutcome):
        valid_skus = products.passed["sku_code"]
        tax_rates = product_tax_rates(products.passed)
        errors = products.quarantined[products.quarantined["severity"] == "error"]
        rejected_skus = errors["sku_code"] if "sku_code" in errors.columns else None
    elif products is not None:
        if "sku_code" not in products.columns:
            raise UserError(
                "products: missing column sku_code; pass the valid products (e.g. validate_products(...).passed)"
            )
        valid_skus = products["sku_code"]
        tax_rates = product_tax_rates(products)
    suite = build_price_suite(
        valid_skus=valid_skus, rejected_skus=rejected_skus, product_tax_rates=tax_rates, promotions=promotions
    )
    return validate_frame(frame, suite, PRICE_KEY, data_docs_dir)
