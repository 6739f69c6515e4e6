"""Read, from the parse, what a quantity measures, where, when and according to whom.

Every decision is a general rule over the dependency parse plus the vocabulary: the counted noun
is the one the number modifies (or the whole of a partitive "N of X"), the measure is the first
vocabulary rule whose unit, nationality, verbs and context words fit, the place comes from a
prepositional phrase, the clause subject or the last place named, the date from the nearest date
expression of the same clause, and the asserter from "according to X" or the subject of a
reporting verb that governs the number.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sanctionwatch.extract.claimkit.dates import DateExpression, DocumentDate
from sanctionwatch.extract.claimkit.numbers import DENOMINATORS, Quantity
from sanctionwatch.extract.claimkit.places import Named, PlaceList, Taken
from sanctionwatch.extract.claimkit.vocabulary import MeasureRule, Vocabulary

Token = Any  # spacy.tokens.Token (spaCy ships no type information)
Span = Any  # spacy.tokens.Span

SKIP_ENTITY_LABELS = frozenset({"DATE", "TIME", "ORDINAL"})
LABEL_SCHEMAS = frozenset({"LegalInstrument", "Address", "Organization", "Company", "Person"})
PRONOUNS = frozenset({"them", "those", "these", "they", "whom", "which"})
PERSON_PRONOUNS = frozenset({"he", "she", "him", "her", "his"})
PARTITIVE_HEADS = frozenset({"percent", "%", *DENOMINATORS})
VERB_PARTICLES = frozenset({"home", "back", "out", "off"})
PERIOD_RE = re.compile(
    r"\b(?:(?:a|an|per|each|every)\s+(?P<unit>year|month|week|annum|day|hour)|(?P<adverb>annually"
    r"|yearly|monthly|weekly|daily|hourly))\b",
    re.IGNORECASE,
)
# "put the annual flow at roughly 20,000": a rate named before the figure.
RATE_NOUN_RE = re.compile(
    r"\b(annual|yearly|monthly|weekly)\s+(?:flow|inflow|outflow|intake|quota|number|total|influx"
    r"|stipend|salary|wage|pay|allowance|income|earnings)\b[^.;]*$",
    re.IGNORECASE,
)
MAX_ADJACENT_TOKENS = 10


def sentences(doc: Any) -> list[Span]:
    """The document's sentences, computed once per doc (``Token.sent`` rescans each time)."""
    cached = doc.user_data.get("claims:sentences")
    if cached is None:
        cached = list(doc.sents)
        doc.user_data["claims:sentences"] = cached
        doc.user_data["claims:sentence_starts"] = [sentence.start for sentence in cached]
    return cached  # type: ignore[no-any-return]


def sentence_of(token: Token) -> Span:
    doc = token.doc
    all_sentences = sentences(doc)
    index = bisect_right(doc.user_data["claims:sentence_starts"], token.i) - 1
    return all_sentences[max(index, 0)]


def _sentence_before(sentence: Span) -> Span | None:
    return sentence_of(sentence.doc[sentence.start - 1]) if sentence.start > 0 else None


def _window(root: Token, back: int) -> Span:
    """The sentence of ``root`` and up to ``back`` sentences before it."""
    sentence = sentence_of(root)
    first = sentence
    for _ in range(back):
        previous = _sentence_before(first)
        if previous is None:
            break
        first = previous
    return root.doc[first.start : sentence.end]


def window_text(root: Token, back: int) -> str:
    """The text of ``root``'s sentence and up to ``back`` sentences before it."""
    return str(_window(root, back).text)


@dataclass(frozen=True)
class CountedNoun:
    """The thing a number counts (or, for a share, the whole it is a share of)."""

    token: Token
    via: str  # direct | partitive | antecedent | number-of | next
    phrase: str  # lower-case noun phrase up to the noun
    parent: Token | None  # "team" in "team of 200 workers"
    unit: str | None = None  # set for a total over nouns of different units


@dataclass(frozen=True)
class Measured:
    rule: MeasureRule
    key: str
    label: str
    unit: str
    place: Named | None
    place_via: str | None
    subject: Named | None
    inherited_nationality: bool = False
    learned: float | None = None
    """Probability of the learned filter, for a figure no rule named (caps its confidence)."""


@dataclass(frozen=True)
class Asserter:
    name: str
    entity_id: str | None


def number_root(doc: Any, quantity: Quantity) -> Token | None:
    span = doc.char_span(quantity.number_start, quantity.number_end, alignment_mode="expand")
    return span.root if span is not None and len(span) else None


def is_label_or_date(doc: Any, quantity: Quantity, labels: Taken) -> bool:
    """Numbers inside a date/ordinal entity or inside a named thing are not quantities."""
    span = doc.char_span(quantity.number_start, quantity.number_end, alignment_mode="expand")
    if span is None:
        return True
    in_date = any(t.ent_type_ in SKIP_ENTITY_LABELS for t in span)
    if quantity.kind == "count" and in_date and not _after_a_year(span):
        return True
    return labels.inside(quantity.number_start, quantity.number_end)


YEAR_TOKEN = re.compile(r"(?:1[89]|20)\d\d")


def _after_a_year(span: Span) -> bool:
    """ "as of 1 June 2020 37 member states": a number right after a date's year is not
    part of the date (no date form puts a number there), though the model may tag it so."""
    if span.start == 0 or YEAR_TOKEN.fullmatch(span.text):
        return False
    return YEAR_TOKEN.fullmatch(span.doc[span.start - 1].text) is not None


def _phrase(noun: Token) -> str:
    doc = noun.doc
    return str(doc[noun.left_edge.i : noun.i + 1].text).lower().replace("’", "'")


def _of_object(token: Token) -> Token | None:
    for child in token.children:
        if child.dep_ == "prep" and child.lower_ == "of":
            for grandchild in child.children:
                if grandchild.dep_ == "pobj":
                    return grandchild
    return None


def _noun_of_number(token: Token) -> Token:
    """For "some 30,000 North Koreans" return "Koreans"; a plain noun returns itself."""
    if token.pos_ == "NUM" and token.head.i != token.i and token.dep_ in ("nummod", "quantmod"):
        return token.head
    return token


def _counted_unit(token: Token, vocabulary: Vocabulary) -> str | None:
    for form in (token.lemma_.lower(), token.lower_, token.lower_.rstrip("s")):
        if form in vocabulary.counted:
            return vocabulary.counted[form]
    return None


def counted_unit(token: Token, vocabulary: Vocabulary) -> str | None:
    """The unit of count a noun gives ("workers" -> persons), None when the vocabulary lacks it."""
    return _counted_unit(token, vocabulary)


def is_population(noun: CountedNoun | None, vocabulary: Vocabulary) -> bool:
    """ "the vast country of 3 million people": a count of people that is what a place holds
    (its population), not a figure about the subject."""
    if noun is None or noun.via != "direct":
        return False
    token = noun.token
    preposition = token.head
    return bool(
        token.dep_ == "pobj"
        and preposition.lower_ == "of"
        and preposition.head.lemma_.lower() in vocabulary.population_holders
    )


