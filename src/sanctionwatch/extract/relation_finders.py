"""The relation finders: one method per family of rules, each reading one parsed sentence.

Each finder looks for a trigger (a title, a relational noun, a cue verb, "same address",
"registered in", "sanctioned by", ...) from the rules file, walks the dependency tree to the
trigger's arguments and returns what it found as :class:`Link`, :class:`Fact` or
:class:`SharedAddress` records; :mod:`sanctionwatch.extract.relations` turns them into
statements. A finder returns nothing unless every argument it needs is in the sentence.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from itertools import product
from pathlib import Path

from followthemoney import registry
from spacy.tokens import Span, Token

from sanctionwatch.extract.entity_spans import country_code as cached_country_code
from sanctionwatch.extract.relation_assertion import asserted, left_open
from sanctionwatch.extract.relation_nationality_rules import default_nationality_rules
from sanctionwatch.extract.relation_parse import (
    ANAPHOR_SOURCE,
    ORG_SCHEMATA,
    PERSON_PRONOUNS,
    THING_PRONOUNS,
    MentionIndex,
    Party,
    active_subjects,
    agents,
    children,
    clause_subjects,
    conjuncts,
    copula_subject,
    date_of,
    describe,
    direct_objects,
    is_passive,
    left_modifiers,
    noun_holder_tokens,
    passive_subjects,
    passive_targets,
    phrase_variants,
    prep_objects,
    verb_objects,
)
from sanctionwatch.extract.relation_rules import (
    Authority,
    LinkShape,
    NounRule,
    PlaceCue,
    RelationRules,
    TitleSet,
    VerbRule,
    normalise_phrase,
)
from sanctionwatch.extract.types import DocumentContext, Mention
from sanctionwatch.rulefile import RuleFileError, read_rule_file
from sanctionwatch.settings import DATA_DIR

_PERCENT = re.compile(r"(\d+(?:[.,]\d+)?)\s*(?:%|percent\b|per cent\b)", re.IGNORECASE)
_RELATIVE_PRONOUNS = frozenset({"which", "who", "that", "whom"})
_JOINER = re.compile(r"[\s,;()“”\"]*(?:(?:and|or|as well as)[\s()]*)?(?:the\s+)?", re.IGNORECASE)
_BASIS_REACH = 40
"""Characters between a basis cue and the first instrument it introduces."""
_PLURAL_PRONOUNS = frozenset({"they", "them", "their"})
_QUOTES = frozenset({"“", "”", '"', "‘", "’", "'"})
_QUANTIFIERS = frozenset({"many", "some", "several", "most", "all", "they", "others", "few"})


@dataclass(slots=True)
class Link:
    """Two parties (or a party and an unnamed group) linked by one sentence."""

    kind: str
    schema: str
    rule: str
    parties: dict[str, Party]
    confidence: float
    start: int
    end: int
    sentence: Span
    values: list[tuple[str, str, str | None]] = field(default_factory=list)

    def add(self, prop: str, value: str | None, original: str | None = None) -> None:
        if value:
            self.values.append((prop, value, original))


@dataclass(slots=True)
class Fact:
    """A property of one party read from the sentence (jurisdiction, country, nationality)."""

    kind: str
    party: Party
    prop: str
    value: str
    original: str
    confidence: float
    start: int
    end: int
    sentence: Span
    note: str | None = None


@dataclass(slots=True)
class SharedAddress:
    """Parties said to use one address; ``anchor`` is whose address it is said to be."""

    anchor: Party
    sharers: list[Party]
    confidence: float
    start: int
    end: int
    sentence: Span
    city: str | None = None


@dataclass(frozen=True, slots=True)
class Designator:
    """Who designates (the authority, its words as written) and under which instruments."""

    authority: Authority
    written: str
    basis: Sequence[str] = ()


@dataclass(frozen=True, slots=True)
class _Release:
    """Whose press release a document may be: its publisher, the headline's words before a
    headline verb ("Treasury" in "Treasury Sanctions ..."), the press-office cues it names."""

    publisher: str
    headline: tuple[str, ...]
    cues: tuple[str, ...]


Found = Link | Fact | SharedAddress
Place = tuple[str, int, int]  # text, start, end


def evidence_span(parties: Iterable[Party], *tokens: Token) -> tuple[int, int]:
    """(start, end) characters covering the parties and the trigger tokens: a link's evidence."""
    starts = [party.start for party in parties] + [token.idx for token in tokens]
    ends = [party.end for party in parties] + [token.idx + len(token) for token in tokens]
    return min(starts), max(ends)


def _outermost(places: list[Place | None]) -> list[Place | None]:
    """Drop places inside another one ("Pyongyang" within "Central District, Pyongyang")."""
    found = [place for place in places if place is not None]
    return [
        place
        for place in found
        if not any(o != place and o[1] <= place[1] and place[2] <= o[2] for o in found)
    ]


def _unlinked(
    pairs: Iterable[tuple[Party, Party]], linked: set[frozenset[str]]
) -> Iterator[tuple[Party, Party]]:
    """Pairs of different parties not linked yet; each one yielded counts as linked."""
    for first, second in pairs:
        pair = frozenset({first.entity_id or "", second.entity_id or ""})
        if first.entity_id == second.entity_id or pair in linked:
            continue
        linked.add(pair)
        yield first, second


@lru_cache(maxsize=1)
def _news_organisations() -> frozenset[str]:
    """News organisations as ``entity_typing.yaml`` lists them, normalised."""
    from sanctionwatch.extract.entity_typing import load_typing_rules

    return frozenset(normalise_phrase(name) for name in load_typing_rules().known_organisations)


def _is_news_organisation(name: str) -> bool:
    return normalise_phrase(name) in _news_organisations()


def country_code(text: str) -> str | None:
    """ISO code of a country or nationality word ("Cyprus", "Vietnamese"), else None."""
    cleaned = text.strip().strip("\"'“”‘’")
    if not cleaned or not cleaned[0].isupper():
        return None
    return cached_country_code(cleaned)


def country_of_place(text: str) -> str | None:
    """ISO code when ``text`` names a country itself ("Cyprus", "the U.S."), not a city in one.

    FollowTheMoney also resolves capitals ("Washington" -> us); a city stays an address.
    """
    code = country_code(text)
    if code is None:
        return None
    letters = re.sub(r"[^A-Za-z]", "", text)
    if letters.isupper():
        return code if letters in country_abbreviations() else None
    caption = re.sub(r"[^a-z]", "", str(registry.country.caption(code) or "").lower())
    plain = re.sub(r"[^a-z]", "", re.sub(r"^the\s+", "", text.strip(), flags=re.I).lower())
    if plain == code or (plain and (caption.startswith(plain) or plain.startswith(caption))):
        return code
    return None


COUNTRY_ABBREVIATIONS_PATH = DATA_DIR / "extract" / "relations" / "country_abbreviations.yaml"


@lru_cache(maxsize=1)
def country_abbreviations(path: Path = COUNTRY_ABBREVIATIONS_PATH) -> frozenset[str]:
    """The capitals a page writes for a country ("US", "DPRK"; not "IT"), letters only."""
    data = read_rule_file(path, "country abbreviations")
    if not isinstance(data.get("version"), int):
        raise RuleFileError(f"{path}: needs a mapping with an integer `version`")
    found = data.get("abbreviations")
    if not isinstance(found, list) or not all(isinstance(a, str) and a.isupper() for a in found):
        raise RuleFileError(f"{path}: `abbreviations` must be a list of upper-case words")
    return frozenset(found)


_ARGUMENT_DEPS = frozenset({"nsubj", "nsubjpass", "dobj", "obj", "dative"})
"""A verb's own arguments: the parties an "it" in the next sentence may mean."""


