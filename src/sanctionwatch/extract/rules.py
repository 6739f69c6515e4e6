"""Load and validate the entity rules analysts edit (``data/extract/entity_rules.yaml``).

The extractor's behaviour beyond the statistical model lives in that file, so a wrong type or a
missed legal form is fixed by editing data, and its ``version`` flows into the statements'
``origin_version`` so that re-extraction replaces output made with older rules.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from sanctionwatch.extract.rulefile import RuleFileError, read_rule_file, rule_mapping, rule_strings
from sanctionwatch.settings import DATA_DIR

RULES_PATH = DATA_DIR / "extract" / "entity_rules.yaml"
PLACES_PATH = DATA_DIR / "extract" / "places.yaml"
SCHEMATA = frozenset({"Person", "Company", "Organization", "LegalEntity", "Place"})


class RulesError(RuleFileError):
    """The rules file is malformed; the message names the file and the key."""


@dataclass(frozen=True, slots=True)
class InstrumentRule:
    """A regular expression recognising one kind of legal instrument."""

    id: str
    pattern: re.Pattern[str]
    canonical: str
    publisher: str
    more: re.Pattern[str] | None = None
    """Further numbers of the same kind right after a match ("Resolutions 2375 and 2397")."""


@dataclass(frozen=True, slots=True)
class EntityRules:
    """Everything the rule layer needs, normalised for fast lookups (lower-cased words)."""

    version: str
    legal_forms: frozenset[tuple[str, ...]]
    legal_form_texts: tuple[str, ...]
    organisation_heads: dict[str, str]
    name_connectors: frozenset[str]
    head_connectors: frozenset[str]
    generic_name_words: frozenset[str]
    appositive_heads: dict[str, str | None]
    honorifics: frozenset[str]
    role_nouns: frozenset[str]
    instruments: tuple[InstrumentRule, ...]
    ownership_nouns: frozenset[str]
    junk: frozenset[str]
    edge_words: frozenset[str]
    place_suffixes: frozenset[str] = frozenset()
    hyphen_modifiers: frozenset[str] = frozenset()
    document_parts: frozenset[str] = frozenset()
    instrument_heads: frozenset[str] = frozenset()
    byline_cues: frozenset[str] = frozenset()
    korean_family_names: tuple[str, ...] = ()
    place_heads: frozenset[str] = frozenset()
    state_nouns: frozenset[str] = frozenset()
    place_prefixes: frozenset[str] = frozenset()
    honorific_phrases: tuple[tuple[str, ...], ...] = ()
    """Honorifics of several words ("tan sri"), longest first, compared like legal forms."""
    descriptor_nouns: dict[str, str] = field(default_factory=dict)
    """Lower-case class noun after a name ("river", "coal mine") -> the schema it gives."""
    prefix_legal_forms: frozenset[str] = frozenset()
    located_heads: frozenset[str] = frozenset()
    office_holders: frozenset[str] = frozenset()
    role_portfolio_words: frozenset[str] = frozenset({"the", "and", "on"})
    role_prefixes: frozenset[str] = frozenset({"under", "vice"})
    appositive_articles: frozenset[str] = frozenset({"a", "an", "another"})
    country_aliases: dict[str, str] = field(default_factory=dict)
    """Lower-cased other name of a country ("hermit kingdom") -> its ISO code."""
    places: dict[str, str] = field(default_factory=dict)
    """Lower-cased place name -> ISO code of the country it lies in."""

    @property
    def longest_legal_form(self) -> int:
        return max((len(form) for form in self.legal_forms), default=1)


def legal_form_key(word: str) -> str:
    """How legal-form words are compared: lower case, dots dropped ("Corp." == "corp")."""
    return word.replace(".", "").casefold()


def _strings(path: Path, data: dict[str, Any], key: str) -> list[str]:
    """The shared list check of the rule files, raising this loader's :class:`RulesError`."""
    return list(rule_strings(path, data, key, error=RulesError))


def _optional_strings(path: Path, data: dict[str, Any], key: str) -> list[str]:
    return _strings(path, {key: data.get(key) or []}, key)


