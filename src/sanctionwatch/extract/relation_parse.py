"""Dependency-tree helpers for the relation rules: who a word refers to, and what it governs.

The relation finders ask questions of spaCy's parse ("what is the subject of this verb?",
"which entity does this appositive describe?"); the answers are :class:`Party` objects that
point at a mention's canonical entity (coreference via ``Mention.entity_id``) or, when the
text names no entity ("twelve North Korean-owned companies"), carry a description only.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date

from spacy.tokens import Doc, Span, Token

from sanctionwatch.extract.relation_dates import resolve_date
from sanctionwatch.extract.types import Mention

PERSON_PRONOUNS = frozenset({"he", "she", "him", "her", "his", "hers"})
THING_PRONOUNS = frozenset({"it", "its"})
ORG_SCHEMATA = frozenset({"Company", "Organization", "LegalEntity", "PublicBody"})
POSSESSIVE_MARKS = frozenset({"'s", "’s", "'", "’"})
"""Tokens spaCy splits off as a possessive ending ("Treasury's", "the Workers'")."""
SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass"})
ANAPHOR_SOURCE = "anaphor"
"""``Mention.source`` of a pronoun or description resolved by :mod:`.coreference`."""
_LEADING_DEPS = frozenset({"det", "poss", "nummod", "quantmod", "predet", "case", "punct", "cc"})
_OBJECT_DEPS = frozenset({"dobj", "obj", "pobj", "dative", "nsubjpass"})
_CLAUSE_DEPS = frozenset({"relcl", "acl", "appos", "advcl", "punct", "cc", "conj"})


@dataclass(frozen=True, slots=True)
class Party:
    """One end of a relation: a mention's canonical entity, or an unnamed description."""

    name: str
    start: int
    end: int
    entity_id: str | None = None
    schema: str | None = None
    via_pronoun: bool = False

    @property
    def named(self) -> bool:
        return self.entity_id is not None

    @classmethod
    def of(cls, mention: Mention) -> Party:
        via_pronoun = mention.source == ANAPHOR_SOURCE
        return cls(
            mention.canonical,
            mention.start,
            mention.end,
            mention.entity_id,
            mention.schema,
            via_pronoun,
        )


class MentionIndex:
    """Mentions by token, for one parsed document."""

    def __init__(self, doc: Doc, mentions: Sequence[Mention]) -> None:
        self.doc = doc
        self.by_token: dict[int, Mention] = {}
        # Resolved anaphors ("it", "the firm") answer ``at``; antecedents are names only.
        named = [mention for mention in mentions if mention.source != ANAPHOR_SOURCE]
        self.ordered = sorted(named, key=lambda mention: (mention.start, -mention.end))
        self._starts = [mention.start for mention in self.ordered]
        for mention in sorted(mentions, key=lambda m: m.end - m.start):
            span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
            if span is None:
                continue
            for token in span:
                self.by_token.setdefault(token.i, mention)

    def at(self, token: Token) -> Mention | None:
        return self.by_token.get(token.i)

    def starting_between(self, start: int, end: int) -> list[Mention]:
        """The mentions starting at character offsets ``start`` to ``end`` (exclusive), in
        text order, longest first at one offset (by bisection: documents can be long)."""
        first = bisect_left(self._starts, start)
        return self.ordered[first : bisect_left(self._starts, end, lo=first)]

    def within(self, span: Span) -> list[Mention]:
        """The mentions starting inside ``span`` (a sentence), in text order."""
        return self.starting_between(span.start_char, span.end_char)

    def before(
        self,
        token: Token,
        schemata: frozenset[str],
        subjects_only: bool = False,
        same_sentence: bool = False,
    ) -> Mention | None:
        """The antecedent of a pronoun: a mention of ``schemata`` before it.

        In the pronoun's sentence the nearest one wins (only grammatical subjects with
        ``subjects_only``), then the subject of the previous sentence. An object pronoun never
        refers to the subject of its own clause ("OFAC designated it").
        """
        excluded = self._own_subjects(token)
        sentence = token.sent
        same: list[Mention] = []
        previous: list[Mention] = []
        previous_sentence = self.doc[sentence.start - 1].sent if sentence.start > 0 else None
        for mention in self.ordered:
            if mention.end > token.idx or mention.schema not in schemata:
                continue
            if mention.entity_id in excluded:
                continue
            if mention.start >= sentence.start_char:
                if not subjects_only or self._is_subject(mention):
                    same.append(mention)
            elif previous_sentence is not None and mention.start >= previous_sentence.start_char:
                previous.append(mention)
        if same:
            return same[-1]
        if same_sentence:
            return None
        subjects = [mention for mention in previous if self._is_subject(mention)]
        if subjects:
            return subjects[0]
        return None if subjects_only or not previous else previous[-1]

    def _is_subject(self, mention: Mention) -> bool:
        head = self._head_token(mention)
        if head is None:
            return False
        return head.dep_ in SUBJECT_DEPS or (
            head.dep_ in ("appos", "conj") and head.head.dep_ in SUBJECT_DEPS
        )

    def _own_subjects(self, pronoun: Token) -> set[str]:
        return {m.entity_id for t in own_clause_subjects(pronoun) if (m := self.at(t)) is not None}

    def _head_token(self, mention: Mention) -> Token | None:
        span = self.doc.char_span(mention.start, mention.end, alignment_mode="expand")
        return span.root if span is not None else None


