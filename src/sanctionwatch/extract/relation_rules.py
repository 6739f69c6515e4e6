"""Load and validate the relation rules (``data/extract/relations/rules.yaml``).

Cue verbs, relational nouns, titles and sanctioning authorities are data an analyst edits, not
code. The loader checks every rule names a known FollowTheMoney schema and properties that
schema has, so a typo fails loudly with the file and rule named instead of silently dropping
relations.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any, TypedDict

from followthemoney import model

from sanctionwatch.extract.relation_assertion import AssertionWords
from sanctionwatch.extract.rulefile import PlaceCue as PlaceCue
from sanctionwatch.extract.rulefile import normalise_phrase as normalise_phrase
from sanctionwatch.rulefile import RuleFileError, read_rule_file
from sanctionwatch.settings import DATA_DIR

RULES_PATH = DATA_DIR / "extract" / "relations" / "rules.yaml"


class RelationRulesError(RuleFileError):
    """The rules file is malformed; the message names the file and the offending rule."""


@dataclass(frozen=True, slots=True)
class LinkShape:
    """What a rule writes: the relation kind, the link schema, the property each end fills
    (``first``, ``second``), the role text and the confidence."""

    kind: str
    schema: str
    first: str
    second: str
    role: str
    confidence: float


@dataclass(frozen=True, slots=True)
class TitleSet:
    """Title words of one kind and the link a person holding one gets with the organisation."""

    kind: str
    words: frozenset[str]
    shape: LinkShape
    indirect: str | None = None

    @property
    def confidence(self) -> float:
        return self.shape.confidence


@dataclass(frozen=True, slots=True)
class VerbRule:
    id: str
    kind: str
    schema: str
    lemmas: frozenset[str]
    subject: str
    object: str
    role: str
    confidence: float
    via: frozenset[str] = frozenset()
    via_preps: frozenset[str] = frozenset()
    require_via: bool = False
    object_preps: frozenset[str] = frozenset()
    subject_schemata: frozenset[str] = frozenset()
    object_schemata: frozenset[str] = frozenset()
    group_subjects: frozenset[str] = frozenset()

    @property
    def shape(self) -> LinkShape:
        return LinkShape(
            self.kind, self.schema, self.subject, self.object, self.role, self.confidence
        )


@dataclass(frozen=True, slots=True)
class NounRule:
    id: str
    kind: str
    schema: str
    words: frozenset[str]
    holder: str
    other: str
    preps: frozenset[str]
    role: str
    confidence: float
    verb_subject_is_other: frozenset[str] = frozenset()
    unnamed_bodies: frozenset[str] = frozenset()

    @property
    def shape(self) -> LinkShape:
        return LinkShape(
            self.kind, self.schema, self.holder, self.other, self.role, self.confidence
        )


@dataclass(frozen=True, slots=True)
class HyphenRule:
    words: frozenset[str]
    kind: str
    schema: str
    modifier: str
    head: str
    role: str
    confidence: float

    @property
    def shape(self) -> LinkShape:
        return LinkShape(
            self.kind, self.schema, self.modifier, self.head, self.role, self.confidence
        )


@dataclass(frozen=True, slots=True)
class Authority:
    name: str
    country: str | None
    aliases: frozenset[str]


@dataclass(frozen=True, slots=True)
class EnumerationRules:
    """Designations whose targets are counted, listed or named in the next sentences."""

    cue_verbs: frozenset[str]
    action_nouns: frozenset[str]
    group_nouns: dict[str, frozenset[str]]
    openers: frozenset[str]
    stops: tuple[str, ...]
    following_sentences: int
    carry_sentences: int
    confidence: float
    earlier_words: frozenset[str] = frozenset()
    speech_verbs: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class RelationRules:
    """Everything the relation extractor reads from the rules file."""

    version: str
    party_schemata: frozenset[str]
    titles: tuple[TitleSet, ...]
    verbs: tuple[VerbRule, ...]
    nouns: tuple[NounRule, ...]
    hyphen_adjectives: tuple[HyphenRule, ...]
    worker_nouns: frozenset[str]
    worker_verbs: frozenset[str]
    worker_holders: frozenset[str]
    worker_link: LinkShape
    sanction_verbs: frozenset[str]
    sanction_confidence: float
    authorities: tuple[Authority, ...]
    registered_verbs: frozenset[str]
    based_verbs: frozenset[str]
    listed_verbs: frozenset[str]
    registered: PlaceCue
    based: PlaceCue
    descriptor: PlaceCue
    listed_confidence: float
    address_nouns: frozenset[str]
    share_verbs: frozenset[str]
    address_confidence: float
    nationality_nouns: frozenset[str]
    nationality_group_nouns: frozenset[str]
    nationality_confidence: float
    nationality_listed_confidence: float
    fallback_link: LinkShape
    fallback_ignore_verbs: frozenset[str]
    speech_verbs: frozenset[str]
    organisation_heads: frozenset[str] = frozenset()
    part_heads: frozenset[str] = frozenset()
    anaphor_nouns: frozenset[str] = frozenset()
    descriptor_nouns: frozenset[str] = frozenset()
    hedge_words: frozenset[str] = frozenset()
    list_verbs: frozenset[str] = frozenset()
    list_nouns: frozenset[str] = frozenset()
    list_heads: frozenset[str] = frozenset()
    sanction_participles: frozenset[str] = frozenset()
    impose_verbs: frozenset[str] = frozenset()
    measure_nouns: frozenset[str] = frozenset()
    today_words: frozenset[str] = frozenset()
    authority_gap_words: frozenset[str] = frozenset()
    freeze_verbs: frozenset[str] = frozenset()
    press_release_cues: tuple[str, ...] = ()
    headline_verbs: frozenset[str] = frozenset()
    trigger_verbs: frozenset[str] = frozenset()
    basis_cues: tuple[str, ...] = ()
    worker_quantities: frozenset[str] = frozenset()
    enumerations: EnumerationRules | None = None
    assertion: AssertionWords = field(default_factory=AssertionWords)

    @property
    def ownership_lemmas(self) -> frozenset[str]:
        """Verbs of the ownership rules ("own", "hold", ...)."""
        return frozenset(
            lemma for rule in self.verbs if rule.kind == "ownership" for lemma in rule.lemmas
        )

    @property
    def possessive(self) -> TitleSet | None:
        """The link an "Org's Person" phrase gives (employment), when the rules enable it."""
        return self.title_set("possessive")

    def title_set(self, kind: str) -> TitleSet | None:
        """The title set of one kind ("employment"), if the rules have it."""
        return next((item for item in self.titles if item.kind == kind), None)

    def title(self, phrase: str) -> TitleSet | None:
        """The title set a (lower-cased) title phrase belongs to, most specific first."""
        for title_set in self.titles:
            if phrase in title_set.words:
                return title_set
        return None

    def authority(self, text: str) -> Authority | None:
        """The sanctioning authority a phrase names ("the U.S. Treasury" -> United States)."""
        key = normalise_phrase(text)
        for authority in self.authorities:
            if key in authority.aliases:
                return authority
        return None


# The fields each section of ``rules.yaml`` gives :class:`RelationRules`, typed so that mypy
# checks every setting a builder returns and that ``parse_rules`` unpacks.


class _PatternFields(TypedDict):
    """The sentence patterns (see :func:`_pattern_fields`)."""

    titles: tuple[TitleSet, ...]
    verbs: tuple[VerbRule, ...]
    nouns: tuple[NounRule, ...]
    hyphen_adjectives: tuple[HyphenRule, ...]


class _WorkerFields(TypedDict):
    """``worker_groups`` (see :func:`_worker_fields`)."""

    worker_nouns: frozenset[str]
    worker_verbs: frozenset[str]
    worker_holders: frozenset[str]
    worker_quantities: frozenset[str]
    worker_link: LinkShape


class _SanctionFields(TypedDict):
    """``sanctions`` (see :func:`_sanction_fields`)."""

    sanction_verbs: frozenset[str]
    sanction_confidence: float
    authorities: tuple[Authority, ...]
    list_verbs: frozenset[str]
    list_nouns: frozenset[str]
    list_heads: frozenset[str]
    impose_verbs: frozenset[str]
    measure_nouns: frozenset[str]
    today_words: frozenset[str]
    freeze_verbs: frozenset[str]
    authority_gap_words: frozenset[str]
    headline_verbs: frozenset[str]
    press_release_cues: tuple[str, ...]
    basis_cues: tuple[str, ...]
    enumerations: EnumerationRules | None


class _LocationFields(TypedDict):
    """``locations`` (see :func:`_location_fields`)."""

    registered_verbs: frozenset[str]
    based_verbs: frozenset[str]
    listed_verbs: frozenset[str]
    registered: PlaceCue
    based: PlaceCue
    descriptor: PlaceCue
    listed_confidence: float
    descriptor_nouns: frozenset[str]
    hedge_words: frozenset[str]


class _SharedAddressFields(TypedDict):
    """``shared_address`` (see :func:`_shared_address_fields`)."""

    address_nouns: frozenset[str]
    share_verbs: frozenset[str]
    address_confidence: float


class _NationalityFields(TypedDict):
    """``nationality`` (see :func:`_nationality_fields`)."""

    nationality_nouns: frozenset[str]
    nationality_group_nouns: frozenset[str]
    nationality_confidence: float
    nationality_listed_confidence: float


class _FallbackFields(TypedDict):
    """``fallback`` (see :func:`_fallback_fields`)."""

    fallback_link: LinkShape
    fallback_ignore_verbs: frozenset[str]


class _HeadFields(TypedDict):
    """The head nouns (see :func:`_head_fields`)."""

    organisation_heads: frozenset[str]
    part_heads: frozenset[str]
    anaphor_nouns: frozenset[str]


def _words(raw: Any, where: str) -> frozenset[str]:
    if raw is None:
        return frozenset()
    if not isinstance(raw, list) or not all(isinstance(item, str) for item in raw):
        raise RelationRulesError(f"{where}: expected a list of strings")
    return frozenset(normalise_phrase(item) for item in raw)


def _get(mapping: Any, key: str, where: str) -> Any:
    if not isinstance(mapping, dict) or key not in mapping:
        raise RelationRulesError(f"{where}: missing '{key}'")
    return mapping[key]


def _confidence(mapping: dict[str, Any], where: str, key: str = "confidence") -> float:
    value = _get(mapping, key, where)
    if not isinstance(value, int | float) or not 0.0 < float(value) <= 1.0:
        raise RelationRulesError(f"{where}: {key} must be a number in (0, 1]")
    return float(value)


def _check_schema(schema_name: str, props: list[str], where: str) -> None:
    schema = model.get(schema_name)
    if schema is None:
        raise RelationRulesError(f"{where}: unknown FollowTheMoney schema '{schema_name}'")
    for prop in props:
        if prop not in schema.properties:
            raise RelationRulesError(f"{where}: schema {schema_name} has no property '{prop}'")


def _verb(raw: dict[str, Any], where: str) -> VerbRule:
    rule = VerbRule(
        id=str(_get(raw, "id", where)),
        kind=str(_get(raw, "kind", where)),
        schema=str(_get(raw, "schema", where)),
        lemmas=_words(_get(raw, "lemmas", where), where),
        subject=str(_get(raw, "subject", where)),
        object=str(_get(raw, "object", where)),
        role=str(raw.get("role", "")),
        confidence=_confidence(raw, where),
        via=_words(raw.get("via"), where),
        via_preps=_words(raw.get("via_preps"), where),
        require_via=bool(raw.get("require_via", False)),
        object_preps=_words(raw.get("object_preps"), where),
        subject_schemata=frozenset(raw.get("subject_schemata") or ()),
        object_schemata=frozenset(raw.get("object_schemata") or ()),
        group_subjects=_words(raw.get("group_subjects"), where),
    )
    _check_schema(rule.schema, [rule.subject, rule.object, "role"], f"{where} ({rule.id})")
    return rule


def _noun(raw: dict[str, Any], where: str) -> NounRule:
    rule = NounRule(
        id=str(_get(raw, "id", where)),
        kind=str(_get(raw, "kind", where)),
        schema=str(_get(raw, "schema", where)),
        words=_words(_get(raw, "words", where), where),
        holder=str(_get(raw, "holder", where)),
        other=str(_get(raw, "other", where)),
        preps=_words(_get(raw, "preps", where), where),
        role=str(raw.get("role", "")),
        confidence=_confidence(raw, where),
        verb_subject_is_other=_words(raw.get("verb_subject_is_other"), where),
        unnamed_bodies=_words(raw.get("unnamed_bodies"), where),
    )
    _check_schema(rule.schema, [rule.holder, rule.other, "role"], f"{where} ({rule.id})")
    return rule


def _hyphen(raw: dict[str, Any], where: str) -> HyphenRule:
    rule = HyphenRule(
        words=_words(_get(raw, "words", where), where),
        kind=str(_get(raw, "kind", where)),
        schema=str(_get(raw, "schema", where)),
        modifier=str(_get(raw, "modifier", where)),
        head=str(_get(raw, "head", where)),
        role=str(raw.get("role", "")),
        confidence=_confidence(raw, where),
    )
    _check_schema(rule.schema, [rule.modifier, rule.head, "role"], where)
    return rule


def _with_defaults(raw: Any, where: str, **defaults: Any) -> dict[str, Any]:
    """A rule's mapping with ``defaults`` filled in where the rule leaves them out."""
    if not isinstance(raw, dict):
        raise RelationRulesError(f"{where}: expected a mapping")
    filled = {key: value for key, value in defaults.items() if value is not None}
    return filled | raw


