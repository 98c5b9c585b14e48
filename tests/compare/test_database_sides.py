"""A side read from a database: the URL comes from the environment and never reaches a report or the terminal;
the connection is read-only. SQLite always, PostgreSQL when CHANNEL_MDM_TEST_POSTGRES_URL reaches a server."""

from __future__ import annotations

import secrets

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from channel_mdm.cli import main
from migration.cutover import load_compare_config, run_comparison
from tests.compare.conftest import NEW_HEADER, as_new, customer_entity, customers, write_csv_file, write_yaml
from tests.conftest import server_url_or_skip

SECRET = "s3cr3t-pw"


def _fill(url: str, table: str, rows: list[list[str]]) -> None:
    engine = sa.create_engine(url)
    columns = [sa.Column(name, sa.String(100)) for name in NEW_HEADER]
    target = sa.Table(table, sa.MetaData(), *columns)
    with engine.begin() as connection:
        target.drop(connection, checkfirst=True)
        target.create(connection)
        connection.execute(sa.insert(target), [dict(zip(NEW_HEADER, row, strict=True)) for row in rows])
    engine.dispose()


def _count(url: str, table: str) -> int:
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        count = connection.execute(sa.select(sa.func.count()).select_from(sa.table(table))).scalar_one()
    engine.dispose()
    return count


@pytest.fixture(
    params=[
        "sqlite",
        pytest.param("postgresql", marks=pytest.mark.postgres),
        pytest.param("mysql", marks=pytest.mark.mysql),
    ]
)
def database(request, tmp_path):
    """(URL, table name) of a scratch table on each backend; the URL holds a password where the server
    accepts one it does not need (SQLite: a folder named like one), so a leak would show."""
    table = f"new_customer_{secrets.token_hex(3)}"
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / SECRET / 'new.sqlite'}", table
        return
    if request.param == "mysql":
        server = server_url_or_skip("CHANNEL_MDM_TEST_MYSQL_URL", "MariaDB/MySQL")
        url = server
    else:
        server = server_url_or_skip("CHANNEL_MDM_TEST_POSTGRES_URL", "PostgreSQL")
        url = make_url(server).set(password=SECRET).render_as_string(hide_password=False)
    yield url, table
    engine = sa.create_engine(server)
    with engine.begin() as connection:
        sa.Table(table, sa.MetaData()).drop(connection, checkfirst=True)
    engine.dispose()


def test_new_side_from_a_database_table_and_a_query(database, tmp_path, monkeypatch, capsys):
    url, table = database
    (tmp_path / SECRET).mkdir(exist_ok=True)
    old = customers(30)
    _fill(url, table, [as_new(r) for r in old[:-1]])
    write_csv_file(
        tmp_path / "old.csv", ["客户编码", "客户名称", "渠道级别", "应收余额", "币种", "建档日期"], old
    )
    monkeypatch.setenv("NEW_SYSTEM_URL", url)
    entity = customer_entity("old.csv", {"url_env": "NEW_SYSTEM_URL", "table": table})
    config = write_yaml(tmp_path / "compare.yaml", {"entities": {"customer": entity}})
    assert main(["compare", str(config), "--out", str(tmp_path / "out")]) == 1
    out = capsys.readouterr()
    assert "1 key of the old side is missing on the new side" in out.out
    for name in ("comparison.html", "comparison.json"):
        text = (tmp_path / "out" / name).read_text(encoding="utf-8")
        assert f"$NEW_SYSTEM_URL/{table}" in text
        assert SECRET not in text and url not in text
    assert SECRET not in out.out + out.err

    query = f"SELECT * FROM {table} WHERE code <> 'C00003'"
    entity = customer_entity("old.csv", {"url_env": "NEW_SYSTEM_URL", "query": query})
    write_yaml(tmp_path / "compare.yaml", {"entities": {"customer": entity}})
    assert main(["compare", str(config), "--out", str(tmp_path / "out")]) == 1
    assert "2 keys of the old side are missing on the new side" in capsys.readouterr().out


