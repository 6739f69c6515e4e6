"""Red-flag rules as data: one YAML file per rule, validated on load.

Analysts tune thresholds, word lists and explanations without touching code; each rule names
an evaluator (``sanctionwatch.flags.evaluators.EVALUATORS``) and the parameters it gets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sanctionwatch.rulefile import RuleFileError, read_rule_file

DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "flags"
RULES_DIR = DATA_DIR / "rules"
LISTS_DIR = DATA_DIR / "lists"
SEVERITIES = ("low", "medium", "high", "critical")
_REQUIRED = ("id", "version", "title", "description", "severity", "evaluator", "explanation")
_ID = re.compile(r"^[a-z][a-z0-9_]*$")


class RuleError(RuleFileError):
    """A rule or list file that does not follow the schema (message names the file)."""


@dataclass(frozen=True)
class Rule:
    id: str
    version: str
    title: str
    description: str
    severity: str
    evaluator: str
    explanation: str
    parameters: dict[str, Any] = field(default_factory=dict)
    path: Path | None = None

    def explain(self, values: dict[str, Any]) -> str:
        """Fill the explanation template; a missing placeholder stays visible as ``{name}``."""
        return self.explanation.format_map(_Keep(values))


class _Keep(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _read_yaml(path: Path) -> dict[str, Any]:
    return read_rule_file(path, "flag rule", RuleError)


def parse_rule(data: dict[str, Any], path: Path | None = None) -> Rule:
    """Validate one rule mapping against the schema and build a :class:`Rule`."""
    from sanctionwatch.flags.evaluators import EVALUATORS

    where = str(path) if path else "<rule>"
    missing = [key for key in _REQUIRED if not isinstance(data.get(key), str) or not data[key]]
    if missing:
        raise RuleError(f"{where}: missing or non-text field(s): {', '.join(missing)}")
    if not _ID.match(data["id"]):
        raise RuleError(f"{where}: id {data['id']!r} must be lower_snake_case")
    if data["severity"] not in SEVERITIES:
        raise RuleError(f"{where}: severity must be one of {', '.join(SEVERITIES)}")
    if data["evaluator"] not in EVALUATORS:
        known = ", ".join(sorted(EVALUATORS))
        raise RuleError(f"{where}: unknown evaluator {data['evaluator']!r} (known: {known})")
    parameters = data.get("parameters") or {}
    if not isinstance(parameters, dict):
        raise RuleError(f"{where}: parameters must be a mapping")
    unknown = set(data) - set(_REQUIRED) - {"parameters"}
    if unknown:
        raise RuleError(f"{where}: unknown field(s): {', '.join(sorted(unknown))}")
    return Rule(
        id=data["id"],
        version=str(data["version"]),
        title=data["title"],
        description=" ".join(data["description"].split()),
        severity=data["severity"],
        evaluator=data["evaluator"],
        explanation=data["explanation"],
        parameters=parameters,
        path=path,
    )


def load_rules(directory: Path = RULES_DIR) -> list[Rule]:
    """Every ``*.yaml`` rule in ``directory``, sorted by id; ids must be unique."""
    rules = [parse_rule(_read_yaml(path), path) for path in sorted(directory.glob("*.yaml"))]
    seen: dict[str, Path | None] = {}
    for rule in rules:
        if rule.id in seen:
            raise RuleError(f"{rule.path}: rule id {rule.id!r} already used by {seen[rule.id]}")
        seen[rule.id] = rule.path
    return sorted(rules, key=lambda rule: rule.id)


def load_list(name: str, directory: Path = LISTS_DIR) -> dict[str, list[str]]:
    """A data list (``items`` mapping key -> name or aliases), e.g. ``secrecy_jurisdictions``."""
    path = directory / f"{name}.yaml"
    if not path.is_file():
        raise RuleError(f"{path}: list file not found (rules name lists by file stem)")
    data = _read_yaml(path)
    items = data.get("items")
    if not isinstance(data.get("version"), str) or not isinstance(items, dict) or not items:
        raise RuleError(f"{path}: needs a text 'version' and a non-empty 'items' mapping")
    parsed: dict[str, list[str]] = {}
    for key, value in items.items():
        values = value if isinstance(value, list) else [value]
        if not all(isinstance(item, str) and item for item in values):
            raise RuleError(f"{path}: item {key!r} must be text or a list of text")
        parsed[str(key)] = values
    return parsed
