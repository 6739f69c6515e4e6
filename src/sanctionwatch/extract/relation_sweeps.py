"""Relations in the layouts real pages use that the per-sentence rules do not read.

The sentence rules (:mod:`relation_finders`) follow a verb or a noun to its dependents. On pages
they were not written on, the parties are often not where the parse puts a verb's object:

- a designation names its targets in a long enumeration with titles and relative clauses
  ("OFAC targeted X, which ..., its director Y and deputy director Z"), or its subject is a word
  standing for the authority named before ("The office also targeted ...");
- the designated parties come as list items after "These include:", each followed by a line
  describing it ("- A front company maintaining IT workers in Laos");
- nationalities are stated once for an enumeration ("three North Korean firms - A, B and C");
- employers of workers are listed after a colon or with "Among the employers are ...";
- a joint venture is named as "Joint venture A & B".

This pass reads the sentences in order after the sentence rules; the words it reads are data
(``data/extract/relations/sweeps.yaml``). It writes the same link and fact records.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from pathlib import Path
from typing import Any, TypedDict

from spacy.tokens import Span, Token

from sanctionwatch.extract.relation_dates import resolve_date
from sanctionwatch.extract.relation_finders import (
    Designator,
    Fact,
    Found,
    Link,
    SentenceFinder,
    country_code,
)
from sanctionwatch.extract.relation_parse import (
    ORG_SCHEMATA,
    Party,
    agents,
    children,
    clause_subjects,
    conjuncts,
    date_of,
    direct_objects,
    is_passive,
    passive_subjects,
    passive_targets,
    prep_objects,
)
from sanctionwatch.extract.relation_rules import (
    Authority,
    LinkShape,
    normalise_phrase,
    participles,
)
from sanctionwatch.extract.rulefile import RuleSection, read_rule_file, rule_mapping
from sanctionwatch.extract.types import Mention
from sanctionwatch.settings import DATA_DIR

SWEEPS_PATH = DATA_DIR / "extract" / "relations" / "sweeps.yaml"
_BULLETS = frozenset({"-", "–", "—", "•", "*", "·"})
_COUNTRY_ENTS = frozenset({"NORP", "GPE"})


@dataclass(frozen=True, slots=True)
class SweepRules:
    """What :class:`SweepFinder` reads from ``sweeps.yaml`` (lower-cased)."""

    version: str
    designation_verbs: frozenset[str]
    inclusion_verbs: frozenset[str]
    transpose_verbs: frozenset[str]
    adoption_verbs: frozenset[str]
    state_verbs: frozenset[str]
    state_confidence: float
    delist_verbs: frozenset[str]
    remove_verbs: frozenset[str]
    lift_verbs: frozenset[str]
    delisting_confidence: float
    authority_nouns: frozenset[str]
    carry_sentences: int
    stops: tuple[str, ...]
    list_openers: tuple[str, ...]
    list_window: int
    designation_confidence: float
    determiners: frozenset[str]
    front_words: frozenset[str]
    description_worker_verbs: frozenset[str]
    description_confidence: float
    nationality_nouns: frozenset[str]
    separators: frozenset[str]
    joiners: frozenset[str]
    control_verbs: frozenset[str]
    nationality_confidence: float
    employer_verbs: frozenset[str]
    among_nouns: frozenset[str]
    employer_confidence: float
    venture_words: tuple[str, ...]
    venture_confidence: float
    based_words: frozenset[str]
    part_nouns: frozenset[str]
    naming_words: frozenset[str]


class _DesignationFields(TypedDict):
    """``designations`` (see :func:`_designation_fields`)."""

    designation_verbs: frozenset[str]
    inclusion_verbs: frozenset[str]
    transpose_verbs: frozenset[str]
    adoption_verbs: frozenset[str]
    authority_nouns: frozenset[str]
    carry_sentences: int
    stops: tuple[str, ...]
    list_openers: tuple[str, ...]
    list_window: int
    designation_confidence: float


class _ListingStateFields(TypedDict):
    """``listed_state`` and ``delistings`` (see :func:`_listing_state_fields`)."""

    state_verbs: frozenset[str]
    state_confidence: float
    delist_verbs: frozenset[str]
    remove_verbs: frozenset[str]
    lift_verbs: frozenset[str]
    delisting_confidence: float


class _DescriptionFields(TypedDict):
    """``descriptions`` (see :func:`_description_fields`)."""

    determiners: frozenset[str]
    front_words: frozenset[str]
    description_worker_verbs: frozenset[str]
    description_confidence: float


class _NationalityFields(TypedDict):
    """``enumerated_nationality`` (see :func:`_nationality_fields`)."""

    nationality_nouns: frozenset[str]
    separators: frozenset[str]
    joiners: frozenset[str]
    control_verbs: frozenset[str]
    nationality_confidence: float


class _EmployerFields(TypedDict):
    """``listed_employers`` (see :func:`_employer_fields`)."""

    employer_verbs: frozenset[str]
    among_nouns: frozenset[str]
    employer_confidence: float


def parse_sweep_rules(path: Path, data: Any) -> SweepRules:
    """Validate the parsed YAML of a sweeps file (checks shared with the other rules files)."""
    data = rule_mapping(path, data)
    des = RuleSection(path, data, "designations")
    desc = RuleSection(path, data, "descriptions")
    nat = RuleSection(path, data, "enumerated_nationality")
    emp = RuleSection(path, data, "listed_employers")
    ven = RuleSection(path, data, "joint_venture")
    loc = RuleSection(path, data, "located")
    part = RuleSection(path, data, "parts")
    state = RuleSection(path, data, "listed_state")
    delist = RuleSection(path, data, "delistings")
    return SweepRules(
        version=str(data["version"]),
        **_designation_fields(des),
        **_listing_state_fields(state, delist),
        **_description_fields(desc),
        **_nationality_fields(nat),
        **_employer_fields(emp),
        venture_words=ven.phrases("words"),
        venture_confidence=ven.confidence("confidence"),
        based_words=loc.words("based_words"),
        part_nouns=part.words("nouns"),
        naming_words=part.words("naming_words"),
    )


def _designation_fields(des: RuleSection) -> _DesignationFields:
    """``designations``: the cue verbs, the words standing for an authority, and where a
    list of designated parties starts and ends."""
    return {
        "designation_verbs": des.words("verbs"),
        "inclusion_verbs": des.words("inclusion_verbs"),
        "transpose_verbs": des.words("transpose_verbs"),
        "adoption_verbs": des.words("adoption_verbs"),
        "authority_nouns": des.words("authority_nouns"),
        "carry_sentences": des.count("carry_sentences"),
        "stops": des.phrases("stops"),
        "list_openers": des.phrases("list_openers"),
        "list_window": des.count("list_window"),
        "designation_confidence": des.confidence("confidence"),
    }


def _listing_state_fields(state: RuleSection, delist: RuleSection) -> _ListingStateFields:
    """``listed_state`` ("X is listed") and ``delistings`` (a listing that ends)."""
    return {
        "state_verbs": state.words("verbs"),
        "state_confidence": state.confidence("confidence"),
        "delist_verbs": delist.words("verbs"),
        "remove_verbs": delist.words("remove_verbs"),
        "lift_verbs": delist.words("lift_verbs"),
        "delisting_confidence": delist.confidence("confidence"),
    }


def _description_fields(desc: RuleSection) -> _DescriptionFields:
    """``descriptions``: a list item naming no party ("- A front company maintaining IT
    workers") describes the item above it."""
    return {
        "determiners": desc.words("determiners"),
        "front_words": desc.words("front_words"),
        "description_worker_verbs": desc.words("worker_verbs"),
        "description_confidence": desc.confidence("confidence"),
    }


def _nationality_fields(nat: RuleSection) -> _NationalityFields:
    """``enumerated_nationality``: "three North Korean firms - A, B and C": a nationality word
    on a noun, then the parties it describes."""
    return {
        "nationality_nouns": nat.words("nouns"),
        "separators": nat.words("separators"),
        "joiners": nat.words("joiners"),
        "control_verbs": nat.words("control_verbs"),
        "nationality_confidence": nat.confidence("confidence"),
    }


def _employer_fields(emp: RuleSection) -> _EmployerFields:
    """``listed_employers``: "processors that employ North Koreans: A; B", "Among the
    employers are A and B"."""
    return {
        "employer_verbs": emp.words("verbs"),
        "among_nouns": emp.words("among_nouns"),
        "employer_confidence": emp.confidence("confidence"),
    }


def load_sweep_rules_file(path: Path) -> SweepRules:
    return parse_sweep_rules(path, read_rule_file(path, "sweep rules"))


@lru_cache(maxsize=1)
def default_sweep_rules() -> SweepRules:
    """The packaged sweep rules (read once per process)."""
    return load_sweep_rules_file(SWEEPS_PATH)


@dataclass(slots=True)
class _Said:
    """The authority a designation named last, in which sentence, and its date."""

    authority: Authority
    written: str
    position: int
    dated: tuple[str, str] | None = None


class SweepFinder:
    """Reads the layouts listed in the module docstring over one document's sentences."""

    def __init__(self, finder: SentenceFinder, rules: SweepRules) -> None:
        self.finder = finder
        self.index = finder.index
        self.rules = rules
        self.last: _Said | None = None
        self.last_front: Party | None = None
        self._starts = [mention.start for mention in finder.index.ordered]
        self.text = finder.text
        rules = self.rules
        self._delisting_words = rules.delist_verbs | rules.remove_verbs | rules.lift_verbs
        # an authority's freeze is a designation (rules.yaml sanctions.freeze_verbs)
        self._designation_verbs = rules.designation_verbs | finder.rules.freeze_verbs
        self._participles = participles(self._designation_verbs)
        self._trigger_words = (
            self._designation_verbs
            | finder.rules.list_verbs
            | rules.inclusion_verbs
            | rules.state_verbs
            | self._delisting_words
        )

    def _mentions_in(self, sentence: Span) -> list[Mention]:
        """Mentions starting inside ``sentence`` (by bisection: documents can be long)."""
        ordered = self.index.ordered
        first = bisect_left(self._starts, sentence.start_char)
        last = bisect_left(self._starts, sentence.end_char)
        return list(ordered[first:last])

    def find(self, sentences: Sequence[Span]) -> Iterator[Found]:
        listed: set[int] = set()
        for position, sentence in enumerate(sentences):
            for verb in sentence:
                if verb.lemma_.lower() not in self._trigger_words:
                    continue  # most words trigger no designation rule: skip them at once
                if position not in listed:
                    yield from self._designation(verb, sentences, position, listed)
                yield from self._inclusion(verb, sentences, position)
                yield from self._listed_state(verb, sentences, position)
                yield from self._delisting(verb, sentences, position)
            yield from self._enumerated_nationalities(sentence)
            yield from self._city_country_based(sentence)
            yield from self._its_title_then_name(sentence)
            yield from self._both_based(sentence)
            yield from self._part_called(sentence)
            yield from self._controlled_by(sentence)
            yield from self._listed_employers(sentence, sentences, position)
            yield from self._joint_ventures(sentence)

    # -- designations ----------------------------------------------------------------------

    def _authority(self, verb: Token, position: int) -> tuple[Authority, str] | None:
        stated = self.finder.stated_authority(verb)
        if stated is not None:
            self.last = _Said(*stated, position, self.finder.designation_date(verb, verb.sent))
            return stated
        carried = self.last
        if carried is not None and position - carried.position > self.rules.carry_sentences:
            carried = None
        subjects = agents(verb) if is_passive(verb) else clause_subjects(verb)
        enumerations = self.finder.rules.enumerations
        actions = enumerations.action_nouns if enumerations is not None else frozenset()
        for subject in subjects:
            lemma = subject.lemma_.lower()
            if carried is not None and lemma in actions and self.index.at(subject) is None:
                return carried.authority, carried.written  # "The sanctions target X, Y ..."
            definite = any(child.lower_ == "the" for child in subject.lefts)
            if not definite or lemma not in self.rules.authority_nouns:
                continue
            if carried is not None:
                return carried.authority, carried.written
            return self._acting_authority(subject)
        return None

    def _acting_authority(self, noun: Token) -> tuple[Authority, str] | None:
        """ "The Council has added X to the lists" with no designation before: the last
        authority that acted (a clause's subject) before ``noun``, when ``noun`` is a word of
        one of its names (the EU for "the Council"; "the UN Security Council resolution", a
        modifier, does not act)."""
        word = noun.lower_
        for mention in reversed(self.index.ordered):
            if mention.start >= noun.idx:
                continue
            token = self.index.doc.char_span(mention.start, mention.end, alignment_mode="expand")
            if token is None or token.root.dep_ not in ("nsubj", "nsubjpass"):
                continue
            authority = self.finder.rules.authority(mention.text)
            if authority is not None and any(word in alias.split() for alias in authority.aliases):
                return authority, mention.text
        return None

    def _designation(
        self, verb: Token, sentences: Sequence[Span], position: int, listed: set[int]
    ) -> Iterator[Found]:
        if verb.pos_ != "VERB":
            return
        to_list = self.finder.list_preposition(verb)  # "added X to the lists of ..."
        if verb.lemma_.lower() not in self._designation_verbs and to_list is None:
            return
        if not self.finder.asserted(verb):
            return  # "OFAC did not target X", "the EU might sanction X": no designation
        has_subject = any(child.dep_ in ("nsubj", "nsubjpass") for child in verb.children)
        said: tuple[Authority, str] | None
        if verb.dep_ in ("amod", "compound") and not has_subject:
            # "the designated entities": nothing. "OFAC designated X" misparsed: the sentence
            # rules read X, the designations after it carry its authority on, and when the
            # authority stands right before the verb ("OFAC on Friday designated X, its owner
            # Y and Z") the verb is read as the finite verb it is
            said = self.finder.surface_authority(verb)
            stated = said or self.finder.modifier_authority(verb)
            dated = self.finder.designation_date(verb, verb.sent) or self._one_date(verb.sent)
            if stated is not None:
                self.last = _Said(stated[0], stated[1], position, dated)
            if said is None:
                return
        else:
            said = self._authority(verb, position)
            dated = None
        if said is None:
            return
        sentence = self._with_continuation(sentences, position)
        until = to_list.i if to_list is not None else None
        swept = self._swept(verb, sentence, until=until)
        for party in swept:
            yield from self._sanction(party, said, verb, sentence, dated=dated)
        yield from self._transposed(swept, verb, sentence, sentences, position)
        sentence = sentences[position]
        if self._opens_list(sentences, position) and position + 1 not in listed:
            listed.add(position + 1)
            yield from self._list_items(said, verb, sentences, position, listed)

    def _one_date(self, sentence: Span) -> tuple[str, str] | None:
        """The date a sentence states when it states exactly one ("OFAC on Friday designated
        X" misparsed: the date hangs on no verb)."""
        dates = [ent for ent in sentence.ents if ent.label_ == "DATE"]
        if len(dates) != 1:
            return None
        value = resolve_date(dates[0].text, self.finder.context.published)
        return (value, dates[0].text) if value is not None else None

    # -- "..., transposing UN Security Council resolution 2397" -------------------------------

    def _transposed(
        self,
        parties: list[Party],
        verb: Token,
        sentence: Span,
        sentences: Sequence[Span],
        position: int,
    ) -> Iterator[Link]:
        """A designation that transposes (implements) another authority's instrument ("the
        Council added X to the lists, transposing UN Security Council resolution 2397") states
        that authority's designation of X too, under that instrument, dated by its adoption
        when the next sentences give it ("This resolution was adopted on 22 December 2017")."""
        if not parties:
            return
        for token in sentence:
            if token.i <= verb.i or token.lemma_.lower() not in self.rules.transpose_verbs:
                continue
            for instrument, authority in self._instruments_of(token):
                designator = Designator(authority, instrument.text, (instrument.canonical,))
                dated = self._adopted(instrument, sentences, position)
                for party in parties:
                    yield from self.finder.sanction_links(
                        party,
                        designator,
                        token,
                        sentence,
                        rule="sweep:transposed",
                        confidence=self.rules.designation_confidence,
                        dated=dated,
                    )
            return

    def _instruments_of(self, verb: Token) -> list[tuple[Mention, Authority]]:
        """Legal instruments in the transposing verb's phrase whose name starts with a
        sanctioning authority's ("UN Security Council resolution 2397")."""
        found: list[tuple[Mention, Authority]] = []
        last = verb.right_edge  # the subtree always holds the verb: never empty
        start, end = verb.left_edge.idx, last.idx + len(last)
        for mention in self.index.ordered:
            if mention.schema != "LegalInstrument" or not start <= mention.start < end:
                continue
            words = mention.text.split()
            for size in range(len(words) - 1, 0, -1):
                authority = self.finder.rules.authority(" ".join(words[:size]))
                if authority is not None:
                    found.append((mention, authority))
                    break
        return found

    def _adopted(
        self, instrument: Mention, sentences: Sequence[Span], position: int
    ) -> tuple[str, str] | None:
        """The date the next two sentences give for the instrument's adoption, with the
        instrument (or its kind: "This resolution") as the verb's subject."""
        kind = instrument.text.split()[-2].lower() if len(instrument.text.split()) > 1 else ""
        for index in range(position + 1, min(len(sentences), position + 3)):
            for verb in sentences[index]:
                if verb.lemma_.lower() not in self.rules.adoption_verbs:
                    continue
                subjects = passive_subjects(verb) or clause_subjects(verb)
                named = any(
                    subject.lower_ == kind
                    or (
                        (mention := self.index.at(subject)) is not None
                        and mention.entity_id == instrument.entity_id
                    )
                    for subject in subjects
                )
                if named:
                    return date_of(verb, self.finder.context.published)
        return None

    # -- "X was already on the sanctions list"; "OFAC removed X from the SDN list" -------------

    def _listed_state(
        self, verb: Token, sentences: Sequence[Span], position: int
    ) -> Iterator[Link]:
        """ "X was already on the sanctions list", "X has been on the EU's list since 2017",
        "X has been under UN sanctions since 2016", "X is subject to U.S. sanctions": a
        listing stated as a state. Dated only by its own words ("since 2017"), never by the
        document: it was made before."""
        if verb.lemma_.lower() not in self.rules.state_verbs or not self.finder.asserted(verb):
            return
        on = self.finder.list_after(verb, ("on",), strict=True)
        if on is not None and on.head == verb:
            said = self._list_authority(on, position)
        else:
            said = self._measures_authority(verb)
        if said is None:
            return
        sentence = sentences[position]
        dated = date_of(verb, self.finder.context.published)
        for party in self.finder.parties(clause_subjects(verb)):
            if self._target(party):
                yield from self.finder.sanction_links(
                    party,
                    Designator(*said),
                    verb,
                    sentence,
                    rule="sweep:listed-state",
                    confidence=self.rules.state_confidence,
                    dated=dated,
                )

    def _measures_authority(self, verb: Token) -> tuple[Authority, str] | None:
        """ "under UN sanctions", "subject to U.S. sanctions": the authority that names the
        measures (measures without one, "under international sanctions", state nothing)."""
        measures = [obj for _, obj in prep_objects(verb, {"under"})]
        for subject in verb.children:
            if subject.dep_ == "acomp" and subject.lower_ == "subject":
                measures += [obj for _, obj in prep_objects(subject, {"to"})]
        for measure in measures:
            if measure.lemma_.lower() not in self.finder.rules.measure_nouns:
                continue
            for modifier in measure.lefts:
                if modifier.dep_ not in ("compound", "amod", "poss", "nmod", "npadvmod"):
                    continue
                authority = self.finder.authority_of(modifier)
                if authority is not None:
                    return authority, self.finder.mention_text(modifier)
        return None

    def _delisting(self, verb: Token, sentences: Sequence[Span], position: int) -> Iterator[Link]:
        """ "OFAC delisted X", "the EU removed X from its list", "lifted sanctions on X": the
        end of a listing, written as a ``delisting`` (a Sanction with an ``endDate``), never as
        a designation."""
        if not self._is_delisting_cue(verb):
            return
        where = self._removed_from(verb)
        tokens = self._delisted_tokens(verb, where)
        parties = [party for party in self.finder.parties(tokens) if self._target(party)]
        if not parties:
            return
        said = self._delisting_authority(verb, where, position)
        if said is None:
            return
        sentence = sentences[position]
        for party in parties:
            yield from self.finder.sanction_links(
                party,
                Designator(*said),
                verb,
                sentence,
                rule="sweep:delisting",
                confidence=self.rules.delisting_confidence,
                dated=self.finder.designation_date(verb, sentence),
                kind="delisting",
            )

    def _is_delisting_cue(self, verb: Token) -> bool:
        """A delisting, removal or lifting verb stated as fact."""
        return (
            verb.lemma_.lower() in self._delisting_words
            and verb.pos_ == "VERB"
            and self.finder.asserted(verb)
        )

    def _removed_from(self, verb: Token) -> Token | None:
        """The "from"/"off" of "removed X from the list": a removal verb ends a listing only
        with a list after it ("removed X from office" does not)."""
        if verb.lemma_.lower() not in self.rules.remove_verbs:
            return None
        return self.finder.list_after(verb, ("from", "off"), strict=True)

    def _delisted_tokens(self, verb: Token, where: Token | None) -> list[Token]:
        """Who is delisted: the object of "delisted"/"removed ... from the list" (the subject
        when passive), plus whoever lifted sanctions were on."""
        lemma = verb.lemma_.lower()
        targets: list[Token] = []
        if lemma in self.rules.delist_verbs or where is not None:
            targets = passive_targets(verb) if is_passive(verb) else direct_objects(verb)
        if lemma in self.rules.lift_verbs:
            targets += self._lifted_targets(verb)
        return targets

    def _lifted_targets(self, verb: Token) -> list[Token]:
        """ "lifted sanctions on X", "sanctions on X were lifted", "revoked the designation
        of X": the X."""
        targets = list(self.finder.measure_targets(verb, self.rules.lift_verbs))
        measures = passive_subjects(verb) if is_passive(verb) else direct_objects(verb)
        for measure in measures:
            if measure.lemma_.lower() in self.finder.rules.measure_nouns:
                preps = {"on", "against", "of"} if is_passive(verb) else {"of"}
                targets += [obj for _, obj in prep_objects(measure, preps)]
        return targets

    def _delisting_authority(
        self, verb: Token, where: Token | None, position: int
    ) -> tuple[Authority, str] | None:
        """Who delists: the authority the clause names, else the one the list is named for,
        else the one whose press release the document is."""
        said = self.finder.stated_authority(verb)
        if said is None and where is not None:
            said = self._list_authority(where, position)
        return said or self.finder.release_authority()

    def _list_authority(self, preposition: Token, position: int) -> tuple[Authority, str] | None:
        """The authority a list is named for ("the EU sanctions list", "OFAC's SDN list"),
        else the one carried over or whose press release the document is."""
        for noun in children(preposition, "pobj"):
            for token in noun.subtree:
                if token.i >= noun.i or token.dep_ not in ("compound", "poss", "nmod", "amod"):
                    continue
                if token.lower_ in ("its", "their"):
                    continue
                authority = self.finder.authority_of(token)
                if authority is not None:
                    return authority, self.finder.mention_text(token)
        carried = self.last
        if carried is not None and position - carried.position <= self.rules.carry_sentences:
            return carried.authority, carried.written
        return self.finder.release_authority()

    # -- "Those sanctioned include X and Y" ---------------------------------------------------

    def _inclusion(self, verb: Token, sentences: Sequence[Span], position: int) -> Iterator[Link]:
        """ "Those sanctioned include X and Y", "Among those designated are X", "The entities
        designated today are X and Y": the parties named after an inclusion verb whose subject
        (or "among" object) is qualified by a designation participle. The authority is the
        participle's agent ("those sanctioned by the EU"), else the one carried over."""
        if verb.lemma_.lower() not in self.rules.inclusion_verbs or verb.pos_ not in (
            "VERB",
            "AUX",
        ):
            return
        if not self.finder.asserted(verb):
            return  # "the list of those sanctioned does not include X"
        designated = self._designated_group(verb)
        if designated is None:
            yield from self._member_of_designated(verb, sentences, position)
            return
        said = self._participle_authority(designated, position)
        if said is None:
            return
        sentence = self._with_continuation(sentences, position)
        dated = self._carried_date(designated, sentence, said)
        for party in self._swept(verb, sentence, keep_subjects=True):
            yield from self._sanction(party, said, verb, sentence, "sweep:inclusion", dated)

    def _designated_group(self, verb: Token) -> Token | None:
        """The participle that makes the verb's subject (or the object of its "among") stand
        for designated parties: "those [sanctioned]", "the [designated] entities"."""
        heads = [child for child in verb.children if child.dep_ in ("nsubj", "nsubjpass")]
        if not any(self.index.at(head) is not None and head.i < verb.i for head in heads):
            # "Among those designated are X"; "X is among those designated" is X's own
            heads += [obj for _, obj in prep_objects(verb, {"among"})]
        for head in heads:
            if self.index.at(head) is not None:
                continue  # "X is among those designated": X itself, read by the rules above
            for child in head.children:
                if child.dep_ not in ("acl", "amod", "relcl"):
                    continue
                if not self._designation_word(child):
                    continue
                if not self.finder.asserted(child):
                    return None  # "those not sanctioned", "those who could be sanctioned"
                return child
        return None

    def _member_of_designated(
        self, verb: Token, sentences: Sequence[Span], position: int
    ) -> Iterator[Link]:
        """ "X is among those designated today", "X, a banker, is one of the individuals
        sanctioned by Japan": the subject is one of the designated parties."""
        groups = [obj for _, obj in prep_objects(verb, {"among"})]
        for attr in verb.children:
            if attr.dep_ == "attr" and attr.lower_ == "one":
                groups += [obj for _, obj in prep_objects(attr, {"of"})]
        for group in groups:
            participle = next(
                (c for c in group.children if c.dep_ in ("acl", "amod", "relcl")), None
            )
            if participle is None or not self._designation_word(participle):
                continue
            if not self.finder.asserted(participle):
                return
            said = self._participle_authority(participle, position)
            if said is None:
                return
            sentence = sentences[position]
            dated = self._carried_date(participle, sentence, said)
            for party in self.finder.parties(clause_subjects(verb)):
                if self._target(party):
                    yield from self._sanction(party, said, verb, sentence, "sweep:inclusion", dated)
            return

    def _carried_date(
        self, participle: Token, sentence: Span, said: tuple[Authority, str]
    ) -> tuple[str, str] | None:
        """The participle's own date, else that of the designation it refers back to
        ("OFAC sanctioned two people on Tuesday. Those sanctioned include ...")."""
        dated = self.finder.designation_date(participle, sentence)
        if dated is None and self.last is not None and said[0] == self.last.authority:
            return self.last.dated
        return dated

    def _designation_word(self, token: Token) -> bool:
        """A designation verb, also as its participle when the tagger reads it as an adjective
        ("those sanctioned", "the designated entities"); exactly, not by stripping letters
        ("targets", "blocs" are no participles)."""
        lemma = token.lemma_.lower()
        return lemma in self._designation_verbs or token.lower_ in self._participles

    def _participle_authority(
        self, participle: Token, position: int
    ) -> tuple[Authority, str] | None:
        for _, agent in prep_objects(participle, {"by"}):
            for conj in conjuncts(agent):
                authority = self.finder.authority_of(conj)
                if authority is not None:
                    return authority, self.finder.mention_text(conj)
            return None  # "those sanctioned by Russia": no authority we know
        carried = self.last
        if carried is not None and position - carried.position <= self.rules.carry_sentences:
            return carried.authority, carried.written
        return self.finder.release_authority()

    @staticmethod
    def _with_continuation(sentences: Sequence[Span], position: int) -> Span:
        """The sentence, and the next one when the parser ended it inside parentheses
        ("X Co., Ltd. (a.k.a." | "“Y”), its CEO, Z ...")."""
        sentence = sentences[position]
        if position + 1 < len(sentences) and sentence.text.count("(") > sentence.text.count(")"):
            return sentence.doc[sentence.start : sentences[position + 1].end]
        return sentence

    def _excluded(self, verb: Token, sentence: Span, keep_subjects: bool = False) -> set[int]:
        """Tokens whose mentions are not targets: subjects (unless ``keep_subjects``: "among
        those designated are X"), relative clauses, and what an appositive description is
        "of"/"at"/"in" ("a diplomat at X's embassy")."""
        excluded: set[int] = set()
        for subject in [] if keep_subjects else clause_subjects(verb) + agents(verb):
            excluded.update(token.i for token in subject.subtree)
        for token in sentence:
            if token.i <= verb.i:
                continue
            if token.dep_ in ("relcl", "acl", "advcl"):
                excluded.update(self._clause_tokens(token))
            if token.dep_ == "appos" and self.index.at(token) is None:
                for child in token.children:
                    if child.dep_ == "prep":
                        excluded.update(t.i for t in child.subtree)
        return excluded

    @staticmethod
    def _clause_tokens(clause: Token) -> list[int]:
        """A relative or participle clause up to the first comma after its verb: the parser
        often hangs the rest of an enumeration on the clause ("X, which the UN called a
        broker, its director Y")."""
        tokens = sorted(clause.subtree, key=lambda t: t.i)
        kept = []
        for token in tokens:
            if token.i > clause.i and token.text == ",":
                break
            kept.append(token.i)
        return kept

    def _stops(self, token: Token) -> bool:
        rest = normalise_phrase(self.text[token.idx : token.idx + 30])
        return any(rest == stop or rest.startswith(stop + " ") for stop in self.rules.stops)

    def _swept(
        self,
        verb: Token,
        sentence: Span,
        keep_subjects: bool = False,
        until: int | None = None,
    ) -> list[Party]:
        """Parties named after the verb up to a reason or basis (or ``until``: the "to" of
        "added X to the list"), outside relative clauses."""
        excluded = self._excluded(verb, sentence, keep_subjects)
        found: dict[str, Party] = {}
        index = verb.i + 1
        stop = sentence.end if until is None else min(until, sentence.end)
        quoted = self._inside_quote(verb, sentence)
        while index < stop:
            token = sentence.doc[index]
            mention = self.index.at(token)
            if mention is None:
                if self._stops(token) or (quoted and token.text in ("”", '"')):
                    break
                index += 1
                continue
            party = Party.of(mention)
            end = self._end_token(mention)
            possessor = end < sentence.end and sentence.doc[end].lower_ in ("'s", "’s", "'")
            if index not in excluded and not possessor and self._target(party):
                found.setdefault(party.entity_id or party.name, party)
            index = max(index + 1, self._end_token(mention))
        return list(found.values())

    @staticmethod
    def _inside_quote(verb: Token, sentence: Span) -> bool:
        """ "“Today's sanctions target X,” Secretary Y said": the verb is quoted, so the list
        ends with the quotation and whoever is named after it speaks (a quoted title,
        "X, which the UN called the “secret police,” its director Y", leaves a verb outside
        quotation marks)."""
        before = [t.text for t in sentence if t.i < verb.i]
        curly = before.count("“") > before.count("”")
        return curly or before.count('"') % 2 == 1

    def _end_token(self, mention: Mention) -> int:
        span = self.index.doc.char_span(mention.start, mention.end, alignment_mode="expand")
        return span.end if span is not None else 0

    def _target(self, party: Party) -> bool:
        return (
            bool(party.entity_id)
            and self.finder.is_party(party)
            and self.finder.rules.authority(party.name) is None
        )

    def _sanction(
        self,
        party: Party,
        said: tuple[Authority, str],
        verb: Token,
        sentence: Span,
        rule: str = "sweep:designation",
        dated: tuple[str, str] | None = None,
    ) -> Iterator[Link]:
        yield from self.finder.sanction_links(
            party,
            Designator(*said),
            verb,
            sentence,
            rule=rule,
            confidence=self.rules.designation_confidence,
            dated=dated or self.finder.designation_date(verb, sentence),
        )

    # -- "These include:" and list items -----------------------------------------------------

    def _opens_list(self, sentences: Sequence[Span], position: int) -> bool:
        if sentences[position].text.rstrip().endswith(":"):
            return True
        if position + 1 >= len(sentences):
            return False
        following = normalise_phrase(sentences[position + 1].text.strip().rstrip(":"))
        ends = sentences[position + 1].text.rstrip().endswith(":")
        return ends and following in self.rules.list_openers

    def _list_items(
        self,
        said: tuple[Authority, str],
        verb: Token,
        sentences: Sequence[Span],
        position: int,
        listed: set[int],
    ) -> Iterator[Found]:
        first = position + 1 if sentences[position].text.rstrip().endswith(":") else position + 2
        item: Party | None = None
        last = min(len(sentences), first + self.rules.list_window)
        for index in range(first, last):
            sentence = sentences[index]
            head = self._first_word(sentence)
            if head is None:
                continue  # a bullet the parser made a sentence of its own
            mention = self.index.at(head)
            party = Party.of(mention) if mention is not None else None
            if party is not None and self._target(party):
                item = party
                listed.add(index)
                yield from self._sanction(party, said, verb, sentence)
            elif item is not None and head.lower_ in self.rules.determiners:
                listed.add(index)
                yield from self._description(item, sentence)
            else:
                break

    @staticmethod
    def _first_word(sentence: Span) -> Token | None:
        for token in sentence:
            if token.is_space or token.text in _BULLETS or token.is_punct:
                continue
            return token
        return None

    def _description(self, item: Party, sentence: Span) -> Iterator[Found]:
        """A line describing the list item above it: front for whom, workers it keeps,
        where it is based."""
        yield from self._front(item, sentence)
        for token in sentence:
            lemma = token.lemma_.lower()
            if token.pos_ == "VERB" and lemma in self.rules.description_worker_verbs:
                for child in token.children:
                    if child.dep_ not in ("dobj", "obj"):
                        continue
                    worker = self.finder.worker_group(child)
                    if worker is not None:
                        link = self.finder.worker_link(item, worker, token, sentence)
                        link.confidence = self.rules.description_confidence
                        yield link
            if token.lower_ == "based" and token.i >= 2 and token.nbor(-1).text == "-":
                place = self.finder.place(token.nbor(-2))
                if place is not None:
                    yield from self.finder.place_facts(
                        self.finder.rules.based, item, [place], token, sentence
                    )

    def _front(self, item: Party, sentence: Span) -> Iterator[Link]:
        front = next((t for t in sentence if t.lower_ in self.rules.front_words), None)
        if front is None:
            return
        others = [
            Party.of(mention)
            for token in sentence
            if token.i < front.i and (mention := self.index.at(token)) is not None
        ]
        others = [p for p in others if p.schema in ORG_SCHEMATA and p.entity_id != item.entity_id]
        first = self._first_word(sentence)
        if not others and first is not None and first.lower_ == "another" and self.last_front:
            others = [self.last_front]
        if not others:
            return
        self.last_front = others[0]
        shape = LinkShape(
            "front",
            "UnknownLink",
            "subject",
            "object",
            "front for",
            self.rules.description_confidence,
        )
        pairs = [(item, others[0])]
        yield from self.finder.pair_links(shape, "sweep:front", pairs, front, sentence)

    # -- "CITY, COUNTRY-based X" ---------------------------------------------------------------

    def _city_country_based(self, sentence: Span) -> Iterator[Fact]:
        """ "Jilin, China-based X", "its Vladivostok, Russia-based sister company, X": both
        places locate the party named right after the descriptive words."""
        doc = sentence.doc
        for token in sentence:
            if token.lower_ not in self.rules.based_words or token.i < sentence.start + 2:
                continue
            if doc[token.i - 1].text != "-":
                continue
            country = self._place_mention(doc[token.i - 2])
            if country is None:
                continue
            places = [(country.text, country.start, country.end)]
            before = doc.char_span(country.start, country.end, alignment_mode="expand")
            if before is not None and before.start >= 2 and doc[before.start - 1].text == ",":
                city = self._place_mention(doc[before.start - 2])
                if city is not None:
                    places.append((city.text, city.start, city.end))
            party = self._party_after(token, sentence)
            if party is not None:
                yield from self.finder.place_facts(
                    self.finder.rules.based, party, places, token, sentence
                )

    def _place_mention(self, token: Token) -> Mention | None:
        mention = self.index.at(token)
        return mention if mention is not None and mention.schema == "Place" else None

    def _party_after(self, token: Token, sentence: Span) -> Party | None:
        """The party named after a descriptor: only lower-case words and commas between."""
        doc = sentence.doc
        for index in range(token.i + 1, min(sentence.end, token.i + 8)):
            mention = self.index.at(doc[index])
            if mention is not None:
                party = Party.of(mention)
                return party if self.finder.is_party(party) else None
            word = doc[index]
            if word.pos_ == "DET" or not (word.is_lower or word.text == ","):
                return None  # "an X-based company, a known Y subsidiary": Y is another party
        return None

    # -- "its North Korean CEO, NAME" -----------------------------------------------------------

    def _its_title_then_name(self, sentence: Span) -> Iterator[Link]:
        """ "X, its North Korean CEO, Jong Y": the parser hangs title and name on X apart; the
        title holder is the person named right after the comma."""
        doc = sentence.doc
        for its in sentence:
            if its.lower_ != "its":
                continue
            for title in doc[its.i + 1 : min(sentence.end - 2, its.i + 5)]:
                match = self.finder.title_at(title)
                if match is None:
                    continue
                name = doc[title.i + 2] if doc[title.i + 1].text == "," else None
                mention = self.index.at(name) if name is not None else None
                owner = self.finder.party(its)
                if mention is None or mention.schema != "Person" or owner is None:
                    break
                title_set, phrase = match
                shape = self.finder.title_shape(title_set, True)
                pairs = [(Party.of(mention), owner)]
                yield from self.finder.pair_links(
                    shape, "sweep:its-title", pairs, title, sentence, phrase or title.text
                )
                break

    def _both_based(self, sentence: Span) -> Iterator[Fact]:
        """ "A and B, both based in C": each of the parties is there."""
        for token in sentence:
            if token.lower_ not in self.rules.based_words or token.i == sentence.start:
                continue
            if token.nbor(-1).lower_ not in ("both", "all", "each"):
                continue
            places = [self.finder.place(obj) for _, obj in prep_objects(token, {"in"})]
            head = token.head
            if head.lower_ in ("both", "all", "each"):
                head = head.head  # "A and B, both based in C": "both" stands for A and B
            parties = self.finder.parties(conjuncts(head)) if head is not token else []
            for party in parties:
                yield from self.finder.place_facts(
                    self.finder.rules.based, party, places, token, sentence
                )

    # -- "a part of X called Y" ----------------------------------------------------------------

    def _part_called(self, sentence: Span) -> Iterator[Link]:
        """ "a part of X called Y", "a unit of X known as Y": Y is X's subsidiary."""
        text = self.text
        mentions = [m for m in self._mentions_in(sentence) if m.schema in ORG_SCHEMATA]
        for owner, part in pairwise(mentions):
            between = normalise_phrase(text[owner.end : part.start])
            before = normalise_phrase(text[max(0, owner.start - 25) : owner.start])
            if between not in self.rules.naming_words or owner.entity_id == part.entity_id:
                continue
            if not any(before.endswith(f"{noun} of") for noun in self.rules.part_nouns):
                continue
            shape = LinkShape(
                "subsidiary",
                "Ownership",
                "asset",
                "owner",
                "part",
                self.rules.description_confidence,
            )
            pairs = [(Party.of(part), Party.of(owner))]
            yield from self.finder.pair_links(shape, "sweep:part-called", pairs, None, sentence)

    # -- nationalities of enumerations -------------------------------------------------------

    def _enumerated_nationalities(self, sentence: Span) -> Iterator[Fact]:
        for noun in sentence:
            if noun.lower_ not in self.rules.nationality_nouns or self.index.at(noun):
                continue
            countries = self.finder.country_spans(list(noun.lefts))
            if not countries or noun.i + 1 >= sentence.end:
                continue
            if noun.nbor(1).text not in self.rules.separators:
                continue
            for party in self._enumeration(noun.i + 2, sentence):
                for code, where in countries:
                    if party.schema == "Person":
                        fact = self.finder.nationality_fact(party, code, where, sentence, False)
                    else:
                        fact = self.finder.country_fact(party, code, where, noun, sentence)
                    fact.confidence = self.rules.nationality_confidence
                    yield fact

    def _enumeration(self, index: int, sentence: Span) -> list[Party]:
        """Parties named one after another from ``index``, joined by commas, "and", "&";
        the first right at ``index`` ("a Russian company, and X" enumerates nothing)."""
        found: list[Party] = []
        doc = sentence.doc
        if index < sentence.end and doc[index].lower_ == "the":
            index += 1
        if index >= sentence.end or self.index.at(doc[index]) is None:
            return found
        while index < sentence.end:
            token = doc[index]
            mention = self.index.at(token)
            if mention is not None:
                party = Party.of(mention)
                if not self.finder.is_party(party):
                    break
                found.append(party)
                index = max(index + 1, self._end_token(mention))
                index = self._skip_parenthesis(index, sentence)
                continue
            if token.lower_ in self.rules.joiners or token.lower_ in ("the", "both"):
                index += 1
                continue
            break
        return found

    @staticmethod
    def _skip_parenthesis(index: int, sentence: Span) -> int:
        doc = sentence.doc
        if index < sentence.end and doc[index].text == "(":
            for end in range(index + 1, min(sentence.end, index + 12)):
                if doc[end].text == ")":
                    return end + 1
        return index

    def _controlled_by(self, sentence: Span) -> Iterator[Fact]:
        """ "X is managed and controlled by North Koreans": X's country."""
        for verb in sentence:
            if verb.pos_ != "VERB" or verb.lemma_.lower() not in self.rules.control_verbs:
                continue
            countries = [
                item
                for agent in agents(verb)
                if agent.ent_type_ in _COUNTRY_ENTS
                for item in self._demonyms(agent)
            ]
            if not countries:
                continue
            subject_verb = verb
            while not passive_subjects(subject_verb) and subject_verb.dep_ == "conj":
                subject_verb = subject_verb.head
            parties = self.finder.parties(passive_subjects(subject_verb), ORG_SCHEMATA)
            for party in parties:
                for code, where in countries:
                    fact = self.finder.country_fact(party, code, where, verb, sentence)
                    fact.confidence = self.rules.nationality_confidence
                    fact.original = f"controlled by {where.text}"
                    yield fact

    @staticmethod
    def _demonyms(token: Token) -> list[tuple[str, Span]]:
        """ "North Koreans", "Chinese": the country a plural nationality noun names."""
        span = token.doc[token.left_edge.i : token.i + 1]
        for text in (span.text, span.text[:-1] if span.text.endswith("s") else ""):
            code = country_code(text) if text else None
            if code:
                return [(code, span)]
        return []

    # -- employers of workers ------------------------------------------------------------------

    def _listed_employers(
        self, sentence: Span, sentences: Sequence[Span], position: int
    ) -> Iterator[Link]:
        for token in sentence:
            if token.pos_ == "NOUN" and not self.index.at(token):
                yield from self._employers_after_colon(token, sentence)
            if token.lower_ == "among":
                yield from self._among_employers(token, sentence, sentences, position)

    def _employers_after_colon(self, noun: Token, sentence: Span) -> Iterator[Link]:
        """ "yards that hire North Korean welders and sell abroad: A; B, and C"."""
        for clause in noun.children:
            if clause.dep_ != "relcl" or clause.lemma_.lower() not in self.rules.employer_verbs:
                continue
            workers = [c for c in clause.children if c.dep_ in ("dobj", "obj")]
            if not workers:
                continue
            colon = next(
                (t for t in sentence if t.i > clause.i and t.text == ":"),
                None,
            )
            if colon is None:
                continue
            for employer in self._items_after(colon.i + 1, sentence):
                link = self.finder.worker_link(employer, workers[0], clause, sentence)
                link.confidence = self.rules.employer_confidence
                yield link

    def _items_after(self, index: int, sentence: Span) -> list[Party]:
        """List items after a colon: the first party within three words, then each party
        after ";", ",", "and" or "&"."""
        found: dict[str, Party] = {}
        doc = sentence.doc
        for token in doc[index : sentence.end]:
            mention = self.index.at(token)
            if mention is None or (mention.start < token.idx):
                continue
            party = Party.of(mention)
            previous = doc[token.i - 1]
            opens = (not found and token.i - index <= 3) or previous.lower_ in self.rules.joiners
            if opens and self.finder.is_party(party, ORG_SCHEMATA) and party.entity_id:
                found.setdefault(party.entity_id, party)
        return list(found.values())

    def _among_employers(
        self, among: Token, sentence: Span, sentences: Sequence[Span], position: int
    ) -> Iterator[Link]:
        """ "Among the employers are A and B": the workers are the ones the text is about."""
        nouns = [o for o in among.children if o.dep_ == "pobj"]
        if not nouns or nouns[0].lemma_.lower() not in self.rules.among_nouns:
            return
        worker = self._recent_workers(sentences, position)
        if worker is None:
            return
        for employer in self._items_after(nouns[0].i + 2, sentence):
            link = self.finder.worker_link(employer, worker, among, sentence)
            link.confidence = self.rules.employer_confidence
            yield link

    def _recent_workers(self, sentences: Sequence[Span], position: int) -> Token | None:
        """The workers the text was about last: a worker noun with a nationality ("North
        Korean labourers") in this or the three sentences before, else any worker noun."""
        nouns = [
            token
            for index in range(position, max(-1, position - 4), -1)
            for token in reversed(list(sentences[index]))
            if token.lemma_.lower() in self.finder.rules.worker_nouns and token.pos_ == "NOUN"
        ]
        national = [n for n in nouns if any(c.ent_type_ in _COUNTRY_ENTS for c in n.lefts)]
        found = national or nouns
        return found[0] if found else None

    # -- joint ventures --------------------------------------------------------------------------

    def _joint_ventures(self, sentence: Span) -> Iterator[Link]:
        """ "Joint venture A & B": the two companies named right after the words."""
        text = self.text
        mentions = [m for m in self._mentions_in(sentence) if m.schema in ORG_SCHEMATA]
        for first, second in pairwise(mentions):
            before = normalise_phrase(text[max(0, first.start - 20) : first.start]).rstrip(": ")
            between = text[first.end : second.start].strip()
            if between not in ("&", "and") or first.entity_id == second.entity_id:
                continue
            if not any(before.endswith(word) for word in self.rules.venture_words):
                continue
            shape = LinkShape(
                "joint_venture",
                "UnknownLink",
                "subject",
                "object",
                "joint venture",
                self.rules.venture_confidence,
            )
            pairs = [(Party.of(first), Party.of(second))]
            yield from self.finder.pair_links(shape, "sweep:joint-venture", pairs, None, sentence)