def _link_shape(
    raw: Any, where: str, ends: tuple[str, str], kind: str | None = None, confidence: Any = None
) -> LinkShape:
    """A link written by a rule; ``ends`` name the keys holding the two ends' properties."""
    body = _with_defaults(raw, where, kind=kind, confidence=confidence)
    shape = LinkShape(
        kind=str(_get(body, "kind", where)),
        schema=str(_get(body, "schema", where)),
        first=str(_get(body, ends[0], where)),
        second=str(_get(body, ends[1], where)),
        role=str(body.get("role", "")),
        confidence=_confidence(body, where),
    )
    _check_schema(shape.schema, [shape.first, shape.second, "role"], where)
    return shape


_TITLE_ORDER = {"membership": 0, "directorship": 1, "employment": 2, "possessive": 3}


def _titles(raw: Any, where: str) -> tuple[TitleSet, ...]:
    if not isinstance(raw, dict):
        raise RelationRulesError(f"{where}: expected a mapping of kind -> words")
    sets = []
    for kind, body in raw.items():
        if kind not in _TITLE_ORDER:
            raise RelationRulesError(f"{where}: unknown title kind '{kind}'")
        here = f"{where}.{kind}"
        words = frozenset() if kind == "possessive" else _words(_get(body, "words", here), here)
        indirect = body.get("indirect")
        if indirect is not None and indirect not in raw:
            raise RelationRulesError(f"{here}: indirect names no title kind '{indirect}'")
        shape = _link_shape(body, here, ("person", "organization"), kind)
        sets.append(TitleSet(kind, words, shape, indirect))
    return tuple(sorted(sets, key=lambda item: _TITLE_ORDER[item.kind]))