def is_source_or_casualty(
    quantity: Quantity, root: Token, noun: CountedNoun | None, vocabulary: Vocabulary
) -> bool:
    """ "two officials said", "according to three diplomats", "an estimate offered by two
    officials": a count of the sources is who speaks, not a figure; "killing three people": a
    death toll (``casualty_verbs``) is no figure of the scheme."""
    token = noun.token if noun is not None and noun.via in ("direct", "next") else root
    verb = governing_verb(token)
    if verb is not None and verb.lemma_.lower() in vocabulary.casualty_verbs:
        return True
    if noun is None or noun.via not in ("direct", "next"):
        return False
    if (
        _counted_unit(token, vocabulary) != "persons"
        or quantity.value > vocabulary.source_count_max
    ):
        return False  # a few people speak; "6,000 workers, the ministry said" is a figure
    head = token.head
    if token.dep_ == "nsubj" and head.lemma_.lower() in vocabulary.speech_verbs:
        # the only subject of the verb: a parse that hangs a headline run-in or a figure on a
        # later "..., a study says" has the true speaker beside it
        return [c.i for c in head.children if c.dep_ == "nsubj"] == [token.i]
    if token.dep_ != "pobj":
        return False
    if head.lower_ == "to" and head.head.lower_ == "according":
        return True
    if head.lower_ != "by":
        return False
    doer = head.head  # "estimate offered by", "was reported by"
    return doer.lemma_.lower() in vocabulary.speech_verbs or (
        doer.dep_ == "acl" and doer.head.lemma_.lower() in vocabulary.asserter_generic_tail
    )


ENUMERATION_OPENING = re.compile(r"\s*(?:,|:|—|–|--?|\()\s*")
ENUMERATION_JOINT = re.compile(r"\s*(?:,\s*(?:and\s+)?|and\s+|&\s*)")


def is_no_figure(
    quantity: Quantity,
    root: Token,
    noun: CountedNoun | None,
    text: str,
    actors: Sequence[Named],
    vocabulary: Vocabulary,
) -> bool:
    """A number that is no figure for any rule or the learned filter: a population, a count
    its named parties restate, a count of sources or a death toll (one list, read by the
    extractor and by ``bench/claims_classifier.py``)."""
    return (
        is_population(noun, vocabulary)
        or restates_enumeration(quantity, noun, text, actors)
        or is_source_or_casualty(quantity, root, noun, vocabulary)
        or is_definite_reference(quantity, root, noun, vocabulary)
    )


def is_definite_reference(
    quantity: Quantity, root: Token, noun: CountedNoun | None, vocabulary: Vocabulary
) -> bool:
    """ "after the two countries came under pressure", "the contracts of the two firms", "The
    four individuals were ...": a small count after "the" points back to parties the text has
    named or counted already (``definite_reference_max``); it adds no figure. Larger counts
    ("the 160 guest workers left") are often a figure's first mention and stay, and so does a
    small one the text has not counted or listed before ("Police said the three North Korean
    men arrested on Monday ...")."""
    if noun is None or noun.via != "direct" or quantity.kind != "count":
        return False
    if quantity.value > vocabulary.definite_reference_max or quantity.qualifier != "exact":
        return False
    token = noun.token
    definite = any(
        child.dep_ == "det" and child.lower_ == "the" and child.i < root.i
        for child in token.children
    )
    return definite and _points_back(quantity, root, token, vocabulary)


def _points_back(quantity: Quantity, root: Token, noun: Token, vocabulary: Vocabulary) -> bool:
    """Has the text before ``root`` counted this noun (or one of its unit: "men" after "five
    workers") or listed as many named parties ("Russia and China ... the two countries")?"""
    unit = _counted_unit(noun, vocabulary)
    for token in root.doc[: root.i]:
        if token.pos_ == "NUM" and token.head.pos_ in ("NOUN", "PROPN"):
            head = token.head
            if head.lemma_.lower() == noun.lemma_.lower() or (
                unit is not None and _counted_unit(head, vocabulary) == unit
            ):
                return True
        if (
            token.pos_ == "PROPN"
            and token.dep_ != "conj"
            and any(child.dep_ == "conj" for child in token.children)
            and 1 + _conjuncts(token) == quantity.value
        ):
            return True
    return False


def _conjuncts(token: Token) -> int:
    """Conjuncts under a listed name ("Arvel Trading and Pinecrest Shipping" -> 1; the
    tagger often reads a name's last word as a common noun)."""
    return sum(1 + _conjuncts(child) for child in token.children if child.dep_ == "conj")


def restates_enumeration(
    quantity: Quantity, noun: CountedNoun | None, text: str, actors: Sequence[Named]
) -> bool:
    """ "two Polish companies, A and B", "two other nationals, X and Y": a count followed by
    exactly that many named parties restates an enumeration; it adds no figure."""
    if noun is None or quantity.kind != "count" or quantity.value < 2:
        return False
    token = noun.token
    # "companies—A and B—based in ...": the parse names the parties even where the entity
    # stage split them
    if any(
        child.dep_ == "appos"
        and child.pos_ == "PROPN"
        and 1 + _proper_conjuncts(child) == quantity.value
        for child in token.children
    ):
        return True
    opening = ENUMERATION_OPENING.match(text, token.idx + len(token.text))
    if opening is None:
        return False
    starts = {actor.start: actor for actor in actors}
    position, named = opening.end(), 0
    while position in starts:
        named += 1
        joint = ENUMERATION_JOINT.match(text, starts[position].end)
        if joint is None:
            break
        position = joint.end()
    return named == quantity.value


def _proper_conjuncts(token: Token) -> int:
    """Proper-noun conjuncts under ``token`` ("A, B and C" -> 2 under A)."""
    return sum(
        1 + _proper_conjuncts(child)
        for child in token.children
        if child.dep_ == "conj" and child.pos_ == "PROPN"
    )


def _antecedent(root: Token, vocabulary: Vocabulary) -> Token | None:
    """The last counted noun before ``root`` (this and two previous sentences), preferring
    one with a nationality."""
    window = _window(root, 2)
    candidates = [
        token
        for token in root.doc[window.start : root.i]
        if token.pos_ in ("NOUN", "PROPN") and _counted_unit(token, vocabulary)
    ]
    with_nationality = [t for t in candidates if nationality_of(_phrase(t), vocabulary)]
    pool = with_nationality or candidates
    return pool[-1] if pool else None


def _shared_noun(modifier: Token, vocabulary: Vocabulary) -> Token | None:
    """ "16,000 tourist and 10,000 student visas": the first count's noun is left out and its
    modifier ("tourist") heads the phrase; the counted noun is the conjunct's ("visas")."""
    if _counted_unit(modifier, vocabulary) or modifier.pos_ not in ("NOUN", "ADJ", "PROPN"):
        return None
    for conjunct in modifier.children:
        if conjunct.dep_ != "conj" or not _counted_unit(conjunct, vocabulary):
            continue
        if any(child.dep_ in ("nummod", "quantmod") for child in conjunct.children):
            return conjunct
    return None


