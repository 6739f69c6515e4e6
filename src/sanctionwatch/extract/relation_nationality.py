"""Nationality of named people and the country of named companies, as writers state them.

The sentence rules (:mod:`relation_finders`) read "X, a Russian national" and "listed as
Vietnamese"; the sweeps read "three North Korean firms - A, B and C". Real pages say more, and
this pass reads it (words in ``data/extract/relations/nationality.yaml``):

- a demonym and a person or company noun right before the name: "Russian national X", "North
  Korean consular official X", "the North Korean firm X", "Chinese front company X"; a plural
  noun distributes over coordinated names ("Russian nationals A and B"), a singular does not;
- the noun apposed or predicated: "X, a Chinese businessman", "X is a Russian exporter",
  "South Korean lawmaker and former ambassador, X";
- "X is a citizen of Vietnam", "X, who holds Cypriot citizenship" (not a forged passport);
- the controller's country (the gold's policy): "a firm controlled by North Korea's military",
  "a Chinese-owned firm, X"; and "X, a Chinese-registered firm" as the jurisdiction;
- a counted group bound to the people named next: "sanctioned three North Koreans ..." then a
  sentence naming exactly three people;
- listed vs reported: "X is listed as a Latvian company", "his nationality is recorded as
  Vietnamese", a sentence attributed to a record ("according to the registry, ..."), and a
  list entry's field ("Nationality: Korea, North") give LISTED facts (``original_value``
  "listed as ...", plus a ``notes`` statement); everything else is the writer's (REPORTED).

People get ``nationality``, organisations ``mainCountry`` (FtM companies have no nationality),
jurisdictions ``jurisdiction``; ``sanctionwatch relations`` shows them as kind ``nationality``
(``registration``). A state body ("North Korea's Munitions Industry Department") gets none.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from spacy.tokens import Span, Token

from sanctionwatch.extract.relation_finders import (
    Fact,
    Link,
    SentenceFinder,
    country_code,
    country_of_place,
)
from sanctionwatch.extract.relation_nationality_offices import OfficeReader
from sanctionwatch.extract.relation_nationality_rules import (
    NationalityRules,
    default_nationality_rules,
)
from sanctionwatch.extract.relation_parse import (
    ORG_SCHEMATA,
    Party,
    agents,
    children,
    clause_subjects,
    conjuncts,
    copula_subject,
    is_passive,
    noun_holder_tokens,
    passive_subjects,
    prep_objects,
)
from sanctionwatch.extract.relation_roles import default_role_rules, speaks
from sanctionwatch.extract.relation_sweeps import default_sweep_rules
from sanctionwatch.extract.types import Mention

_COUNTRY_ENTS = frozenset({"NORP", "GPE"})
_ARTICLES = frozenset({"the", "a", "an"})
_LISTED_PREFIX = "listed as"
_QUANTIFIERS = frozenset({"many", "some", "several", "most", "few", "other", "all", "any"})
_REACH = 4
"""Steps up the parse tree a modifier may take to reach the name it describes."""


@dataclass(slots=True)
class _Found:
    """A fact and the token whose clause states it (to find an attribution governing it)."""

    fact: Fact
    anchor: Token


class NationalityFinder:
    """Reads the constructions of the module docstring over one document's sentences."""

    def __init__(self, finder: SentenceFinder, rules: NationalityRules | None = None) -> None:
        self.finder = finder
        self.index = finder.index
        self.rules = rules or default_nationality_rules()
        self._listed_verbs = finder.rules.listed_verbs
        self._sweeps = default_sweep_rules()
        self._speech_verbs = default_role_rules().speech_verbs
        self._sentence_tokens: tuple[int, list[Token]] = (-1, [])
        self._descriptor_nouns = self.rules.person_nouns | self.rules.organisation_nouns
        self._office_reader = OfficeReader(self.index, self.rules, self.demonym)

    # -- driver ----------------------------------------------------------------------------

    def find(self, sentences: Sequence[Span]) -> Iterator[Fact | Link]:
        """Every nationality the document states: the sentence rules' ("X, a Russian
        national", "listed as Vietnamese") first, then this module's constructions."""
        for position, sentence in enumerate(sentences):
            if not self._names_a_country(sentence):
                continue  # every construction needs a demonym or a country
            stated = list(self.finder.nationalities(sentence))
            yield from (item for item in stated if isinstance(item, Link))
            found = [
                *(_Found(item, self._anchor(item)) for item in stated if isinstance(item, Fact)),
                *self._prenominal(sentence),
                *self._described(sentence),
                *self._citizen_of(sentence),
                *self._holds(sentence),
                *self._controlled(sentence),
                *self._hyphenated(sentence),
                *self._listed_as(sentence),
                *self._appears_in_record(sentence),
                *self._fields(sentence),
                *self._groups(sentences, position),
                *self._offices(sentence),
            ]
            yield from self._new_facts(sentence, found)

    def _tokens(self, sentence: Span) -> list[Token]:
        """The sentence's tokens, built once per sentence (every construction reads them)."""
        if self._sentence_tokens[0] != sentence.start:
            self._sentence_tokens = (sentence.start, list(sentence))
        return self._sentence_tokens[1]

    def _names_a_country(self, sentence: Span) -> bool:
        return any(t.ent_type_ in _COUNTRY_ENTS for t in self._tokens(sentence)) or any(
            mention.schema == "Place" for mention in self.index.within(sentence)
        )

    def _anchor(self, fact: Fact) -> Token:
        """The token heading a fact's evidence span (for the attribution check)."""
        span = self.index.doc.char_span(fact.start, fact.end, alignment_mode="expand")
        return span.root if span is not None else fact.sentence.root

    def _new_facts(self, sentence: Span, found: list[_Found]) -> Iterator[Fact]:
        """Each fact once per sentence, none about a state body or from a clause the page
        does not state as fact, and marked LISTED when a record is the source of the clause
        stating it."""
        seen: set[tuple[str | None, str, str]] = set()
        attributions = self._attributions(sentence)
        for item in found:
            fact = item.fact
            key = (fact.party.entity_id, fact.prop, fact.value)
            if key in seen or fact.party.entity_id is None or self._state_body(fact.party):
                continue
            if not self.finder.asserted(item.anchor):
                continue  # "X is not a Russian national", "X may be the Mongolian envoy"
            seen.add(key)
            if not fact.original.startswith(_LISTED_PREFIX) and self._governed(
                item.anchor, attributions
            ):
                self._listed(fact)
            yield fact

    def _listed(self, fact: Fact) -> Fact:
        """The fact as a record's: "listed as ..." words, a note saying so, its confidence."""
        if not fact.original.startswith(_LISTED_PREFIX):
            fact.original = f"{_LISTED_PREFIX} {fact.original}"
        fact.note = f"{fact.prop} {fact.original}"
        fact.confidence = min(fact.confidence, self.rules.listed_confidence)
        return fact

    # -- demonyms --------------------------------------------------------------------------

    def country(self, text: str) -> str | None:
        """ISO code a demonym or country name states, unless ambiguous or no nationality."""
        cleaned = text.strip().removesuffix("’s").removesuffix("'s").strip()
        if not cleaned or cleaned.lower() in self.rules.ambiguous_demonyms:
            return None
        code = country_code(cleaned)
        if code is None and cleaned.endswith("s"):
            code = country_code(cleaned[:-1])  # "North Koreans"
        if code is None or len(code) != 2 or code in self.rules.not_countries:
            return None
        return code

    def demonym(self, token: Token) -> tuple[str, Span] | None:
        """(code, words) when ``token`` is (the last word of) a demonym or country name:
        "North Korean", "Vietnamese", "U.S."; a city is no nationality ("Moscow")."""
        if token.ent_type_ not in _COUNTRY_ENTS or not token.text[:1].isupper():
            return None
        mention = self.index.at(token)
        if mention is not None and mention.schema != "Place":
            return None  # part of an organisation's name ("Russian Foreign Ministry")
        doc = token.doc
        first = token.i
        while first > 0 and doc[first].ent_iob_ == "I":
            first -= 1  # the entity's first word, without scanning every entity of the doc
        span = _without_articles(doc[first : token.i + 1])
        code = self.country(span.text)
        if code is None:
            return None
        if token.ent_type_ == "GPE" and country_of_place(span.text) is None:
            return None
        return code, span

    # -- "Russian national X", "the North Korean firm X" -----------------------------------

    def _prenominal(self, sentence: Span) -> Iterator[_Found]:
        for mention in self.index.within(sentence):
            span = self._span(mention)
            if span is None:
                continue
            found = self._modifier(span, sentence)
            if found is None:
                continue
            noun, code, where = found
            party = Party.of(mention)
            if not self._noun_fits(noun, party) or self._topical(noun, where):
                continue
            parties = [party]
            if self._plural(noun):
                parties.extend(self._coordinated(span, party.schema))
            words = span.doc[where.start : noun.i + 1].text
            for each in parties:
                yield _Found(self._fact(each, code, where, noun, sentence, words), noun)

    def _modifier(self, span: Span, sentence: Span) -> tuple[Token, str, Span] | None:
        """(noun, code, demonym) of "DEMONYM [words] NOUN NAME" right before ``span``: only
        lower-case words between, every one inside the name's noun phrase."""
        doc = span.doc
        index = span.start - 1
        if index < sentence.start:
            return None
        noun = doc[index]
        if not noun.is_lower or noun.pos_ not in ("NOUN", "ADJ", "PROPN"):
            return None
        if not self._attached(noun, span):
            return None
        index -= 1
        while index >= sentence.start:
            word = doc[index]
            found = self.demonym(word)
            if found is not None:
                code, where = found
                if self._attached(where.root, span) or self._attached(where.root, _one(noun)):
                    return noun, code, where
                return None
            if not (word.is_lower and word.is_alpha) or word.lower_ in _ARTICLES:
                return None
            if {word.lower_, word.lemma_.lower()} & self.rules.organisation_nouns:
                return None  # "Chinese company executive X": the demonym is the company's
            if not self._attached(word, span) and not self._attached(word, _one(noun)):
                return None
            index -= 1
        return None

    @staticmethod
    def _attached(token: Token, span: Span) -> bool:
        """``token`` modifies the phrase ``span`` heads, or the phrase hangs on ``token``
        (the parser often makes the name an apposition of its descriptor)."""
        inside = range(span.start, span.end)
        current = token
        for _ in range(_REACH):
            if current.head.i in inside:
                return True
            if current.head is current:
                break
            current = current.head
        root = span.root
        return root.head.i == token.i and root.dep_ in ("appos", "compound", "nmod")

    def _noun_fits(self, noun: Token, party: Party) -> bool:
        words = {noun.lower_, noun.lemma_.lower()}
        if party.schema == "Person":
            return bool(words & self.rules.person_nouns)
        return party.schema in ORG_SCHEMATA and bool(words & self.rules.organisation_nouns)

    def _plural(self, noun: Token) -> bool:
        """A plural noun: by its tag, the irregular plurals of the rules file, or an -s form
        whose lemma differs (a demonym's lemma often keeps the -s: "Koreans")."""
        lowered = noun.lower_
        if noun.tag_ in ("NNS", "NNPS") or lowered in self.rules.irregular_plurals:
            return True
        return lowered.endswith("s") and (
            lowered != noun.lemma_.lower() or noun.ent_type_ in _COUNTRY_ENTS
        )

    def _coordinated(self, span: Span, schema: str | None) -> Iterator[Party]:
        """ "Russian nationals A and B": the names coordinated with the first."""
        for token in conjuncts(span.root)[1:]:
            mention = self.index.at(token)
            if mention is not None and mention.schema == schema:
                yield Party.of(mention)

    # -- "X, a Chinese businessman", "South Korean lawmaker ..., X" ------------------------

    def _described(self, sentence: Span) -> Iterator[_Found]:
        for noun in self._tokens(sentence):
            if noun.pos_ not in ("NOUN", "PROPN") or self.index.at(noun) is not None:
                continue
            if not {noun.lower_, noun.lemma_.lower()} & self._descriptor_nouns:
                continue
            if noun.dep_ == "pobj" and noun.head.lower_ == "as":
                continue  # "listed as a Chinese company": see _listed_as
            if self._sweeps_read(noun):
                continue
            countries = self._modifiers(noun)
            if not countries or self._generic(noun):
                continue
            holders = self._holders(noun)
            if self._plural(noun) and len(holders) < 2:
                continue  # "X, many Russian business owners ...": no apposition of X
            for party in holders:
                if not self._noun_fits(noun, party):
                    continue
                for code, where in countries:
                    yield _Found(self._fact(party, code, where, noun, sentence), noun)

    def _generic(self, noun: Token) -> bool:
        """ "many Russian owners", "some Chinese firms": a quantified noun names nobody."""
        return any(child.lower_ in _QUANTIFIERS for child in noun.children)

    def _sweeps_read(self, noun: Token) -> bool:
        """ "two Polish companies, A and B": the sweeps' enumerations read a noun followed by
        a separator and a name."""
        doc = noun.doc
        after = noun.i + 2
        if after < len(doc) and doc[after].lower_ == "the":
            after += 1
        return (
            after < len(doc)
            and doc[noun.i + 1].text in self._sweeps.separators
            and noun.lower_ in self._sweeps.nationality_nouns
            and self.index.at(doc[after]) is not None
        )

    def _modifiers(self, noun: Token) -> list[tuple[str, Span]]:
        """Demonyms among a noun's left modifiers, unless hedged ("nominally a Chinese firm")."""
        hedges = self.finder.rules.hedge_words  # the sentence rules' descriptor hedges
        if any(t.lower_ in hedges for t in (*noun.children, *noun.head.children) if t.i < noun.i):
            return []
        found: dict[str, Span] = {}
        for child in noun.lefts:
            if child.dep_ not in ("amod", "compound", "nmod"):
                continue
            for member in conjuncts(child):
                demonym = self.demonym(member)
                if demonym is not None and not self._topical(noun, demonym[1]):
                    found.setdefault(*demonym)
        return list(found.items())

    # -- "the Mongolian ambassador X", "X, Malaysia's deputy prime minister" ---------------

    def _offices(self, sentence: Span) -> Iterator[_Found]:
        """A state office's holder is the state's citizen (relation_nationality_offices)."""
        for held in self._office_reader.holders(sentence):
            fact = self._fact(
                held.person, held.code, held.country, held.title, sentence, held.words
            )
            fact.confidence = self.rules.office_confidence
            yield _Found(fact, held.title)

    def _topical(self, noun: Token, where: Span) -> bool:
        """ "a China scholar", "a Russia researcher": a country's name (not its demonym, not
        an abbreviation like "U.S.") before a noun of study says what the person studies."""
        if where.root.ent_type_ != "GPE" or not self.rules.topic_nouns & {
            noun.lower_,
            noun.lemma_.lower(),
        }:
            return False
        letters = [c for c in where.text if c.isalpha()]
        return not (all(c.isupper() for c in letters) and len(letters) <= 4)

    def _holders(self, noun: Token) -> list[Party]:
        """Who a descriptor noun is said of: its apposition (of it or of a coordinated
        title), the subject of its copula. Only a plural noun is said of coordinated names
        ("two Chinese nationals, A and B"); a singular one of the first ("Chinese company A,
        and B": the parser coordinates B with A)."""
        expand = conjuncts if self._plural(noun) else _alone
        tokens: list[Token] = []
        if noun.dep_ == "appos":
            tokens.extend(expand(noun.head))  # "A and B, both Chinese nationals"
        for title in conjuncts(noun):
            tokens.extend(t for child in children(title, "appos") for t in expand(child))
        subject = copula_subject(noun)
        if subject is not None:
            tokens.extend(expand(subject))
        if noun.dep_ == "conj" and noun.head.dep_ == "appos":
            tokens.append(noun.head.head)
        return self.finder.parties(tokens)

    # -- "X is a citizen of Vietnam", "X, who holds Cypriot citizenship" -------------------

    def _citizen_of(self, sentence: Span) -> Iterator[_Found]:
        for noun in self._tokens(sentence):
            if noun.pos_ != "NOUN" or noun.lemma_.lower() not in self.rules.of_nouns:
                continue
            places = [obj for _, obj in prep_objects(noun, {"of"})]
            codes = [(c, obj) for obj in places if (c := self._place_code(obj)) is not None]
            if not codes:
                continue
            people = self.finder.parties(noun_holder_tokens(noun), frozenset({"Person"}))
            for person in people:
                for code, obj in codes:
                    where = sentence.doc[noun.i : obj.i + 1]
                    yield _Found(self._fact(person, code, where, noun, sentence, where.text), noun)

    def _place_code(self, token: Token) -> str | None:
        mention = self.index.at(token)
        text = mention.text if mention is not None else token.text
        if mention is not None and mention.schema != "Place":
            return None
        code = country_of_place(text)
        return code if code is not None and code not in self.rules.not_countries else None

    def _holds(self, sentence: Span) -> Iterator[_Found]:
        for noun in self._tokens(sentence):
            if noun.lemma_.lower() not in self.rules.citizenship_nouns or noun.pos_ != "NOUN":
                continue
            if any(t.lower_ in self.rules.hedge_words for t in noun.lefts):
                continue
            countries = self._modifiers(noun)
            if not countries or self._given_up(noun):
                continue
            verb = noun.head
            holders: list[Token] = []
            if noun.dep_ in ("dobj", "obj") and verb.lemma_.lower() in self.rules.holding_verbs:
                holders = clause_subjects(verb)
                if not holders and verb.dep_ == "relcl":
                    holders = [verb.head]
            holders.extend(children(noun, "poss"))  # "his Russian passport"
            for person in self.finder.parties(holders, frozenset({"Person"})):
                for code, where in countries:
                    span = sentence.doc[where.start : noun.i + 1]
                    original = span.text
                    yield _Found(self._fact(person, code, where, noun, sentence, original), noun)

    def _given_up(self, noun: Token) -> bool:
        """ "X renounced his Russian citizenship", "was stripped of", "gave up": a
        nationality lost, sought or refused is none the person holds."""
        verb = noun.head.head if noun.dep_ == "pobj" else noun.head
        if verb.pos_ not in ("VERB", "AUX"):
            return False
        lemma = verb.lemma_.lower()
        particles = [f"{lemma} {c.lower_}" for c in children(verb, "prt")]
        return lemma in self.rules.loss_verbs or any(p in self.rules.loss_verbs for p in particles)

    # -- "a firm controlled by North Korea's military", "a Chinese-owned firm" ------------

    def _controlled(self, sentence: Span) -> Iterator[_Found]:
        for verb in self._tokens(sentence):
            if verb.pos_ != "VERB" or verb.lemma_.lower() not in self.rules.control_verbs:
                continue
            if not is_passive(verb):
                continue
            for agent in agents(verb):
                if agent.ent_type_ in _COUNTRY_ENTS:
                    continue  # "controlled by North Koreans": the sweeps read it
                countries = self._controller_countries(agent)
                if not countries:
                    continue
                for party in self._controlled_parties(verb):
                    for code, where in countries:
                        original = f"{verb.text} by {_phrase_span(agent).text}"
                        fact = self._fact(party, code, where, verb, sentence, original)
                        fact.confidence = self.rules.control_confidence
                        yield _Found(fact, verb)

    def _controller_countries(self, agent: Token) -> list[tuple[str, Span]]:
        """ "North Korea's military", "the Chinese state", "a Russian businessman"."""
        found = []
        for child in agent.lefts:
            if child.dep_ == "poss":
                place = self._poss_country(child)
                if place is not None:
                    found.append(place)
        return found or self._modifiers(agent)

    def _poss_country(self, token: Token) -> tuple[str, Span] | None:
        if token.ent_type_ not in _COUNTRY_ENTS:
            return None
        span = _phrase_span(token)
        code = country_of_place(span.text)
        if code is None or code in self.rules.not_countries:
            return None
        return code, span

    def _controlled_parties(self, verb: Token) -> list[Party]:
        subject_verb = verb
        while not passive_subjects(subject_verb) and subject_verb.dep_ == "conj":
            subject_verb = subject_verb.head
        subjects = passive_subjects(subject_verb)
        if subjects:
            return self.finder.parties(subjects, ORG_SCHEMATA)
        if verb.dep_ in ("acl", "amod"):
            return self._described_parties(verb.head)
        return []

    def _described_parties(self, noun: Token) -> list[Party]:
        """The party a descriptor noun names: itself, what it is apposed to, or the subject of
        the copula it is the attribute of."""
        tokens = [noun]
        if noun.dep_ == "appos":
            tokens.append(noun.head)
        subject = copula_subject(noun)
        if subject is not None:
            tokens.append(subject)
        tokens.extend(c for child in children(noun, "appos") for c in conjuncts(child))
        return self.finder.parties(tokens, ORG_SCHEMATA)

    def _hyphenated(self, sentence: Span) -> Iterator[_Found]:
        """ "X, a Chinese-owned firm" (country), "a Chinese-registered firm" (jurisdiction)."""
        doc = sentence.doc
        for word in self._tokens(sentence):
            lowered = word.lower_
            control = lowered in self.rules.control_hyphens
            registration = lowered in self.rules.registration_hyphens
            if not (control or registration) or word.i < sentence.start + 2:
                continue
            if doc[word.i - 1].text != "-":
                continue
            found = self.demonym(doc[word.i - 2])
            if found is None or word.dep_ not in ("amod", "acl", "compound"):
                continue
            code, where = found
            for party in self._described_parties(word.head):
                original = f"{where.text}-{word.text}"
                fact = self._fact(party, code, where, word, sentence, original)
                if registration:
                    fact.kind, fact.prop = "registration", "jurisdiction"
                    fact.confidence = self.rules.registration_confidence
                else:
                    fact.confidence = self.rules.control_confidence
                yield _Found(fact, word)

    # -- listed: "X is listed as a Latvian company", "his nationality is listed as ..." ----

    def _listed_as(self, sentence: Span) -> Iterator[_Found]:
        for verb in self._tokens(sentence):
            if verb.pos_ not in ("VERB", "AUX") or verb.lemma_.lower() not in self._listed_verbs:
                continue
            targets = [obj for _, obj in prep_objects(verb, {"as"})]
            if not targets:
                continue
            subjects = clause_subjects(verb)
            for subject in subjects:
                if subject.lemma_.lower() in self.rules.citizenship_nouns:
                    yield from self._listed_nationality_of(subject, targets, verb, sentence)
            for party in self.finder.parties(subjects, ORG_SCHEMATA):
                for target in targets:
                    if not self._noun_fits(target, party):
                        continue
                    for code, where in self._modifiers(target):
                        original = f"{_LISTED_PREFIX} {where.text} {target.text}"
                        fact = self._fact(party, code, where, verb, sentence, original)
                        self._listed(fact)
                        yield _Found(fact, verb)

    def _appears_in_record(self, sentence: Span) -> Iterator[_Found]:
        """ "X appears in the company register as a Chinese citizen", "X figures in the
        records with Vietnamese citizenship", "Y appears in the registry as a Latvian firm"."""
        for verb in self._tokens(sentence):
            if verb.pos_ != "VERB" or verb.lemma_.lower() not in self.rules.appear_verbs:
                continue
            records = [o for _, o in prep_objects(verb, {"in", "on"}) if self._record(o)]
            if not records:
                continue
            described = [obj for _, obj in prep_objects(verb, {"as"})]
            held = [
                obj
                for head in (verb, *records)  # the parser may hang "with" on the record
                for _, obj in prep_objects(head, {"with"})
                if obj.lemma_.lower() in self.rules.citizenship_nouns
            ]
            for party in self.finder.parties(clause_subjects(verb)):
                for target in described + held:
                    if target in described and not (
                        self._noun_fits(target, party) or self.demonym(target)
                    ):
                        continue
                    found = self._modifiers(target) or [d for d in [self.demonym(target)] if d]
                    for code, where in found:
                        original = f"{_LISTED_PREFIX} {_phrase_span(target).text}"
                        fact = self._fact(party, code, where, verb, sentence, original)
                        self._listed(fact)
                        yield _Found(fact, verb)

    def _listed_nationality_of(
        self, subject: Token, targets: list[Token], verb: Token, sentence: Span
    ) -> Iterator[_Found]:
        """ "His nationality is listed as Vietnamese", "X's citizenship is recorded as ..."."""
        people = self.finder.parties(children(subject, "poss"), frozenset({"Person"}))
        for target in targets:
            found = self.demonym(target) or self._country_words(target)
            if found is None:
                continue
            code, where = found
            for person in people:
                original = f"{_LISTED_PREFIX} {where.text}"
                fact = self._fact(person, code, where, verb, sentence, original)
                self._listed(fact)
                yield _Found(fact, verb)

    def _country_words(self, token: Token) -> tuple[str, Span] | None:
        span = token.doc[token.left_edge.i : token.i + 1]
        code = self.country(span.text) if span.text[:1].isupper() else None
        return (code, span) if code is not None else None

    def _attributions(self, sentence: Span) -> list[Token]:
        """Heads of the clauses a record is the source of: "according to the registry, ...",
        "company records show that ...", "the UN list gives ..."."""
        heads = []
        for token in self._tokens(sentence):
            if token.lower_ == "according" and token.dep_ == "prep":
                sources = [o for to in children(token, "prep") for o in children(to, "pobj")]
                if any(self._record(source) for source in sources):
                    heads.append(token.head)
            elif (
                token.pos_ == "VERB"
                and token.lemma_.lower() in self.rules.attribution_verbs
                and any(self._record(s) for s in children(token, "nsubj"))
            ):
                heads.append(token)
        return heads

    def _record(self, token: Token) -> bool:
        words = {token.lemma_.lower(), token.lower_}
        words.update(c.lower_ for c in token.children if c.dep_ == "compound")
        return bool(words & self.rules.record_nouns) and self.index.at(token) is None

    @staticmethod
    def _governed(anchor: Token, heads: list[Token]) -> bool:
        return any(head == anchor or head.is_ancestor(anchor) for head in heads)

    def _fields(self, sentence: Span) -> Iterator[_Found]:
        """A list entry quoted by the page: "KIM Chol (... nationality: Korea, North)"."""
        doc = sentence.doc
        for label in self._tokens(sentence):
            if label.lower_ not in self.rules.field_labels or label.i + 1 >= sentence.end:
                continue
            before = doc[label.i - 1].text if label.i > sentence.start else ""
            if before not in (";", "(", ",", "") and not label.text[:1].isupper():
                continue
            start = label.i + 1 + (doc[label.i + 1].text == ":")
            found = self._field_value(start, sentence)
            person = self._entry_person(label, sentence)
            if found is None or person is None:
                continue
            code, where = found
            original = f"{_LISTED_PREFIX} {label.text} {where.text}"
            fact = self._fact(person, code, where, label, sentence, original)
            self._listed(fact)
            yield _Found(fact, label)

    def _field_value(self, start: int, sentence: Span) -> tuple[str, Span] | None:
        """The country a field gives: the words up to ";", ")" or the end, "Korea, North"
        included."""
        doc = sentence.doc
        end = start
        while end < sentence.end and doc[end].text not in (";", ")", "(") and end - start < 6:
            end += 1
        for stop in range(end, start, -1):
            span = doc[start:stop]
            code = self.country(span.text) if span.text[:1].isupper() else None
            if code is not None:
                return code, span
        return None

    def _entry_person(self, label: Token, sentence: Span) -> Party | None:
        """The person the entry is about: the last one named before the label."""
        people = [
            mention
            for mention in self.index.within(sentence)
            if mention.schema == "Person" and mention.end <= label.idx
        ]
        return Party.of(people[-1]) if people else None

    # -- "three North Koreans" + the people named next -------------------------------------

    def _groups(self, sentences: Sequence[Span], position: int) -> Iterator[_Found]:
        sentence = sentences[position]
        for token in self._tokens(sentence):
            group = self._group(token)
            if group is None:
                continue
            count, code, where = group
            people, last = self._members(token, count, sentences, position)
            evidence = sentence.doc[sentence.start : last.end]
            for person in people:
                fact = self._fact(person, code, where, token, evidence, where.text)
                fact.confidence = self.rules.group_confidence
                yield _Found(fact, token)

    def _group(self, token: Token) -> tuple[int, str, Span] | None:
        """(count, code, words) of "three North Koreans", "two Chinese nationals"."""
        lemma = token.lemma_.lower()
        if token.ent_type_ not in _COUNTRY_ENTS and lemma not in self.rules.group_nouns:
            return None
        if token.pos_ not in ("NOUN", "PROPN") or not self._plural(token):
            return None
        counts = [
            self.rules.group_counts.get(child.lower_) or _digits(child.text)
            for child in token.children
            if child.dep_ in ("nummod", "det", "predet", "quantmod")
        ]
        count = next((n for n in counts if n), None)
        if count is None:
            return None
        doc = token.doc
        if lemma in self.rules.group_nouns or token.lower_ in self.rules.group_nouns:
            found = self._modifiers(token)
            if len(found) != 1:
                return None
            code, where = found[0]
            return count, code, doc[where.start : token.i + 1]
        demonym = self.demonym(token)
        return None if demonym is None else (count, *demonym)

    def _members(
        self, group: Token, count: int, sentences: Sequence[Span], position: int
    ) -> tuple[list[Party], Span]:
        """The people a counted group is, and the last sentence read: exactly ``count``
        people named after it in its sentence, else in the first of the next sentences that
        names anyone."""
        sentence = sentences[position]
        after = [m for m in self.index.within(sentence) if m.start > group.idx]
        people = self._people(after)
        if people:
            return (people if len(people) == count else []), sentence
        last = min(len(sentences), position + 1 + self.rules.group_window)
        for later in sentences[position + 1 : last]:
            people = self._people(self.index.within(later))
            if people:
                return (people if len(people) == count else []), later
        return [], sentence

    def _people(self, mentions: Iterable[Mention]) -> list[Party]:
        """The people named, or none when one of them speaks: "two North Koreans were
        held; prosecutor X and judge Y said ..." names who comments, not who was held."""
        found: dict[str, Party] = {}
        for mention in mentions:
            if mention.schema != "Person":
                continue
            span = self._span(mention)
            if span is not None and speaks(span.root, self._speech_verbs):
                return []
            found.setdefault(mention.entity_id, Party.of(mention))
        return list(found.values())

    # -- helpers ---------------------------------------------------------------------------

    def _span(self, mention: Mention) -> Span | None:
        return self.index.doc.char_span(mention.start, mention.end, alignment_mode="expand")

    def _state_body(self, party: Party) -> bool:
        return self.rules.is_state_body(party.name, party.schema)

    def _fact(
        self,
        party: Party,
        code: str,
        where: Span,
        trigger: Token,
        sentence: Span,
        original: str | None = None,
    ) -> Fact:
        """A REPORTED nationality (people) or country (organisations) fact."""
        prop = "nationality" if party.schema == "Person" else "mainCountry"
        if original is None:
            original = f"{where.text} {trigger.text}"
        start = min(party.start, where.start_char, trigger.idx)
        end = max(party.end, where.end_char, trigger.idx + len(trigger))
        return Fact(
            "nationality",
            party,
            prop,
            code,
            original,
            self.rules.reported_confidence,
            start,
            end,
            sentence,
        )


def _alone(token: Token) -> list[Token]:
    return [token]


def _without_articles(span: Span) -> Span:
    """ "the North Korean" -> "North Korean" (one word always stays)."""
    while len(span) > 1 and span[0].lower_ in _ARTICLES:
        span = span[1:]
    return span


def _phrase_span(token: Token) -> Span:
    """The words ``token`` heads up to itself, without leading articles."""
    return _without_articles(token.doc[token.left_edge.i : token.i + 1])


def _one(token: Token) -> Span:
    return token.doc[token.i : token.i + 1]


def _digits(text: str) -> int | None:
    cleaned = text.replace(",", "")
    return int(cleaned) if cleaned.isdigit() and 0 < int(cleaned) < 1000 else None