def conjuncts(token: Token) -> list[Token]:
    """The token and every token coordinated with it ("the US and the EU")."""
    result = [token]
    for child in token.children:
        if child.dep_ == "conj":
            result.extend(conjuncts(child))
    return result


def children(token: Token, *deps: str) -> list[Token]:
    return [child for child in token.children if child.dep_ in deps]


def prep_objects(token: Token, preps: frozenset[str] | set[str]) -> Iterator[tuple[str, Token]]:
    """(preposition, object) pairs under ``token`` for the given prepositions."""
    for child in token.children:
        if child.dep_ in ("prep", "agent", "dative") and child.lower_ in preps:
            for obj in child.children:
                if obj.dep_ in ("pobj", "pcomp"):
                    for conj in conjuncts(obj):
                        yield child.lower_, conj


def is_passive(verb: Token) -> bool:
    return any(child.dep_ in ("nsubjpass", "auxpass") for child in verb.children) or (
        verb.dep_ == "acl" and verb.tag_ == "VBN"
    )


def clause_subjects(verb: Token) -> list[Token]:
    """Grammatical subjects of a verb, inherited from the first verb of a coordination or
    from the verb an infinitive completes: that verb's object when it has one ("forced X to
    hire workers": X), its subject after a verb of means ("used X to hire workers"), nobody
    after a verb of asking ("urged states to stop hiring": asked for, not done). Both lists
    are ``events.yaml`` ``control`` (``means_verbs``, ``request_verbs``)."""
    from sanctionwatch.extract.relation_events import default_event_rules  # imports this module

    control = default_event_rules().control
    current = verb
    for _ in range(4):
        found = [
            tok for child in children(current, "nsubj", "nsubjpass") for tok in conjuncts(child)
        ]
        if found:
            return found
        if current.dep_ not in ("conj", "xcomp") or current.head.pos_ not in ("VERB", "AUX"):
            break
        upper = current.head
        if current.dep_ == "xcomp":
            lemma = upper.lemma_.lower()
            if lemma in control.request_verbs:
                return []
            objects = direct_objects(upper)
            if objects and lemma not in control.means_verbs:
                return objects
        current = upper
    return []


def active_subjects(verb: Token) -> list[Token]:
    return [tok for child in children(verb, "nsubj") for tok in conjuncts(child)]


def passive_subjects(verb: Token) -> list[Token]:
    return [tok for child in children(verb, "nsubjpass") for tok in conjuncts(child)]


def agents(verb: Token) -> list[Token]:
    return [obj for _, obj in prep_objects(verb, {"by"})]


def direct_objects(verb: Token) -> list[Token]:
    return [tok for child in children(verb, "dobj", "obj") for tok in conjuncts(child)]


def verb_objects(verb: Token) -> list[Token]:
    """Direct objects, or the noun a relative clause describes ("a company that OFAC listed")."""
    objects = direct_objects(verb)
    return objects if objects or verb.dep_ != "relcl" else [verb.head]


def passive_targets(verb: Token) -> list[Token]:
    """Passive subjects, or the noun a participle describes ("workers hired by X")."""
    return passive_subjects(verb) or ([verb.head] if verb.dep_ == "acl" else [])


def own_clause_subjects(pronoun: Token) -> list[Token]:
    """The words of the subject (or "by" agent) of an object pronoun's own clause: "OFAC
    designated it" -> OFAC, which "it" cannot mean. None for a subject or a possessive."""
    if pronoun.dep_ not in _OBJECT_DEPS or pronoun.tag_ == "PRP$":
        return []
    verb = pronoun.head.head if pronoun.dep_ == "pobj" else pronoun.head
    return [
        token
        for child in verb.children
        if child.dep_ in ("nsubj", "agent")
        for token in child.subtree
    ]


def copula_subject(noun: Token) -> Token | None:
    """For "X is/was the shareholder ..." the subject X of the copula governing ``noun``."""
    if noun.dep_ == "attr" and noun.head.lemma_ in ("be", "become", "remain"):
        subjects = children(noun.head, "nsubj", "nsubjpass")
        return subjects[0] if subjects else None
    return None


_PLACE_PREPS = frozenset({"to", "in", "at"})
_PLACE_ENTS = frozenset({"GPE", "LOC", "FAC"})