def _instruments(path: Path, data: dict[str, Any]) -> tuple[InstrumentRule, ...]:
    rules = []
    for index, item in enumerate(data.get("instruments") or []):
        if not isinstance(item, dict) or not {"id", "pattern", "canonical"} <= set(item):
            raise RulesError(f"{path}: instruments[{index}] needs id, pattern and canonical")
        flags = 0 if item.get("case_sensitive") else re.IGNORECASE
        try:
            pattern = re.compile(str(item["pattern"]), flags)
        except re.error as exc:
            raise RulesError(f"{path}: instruments[{index}] pattern: {exc}") from exc
        if not {"number", "name"} & set(pattern.groupindex):
            raise RulesError(
                f"{path}: instruments[{index}] pattern lacks a (?P<number>) or (?P<name>) group"
            )
        more = None
        if item.get("more"):
            try:
                more = re.compile(str(item["more"]), flags)
            except re.error as exc:
                raise RulesError(f"{path}: instruments[{index}] more: {exc}") from exc
            if "number" not in more.groupindex:
                raise RulesError(f"{path}: instruments[{index}] more lacks a (?P<number>) group")
        rules.append(
            InstrumentRule(
                id=str(item["id"]),
                pattern=pattern,
                canonical=str(item["canonical"]),
                publisher=str(item.get("publisher", "")),
                more=more,
            )
        )
    return tuple(rules)


def _organisation_heads(path: Path, data: dict[str, Any]) -> dict[str, str]:
    heads = data.get("organisation_heads")
    if not isinstance(heads, dict):
        raise RulesError(f"{path}: 'organisation_heads' must map a schema to a list of words")
    result: dict[str, str] = {}
    for schema in heads:
        if schema not in SCHEMATA:
            raise RulesError(f"{path}: organisation_heads: unknown schema {schema!r}")
        for word in _strings(path, heads, schema):
            result[word.casefold()] = schema
    return result


def _appositive_heads(path: Path, data: dict[str, Any]) -> dict[str, str | None]:
    heads = data.get("appositive_heads")
    if not isinstance(heads, dict):
        raise RulesError(f"{path}: 'appositive_heads' must map a noun to a schema or null")
    for noun, schema in heads.items():
        if schema is not None and schema not in SCHEMATA:
            raise RulesError(f"{path}: appositive_heads.{noun}: unknown schema {schema!r}")
    return {str(noun).casefold(): schema for noun, schema in heads.items()}


def _descriptor_nouns(path: Path, data: dict[str, Any]) -> dict[str, str]:
    nouns = data.get("descriptor_nouns") or {}
    if not isinstance(nouns, dict):
        raise RulesError(f"{path}: 'descriptor_nouns' must map a noun to a schema")
    for noun, schema in nouns.items():
        if schema not in SCHEMATA:
            raise RulesError(f"{path}: descriptor_nouns.{noun}: unknown schema {schema!r}")
    return {str(noun).casefold(): str(schema) for noun, schema in nouns.items()}


def _honorific_phrases(honorifics: list[str]) -> tuple[tuple[str, ...], ...]:
    """The honorifics of several words, as legal-form keys, longest first."""
    phrases = {tuple(legal_form_key(part) for part in w.split()) for w in honorifics if " " in w}
    return tuple(sorted(phrases, key=len, reverse=True))


def honorific_length(words: list[str], rules: EntityRules) -> int:
    """How many of the leading ``words`` are one honorific ("Tan Sri", "Mr."), 0 if none."""
    if not words:
        return 0
    first = legal_form_key(words[0])
    if first not in rules.honorifics and all(p[0] != first for p in rules.honorific_phrases):
        return 0
    keys = [legal_form_key(word) for word in words[:4]]
    for phrase in rules.honorific_phrases:
        if tuple(keys[: len(phrase)]) == phrase:
            return len(phrase)
    return 1 if keys and keys[0] in rules.honorifics else 0


def _country_aliases(path: Path, data: dict[str, Any]) -> dict[str, str]:
    raw = data.get("country_aliases") or {}
    if not isinstance(raw, dict):
        raise RulesError(f"{path}: 'country_aliases' must map a country code to a list of names")
    return {name.casefold(): str(code) for code in raw for name in _strings(path, raw, code)}


