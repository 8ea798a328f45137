"""``acupath`` imports a command's module only when that command runs: ``--help`` imports nothing heavy.

Not timed (speed lives in ``benchmarks/cli_startup.py``): the test reads which modules a fresh
interpreter imported (``python -X importtime`` writes one line per module to stderr).
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import typer
from typer.testing import CliRunner

from acupath.cli import build_app
from acupath.cli.commands import COMMANDS

HEAVY = ("numpy", "scipy", "pydantic", "sqlalchemy", "fastapi", "matplotlib", "rich", "yaml", "uvicorn",
         "acupath.knowledge", "acupath.services", "acupath.storage", "acupath.cli.demo", "acupath.evidence")


def imported_modules(*argv: str) -> set[str]:
    """Return every module a fresh ``acupath ARGV`` imported; fails when the command fails."""
    code = f"import sys; from acupath.cli import main; main({list(argv)!r})"
    done = subprocess.run([sys.executable, "-X", "importtime", "-c", code], capture_output=True, text=True,
                          check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    lines = [line.split("|")[-1] for line in done.stderr.splitlines() if line.startswith("import time:")]
    return {name.strip() for name in lines[1:]}  # the first line is the column header


def heavy_among(modules: set[str], heavy: tuple[str, ...] = HEAVY) -> list[str]:
    return sorted(m for m in modules if any(m == h or m.startswith(h + ".") for h in heavy))


def test_help_imports_nothing_heavy() -> None:
    modules = imported_modules("--help")
    assert "typer" in modules  # the reading works: the CLI framework itself is there
    assert heavy_among(modules) == []


def test_score_imports_only_what_scoring_needs(tmp_path) -> None:
    answers = tmp_path / "a.json"
    answers.write_text(json.dumps({"nrs": 4}))
    modules = imported_modules("score", "nrs", "--answers", str(answers))
    assert "acupath.assessment.scoring" in modules
    assert heavy_among(modules, ("numpy", "scipy", "sqlalchemy", "fastapi", "matplotlib", "rich",
                                 "acupath.services", "acupath.cli.demo", "acupath.evidence")) == []


def test_every_listed_command_is_registered_by_its_module() -> None:
    registered: dict[str, set[str]] = {}
    for module_name in {module for module, _ in COMMANDS.values()}:
        app = typer.Typer()
        __import__(module_name, fromlist=["register"]).register(app)
        registered[module_name] = set(typer.main.get_group(app).commands)
    assert set().union(*registered.values()) == set(COMMANDS)
    for name, (module_name, summary) in COMMANDS.items():
        assert name in registered[module_name] and summary.endswith("."), name


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_shows_its_own_help(name) -> None:
    result = CliRunner().invoke(build_app(), [name, "--help"])
    assert result.exit_code == 0, result.output
    assert f"acupath {name}" in result.output or f"root {name}" in result.output
