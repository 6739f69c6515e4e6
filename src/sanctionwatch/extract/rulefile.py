"""Checks shared by the loaders of the rule files (relation roles, nationality, entity typing, ...).

Each rules file is a YAML mapping with a ``version`` and sections of word lists and numbers
that analysts edit. These helpers read one key each and raise :class:`RuleFileError`
with one line naming the file and the dotted key ("roles.yaml: 'titles.joiners' must be a
list of strings"), so every loader reports a bad edit the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from followthemoney import model

# The read and the error are shared with the stages before extract (``sanctionwatch.rulefile``);
# they are re-exported here, where the extract loaders have always imported them from.
from sanctionwatch.rulefile import RuleFileError as RuleFileError
from sanctionwatch.rulefile import read_rule_file as read_rule_file
from sanctionwatch.rulefile import rule_mapping as rule_mapping


@dataclass(frozen=True, slots=True)
class PlaceCue:
    """What a location cue states about a party: the fact kind, the property a country fills
    (any other place is an address), the evidence text and the confidence."""

    kind: str
    country_property: str
    evidence: str
    confidence: float

    def describe(self, place: str, cue: str) -> str:
        return self.evidence.format(place=place, cue=cue)

    def template_error(self) -> str | None:
        """Why ``evidence`` is no valid template (it may use only ``{place}`` and ``{cue}``)."""
        try:
            self.describe(place="Pyongyang", cue="firm")
        except (KeyError, IndexError, ValueError) as error:
            return f"evidence may use only {{place}} and {{cue}} ({error!r})"
        return None


def normalise_phrase(text: str) -> str:
    """Lower-case, drop dots, a leading article and possessive 's, squeeze spaces."""
    text = text.lower().replace(".", "").replace("’", "'")
    text = re.sub(r"'s\b", "", text)
    text = re.sub(r"[^\w%\- ]+", " ", text)
    text = re.sub(r"\s+", " ", text).strip()
    return re.sub(r"^(the|a|an) ", "", text)


def _label(key: str, within: str) -> str:
    return f"{within}.{key}" if within else key


def rule_section(path: Path, data: dict[str, Any], key: str) -> dict[str, Any]:
    """The mapping under ``key`` (a section of related words and numbers)."""
    section = data.get(key)
    if not isinstance(section, dict):
        raise RuleFileError(f"{path}: '{key}' must be a mapping")
    return section


def rule_strings(
    path: Path,
    section: dict[str, Any],
    key: str,
    within: str = "",
    error: type[RuleFileError] = RuleFileError,
) -> tuple[str, ...]:
    """A list of strings exactly as written (names matched case-sensitively, words a caller
    folds itself), in file order; a loader with its own error class passes it as ``error``."""
    value = section.get(key)
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise error(f"{path}: '{_label(key, within)}' must be a list of strings")
    return tuple(value)


def rule_phrases(
    path: Path, section: dict[str, Any], key: str, within: str = ""
) -> tuple[str, ...]:
    """A list of words or phrases, in file order, normalised as the text they are compared
    with (:func:`normalise_phrase`); punctuation-only entries ("—") are kept as written."""
    return tuple(
        normalise_phrase(item) if any(c.isalnum() for c in item) else item
        for item in rule_strings(path, section, key, within)
    )


def rule_words(path: Path, section: dict[str, Any], key: str, within: str = "") -> frozenset[str]:
    """A list of words or phrases as a set (see :func:`rule_phrases`)."""
    return frozenset(rule_phrases(path, section, key, within))


def rule_number(
    path: Path, section: dict[str, Any], key: str, within: str = "", allow_zero: bool = False
) -> float:
    """A positive number (or zero with ``allow_zero``)."""
    value = section.get(key)
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or value < 0
        or (value == 0 and not allow_zero)
    ):
        wanted = "a number >= 0" if allow_zero else "a positive number"
        raise RuleFileError(f"{path}: '{_label(key, within)}' must be {wanted}")
    return float(value)


def rule_count(
    path: Path, section: dict[str, Any], key: str, within: str = "", minimum: int = 1
) -> int:
    """A whole number of at least ``minimum`` (a window of sentences, a number of words)."""
    value = section.get(key)
    if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
        label = _label(key, within)
        raise RuleFileError(f"{path}: '{label}' must be a whole number >= {minimum}")
    return value


def rule_text(path: Path, section: dict[str, Any], key: str, within: str = "") -> str:
    """A non-empty string (a schema, a property, a kind, an evidence template)."""
    value = section.get(key)
    if not isinstance(value, str) or not value.strip():
        raise RuleFileError(f"{path}: '{_label(key, within)}' must be a non-empty string")
    return value


