"""The words the nationality constructions read (``data/extract/relations/nationality.yaml``).

Kept apart from :mod:`relation_nationality` so that the sentence rules can ask whether a party
is a state body (no country of its own) without importing the finder.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from sanctionwatch.extract.relation_rules import RelationRulesError
from sanctionwatch.extract.rulefile import (
    read_rule_file,
    rule_confidence,
    rule_count,
    rule_mapping,
    rule_section,
    rule_words,
)
from sanctionwatch.settings import DATA_DIR

NATIONALITY_PATH = DATA_DIR / "extract" / "relations" / "nationality.yaml"
_HEAD_ENDS = frozenset({"of", "for"})
_WORD = re.compile(r"[a-z][a-z'’-]*")


def name_head(name: str) -> str:
    """The head word of an organisation's name, lower-cased: its last word, or the last word
    before "of", "for" or a number ("Ministry of Foreign Affairs" -> ministry, "Office 39" ->
    office, "Korean Central News Agency" -> agency)."""
    head = ""
    for word in name.lower().split():
        if word in _HEAD_ENDS and head:
            break
        if not _WORD.fullmatch(word):
            if head:
                break
            continue
        head = word
    return head


@dataclass(frozen=True, slots=True)
class NationalityRules:
    """What :class:`NationalityFinder` reads from ``nationality.yaml`` (lower-cased)."""

    version: str
    ambiguous_demonyms: frozenset[str]
    not_countries: frozenset[str]
    person_nouns: frozenset[str]
    office_titles: frozenset[str]
    office_exceptions: frozenset[str]
    office_joiners: frozenset[str]
    office_tails: frozenset[str]
    office_max_words: int
    office_confidence: float
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

    def is_state_body(self, name: str, schema: str | None = None) -> bool:
        """An organisation named as a state body ("Munitions Industry Department", "Ministry
        of Foreign Affairs"): its country is no nationality of its own, and where it sits is
        no finding (docs/annotation.md). Companies and people never are."""
        return schema not in ("Company", "Person") and name_head(name) in self.state_body_heads


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
    data = rule_mapping(path, data)
    groups = rule_section(path, data, "groups")
    listed = rule_section(path, data, "listed")
    offices = rule_section(path, data, "offices")
    confidence = rule_section(path, data, "confidence")
    return NationalityRules(
        version=str(data["version"]),
        ambiguous_demonyms=rule_words(path, data, "ambiguous_demonyms"),
        not_countries=rule_words(path, data, "not_countries"),
        person_nouns=rule_words(path, data, "person_nouns"),
        office_titles=rule_words(path, offices, "titles", "offices"),
        office_exceptions=rule_words(path, offices, "exceptions", "offices"),
        office_joiners=rule_words(path, offices, "joiners", "offices"),
        office_tails=rule_words(path, offices, "tails", "offices"),
        office_max_words=rule_count(path, offices, "max_words", "offices"),
        office_confidence=rule_confidence(path, offices, "confidence", "offices"),
        organisation_nouns=rule_words(path, data, "organisation_nouns"),
        topic_nouns=rule_words(path, data, "topic_nouns"),
        state_body_heads=rule_words(path, data, "state_body_heads"),
        citizenship_nouns=rule_words(path, data, "citizenship_nouns"),
        holding_verbs=rule_words(path, data, "holding_verbs"),
        hedge_words=rule_words(path, data, "hedge_words"),
        loss_verbs=rule_words(path, data, "loss_verbs"),
        of_nouns=rule_words(path, data, "of_nouns"),
        control_verbs=rule_words(path, data, "control_verbs"),
        control_hyphens=rule_words(path, data, "control_hyphens"),
        registration_hyphens=rule_words(path, data, "registration_hyphens"),
        group_nouns=rule_words(path, groups, "nouns", "groups"),
        irregular_plurals=rule_words(path, groups, "irregular_plurals", "groups"),
        group_counts=_counts(path, groups),
        group_window=rule_count(path, groups, "window", "groups", minimum=0),
        record_nouns=rule_words(path, listed, "record_nouns", "listed"),
        attribution_verbs=rule_words(path, listed, "attribution_verbs", "listed"),
        appear_verbs=rule_words(path, listed, "appear_verbs", "listed"),
        field_labels=rule_words(path, listed, "field_labels", "listed"),
        reported_confidence=rule_confidence(path, confidence, "reported", "confidence"),
        listed_confidence=rule_confidence(path, confidence, "listed", "confidence"),
        group_confidence=rule_confidence(path, confidence, "group", "confidence"),
        control_confidence=rule_confidence(path, confidence, "control", "confidence"),
        registration_confidence=rule_confidence(path, confidence, "registration", "confidence"),
    )


def load_nationality_rules_file(path: Path) -> NationalityRules:
    return parse_nationality_rules(path, read_rule_file(path, "nationality rules"))


@lru_cache(maxsize=1)
def default_nationality_rules() -> NationalityRules:
    """The packaged nationality rules (read once per process)."""
    return load_nationality_rules_file(NATIONALITY_PATH)