def _place_cue(locations: Any, key: str, source: str) -> PlaceCue:
    """``locations.<key>``: what one location cue states (confidence defaults to the section's)."""
    where = f"{source}: locations.{key}"
    confidence = _confidence(locations, f"{source}: locations")
    body = _with_defaults(_get(locations, key, source), where, confidence=confidence)
    return place_cue(body, where)


def place_cue(body: dict[str, Any], where: str) -> PlaceCue:
    """A location cue's fact (kind, the property a country fills, evidence, confidence), checked
    against the schema and its evidence template; shared by every rules file with place cues."""
    cue = PlaceCue(
        kind=str(_get(body, "kind", where)),
        country_property=str(_get(body, "country_property", where)),
        evidence=str(_get(body, "evidence", where)),
        confidence=_confidence(body, where),
    )
    _check_schema("LegalEntity", [cue.country_property], where)
    problem = cue.template_error()
    if problem is not None:
        raise RelationRulesError(f"{where}: {problem}")
    return cue


def _authorities(raw: Any, where: str) -> tuple[Authority, ...]:
    if not isinstance(raw, list):
        raise RelationRulesError(f"{where}: expected a list")
    result = []
    for index, item in enumerate(raw):
        here = f"{where}[{index}]"
        name = str(_get(item, "name", here))
        aliases = _words(_get(item, "aliases", here), here) | {normalise_phrase(name)}
        country = item.get("country")
        result.append(Authority(name, str(country) if country else None, aliases))
    return tuple(result)


