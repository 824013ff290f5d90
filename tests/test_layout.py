"""The floors of the code: every import points down.

`salvage/` (the command line) is the top floor: no room below it may import it, or a library call would drag in the
CLI (Typer, its console, its settings) and the CLI could no longer change without breaking the rooms it drives.
`contracts/` is the bottom floor: it imports no other room. Imports are read with `ast` (every `import` and
`from ... import`, at module level or inside a function, and `importlib.import_module` / `__import__` of a
constant name), so a comment or a string that mentions `salvage` is not an import.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LOWER_ROOMS = ("warehouse", "alerts", "schedules", "pipelines", "crawlers", "normalizers", "contracts", "replicas")
ROOMS = LOWER_ROOMS + ("salvage",)


def imported_modules(source: str, filename: str = "<string>") -> list[tuple[int, str]]:
    """(line, absolute module name) of every import in the source; relative imports are left out (they stay in
    their own package)."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source, filename)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
        elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant) \
                and isinstance(node.args[0].value, str):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
            if name in ("import_module", "__import__"):
                found.append((node.lineno, node.args[0].value))
    return found


def room_of(module: str) -> str:
    return module.split(".", 1)[0]


def violations(folder: str, forbidden: set[str], root: Path = ROOT) -> list[str]:
    """`path:line imports module` for every import in the folder's Python files of a room in ``forbidden``."""
    bad = []
    for path in sorted((root / folder).rglob("*.py")):
        for line, module in imported_modules(path.read_text("utf-8"), str(path)):
            if room_of(module) in forbidden:
                bad.append(f"{path.relative_to(root)}:{line} imports {module}")
    return bad


@pytest.mark.parametrize("folder", LOWER_ROOMS)
def test_no_room_below_the_command_line_imports_it(folder: str):
    assert (ROOT / folder).is_dir(), f"{folder}/ is gone: update LOWER_ROOMS and the README's layout"
    assert violations(folder, {"salvage"}) == [], (
        f"{folder}/ imports the command line (salvage/): move the shared code down into {folder}/ or contracts/")


def test_contracts_is_the_bottom_floor():
    assert violations("contracts", set(ROOMS) - {"contracts"}) == []


def test_the_checker_sees_every_way_of_importing_the_command_line():
    source = """
import json
import salvage
import salvage.cli as cli
from salvage.demo import run_demo
from salvage import cli
def later():
    from salvage.reparse import reparse
    importlib.import_module("salvage.cli")
    __import__("salvage")
from . import sibling  # relative: stays in its package
x = "from salvage import cli"  # a string, not an import
"""
    found = [m for _, m in imported_modules(source) if room_of(m) == "salvage"]
    assert found == ["salvage", "salvage.cli", "salvage.demo", "salvage", "salvage.reparse", "salvage.cli",
                     "salvage"]


def test_the_checker_fails_a_room_that_imports_the_command_line(tmp_path: Path):
    room = tmp_path / "warehouse"
    room.mkdir()
    (room / "ok.py").write_text("from contracts.models import Lot\n", "utf-8")
    (room / "bad.py").write_text("import duckdb\n\n\ndef f():\n    from salvage.cli import app\n", "utf-8")
    assert violations("warehouse", {"salvage"}, root=tmp_path) == ["warehouse/bad.py:5 imports salvage.cli"]
