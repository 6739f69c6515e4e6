"""Where parties are, family ties, business dealings, legal actions and the UnknownLink fallback.

The sentence rules (:mod:`relation_finders`) read ownership, titles, designations and the
like; what investigators also build networks from is who traded with, paid or supplied whom,
who is related to whom, which authority charged or arrested whom, and where a firm sits:

- location and registration: "X operates out of Nampo", "registered at 14 Harbour Road",
  "the Shenyang office of X", "X's factory in Sinuiju", "X (Dalian, China)", "X of Shenyang";
- family: "X's half-brother Y", "Y, the son of X", "X and his brother Y" -> ``Family``;
- dealings: "X supplied coal to Y", "X paid Y", "X signed a contract with Y" -> ``UnknownLink``;
- legal actions: "the Justice Department charged X", "X was indicted by Y" -> ``UnknownLink``;
- the fallback: a named subject and a named prepositional object of any other verb that is
  no reporting verb ("X partnered with Y") -> ``UnknownLink`` with the verb's lemma.

Every word list is data (``data/extract/relations/links.yaml``). A pair of parties another
rule already linked in the sentence is never linked again here; negated or hedged verbs
("did not trade", "might sell") state no link.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any, TypedDict

from spacy.tokens import Span, Token

from sanctionwatch.extract.relation_events import control_chain
from sanctionwatch.extract.relation_finders import (
    Fact,
    Found,
    Link,
    Place,
    SentenceFinder,
    country_of_place,
    evidence_span,
)
from sanctionwatch.extract.relation_nationality_rules import default_nationality_rules
from sanctionwatch.extract.relation_parse import (
    ORG_SCHEMATA,
    Party,
    active_subjects,
    agents,
    children,
    clause_subjects,
    conjuncts,
    direct_objects,
    is_passive,
    noun_holder_tokens,
    passive_targets,
    prep_objects,
)
from sanctionwatch.extract.relation_rules import LinkShape, PlaceCue
from sanctionwatch.extract.rulefile import RuleSection, read_rule_file, rule_mapping
from sanctionwatch.extract.types import Mention
from sanctionwatch.settings import DATA_DIR

LINKS_PATH = DATA_DIR / "extract" / "relations" / "links.yaml"
_PLACE_ENTS = frozenset({"GPE", "LOC", "FAC"})
_PERSON = frozenset({"Person"})
_OF_PLACE = re.compile(r"\s+of\s+(?:the\s+)?([^,()]+)$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class PlaceVerbs:
    """Cue verbs of one location fact and the prepositions that introduce their place."""

    lemmas: frozenset[str]
    preps: frozenset[str]
    fact: PlaceCue


@dataclass(frozen=True, slots=True)
class DealingVerbs:
    """Dealing verbs whose other party follows one of ``preps`` (or is the object)."""

    lemmas: frozenset[str]
    preps: frozenset[str]
    direct: bool


@dataclass(frozen=True, slots=True)
class FamilyShape:
    """The ``Family`` link: the properties its ends and its relationship word fill."""

    kind: str
    schema: str
    person: str
    relative: str
    relationship: str
    confidence: float


@dataclass(frozen=True, slots=True)
class LinkRules:
    """What :class:`LinkFinder` reads from ``links.yaml`` (lower-cased)."""

    version: str
    place_verbs: tuple[PlaceVerbs, ...]
    premises_nouns: frozenset[str]
    premises_owner_verbs: frozenset[str]
    premises: PlaceCue
    parenthesis_schemata: frozenset[str]
    parenthesis: PlaceCue
    of_place_schemata: frozenset[str]
    of_place: PlaceCue
    possessive_place: PlaceCue
    in_place_schemata: frozenset[str]
    in_place: PlaceCue
    place_nouns: frozenset[str]
    family: FamilyShape
    family_words: frozenset[str]
    family_verbs: Mapping[str, str]
    dealing_groups: tuple[DealingVerbs, ...]
    dealing_nouns: frozenset[str]
    dealing_noun_verbs: frozenset[str]
    dealing_noun_preps: frozenset[str]
    dealing_confidence: float
    flow_nouns: frozenset[str]
    flow_giver_verbs: frozenset[str]
    legal_lemmas: frozenset[str]
    legal_holdings: frozenset[str]
    legal_nouns: frozenset[str]
    legal_noun_verbs: frozenset[str]
    legal_confidence: float
    legal_nominals: frozenset[str]
    fallback_preps: frozenset[str]
    stop_verbs: frozenset[str]
    stop_objects: frozenset[str]
    fallback_confidence: float

    @property
    def dealing_lemmas(self) -> frozenset[str]:
        return frozenset(lemma for group in self.dealing_groups for lemma in group.lemmas)


class _LocationFields(TypedDict):
    """``locations``: the cue verbs and the phrase shapes that place a party."""

    place_verbs: tuple[PlaceVerbs, ...]
    premises_nouns: frozenset[str]
    premises_owner_verbs: frozenset[str]
    premises: PlaceCue
    parenthesis_schemata: frozenset[str]
    parenthesis: PlaceCue
    of_place_schemata: frozenset[str]
    of_place: PlaceCue
    possessive_place: PlaceCue
    in_place_schemata: frozenset[str]
    in_place: PlaceCue
    place_nouns: frozenset[str]


class _DealingFields(TypedDict):
    """``dealings`` and ``legal_actions``: who deals with, pays or sues whom."""

    dealing_groups: tuple[DealingVerbs, ...]
    dealing_nouns: frozenset[str]
    dealing_noun_verbs: frozenset[str]
    dealing_noun_preps: frozenset[str]
    dealing_confidence: float
    flow_nouns: frozenset[str]
    flow_giver_verbs: frozenset[str]
    legal_lemmas: frozenset[str]
    legal_holdings: frozenset[str]
    legal_nouns: frozenset[str]
    legal_noun_verbs: frozenset[str]
    legal_confidence: float
    legal_nominals: frozenset[str]


# -- loading ---------------------------------------------------------------------------------


def _place_verbs(locations: RuleSection) -> tuple[PlaceVerbs, ...]:
    return tuple(
        PlaceVerbs(group.words("lemmas"), group.words("preps"), group.place_cue())
        for group in locations.items("verbs")
    )


def _dealing_groups(dealings: RuleSection) -> tuple[DealingVerbs, ...]:
    return tuple(
        DealingVerbs(group.words("lemmas"), group.words("preps"), group.flag("direct"))
        for group in dealings.items("groups")
    )


def _family(family: RuleSection) -> FamilyShape:
    family.check_schema("schema", ["person", "relative", "relationship"])
    return FamilyShape(
        kind=family.text("kind"),
        schema=family.text("schema"),
        person=family.text("person"),
        relative=family.text("relative"),
        relationship=family.text("relationship"),
        confidence=family.confidence("confidence"),
    )


def _location_rules(loc: RuleSection) -> _LocationFields:
    premises, parenthesis = loc.section("premises"), loc.section("parenthesis")
    of_place, in_place = loc.section("of_place"), loc.section("in_place")
    return {
        "place_verbs": _place_verbs(loc),
        "premises_nouns": premises.words("nouns"),
        "premises_owner_verbs": premises.words("owner_verbs"),
        "premises": premises.place_cue(),
        "parenthesis_schemata": parenthesis.schemata("schemata"),
        "parenthesis": parenthesis.place_cue(),
        "of_place_schemata": of_place.schemata("schemata"),
        "of_place": of_place.place_cue(),
        "possessive_place": loc.section("possessive").place_cue(),
        "in_place_schemata": in_place.schemata("schemata"),
        "in_place": in_place.place_cue(),
        "place_nouns": loc.words("place_nouns"),
    }


def _dealing_rules(deal: RuleSection, legal: RuleSection) -> _DealingFields:
    return {
        "dealing_groups": _dealing_groups(deal),
        "dealing_nouns": deal.words("nouns"),
        "dealing_noun_verbs": deal.words("noun_verbs"),
        "dealing_noun_preps": deal.words("noun_preps"),
        "dealing_confidence": deal.confidence("confidence"),
        "flow_nouns": deal.words("flow_nouns"),
        "flow_giver_verbs": deal.words("flow_giver_verbs"),
        "legal_lemmas": legal.words("lemmas"),
        "legal_holdings": legal.words("holdings"),
        "legal_nouns": legal.words("nouns"),
        "legal_noun_verbs": legal.words("noun_verbs"),
        "legal_confidence": legal.confidence("confidence"),
        "legal_nominals": legal.words("nominals"),
    }


def parse_link_rules(path: Path, data: Any) -> LinkRules:
    """Validate the parsed YAML of a links file; errors name the file and the dotted key
    (the checks every rules file shares, :mod:`sanctionwatch.extract.rulefile`)."""
    data = rule_mapping(path, data)
    family = RuleSection(path, data, "family")
    fallback = RuleSection(path, data, "fallback")
    return LinkRules(
        version=str(data["version"]),
        **_location_rules(RuleSection(path, data, "locations")),
        family=_family(family),
        family_words=family.words("words"),
        family_verbs=family.text_mapping("verbs"),
        **_dealing_rules(
            RuleSection(path, data, "dealings"), RuleSection(path, data, "legal_actions")
        ),
        fallback_preps=fallback.words("preps"),
        stop_verbs=fallback.words("stop_verbs"),
        stop_objects=fallback.words("stop_objects"),
        fallback_confidence=fallback.confidence("confidence"),
    )


def load_link_rules_file(path: Path) -> LinkRules:
    return parse_link_rules(path, read_rule_file(path, "link rules"))


@lru_cache(maxsize=1)
def default_link_rules() -> LinkRules:
    """The packaged link rules (read once per process)."""
    return load_link_rules_file(LINKS_PATH)


@lru_cache(maxsize=1)
def _known_places() -> Mapping[str, str]:
    """Cities and regions of ``places.yaml`` (lower-cased name -> country code)."""
    from sanctionwatch.extract.rules import load_entity_rules

    return load_entity_rules().places


def _known_authority(name: str) -> bool:
    """Is ``name`` one of the authorities ``entity_typing.yaml`` groups ("FBI", "DOJ")?"""
    from sanctionwatch.extract.entity_typing import authority_key, load_typing_rules

    return authority_key(name) in load_typing_rules().authorities


# -- finding -----------------------------------------------------------------------------------


def _fact_key(fact: Fact) -> tuple[str, str, str]:
    return fact.party.entity_id or fact.party.name, fact.prop, fact.value


def _pair(link: Link) -> frozenset[str]:
    """The parties a link ties, by entity id (or name): the key no rule links twice."""
    return frozenset(p.entity_id or p.name for p in link.parties.values())


def _matched(token: Token, words: frozenset[str]) -> str | None:
    """The lemma of ``token`` that ``words`` holds; also when the lemmatizer fails on an
    inflected form ("fined" -> "fin")."""
    lower = token.lower_
    for form in (token.lemma_.lower(), lower, lower.removesuffix("d"), lower.removesuffix("ed")):
        if form in words:
            return form
    return None


def _passive(verb: Token) -> bool:
    """Passive voice, also when the tagger missed it but a "by" agent marks it."""
    return is_passive(verb) or bool(children(verb, "agent"))


def _acted_on(verb: Token) -> list[Token]:
    """What a passive verb is done to: its subject, or the noun its participle describes."""
    subjects = [tok for child in children(verb, "nsubjpass", "nsubj") for tok in conjuncts(child)]
    return subjects or passive_targets(verb)


class LinkFinder:
    """Reads the links of the module docstring from one sentence at a time."""

    def __init__(self, finder: SentenceFinder, rules: LinkRules) -> None:
        self.finder = finder
        self.index = finder.index
        self.rules = rules
        base = finder.rules
        # anyone's freeze is a legal action; an authority's is also a designation (the sweeps),
        # and relations._designations_win keeps the Sanction (rules.yaml sanctions.freeze_verbs)
        self._legal_lemmas = rules.legal_lemmas | base.freeze_verbs
        self._unknown = base.fallback_link
        self._never = (
            rules.stop_verbs
            | base.speech_verbs
            | base.fallback_ignore_verbs
            | base.trigger_verbs
            | rules.dealing_lemmas
            | self._legal_lemmas
        )
        self._place_lemmas = frozenset(w for group in rules.place_verbs for w in group.lemmas)
        # the last word of every family phrase ("half-brother" -> "brother"): a cheap test
        self._kin_heads = frozenset(re.split(r"[\s-]", word)[-1] for word in rules.family_words)
        self._roots: dict[tuple[int, int], int] = {}

    def after(self, found: Iterable[Found], sentence: Span) -> Iterator[Found]:
        """What the sentence rules found, then this module's links for pairs they left.

        A pair only rules.yaml's bare fallback linked is linked again here when a rule of this
        module reads it (a dealing or legal action names the role better: "fine", not the
        lemmatizer's "fin"); the fallback's link is then dropped."""
        earlier = list(found)
        linked: set[frozenset[str]] = set()
        by_fallback: dict[frozenset[str], list[Link]] = {}
        for item in earlier:
            if isinstance(item, Link):
                pair = _pair(item)
                if item.rule == "fallback":
                    by_fallback.setdefault(pair, []).append(item)
                else:
                    linked.add(pair)
        stated = {_fact_key(item) for item in earlier if isinstance(item, Fact)}
        mine = list(self.find(sentence, linked, stated))
        superseded = {
            id(old)
            for link in mine
            if isinstance(link, Link) and link.rule != "links:fallback"
            for old in by_fallback.get(_pair(link), [])
        }
        yield from (item for item in earlier if id(item) not in superseded)
        yield from (
            item
            for item in mine
            if not (
                isinstance(item, Link)
                and item.rule == "links:fallback"
                and _pair(item) in by_fallback
            )
        )

    def find(
        self,
        sentence: Span,
        linked: set[frozenset[str]] | None = None,
        stated: set[tuple[str, str, str]] | None = None,
    ) -> Iterator[Found]:
        """This module's links and facts in ``sentence``, except pairs already ``linked``
        and facts already ``stated`` (by the sentence rules, or earlier here)."""
        linked = set() if linked is None else linked
        stated = set() if stated is None else stated
        tokens = list(sentence)  # one pass of Token objects for every family below
        for fact in self.locations(sentence, tokens):
            if _fact_key(fact) not in stated:
                stated.add(_fact_key(fact))
                yield fact
        for family in (self.family, self.dealings, self.legal_actions, self.fallback):
            for link in family(sentence, tokens):
                pair = _pair(link)
                if len(pair) == 2 and pair not in linked:
                    linked.add(pair)
                    yield link

    # -- helpers -----------------------------------------------------------------------

    def _named(
        self, tokens: Iterable[Token], schemata: frozenset[str] = frozenset()
    ) -> list[Party]:
        """Named parties only: no pronoun, no description."""
        return [p for p in self.finder.parties(tokens, schemata) if not p.via_pronoun]

    def _unknown_links(
        self,
        pairs: Iterable[tuple[Party, Party]],
        trigger: Token,
        sentence: Span,
        role: str,
        confidence: float,
        rule: str,
    ) -> Iterator[Link]:
        shape: LinkShape = replace(self._unknown, confidence=confidence)
        yield from self.finder.pair_links(shape, rule, pairs, trigger, sentence, role)

    # -- locations -----------------------------------------------------------------------

    def locations(self, sentence: Span, tokens: list[Token]) -> Iterator[Fact]:
        for token in tokens:
            mention = self.index.at(token)
            if token.pos_ in ("VERB", "AUX", "ADJ"):
                yield from self._verb_places(token, sentence)
            if mention is None and token.pos_ in ("NOUN", "PROPN"):
                yield from self._premises(token, sentence)
            if token.text == "(":
                yield from self._parenthesis(token, sentence)
            if mention is not None and token.i == self._mention_root(mention):
                yield from self._of_place(token, sentence)
                yield from self._possessive_city(token, sentence)
                yield from self._the_name_in(token, sentence)
            if mention is None and token.dep_ in ("compound", "nmod"):
                yield from self._descriptor_before_name(token, sentence)

    def _mention_root(self, mention: Mention) -> int:
        """The index of the syntactic head of a mention (cached: names repeat per token)."""
        key = (mention.start, mention.end)
        root = self._roots.get(key)
        if root is None:
            doc = self.index.doc
            span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
            root = self._roots[key] = span.root.i if span is not None else -1
        return root

    def _place(self, token: Token, prep: str) -> Place | None:
        """A place named at ``token``: a place mention or place entity, or after "at" a
        street address ("14 Harbour Road, Dalian")."""
        if token.ent_type_ == "DATE":
            return None
        mention = self.index.at(token)
        if mention is not None:
            return self._phrase(token) if mention.schema in ("Place", "Address") else None
        if token.ent_type_ in _PLACE_ENTS:
            return self._phrase(token)
        if token.lemma_.lower() in self.rules.place_nouns:
            # "the Chinese border city of Dandong": the place is what the noun is "of"
            for _, obj in prep_objects(token, {"of"}):
                return self._place(obj, prep)
        subtree = list(token.subtree)
        if prep == "at" and token.pos_ == "PROPN" and any(t.like_num for t in subtree):
            while subtree and subtree[-1].is_punct:
                subtree.pop()
            span = token.doc[subtree[0].i : subtree[-1].i + 1]
            return span.text, span.start_char, span.end_char
        return None

    def _phrase(self, token: Token) -> Place | None:
        """The whole place phrase ("Segori-dong, Pothonggang District, Pyongyang"), but each
        place of a coordination ("Beijing and Shenyang") on its own."""
        if children(token, "cc"):
            return self.finder.place(token)
        return self.finder.address_at(token)

    def _prep_places(self, verb: Token, preps: frozenset[str]) -> list[Place]:
        """Places after the cue's prepositions, two-word ones too ("out of Nampo")."""
        found: list[Place] = []
        for child in children(verb, "prep"):
            heads = [(child.lower_, child)]
            heads += [(f"{child.lower_} {g.lower_}", g) for g in children(child, "prep")]
            for word, prep in heads:
                if word not in preps:
                    continue
                for obj in children(prep, "pobj"):
                    found.extend(self._coordinated_places(obj, word))
        return found

    def _coordinated_places(self, obj: Token, prep: str) -> list[Place]:
        """ "in Russia and Laos": each place; "in Segori-dong, Pyongyang": one address."""
        members = conjuncts(obj) if children(obj, "cc") else [obj]
        places = [self._place(member, prep) for member in members]
        return [place for place in places if place is not None]

    def _verb_places(self, token: Token, sentence: Span) -> Iterator[Fact]:
        if _matched(token, self._place_lemmas) is None:
            return
        for group in self.rules.place_verbs:
            if _matched(token, group.lemmas) is None:
                continue
            places = self._prep_places(token, group.preps)
            if not places:
                continue
            listed = False
            party: Party | None = None
            if token.dep_ in ("acl", "amod"):
                party, listed = self.finder.listed_as(token.head)
                if party is None:
                    party = self.finder.described_party(token)
            elif token.pos_ in ("VERB", "AUX") and self.finder.asserted(token):
                parties = self.finder.parties(clause_subjects(token))
                party = parties[0] if parties else None
            if party is None or not self.finder.is_party(party):
                continue
            yield from self.finder.place_facts(group.fact, party, places, token, sentence, listed)

    def _premises(self, noun: Token, sentence: Span) -> Iterator[Fact]:
        """ "the Shenyang office of X", "X's factory in Sinuiju", "X opened an office in Y",
        "X's headquarters are in Y"."""
        lemma = noun.lemma_.lower()
        compound = " ".join(t.lower_ for t in noun.lefts if t.dep_ == "compound")
        if lemma not in self.rules.premises_nouns and (
            f"{compound} {lemma}" not in self.rules.premises_nouns
        ):
            return
        places = [
            self._place(child, "in")
            for child in noun.lefts
            if child.dep_ in ("compound", "nmod", "amod") and self._is_place_mention(child)
        ]
        places += [self._place(obj, prep) for prep, obj in prep_objects(noun, {"in", "at"})]
        owners = self.finder.parties(children(noun, "poss"), ORG_SCHEMATA)
        owners += self._named([obj for _, obj in prep_objects(noun, {"of"})], ORG_SCHEMATA)
        verb = noun.head
        verb_places = [self._place(obj, prep) for prep, obj in prep_objects(verb, {"in", "at"})]
        if noun.dep_ in ("dobj", "obj") and self.finder.asserted(verb):
            if verb.lemma_.lower() in self.rules.premises_owner_verbs:
                # "X has offices in Y", "X set up a branch in Y"
                owners = owners or self.finder.parties(clause_subjects(verb), ORG_SCHEMATA)
                places += verb_places
        elif noun.dep_ == "nsubj" and verb.lemma_.lower() in ("be", "remain"):
            places += verb_places  # "X's headquarters are in Y"
        found = [place for place in places if place is not None]
        for owner in owners[:1] if found else []:
            yield from self.finder.place_facts(self.rules.premises, owner, found, noun, sentence)

    def _descriptor_before_name(self, noun: Token, sentence: Span) -> Iterator[Fact]:
        """ "Dandong firm X", "Vladivostok company X": a placed descriptor before a name."""
        if noun.lemma_.lower() not in self.finder.rules.descriptor_nouns:
            return
        named = self.index.at(noun.head)
        if named is None or named.schema not in ORG_SCHEMATA:
            return
        places = [
            self._place(child, "in")
            for child in noun.lefts
            if child.dep_ in ("compound", "nmod", "amod") and self._is_place_mention(child)
        ]
        found = [place for place in places if place is not None]
        descriptor = self.finder.rules.descriptor
        yield from self.finder.place_facts(descriptor, Party.of(named), found, noun, sentence)

    def _the_name_in(self, root: Token, sentence: Span) -> Iterator[Fact]:
        """ "the Mansudae Art Studio in Pyongyang": a definite name the parse places with
        "in" (a bare "for X in Moscow" may mean X's branch there, and is left alone)."""
        mention = self.index.at(root)
        if mention is None or mention.schema not in self.rules.in_place_schemata:
            return
        if not any(child.dep_ == "det" and child.lower_ == "the" for child in root.children):
            return
        if self._state_body(mention.text):
            return
        if root.dep_ == "pobj" and self.finder.title_at(root.head.head) is not None:
            return  # "a reporter for the Journal in Moscow": the reporter is in Moscow
        places = [self._place(obj, prep) for prep, obj in prep_objects(root, {"in"})]
        found = [place for place in places if place is not None]
        cue = self.rules.in_place
        yield from self.finder.place_facts(cue, Party.of(mention), found, root, sentence)

    def _state_body(self, name: str) -> bool:
        """ "the Foreign Ministry in Moscow": a state body's seat is its capital's, no fact."""
        return default_nationality_rules().is_state_body(name)

    def _possessive_city(self, token: Token, sentence: Span) -> Iterator[Fact]:
        """ "Pyongyang's Mansudae Art Studio": a city's organisation is in that city."""
        if token.dep_ != "poss" or not self._is_place_mention(token):
            return
        place = self._place(token, "in")
        party = self.finder.party(token.head)
        if place is None or party is None or party.schema not in ORG_SCHEMATA:
            return
        if self._state_body(party.name):
            return
        if country_of_place(place[0]) is None:
            yield from self.finder.place_facts(
                self.rules.possessive_place, party, [place], token, sentence
            )

    def _is_place_mention(self, token: Token) -> bool:
        mention = self.index.at(token)
        return mention is not None and mention.schema in ("Place", "Address")

    def _parenthesis(self, opener: Token, sentence: Span) -> Iterator[Fact]:
        """ "X (Dalian, China)": a bracket after a name holding only places."""
        if opener.i == sentence.start:
            return
        named = self.index.at(opener.doc[opener.i - 1])
        if named is None or named.schema not in self.rules.parenthesis_schemata:
            return
        places: list[Place] = []
        for token in opener.doc[opener.i + 1 : sentence.end]:
            if token.text == ")":
                break
            if token.is_punct:
                continue
            mention = self.index.at(token)
            if mention is None or mention.schema not in ("Place", "Address"):
                return
            place = (mention.text, mention.start, mention.end)
            if place not in places:
                places.append(place)
        else:
            return
        party = Party.of(named)
        yield from self.finder.place_facts(self.rules.parenthesis, party, places, opener, sentence)

    def _of_place(self, root: Token, sentence: Span) -> Iterator[Fact]:
        """ "X of Shenyang": a company and the place it is "of" (in the parse or its name)."""
        mention = self.index.at(root)
        if mention is None or mention.schema not in self.rules.of_place_schemata:
            return
        party = Party.of(mention)
        places = [
            self._place(obj, "of")
            for prep, obj in prep_objects(root, {"of"})
            if self._is_place_mention(obj)
        ]
        match = _OF_PLACE.search(mention.text)
        if match is not None:
            name = match.group(1).strip()
            if name.casefold() in _known_places() and country_of_place(name) is None:
                start = mention.start + match.start(1)
                places.append((name, start, start + len(name)))
        found = [place for place in places if place is not None]
        yield from self.finder.place_facts(self.rules.of_place, party, found, root, sentence)

    # -- family --------------------------------------------------------------------------

    def _kin_word(self, token: Token) -> str | None:
        """The family word a noun is, hyphenated parts included ("half-brother")."""
        if token.pos_ not in ("NOUN", "PROPN") or self.index.at(token) is not None:
            return None
        lower, lemma = token.lower_, token.lemma_.lower()
        if not ({lower, lemma} & self._kin_heads or "-" in lower):
            return None
        doc = token.doc
        start = end = token.i
        while start >= 2 and doc[start - 1].text == "-" and not doc[start - 2].whitespace_:
            start -= 2
        while end + 2 < len(doc) and doc[end + 1].text == "-" and not doc[end].whitespace_:
            end += 2
        phrase = doc[start : end + 1].text.lower()
        words = self.rules.family_words
        modifiers = [t.lower_ for t in token.lefts if t.dep_ == "amod" and t.i < start]
        for candidate in (
            *(f"{m} {phrase}" for m in modifiers[-1:]),
            phrase,
            token.lemma_.lower() if start == end else "",
        ):
            if candidate and candidate in words:
                return candidate
        return None

    def _kin_anchors(self, noun: Token) -> list[Party]:
        """Whose relative the noun names: "X's brother", "his brother", "the son of X"."""
        tokens = children(noun, "poss") + [obj for _, obj in prep_objects(noun, {"of"})]
        if not tokens and noun.dep_ in ("compound", "nmod"):
            tokens = children(noun.head, "poss")
        return self.finder.parties(tokens, _PERSON)

    def family(self, sentence: Span, tokens: list[Token]) -> Iterator[Link]:
        for token in tokens:
            relationship = self.rules.family_verbs.get(token.lemma_.lower())
            if token.pos_ == "VERB" and relationship and self.finder.asserted(token):
                yield from self._married(token, relationship, sentence)
            word = self._kin_word(token)
            if word is None:
                continue
            relatives = self._named(noun_holder_tokens(token), _PERSON)
            anchors = self._kin_anchors(token)
            pairs = ((person, relative) for person in anchors for relative in relatives)
            yield from self._family_links(pairs, token, word, sentence)

    def _married(self, verb: Token, relationship: str, sentence: Span) -> Iterator[Link]:
        """ "X married Y", "X and Y married in 2009"."""
        people = self._named(clause_subjects(verb), _PERSON)
        others = self._named(direct_objects(verb), _PERSON)
        if not others and len(people) > 1:
            people, others = people[:1], people[1:]
        pairs = ((person, other) for person in people for other in others)
        yield from self._family_links(pairs, verb, relationship, sentence)

    def _family_links(
        self, pairs: Iterable[tuple[Party, Party]], trigger: Token, word: str, sentence: Span
    ) -> Iterator[Link]:
        shape = self.rules.family
        for person, relative in pairs:
            if person.entity_id == relative.entity_id:
                continue
            start, end = evidence_span([person, relative], trigger)
            link = Link(
                shape.kind,
                shape.schema,
                "links:family",
                {shape.person: person, shape.relative: relative},
                shape.confidence,
                start,
                end,
                sentence,
            )
            link.add(shape.relationship, word)
            yield link

    # -- dealings --------------------------------------------------------------------------

    def _stopped(self, objects: Iterable[Token]) -> bool:
        return any(obj.lemma_.lower() in self.rules.stop_objects for obj in objects)

    def dealings(self, sentence: Span, tokens: list[Token]) -> Iterator[Link]:
        for token in tokens:
            lemma = token.lemma_.lower()
            if token.pos_ == "VERB" and self.finder.asserted(token):
                for group in self.rules.dealing_groups:
                    form = _matched(token, group.lemmas)
                    if form is not None:
                        yield from self._dealing(token, form, group, sentence)
            if token.pos_ == "NOUN" and lemma in self.rules.dealing_nouns:
                yield from self._dealing_noun(token, sentence)
            if token.pos_ == "NOUN" and lemma in self.rules.flow_nouns:
                yield from self._flow(token, sentence)

    def _dealing(
        self, verb: Token, role: str, group: DealingVerbs, sentence: Span
    ) -> Iterator[Link]:
        objects = direct_objects(verb)
        passive = _passive(verb)
        if self._stopped(objects + (_acted_on(verb) if passive else [])):
            return  # "gave an interview to Y", "a statement sent to Y by X"
        partners = [obj for _, obj in prep_objects(verb, group.preps)]
        # "bought diesel from X": the parser often hangs the partner on the goods
        partners += [o for obj in objects for _, o in prep_objects(obj, group.preps)]
        if passive:
            subjects = self.finder.parties(agents(verb))
            partners += _acted_on(verb) if group.direct or not partners else []
        else:
            # "X was designated for providing support to Y": the clause's controller
            subjects = self.finder.parties(clause_subjects(verb) or self._controllers(verb))
            if group.direct:
                partners += objects + children(verb, "dative")
        others = self.finder.parties(partners)
        pairs = ((s, o) for s in subjects for o in others)
        yield from self._unknown_links(
            pairs, verb, sentence, role, self.rules.dealing_confidence, "links:dealing"
        )

    def _flow(self, noun: Token, sentence: Span) -> Iterator[Link]:
        """ "X's shipments of coal to Y", "payments from X to Y", "X made payments to Y"."""
        goods = [obj for _, obj in prep_objects(noun, {"of"})]
        receivers = [obj for _, obj in prep_objects(noun, {"to"})]
        receivers += [o for good in goods for _, o in prep_objects(good, {"to"})]
        givers = children(noun, "poss") + [o for _, o in prep_objects(noun, {"from", "by"})]
        verb = noun.head
        giving = verb.lemma_.lower() in self.rules.flow_giver_verbs
        if not givers and giving and noun.dep_ in ("dobj", "obj") and self.finder.asserted(verb):
            givers = clause_subjects(verb)
        pairs = (
            (giver, receiver)
            for giver in self.finder.parties(givers)
            for receiver in self.finder.parties(receivers)
        )
        role = noun.lemma_.lower()
        yield from self._unknown_links(
            pairs, noun, sentence, role, self.rules.dealing_confidence, "links:dealing"
        )

    def _light_verb(self, noun: Token) -> Token | None:
        """The verb taking a dealing noun: "signed a contract", "entered into an agreement"."""
        verb = noun.head
        if noun.dep_ == "pobj" and verb.lower_ == "into":
            verb = verb.head
        elif noun.dep_ not in ("dobj", "obj"):
            return None
        if verb.pos_ != "VERB" or verb.lemma_.lower() not in self.rules.dealing_noun_verbs:
            return None
        return verb if self.finder.asserted(verb) else None

    def _dealing_noun(self, noun: Token, sentence: Span) -> Iterator[Link]:
        """ "X signed a contract with Y", "X and Y signed a contract", "X's contract with Y"."""
        preps = self.rules.dealing_noun_preps
        partners = [obj for _, obj in prep_objects(noun, preps)]
        verb = self._light_verb(noun)
        own: list[Token] = []
        if verb is None:
            subjects = self._dealers(noun)
            role = noun.lemma_.lower()
        else:
            partners += [obj for _, obj in prep_objects(verb, preps)]
            own = clause_subjects(verb)
            subjects = self.finder.parties(own or self._controllers(verb))
            role = f"{verb.lemma_.lower()} {noun.lemma_.lower()}"
        others = self.finder.parties(partners)
        if verb is not None and own and not others and len(subjects) > 1:
            subjects, others = subjects[:1], subjects[1:]  # "X and Y signed a contract"
        pairs = ((s, o) for s in subjects for o in others)
        yield from self._unknown_links(
            pairs, noun, sentence, role, self.rules.dealing_confidence, "links:dealing"
        )

    def _controllers(self, token: Token) -> list[Token]:
        """Who does what a subjectless clause says (:func:`relation_events.control_chain`),
        when every verb above it is stated ("X was not designated for paying Y": nobody)."""
        subjects, climbed = control_chain(token)
        return subjects if all(self.finder.asserted(verb) for verb in climbed) else []

    def _dealers(self, noun: Token) -> list[Party]:
        """Whose dealing a noun with no light verb names: its named possessor ("X's contract
        with Y"), else, for "designated X ... for their dealing with Y", the clause's
        controller (a possessive pronoun there stands for the designated parties); with no
        controller, whom the pronoun refers to ("sanctioned X over its contract with Y": X)."""
        owners = children(noun, "poss")
        named = self._named(owners)
        if named:
            return named
        if owners and any(owner.pos_ != "PRON" for owner in owners):
            return self.finder.parties(owners)
        return self.finder.parties(self._controllers(noun)) or self.finder.parties(owners)

    # -- legal actions -----------------------------------------------------------------------

    def _targets(self, tokens: list[Token]) -> list[Party]:
        """Parties acted against; "X's assets", "the accounts of X" stand for X."""
        reached = list(tokens)
        for token in tokens:
            if token.lemma_.lower() in self.rules.legal_holdings or token.lower_ in (
                self.rules.legal_holdings
            ):
                reached += children(token, "poss") + [o for _, o in prep_objects(token, {"of"})]
        return self.finder.parties(reached)

    def legal_actions(self, sentence: Span, tokens: list[Token]) -> Iterator[Link]:
        confidence = self.rules.legal_confidence
        for token in tokens:
            lemma = token.lemma_.lower()
            legal = _matched(token, self._legal_lemmas) if token.pos_ == "VERB" else None
            if legal is not None:
                if not self.finder.asserted(token):
                    continue
                if _passive(token):
                    authorities = self.finder.parties(agents(token))
                    targets = self._targets(_acted_on(token))
                else:
                    authorities = self.finder.parties(clause_subjects(token))
                    targets = self._targets(direct_objects(token) + children(token, "dative"))
                pairs = ((a, t) for a in authorities for t in targets)
                yield from self._unknown_links(
                    pairs, token, sentence, legal, confidence, "links:legal"
                )
            elif token.pos_ == "NOUN" and lemma in self.rules.legal_nouns:
                yield from self._legal_noun(token, sentence)
            if token.pos_ == "NOUN" and lemma in self.rules.legal_nominals:
                yield from self._legal_nominal(token, sentence)

    def _legal_nominal(self, noun: Token, sentence: Span) -> Iterator[Link]:
        """ "the FBI's arrest of X", "the indictment of X by the Justice Department"."""
        objects = [obj for _, obj in prep_objects(noun, {"of", "against"})]
        # "the arrest of X by Russian police": the parse may hang "by" on X
        actors = [obj for token in [noun, *objects] for _, obj in prep_objects(token, {"by"})]
        authorities = self.finder.parties(children(noun, "poss") + actors)
        verb = noun.head
        if not authorities and not actors and noun.dep_ in ("dobj", "obj"):
            authorities = self._announcers(verb)  # "the FBI announced the arrest of X"
        targets = self._targets(objects)
        pairs = ((a, t) for a in authorities for t in targets)
        yield from self._unknown_links(
            pairs, noun, sentence, noun.lemma_.lower(), self.rules.legal_confidence, "links:legal"
        )

    def _announcers(self, verb: Token) -> list[Party]:
        """The authorities that state a legal action with a stated ``noun_verbs`` verb
        ("announced", "unsealed"): they took it. A firm or a person announcing an arrest
        ("Mirae announced the arrest of X") made no arrest."""
        if verb.pos_ != "VERB" or verb.lemma_.lower() not in self.rules.legal_noun_verbs:
            return []
        if not self.finder.asserted(verb):
            return []
        return [p for p in self.finder.parties(clause_subjects(verb)) if self._authority(p)]

    def _authority(self, party: Party) -> bool:
        """A body that can arrest or charge: a state body (nationality.yaml
        ``state_body_heads``: "Interior Ministry", "Moscow police"), a sanctioning authority
        (rules.yaml ``sanctions.authorities``) or a known one (entity_typing.yaml
        ``authorities``: "FBI")."""
        if party.schema in ("Person", "Company"):
            return False
        return (
            default_nationality_rules().is_state_body(party.name, party.schema)
            or self.finder.rules.authority(party.name) is not None
            or _known_authority(party.name)
        )

    def _legal_noun(self, noun: Token, sentence: Span) -> Iterator[Link]:
        """ "announced charges against X", "filed a lawsuit against X"."""
        verb = noun.head
        if verb.pos_ != "VERB" or verb.lemma_.lower() not in self.rules.legal_noun_verbs:
            return
        if not self.finder.asserted(verb):
            return
        against = [obj for _, obj in prep_objects(noun, {"against"})]
        against += [obj for _, obj in prep_objects(verb, {"against"})]
        if noun.dep_ in ("dobj", "obj"):
            authorities = self.finder.parties(clause_subjects(verb))
        elif noun.dep_ == "nsubjpass":
            authorities = self.finder.parties(agents(verb))
        else:
            return
        pairs = ((a, t) for a in authorities for t in self._targets(against))
        yield from self._unknown_links(
            pairs, noun, sentence, noun.lemma_.lower(), self.rules.legal_confidence, "links:legal"
        )

    # -- fallback --------------------------------------------------------------------------

    def fallback(self, sentence: Span, tokens: list[Token]) -> Iterator[Link]:
        """A named subject and a named prepositional object of any other asserted verb."""
        for token in tokens:
            lemma = token.lemma_.lower()
            if token.pos_ != "VERB" or lemma in self._never or is_passive(token):
                continue
            if not self.finder.asserted(token) or self._stopped(direct_objects(token)):
                continue
            subjects = self._named(active_subjects(token))
            if not subjects:
                continue
            particle = " ".join(child.lower_ for child in children(token, "prt"))
            for prep, obj in prep_objects(token, self.rules.fallback_preps):
                others = self._named([obj])
                role = " ".join(part for part in (lemma, particle, prep) if part)
                pairs = ((s, o) for s in subjects for o in others)
                yield from self._unknown_links(
                    pairs, token, sentence, role, self.rules.fallback_confidence, "links:fallback"
                )