def counted_noun(root: Token, quantity: Quantity, vocabulary: Vocabulary) -> CountedNoun | None:
    """Find what ``quantity`` counts, or None if the number stands alone."""
    if root.dep_ in ("nummod", "quantmod", "compound") and root.head.lower_ in PARTITIVE_HEADS:
        root = root.head  # "40 percent of X": the share is of X
    partitive = root.lower_ in PARTITIVE_HEADS or root.pos_ in ("NUM", "NOUN", "PROPN", "PRON")
    if root.dep_ in ("nummod", "quantmod", "amod", "compound", "nmod") and root.head.i > root.i:
        noun = _plural_compound(root.head, root, vocabulary) or root.head
        shared = _shared_noun(noun, vocabulary)
        if shared is not None:
            # The figure's own words plus the shared noun: "16,000 tourist visas".
            own = root.doc[noun.left_edge.i : noun.i + 1].text.lower().replace("’", "'")
            return CountedNoun(shared, "direct", f"{own} {shared.lower_}", _parent(shared))
        if _mixed_total(noun, vocabulary):
            # "five entities and individuals": one count of both, in the vocabulary's unit for
            # such totals (none: not a figure); a total that only adds counts the text gives
            # apart ("ten nationals and firms" after "seven ... and three ...") is dropped later.
            unit = vocabulary.mixed_total_unit
            return CountedNoun(noun, "total", _phrase(noun), None, unit) if unit else None
        # "one individual" is often tagged an adjective; a counted word with a number is a noun.
        counted_adjective = noun.pos_ == "ADJ" and _counted_unit(noun, vocabulary) is not None
        if (noun.pos_ in ("NOUN", "PROPN") or counted_adjective) and (
            noun.lower_ not in PARTITIVE_HEADS
        ):
            restated = _number_of_subject(noun, vocabulary)
            if restated is not None:
                return CountedNoun(restated, "number-of", _phrase(restated), None)
            return CountedNoun(noun, "direct", _phrase(noun), _parent(noun))
    whole = _of_object(root) if partitive else None
    if whole is None and quantity.kind in ("percent", "ratio"):
        whole = next((_of_object(t) for t in root.subtree if _of_object(t) is not None), None)
    if whole is None and quantity.kind in ("percent", "ratio"):
        whole = _of_after_aside(root)
    if whole is not None:
        whole = _noun_of_number(whole)
        if whole.lower_ in PRONOUNS:
            if _names_a_subset(root):  # "300 of them women": no more of the antecedent
                return None
            antecedent = _antecedent(root, vocabulary)
            if antecedent is None:
                return None
            return CountedNoun(antecedent, "antecedent", _phrase(antecedent), None)
        return CountedNoun(whole, "partitive", _phrase(whole), None)
    for token in sentence_of(root):
        if token.lemma_.lower() in ("number", "total") and token.i != root.i:
            of_noun = _of_object(token)
            if of_noun is not None and _counted_unit(of_noun, vocabulary):
                return CountedNoun(of_noun, "number-of", _phrase(of_noun), None)
    for token in root.doc[root.i + 1 : min(root.i + 4, sentence_of(root).end)]:
        if token.is_punct or token.pos_ in ("VERB", "AUX", "ADP"):
            break
        # A counted word right after the number is its noun even when tagged an adjective
        # ("one individual targets ..." parsed with "targets" as a noun).
        nounlike = token.pos_ in ("NOUN", "PROPN") or (
            token.pos_ == "ADJ" and token.i == root.i + 1
        )
        if nounlike and _counted_unit(token, vocabulary):
            return CountedNoun(token, "next", _phrase(token), _parent(token))
    if root.pos_ == "NUM" and _after_partitive_pronoun(root):
        antecedent = _antecedent(root, vocabulary)
        if antecedent is not None:
            return CountedNoun(antecedent, "antecedent", _phrase(antecedent), None)
    elided = _elided_noun(root, quantity, vocabulary)
    if elided is not None:
        return CountedNoun(elided, "elided", _phrase(elided), None)
    return None


def _plural_compound(head: Token, number: Token, vocabulary: Vocabulary) -> Token | None:
    """ "5,200 North Koreans work" parsed with "work" as the noun the number modifies: a plural
    counted noun compounded before a head the vocabulary does not count is what is counted
    (English compounds are singular: "worker visas", "labour camps" keep their head)."""
    if _counted_unit(head, vocabulary) is not None:
        return None
    for child in head.children:
        if (
            child.dep_ == "compound"
            and number.i < child.i < head.i
            and child.tag_ in PLURAL_NOUN_TAGS
            and _counted_unit(child, vocabulary) is not None
        ):
            return child
    return None


PLURAL_NOUN_TAGS = frozenset({"NNS", "NNPS"})
ELIDED_ROLES = frozenset({"nsubj", "nsubjpass", "dobj", "pobj", "conj", "attr", "appos"})
"""Roles of a bare number that stands for a whole noun phrase ("including 1,200 in Kuwait")."""
POINTING_BACK = frozenset({"these", "those", "of", "among"})
"""First words of a sentence whose bare numbers count the figure of the sentence before
("These include 240 employed at ...", "Of them, 30 ..."). Not "they": its bare numbers are
more often what the counted did or paid ("They paid 300 to the broker")."""


def _figure_noun(number: Token, vocabulary: Vocabulary) -> Token | None:
    """The counted noun a number modifies ("5,200 North Koreans"), or None."""
    if number.dep_ not in ("nummod", "quantmod") or number.head.i < number.i:
        return None
    head = number.head
    if _counted_unit(head, vocabulary) is not None:
        return head
    return _plural_compound(head, number, vocabulary)


DISTRIBUTIVE_DETERMINERS = frozenset({"each", "every"})


def _is_rate(number: Token) -> bool:
    """ "They earn 300 a month", "30 at each site", "12 per shift": a bare number with a period
    or a distributive phrase of its own is a rate, not a count of the figure's noun."""
    for child in number.children:
        if child.dep_ == "npadvmod" and any(
            det.dep_ == "det" and det.lower_ in ("a", "an", "per", *DISTRIBUTIVE_DETERMINERS)
            for det in child.children
        ):
            return True
        if child.dep_ == "prep" and (
            child.lower_ == "per"
            or any(
                det.dep_ == "det" and det.lower_ in DISTRIBUTIVE_DETERMINERS
                for pobj in child.children
                for det in pobj.children
            )
        ):
            return True
    return False


def _joins_a_label(number: Token) -> bool:
    """ "in paragraph 112 and 113", "annex 12 and 14": a number conjoined to a number that names
    a paragraph, annex or resolution (a number after its noun) is a label too, not a count."""
    first = number
    while first.dep_ == "conj" and first.head.i < first.i:
        first = first.head
    if first is number:
        return False
    candidates = [first] if first.pos_ == "NUM" else list(first.children)
    return any(
        token.pos_ == "NUM"
        and token.dep_ in ("nummod", "appos", "compound")
        and token.head.i < token.i
        for token in candidates
    )