class SentenceFinder:
    """Runs every rule family over the sentences of one document.

    The later passes (links, roles, sweeps, designations, nationality) build on its public
    pieces rather than its internals: :meth:`party` / :meth:`parties` (who a token names),
    :meth:`pair_links` (one link per pair of parties), :meth:`place_facts` (what a location
    cue states), :meth:`worker_group` / :meth:`worker_link` (a group of workers and its
    employer), :meth:`title_at` / :meth:`title_shape` (a title word and its link),
    :meth:`described_party`, :meth:`listed_as`, :meth:`address_at`, :meth:`country_spans`,
    :meth:`country_fact`, :meth:`nationality_fact` and :meth:`sanction_links`.
    """

    def __init__(self, index: MentionIndex, rules: RelationRules, context: DocumentContext) -> None:
        self.index = index
        self.rules = rules
        self.context = context
        self._topics: dict[int, Party | None] = {}
        self._clause_arguments: dict[int, list[tuple[Party, bool, bool]]] = {}
        self._text: str | None = None
        self._release: _Release | None = None

    @property
    def text(self) -> str:
        """The parsed document's text: the context's cleaned text when it is what was parsed
        (as the pipeline guarantees), else ``Doc.text`` joined once (it joins every token)."""
        if self._text is None:
            doc, clean = self.index.doc, self.context.clean_text
            last = doc[-1] if len(doc) else None
            parsed = last.idx + len(last.text_with_ws) if last is not None else 0
            self._text = clean if len(clean) == parsed else doc.text
        return self._text

    def asserted(self, token: Token) -> bool:
        """Does the page state the clause of ``token`` as fact? Not when negated ("did not"),
        hedged ("might"), denied ("denied being ...", "refused to confirm that ...") or
        doubted ("no evidence that ..."): the one check every relation rule uses
        (:mod:`relation_assertion`, words in ``rules.yaml`` ``assertion``)."""
        return asserted(token, self.rules.assertion)

    # -- arguments -------------------------------------------------------------------------

    def party(self, token: Token) -> Party | None:
        """The entity ``token`` refers to: its mention, an appositive's, or a pronoun's."""
        mention = self._allowed_mention(token)
        if mention is None:
            lowered = token.lower_ if token.pos_ in ("PRON", "DET", "NOUN") else ""
            antecedent: Mention | Party | None = None
            if lowered in PERSON_PRONOUNS:
                antecedent = self.index.before(token, frozenset({"Person"}))
            elif lowered == "it" and (earlier := self._earlier_it(token)) is not None:
                antecedent = earlier  # "OFAC designated it ..., and the EU added it ..."
            elif lowered in THING_PRONOUNS or self._is_anaphor(token):
                # "its" takes the nearest organisation; "it" and "the company" a subject.
                subjects_only = lowered != "its"
                antecedent = (
                    self._its_antecedent(token) if lowered == "its" else None
                ) or self._first_allowed(
                    token,
                    self.index.before(
                        token, ORG_SCHEMATA, subjects_only=subjects_only, same_sentence=True
                    ),
                    self._sole_fitting_topic(token)
                    if lowered == "it"
                    else self.topic(token.sent, previous=True),
                )
                if lowered not in THING_PRONOUNS and self._no_company(token, antecedent):
                    antecedent = None  # "OFAC designated X and Y. The firm ...": not OFAC
            elif lowered in _RELATIVE_PRONOUNS and token.head.dep_ == "relcl":
                return self.party(token.head.head)
            if antecedent is not None:
                # The evidence is the pronoun in this sentence; the entity is its antecedent's.
                name = antecedent.canonical if isinstance(antecedent, Mention) else antecedent.name
                end = token.idx + len(token)
                return Party(
                    name, token.idx, end, antecedent.entity_id, antecedent.schema, via_pronoun=True
                )
        if mention is None:
            for child in children(token, "appos"):
                mention = self.index.at(child)
                if mention is not None:
                    break
        if mention is None and token.lemma_.lower() in self.rules.organisation_heads:
            mention = self._named_by_compound(token)
        if mention is None and token.lemma_.lower() in self.rules.part_heads:
            # "Rungrado's Moscow operation" is (part of) Rungrado.
            owners = [self.party(child) for child in children(token, "poss")]
            named = [party for party in owners if party is not None and self.is_party(party)]
            if named and named[0].schema in ORG_SCHEMATA:
                return named[0]
        if mention is None and token.dep_ == "appos" and token.pos_ == "NOUN":
            # "Dalvostok LLC, a firm that employs ...": the firm is Dalvostok LLC.
            mention = self.index.at(token.head)
        return Party.of(mention) if mention is not None else None

    def _allowed_mention(self, token: Token) -> Mention | None:
        """The mention at ``token``, unless the coreference resolver made "it" or "the company"
        an organisation this fallback refuses (a speaker of its own sentence, an authority or a
        news organisation): then the fallback below looks further, or finds none."""
        mention = self.index.at(token)
        if (
            mention is not None
            and mention.source == ANAPHOR_SOURCE
            and mention.schema in ORG_SCHEMATA
            and token.lower_ != "its"
            and self._refused_antecedent(token, mention)
        ):
            return None
        return mention

    def _first_allowed(
        self, token: Token, *candidates: Mention | Party | None
    ) -> Mention | Party | None:
        """The first candidate antecedent ``token`` may take. "its" takes any; "it" and "the
        company" never take a speaker of their own sentence ("Treasury said it paid B") nor a
        sanctioning authority or news organisation ("Reuters reported X. It paid B")."""
        for candidate in candidates:
            if candidate is None:
                continue
            if token.lower_ == "its" or not self._refused_antecedent(token, candidate):
                return candidate
        return None

    def _refused_antecedent(self, token: Token, antecedent: Mention | Party) -> bool:
        name = antecedent.canonical if isinstance(antecedent, Mention) else antecedent.name
        if self.rules.authority(name) is not None or _is_news_organisation(name):
            return True
        return antecedent.entity_id in self._speakers_over(token)

    def _speakers_over(self, token: Token) -> set[str]:
        """Entity ids of the subjects of the reporting verbs (``speech_verbs``) whose clause
        holds ``token``: "X said it ..." and "it ..., X reported" both make X a speaker."""
        speakers: set[str] = set()
        for verb in token.ancestors:
            if verb.lemma_.lower() not in self.rules.speech_verbs:
                continue
            for subject in children(verb, "nsubj", "nsubjpass"):
                if subject.i == token.i:
                    continue
                for named in conjuncts(subject):
                    party = self.party(named) if named.i != token.i else None
                    if party is not None and party.entity_id:
                        speakers.add(party.entity_id)
        return speakers

    def _its_antecedent(self, token: Token) -> Mention | None:
        """ "X, which the UN called ..., its director Y": "its" is the organisation its noun
        is listed with (conjunct or apposition), not the nearest name in a relative clause."""
        noun = token.head
        for _ in range(6):
            if noun.dep_ not in ("conj", "appos") or noun.head is noun:
                break
            noun = noun.head
            mention = self.index.at(noun)
            holder = noun.head if noun.dep_ == "appos" else noun
            owners = [
                child
                for child in (*noun.children, *holder.children)
                if child.lower_ == "its" and child.i < token.i
            ]
            if owners:  # "its front company X and its CEO Y": both "its" are one owner's
                return self._its_antecedent(owners[0])
            if mention is not None and mention.schema in ORG_SCHEMATA:
                return mention
        return self._nearest_outside_clauses(token)

    def _nearest_outside_clauses(self, token: Token) -> Mention | None:
        """The nearest organisation before ``token`` in its sentence that is not the subject
        of a relative clause ("which the United Nations called ...")."""
        for other in reversed(token.doc[token.sent.start : token.i]):
            mention = self.index.at(other)
            if mention is None or mention.schema not in ORG_SCHEMATA:
                continue
            span = token.doc.char_span(mention.start, mention.end, alignment_mode="expand")
            root = span.root if span is not None else other
            if root.dep_ in ("nsubj", "nsubjpass") and root.head.dep_ == "relcl":
                continue
            return mention
        return None

    def _earlier_it(self, token: Token) -> Party | None:
        for other in token.sent:
            if other.i >= token.i:
                return None
            if other.lower_ == "it" and other.pos_ == "PRON":
                return self.party(other)
        return None

    def _no_company(self, noun: Token, antecedent: Mention | Party | None) -> bool:
        """A company noun ("the firm") never means a sanctioning authority or a state body:
        the words of ``coreference.yaml``'s description groups with ``not_named``."""
        from sanctionwatch.extract.coreference import default_coreference_rules

        group = default_coreference_rules().description_group(noun.lemma_.lower())
        if antecedent is None or group is None or not group.not_named:
            return False
        name = antecedent.canonical if isinstance(antecedent, Mention) else antecedent.name
        if set(normalise_phrase(name).split()) & group.not_named:
            return True
        state_body = default_nationality_rules().is_state_body(name, antecedent.schema)
        return state_body or self.rules.authority(name) is not None

    def _is_anaphor(self, token: Token) -> bool:
        """ "the company", "the firm": a definite generic organisation noun, nothing else."""
        if token.lemma_.lower() not in self.rules.anaphor_nouns or self.index.at(token):
            return False
        lefts = list(token.lefts)
        return bool(lefts) and all(child.lower_ == "the" for child in lefts)

    def topic(self, sentence: Span, previous: bool = False) -> Party | None:
        """The organisation a sentence is about: its main subject, resolved (for "it")."""
        if previous:
            if sentence.start == 0:
                return None
            sentence = self.index.doc[sentence.start - 1].sent
        key = sentence.start
        if key in self._topics:
            return self._topics[key]
        self._topics[key] = None  # guards against cycles
        found: Party | None = None
        for subject in clause_subjects(sentence.root):
            party = self.party(subject)
            if party is not None and party.schema in ORG_SCHEMATA:
                found = party
                break
        self._topics[key] = found
        return found

    def _sole_fitting_topic(self, token: Token) -> Party | None:
        """ "A chartered a ship. It paid C": "it" takes the nearest preceding subject, the
        previous sentence's, when it fits "it" and the verb's role (a singular subject, not
        "A and B"; of a schema the verb's rule allows for the pronoun's role; no speaker,
        authority or news organisation) and nothing else there fits as well: another fitting
        subject or a direct object ("A sued B. It paid C") makes "it" refused, not guessed.
        A party inside a phrase ("a member of B", "fuel from B") is no rival."""
        if token.sent.start == 0:
            return None
        allowed = self._role_schemata(token)
        subjects: dict[str, Party] = {}
        rivals: set[str] = set()
        for party, plural, subject in self._arguments(self.index.doc[token.sent.start - 1].sent):
            if party.schema not in ORG_SCHEMATA or party.entity_id is None:
                continue
            if (allowed and party.schema not in allowed) or self._refused_antecedent(token, party):
                continue
            if subject and not plural:
                subjects[party.entity_id] = party
            rivals.add(party.entity_id)
        if len(subjects) != 1 or rivals != set(subjects):
            return None
        return next(iter(subjects.values()))

    def _arguments(self, sentence: Span) -> list[tuple[Party, bool, bool]]:
        """The named subjects and direct objects of a sentence's clauses, resolved: (party,
        coordinated with another, a subject)."""
        key = sentence.start
        if key not in self._clause_arguments:
            self._clause_arguments[key] = []  # guards against cycles through "it"
            found = []
            for token in sentence:
                if token.dep_ not in _ARGUMENT_DEPS:
                    continue
                party = self.party(token)
                if party is not None:
                    plural = any(child.dep_ == "conj" for child in token.children)
                    found.append((party, plural, token.dep_ in ("nsubj", "nsubjpass")))
            self._clause_arguments[key] = found
        return self._clause_arguments[key]

    def _role_schemata(self, pronoun: Token) -> frozenset[str]:
        """The schemata the verb rules of the pronoun's verb allow in its role (subject or
        object); empty when no rule of that verb restricts it."""
        verb = pronoun.head
        subject = pronoun.dep_ in ("nsubj", "nsubjpass")
        if not subject and pronoun.dep_ not in ("dobj", "obj"):
            return frozenset()
        lemma = verb.lemma_.lower()
        allowed: set[str] = set()
        for rule in self.rules.verbs:
            if lemma not in rule.lemmas:
                continue
            schemata = rule.subject_schemata if subject else rule.object_schemata
            if not schemata:
                return frozenset()
            allowed |= schemata
        return frozenset(allowed)

    def _named_by_compound(self, token: Token) -> Mention | None:
        """The organisation named right before a generic head ("the X Analytics program")."""
        if token.i == 0:
            return None
        previous = token.doc[token.i - 1]
        mention = self.index.at(previous)
        if previous.dep_ != "compound" or previous.head.i != token.i or mention is None:
            return None
        return mention if mention.schema in ORG_SCHEMATA else None

    def is_party(self, party: Party | None, schemata: frozenset[str] = frozenset()) -> bool:
        if party is None or party.schema is None:
            return False
        if party.schema not in self.rules.party_schemata:
            return False
        return not schemata or party.schema in schemata

    def parties(
        self, tokens: Iterable[Token], schemata: frozenset[str] = frozenset()
    ) -> list[Party]:
        found: dict[str, Party] = {}
        for token in tokens:
            # "two nationals, Im Song Sun and Choe Song Chol": every listed appositive
            listed = [
                self.party(conj) for child in children(token, "appos") for conj in conjuncts(child)
            ]
            candidates = [self.party(token)]
            if candidates[0] is None and token.lower_ in _PLURAL_PRONOUNS:
                candidates = list(self._plural_people(token))
            elif candidates[0] is None or (self.index.at(token) is None and len(listed) > 1):
                candidates = listed
            for party in candidates:
                if party is not None and party.entity_id and self.is_party(party, schemata):
                    found.setdefault(party.entity_id, party)
        return list(found.values())

    def _plural_people(self, pronoun: Token) -> Iterator[Party]:
        """ "A and B report from Sakhalin. Writing for X, they explain ...": "they" is the
        people coordinated as the subject earlier in the sentence or in the one before."""
        sentence = pronoun.sent
        scope = list(sentence)
        if sentence.start > 0:
            scope = list(self.index.doc[sentence.start - 1].sent) + scope
        for token in reversed([t for t in scope if t.i < pronoun.i]):
            if token.dep_ not in ("nsubj", "nsubjpass"):
                continue
            subtree = list(token.subtree)
            people: dict[str, Mention] = {}
            for word in subtree:
                mention = self.index.at(word)
                if mention is not None and mention.schema == "Person":
                    people.setdefault(mention.entity_id, mention)
            if len(people) < 2 or not any(word.dep_ == "cc" for word in subtree):
                continue
            end = pronoun.idx + len(pronoun)
            for mention in people.values():
                yield Party(
                    mention.canonical,
                    pronoun.idx,
                    end,
                    mention.entity_id,
                    mention.schema,
                    via_pronoun=True,
                )
            return

    def place(self, token: Token) -> Place | None:
        """A place named at ``token`` (a Place mention, or a proper noun)."""
        mention = self.index.at(token)
        if mention is not None:
            if mention.schema in ("Place", "Address"):
                return mention.text, mention.start, mention.end
            return None
        if token.pos_ == "PROPN" or token.ent_type_ in ("GPE", "LOC"):
            tokens = [t for t in token.subtree if t.pos_ == "PROPN" or t.dep_ == "compound"]
            tokens = tokens or [token]
            if tokens:
                doc = token.doc
                span = doc[tokens[0].i : tokens[-1].i + 1]
                return span.text, span.start_char, span.end_char
        return None

    # -- what the finders write -----------------------------------------------------------

    def pair_links(
        self,
        shape: LinkShape,
        rule: str,
        pairs: Iterable[tuple[Party, Party]],
        trigger: Token | None,
        sentence: Span,
        role: str | None = None,
    ) -> Iterator[Link]:
        """One ``shape`` link per pair of different parties; ``role`` overrides the shape's."""
        for first, second in pairs:
            if first.entity_id == second.entity_id:
                continue
            start, end = evidence_span([first, second], *(() if trigger is None else (trigger,)))
            parties = {shape.first: first, shape.second: second}
            link = Link(
                shape.kind, shape.schema, rule, parties, shape.confidence, start, end, sentence
            )
            link.add("role", shape.role if role is None else role)
            yield link

    def _add_start_date(self, link: Link, verb: Token) -> None:
        """The date the verb's clause gives ("designated in 2016"), as the link's startDate."""
        dated = date_of(verb, self.context.published)
        if dated is not None:
            link.add("startDate", dated[0], dated[1])

    # -- driver ----------------------------------------------------------------------------

    def find(self, sentence: Span) -> list[Found]:
        """Every rule family in turn; the fallback last, for pairs no rule linked."""
        families: tuple[Callable[[Span], Iterable[Found]], ...] = (
            self.titles,
            self.possessives,
            self.nouns,
            self.verbs,
            self.hyphens,
            self.workers,
            self.sanctions,
            self.locations,
            self.shared_addresses,
        )  # nationalities: relation_nationality.NationalityFinder reads them with the rest
        found: list[Found] = [item for family in families for item in family(sentence)]
        found.extend(self.fallback(sentence, found))
        return found

    # -- titles: "X, director of Y" / "Y spokesman X" --------------------------------------

    def title_at(self, token: Token) -> tuple[TitleSet, str] | None:
        """(title set, the phrase matched) when ``token`` is a title word ("director")."""
        if token.pos_ not in ("NOUN", "PROPN"):
            return None
        for variant in phrase_variants(token):
            title_set = self.rules.title(variant)
            if title_set is not None:
                return title_set, variant
        return None

    def _title_orgs(self, title: Token) -> list[tuple[Party, bool, str]]:
        """Organisations a title is held at: (party, directly "of"/compound, role suffix)."""
        found: list[tuple[Party, bool, str]] = []

        def walk(token: Token, depth: int, suffix: str) -> None:
            for prep, obj in prep_objects(token, {"of", "at", "for", "with", "in"}):
                if obj is not title and self.title_at(obj) is not None:
                    continue  # "director of X and deputy director of Y": Y is the other title's
                party = self.party(obj)
                if self.is_party(party, ORG_SCHEMATA) and party is not None:
                    found.append((party, depth == 0 and prep == "of", suffix))
                if depth < 2:
                    text, _, _ = describe(obj, keep_preps=False)
                    walk(obj, depth + 1, f"{suffix} {prep} {text}".strip())

        walk(title, 0, "")
        for token in left_modifiers(title):
            party = self.party(token)
            if self.is_party(party, ORG_SCHEMATA) and party is not None:
                found.append((party, True, ""))
        unique: dict[str, tuple[Party, bool, str]] = {}
        for party, direct, suffix in found:
            if party.entity_id and party.entity_id not in unique:
                unique[party.entity_id] = (party, direct, suffix)
        return list(unique.values())

    def possessives(self, sentence: Span) -> Iterator[Link]:
        """ "The Washington Post's Joby Warrick": employment of a person by a possessor org."""
        rule = self.rules.possessive
        if rule is None:
            return
        for token in sentence:
            mention = self.index.at(token)
            if mention is None or mention.schema != "Person" or token.dep_ == "poss":
                continue
            person = Party.of(mention)
            if self.index.at(token.head) is not None and self.index.at(token.head) == self.index.at(
                token
            ):
                continue
            orgs = self.parties(children(token, "poss"), ORG_SCHEMATA)
            pairs = ((person, org) for org in orgs)
            yield from self.pair_links(rule.shape, "title:possessive", pairs, None, sentence)

    def _title_holders(self, title: Token) -> list[Token]:
        """Who holds a title; a coordinated second title ("and deputy director of Y") shares
        the holder of the first."""
        holders = noun_holder_tokens(title)
        current = title
        for _ in range(4):
            if holders or current.dep_ not in ("conj", "pobj", "prep"):
                break
            current = current.head
            if self.title_at(current) is not None:
                holders = noun_holder_tokens(current)
        return holders

    def titles(self, sentence: Span) -> Iterator[Link]:
        for token in sentence:
            match = self.title_at(token)
            if match is None or not self.asserted(token):
                continue  # "X may be the director of Y", "X is no longer the head of Y"
            title_set, phrase = match
            people = self.parties(self._title_holders(token), frozenset({"Person"}))
            if not people:
                continue
            for org, direct, suffix in self._title_orgs(token):
                shape = self.title_shape(title_set, direct)
                role = phrase or token.text
                role = f"{role} {suffix}".strip() if shape.kind == "employment" else role
                pairs = ((person, org) for person in people)
                yield from self.pair_links(
                    shape, f"title:{title_set.kind}", pairs, token, sentence, role
                )

    def title_shape(self, title_set: TitleSet, direct: bool) -> LinkShape:
        """The title's link; an organisation not reached directly gets the ``indirect`` kind's
        link (a director "at" a firm is employed there), at the title's confidence."""
        indirect = self.rules.title_set(title_set.indirect) if title_set.indirect else None
        if direct or indirect is None:
            return title_set.shape
        return replace(indirect.shape, confidence=title_set.confidence)

    # -- relational nouns: "X, the main shareholder of Y" ----------------------------------

    def _noun_rule(self, token: Token) -> NounRule | None:
        if token.pos_ not in ("NOUN", "PROPN"):
            return None
        variants = phrase_variants(token)
        for rule in self.rules.nouns:
            if any(variant in rule.words for variant in variants):
                return rule
        return None

    def _noun_others(self, token: Token, rule: NounRule) -> list[Party]:
        tokens = [obj for _, obj in prep_objects(token, rule.preps)]
        tokens.extend(children(token, "poss"))
        tokens.extend(
            child
            for child in token.lefts
            if child.dep_ in ("compound", "npadvmod", "nmod") and self.index.at(child) is not None
        )
        return self.parties(tokens)

    def nouns(self, sentence: Span) -> Iterator[Link]:
        for token in sentence:
            rule = self._noun_rule(token)
            if rule is None or not self.asserted(token):
                continue  # "X is no longer a subsidiary of Y", "X may be a front for Y"
            holders = self.parties(noun_holder_tokens(token))
            others = self._noun_others(token, rule)
            verb = token.head
            if token.dep_ in ("dobj", "obj") and verb.lemma_.lower() in rule.verb_subject_is_other:
                subjects = self.parties(clause_subjects(verb))
                if holders and not others:
                    others = subjects
                elif others and not holders:
                    holders = subjects
                elif not holders and not others and len(subjects) > 1:
                    holders, others = subjects[:1], subjects[1:]
            if not others and rule.unnamed_bodies:
                others = self._unnamed_bodies(token, rule)
            pairs = product(holders, others)
            for link in self.pair_links(rule.shape, f"noun:{rule.id}", pairs, token, sentence):
                self._add_percentage(link, token)
                yield link

    def _unnamed_bodies(self, token: Token, rule: NounRule) -> list[Party]:
        """ "the Sinuiju city committee of the ruling Korean Workers' Party": a body of a named
        organisation, without a name of its own, as a described (unnamed) end."""
        found = []
        for _, body in prep_objects(token, rule.preps):
            if not body.is_lower or body.lemma_.lower() not in rule.unnamed_bodies:
                continue
            owners = [obj for _, obj in prep_objects(body, {"of"})] + children(body, "poss")
            if any(p.schema in ORG_SCHEMATA for p in self.parties(owners)):
                text, start, end = describe(body)
                found.append(Party(text, start, end))
        return found

    def _add_percentage(self, link: Link, token: Token) -> None:
        if link.schema != "Ownership":
            return
        text = " ".join(tok.text for tok in token.subtree)
        match = _PERCENT.search(text)
        if match is not None:
            link.add("percentage", match.group(1).replace(",", "."), match.group(0))

    # -- cue verbs: "X owns 49% of Y", "Y is owned by X" -----------------------------------

    def _verb_arguments(
        self, verb: Token, rule: VerbRule
    ) -> tuple[list[Token], list[Token], Token | None]:
        via_token: Token | None = None
        if is_passive(verb):
            subjects, objects = agents(verb), passive_targets(verb)
        else:
            subjects, objects = clause_subjects(verb), verb_objects(verb)
            if not subjects and verb.dep_ == "advcl" and verb.tag_ == "VBG":
                subjects = clause_subjects(verb.head)  # "Writing for X, they explain ..."
        if rule.object_preps:
            objects = [obj for _, obj in prep_objects(verb, rule.object_preps)]
        if rule.via:
            reached: list[Token] = []
            for obj in objects:
                words = {obj.lemma_.lower(), obj.lower_, *(t.lower_ for t in obj.lefts)}
                if words & rule.via:
                    via_token = obj
                    reached.extend(o for _, o in prep_objects(obj, rule.via_preps or {"in", "of"}))
            if rule.require_via or reached:
                objects = reached
        return subjects, objects, via_token

    def _groups(self, tokens: list[Token], nouns: frozenset[str]) -> list[Party]:
        """Unnamed groups of people ("a number of people with Korean names")."""
        groups = []
        for token in tokens:
            group = token
            if self.index.at(token) is not None:
                continue
            if token.lemma_.lower() not in nouns:
                group = next((o for _, o in prep_objects(token, {"of"})), token)
            if group.lemma_.lower() in nouns and self.index.at(group) is None:
                text, start, end = describe(token)
                groups.append(Party(text, start, end))
        return groups

    def verbs(self, sentence: Span) -> Iterator[Link]:
        for token in sentence:
            if token.pos_ not in ("VERB", "AUX") or not self.asserted(token):
                continue  # "X does not own Y", "X may acquire Y": no link
            lemma = token.lemma_.lower()
            for rule in self.rules.verbs:
                if lemma not in rule.lemmas:
                    continue
                subjects_t, objects_t, via = self._verb_arguments(token, rule)
                subjects = self.parties(subjects_t, rule.subject_schemata)
                objects = self.parties(objects_t, rule.object_schemata)
                if not subjects and rule.group_subjects:
                    subjects = self._groups(subjects_t, rule.group_subjects)
                pairs = product(subjects, objects)
                for link in self.pair_links(rule.shape, f"verb:{rule.id}", pairs, token, sentence):
                    if via is not None:
                        self._add_percentage(link, via)
                    self._add_start_date(link, token)
                    yield link

    # -- hyphenated adjectives: "a Rungrado-owned firm" ------------------------------------

    def hyphens(self, sentence: Span) -> Iterator[Link]:
        for token in sentence:
            if token.dep_ not in ("amod", "acl") or token.head.pos_ not in ("NOUN", "PROPN"):
                continue
            word = token.lower_
            for rule in self.rules.hyphen_adjectives:
                if word not in rule.words:
                    continue
                modifiers = self.parties(children(token, "npadvmod", "compound"))
                noun = token.head
                heads = self.parties([noun] + ([noun.head] if noun.dep_ == "appos" else []))[:1]
                pairs = product(modifiers, heads)
                yield from self.pair_links(rule.shape, f"hyphen:{word}", pairs, token, sentence)

    # -- unnamed worker groups: "X employs 500 North Korean workers" ----------------------

    def worker_group(self, token: Token) -> Token | None:
        """The token naming an unnamed group of workers at ``token`` ("300 North Korean
        workers", "hundreds of labourers"), else None."""
        if self.index.at(token) is not None:
            return None
        if token.lemma_.lower() in self.rules.worker_nouns:
            return token
        if not (token.like_num or token.lemma_.lower() in self.rules.worker_quantities):
            return None  # "the exportation of labor" is no group of workers
        for _, obj in prep_objects(token, {"of"}):
            if obj.lemma_.lower() in self.rules.worker_nouns and self.index.at(obj) is None:
                return obj
        return None

    def worker_link(self, employer: Party, worker: Token, trigger: Token, sentence: Span) -> Link:
        """The employment of the group of workers at ``worker`` by ``employer``."""
        text, w_start, w_end = describe(worker, keep_preps=False)
        group = Party(text, w_start, w_end)
        shape = self.rules.worker_link
        link = next(self.pair_links(shape, "workers", [(employer, group)], trigger, sentence))
        link.add("summary", f"employs {text}")
        return link

    def _passive_workers(self, verb: Token, sentence: Span) -> Iterator[Link]:
        """ "Rungrado's workers were employed in construction", "workers hired by X"."""
        candidates = passive_targets(verb)
        for worker in (w for w in (self.worker_group(c) for c in candidates) if w is not None):
            employers = self.parties(agents(verb)) or self.parties(children(worker, "poss"))
            for employer in employers:
                yield self.worker_link(employer, worker, verb, sentence)

    def workers(self, sentence: Span) -> Iterator[Link]:
        for token in sentence:
            lemma = token.lemma_.lower()
            if token.pos_ == "VERB" and not self.asserted(token):
                continue  # "X no longer employs 300 North Korean workers"
            if token.pos_ == "VERB" and lemma in self.rules.worker_verbs and is_passive(token):
                yield from self._passive_workers(token, sentence)
            elif token.pos_ == "VERB" and lemma in self.rules.worker_verbs:
                objects = verb_objects(token)
                workers = [w for w in (self.worker_group(o) for o in objects) if w is not None]
                if not workers:
                    continue
                for employer in self.parties(clause_subjects(token)):
                    for worker in workers:
                        link = self.worker_link(employer, worker, token, sentence)
                        self._add_start_date(link, token)
                        yield link
            elif token.pos_ == "NOUN" and lemma in self.rules.worker_holders:
                holders = self.parties(children(token, "poss"))
                workers = [w for _, o in prep_objects(token, {"of"}) if (w := self.worker_group(o))]
                for holder in holders:
                    for worker in workers:
                        yield self.worker_link(holder, worker, token, sentence)

    # -- designations: "the EU sanctioned X in 2016", "U.N.-sanctioned X" -----------------

    def authority_of(self, token: Token) -> Authority | None:
        mention = self.index.at(token)
        candidates = [mention.text] if mention is not None else []
        candidates.append(" ".join(t.text for t in token.subtree if t.dep_ not in ("relcl",)))
        candidates.append(describe(token, keep_preps=False)[0])
        candidates.append(token.text)
        for text in candidates:
            authority = self.rules.authority(text)
            if authority is not None:
                return authority
        return None

    def stated_authority(self, verb: Token) -> tuple[Authority, str] | None:
        """(authority, its words) named as the subject of ``verb`` (the agent of a passive)."""
        subjects = agents(verb) if is_passive(verb) else clause_subjects(verb)
        for subject in subjects:
            for conj in conjuncts(subject):
                authority = self.authority_of(conj)
                if authority is not None:
                    return authority, self.mention_text(conj)
        return None

    def _sanction_arguments(self, token: Token) -> tuple[list[Token], list[Token]]:
        """(authority tokens, sanctioned tokens) of a sanction verb or adjective."""
        if token.dep_ in ("amod", "compound") and token.head.pos_ in ("NOUN", "PROPN"):
            authorities = children(token, "npadvmod", "compound", "advmod")
            doc = token.doc
            if token.i >= 2 and doc[token.i - 1].text == "-":
                authorities.append(doc[token.i - 2])
            return authorities, [token.head]
        if is_passive(token):
            return agents(token), passive_targets(token) + self._together_with(token)
        return clause_subjects(token), verb_objects(token) + self._together_with(token)

    def modifier_authority(self, token: Token) -> tuple[Authority, str] | None:
        """(authority, words) of "OFAC designated X" when the parser read the verb as a
        modifier of X ("OFAC" an adverbial of "designated"): still a stated designation,
        which the designations after it carry on."""
        if token.dep_ not in ("amod", "compound") or token.head.pos_ not in ("NOUN", "PROPN"):
            return None
        for candidate in self._sanction_arguments(token)[0]:
            authority = self.authority_of(candidate)
            if authority is not None:
                return authority, self.mention_text(candidate)
        return None

    def surface_authority(self, token: Token) -> tuple[Authority, str] | None:
        """(authority, words) of "OFAC on Friday designated X" when the parser made the verb a
        modifier of X: an authority named right before the verb, with only adverbs, a date
        or commas between, is its subject ("the designated entities", "U.S.-designated X"
        have none). The words that may stand between are ``sanctions.authority_gap_words``."""
        if token.dep_ not in ("amod", "compound") or token.tag_ not in ("VBD", "VBN"):
            return None
        for before in reversed(token.doc[token.sent.start : token.i]):
            mention = self.index.at(before)
            if mention is not None:
                authority = self.rules.authority(mention.text)
                return None if authority is None else (authority, mention.text)
            skippable = before.pos_ == "ADV" or before.ent_type_ == "DATE" or before.text == ","
            if not (skippable or before.lower_ in self.rules.authority_gap_words):
                return None
        return None

    @staticmethod
    def _together_with(verb: Token) -> list[Token]:
        """ "designated X together with Y": Y is designated too."""
        return [
            obj
            for prep, obj in prep_objects(verb, {"with"})
            if any(child.lower_ in ("together", "along") for child in obj.head.children)
        ]

    def _hyphen_authority(self, token: Token) -> Authority | None:
        """ "U.N.-sanctioned" as one token: the authority is the part before the hyphen."""
        prefix, _, suffix = token.text.rpartition("-")
        if not prefix or suffix.lower() not in self.rules.sanction_participles:
            return None
        return self.rules.authority(prefix)

    def adds_to_list(self, verb: Token) -> bool:
        """ "added X to Annex XVI", "put X on the SDN list", "added X to the lists of persons
        subject to an asset freeze"."""
        return self.list_preposition(verb) is not None

    def list_preposition(self, verb: Token) -> Token | None:
        """The "to"/"on" of a list verb whose object is a sanctions list. The parser often
        hangs it on the last object named ("added X, Y, to the list"): any "to"/"on" after
        the verb counts before another verb intervenes."""
        if verb.pos_ != "VERB" or verb.lemma_.lower() not in self.rules.list_verbs:
            return None
        return self.list_after(verb, ("to", "on"))

    def list_after(
        self, verb: Token, prepositions: tuple[str, ...], strict: bool = False
    ) -> Token | None:
        """The first of ``prepositions`` after ``verb`` (before another verb) whose object is
        a sanctions list: "to the SDN list", "from the EU's list", "off its sanctions list".
        ``strict``: the object must be a list by its head word ("the sanctions committee" is
        no list to be on or removed from)."""
        for token in verb.doc[verb.i + 1 : verb.sent.end]:
            if token.pos_ in ("VERB", "AUX") and token.dep_ not in ("amod", "compound"):
                return None
            if token.lower_ not in prepositions or token.dep_ not in ("prep", "dative"):
                continue
            for obj in children(token, "pobj"):
                if self.sanctions_list(obj) and (not strict or self._list_headed(obj)):
                    return token
        return None

    def _list_headed(self, noun: Token) -> bool:
        """ "the SDN list", "Annex XVI", "the blacklist": a list word heads the phrase."""
        heads = self.rules.list_heads
        left = [t for t in noun.lefts if t.dep_ in ("compound", "nmod")]
        return any(t.lemma_.lower() in heads or t.lower_ in heads for t in [noun, *left])

    def sanctions_list(self, noun: Token) -> bool:
        """ "Annex XVI", "the SDN list", "the lists of persons subject to an asset freeze"."""
        words = {t.lemma_.lower() for t in noun.subtree if t.i <= noun.i and t.dep_ != "det"}
        if words & self.rules.list_nouns:
            return True
        if (
            noun.lower_ not in self.rules.list_heads
            and noun.lemma_.lower() not in self.rules.list_heads
        ):
            return False
        after = f" {normalise_phrase(' '.join(t.text for t in noun.subtree if t.i > noun.i))} "
        cues = self.rules.measure_nouns | self.rules.list_nouns | self.rules.sanction_participles
        return any(f" {word} " in after for word in cues)  # "... of designated entities"

    def imposed_on(self, verb: Token) -> list[Token]:
        """ "imposed sanctions on X": the objects of "on" after a sanctions noun."""
        return self.measure_targets(verb, self.rules.impose_verbs)

    def measure_targets(self, verb: Token, verbs: frozenset[str]) -> list[Token]:
        """ "<verb> sanctions on/against X" for one of ``verbs``: the X."""
        if verb.pos_ != "VERB" or verb.lemma_.lower() not in verbs:
            return []
        targets: list[Token] = []
        for measure in direct_objects(verb):
            if measure.lemma_.lower() not in self.rules.measure_nouns:
                continue
            for head in (measure, verb):
                targets.extend(obj for _, obj in prep_objects(head, {"on", "against"}))
        return targets

    def designation_date(self, verb: Token, sentence: Span) -> tuple[str, str] | None:
        """The date the sentence gives, else the document's date when the sentence says
        "today" or the document is an authority's press release (its date is the action's)."""
        dated = date_of(verb, self.context.published)
        if dated is not None or self.context.published is None:
            return dated
        published = self.context.published.isoformat()
        text = f" {normalise_phrase(sentence.text)} "
        for word in self.rules.today_words:
            if f" {word} " in text:
                return published, word
        if self.is_press_release():
            return published, "press release date"
        return None

    def is_press_release(self) -> bool:
        """The publisher or title names an authority's press office, or the headline is an
        authority's announcement ("Treasury Sanctions ...")."""
        release = self._release_words()
        return bool(release.cues) or any(
            self.rules.authority(prefix) is not None for prefix in release.headline
        )

    def release_authority(self) -> tuple[Authority, str] | None:
        """(authority, words) whose press release the document is: named by its publisher,
        its headline ("Treasury Sanctions ...") or a press-office cue in either."""
        release = self._release_words()
        for text in (release.publisher, *release.headline, *release.cues):
            authority = self.rules.authority(text) if text else None
            if authority is not None:
                return authority, text
        return None

    def _release_words(self) -> _Release:
        """What the document's publisher and title say about whose release it is (once)."""
        if self._release is None:
            publisher = self.context.publisher or ""
            title = normalise_phrase(self.context.title or "")
            words = title.split()
            headline = tuple(
                " ".join(words[:index])
                for index in range(1, min(len(words), 6))
                if words[index] in self.rules.headline_verbs
            )
            about = f"{normalise_phrase(publisher)} {title}"
            cues = tuple(cue for cue in self.rules.press_release_cues if cue in about)
            self._release = _Release(publisher, headline, cues)
        return self._release

    def basis(self, sentence: Span) -> list[str]:
        """Instruments a designation is made under: those named right after a basis cue
        ("pursuant to E.O. 13722 and E.O. 13810"), by canonical name."""
        text = self.text
        words = [token.lower_ for token in sentence]
        found: list[str] = []
        for position in range(len(words)):
            for cue in self.rules.basis_cues:
                parts = cue.split()
                if words[position : position + len(parts)] != parts:
                    continue
                cue_end = sentence.doc[sentence.start + position + len(parts) - 1]
                found.extend(self._instruments_after(text, cue_end.idx + len(cue_end), sentence))
                break
        return list(dict.fromkeys(found))

    def _instruments_after(self, text: str, start: int, sentence: Span) -> list[str]:
        names: list[str] = []
        cursor = start
        for mention in self.index.ordered:
            if mention.start >= sentence.end_char:
                break
            if mention.start < cursor:
                continue
            if mention.schema != "LegalInstrument":
                if names and mention.start >= cursor:
                    break
                continue
            if (not names and mention.start - cursor > _BASIS_REACH) or (
                names and not _JOINER.fullmatch(text[cursor : mention.start])
            ):
                break
            names.append(mention.canonical)
            cursor = mention.end
        return names

    def sanctions(self, sentence: Span) -> Iterator[Link]:
        """Designations by a sanction verb, an "OFAC-designated" adjective, "imposed sanctions
        on X" or "added X to the list": every named authority designates every target."""
        for token in sentence:
            hyphen_authority = self._hyphen_authority(token)
            imposed_on = self.imposed_on(token)
            if not self._is_sanction_trigger(token, hyphen_authority, imposed_on):
                continue  # also "the EU did not sanction X", "OFAC may designate X"
            if imposed_on:
                authority_tokens, target_tokens = clause_subjects(token), imposed_on
            else:
                authority_tokens, target_tokens = self._sanction_arguments(token)
            authorities = self._named_authorities(authority_tokens, hyphen_authority, token)
            targets = self.parties(target_tokens)
            yield from self._designations(token, sentence, authorities, targets)

    def _is_sanction_trigger(
        self, token: Token, hyphen_authority: Authority | None, imposed_on: list[Token]
    ) -> bool:
        """A sanction cue stated as fact (not negated, hedged or modal)."""
        cue = (
            token.lemma_.lower() in self.rules.sanction_verbs
            or hyphen_authority is not None
            or bool(imposed_on)
            or self.adds_to_list(token)
        )
        return cue and self.asserted(token)

    def _named_authorities(
        self, candidates: list[Token], hyphen_authority: Authority | None, trigger: Token
    ) -> dict[str, tuple[Authority, Token]]:
        """Each authority once, with the words that name it: the hyphen's ("OFAC-designated")
        first, then every conjunct of the subjects ("the US and the EU sanctioned")."""
        authorities: dict[str, tuple[Authority, Token]] = {}
        if hyphen_authority is not None:
            authorities[hyphen_authority.name] = (hyphen_authority, trigger)
        for candidate in candidates:
            for conj in conjuncts(candidate):
                authority = self.authority_of(conj)
                if authority is not None:
                    authorities.setdefault(authority.name, (authority, conj))
        return authorities

    def _designations(
        self,
        trigger: Token,
        sentence: Span,
        authorities: dict[str, tuple[Authority, Token]],
        targets: list[Party],
    ) -> Iterator[Link]:
        """One designation per target and authority, never of an authority by itself."""
        dated = self.designation_date(trigger, sentence)
        reason = self.reason(trigger)
        basis = self.basis(sentence) if targets and authorities else []
        for target in targets:
            for authority, where in authorities.values():
                if self._names_party(where, target):
                    continue
                yield from self.sanction_links(
                    target,
                    Designator(authority, self.mention_text(where), basis),
                    trigger,
                    sentence,
                    rule="sanction",
                    confidence=self.rules.sanction_confidence,
                    anchor=where,
                    dated=dated,
                    reason=reason,
                )

    def _names_party(self, token: Token, party: Party) -> bool:
        """Whether ``token`` is inside a mention of ``party`` itself."""
        named = self.index.at(token)
        return named is not None and named.entity_id == party.entity_id

    def sanction_links(
        self,
        party: Party,
        designator: Designator,
        trigger: Token,
        evidence: Span,
        *,
        rule: str,
        confidence: float,
        anchor: Token | None = None,
        dated: tuple[str, str] | None = None,
        reason: str | None = None,
        kind: str = "sanction",
    ) -> Iterator[Link]:
        """The one way every sanction rule writes a designation of ``party``: the authority
        (with its words as written), its country, the date, the reason and the legal basis.
        The span covers the party, the trigger and ``anchor`` (the authority's words). A
        ``delisting`` (kind) is a Sanction that ends: its date is the ``endDate``. Nothing
        for a party named only as a person's employer ("OFAC designated Bank of X clerk Y"
        designates Y, not the bank: :meth:`titles_a_person`), whichever rule read it."""
        if self.titles_a_person(party) or self.left_open(party, trigger):
            return
        anchors = (trigger,) if anchor is None else (trigger, anchor)
        start, end = evidence_span([party], *anchors)
        link = Link(kind, "Sanction", rule, {"entity": party}, confidence, start, end, evidence)
        link.add("authority", designator.authority.name, designator.written)
        link.add("country", designator.authority.country)
        if dated is not None:
            link.add("startDate" if kind == "sanction" else "endDate", dated[0], dated[1])
        link.add("reason", reason)
        for name in designator.basis:
            link.add("program", name)
        yield link

    def left_open(self, party: Party, trigger: Token) -> bool:
        """The party is the object of an open question below the trigger ("designated X and
        is considering whether to add Y": Y), see :func:`relation_assertion.left_open`."""
        if party.via_pronoun:
            return False
        span = self.index.doc.char_span(party.start, party.end, alignment_mode="expand")
        if span is None:
            return False
        return left_open(span.root, trigger, self.rules.assertion)

    def titles_a_person(self, party: Party) -> bool:
        """ "Bank of Lanzhou employee X", "Sobaeksu “IT team leader” Y": a name right before a
        title and a person's name is the person's employer, not a designated party (read
        from the words: the parser rarely gets these chains right)."""
        doc = self.index.doc
        span = doc.char_span(party.start, party.end, alignment_mode="expand")
        if span is None or party.via_pronoun:
            return False
        titled = False
        for token in doc[span.end : min(len(doc), span.end + 6)]:
            if token.text in _QUOTES:
                continue
            named = self.index.at(token)
            if named is not None:
                return titled and named.schema == "Person"
            if token.pos_ == "NOUN" and token.is_lower:
                titled = True
            elif not (token.is_lower and token.pos_ == "ADJ") and not (
                token.is_upper and len(token) <= 3
            ):
                return False  # "IT", "sales": words of a title; anything else ends it
        return False

    def mention_text(self, token: Token) -> str:
        mention = self.index.at(token)
        return mention.text if mention is not None else token.text

    def reason(self, verb: Token) -> str | None:
        for prep, obj in prep_objects(verb, {"for", "over"}):
            if obj.dep_ == "pcomp" or obj.pos_ == "VERB" or obj.tag_ == "VBG":
                words = [t.text_with_ws for t in obj.subtree]
                return f"{prep} {''.join(words).strip()}"
        return None

    # -- registration and location ---------------------------------------------------------

    def described_party(self, token: Token) -> Party | None:
        """The party a participle/adjective describes ("X, a company registered in ...")."""
        head = token.head
        party = self.party(head)
        if party is None and head.dep_ == "appos":
            party = self.party(head.head)
        if party is None:
            subject = copula_subject(head) if head.dep_ == "attr" else None
            party = self.party(subject) if subject is not None else None
        return party if self.is_party(party) else None

    def listed_as(self, noun: Token) -> tuple[Party | None, bool]:
        """For "X was listed as a China-based firm": (X, True) when ``noun`` is that object."""
        if noun.dep_ == "pobj" and noun.head.lower_ == "as":
            verb = noun.head.head
            if verb.lemma_.lower() in self.rules.listed_verbs:
                subjects = self.parties(clause_subjects(verb))
                return (subjects[0] if subjects else None), True
        return None, False

    def locations(self, sentence: Span) -> Iterator[Fact]:
        for token in sentence:
            lemma = token.lemma_.lower()
            word = token.lower_
            if lemma in self.rules.registered_verbs or word in self.rules.registered_verbs:
                yield from self._registered(token, sentence)
            if lemma in self.rules.based_verbs or word.rstrip("d") in self.rules.based_verbs:
                yield from self._based(token, sentence)
            if lemma in self.rules.descriptor_nouns and token.dep_ in ("appos", "attr"):
                yield from self._descriptor_place(token, sentence)
                yield from self._descriptor_country(token, sentence)
            if token.dep_ in ("poss", "nmod") and token.ent_type_ == "GPE":
                yield from self._possessive_country(token, sentence)

    def country_spans(self, tokens: Iterable[Token]) -> list[tuple[str, Span]]:
        """Countries named by demonym or place entities among ``tokens`` ("North Korean")."""
        found: dict[str, Span] = {}
        for token in tokens:
            if token.ent_type_ not in ("NORP", "GPE"):
                continue
            span = next((e for e in token.doc.ents if e.start <= token.i < e.end), None)
            name = re.sub(r"[’']s$", "", span.text) if span is not None else ""
            code = country_code(name) if span is not None else None
            if span is not None and span.label_ == "GPE" and country_of_place(name) is None:
                code = None  # "a small Moscow bank": a city says where, not whose (location)
            if span is not None and code:
                found.setdefault(code, span)
        return list(found.items())

    def country_fact(
        self, party: Party, code: str, where: Span, noun: Token, sentence: Span
    ) -> Fact:
        """``party``'s country (``mainCountry``) stated by the words ``where`` on ``noun``."""
        start, end = evidence_span([party], noun)
        return Fact(
            "nationality",
            party,
            "mainCountry",
            code,
            f"{where.text} {noun.text}",
            self.rules.nationality_confidence,
            min(start, where.start_char),
            max(end, where.end_char),
            sentence,
        )

    def _descriptor_country(self, noun: Token, sentence: Span) -> Iterator[Fact]:
        """ "X, a Russian construction company": the country X belongs to ("nominally a
        Chinese company" states no country: a hedge word, ``locations.hedge_words``)."""
        hedges = self.rules.hedge_words
        if any(t.lower_ in hedges for t in noun.head.children if t.i < noun.i):
            return
        party = self.described_party(noun) if noun.dep_ == "appos" else None
        if noun.dep_ == "attr":
            subject = copula_subject(noun)
            party = self.party(subject) if subject is not None else None
        if party is None or party.schema not in ORG_SCHEMATA:
            return
        modifiers = [t for t in noun.lefts if t.dep_ in ("amod", "compound", "nmod")]
        for code, where in self.country_spans(modifiers):
            yield self.country_fact(party, code, where, noun, sentence)

    def _possessive_country(self, token: Token, sentence: Span) -> Iterator[Fact]:
        """ "North Korea's Namgang Trading Corporation": a country's organisation."""
        owner = token.head
        if token.dep_ == "poss" or any(c.dep_ == "case" for c in token.children):
            party = self.party(owner)
            if party is None or party.schema not in ORG_SCHEMATA:
                return
            if default_nationality_rules().is_state_body(party.name, party.schema):
                return  # "North Korea's Munitions Industry Department": no country of its own
            for code, where in self.country_spans([token]):
                yield self.country_fact(party, code, where, owner, sentence)

    def _descriptor_place(self, noun: Token, sentence: Span) -> Iterator[Fact]:
        """ "X, a software company in Yanji", "X, a small Moscow bank": where X is."""
        party = self.described_party(noun) if noun.dep_ == "appos" else None
        if noun.dep_ == "attr":
            subject = copula_subject(noun)
            party = self.party(subject) if subject is not None else None
        if party is None or party.schema not in ORG_SCHEMATA:
            return
        places = [self.place(obj) for _, obj in prep_objects(noun, {"in"})]
        places.extend(
            self.place(child)
            for child in noun.lefts
            if child.dep_ in ("compound", "nmod") and self.index.at(child) is not None
        )
        yield from self.place_facts(self.rules.descriptor, party, places, noun, sentence)

    def _registered(self, token: Token, sentence: Span) -> Iterator[Fact]:
        places = [
            self.place(obj) for prep, obj in prep_objects(token, {"in"}) if obj.ent_type_ != "DATE"
        ]
        places.extend(self.place(child) for child in children(token, "npadvmod"))
        if token.dep_ in ("acl", "amod", "relcl"):
            party = self.described_party(token)
        else:
            subjects = self.parties(clause_subjects(token))
            party = subjects[0] if subjects else None
        if party is None:
            return
        yield from self.place_facts(self.rules.registered, party, places, token, sentence)

    def address_at(self, token: Token) -> Place | None:
        """A place named by a whole phrase ("Segori-dong, Pothonggang District, Pyongyang")."""
        place = self.place(token)
        if place is None or not any(t.dep_ in ("conj", "appos") for t in token.subtree):
            return place
        tokens = list(token.subtree)
        while tokens and tokens[-1].is_punct:
            tokens.pop()
        span = token.doc[tokens[0].i : tokens[-1].i + 1]
        return span.text, span.start_char, span.end_char

    def _based(self, token: Token, sentence: Span) -> Iterator[Fact]:
        places = [self.place(child) for child in children(token, "npadvmod", "compound")]
        places.extend(self.address_at(obj) for _, obj in prep_objects(token, {"in"}))
        places = _outermost(places)
        if token.dep_ in ("amod", "acl"):
            party, listed = self.listed_as(token.head)
            if party is None:
                party = self.described_party(token)
        elif token.pos_ == "VERB" and is_passive(token):
            # "X is based in Segori-dong, Pothonggang District, Pyongyang"
            subjects = self.parties(clause_subjects(token))
            party, listed = (subjects[0] if subjects else None), False
        else:
            return
        if party is None:
            return
        yield from self.place_facts(self.rules.based, party, places, token, sentence, listed)

    def place_facts(
        self,
        cue: PlaceCue,
        party: Party,
        places: Iterable[Place | None],
        trigger: Token,
        sentence: Span,
        listed: bool = False,
    ) -> Iterator[Fact]:
        """What ``cue`` states about ``party`` for each place: a country, or else an address."""
        for place in places:
            if place is None:
                continue
            text, p_start, p_end = place
            code = country_of_place(text)
            prop, value = (cue.country_property, code) if code else ("address", text)
            original, confidence, note = cue.describe(text, trigger.lemma_), cue.confidence, None
            if listed:
                original = note = f"listed as {original}"
                confidence = self.rules.listed_confidence
            start, end = evidence_span([party], trigger)
            start, end = min(start, p_start), max(end, p_end)
            yield Fact(
                cue.kind, party, prop, value, original, confidence, start, end, sentence, note
            )

    # -- shared addresses -------------------------------------------------------------------

    def _sharer(self, token: Token) -> Party:
        party = self.party(token)
        if party is not None and self.is_party(party):
            return party
        text, start, end = describe(token, keep_numbers=True)
        return Party(text, start, end)

    @staticmethod
    def _identifiable(party: Party) -> bool:
        """A named party, or a description saying more than one bare noun ("the company")."""
        return party.named or len(party.name.split()) > 1

    def _city(self, token: Token) -> str | None:
        for tok in token.subtree:
            mention = self.index.at(tok)
            if mention is not None and mention.schema == "Place":
                return mention.canonical
        return None

    def shared_addresses(self, sentence: Span) -> Iterator[SharedAddress]:
        nouns = self.rules.address_nouns
        for token in sentence:
            lemma = token.lemma_.lower()
            if lemma == "same":
                yield from self._same_address(token, sentence, nouns)
            elif token.pos_ == "VERB" and lemma in self.rules.share_verbs and is_passive(token):
                yield from self._shared_passive(token, sentence, nouns)
            elif token.pos_ == "VERB" and lemma in self.rules.share_verbs:
                objects = direct_objects(token)
                if not any(obj.lemma_.lower() in nouns for obj in objects):
                    continue
                holders = list(active_subjects(token))
                partners = [obj for _, obj in prep_objects(token, {"with"})]
                for obj in objects:
                    partners.extend(o for _, o in prep_objects(obj, {"with"}))
                if not partners and len(holders) > 1:
                    holders, partners = holders[:1], holders[1:]
                if holders and partners and self._identifiable(self._sharer(holders[0])):
                    anchor = self._sharer(holders[0])
                    others = [self._sharer(tok) for tok in partners]
                    yield self._shared(
                        anchor, [anchor, *others], token, sentence, self._city(holders[0])
                    )

    @staticmethod
    def _that_of(token: Token) -> Token:
        """ "the same as that of a restaurant": the restaurant."""
        if token.lower_ in ("that", "those"):
            for _, obj in prep_objects(token, {"of"}):
                return obj
        return token

    def _shared_passive(
        self, verb: Token, sentence: Span, nouns: frozenset[str]
    ) -> Iterator[SharedAddress]:
        """ "X's address is shared with four companies", "an address shared by Y and Z"."""
        for address in passive_targets(verb):
            if address.lemma_.lower() not in nouns:
                continue
            holders = children(address, "poss")
            partners = [obj for _, obj in prep_objects(verb, {"with", "by"})]
            if not holders and len(partners) > 1:
                holders, partners = partners[:1], partners[1:]
            if not holders or not partners:
                continue
            anchor = self._sharer(holders[0])
            if not self._identifiable(anchor):
                continue
            others = [self._sharer(tok) for tok in partners]
            yield self._shared(anchor, [anchor, *others], verb, sentence, self._city(address))

    def _same_address(
        self, same: Token, sentence: Span, nouns: frozenset[str]
    ) -> Iterator[SharedAddress]:
        partners = [obj for _, obj in prep_objects(same, {"as"})]
        if same.dep_ == "amod":
            partners.extend(obj for _, obj in prep_objects(same.head, {"as"}))
        if not partners:
            return
        address: Token | None = None
        holders: list[Token] = []
        if same.dep_ == "amod" and same.head.lemma_.lower() in nouns:
            address = same.head
            verb = address.head.head if address.dep_ == "pobj" else address.head
            if verb.pos_ in ("VERB", "AUX"):
                holders = clause_subjects(verb)
                if not holders and verb.dep_ in ("acl", "relcl"):
                    holders = [verb.head]
        elif same.dep_ in ("attr", "acomp"):
            subjects = children(same.head, "nsubj")
            if subjects and subjects[0].lemma_.lower() in nouns:
                address = subjects[0]
                holders = children(address, "poss") or [
                    subject
                    for clause in children(address, "relcl")
                    for subject in children(clause, "nsubj")
                ]
        if address is None or not holders:
            return
        holder = self._sharer(holders[0])
        if not self._identifiable(holder):
            return
        partners = [self._that_of(tok) for tok in partners]
        partner_parties = [self._sharer(tok) for tok in partners]
        yield self._shared(
            partner_parties[0], [holder, *partner_parties], same, sentence, self._city(partners[0])
        )

    def _shared(
        self, anchor: Party, sharers: list[Party], token: Token, sentence: Span, city: str | None
    ) -> SharedAddress:
        start, end = evidence_span(sharers, token)
        return SharedAddress(
            anchor, sharers, self.rules.address_confidence, start, end, sentence, city
        )

    # -- nationality: listed vs reported ---------------------------------------------------

    def _nationalities(self, token: Token) -> list[tuple[str, Span]]:
        """Nationalities a noun phrase states: "Vietnamese", "Russian or Chinese nationals"."""
        found: list[tuple[str, Span]] = []
        doc = token.doc
        for tok in conjuncts(token):
            if tok.ent_type_ in ("NORP", "GPE") and (code := country_code(tok.text)):
                found.append((code, doc[tok.i : tok.i + 1]))
                continue
            mods = [c for c in tok.lefts if c.dep_ in ("amod", "compound", "nmod")]
            for mod in mods:
                for member in conjuncts(mod):
                    span = doc[member.left_edge.i : member.i + 1]
                    if span.root.ent_type_ not in ("NORP", "GPE"):
                        continue
                    text = " ".join(
                        t.text for t in span if t.i == member.i or t.dep_ not in ("cc", "conj")
                    )
                    code = country_code(text)
                    if code:
                        found.append((code, span))
        return found

    def nationalities(self, sentence: Span) -> Iterator[Link | Fact]:
        for token in sentence:
            lemma = token.lemma_.lower()
            if token.pos_ in ("VERB", "AUX") and lemma in self.rules.listed_verbs:
                targets = [obj for _, obj in prep_objects(token, {"as"})]
                codes = [item for target in targets for item in self._nationalities(target)]
                if codes:
                    yield from self._listed_nationality(token, codes, sentence)
            elif token.pos_ == "NOUN" and lemma in self.rules.nationality_nouns:
                if token.dep_ == "pobj" and token.head.lower_ == "as":
                    continue
                people = self.parties(noun_holder_tokens(token), frozenset({"Person"}))
                for code, where in self._nationalities(token):
                    for person in people:
                        yield self.nationality_fact(person, code, where, sentence, listed=False)

    def nationality_fact(
        self, person: Party, code: str, where: Span, sentence: Span, listed: bool
    ) -> Fact:
        """A person's nationality as reported, or as listed (a register's word, kept as note)."""
        original = f"listed as {where.text}" if listed else where.text
        confidence = self.rules.nationality_confidence
        if listed:
            confidence = self.rules.nationality_listed_confidence
        note = f"nationality {original}" if listed else None
        start, end = evidence_span([person], where[0], where[-1])
        kind = "nationality"
        return Fact(kind, person, kind, code, original, confidence, start, end, sentence, note)

    def _listed_nationality(
        self, verb: Token, codes: list[tuple[str, Span]], sentence: Span
    ) -> Iterator[Link | Fact]:
        subjects = clause_subjects(verb)
        people = self.parties(subjects, frozenset({"Person"}))
        for person in people:
            for code, where in codes:
                yield self.nationality_fact(person, code, where, sentence, listed=True)
        if people or not subjects:
            return
        group, asset = self._owner_group(subjects[0], verb)
        if group is None or asset is None:
            return
        text, g_start, g_end = describe(group)
        unnamed = Party(text, g_start, g_end)
        start, end = evidence_span([asset, unnamed], verb)
        link = Link(
            "nationality",
            "Ownership",
            "nationality:listed",
            {"asset": asset, "owner": unnamed},
            self.rules.nationality_listed_confidence,
            start,
            end,
            sentence,
        )
        link.add("role", "owners (unnamed)")
        for code, where in codes:
            link.add("summary", f"nationality listed as: {code}", f"listed as {where.text}")
        for code, where in self._nationalities(group):
            if where.root.i != group.i:
                link.add("summary", f"nationality reported as: {code}", where.text)
        yield link

    def _owner_group(self, subject: Token, verb: Token) -> tuple[Token | None, Party | None]:
        """For "several of its owners are listed as ...": the owners token and the company."""
        group = subject
        for _, obj in prep_objects(subject, {"of"}):
            group = obj
        if group.lemma_.lower() in self.rules.nationality_group_nouns:
            owners = self.parties(children(group, "poss"))
            return group, (owners[0] if owners else None)
        if subject.lower_ in _QUANTIFIERS and verb.dep_ == "conj":
            head = verb.head
            holders = agents(head) if is_passive(head) else []
            assets = self.parties(passive_subjects(head))
            if holders and assets:
                return holders[0], assets[0]
        if subject.lower_ in _RELATIVE_PRONOUNS and verb.dep_ == "relcl":
            # "X is held by people with Korean names who are recorded as Russian nationals"
            group = verb.head
            if group.dep_ == "pobj" and group.head.lower_ == "with":
                group = group.head.head
            holder_verb = group.head.head if group.dep_ == "pobj" else None
            if (
                holder_verb is not None
                and group.head.dep_ == "agent"
                and holder_verb.lemma_.lower() in self.rules.ownership_lemmas
            ):
                assets = self.parties(passive_subjects(holder_verb))
                if assets:
                    return group, assets[0]
        return None, None

    # -- fallback: any verb linking two parties ---------------------------------------------

    def fallback(self, sentence: Span, found: list[Found]) -> Iterator[Link]:
        linked: set[frozenset[str]] = set()
        for item in found:
            if isinstance(item, Link):
                ids = {p.entity_id for p in item.parties.values() if p.entity_id}
                linked.add(frozenset(ids))
        for token in sentence:
            lemma = token.lemma_.lower()
            if token.pos_ != "VERB" or lemma in self.rules.fallback_ignore_verbs:
                continue
            if lemma in self.rules.trigger_verbs or not self.asserted(token):
                continue
            if is_passive(token):
                subjects = self.parties(agents(token))
                objects = self.parties(passive_subjects(token))
            else:
                subjects = self.parties(active_subjects(token))
                objects = self.parties(direct_objects(token))
            subjects = [party for party in subjects if not party.via_pronoun]
            objects = [party for party in objects if not party.via_pronoun]
            particle = " ".join(child.lower_ for child in children(token, "prt"))
            role = f"{token.lemma_.lower()} {particle}".strip()
            pairs = _unlinked(product(subjects, objects), linked)
            yield from self.pair_links(
                self.rules.fallback_link, "fallback", pairs, token, sentence, role
            )
