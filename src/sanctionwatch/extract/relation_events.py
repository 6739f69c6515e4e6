"""Events whose parties the parse hides: clauses without a subject, and hired groups.

Two constructions that recur across the development sets of real pages (counts in
docs/relations.md, "Session 7, `events`"); every word is data in
``data/extract/relations/events.yaml``:

- **controlled clauses**: a verb or dealing noun with no subject of its own ("X was
  designated for providing material support to Y", "officials accused X of signing a
  contract with Y", "for their dealing with Y") is done by the subject of the verb its clause
  hangs on, or by that verb's object when it designates, charges or accuses
  (:func:`control_chain`, used by :mod:`relation_links` for dealings);
- **groups of workers** named as the passive subject, the employer behind "by", "through" or
  "via", or listed in a description ("contracted by two companies, A and B", "employed
  through recruitment firms including A and B"), and an organisation "that has dispatched
  IT personnel" (:meth:`EventReader.worker_links`);
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from spacy.tokens import Span, Token

from sanctionwatch.extract.relation_finders import Link, SentenceFinder
from sanctionwatch.extract.relation_parse import (
    ORG_SCHEMATA,
    Party,
    children,
    conjuncts,
    direct_objects,
    is_passive,
    prep_objects,
)
from sanctionwatch.extract.rulefile import RuleSection, read_rule_file, rule_mapping
from sanctionwatch.settings import DATA_DIR

EVENTS_PATH = DATA_DIR / "extract" / "relations" / "events.yaml"
_SUBJECTS = ("nsubj", "nsubjpass", "csubj", "expl")
# who sends or hires a group: a company, a bureau or a person (docs/annotation.md)
_EMPLOYERS = ORG_SCHEMATA | {"Person"}


@dataclass(frozen=True, slots=True)
class ControlRules:
    """``events.yaml`` ``control``: who does what a clause without a subject says."""

    preps: frozenset[str]
    object_verbs: frozenset[str]
    subject_preps: frozenset[str]
    means_verbs: frozenset[str]
    request_verbs: frozenset[str]
    depth: int


@dataclass(frozen=True, slots=True)
class EventRules:
    """What :class:`EventReader` and :func:`control_chain` read from ``events.yaml``."""

    version: str
    control: ControlRules
    worker_verbs: frozenset[str]
    agent_preps: frozenset[str]
    worker_nouns: frozenset[str]
    worker_noun_verbs: frozenset[str]
    hiring_verbs: frozenset[str]
    workplace_preps: frozenset[str]
    people_nouns: frozenset[str]
    list_words: tuple[str, ...]
    worker_confidence: float


def parse_event_rules(path: Path, data: object) -> EventRules:
    """Validate the parsed YAML of an events file; errors name the file and the dotted key."""
    mapping = rule_mapping(path, data)
    control = RuleSection(path, mapping, "control")
    workers = RuleSection(path, mapping, "workers")
    return EventRules(
        version=str(mapping["version"]),
        control=ControlRules(
            preps=control.words("preps"),
            object_verbs=control.words("object_verbs"),
            subject_preps=control.words("subject_preps"),
            means_verbs=control.words("means_verbs"),
            request_verbs=control.words("request_verbs"),
            depth=control.count("depth", minimum=0),
        ),
        worker_verbs=workers.words("verbs"),
        agent_preps=workers.words("agent_preps"),
        worker_nouns=workers.words("nouns"),
        worker_noun_verbs=workers.words("noun_verbs"),
        hiring_verbs=workers.words("hiring_verbs"),
        workplace_preps=workers.words("workplace_preps"),
        people_nouns=workers.words("people_nouns"),
        list_words=workers.phrases("list_words"),
        worker_confidence=workers.confidence("confidence"),
    )


def load_event_rules_file(path: Path) -> EventRules:
    return parse_event_rules(path, read_rule_file(path, "event rules"))


@lru_cache(maxsize=1)
def default_event_rules() -> EventRules:
    """The packaged event rules (read once per process)."""
    return load_event_rules_file(EVENTS_PATH)


# -- controlled clauses ------------------------------------------------------------------------


def _own_subjects(verb: Token) -> list[Token]:
    return [tok for child in children(verb, *_SUBJECTS) for tok in conjuncts(child)]


def _opening(token: Token) -> tuple[Token, Token] | None:
    """The preposition that opens ``token``'s clause and the word that clause hangs on
    ("designated for providing": for, designated); a participle adjunct ("..., signing a
    contract") or an infinitive ("used X to employ", "set up firms to sell": see
    :func:`_purpose`) hangs on its verb with no preposition (the token itself is returned)."""
    current = token
    while current.dep_ == "conj" and current.head.i < current.i:
        current = current.head  # "providing ... and selling ...": the first conjunct's
    if current.dep_ in ("pcomp", "pobj") and current.head.dep_ == "prep":
        return current.head, current.head.head
    if (current.dep_ == "advcl" and current.tag_ in ("VBG", "VB")) or current.dep_ == "xcomp":
        return current, current.head  # "..., signing a contract", "used X to employ ..."
    return None


def _purpose(clause: Token, upper: Token, rules: ControlRules) -> bool:
    """An infinitive adjunct says what its verb was for, not what was done ("set up firms to
    sell coal to Y", "was created to supply Y"), except after a verb of means ("used its firms
    to hire workers": the hiring is what the using did)."""
    return (
        clause.dep_ == "advcl"
        and clause.tag_ == "VB"
        and upper.lemma_.lower() not in rules.means_verbs
    )


def _requested(clause: Token, upper: Token, rules: ControlRules) -> bool:
    """An infinitive after a verb of asking is asked for, not done ("asked X to hire
    workers", "was ordered to pay Y", "called on states to stop buying from Y")."""
    return clause.dep_ == "xcomp" and upper.lemma_.lower() in rules.request_verbs


def control_chain(
    token: Token, rules: ControlRules | None = None
) -> tuple[list[Token], list[Token]]:
    """Who does what ``token`` (a verb or a dealing noun) says when its clause has no subject,
    and the verbs climbed to find them: the passive subject of the verb it hangs on ("X was
    designated for providing ..."), that verb's object when it is an ``object_verbs`` verb
    ("accused X of signing ..."), or its active subject after a ``subject_preps`` preposition
    ("X grew by selling ..."). Empty when the parse says nothing certain."""
    rules = rules or default_event_rules().control
    if token.pos_ in ("VERB", "AUX") and _own_subjects(token):
        return [], []
    current, climbed = token, []
    for _ in range(rules.depth):
        opening = _opening(current)
        if opening is None:
            return [], []
        prep, upper = opening
        adjunct = prep.i == current.i
        word = prep.lower_
        if (not adjunct and word not in rules.preps) or upper.pos_ not in ("VERB", "AUX"):
            return [], []
        climbed.append(upper)
        if _purpose(current, upper, rules) or _requested(current, upper, rules):
            return [], climbed
        objects = direct_objects(upper)
        if current.dep_ == "xcomp" and objects:
            # "enabled X to conduct ...", "ordered nations to stop ...": the object does it,
            # except with verbs of means ("used its firms to hire ...": the user does)
            if upper.lemma_.lower() not in rules.means_verbs:
                return objects, climbed
            found = _own_subjects(upper)
        elif is_passive(upper) or children(upper, "nsubjpass"):
            found = _own_subjects(upper)
        elif upper.lemma_.lower() in rules.object_verbs:
            found = objects
        elif adjunct or word in rules.subject_preps:
            found = _own_subjects(upper)
        else:
            return [], []
        if found:
            return found, climbed
        current = upper  # "accused X of using ..., signing ...": climb one clause
    return [], []


# -- groups of workers -------------------------------------------------------------------------


class EventReader:
    """Reads the worker constructions of the module docstring in one sentence."""

    def __init__(self, finder: SentenceFinder, rules: EventRules | None = None) -> None:
        self.finder = finder
        self.index = finder.index
        self.rules = rules or default_event_rules()
        self.list_words = frozenset(self.rules.list_words)

    # -- workers -------------------------------------------------------------------------

    def _group(self, token: Token, verb: Token) -> Token | None:
        """The unnamed group of workers at ``token`` (rules.yaml nouns, plus ``nouns`` when
        ``verb`` hires or sends them: "dispatched IT personnel", not "trained IT personnel")."""
        found = self.finder.worker_group(token)
        if found is not None:
            return found
        if self.index.at(token) is not None:
            return None
        if verb.lemma_.lower() not in self.rules.worker_noun_verbs:
            return None
        if token.lemma_.lower() in self.rules.worker_nouns:
            return token
        if token.like_num or token.lemma_.lower() in self.finder.rules.worker_quantities:
            for _, obj in prep_objects(token, {"of"}):  # "large numbers of IT personnel"
                if obj.lemma_.lower() in self.rules.worker_nouns and self.index.at(obj) is None:
                    return obj
        return None

    def _people(self, token: Token) -> Token | None:
        """ "46 North Koreans were employed at X": people hired are a group of workers."""
        if self.index.at(token) is None and token.lower_ in self.rules.people_nouns:
            return token
        return None

    def _listed(self, noun: Token) -> list[Token]:
        """The names a description lists: "firms including A, B and C", "companies such as A"."""
        listed: list[Token] = []
        doc = noun.doc
        for child in noun.children:
            before = doc[child.i - 1].lower_ if child.i > 0 else ""
            words = {child.lower_, f"{before} {child.lower_}"}
            if child.dep_ in ("prep", "acl", "amod", "advmod") and words & self.list_words:
                for obj in children(child, "pobj", "dobj", "obj"):
                    listed.extend(conjuncts(obj))
        return listed

    def _employers(self, tokens: list[Token]) -> list[Party]:
        reached: list[Token] = []
        for token in tokens:
            reached.append(token)
            if self.index.at(token) is None:
                reached.extend(self._listed(token))
        parties = self.finder.parties(reached, _EMPLOYERS)
        return [p for p in parties if self.finder.is_party(p, _EMPLOYERS)]

    def worker_links(self, sentence: Span) -> Iterator[Link]:
        for verb in sentence:
            if verb.pos_ != "VERB" or verb.lemma_.lower() not in self.rules.worker_verbs:
                continue
            if not self.finder.asserted(verb):
                continue
            if is_passive(verb) or children(verb, "agent"):
                yield from self._passive_group(verb, sentence)
            else:
                yield from self._active_group(verb, sentence)

    def _passive_group(self, verb: Token, sentence: Span) -> Iterator[Link]:
        """ "the workers were employed through X", "workers contracted by two companies, A and
        B" (the worker verb's passive subject, or the noun its participle describes)."""
        candidates = children(verb, "nsubjpass")
        if verb.dep_ == "acl":
            candidates.append(verb.head)
        hiring = verb.lemma_.lower() in self.rules.hiring_verbs
        groups = [
            g
            for c in candidates
            for t in conjuncts(c)
            if (g := self._group(t, verb) or (self._people(t) if hiring else None)) is not None
        ]
        if not groups:
            return
        preps = self.rules.agent_preps | (self.rules.workplace_preps if hiring else frozenset())
        agents = [obj for _, obj in prep_objects(verb, preps)]
        yield from self._group_links(self._employers(agents), groups, verb, sentence)

    def _active_group(self, verb: Token, sentence: Span) -> Iterator[Link]:
        """ "X, an agency that has dispatched IT personnel abroad", "accused X of using firms to
        employ IT workers" (the clause's controller); a verb with its own subject and a group
        rules.yaml names is the sentence rules' business."""
        objects = direct_objects(verb)
        own = children(verb, "nsubj")
        groups = [
            g
            for obj in objects
            if (g := self._group(obj, verb)) is not None
            and not (own and self.finder.worker_group(obj) is not None)
        ]
        if not groups:
            return
        subjects = [
            found for subject in own if (found := self._antecedent(subject, verb)) is not None
        ]
        if not subjects:
            subjects, climbed = control_chain(verb, self.rules.control)
            if not all(self.finder.asserted(upper) for upper in climbed):
                return
        yield from self._group_links(self._employers(subjects), groups, verb, sentence)

    def _antecedent(self, subject: Token, verb: Token) -> Token | None:
        """A relative pronoun stands for the noun its clause describes, and an unnamed or
        indefinite noun for the name it is apposed to ("X, an agency that has dispatched
        ...": X, not a name inside the description)."""
        if subject.tag_ not in ("WDT", "WP") or verb.dep_ != "relcl":
            return subject
        noun = verb.head
        indefinite = any(c.dep_ == "det" and c.lower_ in ("a", "an") for c in noun.children)
        if noun.dep_ == "appos" and (indefinite or self.index.at(noun) is None):
            return noun.head  # "X, a Ministry of Defense-affiliated agency that ...": X
        return noun if self.index.at(noun) is not None else None

    def _group_links(
        self, employers: list[Party], groups: list[Token], verb: Token, sentence: Span
    ) -> Iterator[Link]:
        for employer in employers:
            for group in groups:
                link = self.finder.worker_link(employer, group, verb, sentence)
                link.confidence = self.rules.worker_confidence
                yield link