def _elided_noun(root: Token, quantity: Quantity, vocabulary: Vocabulary) -> Token | None:
    """ "some 4,000 North Korean workers are in the region, including 1,200 in Kuwait and 900
    in Qatar", "3,400 labourers at home and about 2,100 working abroad": a bare number in digits
    that stands for a noun phrase counts the noun of a figure before it in its sentence (or in
    the sentence before, when this one opens pointing back: "These include 240 ..."): the
    NEAREST figure's noun ("workers at 25 sites, against 40 in 2016" counts sites), and none
    when a noun of another unit comes between them."""
    minimum = vocabulary.elided_count_min
    if (
        not minimum
        or root.pos_ != "NUM"
        or quantity.from_words
        or quantity.kind != "count"
        or quantity.scale != 1.0  # "$500 million in 2017 and 300 million in 2018": a sum
        or quantity.value < minimum
        or root.dep_ not in ELIDED_ROLES
        or _joins_a_label(root)
        or _is_rate(root)
        or _names_a_subset(root)
    ):
        return None
    sentence = sentence_of(root)
    scopes = [root.doc[sentence.start : root.i]]
    before = _sentence_before(sentence)
    if before is not None and sentence[0].lower_ in POINTING_BACK:
        scopes.append(before)
    for scope in scopes:
        nouns = [
            noun
            for token in scope
            if token.pos_ == "NUM" and (noun := _figure_noun(token, vocabulary)) is not None
        ]
        if nouns:
            nearest = nouns[-1]
            return None if _coordination_broken(nearest, root, vocabulary) else nearest
    return None


SUBSET_PRONOUNS = frozenset({"them", "whom", "which", "these", "those"})
COPULA_FORMS = frozenset({"are", "were", "is", "was", "being"})


def _names_a_subset(root: Token) -> bool:
    """ "6,000 workers, 300 of them women", "80 workers, 20 of whom were minors": the bare
    number counts a subset the noun after "of them" names, not more of the figure's noun (a
    place or a verb after it, "50,000 of them in China", still counts the figure's noun)."""
    doc = root.doc
    end = sentence_of(root).end
    position = root.i + 1
    if position + 1 >= end or doc[position].lower_ != "of":
        return False
    if doc[position + 1].lower_ not in SUBSET_PRONOUNS:
        return False
    position += 2
    while position < end and (doc[position].lower_ in COPULA_FORMS or doc[position].pos_ == "ADV"):
        position += 1
    while position < end and doc[position].pos_ == "ADJ":
        position += 1
    return (
        position < end
        and doc[position].pos_ in ("NOUN", "PROPN")
        and (doc[position].ent_type_ not in ("GPE", "LOC"))
    )


def _coordination_broken(noun: Token, root: Token, vocabulary: Vocabulary) -> bool:
    """ "Among the 100 sites inspected, 45 employed North Korean workers, a total of 3,000": a
    noun of another unit between the figure and the bare number starts a new coordination, so
    the number does not count the figure's noun. A noun after a preposition ("inside the
    country", "in Gulf countries") only sets the scene and breaks nothing."""
    unit = _counted_unit(noun, vocabulary)
    start = noun.i + 1 if noun.i < root.i else root.i
    return any(
        token.pos_ in ("NOUN", "PROPN")
        and token.dep_ != "pobj"  # "workers in Asian countries - some 1,800 ...": a setting
        and (other := _counted_unit(token, vocabulary)) is not None
        and other != unit
        for token in root.doc[start : root.i]
    )


def _number_of_subject(noun: Token, vocabulary: Vocabulary) -> Token | None:
    """ "The number of repatriated workers ... is about 20,000 people": a generic noun after the
    copula restates the subject's "number of X"; X is what is counted."""
    if noun.lower_ not in vocabulary.generic_people or noun.dep_ != "attr":
        return None
    copula = noun.head
    if copula.lemma_.lower() != "be":
        return None
    for child in copula.children:
        if child.dep_ == "nsubj" and child.lemma_.lower() in vocabulary.copula_subjects:
            of_noun = _of_object(child)
            if of_noun is not None and _counted_unit(of_noun, vocabulary):
                return of_noun
    return None


PARTITIVE_PRONOUN = re.compile(r"\b(?:of|among)\s+(?:which|whom|them|these|those)\b", re.I)
PARTITIVE_PRONOUN_WINDOW = 12
"""Tokens back from a bare number to "of which" ("of which some 50,000 ... and 30,000 ...")."""
ASIDE_WORDS = frozenset({"and", "or", "sometimes", "often", "even", "more", "less", "perhaps"})


def _after_partitive_pronoun(root: Token) -> bool:
    """ "100,000 workers, of which some 50,000 were in China and 30,000 in Russia": a bare
    number after "of which" / "of whom" / "among them" counts the noun named before."""
    sentence = sentence_of(root)
    start = max(sentence.start, root.i - PARTITIVE_PRONOUN_WINDOW)
    return PARTITIVE_PRONOUN.search(root.doc[start : root.i].text) is not None


def _of_after_aside(root: Token) -> Token | None:
    """ "up to 90% - and sometimes more - of their wages": the share's "of" after an aside."""
    for token in root.doc[root.i + 1 : min(root.i + 10, sentence_of(root).end)]:
        if token.lower_ == "of" and token.dep_ == "prep":
            return next((child for child in token.children if child.dep_ == "pobj"), None)
        if not (token.is_punct or token.lower_ in ASIDE_WORDS or token.text in ("%",)):
            return None
    return None


def _mixed_total(noun: Token, vocabulary: Vocabulary) -> bool:
    """ "ten nationals and firms": one number over nouns of different units is a total of two
    counts (given apart elsewhere), not a count of either."""
    unit = _counted_unit(noun, vocabulary)
    if unit is None:
        return False
    for conjunct in noun.children:
        if conjunct.dep_ != "conj":
            continue
        other = _counted_unit(conjunct, vocabulary)
        # "two North Korean nationals and their trading firm": a conjunct with its own determiner or
        # number is counted apart, not by this number.
        own = any(
            child.dep_ in ("nummod", "quantmod", "det", "poss") and child.i < conjunct.i
            for child in conjunct.children
        )
        if other is not None and other != unit and not own:
            return True
    return False


def _parent(noun: Token) -> Token | None:
    head = noun.head
    if noun.dep_ == "pobj" and head.lower_ == "of" and head.head.pos_ in ("NOUN", "PROPN"):
        return head.head
    return None


def nationality_of(phrase: str, vocabulary: Vocabulary) -> str | None:
    best: tuple[int, str | None] = (0, None)
    for key, cues in vocabulary.nationalities.items():
        for cue in cues:
            if len(cue) > best[0] and re.search(rf"(?<![\w-]){re.escape(cue)}(?![\w])", phrase):
                best = (len(cue), key)
    return best[1]


def _origin_phrase(noun: Token) -> str:
    """ "150 IT workers from North Korea": the "from ..." after the noun, where nationality
    cues such as "from north korea" may match."""
    holders = [noun, noun.head] if noun.dep_ in ("dobj", "nsubjpass") else [noun]
    for holder in holders:  # "hired 150 workers from X": the parser hangs "from" on the verb
        for child in holder.children:
            if child.dep_ == "prep" and child.lower_ == "from" and child.i > noun.i:
                return str(noun.doc[child.i : child.right_edge.i + 1].text).lower()
    return ""


