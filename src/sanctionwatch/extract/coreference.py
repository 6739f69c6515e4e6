"""Pronouns and definite descriptions as mentions of the named entity they refer to.

The relation finders read one sentence at a time and link named mentions, so "OFAC designated
Acme Ltd in 2016. The firm had employed North Korean welders." loses the employment: its
subject is "the firm". :func:`resolve_coreferences` adds, for each pronoun ("he", "its") and
definite description ("the firm", "the Dandong-based seafood company") that can refer to exactly
ONE named entity, a :class:`Mention` of that entity at the anaphor's span (``source`` is
:data:`ANAPHOR_SOURCE`). The finders then see the entity there; the relation's evidence is the
sentence with the anaphor and its span is the anaphor's; :meth:`Coreferences.discount` lowers the
confidence of every relation that holds through one.

The rules (``data/extract/relations/coreference.yaml``) are conservative on purpose. The
antecedent is a named mention before the anaphor, in its paragraph, at most
``limits.sentences_back`` sentences earlier, of a schema the anaphor's word allows (he/she ->
Person; it/the company -> Company, ...). Nothing is resolved when two entities qualify, when a
compatible name follows in the same sentence (cataphora: "Before it was listed, Acme ..."; a
name the anaphor's own clause has after its subject is none: "It paid Beta Ltd"), when
the anaphor is inside quoted speech, or for an expletive "it" ("it is likely that ...").
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from spacy.tokens import Doc, Span, Token

from sanctionwatch.extract.relation_finders import Fact, Found, Link
from sanctionwatch.extract.relation_parse import (
    ANAPHOR_SOURCE,
    SUBJECT_DEPS,
    Party,
    own_clause_subjects,
)
from sanctionwatch.extract.relation_rules import RelationRulesError, default_rules, normalise_phrase
from sanctionwatch.extract.rulefile import (
    read_rule_file,
    rule_confidence,
    rule_count,
    rule_mapping,
    rule_section,
    rule_words,
)
from sanctionwatch.extract.types import Mention
from sanctionwatch.settings import DATA_DIR

COREFERENCE_PATH = DATA_DIR / "extract" / "relations" / "coreference.yaml"
_CLAUSE_UNDER_VERB = frozenset({"ccomp", "xcomp", "csubj", "advcl"})
_BLOCKING_CHILDREN = frozenset({"poss", "nummod", "appos", "relcl", "quantmod"})
_NOT_REFERRING_DEPS = frozenset({"appos", "attr", "compound", "npadvmod", "conj", "nmod"})
_QUOTE_PAIRS = {"“": "”", "«": "»"}


@dataclass(frozen=True, slots=True)
class AnaphorGroup:
    """Words (pronouns, or head nouns of descriptions) and what their antecedent may be."""

    words: frozenset[str]
    refers_to: frozenset[str]
    rivals: frozenset[str] = frozenset()
    distractors: frozenset[str] = frozenset()
    not_named: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class CoreferenceRules:
    """What :func:`resolve_coreferences` reads from ``coreference.yaml`` (lower-cased)."""

    version: str
    pronouns: tuple[AnaphorGroup, ...]
    descriptions: tuple[AnaphorGroup, ...]
    determiners: frozenset[str]
    other_modifiers: frozenset[str]
    expletive_verbs: frozenset[str]
    sentences_back: int
    description_words: int
    confidence_factor: float

    def pronoun_group(self, word: str) -> AnaphorGroup | None:
        return next((group for group in self.pronouns if word in group.words), None)

    def description_group(self, lemma: str) -> AnaphorGroup | None:
        return next((group for group in self.descriptions if lemma in group.words), None)


def _groups(path: Path, data: dict[str, Any], key: str, words_key: str) -> tuple[AnaphorGroup, ...]:
    items = data.get(key)
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise RelationRulesError(f"{path}: '{key}' must be a list of mappings")
    groups = []
    for number, item in enumerate(items, start=1):
        within = f"{key}[{number}]"
        refers_to = _schemata(path, item, "refers_to", within)
        if not refers_to:
            raise RelationRulesError(f"{path}: '{within}.refers_to' must name a schema")
        rivals = _schemata(path, item, "rivals", within) if "rivals" in item else frozenset()
        words = rule_words(path, item, words_key, within)
        # A description's own head nouns are what else it may mean ("a contractor ... the firm").
        distractors = (
            rule_words(path, item, "distractors", within) if "distractors" in item else words
        )
        not_named = rule_words(path, item, "not_named", within) if "not_named" in item else None
        groups.append(AnaphorGroup(words, refers_to, rivals, distractors, not_named or frozenset()))
    return tuple(groups)


def _schemata(path: Path, item: dict[str, Any], key: str, within: str) -> frozenset[str]:
    """Schema names as written (FollowTheMoney's spelling, or ``Place``)."""
    value = item.get(key)
    if not isinstance(value, list) or not all(isinstance(name, str) for name in value):
        raise RelationRulesError(f"{path}: '{within}.{key}' must be a list of schema names")
    return frozenset(value)


def parse_coreference_rules(path: Path, data: Any) -> CoreferenceRules:
    """Validate the mapping read from ``path``; errors name the file and the key."""
    data = rule_mapping(path, data)
    limits = rule_section(path, data, "limits")
    return CoreferenceRules(
        version=str(data["version"]),
        pronouns=_groups(path, data, "pronouns", "words"),
        descriptions=_groups(path, data, "descriptions", "heads"),
        determiners=rule_words(path, data, "determiners"),
        other_modifiers=rule_words(path, data, "other_modifiers"),
        expletive_verbs=rule_words(path, data, "expletive_verbs"),
        sentences_back=rule_count(path, limits, "sentences_back", "limits", minimum=0),
        description_words=rule_count(path, limits, "description_words", "limits", minimum=0),
        confidence_factor=rule_confidence(path, data, "confidence_factor"),
    )


def load_coreference_rules(path: Path) -> CoreferenceRules:
    return parse_coreference_rules(path, read_rule_file(path, "coreference rules"))


@lru_cache(maxsize=1)
def default_coreference_rules() -> CoreferenceRules:
    """The packaged rules (read once per process)."""
    return load_coreference_rules(COREFERENCE_PATH)


@dataclass(frozen=True, slots=True)
class _Anaphor:
    """A pronoun or definite description: its span, head token and what it may refer to."""

    start: int
    end: int
    head: Token
    group: AnaphorGroup


@dataclass(slots=True)
class Coreferences:
    """The mentions the relation finders read: the named ones plus each resolved anaphor."""

    mentions: list[Mention]
    confidence_factor: float

    @property
    def anaphors(self) -> list[Mention]:
        return [mention for mention in self.mentions if mention.source == ANAPHOR_SOURCE]

    @property
    def resolved(self) -> dict[tuple[int, int], str]:
        """Each resolved anaphor's span -> its antecedent's entity id (from ``mentions``)."""
        return {(mention.start, mention.end): mention.entity_id for mention in self.anaphors}

    def discount(self, found: Iterable[Found]) -> Iterator[Found]:
        """Each found relation, its confidence lowered when a party is a resolved anaphor."""
        resolved = self.resolved
        for item in found:
            if any(_through_anaphor(resolved, party) for party in _parties(item)):
                item.confidence = round(item.confidence * self.confidence_factor, 3)
            yield item


def _through_anaphor(resolved: dict[tuple[int, int], str], party: Party) -> bool:
    entity = resolved.get((party.start, party.end))
    return entity is not None and entity == party.entity_id


def _parties(item: Found) -> list[Party]:
    if isinstance(item, Link):
        return list(item.parties.values())
    if isinstance(item, Fact):
        return [item.party]
    return [item.anchor, *item.sharers]


def resolve_coreferences(
    doc: Doc, mentions: Sequence[Mention], rules: CoreferenceRules | None = None
) -> Coreferences:
    """``mentions`` plus a mention of its antecedent at every anaphor that has exactly one."""
    rules = rules or default_coreference_rules()
    named = [mention for mention in mentions if mention.source != ANAPHOR_SOURCE]
    resolver = _Resolver(doc, named, rules)
    added = [mention for anaphor in resolver.anaphors() if (mention := resolver.resolve(anaphor))]
    ordered = sorted([*named, *added], key=lambda mention: (mention.start, -mention.end))
    return Coreferences(ordered, rules.confidence_factor)


class _Resolver:
    """Finds the anaphors of one document and their single compatible antecedent."""

    def __init__(self, doc: Doc, named: list[Mention], rules: CoreferenceRules) -> None:
        self.doc = doc
        self.rules = rules
        self.named = sorted(named, key=lambda mention: mention.start)
        self.named_starts = [mention.start for mention in self.named]
        self.added: list[Mention] = []  # resolved anaphors, in text order
        self.added_starts: list[int] = []
        self.relation_rules = default_rules()
        self.covered: dict[int, Mention] = {}
        for mention in named:
            span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
            for token in span if span is not None else ():
                self.covered.setdefault(token.i, mention)
        self.sentences = list(doc.sents)  # Token.sent walks the document: look up by offset
        self.sentence_starts = [sentence.start_char for sentence in self.sentences]
        self.text = doc.text  # joined once: Doc.text joins every token on each call
        self.breaks = [match.start() for match in re.finditer(r"\n", self.text)]
        self.quoted = _quoted_spans(self.text)
        self.quoted_starts = [start for start, _ in self.quoted]

    # -- finding anaphors ------------------------------------------------------------------

    def anaphors(self) -> Iterator[_Anaphor]:
        for token in self.doc:
            if token.i in self.covered:
                continue
            anaphor = self._pronoun(token) or self._description(token)
            if anaphor is not None and not self._in_quotes(anaphor.start):
                yield anaphor

    def _pronoun(self, token: Token) -> _Anaphor | None:
        group = self.rules.pronoun_group(token.lower_)
        if group is None or token.pos_ != "PRON" or self._expletive(token):
            return None
        return _Anaphor(token.idx, token.idx + len(token), token, group)

    def _expletive(self, token: Token) -> bool:
        """ "It is likely that ...", "it seems ...", "it is not known whether ...": an "it"
        standing for a clause."""
        if token.dep_ == "expl":
            return True
        if token.lower_ != "it" or token.dep_ not in SUBJECT_DEPS:
            return False
        verb = token.head
        clauses = [child for child in verb.children if child.dep_ in _CLAUSE_UNDER_VERB]
        for child in verb.children:  # "it is likely that": the clause hangs off "likely"
            if child.dep_ in ("acomp", "attr"):
                clauses.extend(c for c in child.children if c.dep_ in _CLAUSE_UNDER_VERB)
        expletive_verb = verb.lemma_.lower() in self.rules.expletive_verbs
        return bool(clauses) and (expletive_verb or token.dep_ == "nsubjpass")

    def _description(self, token: Token) -> _Anaphor | None:
        """ "the firm", "this company", "the Dandong-based seafood company" (singular, with
        nothing that makes it a new referent: a name, a number, a possessive, an "of" phrase,
        an appositive or a restrictive clause)."""
        if token.pos_ != "NOUN" or token.tag_ != "NN" or token.dep_ in _NOT_REFERRING_DEPS:
            return None
        group = self.rules.description_group(token.lemma_.lower())
        if group is None or not self._plain_description(token):
            return None
        determiner = next(child for child in token.children if child.dep_ == "det")
        between = self.doc[determiner.i + 1 : token.i]
        if len(between) > self.rules.description_words:
            return None
        if any(word.i in self.covered or self._selective(word) for word in between):
            return None
        following = self.doc[token.i + 1] if token.i + 1 < len(self.doc) else None
        if following is not None and following.i in self.covered:
            return None  # "the company Acme Ltd" names a new entity
        return _Anaphor(determiner.idx, token.idx + len(token), token, group)

    def _selective(self, word: Token) -> bool:
        """A modifier that picks out one entity among several: a name or demonym ("the Chinese
        company", "the Rungrado firm") or "same", "other", "parent" ...; a place in "X-based"
        says where, not which."""
        if (
            word.lower_ in self.rules.other_modifiers
            or word.lemma_.lower() in self.rules.other_modifiers
        ):
            return True
        hyphenated = word.i + 1 < len(self.doc) and self.doc[word.i + 1].text == "-"
        return (word.pos_ == "PROPN" or word.text[:1].isupper()) and not hyphenated

    def _plain_description(self, token: Token) -> bool:
        determiners = [child for child in token.children if child.dep_ == "det"]
        if len(determiners) != 1 or determiners[0].i > token.i:
            return False
        if determiners[0].lower_ not in self.rules.determiners:
            return False
        for child in token.children:
            if child.dep_ in _BLOCKING_CHILDREN:
                return False
            if child.dep_ == "prep" and child.lower_ == "of":
                return False
            if child.dep_ == "acl" and self.doc[child.left_edge.i - 1].text != ",":
                return False  # "the company hired by X" picks one out; ", located in" does not
        return not (token.dep_ == "pobj" and token.head.lower_ == "as")

    def _in_quotes(self, offset: int) -> bool:
        last = bisect_right(self.quoted_starts, offset - 1) - 1
        return last >= 0 and offset < self.quoted[last][1]

    # -- resolving them --------------------------------------------------------------------

    def resolve(self, anaphor: _Anaphor) -> Mention | None:
        antecedent = self._antecedent(anaphor)
        if antecedent is None:
            return None
        sentence = self._sentence(anaphor)
        resolved = replace(
            antecedent,
            start=anaphor.start,
            end=anaphor.end,
            text=self.text[anaphor.start : anaphor.end],
            sentence_start=sentence.start_char,
            sentence_end=sentence.end_char,
            source=ANAPHOR_SOURCE,
            confidence=round(antecedent.confidence * self.rules.confidence_factor, 3),
        )
        self.added.append(resolved)
        self.added_starts.append(resolved.start)
        return resolved

    def _antecedent(self, anaphor: _Anaphor) -> Mention | None:
        """The one named entity the anaphor can mean, or None when there are none or several."""
        group, sentence = anaphor.group, self._sentence(anaphor)
        scope = self._scope_start(anaphor)
        excluded = self._own_subjects(anaphor.head)
        earlier = [m for m in self._starting(scope, anaphor.start) if m.end <= anaphor.start]
        compatible = [
            m for m in earlier if self._compatible(m, group) and m.entity_id not in excluded
        ]
        entities = {mention.entity_id for mention in compatible}
        if len(entities) != 1:
            return None
        if any(m.schema in group.rivals and self._rival(m, anaphor) for m in earlier):
            return None
        if self._distracted(anaphor, scope):
            return None
        later = self.named[
            bisect_left(self.named_starts, anaphor.end) : bisect_left(
                self.named_starts, sentence.end_char
            )
        ]
        if any(
            m.schema in group.refers_to
            and m.entity_id not in entities
            and not self._commanded(anaphor, m)
            for m in later
        ):
            return None  # cataphora: "Before it was listed, Acme Ltd ..."
        return compatible[-1]

    def _commanded(self, anaphor: _Anaphor, mention: Mention) -> bool:
        """A name in the clause of which the anaphor is the subject ("It paid Beta Ltd", "the
        firm said Beta Ltd had paid"): the subject cannot mean it, so it is no cataphora. A
        possessive ("Its owner sold Beta Ltd") or a subordinate clause's subject ("Before it
        was listed, Beta Ltd ...") may, and stays ambiguous."""
        if anaphor.head.dep_ not in SUBJECT_DEPS:
            return False
        span = self.doc.char_span(mention.start, mention.end, alignment_mode="expand")
        return span is not None and anaphor.head.head.is_ancestor(span.root)

    def _compatible(self, mention: Mention, group: AnaphorGroup) -> bool:
        """Of a schema the group allows; for a group with ``not_named`` words ("the company"),
        an organisation only when it is no state body or sanctioning authority."""
        if mention.schema not in group.refers_to:
            return False
        if not group.not_named or mention.schema in ("Company", "LegalEntity"):
            return True
        words = set(normalise_phrase(mention.canonical).split())
        if words & group.not_named:
            return False
        return all(
            self.relation_rules.authority(name) is None
            for name in (mention.text, mention.canonical)
        )

    def _distracted(self, anaphor: _Anaphor, scope: int) -> bool:
        """Whether something unnamed in scope may be what the anaphor means: a noun of the
        group's ``distractors`` ("a contractor", an unresolved "the firm") or an unrecognised
        name as a clause subject."""
        window = self.doc.char_span(scope, anaphor.start, alignment_mode="expand")
        for token in window if window is not None else ():
            if token.idx >= anaphor.start or token.i in self.covered or self._resolved_at(token):
                continue
            if token.pos_ == "PROPN" and token.dep_ in SUBJECT_DEPS:
                return True
            if (
                token.pos_ == "NOUN"
                and token.tag_ == "NN"
                and token.lemma_.lower() in anaphor.group.distractors
                and not self._said_of_a_name(token)
            ):
                return True
        return False

    def _said_of_a_name(self, noun: Token) -> bool:
        """ "X is a company", "X, a company in Yanji", "the company X", "listed as a firm"."""
        if noun.dep_ in ("attr", "appos", "compound", "acomp"):
            return True
        if noun.dep_ == "pobj" and noun.head.lower_ == "as":
            return True
        if any(child.dep_ == "appos" for child in noun.children):
            return True
        following = noun.i + 1
        return following < len(self.doc) and following in self.covered

    def _starting(self, start: int, end: int) -> list[Mention]:
        """Named mentions and resolved anaphors starting in [start, end), in text order."""
        named = self.named[
            bisect_left(self.named_starts, start) : bisect_left(self.named_starts, end)
        ]
        added = self.added[
            bisect_left(self.added_starts, start) : bisect_left(self.added_starts, end)
        ]
        return sorted([*named, *added], key=lambda mention: mention.start)

    def _resolved_at(self, token: Token) -> bool:
        last = bisect_right(self.added_starts, token.idx) - 1
        return last >= 0 and token.idx < self.added[last].end

    def _sentence(self, anaphor: _Anaphor) -> Span:
        return self.sentences[bisect_right(self.sentence_starts, anaphor.head.idx) - 1]

    def _scope_start(self, anaphor: _Anaphor) -> int:
        """Where antecedents may start: the paragraph, at most ``sentences_back`` back."""
        paragraph = bisect_right(self.breaks, anaphor.start - 1)
        paragraph_start = self.breaks[paragraph - 1] + 1 if paragraph else 0
        index = bisect_right(self.sentence_starts, anaphor.start) - 1
        first = max(0, index - self.rules.sentences_back)
        return max(paragraph_start, self.sentence_starts[first] if self.sentence_starts else 0)

    def _own_subjects(self, token: Token) -> set[str]:
        """ "OFAC designated it": an object pronoun is not its own clause's subject."""
        return {m.entity_id for t in own_clause_subjects(token) if (m := self.covered.get(t.i))}

    def _rival(self, mention: Mention, anaphor: _Anaphor) -> bool:
        """A rival (a place for "it") counts anywhere earlier in the anaphor's sentence
        ("pressure on North Korea to give up its weapons"), and as a subject before it."""
        if mention.start >= self._sentence(anaphor).start_char:
            return True
        span = self.doc.char_span(mention.start, mention.end, alignment_mode="expand")
        return span is not None and span.root.dep_ in SUBJECT_DEPS


def _quoted_spans(text: str) -> list[tuple[int, int]]:
    """Spans between quotation marks (curly pairs, or straight double quotes), per paragraph."""
    spans: list[tuple[int, int]] = []
    opened: tuple[str, int] | None = None
    for index, char in enumerate(text):
        if char == "\n":
            if opened is not None:  # a quotation running on into the next paragraph
                spans.append((opened[1], index))
            opened = None
        elif opened is None and (char in _QUOTE_PAIRS or char == '"'):
            opened = (_QUOTE_PAIRS.get(char, '"'), index)
        elif opened is not None and char == opened[0]:
            spans.append((opened[1], index))
            opened = None
    if opened is not None:
        spans.append((opened[1], len(text)))
    return spans
