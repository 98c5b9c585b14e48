"""The business date: every asset is partitioned by the day whose exports a run reads."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import dagster as dg

TIMEZONE = "Asia/Shanghai"

BUSINESS_DATES = dg.DailyPartitionsDefinition(
    start_date="2026-01-01",
    timezone=TIMEZONE,
    # today's date exists as a partition too, so a drop during the day runs under the day it arrived
    end_offset=1,
)


def business_date_closed_before(moment: datetime) -> str:
    """The business date a run at ``moment`` covers: the Shanghai day that ended before it (02:00 → yesterday)."""
    local = moment.astimezone(ZoneInfo(TIMEZONE))
    return (local - timedelta(days=1)).strftime("%Y-%m-%d")


def business_date_of(moment: datetime) -> str:
    """The Shanghai date of ``moment``: the business date of an export dropped then."""
    return moment.astimezone(ZoneInfo(TIMEZONE)).strftime("%Y-%m-%d")