def _apposition_phrase(noun: Token) -> str:
    """ "3 men, North Korean citizens who ...": the apposition says who the counted are. The
    parser often hangs "two men, both North Korean nationals," as a second object of the verb:
    a sibling noun of the same role right after the comma is read the same way."""
    appositions = [child for child in noun.children if child.dep_ == "appos"]
    after = noun.right_edge.i + 1
    doc = noun.doc
    if noun.head.i != noun.i and after < len(doc) and doc[after].text == ",":
        appositions += [
            sibling
            for sibling in noun.head.children
            if sibling.i > after and sibling.dep_ == noun.dep_ and sibling.left_edge.i == after + 1
        ]
    return " ".join(_phrase(apposition) for apposition in appositions)


def _verb_phrases(verb: Token) -> set[str]:
    lemma = verb.lemma_.lower()
    phrases = {lemma}
    for child in verb.children:
        if child.dep_ in ("prt", "advmod", "npadvmod") and child.lower_ in VERB_PARTICLES:
            phrases.add(f"{lemma} {child.lower_}")
    return phrases


def governing_verb(token: Token) -> Token | None:
    """The nearest verb above ``token``, not crossing out of a partitive "of" phrase."""
    node = token
    while node.head.i != node.i:
        parent = node.head
        if (
            node.dep_ == "pobj"
            and parent.lower_ == "of"
            and (parent.head.pos_ == "NUM" or parent.head.lower_ in PARTITIVE_HEADS)
        ):
            return None
        if parent.pos_ in ("VERB", "AUX"):
            return parent
        node = parent
    return None


def _object_of(token: Token, verb: Token) -> bool:
    """Is ``token`` (or the noun phrase it heads) the object of ``verb``?"""
    node = token
    while node.head.i != node.i and node.head.i != verb.i:
        node = node.head
    return bool(node.dep_ in ("dobj", "nsubjpass", "oprd"))


def verbs_of(
    token: Token, action_nouns: dict[str, str] | None = None
) -> tuple[set[str], Token | None]:
    """Lemmas of the verb governing ``token`` ("send home" with its particle, "list:obj" when
    the token is its object) and of clauses attached to it ("workers *living* there"); with
    ``action_nouns``, the verb of a noun of action whose "of" object it is ("the seizure of 29
    accounts" -> ``seize:obj``)."""
    verb = governing_verb(token)
    phrases = _verb_phrases(verb) if verb is not None else set()
    if verb is not None and _object_of(token, verb):
        phrases |= {f"{phrase}:obj" for phrase in list(phrases)}
    for child in token.children:
        if child.dep_ in ("acl", "relcl") and child.pos_ in ("VERB", "AUX"):
            phrases |= _verb_phrases(child)
    nominal = _action_of(token, action_nouns) if action_nouns else None
    if nominal is not None:
        phrases |= {nominal, f"{nominal}:obj"}
    return phrases | participles(token), verb


def _action_of(token: Token, action_nouns: dict[str, str]) -> str | None:
    """ "the seizure of 29 accounts and 21 websites", "the arrest of two men": the verb of the
    noun of action whose "of" phrase holds ``token`` (or the first of its conjuncts)."""
    node = token
    while node.dep_ == "conj" and node.head.i != node.i:
        node = node.head
    preposition = node.head
    if node.dep_ != "pobj" or preposition.lower_ != "of" or preposition.head.i == preposition.i:
        return None
    return action_nouns.get(preposition.head.lemma_.lower())


def participles(noun: Token) -> set[str]:
    """ "repatriated workers", "deported labourers": a participle before the noun is its verb.
    The tagger often calls it an adjective, so the lemma is also guessed from the "-ed" form
    (repatriated -> repatriate, deported -> deport, expelled -> expel); the guesses only ever
    meet the verb lists of the vocabulary."""
    forms: set[str] = set()
    for child in noun.children:
        word = child.lower_
        if child.dep_ != "amod" or child.i > noun.i or not word.endswith("ed"):
            continue
        forms.update({child.lemma_.lower(), word[:-1], word[:-2]})
        if len(word) > 4 and word[-3] == word[-4]:
            forms.add(word[:-3])  # a doubled consonant: expelled -> expel
    return forms


def context_words(sentence: Span) -> set[str]:
    words: set[str] = set()
    for token in sentence:
        words.add(token.lower_)
        words.add(token.lemma_.lower())
    text = sentence.text.lower()
    words.update(phrase for phrase in ("write off", "send home", "return home") if phrase in text)
    return words


def has_work_context(root: Token, vocabulary: Vocabulary) -> bool:
    window = _window(root, 2)
    return any(t.lower_ in vocabulary.work_cues or t.lemma_.lower() in vocabulary.work_cues
               for t in window)  # fmt: skip


def _places_in(span_start: int, span_end: int, places: Sequence[Named]) -> list[Named]:
    if isinstance(places, PlaceList):
        return places.between(span_start, span_end)
    return [p for p in places if span_start <= p.start and p.end <= span_end]


def _np_head_of(doc: Any, place: Named) -> Token | None:
    span = doc.char_span(place.start, place.end, alignment_mode="expand")
    if span is None:
        return None
    node = span.root
    while node.dep_ in ("poss", "compound", "amod", "nmod", "case") and node.head.i != node.i:
        node = node.head
    return node


def _in_subtree(token: Token, scope: Token) -> bool:
    return bool(scope.left_edge.i <= token.i <= scope.right_edge.i)


def _last_place(
    before: int, window_start: int, places: Sequence[Named], excluded: Iterable[str]
) -> Named | None:
    excluded = set(excluded)
    for place in reversed(_places_in(window_start, before, places)):
        if place.key not in excluded:
            return place
    return None


def _world_or_anaphora(scope: Token, vocabulary: Vocabulary) -> str | None:
    world_words = set(vocabulary.places.get("world", ()))
    for token in scope.subtree:
        if token.lower_ in world_words:
            return "world"
        if token.dep_ == "expl":
            continue  # "there were 100 workers": not a place
        if token.lower_ in ("there", "here", "locally"):
            return "anaphora"
        if token.lower_ in ("country", "region") and any(c.lower_ == "the" for c in token.children):
            return "anaphora"
    return None


def _window_start(root: Token) -> int:
    """Where "the last place named" may be looked for: this sentence and the one before."""
    return int(_window(root, 1).start_char)


WORLD = Named(0, 0, "worldwide", "world", None, "Place")


def resolve_place(
    rule: MeasureRule,
    root: Token,
    scope: Token,
    places: Sequence[Named],
    vocabulary: Vocabulary,
) -> tuple[Named | None, str | None]:
    """Where the measured thing is, following the rule's preference order."""
    doc = root.doc
    sentence = sentence_of(root)
    excluded = set(rule.exclude_places)
    in_sentence = [p for p in _places_in(sentence.start_char, sentence.end_char, places)
                   if p.key not in excluded]  # fmt: skip
    anchors = _attachment_points(root, scope)
    for option in rule.place:
        if option == "subject":
            for verb in _clause_verbs(root, scope):
                subject = _place_in_role(verb, ("nsubj", "nsubjpass"), in_sentence, doc)
                if subject is not None:
                    return subject, "subject"
            continue
        if option == "object":
            for verb in _clause_verbs(root, scope):
                thing = _place_in_role(verb, ("dobj",), in_sentence, doc)
                if thing is not None:
                    return thing, "object"
            continue
        if option == "last":
            marker = _world_or_anaphora(scope, vocabulary)
            if marker == "world" and "world" not in excluded:
                return WORLD, "world"
            last = _last_place(root.idx, _window_start(root), places, excluded)
            if last is not None:
                return last, "anaphora" if marker == "anaphora" else "last"
            continue
        for place in _own_places_first(in_sentence, root, doc):
            head = _np_head_of(doc, place)
            if head is None or head.dep_ != "pobj" or head.head.lower_ != option:
                continue
            if head.head.head.i in anchors:
                return place, "preposition"
        marker = _world_or_anaphora(scope, vocabulary)
        if marker == "world" and "world" not in excluded:
            return WORLD, "world"
        if marker == "anaphora":
            last = _last_place(root.idx, _window_start(root), places, excluded)
            if last is not None:
                return last, "anaphora"
    return None, None