@pytest.mark.postgres
def test_a_query_that_writes_is_refused_by_the_read_only_connection(tmp_path, monkeypatch, capsys):
    server = server_url_or_skip("CHANNEL_MDM_TEST_POSTGRES_URL", "PostgreSQL")
    table = f"new_customer_{secrets.token_hex(3)}"
    old = customers(3)
    _fill(server, table, [as_new(r) for r in old])
    try:
        write_csv_file(
            tmp_path / "old.csv", ["客户编码", "客户名称", "渠道级别", "应收余额", "币种", "建档日期"], old
        )
        monkeypatch.setenv("NEW_SYSTEM_URL", server)
        query = f"WITH gone AS (DELETE FROM {table} RETURNING *) SELECT * FROM gone"
        entity = customer_entity("old.csv", {"url_env": "NEW_SYSTEM_URL", "query": query})
        config = write_yaml(tmp_path / "compare.yaml", {"entities": {"customer": entity}})
        assert main(["compare", str(config), "--out", str(tmp_path / "out")]) == 2
        assert capsys.readouterr().err.startswith(
            "channel-mdm compare: error: $NEW_SYSTEM_URL/query: cannot read from the database in $NEW_SYSTEM_URL: "
        )
        assert _count(server, table) == 3
    finally:
        engine = sa.create_engine(server)
        with engine.begin() as connection:
            sa.Table(table, sa.MetaData()).drop(connection, checkfirst=True)
        engine.dispose()


def test_a_column_missing_from_a_table_is_named_with_the_real_ones(tmp_path, monkeypatch, capsys):
    url = f"sqlite:///{tmp_path / 'new.sqlite'}"
    _fill(url, "customer", [as_new(r) for r in customers(2)])
    write_csv_file(
        tmp_path / "old.csv",
        ["客户编码", "客户名称", "渠道级别", "应收余额", "币种", "建档日期"],
        customers(2),
    )
    monkeypatch.setenv("NEW_SYSTEM_URL", url)
    entity = customer_entity("old.csv", {"url_env": "NEW_SYSTEM_URL", "table": "customer"})
    entity["columns"]["客户名称"] = "nmae"
    config = write_yaml(tmp_path / "compare.yaml", {"entities": {"customer": entity}})
    assert main(["compare", str(config), "--out", str(tmp_path / "out")]) == 2
    assert capsys.readouterr().err == (
        "channel-mdm compare: error: $NEW_SYSTEM_URL/customer: no column 'nmae' on the new side; did you mean "
        "'name'? (columns: code, name, tier, balance, currency, created_on)\n"
    )


def test_a_sampled_comparison_against_a_table_finds_what_the_same_rows_in_a_file_find(
    database, tmp_path, monkeypatch
):
    """In sampled mode a table is read whole only in its key, strata and totals columns; the compared
    columns are fetched for the sampled rows. The outcome must not depend on that."""
    url, table = database
    (tmp_path / SECRET).mkdir(exist_ok=True)
    old = customers(1500)
    new = [as_new(r) for r in old]
    new[1][1] = "改过的名字"  # one customer whose name changed; whether the sample draws it, both must agree
    new[2][3] = "0.00"
    for index in range(0, 1500, 7):
        new[index][5] = "2000-01-01"
    _fill(url, table, new)
    write_csv_file(tmp_path / "new.csv", NEW_HEADER, new)
    write_csv_file(
        tmp_path / "old.csv", ["客户编码", "客户名称", "渠道级别", "应收余额", "币种", "建档日期"], old
    )
    monkeypatch.setenv("NEW_SYSTEM_URL", url)
    extra = {"strata": ["渠道级别"], "control_totals": [{"sum": "应收余额", "by": ["币种"]}]}
    outcomes = []
    for new_side in ("new.csv", {"url_env": "NEW_SYSTEM_URL", "table": table}):
        entity = customer_entity("old.csv", new_side, **extra)
        config = write_yaml(tmp_path / "compare.yaml", {"mode": "sampled", "entities": {"customer": entity}})
        result = run_comparison(load_compare_config(config))
        # rows are numbered as each source counts them (a file from its header line, a table from 1)
        outcomes.append(
            [
                (
                    c.check,
                    c.accepted,
                    c.statement,
                    [r[:2] + r[3:] if c.check == "sample" else r for r in c.rows],
                )
                for c in result.checks
                if c.check != "row_counts"
            ]
            + [[(k.key, k.defect, k.mismatched_columns) for k in result.sampled_keys]]
        )
    assert outcomes[0] == outcomes[1]
    sample = next(c for c in outcomes[1] if c[0] == "sample")
    assert not sample[1] and len(sample[3]) > 10  # the changed dates are found in the fetched rows
