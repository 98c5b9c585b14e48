"""Translate a source's partner codes into golden partner ids through the crosswalk."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from cleansing.config_files import read_yaml_mapping
from foundation.errors import UserError

DEFAULT_REFERENCES_PATH = Path(__file__).parent / "config" / "references.yaml"


def load_partner_code_systems(path: Path = DEFAULT_REFERENCES_PATH) -> dict[str, str]:
    """source_system → the system whose partner codes it uses (see ``mdm/config/references.yaml``)."""
    document = read_yaml_mapping(path, "partner code references", "partner_code_system")
    systems = document.get("partner_code_system")
    if not isinstance(systems, dict):
        raise UserError(f"{path}: expected a 'partner_code_system:' mapping of source system → code system")
    return {str(k): str(v) for k, v in systems.items()}


def resolve_partner_golden_ids(
    frame: pd.DataFrame,
    partner_crosswalk: pd.DataFrame,
    code_systems: dict[str, str],
    code_column: str = "partner_record_id",
) -> pd.Series:
    """The golden partner id for each row's partner code (NA where the code is unknown or blank)."""
    if code_column not in frame.columns or frame.empty:
        return pd.Series(pd.NA, index=frame.index, dtype="string")
    systems = frame["source_system"].map(code_systems).fillna(frame["source_system"])
    lookup = partner_crosswalk.set_index(["source_system", "source_record_id"])["golden_id"]
    keys = pd.MultiIndex.from_arrays([systems.astype(str), frame[code_column].astype("string")])
    return pd.Series(lookup.reindex(keys).to_numpy(), index=frame.index, dtype="string")


def first_by_trust(frame: pd.DataFrame, group: str, value: str) -> pd.Series:
    """Per ``group``, the non-blank ``value`` of the most trusted row (``trust_rank``, then record id)."""
    known = frame.dropna(subset=[value])
    known = known.sort_values([group, "trust_rank", "source_system", "source_record_id"], kind="mergesort")
    return known.drop_duplicates(group).set_index(group)[value]