def apposed(noun: Token) -> list[Token]:
    """The appositions of ``noun``, with those the parser hung on the place ending its
    complement: in "Russia's ambassador to Seoul, X" (also "the envoy in Pyongyang, X") the
    parse makes X an apposition of "Seoul", but a place is not apposed to a name; X is the
    ambassador. Only a place object of "to", "in" or "at" right before the comma counts."""
    found = children(noun, "appos")
    for prep in children(noun, "prep"):
        if prep.lower_ not in _PLACE_PREPS:
            continue
        for place in children(prep, "pobj"):
            if place.ent_type_ not in _PLACE_ENTS:
                continue
            found.extend(
                child
                for child in children(place, "appos")
                if child.i > place.i + 1 and place.nbor(1).text == ","
            )
    return found


def noun_holder_tokens(noun: Token) -> list[Token]:
    """The tokens a relational noun is said of: appositive, copula subject, "as" object."""
    found: list[Token] = []
    if noun.dep_ == "appos":
        found.append(noun.head)
    # "two nationals, A and B": every coordinated appositive
    found.extend(conj for child in apposed(noun) for conj in conjuncts(child))
    subject = copula_subject(noun)
    if subject is not None:
        found.extend(conjuncts(subject))
    if noun.dep_ == "pobj" and noun.head.lower_ == "as" and noun.head.head.pos_ in ("VERB", "AUX"):
        # "X acts as a front" -> X; "Y described X as a front" -> X; "X was listed as" -> X
        verb = noun.head.head
        objects = direct_objects(verb)
        if not objects and verb.dep_ == "relcl" and children(verb, "nsubj"):
            objects = [verb.head]
        first = verb
        while first.dep_ == "conj" and first.head.pos_ in ("VERB", "AUX"):
            first = first.head  # "X, born in 1968 and described as ..."
        if not objects and first.dep_ == "acl":
            objects = [first.head]  # "X, described as director of Y"
        found.extend(objects or clause_subjects(verb))
    if noun.dep_ == "compound":
        found.append(noun.head)
    return found


def left_modifiers(token: Token) -> list[Token]:
    """Tokens in the left modifiers of ``token`` (compounds, adjectives, possessives)."""
    result: list[Token] = []
    for child in token.lefts:
        if child.dep_ in ("compound", "amod", "nmod", "poss", "npadvmod"):
            result.extend(child.subtree)
    return result


def describe(
    token: Token, keep_preps: bool = True, keep_numbers: bool = False
) -> tuple[str, int, int]:
    """Text of the noun phrase headed by ``token`` without leading determiners (and numbers)."""
    skip: set[int] = set()
    leading = _LEADING_DEPS - {"nummod", "quantmod"} if keep_numbers else _LEADING_DEPS
    for child in token.children:
        if (
            child.dep_ in _CLAUSE_DEPS
            or (child.dep_ == "prep" and not keep_preps)
            or (child.i < token.i and child.dep_ in leading)
        ):
            skip.update(tok.i for tok in child.subtree)
    tokens = [tok for tok in token.subtree if tok.i not in skip]
    while tokens and tokens[0].is_punct:
        tokens.pop(0)
    while tokens and tokens[-1].is_punct:
        tokens.pop()
    if not tokens:
        tokens = [token]
    doc = token.doc
    span = doc[tokens[0].i : tokens[-1].i + 1]
    return span.text, span.start_char, span.end_char


def date_of(verb: Token, published: date | None) -> tuple[str, str] | None:
    """The date stated for a verb's event ("in December 2016", "since 2013", "last year")."""
    candidates: list[Token] = []
    for child in verb.children:
        if child.dep_ == "prep" and child.lower_ in ("in", "on", "since", "from", "as", "by"):
            candidates.extend(children(child, "pobj"))
        elif child.dep_ in ("npadvmod", "advmod", "nmod") and child.ent_type_ == "DATE":
            candidates.append(child)
    for candidate in candidates:
        if candidate.ent_type_ != "DATE" and not candidate.like_num:
            continue
        words = " ".join(tok.text for tok in candidate.subtree)
        value = resolve_date(words, published)
        if value is not None:
            return value, words
    return None


def sentence_of(doc: Doc, token: Token) -> Span:
    return token.sent


def phrase_variants(token: Token) -> list[str]:
    """Candidate title phrases for a noun, longest first ("senior fellow", "fellow")."""
    lemma = token.lemma_.lower()
    word = token.lower_
    variants = []
    mods = [child for child in token.lefts if child.dep_ in ("amod", "compound")]
    for mod in mods[-2:]:
        prefix = doc_text(token.doc, mod.i, token.i).lower()
        variants.extend([f"{prefix} {lemma}", f"{prefix} {word}"])
    variants.extend([lemma, word])
    return variants


def doc_text(doc: Doc, start: int, end: int) -> str:
    return doc[start:end].text
