"""Sampled mode with both sides in database tables: the sample is drawn inside the database and only the
drawn rows are read. SQLite always, PostgreSQL and MariaDB/MySQL when their env vars reach a server.

The drawn keys must be the ones anyone can recompute from the keys and the seed (sha256 of seed and key,
smallest first, the zero-defect size per stratum), and the same the in-memory path draws from files.
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

import sqlalchemy as sa

from migration.cutover import load_compare_config, run_comparison
from migration.sampling import zero_defect_sample_size
from tests.compare.conftest import (
    NEW_HEADER,
    OLD_HEADER,
    as_new,
    customer_entity,
    customers,
    write_csv_file,
    write_yaml,
)

SEED = 20261126


def _fill(url: str, table: str, header: list[str], rows: list[list[str]], primary_key: bool = False) -> None:
    engine = sa.create_engine(url)
    columns = [
        sa.Column(name, sa.String(100), primary_key=primary_key and i == 0) for i, name in enumerate(header)
    ]
    target = sa.Table(table, sa.MetaData(), *columns)
    with engine.begin() as connection:
        target.create(connection)
        connection.execute(sa.insert(target), [dict(zip(header, row, strict=True)) for row in rows])
    engine.dispose()


def _expected(keys: list[str], n: int) -> list[str]:
    """The n keys with the smallest sha256(seed, key), recomputed here from scratch."""
    return sorted(keys, key=lambda k: hashlib.sha256(f"{SEED}\x1f{k}".encode()).hexdigest())[:n]


def _run(tmp_path: Path, monkeypatch, old: dict, new: dict, **extra):
    entity = customer_entity("unused.csv", new, **extra)
    entity["old"] = old
    config = write_yaml(
        tmp_path / "compare.yaml",
        {"mode": "sampled", "seed": SEED, "entities": {"customer": entity}},
    )
    return run_comparison(load_compare_config(config))


def _tables(url: str, name, old: list[list[str]], new: list[list[str]]) -> tuple[str, str]:
    old_table, new_table = name("old"), name("new")
    _fill(url, old_table, OLD_HEADER, old)
    _fill(url, new_table, NEW_HEADER, new)
    return old_table, new_table


def test_the_database_draws_the_keys_anyone_can_recompute_and_finds_a_planted_mismatch(
    server, tmp_path, monkeypatch, caplog
):
    url, name = server
    old = customers(1500)
    n = zero_defect_sample_size(0.95, 0.01)
    expected = _expected([r[0] for r in old], n)
    new = [as_new(r) for r in old]
    changed = expected[7]
    new[int(changed[1:])][1] = "改过的名字"  # a sampled customer whose name changed
    gone = next(r[0] for r in old if r[0] not in expected)
    new = [r for r in new if r[0] != gone]  # an unsampled customer missing on the new side
    new.append(list(new[0]))  # a repeated key on the new side
    old_table, new_table = _tables(url, name, old, new)
    monkeypatch.setenv("OLD_SYSTEM_URL", url)
    monkeypatch.setenv("NEW_SYSTEM_URL", url)
    with caplog.at_level(logging.INFO, logger="migration.cutover.run"):
        result = _run(
            tmp_path, monkeypatch,
            {"url_env": "OLD_SYSTEM_URL", "table": old_table}, {"url_env": "NEW_SYSTEM_URL", "table": new_table},
        )  # fmt: skip
    assert "reading the tables" not in caplog.text
    assert [k.key for k in result.sampled_keys] == sorted(
        expected, key=lambda k: hashlib.sha256(f"{SEED}\x1f{k}".encode()).hexdigest()
    )
    checks = {c.check: c for c in result.checks}
    assert checks["row_counts"].figures == {"old_rows": 1500, "new_rows": 1500, "difference": 0}  # -1 +1
    assert checks["duplicate_keys"].rows == [["new", new[0][0], 2, ""]]
    coverage = checks["key_coverage"]
    assert coverage.figures["missing_on_new"] == 1 and coverage.figures["missing_on_old"] == 0
    assert coverage.rows == [["missing on the new side", gone, "old", ""]]
    sample = checks["sample"]
    assert not sample.accepted
    assert sample.statement.startswith("1 mismatch in 299 sampled customers of 1,500")
    assert [(r[0], r[3], r[6]) for r in sample.rows] == [(changed, "客户名称", "改过的名字")]
    defects = [k.key for k in result.sampled_keys if k.defect]
    assert defects == [changed]


def test_each_stratum_is_drawn_in_the_database_as_it_is_from_files(server, tmp_path, monkeypatch):
    url, name = server
    old = customers(1500)
    new = [as_new(r) for r in old]
    for index in range(0, 1500, 97):
        new[index][5] = "2000-01-01"  # some created dates lost in migration
    old_table, new_table = _tables(url, name, old, new)
    monkeypatch.setenv("OLD_SYSTEM_URL", url)
    monkeypatch.setenv("NEW_SYSTEM_URL", url)
    in_database = _run(
        tmp_path, monkeypatch,
        {"url_env": "OLD_SYSTEM_URL", "table": old_table}, {"url_env": "NEW_SYSTEM_URL", "table": new_table},
        strata=["渠道级别"],
    )  # fmt: skip
    write_csv_file(tmp_path / "old.csv", OLD_HEADER, old)
    write_csv_file(tmp_path / "new.csv", NEW_HEADER, new)
    from_files = _run(tmp_path, monkeypatch, {"file": "old.csv"}, "new.csv", strata=["渠道级别"])

    def drawn(result):
        return [(k.stratum, k.key, k.defect, k.mismatched_columns) for k in result.sampled_keys]

    assert drawn(in_database) == drawn(from_files)
    for tier, stratum in (("一批", "1"), ("二批", "2")):  # strata are named as the rule maps them
        keys = [r[0] for r in old if r[2] == tier]
        assert {k.key for k in in_database.sampled_keys if k.stratum == stratum} == set(_expected(keys, 299))
    sample = {c.check: c for c in in_database.checks}["sample"]
    assert sample.statement == {c.check: c for c in from_files.checks}["sample"].statement
    assert not sample.accepted and sample.figures["strata"][0]["population"] == 750


def test_tables_on_two_servers_have_their_keys_counted_and_every_sampled_key_looked_up(tmp_path, monkeypatch):
    old = customers(400)
    new = [as_new(r) for r in old][:-1]
    _fill(f"sqlite:///{tmp_path / 'old.sqlite'}", "customer", OLD_HEADER, old, primary_key=True)
    _fill(f"sqlite:///{tmp_path / 'new.sqlite'}", "customer", NEW_HEADER, new, primary_key=True)
    monkeypatch.setenv("OLD_SYSTEM_URL", f"sqlite:///{tmp_path / 'old.sqlite'}")
    monkeypatch.setenv("NEW_SYSTEM_URL", f"sqlite:///{tmp_path / 'new.sqlite'}")
    result = _run(
        tmp_path, monkeypatch,
        {"url_env": "OLD_SYSTEM_URL", "table": "customer"}, {"url_env": "NEW_SYSTEM_URL", "table": "customer"},
    )  # fmt: skip
    checks = {c.check: c for c in result.checks}
    assert checks["duplicate_keys"].accepted  # the primary keys refuse repeats
    assert checks["row_counts"].figures == {"old_rows": 400, "new_rows": 399, "difference": -1}
    coverage = checks["key_coverage"]
    assert not coverage.accepted
    assert "old side holds 400 distinct keys (customers) and the new side 399 (-1)" in coverage.statement
    assert "counted, not matched one by one" in coverage.statement
    sampled = {k.key: k for k in result.sampled_keys}
    assert len(sampled) == 299 and set(sampled) == set(_expected([r[0] for r in old], 299))
    if old[-1][0] in sampled:
        assert sampled[old[-1][0]].mismatched_columns == "(missing on the new side)"


def test_a_key_stored_in_another_spelling_makes_the_comparison_read_the_tables(tmp_path, monkeypatch, caplog):
    old = customers(300)
    old[5][0] = "Ｃ00005"  # full width: compared as C00005, so hashed as C00005 by the in-memory path
    url = f"sqlite:///{tmp_path / 'both.sqlite'}"
    _fill(url, "old_customer", OLD_HEADER, old)
    _fill(url, "new_customer", NEW_HEADER, [as_new(r) for r in old])
    monkeypatch.setenv("OLD_SYSTEM_URL", url)
    monkeypatch.setenv("NEW_SYSTEM_URL", url)
    with caplog.at_level(logging.INFO, logger="migration.cutover.run"):
        result = _run(
            tmp_path, monkeypatch,
            {"url_env": "OLD_SYSTEM_URL", "table": "old_customer"}, {"url_env": "NEW_SYSTEM_URL", "table": "new_customer"},
        )  # fmt: skip
    assert "reading the tables" in caplog.text
    assert "C00005" in {k.key for k in result.sampled_keys}  # a census of 300: every key, normalised
    assert result.accepted
