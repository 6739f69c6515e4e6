"""The nationality of a state office's holder: "the Mongolian ambassador X", "X, Malaysia's
deputy prime minister", "North Korea's leader X", "North Korea's X".

docs/annotation.md (nationality): a demonym or a country's possessive on a person, or on the
person's own title, gives the person's nationality, because a state's office is held by its
citizen. Three constructions, each read from the parse and the words of
``nationality.yaml`` ``offices``:

- preposed: COUNTRY [title words] TITLE NAME, the title's words right before the name
  ("Mongolian Foreign Minister X", "Malaysia's foreign minister X", "North Korea's X");
- apposed or predicated: NAME, COUNTRY's/DEMONYM [title words] TITLE ("X, Malaysia's deputy
  prime minister", "X is the Mongolian ambassador");
- no holder when a word of the title is a named body ("Russian Foreign Ministry spokeswoman
  X": the demonym is the ministry's), a company noun ("Chinese company executive X"), or an
  exception ("honorary consul"); a city's possessive is no country ("Moscow's mayor X").
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from spacy.tokens import Span, Token

from sanctionwatch.extract.relation_finders import country_of_place
from sanctionwatch.extract.relation_nationality_rules import NationalityRules
from sanctionwatch.extract.relation_parse import (
    POSSESSIVE_MARKS,
    MentionIndex,
    Party,
    apposed,
    copula_subject,
)
from sanctionwatch.extract.types import Mention

_ARTICLES = frozenset({"the", "a", "an"})
_COUNTRY_ENTS = frozenset({"NORP", "GPE"})

Demonym = Callable[[Token], "tuple[str, Span] | None"]


@dataclass(frozen=True, slots=True)
class OfficeHolder:
    """A person, the country of the office they hold, and the words that say so."""

    person: Party
    code: str
    country: Span
    title: Token
    words: str


class OfficeReader:
    """Reads the constructions of the module docstring in one sentence."""

    def __init__(self, index: MentionIndex, rules: NationalityRules, demonym: Demonym) -> None:
        self.index = index
        self.rules = rules
        self.demonym = demonym

    def holders(self, sentence: Span) -> Iterator[OfficeHolder]:
        yield from self._preposed(sentence)
        yield from self._apposed(sentence)

    # -- COUNTRY [words] TITLE NAME -------------------------------------------------------

    def _preposed(self, sentence: Span) -> Iterator[OfficeHolder]:
        doc = sentence.doc
        for mention in self.index.within(sentence):
            if mention.schema != "Person":
                continue
            span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
            if span is None or span.start <= sentence.start:
                continue
            found = self._country_before(span, sentence)
            if found is None:
                continue
            code, country, title = found
            words = doc[country.start : span.start].text
            yield OfficeHolder(Party.of(mention), code, country, title or span.root, words)

    def _country_before(self, name: Span, sentence: Span) -> tuple[str, Span, Token | None] | None:
        """(code, country words, title head) of the country and title right before the
        name: "the Mongolian ambassador", "Malaysia's foreign minister", "North Korea's".
        Every word from the country on modifies a later word up to the name (the parse), so
        a verb between ("Kuwait had given ambassador X") ends the title."""
        doc = sentence.doc
        end = self._title_end(name.start, sentence)
        possessed = self._possessor(end - 1, sentence)
        if possessed is not None:
            return (*possessed, None)  # "North Korea's X"
        last = doc[end - 1]
        head = last if self._title(last) else self._governing_title(name, sentence)
        if head is None:
            return None
        index = head.i - 1
        while index >= sentence.start and end - 1 - index <= self.rules.office_max_words + 1:
            token = doc[index]
            possessed = self._possessor(index, sentence)
            if possessed is not None:
                return (*possessed, head)
            demonym = self._demonym(token)
            if demonym is not None:
                if not _modifies_rightward(demonym[1].root, name.end):
                    return None
                return (*demonym, head)
            if not self._in_title(token, head, name.end):
                return None
            index -= 1
        return None

    def _title_end(self, start: int, sentence: Span) -> int:
        """Where the title words before the name end: past a tail of the head
        ("ambassador-at-large", ``offices`` ``tails``) and the comma after it; without a
        tail, right before the name."""
        doc = sentence.doc
        last = start - 1
        if last > sentence.start and doc[last].text == ",":
            last -= 1
        for first in range(last, max(sentence.start, last - 5), -1):
            written = doc[first : last + 1].text.replace(" ", "")
            if doc[first].text == "-" and written[1:].lower() in self.rules.office_tails:
                return first
        return start

    def _governing_title(self, name: Span, sentence: Span) -> Token | None:
        """A capitalised office title whose complement ends in the name: "Minister of Labor
        X", "Secretary of State X" (the parse hangs the name on the title's "of")."""
        doc = sentence.doc
        index = name.start - 1
        while index >= sentence.start and name.start - index <= self.rules.office_max_words:
            token = doc[index]
            governs = token.is_ancestor(name.root) or name.start <= token.head.i < name.end
            if token.is_title and self._title(token) and governs:
                return token
            joiner = token.is_lower and token.lower_ in self.rules.office_joiners
            if not (joiner or (token.is_title and self._title_word(token))):
                return None
            index -= 1
        return None

    def _in_title(self, token: Token, head: Token, limit: int) -> bool:
        """A word of the title before ``head``: a lower-case modifier of a later word, a
        capitalised word of a title such as "Minister of Labor" (hanging on a word of the
        title), or a joiner between two capitalised words."""
        doc = token.doc
        if token.lower_ in self.rules.office_joiners and token.is_lower:
            before, after = doc[token.i - 1], doc[token.i + 1]
            return before.is_title and (after.is_title or after.lower_ in self.rules.office_joiners)
        if not self._title_word(token):
            return False
        if token.is_lower:
            return _modifies_rightward(token, limit)
        lowest = head.i - self.rules.office_max_words - 1
        governor = token.head
        return (
            governor.i != token.i
            and lowest <= governor.i < limit
            and governor.pos_ not in ("VERB", "AUX")
        )

    def _possessor(self, index: int, sentence: Span) -> tuple[str, Span] | None:
        """The country owning the possessive "'s" at ``index`` ("North Korea's")."""
        doc = sentence.doc
        if index <= sentence.start or doc[index].text not in POSSESSIVE_MARKS:
            return None
        return self._country(doc[index - 1])

    def _country(self, token: Token) -> tuple[str, Span] | None:
        """A country named by ``token`` (the last word of its name), never a city."""
        if token.ent_type_ not in _COUNTRY_ENTS:
            return None
        mention = self.index.at(token)
        if mention is not None and mention.schema != "Place":
            return None
        doc = token.doc
        first = token.i
        while first > 0 and doc[first].ent_iob_ == "I":
            first -= 1
        while first < token.i and doc[first].lower_ in _ARTICLES:
            first += 1
        span = doc[first : token.i + 1]
        code = country_of_place(span.text)
        if code is None or len(code) != 2 or code in self.rules.not_countries:
            return None
        return code, span

    def _demonym(self, token: Token) -> tuple[str, Span] | None:
        if token.ent_type_ != "NORP":
            return self._country(token) if token.ent_type_ == "GPE" else None
        return self.demonym(token)

    def _title(self, token: Token) -> bool:
        return (
            token.pos_ in ("NOUN", "PROPN")
            and self.index.at(token) is None
            and bool({token.lower_, token.lemma_.lower()} & self.rules.office_titles)
        )

    def _title_word(self, token: Token) -> bool:
        """A word a title may hold between its country and its head: no name of anything, no
        company noun, no exception, no punctuation."""
        lowered = {token.lower_, token.lemma_.lower()}
        return (
            token.is_alpha
            and token.pos_ in ("ADJ", "NOUN", "PROPN")
            and token.lower_ not in _ARTICLES
            and self.index.at(token) is None
            and not lowered & self.rules.organisation_nouns
            and not lowered & self.rules.office_exceptions
            and not lowered & self.rules.topic_nouns
        )

    # -- NAME, COUNTRY's [words] TITLE ----------------------------------------------------

    def _apposed(self, sentence: Span) -> Iterator[OfficeHolder]:
        for title in sentence:
            if not self._title(title):
                continue
            found = self._title_country(title, sentence)
            if found is None:
                continue
            code, country = found
            for person in self._persons(self._holder_tokens(title)):
                words = title.doc[country.start : title.i + 1].text
                yield OfficeHolder(person, code, country, title, words)

    def _title_country(self, title: Token, sentence: Span) -> tuple[str, Span] | None:
        """The country of a title noun's own modifiers, every word between a title word."""
        doc = sentence.doc
        index = title.i - 1
        while index >= sentence.start and title.i - index <= self.rules.office_max_words + 1:
            token = doc[index]
            possessed = self._possessor(index, sentence)
            if possessed is not None:
                return possessed
            demonym = self._demonym(token)
            if demonym is not None:
                return demonym
            if not self._title_word(token):
                return None
            index -= 1
        return None

    @staticmethod
    def _holder_tokens(title: Token) -> list[Token]:
        """Who a title is said of: the name it is apposed to or that is apposed to it ("the
        Mongolian ambassador to Russia, X"), or the subject of its copula."""
        tokens = apposed(title)  # "Russia's ambassador to Seoul, X": X hung on "Seoul"
        if title.dep_ == "appos":
            tokens.append(title.head)
        subject = copula_subject(title)
        if subject is not None:
            tokens.append(subject)
        return tokens

    def _persons(self, tokens: list[Token]) -> list[Party]:
        found: list[Party] = []
        for token in tokens:
            mention: Mention | None = self.index.at(token)
            if mention is not None and mention.schema == "Person":
                found.append(Party.of(mention))
        return found


def _modifies_rightward(token: Token, limit: int) -> bool:
    """``token`` hangs on a later word before ``limit`` (a modifier inside the phrase)."""
    return token.i < token.head.i < limit
