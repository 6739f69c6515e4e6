"""The one read of the YAML files analysts edit, shared by every stage.

Cleaning rules (ingest), entity and relation rules and the claim vocabulary (extract), the
resolver's tunables and the linkage model (resolve) are YAML mappings with a ``version``. They
all fail the same way: one :class:`RuleFileError` whose message names the file and the problem,
which the command line prints as one line (``clikit.LazyGroup``) whatever the command. Each
loader passes its own subclass as ``error``, so callers that catch the loader's error keep
working. This module imports nothing of a stage (ingest uses it, and ingest comes first).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import yaml


class RuleFileError(ValueError):
    """A rules or tunables file is malformed or unreadable; the message names the file and
    the key. Each loader's own error (``RulesError``, ``ConfigError``, ...) subclasses it."""


def read_rule_file(
    path: Path,
    what: str,
    error: type[RuleFileError] = RuleFileError,
    loader: type[yaml.SafeLoader] | None = None,
) -> dict[str, Any]:
    """The parsed mapping of a rules file that has a ``version`` key; an unreadable file,
    bad YAML or another shape raises ``error`` naming ``path`` (``what`` says which file
    it was meant to be: "cleaning rules", "resolver tunables"). ``loader`` is a safe loader
    class to parse with (libyaml's ``CSafeLoader`` for files read on every start)."""
    import yaml  # imported on use: the command line starts without it

    try:
        text = path.read_text(encoding="utf-8")
        data = yaml.safe_load(text) if loader is None else yaml.load(text, Loader=loader)
    except yaml.MarkedYAMLError as exc:
        raise error(f"{path}: cannot read {what}: {_where(exc)}") from exc
    except OSError as exc:  # the path is named once, at the start
        raise error(f"{path}: cannot read {what}: {exc.strerror or _one_line(exc)}") from exc
    except (UnicodeDecodeError, yaml.YAMLError) as exc:
        raise error(f"{path}: cannot read {what}: {_one_line(exc)}") from exc
    return rule_mapping(path, data, error)


def rule_mapping(
    path: Path, data: Any, error: type[RuleFileError] = RuleFileError
) -> dict[str, Any]:
    """``data`` itself, checked to be a mapping with a ``version`` key."""
    if not isinstance(data, dict) or "version" not in data:
        raise error(f"{path}: expected a mapping with a 'version' key")
    return data


def _where(exc: Any) -> str:
    """Where the YAML broke and why, on one line: "line 3, column 1: expected ',' or ']', but
    got '<stream end>' (in a flow sequence opened at line 2, column 13)"."""
    mark, problem = exc.problem_mark, exc.problem
    if mark is None or not problem:
        return _one_line(exc)
    text = f"line {mark.line + 1}, column {mark.column + 1}: {_one_line(problem)}"
    context, opened = exc.context, exc.context_mark
    if context and opened is not None:
        context = re.sub(r"^while (parsing|scanning) ", "", _one_line(context))
        text += f" (in {context} opened at line {opened.line + 1}, column {opened.column + 1})"
    return text


def _one_line(exc: BaseException | str) -> str:
    """The error's text on one line (YAML errors span several, with a caret drawing)."""
    return " ".join(str(exc).split())
