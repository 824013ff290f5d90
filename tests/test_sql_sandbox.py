"""`salvage sql` reads the warehouse and nothing else: other databases, files, extensions and settings are refused
with a message naming the refusal and exit code 3, while ordinary queries on the views still work."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from salvage.cli import app
from warehouse.db import connect

runner = CliRunner()


@pytest.fixture()
def warehouse(tmp_path: Path) -> Path:
    db = tmp_path / "w.duckdb"
    connect(db).close()
    return db


@pytest.fixture()
def other(tmp_path: Path) -> Path:
    path = tmp_path / "other.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE dim_lots AS SELECT 1 AS x")
    con.close()
    return path


def sql(db: Path, query: str):
    return runner.invoke(app, ["sql", query, "--db", str(db)])


def assert_refused(result) -> None:
    assert result.exit_code == 3, result.output
    assert "refused" in result.output and "salvage sql" in result.output


def test_ordinary_queries_on_the_views_still_work(warehouse):
    result = sql(warehouse, "SELECT count(*) AS n FROM lots")
    assert result.exit_code == 0, result.output
    assert "0" in result.output
    result = runner.invoke(app, ["sql", "SELECT status, count(*) FROM crawl_runs GROUP BY ALL", "--db",
                                 str(warehouse), "--csv"])
    assert result.exit_code == 0 and result.output.splitlines()[0] == "status,count_star()"


def test_attaching_another_warehouse_read_write_is_refused_and_it_is_untouched(warehouse, other):
    assert_refused(sql(warehouse, f"ATTACH '{other}' AS rw (READ_WRITE); DELETE FROM rw.dim_lots"))
    con = duckdb.connect(str(other), read_only=True)
    assert con.execute("SELECT count(*) FROM dim_lots").fetchone() == (1,)
    con.close()


def test_copy_to_a_file_is_refused_and_the_file_is_untouched(warehouse, tmp_path):
    target = tmp_path / "precious.txt"
    target.write_text("keep me", encoding="utf-8")
    assert_refused(sql(warehouse, f"COPY (SELECT 1) TO '{target}' (FORMAT csv)"))
    assert target.read_text(encoding="utf-8") == "keep me"


def test_reading_any_other_file_is_refused(warehouse):
    result = sql(warehouse, "SELECT * FROM read_csv('/etc/passwd')")
    assert_refused(result)
    assert "root:" not in result.output


@pytest.mark.parametrize("query", ["INSTALL httpfs", "LOAD httpfs", "SET enable_external_access = true",
                                   "SET autoinstall_known_extensions = true", "RESET lock_configuration"])
def test_extensions_and_settings_are_refused(warehouse, query):
    assert_refused(sql(warehouse, query))


def test_a_plain_mistake_is_an_error_not_a_refusal(warehouse):
    result = sql(warehouse, "SELECT nope FROM lots")
    assert result.exit_code == 1 and "nope" in result.output and "refused" not in result.output


@pytest.mark.parametrize("query", ["ATTACH ':memory:' AS scratch", "DETACH scratch", "USE memory",
                                   "SELECT count(*) FROM lots; DROP VIEW lots", "CALL pragma_version()"])
def test_only_queries_run_and_a_query_followed_by_another_statement_runs_nothing(warehouse, query):
    assert_refused(sql(warehouse, query))
    assert "queries only" in sql(warehouse, query).output
    assert sql(warehouse, "SELECT count(*) FROM lots").exit_code == 0


@pytest.mark.parametrize("query", ["PRAGMA show_tables", "EXPLAIN SELECT * FROM lots",
                                   "WITH x AS (SELECT 1 AS a) SELECT a FROM x", "DESCRIBE lots"])
def test_every_kind_of_query_still_runs(warehouse, query):
    result = sql(warehouse, query)
    assert result.exit_code == 0, result.output
