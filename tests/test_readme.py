"""The README tells the truth: on the demo's warehouse every view it documents has rows, every SQL and Python block
runs, and each of the ten analyst questions returns rows; every command and every source it must name, it names."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest
import typer

from crawlers.runner import sources
from salvage.cli import app

pytestmark = pytest.mark.slow

README = Path(__file__).resolve().parents[1] / "README.md"
QUESTIONS = "Questions and their SQL"


def section(title: str, text: str | None = None) -> str:
    """The text of the README's `## title` section, up to the next `## ` heading."""
    text = README.read_text("utf-8") if text is None else text
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", text, re.S | re.M)
    assert match, f"README.md has no '## {title}' section"
    return match.group(1)


def blocks(language: str, text: str) -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)^```", text, re.S | re.M)


def documented_views() -> list[str]:
    return re.findall(r"^\| `(\w+)` \|", section("The views"), re.M)


def run_sql(con: duckdb.DuckDBPyConnection, block: str) -> list[list[tuple]]:
    """Every statement of the block, in order: the rows each returned."""
    return [con.execute(statement).fetchall() for statement in con.extract_statements(block)]


@pytest.fixture(scope="module")
def demo_con(demo_db: Path):
    con = duckdb.connect(str(demo_db), read_only=True)
    con.execute("SET TimeZone = 'Asia/Shanghai'")
    yield con
    con.close()


def test_every_view_of_the_warehouse_is_documented_and_has_rows_on_the_demo(demo_con):
    documented = documented_views()
    actual = {v for (v,) in demo_con.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall()}
    assert sorted(set(documented)) == sorted(actual), "README.md's view table and the warehouse's views differ"
    empty = [v for v in documented if demo_con.execute(f'SELECT count(*) FROM "{v}"').fetchone()[0] == 0]
    assert empty == [], f"views with no row on the demo's warehouse: {empty}"


def test_price_drops_on_the_demo_include_relistings(demo_con):
    kinds = dict(demo_con.execute("SELECT drop_kind, count(*) FROM price_drops GROUP BY ALL").fetchall())
    assert kinds.get("relisting", 0) > 0
    # each relisting names a lot of the same asset, listed before it at a higher reserve
    wrong = demo_con.execute("""
        SELECT count(*) FROM price_drops d
        JOIN fct_lot_links k ON k.source = d.previous_source AND k.source_lot_id = d.previous_source_lot_id
        WHERE d.drop_kind = 'relisting'
          AND (k.asset_id <> d.asset_id OR d.old_reserve_price <= d.reserve_price
               OR d.source_lot_id = d.previous_source_lot_id)""").fetchone()[0]
    assert wrong == 0
    # ... and that lot is the one just before it in its asset's listing order (assets.lots)
    not_next = demo_con.execute("""
        SELECT count(*) FROM price_drops d JOIN assets a USING (asset_id)
        WHERE d.drop_kind = 'relisting'
          AND list_position([l.source_lot_id FOR l IN a.lots], d.source_lot_id)
              <> list_position([l.source_lot_id FOR l IN a.lots], d.previous_source_lot_id) + 1""").fetchone()[0]
    assert not_next == 0


def test_the_ten_questions_each_return_rows_on_the_demo(demo_con):
    questions = re.findall(r"^### (\d+)\. (.+?)\n(.*?)(?=^### |\Z)", section(QUESTIONS), re.S | re.M)
    assert [int(n) for n, _, _ in questions] == list(range(1, 11)), "the section asks ten numbered questions"
    for n, question, body in questions:
        [sql] = blocks("sql", body)  # one query answers each question
        results = run_sql(demo_con, sql)
        assert results and results[-1], f"question {n} ({question}) has no answer on the demo"


def test_every_sql_block_of_the_readme_runs_on_the_demo(demo_con):
    sql_blocks = blocks("sql", README.read_text("utf-8"))
    assert len(sql_blocks) >= 10
    for block in sql_blocks:
        try:
            run_sql(demo_con, block)
        except duckdb.Error as exc:  # name the block in the failure
            pytest.fail(f"README.md SQL block fails on the demo: {exc}\n{block}")


def test_every_python_block_of_the_readme_runs_on_the_demo(demo_db: Path, capsys):
    python_blocks = blocks("python", README.read_text("utf-8"))
    assert python_blocks
    for block in python_blocks:
        assert "demo/salvage.duckdb" in block
        exec(compile(block.replace("demo/salvage.duckdb", str(demo_db)), "README.md", "exec"), {})
    shown = capsys.readouterr().out
    assert "price_to_claim" in shown and "version_no" in shown  # both examples printed their tables


def _command_names(group, prefix: str = "salvage") -> list[str]:  # noqa: ANN001 (Typer's own click group)
    names = []
    for name, command in sorted(group.commands.items()):
        if getattr(command, "commands", None):  # a group: its sub-commands
            names += _command_names(command, f"{prefix} {name}")
        else:
            names.append(f"{prefix} {name}")
    return names


def test_the_command_table_names_every_command():
    table = section("The command line")
    commands = _command_names(typer.main.get_command(app))
    assert len(commands) > 10
    missing = [c for c in commands if f"`{c}" not in table]
    assert missing == [], f"commands missing from README.md's command table: {missing}"


def test_the_sources_table_names_every_source():
    table = section("Sources")
    missing = [s for s in sources() if f"| `{s}` |" not in table]
    assert missing == [], f"sources missing from README.md's source table: {missing}"


def test_the_readme_promises_nothing_for_later():
    text = README.read_text("utf-8")
    assert not re.search(r"\b(coming|next release|issue \d+|TODO)\b", text, re.I)
    assert ".jsonl` — the run files" not in text
    assert "scripts/install && .venv/bin/salvage demo" in text and ".venv/bin/python -m pytest -q" in text


def test_the_checks_fail_on_a_readme_that_lies(tmp_path: Path):
    """The section and block readers the tests above rely on see what they must, and miss nothing."""
    text = ("## The views\n| view | x |\n|---|---|\n| `lots` | a |\n| `gone` | b |\n## Next\n"
            "```sql\nSELECT 1;\nSELECT 2\n```\n")
    assert re.findall(r"^\| `(\w+)` \|", section("The views", text), re.M) == ["lots", "gone"]
    con = duckdb.connect()
    assert run_sql(con, blocks("sql", text)[0]) == [[(1,)], [(2,)]]
    with pytest.raises(duckdb.Error):
        run_sql(con, "SELECT * FROM price_drops_that_do_not_exist")