def _own_places_first(places: Sequence[Named], root: Token, doc: Any) -> list[Named]:
    """Places whose phrase hangs from the figure itself ("30,000 in Russia") before the rest."""

    def own(place: Named) -> bool:
        head = _np_head_of(doc, place)
        return head is not None and head.head.head.i == root.i

    return sorted(places, key=lambda place: not own(place))


def _attachment_points(root: Token, scope: Token) -> set[int]:
    """Tokens a place phrase may hang from to locate the figure: its verb, its noun and the
    clauses directly under them ("sent ... to work in Russia", "workers living in Russia")."""
    points = {root.i, root.head.i, scope.i}
    for token in (scope, root.head):
        for child in token.children:
            clause = child.dep_ in ("advcl", "xcomp", "acl", "relcl", "conj")
            if clause and child.pos_ in ("VERB", "AUX") and not _own_counted_subject(child):
                points.add(child.i)
    points.update(_subjectless_siblings(scope))
    return points


def _own_counted_subject(clause: Token) -> bool:
    """ "..., of which 50,000 were in China": a clause whose subject is another figure locates
    that figure, not this one."""
    return any(
        child.dep_ in ("nsubj", "nsubjpass") and child.pos_ == "NUM" for child in clause.children
    )


def _subjectless_siblings(verb: Token) -> set[int]:
    """Clause verbs beside ``verb`` with no subject of their own: the parser split one clause
    ("80 percent of those repatriated worldwide | were from Russia")."""
    if verb.pos_ not in ("VERB", "AUX") or verb.dep_ not in ("ccomp", "conj"):
        return set()
    return {
        sibling.i
        for sibling in verb.head.children
        if sibling.i > verb.i
        and sibling.dep_ == verb.dep_
        and sibling.pos_ in ("VERB", "AUX")
        and not any(c.dep_ in ("nsubj", "nsubjpass", "expl", "csubj") for c in sibling.children)
    }


def _clause_verbs(root: Token, scope: Token) -> list[Token]:
    """The verb of the figure's clause, and the verbs it is the complement of ("plans to fly")."""
    verb = governing_verb(root) or (scope if scope.pos_ in ("VERB", "AUX") else None)
    verbs = []
    while verb is not None:
        verbs.append(verb)
        if verb.dep_ not in ("xcomp", "conj", "aux") or verb.head.i == verb.i:
            break
        verb = verb.head
    return verbs


def _place_in_role(
    verb: Token, roles: tuple[str, ...], places: Sequence[Named], doc: Any
) -> Named | None:
    for child in verb.children:
        if child.dep_ in roles:
            for place in places:
                head = _np_head_of(doc, place)
                if head is not None and head.i == child.i:
                    return place
    return None


def _employer(noun: CountedNoun, verb: Token | None, actors: Sequence[Named]) -> Named | None:
    """Whose workers: "his team of 200", "X employs 50", "X runs a team of 30"."""
    holders = [noun.parent, noun.token] if noun.parent is not None else [noun.token]
    for holder in holders:
        for child in holder.children:
            if child.dep_ == "poss":
                return _actor_for(child, actors)
    holder_verb = governing_verb(holders[0]) or verb
    if holder_verb is not None:
        for child in holder_verb.children:
            if child.dep_ == "nsubj":
                actor = _actor_for(child, actors)
                if actor is not None and actor.schema != "Place":
                    return actor
    return None


def _actor_for(token: Token, actors: Sequence[Named]) -> Named | None:
    if token.lower_ in PERSON_PRONOUNS:
        earlier = [a for a in actors if a.end <= token.idx and a.schema == "Person"]
        return earlier[-1] if earlier else None
    for actor in actors:
        if actor.start <= token.idx < actor.end:
            return actor
    return None


def match_measure(
    quantity: Quantity,
    root: Token,
    noun: CountedNoun | None,
    places: Sequence[Named],
    actors: Sequence[Named],
    vocabulary: Vocabulary,
) -> Measured | None:
    """The first vocabulary rule that fits this quantity, with its place and subject."""
    if quantity.kind == "money":
        unit_class = "money"
    elif quantity.kind in ("percent", "ratio"):
        unit_class = quantity.kind
    else:
        if noun is None:
            return None
        unit_class = noun.unit or _counted_unit(noun.token, vocabulary) or ""
        if not unit_class:
            return None
    nationality = (
        nationality_of(
            f"{noun.phrase} {_origin_phrase(noun.token)} {_apposition_phrase(noun.token)}",
            vocabulary,
        )
        if noun is not None
        else None
    )
    if nationality is None and noun is not None:
        nationality = _sender_nationality(noun.token, places, vocabulary)
    sentence_nationality = nationality_of(sentence_of(root).text.lower(), vocabulary)
    inherited = False
    if nationality is None and noun is not None and unit_class in ("persons", "companies"):
        nationality = _inherited_nationality(root, unit_class, vocabulary)
        inherited = nationality is not None
    # "1,200 North Koreans" count workers only where the text talks about work.
    bare_people = (
        noun is not None
        and noun.token.lower_.rstrip("s") in vocabulary.generic_people
        and not has_work_context(root, vocabulary)
    )
    verb_source = noun.token if noun is not None and noun.via in OWN_VERB_VIAS else root
    verbs, verb = verbs_of(verb_source, vocabulary.action_nouns)
    if noun is not None and verb_source is not noun.token:
        verbs |= participles(noun.token)
    sentence = sentence_of(root)
    period_from = quantity.end - sentence.start_char
    period = find_period(sentence.text, period_from, period_from + PERIOD_REACH)
    context = context_words(sentence)
    heads = (
        {noun.token.lemma_.lower(), noun.parent.lemma_.lower() if noun.parent else ""}
        if (noun is not None)
        else set()
    )
    fitting = [
        rule
        for rule in vocabulary.measures
        if _fits(rule, unit_class, nationality, verbs, heads, context)
        and (not rule.periods or period in rule.periods)
        and rule.sentence_nationality in (None, sentence_nationality)
        and (not rule.phrase_any or _phrase_has(noun, rule.phrase_any))
        and not (bare_people and rule.nationality != "any" and not rule.any_people)
        and (rule.counts_one or not quantity.lone_one)
    ]
    if not fitting:
        return None
    if unit_class in ("money", "percent", "ratio"):
        # Several money measures may fit one sentence ("debt ... trade"): the nearest cue wins.
        fitting.sort(key=lambda candidate: _cue_distance(candidate, root))
    scope = verb if verb is not None else verb_source
    unit = quantity.currency or "USD" if unit_class == "money" else unit_class
    for rule in fitting:
        subject = None
        if rule.heads:
            # Employer measures need the employer ("his team of 200"); else the next rule.
            subject = _employer(noun, verb, actors) if noun is not None else None
            if subject is None:
                continue
        place, via = (None, None)
        if rule.place:
            place, via = resolve_place(rule, root, scope, places, vocabulary)
            if place is None and rule.require_place:
                continue  # a placeless rule further down names it
        return _measured(rule, unit, place, via, subject, inherited)
    return None


