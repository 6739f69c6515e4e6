"""Who works for, directs, belongs to or is part of whom: the constructions the parse misses.

The sentence rules (:mod:`relation_finders`) follow a title noun or a verb to its dependents.
Real pages write roles in ways the small parser gets wrong or that need a word of context:

- a capitalised title before or after a name ("said Under Secretary of the Treasury for
  Terrorism and Financial Intelligence X", "X, Under Secretary of the Treasury for ..., said"),
  which the parser reads as prepositions and proper nouns;
- a quoted title between an organisation and a name (Acme “IT team leader” X);
- a definite title without a name as the speaker of a quote ("the Democratic Party of Korea
  representative said"), meaning the one person quoted just before;
- membership: a title held in a party or an army, "affiliated with Y", "X of the Korean
  People's Army";
- parts: "Y's X division", "X, a division of Y";
- associates: "Kim's associate X";
- groups of workers: "used X to send teams of IT workers", "the front company's IT workers".

Every word these rules read is data (``data/extract/relations/roles.yaml``). The pass runs after
the sentence rules and sweeps; :meth:`RoleFinder.seen` records what they linked so that a pair
is linked once, and turns an employment by a party or an army into a membership.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, TypedDict

from spacy.tokens import Span, Token

from sanctionwatch.extract.relation_events import EventReader, control_chain
from sanctionwatch.extract.relation_finders import Found, Link, SentenceFinder
from sanctionwatch.extract.relation_parse import (
    ORG_SCHEMATA,
    PERSON_PRONOUNS,
    POSSESSIVE_MARKS,
    Party,
    children,
    clause_subjects,
    conjuncts,
    noun_holder_tokens,
    prep_objects,
)
from sanctionwatch.extract.relation_rules import LinkShape, default_rules, normalise_phrase
from sanctionwatch.extract.relation_units import UnitReader, UnitRules, unit_rules
from sanctionwatch.extract.rulefile import (
    RuleSection,
    read_rule_file,
    rule_mapping,
)
from sanctionwatch.extract.types import Mention
from sanctionwatch.settings import DATA_DIR

ROLES_PATH = DATA_DIR / "extract" / "relations" / "roles.yaml"
_QUOTES_OPEN = frozenset({"“", '"', "‘", "«"})
_QUOTES_CLOSE = frozenset({"”", '"', "’", "»"})
_QUOTATION_MARKS = ("“", "”", '"', "«", "»")
_DETERMINERS = frozenset({"a", "an", "the"})
_PHRASE_ENDS = frozenset({",", ".", ";", ")", ":", "—", "–"})
_TITLE_KINDS = ("directorship", "employment", "membership")
_ASSOCIATE_MODIFIERS = frozenset({"close", "business", "longtime", "long-time", "trusted"})
"""Words between a possessive and "associate" besides title modifiers ("Kim's close ...")."""


@dataclass(frozen=True, slots=True)
class RoleRules:
    """What :class:`RoleFinder` reads from ``roles.yaml`` (lower-cased)."""

    version: str
    director_titles: frozenset[str]
    employment_titles: frozenset[str]
    title_modifiers: frozenset[str]
    title_joiners: frozenset[str]
    title_max_words: int
    quoted_max_words: int
    title_confidence: float
    bare_titles: frozenset[str]
    bare_confidence: float
    bare_openers: frozenset[str]
    speech_verbs: frozenset[str]
    speaker_sentences_back: int
    speaker_sentences_ahead: int
    speaker_confidence: float
    membership_heads: frozenset[str]
    affiliation_words: frozenset[str]
    affiliation_preps: frozenset[str]
    person_preps: frozenset[str]
    membership_confidence: float
    person_of_confidence: float
    part_heads: frozenset[str]
    part_confidence: float
    associate_words: frozenset[str]
    associate_confidence: float
    means_verbs: frozenset[str]
    sending_verbs: frozenset[str]
    receiving_preps: frozenset[str]
    workplace_preps: frozenset[str]
    worker_confidence: float
    description_nouns: frozenset[str]
    description_sentences_back: int
    units: UnitRules
    """``parts.units``, read by :class:`relation_units.UnitReader`."""


class _TitleFields(TypedDict):
    """``titles``: the title words of each kind and how far a title may reach."""

    director_titles: frozenset[str]
    employment_titles: frozenset[str]
    title_modifiers: frozenset[str]
    title_joiners: frozenset[str]
    title_max_words: int
    quoted_max_words: int
    title_confidence: float
    bare_titles: frozenset[str]
    bare_confidence: float
    bare_openers: frozenset[str]


class _SpeakerFields(TypedDict):
    """``speakers``: a definite title without a name as the speaker of a quote."""

    speech_verbs: frozenset[str]
    speaker_sentences_back: int
    speaker_sentences_ahead: int
    speaker_confidence: float


class _MembershipFields(TypedDict):
    """``membership``: a title held in a party or an army, "affiliated with Y"."""

    membership_heads: frozenset[str]
    affiliation_words: frozenset[str]
    affiliation_preps: frozenset[str]
    person_preps: frozenset[str]
    membership_confidence: float
    person_of_confidence: float


class _PartAndAssociateFields(TypedDict):
    """``parts`` ("Y's X division") and ``associates`` ("Kim's associate X")."""

    part_heads: frozenset[str]
    part_confidence: float
    associate_words: frozenset[str]
    associate_confidence: float


class _WorkerFields(TypedDict):
    """``workers``: "used X to send teams of IT workers"."""

    means_verbs: frozenset[str]
    sending_verbs: frozenset[str]
    receiving_preps: frozenset[str]
    workplace_preps: frozenset[str]
    worker_confidence: float


class _DescriptionFields(TypedDict):
    """``descriptions``: the nouns that describe a party named a few sentences before."""

    description_nouns: frozenset[str]
    description_sentences_back: int


def parse_role_rules(
    path: Path, data: Any, speech_verbs: frozenset[str] | None = None
) -> RoleRules:
    """Validate the parsed YAML of a roles file; errors name the file and the key. The speech
    verbs are the one list of ``rules.yaml`` (``speech_verbs``) unless given."""
    data = rule_mapping(path, data)
    names = ("titles", "speakers", "membership", "parts", "associates", "workers")
    sections = {name: RuleSection(path, data, name) for name in (*names, "descriptions")}
    speech = default_rules().speech_verbs if speech_verbs is None else speech_verbs
    return RoleRules(
        version=str(data["version"]),
        **_title_rules(sections["titles"]),
        **_speaker_rules(sections["speakers"], speech),
        **_membership_rules(sections["membership"]),
        **_part_and_associate_rules(sections["parts"], sections["associates"]),
        **_worker_rules(sections["workers"]),
        **_description_rules(sections["descriptions"]),
        units=unit_rules(sections["parts"].section("units")),
    )


def _title_rules(titles: RuleSection) -> _TitleFields:
    return {
        "director_titles": titles.words("directorship"),
        "employment_titles": titles.words("employment"),
        "title_modifiers": titles.words("modifiers"),
        "title_joiners": titles.words("joiners"),
        "title_max_words": titles.count("max_words"),
        "quoted_max_words": titles.count("quoted_max_words"),
        "title_confidence": titles.confidence("confidence"),
        "bare_titles": titles.words("bare"),
        "bare_confidence": titles.confidence("bare_confidence"),
        "bare_openers": titles.words("bare_openers"),
    }


def _speaker_rules(speakers: RuleSection, speech_verbs: frozenset[str]) -> _SpeakerFields:
    return {
        "speech_verbs": speech_verbs,
        "speaker_sentences_back": speakers.count("sentences_back"),
        "speaker_sentences_ahead": speakers.count("sentences_ahead"),
        "speaker_confidence": speakers.confidence("confidence"),
    }


def _membership_rules(membership: RuleSection) -> _MembershipFields:
    return {
        "membership_heads": membership.words("organisation_heads"),
        "affiliation_words": membership.words("affiliation_words"),
        "affiliation_preps": membership.words("affiliation_preps"),
        "person_preps": membership.words("person_preps"),
        "membership_confidence": membership.confidence("confidence"),
        "person_of_confidence": membership.confidence("person_of_confidence"),
    }


def _part_and_associate_rules(
    parts: RuleSection, associates: RuleSection
) -> _PartAndAssociateFields:
    return {
        "part_heads": parts.words("heads"),
        "part_confidence": parts.confidence("confidence"),
        "associate_words": associates.words("words"),
        "associate_confidence": associates.confidence("confidence"),
    }


def _worker_rules(workers: RuleSection) -> _WorkerFields:
    return {
        "means_verbs": workers.words("means_verbs"),
        "sending_verbs": workers.words("sending_verbs"),
        "receiving_preps": workers.words("receiving_preps"),
        "workplace_preps": workers.words("workplace_preps"),
        "worker_confidence": workers.confidence("confidence"),
    }


def _description_rules(descriptions: RuleSection) -> _DescriptionFields:
    return {
        "description_nouns": descriptions.words("nouns"),
        "description_sentences_back": descriptions.count("sentences_back"),
    }


def load_role_rules_file(path: Path) -> RoleRules:
    return parse_role_rules(path, read_rule_file(path, "role rules"))


@lru_cache(maxsize=1)
def default_role_rules() -> RoleRules:
    """The packaged role rules (read once per process)."""
    return load_role_rules_file(ROLES_PATH)


def organisation_head(name: str) -> str:
    """The head word of an organisation's name: "Workers' Party of Korea" -> "party"."""
    before_of = re.split(r"\s+of\s+", name.strip(), maxsplit=1)[0]
    words = normalise_phrase(before_of).split()
    return words[-1] if words else ""


