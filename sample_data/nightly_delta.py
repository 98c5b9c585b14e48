"""The next night's exports for the sample: some rows new, some changed, some gone, in several sources.

A real night brings each legacy system's full export again, a little different from yesterday's. This
writes such exports into the drop folder (where the sync lands them): the CRM's partners and customers
and the DMS's orders, each starting from the version the last sync read (landed, else the sources folder).
The same night number gives the same changes.
"""

from __future__ import annotations

import csv
import io
import json
import random
from dataclasses import dataclass, field
from pathlib import Path

from sample_data.generate import DEFAULT_SEED

DELTA_FILES = ("crm/partners.jsonl", "crm/customers.jsonl", "dms/orders.csv")
NEW_TRADE_NAMES = ("晨曦", "瑞丰", "恒泰", "嘉禾", "福源", "宏达", "新越", "百川", "润禾", "卓信")


@dataclass
class NightDelta:
    """What one night's exports change, per file: rows added, changed and removed."""

    night: int
    files: dict[str, dict[str, int]] = field(default_factory=dict)


def current_export(relative: str, sources_dir: Path, landing_dir: Path) -> Path:
    """The export a sync reads for ``relative``: a landed one replaces the sources folder's."""
    landed = landing_dir / relative
    return landed if landed.is_file() else sources_dir / relative


def write_night_delta(
    night: int, sources_dir: Path, landing_dir: Path, drop_dir: Path, size: int = 12
) -> NightDelta:
    """Write night ``night``'s exports into ``drop_dir``: ``size`` new, changed and removed rows per file."""
    rng = random.Random(DEFAULT_SEED * 1000 + night)
    delta = NightDelta(night)
    customers = current_export("crm/customers.jsonl", sources_dir, landing_dir).read_text(encoding="utf-8")
    # partners a customer is served by stay, so no customer loses its partner
    referenced = {json.loads(line).get("dealer_id") for line in customers.splitlines() if line.strip()}
    for relative in DELTA_FILES:
        source = current_export(relative, sources_dir, landing_dir)
        change = _CHANGES[relative]
        data, counts = change(source.read_bytes(), night, size, rng, referenced)
        target = drop_dir / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".part")  # the sensor ignores a file still being written
        partial.write_bytes(data)
        partial.replace(target)
        delta.files[relative] = counts
    return delta


def _counts(added: int, changed: int, removed: int) -> dict[str, int]:
    return {"added": added, "changed": changed, "removed": removed}


def _change_crm_partners(
    data: bytes, night: int, size: int, rng: random.Random, referenced: set[str]
) -> tuple[bytes, dict[str, int]]:
    rows = [json.loads(line) for line in data.decode("utf-8").splitlines() if line.strip()]
    referenced = referenced | {row.get("parent_acct_id") for row in rows}
    removable = [
        i
        for i, row in enumerate(rows)
        if row["acct_id"] not in referenced and row.get("parent_acct_id") is None
    ]
    removed = set(rng.sample(removable, size))
    changed = rng.sample([i for i in range(len(rows)) if i not in removed], size)
    for i in changed:
        rows[i]["contact"] = {**(rows[i].get("contact") or {}), "phone": f"139{rng.randrange(10**8):08d}"}
    added = []
    for n in range(size):
        template = dict(rng.choice(rows))
        city = (template.get("address") or {}).get("city") or "杭州市"
        template.update(
            acct_id=f"A-9{night:03d}{n:03d}",
            acct_name=f"{city}{rng.choice(NEW_TRADE_NAMES)}{night:02d}{n:02d}商贸有限公司",
            uscc=None,
            parent_acct_id=None,
            contact={"name": "新客户", "phone": f"138{rng.randrange(10**8):08d}", "email": None},
        )
        added.append(template)
    kept = [row for i, row in enumerate(rows) if i not in removed] + added
    text = "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in kept)
    return text.encode("utf-8"), _counts(size, size, size)


def _change_crm_customers(
    data: bytes, night: int, size: int, rng: random.Random, referenced: set[str]
) -> tuple[bytes, dict[str, int]]:
    rows = [json.loads(line) for line in data.decode("utf-8").splitlines() if line.strip()]
    removed = set(rng.sample(range(len(rows)), size))
    changed = rng.sample([i for i in range(len(rows)) if i not in removed], size)
    for i in changed:
        rows[i]["phone"] = f"137{rng.randrange(10**8):08d}"
    added = []
    for n in range(size):
        template = dict(rng.choice(rows))
        template.update(
            cust_id=f"CU9{night:03d}{n:03d}",
            name=f"{rng.choice('赵钱孙李周吴郑王')}{rng.choice(NEW_TRADE_NAMES)}",
            phone=f"136{rng.randrange(10**8):08d}",
            uscc=None,
        )
        added.append(template)
    kept = [row for i, row in enumerate(rows) if i not in removed] + added
    text = "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in kept)
    return text.encode("utf-8"), _counts(size, size, size)


def _change_dms_orders(
    data: bytes, night: int, size: int, rng: random.Random, referenced: set[str]
) -> tuple[bytes, dict[str, int]]:
    text = data.decode("gbk")
    newline = "\r\n" if "\r\n" in text else "\n"
    reader = csv.reader(io.StringIO(text))
    header, *rows = list(reader)
    column = {name: i for i, name in enumerate(header)}
    removed = set(rng.sample(range(len(rows)), size))
    changed = rng.sample([i for i in range(len(rows)) if i not in removed], size)
    for i in changed:
        row = rows[i]
        quantity = int(float(row[column["qty"]])) + 1
        row[column["qty"]] = str(quantity)
        row[column["amount"]] = f"{quantity * float(row[column['unit_price']]):.2f}"
    added = []
    for n in range(size):
        line = list(rng.choice(rows))
        line[column["order_no"]] = f"SO9{night:03d}{n:05d}"
        line[column["line_no"]] = "1"
        added.append(line)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator=newline)
    writer.writerow(header)
    writer.writerows([row for i, row in enumerate(rows) if i not in removed] + added)
    return out.getvalue().encode("gbk"), _counts(size, size, size)


_CHANGES = {
    "crm/partners.jsonl": _change_crm_partners,
    "crm/customers.jsonl": _change_crm_customers,
    "dms/orders.csv": _change_dms_orders,
}
