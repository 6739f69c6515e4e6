"""Designations spread over an enumeration or several sentences.

Press releases rarely say "OFAC designated X" in one clause. They count the targets first and
name them after ("Today's designation targets two firms, X, a ..., and Y, a ...", "OFAC designated
two entities." followed by a paragraph per entity, "the following individuals:" followed by a
list), and they state the authority and the legal basis once for the whole release. This pass
reads the sentences of one document in order, keeps the last designation's authority and basis,
and binds a counted or listed group noun to the parties enumerated after it or named as the
topic of the next sentences. What it reads is data: ``sanctions.enumerations`` in the rules file.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from spacy.tokens import Span, Token

from sanctionwatch.extract.relation_finders import Designator, Link, SentenceFinder
from sanctionwatch.extract.relation_parse import (
    Party,
    agents,
    clause_subjects,
    conjuncts,
    is_passive,
    passive_targets,
    verb_objects,
)
from sanctionwatch.extract.relation_rules import Authority, EnumerationRules, normalise_phrase

_NUMBER_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "a": 1,
    "an": 1,
}
_ITEM_OPENERS = frozenset({",", ":", ";", "and", "&", "including", "namely", "•", "-", "–", "—"})
_LEADING_SKIP = frozenset({"DET", "PUNCT", "NUM", "SPACE", "X", "SYM"})


@dataclass(slots=True)
class _Designation:
    """What a designation sentence states for the ones after it."""

    authority: Authority
    written: str
    basis: list[str]
    position: int


@dataclass(frozen=True, slots=True)
class _Group:
    """A noun standing for the designated parties: which schemata, how many, listed or not."""

    token: Token
    schemata: frozenset[str]
    count: int | None
    listed: bool

    @property
    def words(self) -> str:
        """The group as written, up to its noun: "two entities", "the following individuals"
        (a capital that only starts the sentence lowered: "Two entities were ...")."""
        words = [t.text for t in self.token.subtree if t.i <= self.token.i]
        first = self.token.left_edge
        if words and first.is_sent_start and first.pos_ != "PROPN":
            words[0] = words[0].lower()
        return " ".join(words)


@dataclass(frozen=True, slots=True)
class _Bound:
    """A designated party, the last sentence read to find it, and the counted or listed group
    it was bound through (None when the trigger names it)."""

    party: Party
    last: int
    group: _Group | None = None


class DesignationFinder:
    """Binds counted, enumerated and carried-over designations in one document."""

    def __init__(self, finder: SentenceFinder, rules: EnumerationRules) -> None:
        self.finder = finder
        self.rules = rules
        self.sanctions = finder.rules

    # -- driver ----------------------------------------------------------------------------

    def find(self, sentences: Sequence[Span]) -> Iterator[Link]:
        last: _Designation | None = None
        for position, sentence in enumerate(sentences):
            for trigger in sentence:
                misparsed = (
                    self.finder.modifier_authority(trigger)
                    or self.finder.surface_authority(trigger)
                    if self._is_designation_word(trigger)
                    else None
                )
                if misparsed is not None:
                    last = _Designation(*misparsed, self.basis(sentence), position)
                    continue  # "OFAC designated X" read as a modifier: the sentence rules
                if not self._is_trigger(trigger):
                    continue
                stated, other_subject = self._stated_authority(trigger)
                if other_subject:
                    continue  # a subject that is no authority ("Russia targets ...")
                if stated is None and self._earlier(trigger):
                    continue  # "X had already been designated": not this action's authority
                current = stated or self._carried(last, position)
                if current is None:
                    continue
                basis = self.basis(sentence) or self._next_basis(sentences, position)
                if not basis and stated is None:
                    basis = list(current.basis)
                links = list(self._links(trigger, sentences, position, current, basis, stated))
                if stated is not None or links:
                    last = _Designation(current.authority, current.written, basis, position)
                yield from links

    def _links(
        self,
        trigger: Token,
        sentences: Sequence[Span],
        position: int,
        designation: _Designation,
        basis: list[str],
        stated: _Designation | None,
    ) -> Iterator[Link]:
        sentence = sentences[position]
        designator = Designator(designation.authority, designation.written, basis)
        dated = self.finder.designation_date(trigger, sentence)
        reason = self.finder.reason(trigger)
        for bound in self._targets(trigger, sentences, position, named=stated is None):
            group = bound.group
            for link in self.finder.sanction_links(
                bound.party,
                designator,
                trigger,
                sentence.doc[sentence.start : sentences[bound.last].end],
                rule="sanction-enumeration",
                confidence=self.rules.confidence,
                anchor=group.token if group is not None else None,
                dated=dated,
                reason=reason,
            ):
                if group is not None:  # why an unnamed "two entities" names this party
                    link.add("summary", f"one of {group.words}", group.words)
                yield link

    # -- triggers and authorities ------------------------------------------------------------

    def _is_trigger(self, token: Token) -> bool:
        if token.pos_ != "VERB" or token.dep_ in ("amod", "compound"):
            return False
        if not self.finder.asserted(token):
            return False  # "OFAC did not designate two entities", "may target"
        lemma = token.lemma_.lower()
        if lemma in self.rules.cue_verbs:
            return True
        if lemma in self.sanctions.sanction_verbs and lemma not in self.sanctions.listed_verbs:
            return True
        return bool(self.finder.imposed_on(token)) or self.finder.adds_to_list(token)

    def _is_designation_word(self, token: Token) -> bool:
        lemma = token.lemma_.lower()
        return lemma in self.sanctions.sanction_verbs or lemma in self.rules.cue_verbs

    def _stated_authority(self, trigger: Token) -> tuple[_Designation | None, bool]:
        """(the authority the sentence names, whether its subject is something else).

        No authority and no other subject: a passive ("X was designated today") or an action
        noun ("Today's action targets X"), so the authority carried over applies; a subject
        that is neither ("Russia targets X") stops the rule."""
        stated = self.finder.stated_authority(trigger)
        if stated is not None:
            return _Designation(*stated, [], -1), False
        subjects = agents(trigger) if is_passive(trigger) else clause_subjects(trigger)
        return None, not all(self._is_action(subject) for subject in subjects)

    def _earlier(self, trigger: Token) -> bool:
        """An earlier designation: "had been designated", "was previously designated"."""
        return any(
            child.lower_ in self.rules.earlier_words
            or (child.dep_ == "aux" and child.lower_ == "had")
            for child in trigger.children
        )

    def _is_action(self, token: Token) -> bool:
        return token.lemma_.lower() in self.rules.action_nouns or token.lower_ in (
            "it",
            "they",
            "this",
        )

    def _carried(self, last: _Designation | None, position: int) -> _Designation | None:
        if last is not None and position - last.position <= self.rules.carry_sentences:
            return last
        release = self.finder.release_authority()
        if release is None:
            return None
        return _Designation(release[0], release[1], [], -1)

    # -- legal basis ---------------------------------------------------------------------------

    def basis(self, sentence: Span) -> list[str]:
        return self.finder.basis(sentence)

    def _next_basis(self, sentences: Sequence[Span], position: int) -> list[str]:
        """ "The designations were made under E.O. 13722": the next sentence's basis when
        its subject is the action itself."""
        if position + 1 >= len(sentences):
            return []
        following = sentences[position + 1]
        subjects = clause_subjects(following.root)
        if subjects and all(self._is_action(subject) for subject in subjects):
            return self.basis(following)
        return []

    # -- targets -------------------------------------------------------------------------------

    def _target_tokens(self, trigger: Token) -> list[Token]:
        imposed = self.finder.imposed_on(trigger)
        if imposed:
            return imposed
        if is_passive(trigger):
            # "Also designated today is X": the inverted subject, read as an attribute
            heads = [trigger, *(c for c in trigger.children if c.dep_ == "auxpass")]
            inverted = [c for h in heads for c in h.children if c.dep_ in ("attr", "nsubj")]
            after = [c for token in inverted if token.i > trigger.i for c in conjuncts(token)]
            return passive_targets(trigger) or after
        return verb_objects(trigger)

    def _targets(
        self, trigger: Token, sentences: Sequence[Span], position: int, named: bool
    ) -> Iterator[_Bound]:
        """Each party the trigger designates, with the last sentence read and its group.

        Named objects are bound here only when the authority is carried over (``named``): the
        sentence finder binds them when the sentence names its authority."""
        seen: set[str] = set()
        for token in self._target_tokens(trigger):
            group = self._group(token)
            if group is None:
                if not named:
                    continue
                found = [_Bound(party, position) for party in self.finder.parties([token])]
            else:
                found = [
                    _Bound(party, last, group)
                    for party, last in self._group_parties(group, sentences, position)
                ]
            for bound in found:
                party = bound.party
                if not party.entity_id or party.entity_id in seen or self._is_authority(party):
                    continue
                seen.add(party.entity_id)
                yield bound

    def _group(self, token: Token) -> _Group | None:
        schemata = self.rules.group_nouns.get(token.lemma_.lower())
        if schemata is None or self.finder.index.at(token) is not None:
            return None
        count = None
        listed = False
        for child in token.lefts:
            word = child.lower_
            if child.dep_ in ("nummod", "quantmod") or (child.like_num and child.dep_ != "det"):
                count = _NUMBER_WORDS.get(word) or (int(word) if word.isdigit() else None)
            if normalise_phrase(word) in self.rules.openers:
                listed = True
        following = token.nbor(1) if token.i + 1 < len(token.doc) else None
        if following is not None and following.text == ":":
            listed = True
        if count is None and not listed and token.tag_ not in ("NNS", "NNPS"):
            return None
        return _Group(token, schemata, count, listed)

    def _group_parties(
        self, group: _Group, sentences: Sequence[Span], position: int
    ) -> Iterator[tuple[Party, int]]:
        found = [(party, position) for party in self._enumerated(group, sentences[position])]
        wanted = group.count
        if wanted is not None and len(found) >= wanted:
            yield from found[:wanted]
            return
        yield from found
        if wanted is None and not group.listed:
            return
        window = self.rules.following_sentences if wanted is not None else 50
        missing = None if wanted is None else wanted - len(found)
        for index in range(position + 1, min(len(sentences), position + 1 + window)):
            if not any(token.is_alpha for token in sentences[index]):
                continue  # a bullet the parser made a sentence of its own
            party = self._topic(sentences[index], group.schemata)
            if party is None:
                if wanted is None:
                    return  # a list ends at the first item that names no party
                continue
            yield party, index
            if missing is not None:
                missing -= 1
                if missing == 0:
                    return

    def _enumerated(self, group: _Group, sentence: Span) -> list[Party]:
        """Parties listed after the group noun in its sentence ("two entities, X, a ..., and
        Y"), up to a word that opens a reason, a basis or a relative clause."""
        parties: list[Party] = []
        text = self.finder.text
        index = group.token.i + 1
        while index < sentence.end:
            token = sentence.doc[index]
            mention = self.finder.index.at(token)
            if mention is None:
                if self._stops(text, token):
                    break
                index += 1
                continue
            party = Party.of(mention)
            if self._opens_item(group.token, token) and self.finder.is_party(party, group.schemata):
                parties.append(party)
            span = sentence.doc.char_span(mention.start, mention.end, alignment_mode="expand")
            index = max(index + 1, span.end if span is not None else index + 1)
        return parties

    def _stops(self, text: str, token: Token) -> bool:
        rest = normalise_phrase(text[token.idx : token.idx + 30])
        return any(rest == stop or rest.startswith(stop + " ") for stop in self.rules.stops)

    @staticmethod
    def _opens_item(group: Token, token: Token) -> bool:
        """The mention starts an item: right after the group noun, a comma, "and", a colon."""
        previous = token.i - 1
        while previous > group.i and token.doc[previous].pos_ == "DET":
            previous -= 1
        if previous == group.i:
            return True
        before = token.doc[previous]
        return before.lower_ in _ITEM_OPENERS or "\n" in before.text_with_ws

    def _topic(self, sentence: Span, schemata: frozenset[str]) -> Party | None:
        """The party a sentence (or list item, or heading) is about: the one it starts with,
        skipping bullets, numbers and a country's possessive, else its grammatical subject.
        A quotation is about no party: its speaker ("“...,” Secretary X said") is not one."""
        if sentence.text.lstrip()[:1] in '“"«':
            return None
        for token in sentence:
            if token.pos_ in _LEADING_SKIP or token.is_space or token.tag_ == "POS":
                continue
            mention = self.finder.index.at(token)
            if mention is None:
                break
            party = Party.of(mention)
            authority = self._is_authority(party) or self.sanctions.authority(mention.text)
            if self.finder.is_party(party, schemata) and not authority:
                return party  # an authority's short form is none ("Treasury officials say")
            if mention.schema != "Place":
                break
        for subject in clause_subjects(sentence.root):
            if subject.head.lemma_.lower() in self.rules.speech_verbs:
                continue  # "..., said Under Secretary X": a speaker, not a target
            for party in self.finder.parties([subject], schemata):
                if not party.via_pronoun and not self._is_authority(party):
                    return party
        return None

    def _is_authority(self, party: Party) -> bool:
        return self.sanctions.authority(party.name) is not None