def speaks(token: Token, verbs: frozenset[str]) -> bool:
    """Is the name headed by ``token`` (or the list it is part of) the subject of one of
    the speech ``verbs``: "X said", "X and Y told reporters"?"""
    current = token
    for _ in range(3):
        if current.dep_ == "nsubj" and current.head.lemma_.lower() in verbs:
            return True
        if current.dep_ not in ("appos", "conj", "compound"):
            return False
        current = current.head
    return False


@dataclass(frozen=True, slots=True)
class _Title:
    """A title phrase read around a name: its kind, the organisation and the role text."""

    kind: str
    org: Party
    direct: bool
    role: str
    trigger: Token


def sentences_before(sentence: Span, count: int) -> Span:
    """The sentence ``count`` sentences before ``sentence`` in its document (or the first)."""
    doc = sentence.doc
    for _ in range(count):
        if sentence.start == 0:
            break
        sentence = doc[sentence.start - 1].sent
    return sentence


def _quotes(sentence: Span) -> bool:
    """Does the sentence hold a quotation (double quotation marks or guillemets)?"""
    return any(mark in sentence.text for mark in _QUOTATION_MARKS)


def _pair_key(first: Party, second: Party) -> frozenset[str]:
    return frozenset({first.entity_id or first.name, second.entity_id or second.name})


