"""Migration waves: the part of the data one load or one comparison covers.

A migration moves in small pilots first (分批次、小范围测试): one region, a list of partners, or one
entity at a time, each reconciled and signed before the next. A :class:`Scope` says which wave a
command covers; it is written as ``--scope`` options:

* ``region=华东`` (several: ``region=华东,华南``) — the partners of these sales regions and what hangs
  off them (their customers, balances, orders);
* ``partners=P0001,P0002`` or ``partners=wave2_partners.txt`` — these partner codes (a file holds one
  code per line, or a csv whose first column holds them; blank lines and ``#`` comments are skipped);
* ``entity=customer`` (several: ``entity=partner,customer``) — only these entities.

Several ``--scope`` options narrow each other: ``--scope region=华东 --scope entity=order``.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from difflib import get_close_matches
from pathlib import Path

from foundation.errors import UserError

WAVE_TAG = "channel_mdm/wave"
"""The Dagster run tag that carries a run's wave (:meth:`Scope.to_dict` as JSON); no tag: everything."""
SCOPE_KINDS = ("region", "partners", "entity")
SCOPE_HELP = (
    "one migration wave: region=华东[,华南], partners=CODE[,CODE] or partners=FILE (one code per line), "
    "entity=customer[,order]; repeat --scope to narrow"
)


@dataclass(frozen=True)
class Scope:
    """The wave a load or a comparison covers; empty fields do not narrow."""

    regions: tuple[str, ...] = ()
    partners: tuple[str, ...] = ()
    entities: tuple[str, ...] = ()
    partners_source: str = ""
    """Where the partner codes came from (a file name, or ``""`` when listed on the command line)."""

    @property
    def is_whole(self) -> bool:
        return not (self.regions or self.partners or self.entities)

    @property
    def label(self) -> str:
        """How reports and the terminal name the wave: ``region=华东; partners=12 codes from wave2.txt``."""
        if self.is_whole:
            return "everything (no wave)"
        parts = []
        if self.regions:
            parts.append("region=" + ",".join(self.regions))
        if self.partners:
            shown = ",".join(self.partners) if len(self.partners) <= 5 else f"{len(self.partners):,} codes"
            parts.append(
                f"partners={shown}" + (f" from {self.partners_source}" if self.partners_source else "")
            )
        if self.entities:
            parts.append("entity=" + ",".join(self.entities))
        return "; ".join(parts)

    @property
    def folder_name(self) -> str:
        """A folder name for the wave's reports, so one wave's reports never overwrite another's."""
        if self.is_whole:
            return ""
        text = self.label.replace("; ", "_").replace("=", "-").replace(",", "+")
        text = re.sub(r"[^\w+\-.]", "_", text)
        return "wave_" + text[:80]

    def includes_entity(self, entity: str) -> bool:
        return not self.entities or entity in self.entities

    def to_dict(self) -> dict[str, object]:
        return {
            "label": self.label,
            "regions": list(self.regions),
            "partners": list(self.partners),
            "partners_source": self.partners_source,
            "entities": list(self.entities),
        }

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> Scope:
        """The scope :meth:`to_dict` wrote."""

        def texts(name: str) -> tuple[str, ...]:
            values = data.get(name) or []
            return tuple(str(v) for v in values) if isinstance(values, list) else ()

        return cls(
            texts("regions"), texts("partners"), texts("entities"), str(data.get("partners_source") or "")
        )


def parse_scope(options: list[str] | None, folder: Path | None = None) -> Scope:
    """The :class:`Scope` that ``--scope`` options describe; a mistake is one :class:`UserError` line.

    ``folder``: where a relative partner-list file is looked for (default: the working directory).
    """
    regions: list[str] = []
    partners: list[str] = []
    entities: list[str] = []
    source = ""
    for option in options or []:
        text = unicodedata.normalize("NFKC", option).strip()
        kind, equals, value = text.partition("=")
        kind, value = kind.strip().lower(), value.strip()
        if not equals or kind not in SCOPE_KINDS:
            close = get_close_matches(kind, SCOPE_KINDS, n=1, cutoff=0.6)
            hint = f"; did you mean {close[0]}=…?" if close else ""
            raise UserError(
                f"--scope {option!r}: not a wave{hint}; write region=华东, partners=CODES_OR_FILE or entity=customer"
            )
        if not value:
            raise UserError(f"--scope {option!r}: give the {kind} after '=' (e.g. --scope {kind}=…)")
        if kind == "partners":
            codes, source = _partner_codes(value, folder or Path.cwd(), option)
            partners += codes
        else:
            values = [v.strip() for v in value.split(",") if v.strip()]
            (regions if kind == "region" else entities).extend(values)
    return Scope(
        tuple(dict.fromkeys(regions)), tuple(dict.fromkeys(partners)), tuple(dict.fromkeys(entities)), source
    )


def _partner_codes(value: str, folder: Path, option: str) -> tuple[list[str], str]:
    path = Path(value) if Path(value).is_absolute() else folder / value
    if not path.is_file():
        if "/" in value or "\\" in value or value.lower().endswith((".txt", ".csv")):
            raise UserError(
                f"--scope {option!r}: file {path} not found; give a file of partner codes or a list"
            )
        return [v.strip() for v in value.split(",") if v.strip()], ""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(
            f"{path}: cannot read the partner list ({type(exc).__name__}); save it as UTF-8 text"
        ) from None
    codes = []
    for row in csv.reader(text.splitlines()):
        first = unicodedata.normalize("NFKC", row[0]).strip() if row else ""
        if first and not first.startswith("#"):
            codes.append(first)
    if not codes:
        raise UserError(f"{path}: the partner list holds no code; put one partner code per line")
    return codes, path.name
