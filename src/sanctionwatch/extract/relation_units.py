"""Units of a body: `subsidiary` parent -> unit (docs/annotation.md, ownership, subsidiary).

The analyst needs the hierarchy to carry designations and control up and down ("a front for
Bureau 27" is a front for its ministry too). Four constructions, words in ``roles.yaml``
``parts.units`` (counts across the six development sets of real pages, session 7: the
possessive 7 times in 6 pages, "UNIT of PARENT" twice, "one of X's subsidiaries, Y" once,
"under the control of" once):

- a body's possessive on another body: "the Justice Department's National Security Division",
  "Treasury's OFAC", "the DHS's CBP and ICE" (each coordinated body);
- a unit named with a state body's head word, then "of" and its parent: "General Bureau 12 of
  the Ministry of Light Industry", "the Main Directorate (MD) of the Defence Ministry";
- a part noun said of the unit: "one of Acme's subsidiaries, Beta", "Beta, a unit of Acme";
- control: "Beta, an arms dealer under the control of Bureau 27", "a trader controlled by X".
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from spacy.tokens import Doc, Span, Token

from sanctionwatch.extract.relation_finders import Link, SentenceFinder
from sanctionwatch.extract.relation_nationality_rules import default_nationality_rules
from sanctionwatch.extract.relation_parse import (
    POSSESSIVE_MARKS,
    Party,
    children,
    conjuncts,
    prep_objects,
)
from sanctionwatch.extract.relation_rules import LinkShape, normalise_phrase
from sanctionwatch.extract.rulefile import RuleSection, rule_mapping
from sanctionwatch.extract.types import Mention

_ORGS = frozenset({"Organization", "PublicBody", "Company", "LegalEntity"})


@dataclass(frozen=True, slots=True)
class UnitRules:
    """``roles.yaml`` ``parts.units`` (lower-cased)."""

    schemata: frozenset[str]
    nouns: frozenset[str]
    control: tuple[str, ...]
    confidence: float


def unit_rules(units: RuleSection) -> UnitRules:
    """The checked ``parts.units`` section (schema names must be FollowTheMoney's)."""
    return UnitRules(
        schemata=units.schemata("schemata"),
        nouns=units.words("nouns"),
        control=units.phrases("control"),
        confidence=units.confidence("confidence"),
    )


def parse_unit_rules(path: Path, data: object) -> UnitRules:
    """Validate the ``parts.units`` section of a roles file (errors name the file and the key);
    the packaged rules come with :func:`relation_roles.default_role_rules` (``.units``)."""
    return unit_rules(RuleSection(path, rule_mapping(path, data), "parts").section("units"))


class UnitReader:
    """Reads the constructions of the module docstring in one sentence."""

    def __init__(self, finder: SentenceFinder, rules: UnitRules) -> None:
        self.finder = finder
        self.index = finder.index
        self.rules = rules
        self.shape = LinkShape(
            "subsidiary", "Ownership", "asset", "owner", "unit", self.rules.confidence
        )

    def links(self, sentence: Span) -> Iterator[Link]:
        for mention in self.index.within(sentence):
            if mention.schema not in _ORGS:
                continue
            span = sentence.doc.char_span(mention.start, mention.end, alignment_mode="expand")
            if span is None:
                continue
            unit = Party.of(mention)
            for rule, parent, trigger in self._parents(mention, span, sentence):
                yield from self.finder.pair_links(
                    self.shape, rule, [(unit, parent)], trigger, sentence
                )

    def _parents(
        self, mention: Mention, span: Span, sentence: Span
    ) -> Iterator[tuple[str, Party, Token]]:
        body = mention.schema in self.rules.schemata
        if body:
            parent = self._possessor(span, sentence) or self._poss_child(span)
            if parent is not None:
                yield "units:possessive", parent, span.root
            parent = self._of_parent(mention, span)
            if parent is not None:
                yield "units:of", parent, span.root
        for parent, trigger in self._said_of(span):
            yield "units:noun", parent, trigger
        controller, word = self._controller(span, sentence)
        if controller is not None and word is not None:
            yield "units:control", controller, word

    # -- "the Justice Department's National Security Division" -----------------------------

    def _possessor(self, span: Span, sentence: Span) -> Party | None:
        """The body whose possessive is right before ``span`` (or before the first of the
        bodies ``span`` is coordinated with)."""
        own = self._possessive_before(span.start, sentence)
        if own is not None:
            return own  # "the DHS's (DHS) CBP", whatever the parse coordinates CBP with
        first = span.root
        while first.dep_ == "conj" and first.head.i < first.i:
            first = first.head  # each body the unit is coordinated with, nearest first
            head = self.index.at(first)
            if head is None:
                return None
            head_span = span.doc.char_span(head.start, head.end, alignment_mode="expand")
            if head_span is None:
                return None
            found = self._possessive_before(head_span.start, sentence)
            if found is not None:
                return found
        return None

    def _possessive_before(self, start: int, sentence: Span) -> Party | None:
        """The body whose possessive ends right before token ``start`` (past an acronym)."""
        doc = sentence.doc
        index = start - 1
        if index >= sentence.start and doc[index].text == "(":
            return None  # "the Department of Homeland Security's (DHS)": its own acronym
        if index > sentence.start and doc[index].text == ")":
            while index > sentence.start and doc[index].text != "(":
                index -= 1  # "the DHS's (DHS) CBP": the possessor's acronym between
            index -= 1
        if index <= sentence.start or doc[index].text not in POSSESSIVE_MARKS:
            return None
        return self._body(doc[index - 1])

    def _poss_child(self, span: Span) -> Party | None:
        """A body the parse hangs on the unit as its possessor, the words between being
        other names ("the Ministry's Border Service and Migration Directorate")."""
        for child in children(span.root, "poss"):
            if child.i < span.start and all(
                self.index.at(token) is not None or token.dep_ in ("cc", "case", "punct")
                for token in span.doc[child.i + 1 : span.start]
            ):
                return self._body(child)
        return None

    def _body(self, token: Token) -> Party | None:
        mention = self.index.at(token)
        if mention is None or mention.schema not in self.rules.schemata:
            return None
        return Party.of(mention)

    # -- "General Bureau 12 of the Ministry of Light Industry" -------------------------------

    def _of_parent(self, mention: Mention, span: Span) -> Party | None:
        if not default_nationality_rules().is_state_body(mention.canonical, mention.schema):
            return None
        doc = span.doc
        index = span.end
        if index < len(doc) and doc[index].text == "(":  # "(GUR)"
            while index < len(doc) and doc[index].text != ")" and index - span.end < 6:
                index += 1
            index += 1
        if index >= len(doc) or doc[index].lower_ != "of":
            return None
        for obj in children(doc[index], "pobj"):
            parent = self._body(obj)
            if parent is not None:
                return parent
        return None

    # -- "one of Acme's subsidiaries, Beta", "Beta, a unit of Acme" ------------------------

    def _said_of(self, span: Span) -> Iterator[tuple[Party, Token]]:
        root = span.root
        nouns = [root.head] if root.dep_ == "appos" else []
        nouns.extend(child for child in root.children if child.dep_ == "appos")
        for noun in nouns:
            if self.index.at(noun) is not None or not self.finder.asserted(noun):
                continue  # "X, no longer a subsidiary of Y, ..."
            for part in (noun, *(obj for _, obj in prep_objects(noun, {"of"}))):
                if not {part.lower_, part.lemma_.lower()} & self.rules.nouns:
                    continue
                for owner in self._owners(part):
                    yield owner, part

    def _owners(self, part: Token) -> Iterator[Party]:
        """ "Acme's subsidiaries" (a possessive), "a unit of Acme" (of)."""
        for child in children(part, "poss"):
            for token in conjuncts(child):
                party = self._org(token)
                if party is not None:
                    yield party
        for _, obj in prep_objects(part, {"of"}):
            party = self._org(obj)
            if party is not None:
                yield party

    def _org(self, token: Token) -> Party | None:
        mention = self.index.at(token)
        if mention is None or mention.schema not in _ORGS:
            return None
        return Party.of(mention)

    # -- "Beta, an arms dealer under the control of Bureau 27" -----------------------------

    def _controller(self, span: Span, sentence: Span) -> tuple[Party | None, Token | None]:
        """The body right after a control phrase in the words apposed to ``span``, when the
        page states the control ("no longer under the control of", "denied being controlled
        by" do not; "which OFAC says is controlled by Bureau 27" names Bureau 27, not OFAC)."""
        doc = sentence.doc
        index = span.end
        if index >= sentence.end or doc[index].text != ",":
            return None, None
        window = doc[index + 1 : min(sentence.end, index + 14)]
        for start in range(window.start, window.end):
            phrase = self._control_phrase(doc, start, window.end)
            if phrase is None:
                continue
            if not self.finder.asserted(doc[start]) or any(
                token.dep_ == "neg" for token in doc[index + 1 : start]
            ):
                return None, None
            for token in doc[phrase : window.end]:
                party = self._body(token)
                if party is not None:
                    return party, token
        return None, None

    def _control_phrase(self, doc: Doc, start: int, limit: int) -> int | None:
        """The index after the control phrase (``control``) starting at ``start``, if any."""
        for phrase in self.rules.control:
            end = start + len(phrase.split())
            if end <= limit and normalise_phrase(doc[start:end].text) == phrase:
                return end
        return None