def rule_flag(
    path: Path, section: dict[str, Any], key: str, within: str = "", default: bool = False
) -> bool:
    """``true`` or ``false`` (``default`` when the key is left out)."""
    value = section.get(key, default)
    if not isinstance(value, bool):
        raise RuleFileError(f"{path}: '{_label(key, within)}' must be true or false")
    return value


def rule_schema_props(path: Path, schema: str, props: list[str], label: str) -> None:
    """``schema`` is a FollowTheMoney schema that has every one of ``props``."""
    found = model.get(schema)
    if found is None:
        raise RuleFileError(f"{path}: '{label}' names no FollowTheMoney schema '{schema}'")
    for prop in props:
        if prop not in found.properties:
            raise RuleFileError(f"{path}: '{label}': schema {schema} has no property '{prop}'")


def rule_confidence(path: Path, section: dict[str, Any], key: str, within: str = "") -> float:
    """A confidence in (0, 1]."""
    value = rule_number(path, section, key, within)
    if value > 1:
        raise RuleFileError(f"{path}: '{_label(key, within)}' must be at most 1")
    return value


class RuleSection:
    """One section of a rules file, whose checks name the section in their errors (nested
    sections and list items too: ``locations.verbs[0].fact``)."""

    def __init__(self, path: Path, data: dict[str, Any], name: str, within: str = "") -> None:
        self.path = path
        self.name = _label(name, within)
        label = self.name
        values = data.get(name)
        if not isinstance(values, dict):
            raise RuleFileError(f"{path}: '{label}' must be a mapping")
        self.values: dict[str, Any] = values

    def section(self, key: str) -> RuleSection:
        """The mapping under ``key`` in this section."""
        return RuleSection(self.path, self.values, key, self.name)

    def items(self, key: str) -> list[RuleSection]:
        """A non-empty list of mappings under ``key`` (``key[0]``, ``key[1]``, ...)."""
        value = self.values.get(key)
        label = _label(key, self.name)
        if not isinstance(value, list) or not value:
            raise RuleFileError(f"{self.path}: '{label}' must be a non-empty list")
        return [
            RuleSection(self.path, {f"{key}[{index}]": item}, f"{key}[{index}]", self.name)
            for index, item in enumerate(value)
        ]

    def text(self, key: str) -> str:
        return rule_text(self.path, self.values, key, self.name)

    def flag(self, key: str, default: bool = False) -> bool:
        return rule_flag(self.path, self.values, key, self.name, default)

    def text_mapping(self, key: str) -> dict[str, str]:
        """An optional mapping of word -> text ("marry: spouse"), keys lower-cased."""
        value = self.values.get(key, {})
        ok = isinstance(value, dict) and all(
            isinstance(k, str) and isinstance(v, str) for k, v in value.items()
        )
        if not ok:
            label = _label(key, self.name)
            raise RuleFileError(f"{self.path}: '{label}' must map words to strings")
        return {word.lower(): text for word, text in value.items()}

    def schemata(self, key: str) -> frozenset[str]:
        """A list of FollowTheMoney schema names (as written)."""
        names = self.values.get(key)
        label = _label(key, self.name)
        if not isinstance(names, list) or not all(isinstance(name, str) for name in names):
            raise RuleFileError(f"{self.path}: '{label}' must be a list of schema names")
        for name in names:
            if model.get(name) is None:
                raise RuleFileError(f"{self.path}: '{label}': unknown schema '{name}'")
        return frozenset(names)

    def check_schema(self, schema_key: str, prop_keys: list[str]) -> None:
        """The schema named under ``schema_key`` has the properties named under ``prop_keys``."""
        props = [self.text(key) for key in prop_keys]
        rule_schema_props(self.path, self.text(schema_key), props, _label(schema_key, self.name))

    def place_cue(self, key: str = "fact") -> PlaceCue:
        """What a location cue states: ``kind``, ``country_property`` (a property of
        LegalEntity), ``evidence`` (a template of ``{place}`` and ``{cue}``), ``confidence``."""
        body = self.section(key)
        cue = PlaceCue(
            kind=body.text("kind"),
            country_property=body.text("country_property"),
            evidence=body.text("evidence"),
            confidence=body.confidence("confidence"),
        )
        label = _label("country_property", body.name)
        rule_schema_props(self.path, "LegalEntity", [cue.country_property], label)
        problem = cue.template_error()
        if problem is not None:
            raise RuleFileError(f"{self.path}: '{_label('evidence', body.name)}': {problem}")
        return cue

    def words(self, key: str) -> frozenset[str]:
        return rule_words(self.path, self.values, key, self.name)

    def phrases(self, key: str) -> tuple[str, ...]:
        return rule_phrases(self.path, self.values, key, self.name)

    def count(self, key: str, minimum: int = 1) -> int:
        return rule_count(self.path, self.values, key, self.name, minimum)

    def confidence(self, key: str) -> float:
        return rule_confidence(self.path, self.values, key, self.name)
