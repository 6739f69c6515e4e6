"""Company or Organization: evidence around a name the model only guessed at.

A small NER model calls the firms that matter "ORG" (or even "PERSON") when no legal form is
written: "Kwangmyong Construction sent workers", "Ryugyong's employees", "The company said".
This module reads that evidence from the parse: a business verb the name is the subject of, a
noun the name owns, a definite "the company" that continues the previous sentence's subject,
and the schema the sanctions lists give a name. It also knows the short forms of well-known
authorities ("Treasury" = "U.S. Department of the Treasury") so that the entities module can
join them within a document. The words are data (``data/extract/entity_typing.yaml``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from spacy.tokens import Doc, Span, Token

from sanctionwatch.extract.rulefile import read_rule_file, rule_mapping, rule_strings
from sanctionwatch.extract.rules import SCHEMATA, RulesError
from sanctionwatch.settings import DATA_DIR

TYPING_RULES_PATH = DATA_DIR / "extract" / "entity_typing.yaml"
SUBJECTS = frozenset({"nsubj", "nsubjpass"})
POSSESSIVES = frozenset({"'s", "’s", "'", "’"})


@dataclass(frozen=True, slots=True)
class TypingRules:
    """The evidence words, lower-cased, and the authorities' alias groups."""

    version: str
    business_verbs: frozenset[str]
    employer_verbs: frozenset[str]
    owned_nouns: frozenset[str]
    anaphora_nouns: dict[str, str]
    gazetteer_schemata: dict[str, str]
    authorities: dict[str, int]
    """Normalised name -> index of its authority group."""
    known_organisations: tuple[str, ...] = ()
    patronymic_suffixes: tuple[str, ...] = ()
    bare_authorities: dict[str, tuple[tuple[str, int], ...]] = field(default_factory=dict)
    """Normalised name without a country -> ((country code, authority group), ...)."""


def _words(path: Path, data: dict[str, Any], key: str) -> frozenset[str]:
    return frozenset(item.casefold() for item in _strings(path, data, key))


def _strings(path: Path, data: dict[str, Any], key: str) -> tuple[str, ...]:
    """The shared list check of the rule files (:func:`rulefile.rule_strings`), raising this
    loader's :class:`RulesError` so every entity rules file fails the same way."""
    return rule_strings(path, data, key, error=RulesError)


def _schema_map(path: Path, data: dict[str, Any], key: str) -> dict[str, str]:
    value = data.get(key)
    if not isinstance(value, dict):
        raise RulesError(f"{path}: '{key}' must map a word to a schema")
    for word, schema in value.items():
        if schema not in SCHEMATA:
            raise RulesError(f"{path}: {key}.{word}: unknown schema {schema!r}")
    return {str(word): str(schema) for word, schema in value.items()}


def authority_key(name: str) -> str:
    """How authority names are compared: no case, dots, curly quotes or leading "the"."""
    text = name.casefold().replace("’", "'").replace(".", "")
    text = re.sub(r"^the\s+", "", " ".join(text.split()))
    return text


def _authorities(path: Path, data: dict[str, Any]) -> dict[str, int]:
    groups = data.get("authorities")
    if not isinstance(groups, list):
        raise RulesError(f"{path}: 'authorities' must be a list of name lists")
    index: dict[str, int] = {}
    for number, group in enumerate(groups):
        if not isinstance(group, list) or not all(isinstance(name, str) for name in group):
            raise RulesError(f"{path}: authorities[{number}] must be a list of names")
        for name in group:
            key = authority_key(name)
            if index.get(key, number) != number:
                raise RulesError(f"{path}: authorities[{number}]: {name!r} is in two groups")
            index[key] = number
    return index


def _bare_authorities(
    path: Path, data: dict[str, Any], groups: dict[str, int]
) -> dict[str, tuple[tuple[str, int], ...]]:
    entries = data.get("bare_authorities") or []
    if not isinstance(entries, list):
        raise RulesError(f"{path}: 'bare_authorities' must be a list of name/country/authority")
    found: dict[str, list[tuple[str, int]]] = {}
    for number, entry in enumerate(entries):
        where = f"{path}: bare_authorities[{number}]"
        if not isinstance(entry, dict) or not all(
            isinstance(entry.get(key), str) for key in ("name", "country", "authority")
        ):
            raise RulesError(f"{where} needs name, country and authority")
        group = groups.get(authority_key(entry["authority"]))
        if group is None:
            raise RulesError(f"{where}: {entry['authority']!r} is in no authorities group")
        if authority_key(entry["name"]) in groups:
            raise RulesError(f"{where}: {entry['name']!r} is also in an authorities group")
        key = authority_key(entry["name"])
        found.setdefault(key, []).append((entry["country"].casefold(), group))
    return {key: tuple(options) for key, options in found.items()}