def _count(mapping: dict[str, Any], key: str, where: str) -> int:
    value = _get(mapping, key, where)
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 50:
        raise RelationRulesError(f"{where}: {key} must be a whole number from 0 to 50")
    return value


def _enumerations(
    raw: Any, party_schemata: frozenset[str], speech_verbs: frozenset[str], where: str
) -> EnumerationRules:
    """``sanctions.enumerations``: every group noun binds only known party schemata."""
    if not isinstance(raw, dict):
        raise RelationRulesError(f"{where}: expected a mapping")
    groups_raw = _get(raw, "group_nouns", where)
    if not isinstance(groups_raw, dict) or not groups_raw:
        raise RelationRulesError(f"{where}.group_nouns: expected a mapping of noun -> schemata")
    groups: dict[str, frozenset[str]] = {}
    for noun, schemata in groups_raw.items():
        here = f"{where}.group_nouns.{noun}"
        if not isinstance(schemata, list) or not schemata:
            raise RelationRulesError(f"{here}: expected a list of schemata")
        unknown = sorted(set(map(str, schemata)) - party_schemata)
        if unknown:
            raise RelationRulesError(f"{here}: {', '.join(unknown)} not in party_schemata")
        groups[normalise_phrase(str(noun))] = frozenset(map(str, schemata))
    return EnumerationRules(
        cue_verbs=_words(_get(raw, "cue_verbs", where), where),
        action_nouns=_words(raw.get("action_nouns"), where),
        group_nouns=groups,
        openers=_words(raw.get("openers"), where),
        stops=tuple(sorted(_words(raw.get("stops"), where), key=len, reverse=True)),
        following_sentences=_count(raw, "following_sentences", where),
        carry_sentences=_count(raw, "carry_sentences", where),
        confidence=_confidence(raw, where),
        earlier_words=_words(raw.get("earlier_words"), where),
        speech_verbs=speech_verbs,
    )


