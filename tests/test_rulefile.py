"""Every loader of a file analysts edit reads it through `rulefile.read_rule_file`: a broken
file raises the loader's own error (a `RuleFileError`) in one line naming the file, and the
command line prints that line instead of a traceback."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from sanctionwatch.clikit import LazyGroup
from sanctionwatch.extract.claimkit.vocabulary import VocabularyError, load_vocabulary
from sanctionwatch.extract.entity_typing import load_typing_rules_file
from sanctionwatch.extract.rules import RulesError as EntityRulesError
from sanctionwatch.ingest.landmarks import LandmarksError, load_landmarks
from sanctionwatch.ingest.rules import RulesError as CleaningRulesError
from sanctionwatch.ingest.rules import load_rules as load_cleaning_rules
from sanctionwatch.resolve.config import ConfigError, load_resolver_config
from sanctionwatch.resolve.linkage import LinkConfigError, load_link_config
from sanctionwatch.rulefile import RuleFileError, read_rule_file
from sanctionwatch.screen.data import ScreenDataError, load_legal_forms

LOADERS: dict[str, tuple[Callable[[Path], Any], type[RuleFileError]]] = {
    "cleaning rules": (load_cleaning_rules, CleaningRulesError),
    "claim vocabulary": (load_vocabulary, VocabularyError),
    "resolver tunables": (load_resolver_config, ConfigError),
    "linkage model": (load_link_config, LinkConfigError),
    "typing rules": (load_typing_rules_file, EntityRulesError),
    "matcher legal forms": (load_legal_forms, ScreenDataError),
    "landmarks": (load_landmarks, LandmarksError),
}
BROKEN = {
    "bad YAML": "version: 1\nwords: [never closed\nmore: {\n",
    "a list": "- version\n- 1\n",
    "no version": "words: [a, b]\n",
    "not UTF-8": b"version: 1\nname: \xff\xfe\n",
    "missing": None,
}


def _write(path: Path, content: str | bytes | None) -> Path:
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content, encoding="utf-8")
    return path


@pytest.mark.parametrize("loader_name", sorted(LOADERS))
@pytest.mark.parametrize("broken", sorted(BROKEN))
def test_a_broken_file_is_one_line_naming_it(tmp_path: Path, loader_name: str, broken: str) -> None:
    load, error_class = LOADERS[loader_name]
    path = _write(tmp_path / "edited.yaml", BROKEN[broken])
    with pytest.raises(error_class) as raised:
        load(path)
    message = str(raised.value)
    assert isinstance(raised.value, RuleFileError)
    assert message.startswith(f"{path}: ")
    assert "\n" not in message


@pytest.mark.parametrize("loader_name", sorted(LOADERS))
def test_the_loaders_error_is_a_rule_file_error(loader_name: str) -> None:
    assert issubclass(LOADERS[loader_name][1], RuleFileError)


def test_read_rule_file_raises_the_class_it_is_given(tmp_path: Path) -> None:
    class OwnError(RuleFileError):
        pass

    path = _write(tmp_path / "x.yaml", "- not a mapping\n")
    with pytest.raises(OwnError, match=r"x\.yaml: expected a mapping with a 'version' key"):
        read_rule_file(path, "x rules", OwnError)
    good = _write(tmp_path / "y.yaml", "version: 3\nwords: [a]\n")
    assert read_rule_file(good, "y rules") == {"version": 3, "words": ["a"]}


def test_the_command_line_prints_a_rule_file_error_in_one_line(tmp_path: Path) -> None:
    """Whatever command loads a broken file, the root group ends it with one line."""
    path = _write(tmp_path / "resolver.yaml", "version: 2\nthresholds: [unclosed\n")

    class Root(LazyGroup):
        pass

    app = typer.Typer(cls=Root)

    @app.command()
    def tune() -> None:
        """Load the tunables."""
        load_resolver_config(path)

    @app.command()
    def other() -> None:
        """Another command, so that `tune` is a subcommand."""

    result = CliRunner().invoke(app, ["tune"])
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.output.count("error:") == 1
    printed = _unwrapped(result.output)  # the console folds long lines at its width
    assert "resolver.yaml:cannotreadresolvertunables" in printed
    assert "Traceback" not in result.output


def test_ingest_stops_with_one_line_on_broken_cleaning_rules(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A broken cleaning rules file is no bad document: `sanctionwatch ingest` says so once
    and stops, instead of failing every file with the same reason."""
    from sanctionwatch import cli
    from sanctionwatch.ingest import clean

    rules = _write(tmp_path / "cleaning.yaml", "version: 1\nline_rules: 3\n")
    monkeypatch.setattr(clean, "load_rules", lambda: load_cleaning_rules(rules))
    first = _write(tmp_path / "a.txt", "One short report about a firm.\n")
    second = _write(tmp_path / "b.txt", "Another short report about a ship.\n")
    database = f"sqlite:///{tmp_path / 'db.sqlite'}"
    result = CliRunner().invoke(cli.app, ["ingest", str(first), str(second), "--db", database])
    assert result.exit_code == 1
    assert result.output.count("error:") == 1, result.output
    assert "cleaning.yaml:line_rules:expectedalist" in _unwrapped(result.output)


def _unwrapped(output: str) -> str:
    return "".join(output.split())


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (
            "version: 2\nthresholds: [0.5, 0.9\n",
            "line 3, column 1: expected ',' or ']', but got '<stream end>' "
            "(in a flow sequence opened at line 2, column 13)",
        ),
        ("version: 1\n  words: [a]\n", "line 2, column 8: mapping values are not allowed here"),
        (None, "No such file or directory"),
    ],
)
def test_the_line_says_where_the_file_broke(
    tmp_path: Path, content: str | None, expected: str
) -> None:
    path = _write(tmp_path / "tunables.yaml", content)
    with pytest.raises(RuleFileError) as raised:
        read_rule_file(path, "tunables")
    assert str(raised.value) == f"{path}: cannot read tunables: {expected}"


def test_extract_offers_switching_off_only_the_relation_model() -> None:
    """A broken rules file cannot be switched off; the hint names the way out that exists."""
    from sanctionwatch.clikit import RULE_FILE_HINT
    from sanctionwatch.extract.commands import rule_file_hint
    from sanctionwatch.extract.relation_model import RelationModelError

    assert "SANCTIONWATCH_RELATION_MODEL=off" in rule_file_hint(RelationModelError("model.json"))
    assert rule_file_hint(EntityRulesError("entity_rules.yaml")) == RULE_FILE_HINT


@pytest.mark.parametrize("broken", ["bad YAML", "a list", "not UTF-8"])
def test_a_broken_flag_rule_is_one_line_naming_it(tmp_path: Path, broken: str) -> None:
    from sanctionwatch.flags.rules import RuleError, load_rules

    path = _write(tmp_path / "edited.yaml", BROKEN[broken])
    with pytest.raises(RuleError) as raised:
        load_rules(tmp_path)
    assert isinstance(raised.value, RuleFileError)
    assert str(raised.value).startswith(f"{path}: ")
    assert "\n" not in str(raised.value)