def _sender_nationality(noun: Token, places: Sequence[Named], vocabulary: Vocabulary) -> str | None:
    """ "Pyongyang has sent 3,000 troops": what a country sends is of its nationality."""
    verb = governing_verb(noun)
    if verb is None or verb.lemma_.lower() not in vocabulary.sender_verbs:
        return None
    if not _object_of(noun, verb):
        return None
    for child in verb.children:
        if child.dep_ != "nsubj":
            continue
        end = child.right_edge.idx + len(child.right_edge.text)
        for place in _places_in(child.left_edge.idx, end, places):
            head = _np_head_of(noun.doc, place)
            if head is not None and head.i == child.i:
                return vocabulary.sender_nationalities.get(place.key)
    return None


OWN_VERB_VIAS = frozenset({"direct", "total", "next"})
"""Counted nouns whose own verb names the figure: the number's head ("40 workers"), a total
("five entities and individuals"), or the noun right after a number the parser hung elsewhere
("... June 2020 37 member states had submitted")."""
PERIOD_REACH = 40
"""Characters after a figure in which its rate ("per month") is looked for to pick a measure."""


def _inherited_nationality(root: Token, unit_class: str, vocabulary: Vocabulary) -> str | None:
    """ "1,200 workers" after "400 North Korean laborers": the nationality carries over."""
    window = _window(root, 2)
    for token in reversed(list(root.doc[window.start : root.i])):
        if token.pos_ in ("NOUN", "PROPN") and _counted_unit(token, vocabulary) == unit_class:
            nationality = nationality_of(_phrase(token), vocabulary)
            if nationality is not None:
                return nationality
    return None


def _phrase_has(noun: CountedNoun | None, words: Sequence[str]) -> bool:
    """Does the counted noun phrase hold one of ``words`` ("10,000 *new* workers")?"""
    return noun is not None and bool(set(re.findall(r"[\w'-]+", noun.phrase)) & set(words))


def _fits(
    rule: MeasureRule,
    unit_class: str,
    nationality: str | None,
    verbs: set[str],
    heads: set[str],
    context: set[str],
) -> bool:
    if unit_class not in rule.units:
        return False
    if rule.nationality != "any" and nationality != rule.nationality:
        return False
    if (rule.verbs or rule.heads) and not (verbs & set(rule.verbs) or heads & set(rule.heads)):
        return False
    if rule.not_verbs and verbs & set(rule.not_verbs):
        return False
    if rule.context and not context & set(rule.context):
        return False
    if rule.requires_all and not set(rule.requires_all) <= context:
        return False
    return not (rule.requires_any and not context & set(rule.requires_any))


def _cue_distance(rule: MeasureRule, root: Token) -> int:
    """Tokens between the figure and the nearest word that made ``rule`` fit."""
    cues = set(rule.context) | set(rule.requires_all) | set(rule.requires_any)
    distances = [
        abs(token.i - root.i)
        for token in sentence_of(root)
        if token.lower_ in cues or token.lemma_.lower() in cues
    ]
    return min(distances, default=10_000)


def _measured(
    rule: MeasureRule,
    unit: str,
    place: Named | None,
    via: str | None,
    subject: Named | None,
    inherited: bool = False,
) -> Measured:
    if not rule.place:
        return Measured(rule, rule.key, rule.label, unit, None, None, subject, inherited)
    place_key = place.key if place is not None else "unspecified"
    place_name = place.text if place is not None else "an unnamed place"
    if place is not None and place.key == "world":
        place_name = "the world"
    label = rule.label.replace("{place}", place_name)
    key = f"{rule.key}:{place_key}"
    return Measured(rule, key, label, unit, place, via, subject or place, inherited)


def find_period(sentence_text: str, start: int, limit: int | None = None) -> str | None:
    """ "a year", "each year", "annually" after the figure (before the next one): a rate."""
    before = RATE_NOUN_RE.search(sentence_text[max(0, start - 100) : start])
    if before is not None:
        rates = {"annual": "year", "yearly": "year", "monthly": "month", "weekly": "week"}
        return rates[before.group(1).lower()]
    end = start + 90 if limit is None else min(start + 90, limit)
    match = PERIOD_RE.search(sentence_text, start, max(end, start))
    if match is None:
        return None
    unit = (match.group("unit") or match.group("adverb") or "").lower()
    return {"annually": "year", "yearly": "year", "annum": "year", "monthly": "month",
            "weekly": "week", "daily": "day", "hourly": "hour"}.get(unit, unit)  # fmt: skip


def _clean_name(tokens: Sequence[Token], vocabulary: Vocabulary) -> tuple[str, int, int] | None:
    # "the ministry's latest survey": words that only date or rank a source go first.
    items = [t for t in tokens if t.lower_ not in vocabulary.asserter_generic_head]
    while items and ((items[0].pos_ in ("DET", "PRON") and items[0].lower_ not in PERSON_PRONOUNS)
                     or items[0].is_punct):  # fmt: skip
        items = items[1:]
    opened = [i for i, t in enumerate(items) if t.text == "("]
    if opened and not any(t.text == ")" for t in items[opened[-1] :]):
        items = items[: opened[-1]]  # "Office of Foreign Assets Control (OFAC" lost its ")"
    full = list(items)
    while items and (items[-1].lower_ in vocabulary.asserter_generic_tail or items[-1].is_punct
                     or items[-1].dep_ == "case"):  # fmt: skip
        items = items[:-1]
    if items and not any(token.pos_ in ("NOUN", "PROPN") for token in items):
        # "interim reports": without its generic noun nothing names the source; keep it.
        items = [t for t in full if not t.is_punct and t.dep_ != "case"]
    if not items:
        return None
    start, end = items[0].idx, items[-1].idx + len(items[-1].text)
    return items[0].doc[items[0].i : items[-1].i + 1].text, start, end


def _subject_tokens(subject: Token) -> list[Token]:
    end = subject.i
    for child in subject.rights:
        if child.dep_ == "prep" and child.lower_ == "of":
            end = child.right_edge.i
    return list(subject.doc[subject.left_edge.i : end + 1])


def find_asserter(root: Token, actors: Sequence[Named], vocabulary: Vocabulary) -> Asserter | None:
    """Who states the figure: the subject of a governing reporting verb, or "according to X"."""
    candidates: list[list[Token]] = []
    node = root
    while node.head.i != node.i:
        node = node.head
        if (
            node.pos_ == "VERB"
            and node.lemma_.lower() in vocabulary.reporting_verbs
            and not any(child.dep_ == "prt" for child in node.children)  # "wrote off"
        ):
            source = _reporting_source(node, root)
            if source is not None:
                candidates.append(_subject_tokens(source))
                break
    for token in sentence_of(root):
        if token.lower_ == "according":
            for child in token.children:
                pobj = next((g for g in child.children if g.dep_ == "pobj"), None)
                if child.lower_ == "to" and pobj is not None:
                    candidates.append(_subject_tokens(_author_of(pobj, vocabulary)))
    return _first_asserter(candidates, actors, vocabulary)


