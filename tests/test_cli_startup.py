"""The command line starts without importing the stages: commands load when they run."""

from __future__ import annotations

import inspect
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from typer import _click as click
from typer.testing import CliRunner

from sanctionwatch import cli
from sanctionwatch.clikit import LazyGroup, module_commands

REPO = Path(__file__).resolve().parents[1]
EXAMPLE_LIST = REPO / "examples" / "lists" / "un_dprk_sample.xml"
HEAVY = ("spacy", "followthemoney", "sqlalchemy", "fastapi", "networkx", "numpy", "rapidfuzz")


def _run_python(code: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO / "src"), "COLUMNS": "120"}
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120
    )


def _modules_after(statement: str) -> set[str]:
    """Top-level names in ``sys.modules`` after running ``statement`` in a fresh interpreter."""
    code = (
        "import json, sys\n"
        f"{statement}\n"
        "sys.stderr.write('MODULES=' + json.dumps(sorted(sys.modules)))\n"
    )
    result = _run_python(code)
    assert "MODULES=" in result.stderr, result.stderr[-2000:]
    return set(json.loads(result.stderr.rsplit("MODULES=", 1)[1]))


def test_importing_the_cli_imports_no_stage() -> None:
    modules = _modules_after("import sanctionwatch.cli")
    for heavy in HEAVY:
        assert heavy not in modules, f"importing sanctionwatch.cli imported {heavy}"
    stages = {m for m in modules if m.startswith("sanctionwatch.")}
    assert stages <= {"sanctionwatch.cli", "sanctionwatch.clikit", "sanctionwatch.settings"}


def test_root_help_imports_no_stage() -> None:
    modules = _modules_after(
        "from sanctionwatch.cli import app\n"
        "try:\n    app(['--help'])\n"
        "except SystemExit as exit:\n    assert exit.code == 0, exit.code"
    )
    assert not {"spacy", "followthemoney", "sqlalchemy"} & modules
    assert not any(m.startswith("sanctionwatch.screen") for m in modules)


class _LoadedGroup(cli.SanctionWatchGroup):
    """The root group with every command imported, as the command line was before."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.load_all()


def test_lazy_root_help_is_the_help_of_the_loaded_commands(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    runner = CliRunner()
    lazy = runner.invoke(cli.app, ["--help"], terminal_width=120)
    monkeypatch.setattr(cli.app.info, "cls", _LoadedGroup)
    loaded = runner.invoke(cli.app, ["--help"], terminal_width=120)
    assert isinstance(typer.main.get_command(cli.app), _LoadedGroup)
    assert lazy.exit_code == loaded.exit_code == 0
    assert lazy.output == loaded.output
    for entry in cli.COMMANDS:
        assert entry.name in lazy.output


def _first_paragraph(command: click.Command) -> str:
    text = inspect.cleandoc(command.short_help or command.help or "")
    return text.split("\n\n")[0].replace("\n", " ").strip()


def test_the_table_names_exactly_what_the_modules_register() -> None:
    expected = {entry.name: entry for entry in cli.COMMANDS}
    assert len(expected) == len(cli.COMMANDS), "a command is listed twice"
    for module in sorted({entry.module for entry in cli.COMMANDS}):
        for name, command in module_commands(module).items():
            row = f'LazyCommand("{name}", "{module}", "{_first_paragraph(command)}")'
            assert name in expected, f"{module} registers {name}: add {row} to cli.COMMANDS"
            assert expected[name].module == module, f"{name} comes from {module}"
            assert expected[name].help == _first_paragraph(command), f"update to {row}"


def test_a_misnamed_row_fails_when_its_command_runs() -> None:
    class Broken(LazyGroup):
        lazy_commands = (cli.LazyCommand("nope", "sanctionwatch.users.commands", "Nothing."),)

    group = Broken(name="broken")
    with pytest.raises(RuntimeError, match="adds no command 'nope'"):
        group.get_command(click.Context(group), "nope")


def test_unknown_commands_are_refused_with_a_suggestion() -> None:
    result = CliRunner().invoke(cli.app, ["scren", "x"])
    assert result.exit_code == 2
    assert "screen" in result.output


def test_screening_a_name_imports_only_what_screening_needs(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'lists.db'}"
    loaded = CliRunner().invoke(cli.app, ["lists", "load", str(EXAMPLE_LIST), "--db", url])
    assert loaded.exit_code == 0, loaded.output
    first = CliRunner().invoke(cli.app, ["screen", "Kim Jong Sik", "--json", "--db", url])
    assert first.exit_code == 0, first.output
    assert json.loads(first.stdout.splitlines()[0])["caption"] == "KIM JONG SIK"
    assert (tmp_path / "lists.db.screen-index").exists()
    modules = _modules_after(
        "from sanctionwatch.cli import app\n"
        f"app(['screen', 'Kim Jong Sik', '--json', '--db', {url!r}], standalone_mode=False)"
    )
    for unneeded in (
        "followthemoney",  # schema facts come from data/screen/schemata.json
        "spacy",
        "fastapi",
        "networkx",
        "alembic",
        "splink",
        "trafilatura",
    ):
        assert unneeded not in modules, f"screen imported {unneeded}"
    for stage in ("extract", "resolve", "flags", "web", "api", "ingest", "monitor"):
        assert not any(m.startswith(f"sanctionwatch.{stage}") for m in modules), stage


def test_comparing_two_names_does_not_import_followthemoney() -> None:
    modules = _modules_after(
        "from sanctionwatch.cli import app\n"
        "app(['compare', 'Kim Jong Un', 'KIM CHONG-UN', '--schema', 'Person', '--json'],"
        " standalone_mode=False)"
    )
    assert "sanctionwatch.screen.matcher" in modules
    assert "followthemoney" not in modules
