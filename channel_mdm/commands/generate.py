"""``channel-mdm generate``: write the seeded sample sources and their ground truth."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

from tqdm import tqdm

from foundation.errors import UserError
from foundation.settings import PROJECT_ROOT

log = logging.getLogger(__name__)

DEFAULT_OUT = PROJECT_ROOT / "sample_data" / "sources"
DEFAULT_TRUTH = PROJECT_ROOT / "sample_data" / "ground_truth"


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    from sample_data.generate import DEFAULT_SEED

    parser = subparsers.add_parser(
        "generate",
        help="write the seeded sample sources (ERP, DMS, CRM, sales, finance) and their ground truth",
        description=(
            "Generate realistic channel master data for five legacy systems: ERP workbooks (partners, "
            "products), DMS GBK CSVs (dealers, price list, orders), CRM JSON lines (partners, customers), "
            "the sales staff's customer workbook and the finance fixed-width balance file. The same partner "
            "appears in several systems, spelled differently; defects are injected at realistic rates. "
            "The ground truth (true entity of every record, hard negatives, every defect) and a manifest "
            "with row counts go to --truth. The same --seed and --scale give byte-identical files."
        ),
        epilog="Example: channel-mdm generate --out /tmp/sources --truth /tmp/truth --scale 0.1",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=DEFAULT_OUT,
        help="folder for the source files, one sub-folder per system (default: %(default)s)",
    )
    parser.add_argument(
        "--truth",
        type=Path,
        default=DEFAULT_TRUTH,
        help="folder for entities.csv, relations.csv, defects.csv, manifest.json (default: %(default)s)",
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed (default: %(default)s)")
    parser.add_argument(
        "--scale",
        type=float,
        default=1.0,
        help="size relative to the committed sample of ~1,200 partners and ~1,500 customers "
        "(default: %(default)s)",
    )
    parser.set_defaults(func=run)


def _check_folder(path: Path, option: str) -> None:
    if path.exists() and not path.is_dir():
        raise UserError(f"{option} {path}: is a file, not a folder; pass a folder to write into")


def run(args: argparse.Namespace) -> int:
    from sample_data.generate import STEPS, generate_sample

    if not args.scale > 0:
        raise UserError(f"--scale {args.scale}: must be greater than 0 (1.0 is the committed sample size)")
    if args.seed < 0:
        raise UserError(f"--seed {args.seed}: must be 0 or greater")
    _check_folder(args.out, "--out")
    _check_folder(args.truth, "--truth")
    with tqdm(total=len(STEPS), desc="generate", unit="step") as bar:

        def step_done(step: str) -> None:
            bar.set_postfix_str(step)
            bar.update(1)

        manifest = generate_sample(args.out, args.truth, seed=args.seed, scale=args.scale, progress=step_done)
    for name, info in manifest["files"].items():
        log.info(
            "wrote %s: %s rows of %s (%s)",
            args.out / name,
            f"{info['rows']:,}",
            info["entity"],
            info["source_system"],
        )
    truth = manifest["ground_truth"]
    log.info(
        "wrote %s: %s source records, %s hard-negative relations, %s injected defects",
        args.truth,
        f"{truth['entities.csv']:,}",
        f"{truth['relations.csv']:,}",
        f"{truth['defects.csv']:,}",
    )
    return 0
