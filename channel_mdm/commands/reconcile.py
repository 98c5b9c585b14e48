"""``channel-mdm reconcile``: audit sample sizes, and re-rendering a saved reconciliation report."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

from foundation.errors import UserError

log = logging.getLogger(__name__)


def _add_rates(parser: argparse.ArgumentParser, suppress: bool) -> None:
    # on sub-commands the defaults are suppressed so they never overwrite values given before the sub-command
    parser.add_argument(
        "--confidence",
        type=float,
        default=argparse.SUPPRESS if suppress else 0.95,
        help="confidence of the claim (default 0.95)",
    )
    parser.add_argument(
        "--error-rate",
        type=float,
        default=argparse.SUPPRESS if suppress else 0.01,
        help="tolerable record error rate (default 0.01)",
    )
    parser.add_argument(
        "--seed",
        default=argparse.SUPPRESS if suppress else "20261126",
        help="seed of the hash-based sample selection (default 20261126)",
    )


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "reconcile",
        help="prove the store agrees with the old systems (sample sizes, reports)",
        description=(
            "Reconciliation of the target channel store with the old systems. 'sample-size' prints how "
            "many records to compare for a claim 'error rate below P with confidence C'; 'render' "
            "re-renders the HTML report and sampled keys from a saved reconciliation JSON. "
            "Without a sub-command, prints the zero-defect sample size for the given rates."
        ),
    )
    _add_rates(parser, suppress=False)
    actions = parser.add_subparsers(dest="reconcile_action", metavar="ACTION")
    size = actions.add_parser(
        "sample-size",
        help="records to compare per stratum",
        description="Print the zero-defect sample size, and the finite-population size for --population records.",
    )
    size.add_argument("--population", type=int, help="records in the stratum (gives the hypergeometric size)")
    _add_rates(size, suppress=True)
    render = actions.add_parser(
        "render",
        help="re-render a report from its saved JSON",
        description="Write the HTML report, JSON and sampled_keys.csv again from a saved reconciliation JSON.",
    )
    render.add_argument("json_path", type=Path, help="the reconciliation JSON written beside the report")
    render.add_argument("--out", type=Path, help="output folder (default: the JSON's folder)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from migration.sampling import hypergeometric_sample_size, zero_defect_sample_size

    action = getattr(args, "reconcile_action", None)
    if action == "render":
        return _render(args)
    confidence, rate = args.confidence, args.error_rate
    n = zero_defect_sample_size(confidence, rate)
    claim = f"error rate below {rate * 100:g}% with {confidence * 100:g}% confidence"
    print(f"sample {n:,} records per stratum, finding no defect, to claim {claim}")
    population = getattr(args, "population", None)
    if population is not None:
        if population < 0:
            raise UserError(f"--population must be a number of records, 0 or more, not {population}")
        finite = hypergeometric_sample_size(population, confidence, rate)
        print(f"for a stratum of {population:,} records: {finite:,} (sampling without replacement)")
    return 0


def _render(args: argparse.Namespace) -> int:
    from migration.report import load_result, write_report

    result = load_result(args.json_path)
    out = args.out or args.json_path.parent
    name = args.json_path.stem if args.out is None else "reconciliation"
    files = write_report(result, out, name=name)
    print(f"wrote {files.html}, {files.json} and {files.sampled_keys}")
    return 0