def _assertion(raw: Any, where: str) -> AssertionWords:
    """``assertion``: the words that make a clause no statement of fact (all optional)."""
    if raw is None:
        return AssertionWords()
    if not isinstance(raw, dict):
        raise RelationRulesError(f"{where}: expected a mapping")
    reach = raw.get("reach", 3)
    if not isinstance(reach, int) or isinstance(reach, bool) or not 0 <= reach <= 10:
        raise RelationRulesError(f"{where}: reach must be a whole number from 0 to 10")
    return AssertionWords(
        modals=_words(raw.get("modals"), f"{where}.modals"),
        hedges=_words(raw.get("hedges"), f"{where}.hedges"),
        denial_verbs=_words(raw.get("denial_verbs"), f"{where}.denial_verbs"),
        doubt_nouns=_words(raw.get("doubt_nouns"), f"{where}.doubt_nouns"),
        unsettled=_words(raw.get("unsettled"), f"{where}.unsettled"),
        reach=reach,
    )


def parse_rules(data: Any, source: str = "rules") -> RelationRules:
    """Validate a parsed rules document; errors name ``source`` and the rule."""
    if not isinstance(data, dict):
        raise RelationRulesError(f"{source}: expected a mapping at the top level")
    version = _get(data, "version", source)
    workers = _get(data, "worker_groups", source)
    sanctions = _get(data, "sanctions", source)
    locations = _get(data, "locations", source)
    shared = _get(data, "shared_address", source)
    nationality = _get(data, "nationality", source)
    fallback = _get(data, "fallback", source)
    party_schemata = frozenset(_get(data, "party_schemata", source))
    speech_verbs = _words(data.get("speech_verbs"), f"{source}: speech_verbs")
    rules = RelationRules(
        version=str(version),
        party_schemata=party_schemata,
        **_pattern_fields(data, source),
        **_worker_fields(workers, source),
        **_sanction_fields(sanctions, party_schemata, speech_verbs, source),
        **_location_fields(locations, source),
        **_shared_address_fields(shared, source),
        **_nationality_fields(nationality, source),
        **_fallback_fields(fallback, speech_verbs, source),
        speech_verbs=speech_verbs,
        **_head_fields(data, source),
        assertion=_assertion(data.get("assertion"), f"{source}: assertion"),
    )
    return _with_triggers(rules)