def sentence_asserter(
    sentence: Span, actors: Sequence[Named], vocabulary: Vocabulary
) -> Asserter | None:
    """Who a sentence without figures reports ("Interior Ministry statistics showed that ..."):
    the subject of its main reporting verb, which a continuing sentence's figures take."""
    verb = sentence.root
    if verb.pos_ != "VERB" or verb.lemma_.lower() not in vocabulary.reporting_verbs:
        return None
    subject = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subject is None:
        return None
    return _first_asserter([_subject_tokens(_author_of(subject, vocabulary))], actors, vocabulary)


def _first_asserter(
    candidates: list[list[Token]], actors: Sequence[Named], vocabulary: Vocabulary
) -> Asserter | None:
    for tokens in candidates:
        cleaned = _clean_name(tokens, vocabulary)
        if cleaned is None:
            continue
        name, start, end = cleaned
        if name.lower() in vocabulary.asserter_ignore:
            continue
        if name.lower() in PERSON_PRONOUNS:
            earlier = [a for a in actors if a.end <= start and a.schema == "Person"]
            if not earlier:
                continue
            return Asserter(earlier[-1].key, earlier[-1].entity_id)
        return _match_actor(name, start, end, actors)
    return None


def _author_of(source: Token, vocabulary: Vocabulary) -> Token:
    """ "a 2019 estimate by the unification ministry": the ministry, not the estimate."""
    if source.lower_ not in vocabulary.asserter_generic_tail:
        return source
    for child in source.children:
        if child.dep_ in ("prep", "agent") and child.lower_ in ("by", "from"):
            author = next((g for g in child.children if g.dep_ == "pobj"), None)
            if author is not None:
                return author
    return source


def _reporting_source(verb: Token, figure: Token) -> Token | None:
    """Who does the reporting: the subject ("the ministry reported"), or the agent of a
    passive ("was reported by the ministry"); never the figure's own noun phrase ("10,000
    workers registered")."""
    for child in verb.children:
        if child.dep_ == "agent":
            agent = next((g for g in child.children if g.dep_ == "pobj"), None)
            if agent is not None and not _in_subtree(figure, agent):
                return agent
    # The subject nearest the verb: a headline run into the sentence adds another before it.
    subjects = [c for c in verb.children if c.dep_ == "nsubj" and not _in_subtree(figure, c)]
    return min(subjects, key=lambda c: abs(verb.i - c.i), default=None)


def _match_actor(name: str, start: int, end: int, actors: Sequence[Named]) -> Asserter:
    best: tuple[int, Named | None] = (0, None)
    for actor in actors:
        overlap = min(end, actor.end) - max(start, actor.start)
        if overlap > best[0]:
            best = (overlap, actor)
    chosen = best[1]
    if chosen is not None and best[0] >= 0.6 * len(name):
        canonical = re.sub(r"^the\s+", "", chosen.key, flags=re.IGNORECASE)
        return Asserter(canonical, chosen.entity_id)
    return Asserter(name, None)


def _inside_foreign_clause(date_token: Token, root: Token, noun: Token | None) -> bool:
    """A date inside a relative clause about something else ("a region that ... in 1999")."""
    node = date_token
    while node.head.i != node.i:
        if node.dep_ in ("relcl", "appos") and not _in_subtree(root, node):
            return node.head.i not in (root.i, noun.i if noun is not None else -1)
        node = node.head
    return False


def bind_date(
    quantity: Quantity,
    root: Token,
    noun: Token | None,
    dates: Sequence[DateExpression],
    others: Sequence[Quantity],
) -> DateExpression | None:
    """The date expression of the sentence that dates this figure, if any."""
    doc = root.doc
    usable = []
    for expression in dates:
        if expression.role in ("since", "until"):
            continue
        span = doc.char_span(expression.start, expression.end, alignment_mode="expand")
        if span is not None and _inside_foreign_clause(span[-1], root, noun):
            continue
        usable.append(expression)

    scope = root.head if root.head.lower_ in PARTITIVE_HEADS else root
    inner = (scope.left_edge.idx, scope.right_edge.idx + len(scope.right_edge.text))

    def between(a: int, b: int) -> bool:
        """Another figure lies in (a, b), not counting the whole a share is of."""
        return any(
            a <= other.start
            and other.end <= b
            and not (inner[0] <= other.start and other.end <= inner[1] and scope.i != root.i)
            for other in others
        )

    def adjacent(figure: Quantity, expression: DateExpression) -> bool:
        if expression.kind == "document-date":
            return False  # "now" dates what follows it
        if expression.start < figure.end or between(figure.end, expression.start):
            return False
        gap = doc.char_span(figure.end, expression.start, alignment_mode="expand")
        return gap is None or len(gap) <= MAX_ADJACENT_TOKENS

    for expression in usable:
        if adjacent(quantity, expression):
            return expression
    # "2,035 tourist and 2,610 student visas granted in 2018": one phrase, one date.
    partners = _conjoined_counts(root, others)
    for expression in usable:
        if any(adjacent(partner, expression) for partner in partners):
            return expression
    claimed = {id(e) for e in usable for other in others if adjacent(other, e)}
    preceding = [e for e in usable if e.end <= quantity.start and id(e) not in claimed]
    if preceding:
        return preceding[-1]
    following = [
        e for e in usable if e.start >= quantity.end and not between(quantity.end, e.start)
    ]
    if following:
        return following[0]
    # A date that closely follows an earlier figure of the same clause still dates this one
    # ("estimated 100,000 workers before the sanctions, earning more than $500 million").
    earlier = [e for e in usable if e.end <= quantity.start]
    return earlier[-1] if earlier else None


def _conjoined_counts(root: Token, others: Sequence[Quantity]) -> list[Quantity]:
    """Figures that share this one's noun phrase ("2,035 tourist and 2,610 student visas")."""
    if root.dep_ not in ("nummod", "quantmod"):
        return []
    starts = {
        child.idx
        for conjunct in root.head.children
        if conjunct.dep_ == "conj"
        for child in conjunct.children
        if child.dep_ in ("nummod", "quantmod")
    }
    return [other for other in others if other.start in starts]


def start_marker(quantity: Quantity, dates: Sequence[DateExpression]) -> DateExpression | None:
    """ "Since the ban, 10,000 workers arrived": the start the figure counts from (not its
    as-of date), the nearest one in its sentence."""
    starts = [d for d in dates if d.role == "since"]
    return min(starts, key=lambda d: abs(d.start - quantity.start), default=None)


def document_date(published: DocumentDate | None) -> tuple[str | None, str]:
    """As-of date of a figure the text does not date: the publication date, marked as such."""
    if published is None:
        return None, "unknown"
    if published.inferred:
        # An inferred date is a lower bound (the latest event reported): its day is not the
        # publication day, so the figure is dated no finer than its month.
        return published.iso[:7], "document-date-inferred"
    return published.iso, "document-date"
