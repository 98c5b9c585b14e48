"""Run a whole comparison: read every entity's two sides, run its checks, collect one result.

The command line (``channel-mdm compare``) and any pipeline call :func:`run_comparison`; neither
adds checks of its own.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from migration.cutover.config import CompareConfig
from migration.cutover.coverage import (
    check_duplicate_keys,
    check_key_coverage,
    check_row_counts,
    check_unreadable_rows,
)
from migration.cutover.fields import check_all_fields
from migration.cutover.in_database import NotInDatabase, applies, check_in_database
from migration.cutover.orphans import check_orphans
from migration.cutover.prepared import PreparedEntity, prepare_entity
from migration.cutover.results import CheckResult, ComparisonResult
from migration.cutover.sample import check_sample
from migration.cutover.totals import check_control_total, check_hash_totals
from migration.cutover.wave import plan_wave
from migration.waves import Scope

log = logging.getLogger(__name__)


def run_comparison(config: CompareConfig, scope: Scope | None = None) -> ComparisonResult:
    """Compare every entity of ``config`` (or one migration wave of it) and return every check's outcome."""
    scope = scope or Scope()
    result = ComparisonResult(
        config=str(config.path),
        mode=config.mode,
        generated_at=datetime.now(UTC).isoformat(timespec="seconds"),
        confidence=config.confidence,
        tolerable_error_rate=config.tolerable_error_rate,
        seed=config.seed,
        wave=scope.to_dict(),
    )
    plan = plan_wave(config, scope)
    prepared: dict[str, PreparedEntity] = {}
    in_database: dict[str, list[CheckResult]] = {}
    for name, part in plan.items():
        spec = part.spec
        if part.checked and part.follows is None and applies(name, spec, config):
            try:
                checks, sampled, sources = check_in_database(name, spec, config)
            except NotInDatabase as reason:
                log.info("%s: reading the tables (%s)", name, reason)
            else:
                in_database[name] = checks
                result.sampled_keys.extend(sampled)
                result.sides[name] = sources
                result.wave_coverage[name] = part.covers
                continue
        if part.follows is not None:
            column, target = part.follows
            keys = [*prepared[target].old.first_position, *prepared[target].new.first_position]
            spec = spec.model_copy(update={"where": {**spec.where, column: list(dict.fromkeys(keys))}})
        entity = prepare_entity(name, spec, config.folder, config.mode)
        prepared[name] = entity
        if not part.checked:
            continue
        result.sides[name] = {"old": entity.old.rows.source, "new": entity.new.rows.source}
        result.wave_coverage[name] = part.covers
        log.info(
            "%s: %s old rows (%s), %s new rows (%s)",
            name, f"{len(entity.old.keys):,}", entity.old.rows.source, f"{len(entity.new.keys):,}",
            entity.new.rows.source,
        )  # fmt: skip
    for name in plan:
        if name in in_database:
            result.checks.extend(in_database[name])
            continue
        entity = prepared[name]
        if not plan[name].checked:
            continue
        checks = _entity_checks(entity, config, result)
        for reference in entity.spec.references:
            checks.append(check_orphans(entity, reference, prepared[reference.entity], config.max_listed))
        for check in checks:
            log.debug(
                "%s %s: %s %s",
                name,
                check.title,
                "ACCEPTED" if check.accepted else "NOT ACCEPTED",
                check.statement,
            )
        result.checks.extend(checks)
    return result


def _entity_checks(
    entity: PreparedEntity, config: CompareConfig, result: ComparisonResult
) -> list[CheckResult]:
    listed = config.max_listed
    checks = [check_row_counts(entity)]
    unreadable = check_unreadable_rows(entity, listed)
    if unreadable is not None:
        checks.append(unreadable)
    checks += [check_duplicate_keys(entity, listed), check_key_coverage(entity, listed)]
    if config.mode == "full":
        fields = check_all_fields(entity, listed)
        checks.append(fields)
        coverage_ok = checks[-2].accepted
        checks.append(check_hash_totals(entity, fields.accepted and coverage_ok and checks[0].accepted))
    else:
        sample, sampled_keys = check_sample(entity, config)
        checks.append(sample)
        result.sampled_keys.extend(sampled_keys)
    checks += [check_control_total(entity, spec, listed) for spec in entity.spec.control_totals]
    return checks