def _lower(words: list[str]) -> frozenset[str]:
    return frozenset(word.casefold() for word in words)


def parse_rules(path: Path, data: Any) -> EntityRules:
    """Validate the parsed YAML of a rules file."""
    data = rule_mapping(path, data, RulesError)
    honorifics = _strings(path, data, "honorifics")
    legal_forms = frozenset(
        tuple(legal_form_key(part) for part in form.split())
        for form in _strings(path, data, "legal_forms")
    )
    return EntityRules(
        version=str(data["version"]),
        legal_forms=legal_forms,
        legal_form_texts=tuple(_strings(path, data, "legal_forms")),
        organisation_heads=_organisation_heads(path, data),
        name_connectors=_lower(_strings(path, data, "name_connectors")),
        head_connectors=_lower(_strings(path, data, "head_connectors")),
        generic_name_words=_lower(_strings(path, data, "generic_name_words")),
        appositive_heads=_appositive_heads(path, data),
        honorifics=frozenset(legal_form_key(w) for w in honorifics if " " not in w),
        honorific_phrases=_honorific_phrases(honorifics),
        descriptor_nouns=_descriptor_nouns(path, data),
        role_nouns=_lower(_strings(path, data, "role_nouns")),
        instruments=_instruments(path, data),
        ownership_nouns=_lower(_strings(path, data, "ownership_nouns")),
        junk=_lower(_strings(path, data, "junk")),
        edge_words=_lower(_strings(path, data, "edge_words")),
        place_suffixes=_lower(_strings(path, data, "place_suffixes")),
        hyphen_modifiers=_lower(_strings(path, data, "hyphen_modifiers")),
        document_parts=_lower(_strings(path, data, "document_parts")),
        instrument_heads=_lower(_optional_strings(path, data, "instrument_heads")),
        byline_cues=_lower(_optional_strings(path, data, "byline_cues")),
        korean_family_names=tuple(_strings(path, data, "korean_family_names")),
        place_heads=_lower(_strings(path, data, "place_heads")),
        state_nouns=_lower(_optional_strings(path, data, "state_nouns")),
        place_prefixes=_lower(_optional_strings(path, data, "place_prefixes")),
        prefix_legal_forms=frozenset(
            legal_form_key(form) for form in _strings(path, data, "prefix_legal_forms")
        ),
        located_heads=_lower(_strings(path, data, "located_heads")),
        office_holders=_lower(_strings(path, data, "office_holders")),
        role_portfolio_words=_lower(_strings(path, data, "role_portfolio_words")),
        role_prefixes=_lower(_strings(path, data, "role_prefixes")),
        appositive_articles=_lower(_strings(path, data, "appositive_articles")),
        country_aliases=_country_aliases(path, data),
    )


def load_rules_file(path: Path) -> EntityRules:
    return parse_rules(path, read_rule_file(path, "rules", RulesError))


def load_places_file(path: Path) -> tuple[str, dict[str, str]]:
    """``(version, {place name lower-cased: country code})`` from a places file."""
    data = read_rule_file(path, "places", RulesError)
    places = data.get("places")
    if not isinstance(places, dict):
        raise RulesError(f"{path}: 'places' must map a country code to a list of names")
    result: dict[str, str] = {}
    for code in places:
        for name in _strings(path, places, code):
            result[name.casefold()] = str(code)
    return str(data["version"]), result


@lru_cache(maxsize=1)
def load_entity_rules() -> EntityRules:
    """The packaged rules and places (read once per process)."""
    rules = load_rules_file(RULES_PATH)
    places_version, places = load_places_file(PLACES_PATH)
    return replace(rules, version=f"{rules.version}.{places_version}", places=places)


def name_head(words: list[str], rules: EntityRules) -> str | None:
    """Schema of a name's head word: the first word when a connector follows it ("Ministry of
    Construction", "Bank of Dandong"), else the last head word ("Kwangmyong Construction",
    "X Project Group of Companies")."""
    if len(words) > 2 and words[1].casefold() in rules.head_connectors:
        first = rules.organisation_heads.get(words[0].casefold())
        if first is not None:
            return first
    for word in reversed(words):
        schema = rules.organisation_heads.get(word.casefold())
        if schema is not None:
            return schema
    return None