def _pattern_fields(data: dict[str, Any], source: str) -> _PatternFields:
    """The sentence patterns: titles, verbs, relation nouns and hyphenated adjectives."""
    return {
        "titles": _titles(_get(data, "titles", source), f"{source}: titles"),
        "verbs": tuple(
            _verb(raw, f"{source}: verbs[{i}]") for i, raw in enumerate(data.get("verbs") or [])
        ),
        "nouns": tuple(
            _noun(raw, f"{source}: nouns[{i}]") for i, raw in enumerate(data.get("nouns") or [])
        ),
        "hyphen_adjectives": tuple(
            _hyphen(raw, f"{source}: hyphen_adjectives[{i}]")
            for i, raw in enumerate(data.get("hyphen_adjectives") or [])
        ),
    }


def _worker_fields(workers: Any, source: str) -> _WorkerFields:
    """``worker_groups``: "dispatched 200 workers", read as an employment link."""
    where = f"{source}: worker_groups"
    return {
        "worker_nouns": _words(_get(workers, "nouns", source), where),
        "worker_verbs": _words(_get(workers, "verbs", source), where),
        "worker_holders": _words(workers.get("holders"), where),
        "worker_quantities": _words(workers.get("quantities"), where),
        "worker_link": _link_shape(
            _get(workers, "link", source),
            f"{source}: worker_groups.link",
            ("employer", "workers"),
            confidence=_confidence(workers, where),
        ),
    }


def _sanction_fields(
    sanctions: Any, party_schemata: frozenset[str], speech_verbs: frozenset[str], source: str
) -> _SanctionFields:
    """``sanctions``: the cue words, the authorities, the lists and the enumerations."""
    where = f"{source}: sanctions"
    enumerations = sanctions.get("enumerations")
    return {
        "sanction_verbs": _words(_get(sanctions, "verbs", source), where),
        "sanction_confidence": _confidence(sanctions, where),
        "authorities": _authorities(_get(sanctions, "authorities", source), f"{where}.authorities"),
        "list_verbs": _words(sanctions.get("list_verbs"), where),
        "list_nouns": _words(sanctions.get("list_nouns"), where),
        "list_heads": _words(sanctions.get("list_heads"), where),
        "impose_verbs": _words(sanctions.get("impose_verbs"), where),
        "measure_nouns": _words(sanctions.get("measure_nouns"), where),
        "today_words": _words(sanctions.get("today_words"), where),
        "freeze_verbs": _words(sanctions.get("freeze_verbs"), f"{where}.freeze_verbs"),
        "authority_gap_words": _words(
            sanctions.get("authority_gap_words"), f"{where}.authority_gap_words"
        ),
        "headline_verbs": _words(sanctions.get("headline_verbs"), where),
        "press_release_cues": tuple(sorted(_words(sanctions.get("press_release_cues"), where))),
        "basis_cues": tuple(sorted(_words(sanctions.get("basis_cues"), where), key=len)[::-1]),
        "enumerations": None
        if enumerations is None
        else _enumerations(enumerations, party_schemata, speech_verbs, f"{where}.enumerations"),
    }


