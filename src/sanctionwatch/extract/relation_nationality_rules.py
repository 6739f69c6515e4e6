"""The words the nationality constructions read (``data/extract/relations/nationality.yaml``).

Kept apart from :mod:`relation_nationality` so that the sentence rules can ask whether a party
is a state body (no country of its own) without importing the finder.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from sanctionwatch.extract.relation_rules import RelationRulesError
from sanctionwatch.settings import DATA_DIR

NATIONALITY_PATH = DATA_DIR / "extract" / "relations" / "nationality.yaml"


@dataclass(frozen=True, slots=True)
class NationalityRules:
    """What :class:`NationalityFinder` reads from ``nationality.yaml`` (lower-cased)."""

    version: str
    ambiguous_demonyms: frozenset[str]
    not_countries: frozenset[str]
    person_nouns: frozenset[str]
    organisation_nouns: frozenset[str]
    topic_nouns: frozenset[str]
    state_body_heads: frozenset[str]
    citizenship_nouns: frozenset[str]
    holding_verbs: frozenset[str]
    hedge_words: frozenset[str]
    loss_verbs: frozenset[str]
    of_nouns: frozenset[str]
    control_verbs: frozenset[str]
    control_hyphens: frozenset[str]
    registration_hyphens: frozenset[str]
    group_nouns: frozenset[str]
    irregular_plurals: frozenset[str]
    group_counts: dict[str, int]
    group_window: int
    record_nouns: frozenset[str]
    attribution_verbs: frozenset[str]
    appear_verbs: frozenset[str]
    field_labels: frozenset[str]
    reported_confidence: float
    listed_confidence: float
    group_confidence: float
    control_confidence: float
    registration_confidence: float

    def is_state_body(self, name: str, schema: str | None) -> bool:
        """An organisation named as a state body ("Munitions Industry Department"): the
        country that owns it is no nationality of its own (the gold's policy)."""
        words = name.lower().split()
        return (
            schema not in ("Company", "Person")
            and bool(words)
            and (words[-1] in self.state_body_heads)
        )


def _words(path: Path, section: dict[str, Any], key: str, name: str = "") -> frozenset[str]:
    value = section.get(key)
    label = f"{name}.{key}" if name else key
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise RelationRulesError(f"{path}: '{label}' must be a list of strings")
    return frozenset(item.strip().lower() for item in value)


def _mapping(path: Path, data: dict[str, Any], key: str) -> dict[str, Any]:
    value = data.get(key)
    if not isinstance(value, dict):
        raise RelationRulesError(f"{path}: '{key}' must be a mapping")
    return value


def _number(path: Path, section: dict[str, Any], key: str, name: str) -> float:
    value = section.get(key)
    if not isinstance(value, int | float) or isinstance(value, bool) or value < 0:
        raise RelationRulesError(f"{path}: '{name}.{key}' must be a number >= 0")
    return float(value)


def _counts(path: Path, groups: dict[str, Any]) -> dict[str, int]:
    counts = groups.get("counts")
    if not isinstance(counts, dict) or not all(
        isinstance(word, str) and isinstance(n, int) and not isinstance(n, bool) and n > 0
        for word, n in counts.items()
    ):
        raise RelationRulesError(f"{path}: 'groups.counts' must map words to positive integers")
    return {word.lower(): n for word, n in counts.items()}


def parse_nationality_rules(path: Path, data: Any) -> NationalityRules:
    """Validate the parsed YAML of a nationality rules file (errors name the file and key)."""
    if not isinstance(data, dict) or "version" not in data:
        raise RelationRulesError(f"{path}: expected a mapping with a 'version' key")
    groups = _mapping(path, data, "groups")
    listed = _mapping(path, data, "listed")
    confidence = _mapping(path, data, "confidence")
    for key in ("reported", "listed", "group", "control", "registration"):
        if _number(path, confidence, key, "confidence") > 1:
            raise RelationRulesError(f"{path}: 'confidence.{key}' must be at most 1")
    return NationalityRules(
        version=str(data["version"]),
        ambiguous_demonyms=_words(path, data, "ambiguous_demonyms"),
        not_countries=_words(path, data, "not_countries"),
        person_nouns=_words(path, data, "person_nouns"),
        organisation_nouns=_words(path, data, "organisation_nouns"),
        topic_nouns=_words(path, data, "topic_nouns"),
        state_body_heads=_words(path, data, "state_body_heads"),
        citizenship_nouns=_words(path, data, "citizenship_nouns"),
        holding_verbs=_words(path, data, "holding_verbs"),
        hedge_words=_words(path, data, "hedge_words"),
        loss_verbs=_words(path, data, "loss_verbs"),
        of_nouns=_words(path, data, "of_nouns"),
        control_verbs=_words(path, data, "control_verbs"),
        control_hyphens=_words(path, data, "control_hyphens"),
        registration_hyphens=_words(path, data, "registration_hyphens"),
        group_nouns=_words(path, groups, "nouns", "groups"),
        irregular_plurals=_words(path, groups, "irregular_plurals", "groups"),
        group_counts=_counts(path, groups),
        group_window=int(_number(path, groups, "window", "groups")),
        record_nouns=_words(path, listed, "record_nouns", "listed"),
        attribution_verbs=_words(path, listed, "attribution_verbs", "listed"),
        appear_verbs=_words(path, listed, "appear_verbs", "listed"),
        field_labels=_words(path, listed, "field_labels", "listed"),
        reported_confidence=_number(path, confidence, "reported", "confidence"),
        listed_confidence=_number(path, confidence, "listed", "confidence"),
        group_confidence=_number(path, confidence, "group", "confidence"),
        control_confidence=_number(path, confidence, "control", "confidence"),
        registration_confidence=_number(path, confidence, "registration", "confidence"),
    )


def load_nationality_rules_file(path: Path) -> NationalityRules:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise RelationRulesError(f"{path}: cannot read nationality rules: {exc}") from exc
    return parse_nationality_rules(path, data)


@lru_cache(maxsize=1)
def default_nationality_rules() -> NationalityRules:
    """The packaged nationality rules (read once per process)."""
    return load_nationality_rules_file(NATIONALITY_PATH)