def parse_typing_rules(path: Path, data: Any) -> TypingRules:
    """Validate the parsed YAML of a typing rules file."""
    data = rule_mapping(path, data, RulesError)
    anaphora = _schema_map(path, data, "anaphora_nouns")
    authorities = _authorities(path, data)
    return TypingRules(
        version=str(data["version"]),
        business_verbs=_words(path, data, "business_verbs"),
        employer_verbs=_words(path, data, "employer_verbs"),
        owned_nouns=_words(path, data, "owned_nouns"),
        anaphora_nouns={noun.casefold(): schema for noun, schema in anaphora.items()},
        gazetteer_schemata=_schema_map(path, data, "gazetteer_schemata"),
        authorities=authorities,
        known_organisations=_strings(path, data, "known_organisations"),
        patronymic_suffixes=tuple(_words(path, data, "patronymic_suffixes")),
        bare_authorities=_bare_authorities(path, data, authorities),
    )


def load_typing_rules_file(path: Path) -> TypingRules:
    return parse_typing_rules(path, read_rule_file(path, "typing rules", RulesError))


@lru_cache(maxsize=1)
def load_typing_rules() -> TypingRules:
    """The packaged typing rules (read once per process)."""
    return load_typing_rules_file(TYPING_RULES_PATH)


# ---------------------------------------------------------------- evidence


def _span(doc: Doc, start: int, end: int) -> Span | None:
    return doc.char_span(start, end, alignment_mode="expand")


def business_subject(
    doc: Doc, start: int, end: int, rules: TypingRules, employer_only: bool = False
) -> bool:
    """ "Kwangmyong Construction sent ... and hired ...", "workers employed by X": the name is
    the subject (or the passive's agent) of a verb of doing business (conjoined verbs share
    the subject)."""
    span = _span(doc, start, end)
    if span is None:
        return False
    root = span.root
    if root.dep_ == "pobj" and root.head.dep_ == "agent":
        root = root.head  # "workers employed by X": X is the passive verb's agent
    elif root.dep_ not in SUBJECTS:
        return False
    verb = root.head
    verbs = [verb, *(t for t in verb.children if t.dep_ == "conj" and t.pos_ == "VERB")]
    wanted = rules.employer_verbs if employer_only else rules.business_verbs
    return any(v.lemma_.casefold() in wanted for v in verbs)


def owns_business_noun(doc: Doc, start: int, end: int, rules: TypingRules) -> bool:
    """ "Ryugyong's employees", "the Ryugyong workers": the name owns or modifies a noun only
    a business has."""
    span = _span(doc, start, end)
    if span is None or span.end >= len(doc):
        return False
    after = span.end
    if doc[after].text in POSSESSIVES:
        after += 1
    while after < len(doc) and doc[after].pos_ == "ADJ" and after - span.end < 3:
        after += 1  # "X's North Korean workers" reads past the adjectives
    return after < len(doc) and doc[after].lower_ in rules.owned_nouns


def anaphora_antecedents(doc: Doc, rules: TypingRules) -> dict[int, str]:
    """``{char start of a subject token: schema}`` for the subjects that a definite "the
    company" in the next sentence refers to ("X sent workers abroad. The company paid ...")."""
    found: dict[int, str] = {}
    if not doc.has_annotation("DEP"):
        return found
    previous: Token | None = None
    for sentence in doc.sents:
        subject = _sentence_subject(sentence)
        anaphor = _anaphor(subject, rules) if subject is not None else None
        if anaphor is not None and previous is not None:
            for token in previous.doc[previous.left_edge.i : previous.right_edge.i + 1][:8]:
                found[token.idx] = anaphor  # "Ryugyong IT": the subject's whole phrase
        previous = subject
    return found


def _sentence_subject(sentence: Span) -> Token | None:
    root = sentence.root
    for child in root.children:
        if child.dep_ in SUBJECTS:
            return child
    return None


def _anaphor(subject: Token, rules: TypingRules) -> str | None:
    """The schema of "the company" (a definite, lower-case noun of the list, not followed by a
    name: "the company Sobaek" names it instead)."""
    if not subject.is_lower or subject.lower_ not in rules.anaphora_nouns:
        return None
    determiners = [child.lower_ for child in subject.children if child.dep_ == "det"]
    names = [
        child
        for child in subject.children
        if child.dep_ in ("appos", "compound") or (child.i > subject.i and child.is_title)
    ]
    if determiners != ["the"] or names:
        return None
    return rules.anaphora_nouns[subject.lower_]


def subject_tokens(doc: Doc, start: int, end: int) -> list[int]:
    """Char starts of the tokens of a name (to look it up in :func:`anaphora_antecedents`)."""
    span = _span(doc, start, end)
    return [token.idx for token in span] if span is not None else []