def _location_fields(locations: Any, source: str) -> _LocationFields:
    """``locations``: "registered in", "based in", "listed at", and descriptors that place a
    party ("X, a software company in Yanji")."""
    where = f"{source}: locations"
    return {
        "registered_verbs": _words(_get(locations, "registered", source), where),
        "based_verbs": _words(_get(locations, "based", source), where),
        "listed_verbs": _words(_get(locations, "listed", source), where),
        "registered": _place_cue(locations, "registered_fact", source),
        "based": _place_cue(locations, "based_fact", source),
        "descriptor": _place_cue(locations, "descriptor_fact", source),
        "listed_confidence": _confidence(locations, where, "listed_confidence"),
        "descriptor_nouns": _words(locations.get("descriptors"), where),
        "hedge_words": _words(locations.get("hedge_words"), where),
    }


def _shared_address_fields(shared: Any, source: str) -> _SharedAddressFields:
    """``shared_address``: "same address as X", "shares an address with X"."""
    where = f"{source}: shared_address"
    return {
        "address_nouns": _words(_get(shared, "nouns", source), where),
        "share_verbs": _words(_get(shared, "share_verbs", source), where),
        "address_confidence": _confidence(shared, where),
    }


def _nationality_fields(nationality: Any, source: str) -> _NationalityFields:
    """``nationality``: "X, a Vietnamese national", "listed as Chinese nationals"."""
    where = f"{source}: nationality"
    return {
        "nationality_nouns": _words(_get(nationality, "nouns", source), where),
        "nationality_group_nouns": _words(nationality.get("group_nouns"), where),
        "nationality_confidence": _confidence(nationality, where),
        "nationality_listed_confidence": _confidence(nationality, where, "listed_confidence"),
    }


def _fallback_fields(fallback: Any, speech_verbs: frozenset[str], source: str) -> _FallbackFields:
    """``fallback``: two parties linked by one verb (an UnknownLink); speech verbs ("said",
    "told") never make one."""
    where = f"{source}: fallback"
    return {
        "fallback_link": _link_shape(fallback, where, ("subject", "object")),
        "fallback_ignore_verbs": _words(fallback.get("ignore_verbs"), where) | speech_verbs,
    }


def _head_fields(data: dict[str, Any], source: str) -> _HeadFields:
    """Head nouns that still mean the organisation ("the Rungrado company"), a part of it
    ("Rungrado's Moscow operation"), or the one the last sentence was about ("the company")."""
    return {
        "organisation_heads": _words(
            data.get("organisation_heads"), f"{source}: organisation_heads"
        ),
        "part_heads": _words(data.get("part_heads"), f"{source}: part_heads"),
        "anaphor_nouns": _words(data.get("anaphor_nouns"), f"{source}: anaphor_nouns"),
    }


def participles(lemmas: frozenset[str]) -> frozenset[str]:
    """Past participles of regular cue verbs: "sanction" -> "sanctioned", "designate" ->
    "designated", "identify" -> "identified", "penalise" -> "penalised"."""
    found = set()
    for lemma in lemmas:
        if lemma.endswith("e"):
            found.add(lemma + "d")
        elif lemma.endswith("y") and len(lemma) > 2 and lemma[-2] not in "aeiou":
            found.add(lemma[:-1] + "ied")
        else:
            found.add(lemma + "ed")
    return frozenset(found)


def _with_triggers(rules: RelationRules) -> RelationRules:
    """Verbs a specific rule handles, so the UnknownLink fallback leaves them alone."""
    triggers = set(rules.sanction_verbs | rules.worker_verbs | rules.share_verbs)
    triggers |= rules.impose_verbs
    if rules.enumerations is not None:
        triggers |= rules.enumerations.cue_verbs
    triggers |= rules.registered_verbs | rules.based_verbs | rules.listed_verbs
    for rule in rules.verbs:
        triggers |= rule.lemmas
    return replace(
        rules,
        sanction_participles=participles(rules.sanction_verbs),
        trigger_verbs=frozenset(triggers),
    )


def load_rules(path: Path | None = None) -> RelationRules:
    """Read and validate a rules file (default: the packaged one)."""
    target = path or RULES_PATH
    return parse_rules(read_rule_file(target, "relation rules", RelationRulesError), str(target))


@lru_cache(maxsize=1)
def default_rules() -> RelationRules:
    """The packaged rules, loaded once per process."""
    return load_rules()