class RoleFinder:
    """Reads the constructions listed in the module docstring over one document's sentences."""

    def __init__(self, finder: SentenceFinder, rules: RoleRules | None = None) -> None:
        self.finder = finder
        self.index = finder.index
        self.rules = rules or default_role_rules()
        self.linked: set[frozenset[str]] = set()
        self.group_employers: set[str] = set()
        self._vocabulary = self._title_vocabulary()
        self._associate_heads = frozenset(w.split()[-1] for w in self.rules.associate_words)
        self._associate_modifiers = self.rules.title_modifiers | _ASSOCIATE_MODIFIERS
        # "the Ministry's Bureau 27": relation_units
        self._units = UnitReader(finder, self.rules.units)
        self._events = EventReader(finder)

    # -- what the other finders found ------------------------------------------------------

    def seen(self, found: Iterable[Found]) -> Iterator[Found]:
        """Pass the other finders' results through, recording every linked pair; an
        employment by a party or an army is a membership."""
        for item in found:
            if isinstance(item, Link):
                item = self._as_membership(item)
                self._record(item)
            yield item

    def _record(self, link: Link) -> None:
        ends = list(link.parties.values())
        if len(ends) == 2:
            self.linked.add(_pair_key(ends[0], ends[1]))
        employer, employee = link.parties.get("employer"), link.parties.get("employee")
        group = employee is not None and not employee.named  # workers kept as a description
        if link.schema == "Employment" and employer is not None and group:
            self.group_employers.add(employer.entity_id or employer.name)

    def _as_membership(self, link: Link) -> Link:
        employee, employer = link.parties.get("employee"), link.parties.get("employer")
        if link.schema != "Employment" or employee is None or employer is None:
            return link
        if employee.schema != "Person" or not self._is_membership_org(employer):
            return link
        membership = Link(
            "membership",
            "Membership",
            f"{link.rule}+membership",
            {"member": employee, "organization": employer},
            link.confidence,
            link.start,
            link.end,
            link.sentence,
            list(link.values),
        )
        return membership

    def _is_membership_org(self, party: Party) -> bool:
        if party.schema not in ORG_SCHEMATA:
            return False
        name = normalise_phrase(re.split(r"\s+of\s+", party.name, maxsplit=1)[0])
        heads = self.rules.membership_heads
        return organisation_head(party.name) in heads or any(
            name.endswith(f" {head}") for head in heads if " " in head
        )

    def _new(self, links: Iterable[Link]) -> Iterator[Link]:
        """Links whose pair nobody linked before (each one yielded counts as linked)."""
        for link in links:
            ends = list(link.parties.values())
            if len(ends) != 2 or ends[0].entity_id == ends[1].entity_id:
                continue
            key = _pair_key(ends[0], ends[1])
            if key in self.linked:
                continue
            self.linked.add(key)
            yield link

    # -- driver ----------------------------------------------------------------------------

    def find(self, sentences: Sequence[Span]) -> Iterator[Found]:
        for position, sentence in enumerate(sentences):
            yield from self._new(self._titled_names(sentence))
            yield from self._new(self._speakers(sentence, sentences, position))
            yield from self._new(self._affiliations(sentence))
            yield from self._new(self._people_of(sentence))
            yield from self._new(self._parts(sentence))
            yield from self._new(self._units.links(sentence))
            yield from self._new(self._associates(sentence))
            yield from self._group_links(self._workers_used(sentence))
            yield from self._group_links(self._possessed_workers(sentence))
            yield from self._group_links(self._events.worker_links(sentence))

    def _group_links(self, links: Iterable[Link]) -> Iterator[Link]:
        """One group-of-workers employment per employer and document: the same workers are
        named in several ways ("IT workers", "North Korean IT workers")."""
        for link in links:
            employer = link.parties.get("employer")
            if employer is None:
                continue
            key = employer.entity_id or employer.name
            if key in self.group_employers:
                continue
            self.group_employers.add(key)
            yield link

    # -- shapes ------------------------------------------------------------------------------

    def _shape(self, kind: str, confidence: float, role: str = "") -> LinkShape:
        if kind == "directorship":
            return LinkShape(kind, "Directorship", "director", "organization", role, confidence)
        if kind == "membership":
            return LinkShape(kind, "Membership", "member", "organization", role, confidence)
        return LinkShape("employment", "Employment", "employee", "employer", role, confidence)

    def _role_link(
        self,
        person: Party,
        title: _Title,
        sentence: Span,
        rule: str,
        confidence: float,
    ) -> Iterator[Link]:
        kind = title.kind if title.direct or title.kind != "directorship" else "employment"
        if kind != "directorship" and self._is_membership_org(title.org):
            kind = "membership"
        shape = self._shape(kind, confidence)
        pairs = [(person, title.org)]
        yield from self.finder.pair_links(shape, rule, pairs, title.trigger, sentence, title.role)

    # -- titles ------------------------------------------------------------------------------

    def _title_vocabulary(self) -> frozenset[str]:
        words: set[str] = set(self.rules.title_modifiers)
        for phrase in self.rules.director_titles | self.rules.employment_titles:
            words.update(phrase.split())
        for title_set in self.finder.rules.titles:
            for phrase in title_set.words:
                words.update(phrase.split())
        return frozenset(words)

    def title_kind(self, phrase: str) -> str | None:
        """``directorship``, ``employment`` or ``membership`` for a (lower-cased) title."""
        known = self.finder.rules.title(phrase)
        if known is not None and known.kind in _TITLE_KINDS:
            return known.kind
        if phrase in self.rules.director_titles:
            return "directorship"
        if phrase in self.rules.employment_titles:
            return "employment"
        return None

    def _org_at(self, token: Token) -> Party | None:
        """The organisation named at ``token``, or described there when a possessive follows
        ("the party's representative", "the front company's workers")."""
        mention = self.index.at(token)
        if mention is None and token.pos_ == "NOUN" and self._possessed_by(token):
            return self._described(token)
        if mention is None or mention.schema not in ORG_SCHEMATA:
            return None
        party = Party.of(mention)
        return party if self.finder.is_party(party, ORG_SCHEMATA) else None

    @staticmethod
    def _possessed_by(token: Token) -> bool:
        following = token.i + 1
        return following < len(token.doc) and token.doc[following].text in POSSESSIVE_MARKS

    def _in_title(self, token: Token) -> bool:
        """May ``token`` stand inside a title phrase?"""
        mention = self.index.at(token)
        if mention is not None:
            return mention.schema in ORG_SCHEMATA
        if token.pos_ == "NOUN" and self._possessed_by(token) and self._described(token):
            return True
        if token.text in POSSESSIVE_MARKS:
            return True
        lower = token.lower_
        if lower in self.rules.title_joiners or lower in self._vocabulary:
            return True
        return token.is_alpha and (token.is_title or token.is_upper) and token.pos_ != "VERB"

    def _read_title(self, tokens: list[Token]) -> _Title | None:
        """The title in a phrase: its first title word, the organisation named in it."""
        while tokens and (
            tokens[0].lower_ in self.rules.title_joiners or tokens[0].text in POSSESSIVE_MARKS
        ):
            tokens = tokens[1:]
        while tokens and tokens[-1].lower_ in self.rules.title_joiners:
            tokens = tokens[:-1]
        match = self._title_match(tokens)
        if match is None:
            return None
        start, end, kind = match
        org, direct = self._title_org(tokens, start, end)
        if org is None:
            return None
        first = start
        while first > 0 and self.index.at(tokens[first - 1]) is None:
            if tokens[first - 1].text in POSSESSIVE_MARKS:
                break
            first -= 1
        role_tokens = [t for t in tokens[first:] if t.text not in _QUOTES_OPEN | _QUOTES_CLOSE]
        role = " ".join(t.text for t in role_tokens)
        return _Title(kind, org, direct, role, tokens[start])

    def _title_match(self, tokens: list[Token]) -> tuple[int, int, str] | None:
        for start in range(len(tokens)):
            if self.index.at(tokens[start]) is not None or tokens[start].text in POSSESSIVE_MARKS:
                continue
            for size in (3, 2, 1):
                window = tokens[start : start + size]
                if len(window) < size or any(self.index.at(t) is not None for t in window):
                    continue
                phrase = normalise_phrase(" ".join(t.text for t in window))
                kind = self.title_kind(phrase)
                if kind is not None:
                    return start, start + size, kind
        return None

    def _title_org(self, tokens: list[Token], start: int, end: int) -> tuple[Party | None, bool]:
        """The organisation of a title: right after "of" (direct), later in the phrase, or
        right before the title (direct: "Acme's director", "Acme IT team leader")."""
        index = end
        if index < len(tokens) and tokens[index].lower_ == "of":
            index += 1
            if index < len(tokens) and tokens[index].lower_ == "the":
                index += 1
            if index < len(tokens) and (org := self._org_at(tokens[index])) is not None:
                return org, True
        for token in tokens[end:]:
            if (org := self._org_at(token)) is not None:
                return org, False
        for token in reversed(tokens[:start]):
            if (org := self._org_at(token)) is not None:
                return org, True
            if self.index.at(token) is not None:
                return None, False
            if token.text not in POSSESSIVE_MARKS and not self._modifier(token):
                return None, False
        return None, False

    def _modifier(self, token: Token) -> bool:
        return token.lower_ in self._vocabulary or token.text in _QUOTES_OPEN | _QUOTES_CLOSE

    def _titled_names(self, sentence: Span) -> Iterator[Link]:
        """A title phrase right before a name, or after it between commas."""
        doc = sentence.doc
        for mention in self._people_in(sentence):
            span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
            if span is None:
                continue
            person = Party.of(mention)
            titles = [self._title_before(span, sentence), self._title_after(span, sentence)]
            for title in titles:
                if title is not None:
                    confidence = self.rules.title_confidence
                    yield from self._role_link(person, title, sentence, "roles:title", confidence)
            if titles == [None, None] and (bare := self._bare_title(span, sentence)) is not None:
                confidence = self.rules.bare_confidence
                yield from self._role_link(person, bare, sentence, "roles:bare-title", confidence)

    def _bare_title(self, name: Span, sentence: Span) -> _Title | None:
        """ "Although AP saw workers at Acme, manager X said ...": a lower-case company title
        right before the name, no organisation in it, and one company named before it in
        the sentence."""
        doc = sentence.doc
        index = name.start - 1
        words: list[Token] = []
        while index >= sentence.start and len(words) < 3 and doc[index].is_lower:
            words.insert(0, doc[index])
            index -= 1
        phrase = normalise_phrase(" ".join(t.text for t in words))
        while phrase and phrase not in self.rules.bare_titles:
            words = words[1:]
            phrase = normalise_phrase(" ".join(t.text for t in words))
        if not words or self._modified_title(words[0], sentence):
            return None
        companies = {
            m.entity_id: m
            for m in self._orgs_in(sentence)
            if m.schema == "Company" and m.end <= words[0].idx
        }
        if len(companies) != 1:
            return None
        org = Party.of(next(iter(companies.values())))
        kind = self.title_kind(phrase) or "employment"
        return _Title(kind, org, True, phrase, words[-1])

    def _modified_title(self, first: Token, sentence: Span) -> bool:
        """Does a bare title NOT open its clause's noun phrase? It must stand at the sentence
        start or after punctuation, past title modifiers ("former manager X") and one opener
        ("the", "its"); "a rival director X", "whose manager X" and a verb's object ("police
        questioned manager X") are other constructions."""
        doc = sentence.doc
        index = first.i - 1
        if first.lower_ not in self.rules.bare_openers:
            while index >= sentence.start and doc[index].lower_ in self.rules.title_modifiers:
                index -= 1
            if index >= sentence.start and doc[index].lower_ in self.rules.bare_openers:
                index -= 1
        return index >= sentence.start and not doc[index].is_punct

    def _people_in(self, sentence: Span) -> list[Mention]:
        return [m for m in self.index.within(sentence) if m.schema == "Person"]

    def _title_before(self, name: Span, sentence: Span) -> _Title | None:
        doc = sentence.doc
        index = name.start - 1
        if index < sentence.start:
            return None
        if doc[index].text in _QUOTES_CLOSE:
            return self._quoted_title(index, sentence)
        phrase: list[Token] = []
        while index >= sentence.start and len(phrase) < self.rules.title_max_words:
            token = doc[index]
            if not self._in_title(token) or token.text in _QUOTES_CLOSE:
                break
            phrase.insert(0, token)
            index -= 1
        return self._read_title(phrase) if phrase else None

    def _quoted_title(self, close: int, sentence: Span) -> _Title | None:
        """Acme “IT team leader” Kim: the organisation right before the opening quote."""
        doc = sentence.doc
        limit = max(sentence.start, close - self.rules.quoted_max_words - 1)
        for index in range(close - 1, limit - 1, -1):
            if doc[index].text not in _QUOTES_OPEN:
                continue
            inside = list(doc[index + 1 : close])
            before = index - 1
            if before >= sentence.start and doc[before].text in POSSESSIVE_MARKS:
                before -= 1
            if before < sentence.start or not inside:
                return None
            org = self._org_at(doc[before])
            if org is None or any(self.index.at(t) is not None for t in inside):
                return None
            role = " ".join(t.text for t in inside)
            match = self._title_match(inside)
            kind = match[2] if match is not None else "employment"
            return _Title(kind, org, True, role, inside[-1])
        return None

    def _title_after(self, name: Span, sentence: Span) -> _Title | None:
        doc = sentence.doc
        index = name.end
        if index >= sentence.end or doc[index].text != ",":
            return None
        index += 1
        if index < sentence.end and doc[index].lower_ in _DETERMINERS:
            index += 1
        phrase: list[Token] = []
        while index < sentence.end and len(phrase) < self.rules.title_max_words:
            token = doc[index]
            if not self._in_title(token):
                break
            phrase.append(token)
            index += 1
        closed = index >= sentence.end or doc[index].text in _PHRASE_ENDS
        if not phrase or not (closed or doc[index].pos_ in ("VERB", "AUX")):
            return None
        return self._read_title(phrase)

    # -- "the X representative said" -------------------------------------------------------

    def _speakers(self, sentence: Span, sentences: Sequence[Span], position: int) -> Iterator[Link]:
        for verb in sentence:
            if verb.pos_ != "VERB" or verb.lemma_.lower() not in self.rules.speech_verbs:
                continue
            for subject in children(verb, "nsubj"):
                title = self._unnamed_title(subject)
                if title is None:
                    continue
                if subject.doc[subject.left_edge.i].lower_ == "the":
                    person = self._previous_speaker(subject, sentences, position)
                else:  # "A United Nations investigator says ..." then the name
                    person = self._next_speaker(subject, sentences, position)
                if person is not None:
                    confidence = self.rules.speaker_confidence
                    yield from self._role_link(person, title, sentence, "roles:speaker", confidence)

    def _unnamed_title(self, subject: Token) -> _Title | None:
        """ "the Democratic Party of Korea representative", "the company's director"."""
        if subject.pos_ not in ("NOUN", "PROPN"):
            return None
        tokens = sorted(subject.subtree, key=lambda t: t.i)
        if any((m := self.index.at(t)) is not None and m.schema == "Person" for t in tokens):
            return None
        if not tokens or tokens[0].lower_ not in _DETERMINERS:
            return None
        return self._read_title(tokens[1:])

    def _previous_speaker(
        self, subject: Token, sentences: Sequence[Span], position: int
    ) -> Party | None:
        """The one person named in this sentence (before the subject) and the few before it,
        when that person is the subject of a speech verb, no other voice speaks between, and
        the two sentences do not each attribute a quotation of their own ("“...,” X said.
        “...,” the manager said." reads as a second speaker)."""
        first = max(0, position - self.rules.speaker_sentences_back)
        person = self._only_speaker(subject.doc[sentences[first].start : subject.i])
        if person is None:
            return None
        name = subject.doc.char_span(person.start, person.end, alignment_mode="expand")
        if name is None or self._voice_between(name, subject):
            return None
        if name.sent != subject.sent and _quotes(name.sent) and _quotes(subject.sent):
            return None
        return person

    def _voice_between(self, name: Span, subject: Token) -> bool:
        """Does a speech verb between the named person and the unnamed title have a subject
        that is neither of them (nor a pronoun, which may be the person)?"""
        doc = subject.doc
        for verb in doc[name.end : subject.i]:
            if verb.pos_ != "VERB" or verb.lemma_.lower() not in self.rules.speech_verbs:
                continue
            for other in children(verb, "nsubj"):
                # the person's own subject phrase: "lawmaker and former envoy, X, said"
                holds_name = other.left_edge.i <= name.start and name.end <= other.right_edge.i + 1
                if other != subject and not holds_name and other.lower_ not in PERSON_PRONOUNS:
                    return True
        return False

    def _next_speaker(
        self, subject: Token, sentences: Sequence[Span], position: int
    ) -> Party | None:
        """An indefinite title ("a United Nations investigator says") named in the next
        sentences: the one person named there, the subject of a speech verb."""
        last = min(len(sentences) - 1, position + self.rules.speaker_sentences_ahead)
        if last == position:
            return None
        return self._only_speaker(subject.doc[subject.i : sentences[last].end])

    def _only_speaker(self, tokens: Span) -> Party | None:
        doc = tokens.doc
        people: dict[str, Mention] = {}
        for token in tokens:
            mention = self.index.at(token)
            if mention is not None and mention.schema == "Person":
                people.setdefault(mention.entity_id, mention)
        if len(people) != 1:
            return None
        mention = next(iter(people.values()))
        span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
        if span is None or not speaks(span.root, self.rules.speech_verbs):
            return None
        return Party.of(mention)

    # -- membership ------------------------------------------------------------------------

    def _affiliations(self, sentence: Span) -> Iterator[Link]:
        """ "X is affiliated with Y", "X, affiliated to Y, ..."."""
        for token in sentence:
            if token.lower_ not in self.rules.affiliation_words or token.pos_ == "NOUN":
                continue
            if not self.finder.asserted(token):
                continue  # "X is not / no longer affiliated with Y", "X denied being ..."
            orgs = [
                party
                for _, obj in prep_objects(token, self.rules.affiliation_preps)
                if (party := self.finder.party(obj)) is not None
                and self.finder.is_party(party, ORG_SCHEMATA)
            ]
            if not orgs:
                continue
            members = self.finder.parties(self._affiliation_holders(token))
            shape = self._shape("membership", self.rules.membership_confidence, "affiliate")
            pairs = [(member, org) for member in members for org in orgs]
            yield from self.finder.pair_links(shape, "roles:affiliated", pairs, token, sentence)

    @staticmethod
    def _affiliation_holders(token: Token) -> list[Token]:
        if token.dep_ in ("acomp", "attr"):
            return clause_subjects(token.head)
        if token.dep_ in ("amod", "acl"):
            return [token.head]
        if token.pos_ == "VERB":
            return clause_subjects(token)
        return []

    def _people_of(self, sentence: Span) -> Iterator[Link]:
        """ "Colonel X of the Korean People's Army": a person with an organisation after
        "of"/"from" (membership for a party or an army, else employment)."""
        doc = sentence.doc
        for mention in self._people_in(sentence):
            span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
            if span is None:
                continue
            if span.end + 1 >= sentence.end or doc[span.end].lower_ not in self.rules.person_preps:
                continue
            prep, start = doc[span.end], span.end + 1
            if doc[start].lower_ == "the" and start + 1 < sentence.end:
                start += 1
            mention_after = self.index.at(doc[start])
            if prep.head.i not in range(span.start, span.end) or mention_after is None:
                continue  # "of" hangs on the name, and an organisation starts right after it
            if mention_after.start != doc[start].idx:
                continue
            org = self._org_at(doc[start])
            if org is not None:
                member = self._is_membership_org(org)
                kind = "membership" if member else "employment"
                role = "member" if member else ""
                shape = self._shape(kind, self.rules.person_of_confidence, role)
                pairs = [(Party.of(mention), org)]
                rule = f"roles:person-{prep.lower_}"
                yield from self.finder.pair_links(shape, rule, pairs, prep, sentence)

    # -- parts: "Y's X division" -----------------------------------------------------------

    def _parts(self, sentence: Span) -> Iterator[Link]:
        doc = sentence.doc
        for mention in self._orgs_in(sentence):
            span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
            if span is None:
                continue
            head = organisation_head(mention.canonical)
            after = doc[span.end] if span.end < sentence.end else None
            word = head if head in self.rules.part_heads else None
            if word is None and after is not None and after.lower_ in self.rules.part_heads:
                word = after.lower_
            if word is None:  # "Acme's Russian arm X": the part word between
                word = next(
                    (
                        t.lower_
                        for t in self._between_possessive(span, sentence)
                        if t.lower_ in self.rules.part_heads
                    ),
                    None,
                )
            if word is None:
                continue
            parent = self._possessor(span, sentence)
            if parent is None or parent.entity_id == mention.entity_id:
                continue
            shape = LinkShape(
                "subsidiary", "Ownership", "asset", "owner", word, self.rules.part_confidence
            )
            pairs = [(Party.of(mention), parent)]
            yield from self.finder.pair_links(shape, "roles:part", pairs, span.root, sentence)

    def _orgs_in(self, sentence: Span) -> list[Mention]:
        return [m for m in self.index.within(sentence) if m.schema in ORG_SCHEMATA]

    def _between_possessive(self, span: Span, sentence: Span) -> list[Token]:
        """The describing words between a possessive and ``span`` (at most three)."""
        doc = sentence.doc
        words: list[Token] = []
        for index in range(span.start - 1, max(sentence.start, span.start - 4), -1):
            if doc[index].text in POSSESSIVE_MARKS:
                return words
            words.append(doc[index])
        return []

    def _possessor(self, span: Span, sentence: Span) -> Party | None:
        """The organisation named with a possessive right before ``span`` (lower-case words,
        place adjectives between): "NKDB's X division", "Acme's Moscow branch X"."""
        doc = sentence.doc
        index = span.start - 1
        limit = span.start - 4  # at most three describing words between
        while index > max(sentence.start, limit) and doc[index].text not in POSSESSIVE_MARKS:
            token = doc[index]
            mention = self.index.at(token)
            if mention is not None and mention.schema != "Place":
                return None
            if not (token.is_lower or token.pos_ in ("ADJ", "PROPN")):
                return None
            index -= 1
        if index <= sentence.start or doc[index].text not in POSSESSIVE_MARKS:
            return None
        return self._org_at(doc[index - 1])

    # -- associates ------------------------------------------------------------------------

    def _associates(self, sentence: Span) -> Iterator[Link]:
        """ "Kim's associate X", "X, an associate of Kim": Associate for two people."""
        for token in sentence:
            if self.index.at(token) is not None:
                continue
            word = self._associate_word(token)
            if word is None:
                continue
            first, second = self._associate_ends(token, sentence)
            if first is None or second is None:
                continue
            both_people = first.schema == "Person" and second.schema == "Person"
            confidence = self.rules.associate_confidence
            if both_people:
                shape = LinkShape("unknown", "Associate", "person", "associate", "", confidence)
            else:
                shape = LinkShape("unknown", "UnknownLink", "subject", "object", word, confidence)
            for link in self.finder.pair_links(
                shape, "roles:associate", [(first, second)], token, sentence
            ):
                link.values = [(p, v, o) for p, v, o in link.values if p != "role" or v]
                if both_people:
                    link.add("relationship", word)
                yield link

    def _associate_word(self, token: Token) -> str | None:
        if token.lower_ not in self._associate_heads:
            return None
        for size in (2, 1):
            start = token.i - size + 1
            if start < token.sent.start:
                continue
            phrase = normalise_phrase(token.doc[start : token.i + 1].text)
            if phrase in self.rules.associate_words:
                return normalise_phrase(token.text)
        return None

    def _associate_ends(self, token: Token, sentence: Span) -> tuple[Party | None, Party | None]:
        """(the associate, whose associate): by word order, since the parser often reads the
        word as an adjective. "Kim's [close] associate X" / "X, [an] associate of Kim"."""
        doc = sentence.doc
        after = token.i + 1
        if after < sentence.end and doc[after].text == ",":
            after += 1
        named_after = self._party_at(doc[after]) if after < sentence.end else None
        owner = self._owner_before(token, sentence)
        if named_after is not None and owner is not None:
            return named_after, owner
        objects = [obj for _, obj in prep_objects(token, {"of"})]
        if not objects and after < sentence.end and doc[after].lower_ == "of":
            objects = [doc[after + 1]] if after + 1 < sentence.end else []
        whose = self._party_at(objects[0]) if objects else None
        holders = noun_holder_tokens(token)
        holder = self._party_at(holders[0]) if holders else None
        if holder is None:
            holder = self._appositive_person(token, sentence)
        return holder, whose

    def _party_at(self, token: Token) -> Party | None:
        party = self.finder.party(token)
        return party if self.finder.is_party(party) and party is not None else None

    def _owner_before(self, token: Token, sentence: Span) -> Party | None:
        doc = sentence.doc
        index = token.i - 1
        while index > sentence.start and doc[index].lower_ in self._associate_modifiers:
            index -= 1
        if index <= sentence.start or doc[index].text not in POSSESSIVE_MARKS:
            return None
        return self._party_at(doc[index - 1])

    def _appositive_person(self, token: Token, sentence: Span) -> Party | None:
        """ "X, an associate of Y": the name before the comma and the determiner."""
        doc = sentence.doc
        index = token.i - 1
        while index > sentence.start and (doc[index].lower_ in _DETERMINERS or doc[index].is_lower):
            index -= 1
        if index <= sentence.start or doc[index].text != ",":
            return None
        return self._party_at(doc[index - 1])

    # -- groups of workers -----------------------------------------------------------------

    def _workers_used(self, sentence: Span) -> Iterator[Link]:
        """ "used X to send teams of IT workers": X employs them; "workers sent to X"."""
        for verb in sentence:
            if verb.pos_ != "VERB" or not self._stated(verb):
                continue
            lemma = verb.lemma_.lower()
            if lemma in self.rules.means_verbs:
                yield from self._means(verb, sentence)
            if lemma in self.rules.sending_verbs:
                yield from self._sent_to(verb, sentence)

    def _stated(self, verb: Token) -> bool:
        """Stated as fact, and so is every clause it is the reason of ("did not accuse X of
        using Y to send workers": not stated)."""
        climbed = control_chain(verb)[1]
        return all(self.finder.asserted(token) for token in (verb, *climbed))

    def _means(self, verb: Token, sentence: Span) -> Iterator[Link]:
        means = [
            party
            for obj in children(verb, "dobj", "obj")
            for conj in conjuncts(obj)
            if (party := self._org_at(conj) or self.finder.party(conj)) is not None
            and self.finder.is_party(party, ORG_SCHEMATA)
        ]
        if not means:
            return
        for clause in children(verb, "xcomp", "advcl"):
            if clause.lemma_.lower() not in self.rules.sending_verbs:
                continue
            for obj in children(clause, "dobj", "obj"):
                worker = self.finder.worker_group(obj)
                if worker is None:
                    continue
                for employer in means:
                    link = self.finder.worker_link(employer, worker, clause, sentence)
                    link.confidence = self.rules.worker_confidence
                    yield link

    def _sent_to(self, verb: Token, sentence: Span) -> Iterator[Link]:
        """ "North Korea sent workers to X", "workers sent to X"."""
        targets = [obj for _, obj in prep_objects(verb, self.rules.receiving_preps)]
        employers = [p for t in targets if (p := self._org_at(t)) is not None]
        if not employers:
            return
        candidates = children(verb, "dobj", "obj")
        if verb.dep_ == "acl":
            candidates.append(verb.head)
        candidates.extend(children(verb, "nsubjpass"))
        for candidate in candidates:
            worker = self.finder.worker_group(candidate)
            if worker is None:
                continue
            for employer in employers:
                link = self.finder.worker_link(employer, worker, verb, sentence)
                link.confidence = self.rules.worker_confidence
                yield link

    def _possessed_workers(self, sentence: Span) -> Iterator[Link]:
        """ "Acme's workers", "the Chinese front company's IT workers", "300 North Korean
        workers at Acme"."""
        for token in sentence:
            if token.pos_ != "NOUN" or token.lemma_.lower() not in self.finder.rules.worker_nouns:
                continue
            owners = children(token, "poss")
            owners += [obj for _, obj in prep_objects(token, self.rules.workplace_preps)]
            for owner in owners:
                employer = self._org_at(owner)
                if employer is None:
                    continue
                link = self.finder.worker_link(employer, token, owner, sentence)
                link.confidence = self.rules.worker_confidence
                yield link

    def _described(self, noun: Token) -> Party | None:
        """The organisation a definite description stands for, named at most a few sentences
        before: "the Chinese front company" is the one introduced as "Chinese front company
        X" or "X, a Chinese front company"; "the party" is the last one whose name's head is
        "party"."""
        if noun.lemma_.lower() not in self.rules.description_nouns:
            return None
        lefts = list(noun.lefts)
        if not lefts or lefts[0].lower_ != "the" or self.index.at(noun) is not None:
            return None
        modifiers = {t.lower_ for t in lefts[1:] if t.dep_ in ("amod", "compound", "nmod")}
        earliest = sentences_before(noun.sent, self.rules.description_sentences_back)
        found: Party | None = None
        for mention in self.index.starting_between(earliest.start_char, noun.idx):
            if mention.schema in ORG_SCHEMATA and self._introduced_as(
                mention, noun.lower_, modifiers
            ):
                found = Party.of(mention)
        return found if found is not None and self.finder.is_party(found) else None

    def _introduced_as(self, mention: Mention, noun: str, modifiers: set[str]) -> bool:
        """Was ``mention`` written right after these words ("front company X"), or with them
        in an apposition ("X, a front company"), or is its name's head the noun (with the
        modifiers in the name)?"""
        name = set(normalise_phrase(mention.canonical).split())
        if organisation_head(mention.canonical) == noun and modifiers <= name:
            return True
        words = modifiers | {noun}
        text = self.finder.context.clean_text
        reach = len(words) + 3
        before = normalise_phrase(text[max(0, mention.start - 80) : mention.start]).split()
        if before and before[-1] == noun and words <= set(before[-reach:]):
            return True
        after = normalise_phrase(text[mention.end : mention.end + 80])
        after_words = after.split()[: reach + 1]
        return bool(re.match(r"^(a|an|the) ", after)) and words <= set(after_words)
