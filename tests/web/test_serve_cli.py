"""The `salvage serve` command's own checks, before any server starts."""

from pathlib import Path

from typer.testing import CliRunner

from salvage.cli import app


def test_serve_without_a_warehouse_says_how_to_get_one(tmp_path: Path):
    result = CliRunner().invoke(app, ["serve", "--db", str(tmp_path / "none.duckdb")])
    assert result.exit_code == 1
    assert "no warehouse at" in result.output and "salvage demo" in result.output


def test_serve_help_names_its_options():
    result = CliRunner().invoke(app, ["serve", "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    for option in ("--db", "--host", "--port", "--allow-host"):
        assert option in result.output
    assert "127.0.0.1" in result.output and "8765" in result.output
