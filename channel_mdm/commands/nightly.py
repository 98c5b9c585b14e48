"""``channel-mdm nightly``: the sample's next night in one command — its changed exports, then the sync."""

from __future__ import annotations

import argparse
import json
import os
from datetime import date, timedelta
from pathlib import Path

from channel_mdm.commands.demo import _business_date, _today_in_shanghai, ensure_sample_sources, run_sync
from foundation.errors import UserError
from foundation.settings import PROJECT_ROOT, load_settings

STATE_FILE = "nightly.json"


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "nightly",
        help="the sample's next night: drop its changed exports, sync the next business date, say what changed",
        description=(
            "After 'channel-mdm demo': write the next night's exports of the sample (new, changed and removed "
            "rows in the CRM's partners and customers and the DMS's orders; the same night number gives the "
            "same changes) into the drop folder, then run the sync in-process for the business date after the "
            "last one synced, and print per source what was new, changed, unchanged and deleted. Both runs "
            "show in the Dagster UI ('make ui'). Policies come from CHANNEL_MDM_DELETE_POLICY and "
            "CHANNEL_MDM_DRIFT_POLICY."
        ),
    )
    parser.add_argument(
        "--night", type=int, default=None, help="night number (default: the one after the last)"
    )
    parser.add_argument(
        "--business-date",
        type=_business_date,
        default=None,
        metavar="YYYY-MM-DD",
        help="the partition to sync (default: the day after the last business date synced, else today)",
    )
    parser.add_argument(
        "--full-match",
        action="store_true",
        help="match every partner and customer record again instead of only the new and changed ones "
        "(as CHANNEL_MDM_FULL_MATCH=1 does)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from sample_data.nightly_delta import write_night_delta

    if args.full_match:
        os.environ["CHANNEL_MDM_FULL_MATCH"] = "1"
    settings = load_settings()
    if settings.sources_dir.resolve() != (PROJECT_ROOT / "sample_data" / "sources").resolve():
        raise UserError(
            f"{settings.sources_dir}: 'nightly' changes the sample's exports only; unset CHANNEL_MDM_SOURCES_DIR "
            "(for real exports, drop them into the drop folder and let the sensor or schedule run the sync)"
        )
    ensure_sample_sources(settings.sources_dir)
    state_path = settings.data_dir / STATE_FILE
    state = json.loads(state_path.read_text(encoding="utf-8")) if state_path.is_file() else {}
    night = args.night if args.night is not None else int(state.get("night", 0)) + 1
    if night < 1:
        raise UserError(f"--night {night}: nights are numbered from 1")
    business_date = args.business_date or next_business_date(
        settings.reports_dir / "summary.json", _today_in_shanghai()
    )
    delta = write_night_delta(night, settings.sources_dir, settings.landing_dir, settings.drop_dir)
    print(f"night {night}: exports dropped into {settings.drop_dir}")
    for relative, counts in delta.files.items():
        print(
            f"  {relative:<22} {counts['added']:>4} added {counts['changed']:>4} changed {counts['removed']:>4} removed"
        )
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    state_path.write_text(json.dumps({"night": night, "business_date": business_date}), encoding="utf-8")
    return run_sync(business_date, f"channel-mdm nightly (night {night})")


def next_business_date(summary_path: Path, today: str) -> str | None:
    """The business date after the one the last sync recorded (None: today, when there is none).

    The sample's nights follow each other faster than real ones: a day that has not begun yet is not a
    partition, so the night after today's sync runs under today's date again, and says so.
    """
    if not summary_path.is_file():
        return None
    last = json.loads(summary_path.read_text(encoding="utf-8")).get("business_date")
    if not last:
        return None
    following = (date.fromisoformat(last) + timedelta(days=1)).isoformat()
    if following > today:
        print(f"{following} has not begun in Shanghai yet: this night is synced under today's date, {today}")
        return today
    return following
