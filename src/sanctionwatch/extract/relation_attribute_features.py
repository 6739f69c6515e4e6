"""Candidates and features for the learned attribute tagger (nationality, location, sanction).

Most relations the rules miss on real pages tie ONE named party to a word that is no party: a
country or demonym ("Polish shipyard X", "X, a Chinese national"), a place ("an Arizona
woman", "Ashtor's North Carolina home") or a designating authority ("designated by Seoul",
"targeted for UN sanctions"). A candidate is such a pair in one sentence: a named mention of a
person or organisation and an *attribute*, a country, place or authority word the parse and
the mentions already show. Its features are the structure that carries the tie on any page,
not the words of one page: the dependency path (labels, the lemma where the branches meet,
the lemmas on it, proper nouns as ``<name>``), the attribute's class (``demonym``,
``country``, ``place``, ``authority``), the word it modifies ("national", "shipyard",
"home") and the word the party hangs on, their order and distance, the party's schema, the
trigger classes of the feature spec (from the model file, so analysts can widen them) and a
list flag: a party inside a coordination ("nationals of Mexico: A, B and C") reads its path
from the list's first member.

:mod:`sanctionwatch.extract.relation_attributes` scores these features; the trainer
``bench/train_attribute_model.py`` computes the same ones on the gold sets.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from sanctionwatch.extract.relation_features import (
    dependency_path,
    distance_bucket,
    head_token,
    lemma_feature,
    word_feature,
)
from sanctionwatch.extract.relation_finders import country_code, country_of_place
from sanctionwatch.extract.relation_parse import MentionIndex
from sanctionwatch.extract.relation_rules import RelationRules
from sanctionwatch.extract.types import Mention

PARTY_SCHEMATA = frozenset({"Person", "Company", "Organization", "LegalEntity", "PublicBody"})
"""Schemata of the named end (the party a nationality, place or designation is said of)."""
PLACE_LABELS = frozenset({"GPE", "LOC", "NORP", "FAC"})
"""spaCy entity labels that may name a country, demonym or place."""
MAX_PATH = 8
_DISTANCE_BUCKETS = (1, 3, 6, 12, 25)
_POSSESSIVE = re.compile(r"\s*[’']s?$")
_CONTENT_POS = frozenset({"NOUN", "VERB", "ADJ", "ADP", "ADV", "AUX", "PART"})
_KEPT_PUNCT = frozenset({",", "(", ")", ":", ";", "-", "’s", "'s"})


@dataclass(frozen=True, slots=True)
class AttributeSpec:
    """The model file's feature spec: its version, the widest token gap between a party and
    an attribute, and the trigger word classes (lemma lists)."""

    version: str
    max_gap: int
    trigger_classes: Mapping[str, frozenset[str]]

    def classes_of(self, lemma: str) -> list[str]:
        return [name for name, words in self.trigger_classes.items() if lemma in words]


@dataclass(frozen=True, slots=True)
class Attribute:
    """A country, place or authority word of a sentence (offsets in the cleaned text).

    ``country`` is the ISO code it names (a demonym or a country), ``place`` the place's text
    when it is a place that is no country ("Nashville"), ``authority`` the designating
    authority it can stand for ("Seoul" -> South Korea, "OFAC" -> United States)."""

    start: int
    end: int
    text: str
    word_class: str
    root: int
    country: str | None = None
    place: str | None = None
    authority: str | None = None
    authority_country: str | None = None
    entity_id: str | None = None


@dataclass(frozen=True, slots=True)
class AttributeCandidate:
    """A named party and an attribute of one sentence, with the pair's features."""

    party: Mention
    attribute: Attribute
    sentence: Span
    features: tuple[str, ...]


def _clean(text: str) -> str:
    return _POSSESSIVE.sub("", text.strip()).strip(' "“”‘’')


def _entity_attribute(span: Span, rules: RelationRules) -> Attribute | None:
    text = _clean(span.text)
    if not text:
        return None
    authority = rules.authority(text)
    code = country_code(text)
    if span.label_ == "NORP":
        word_class, place = ("demonym" if code else ""), None
    elif code and country_of_place(text):
        word_class, place = "country", None
    elif span.label_ in ("GPE", "LOC", "FAC"):
        word_class, place, code = "place", text, None
    else:
        word_class, place = "", None
    if authority is not None and not word_class:
        word_class = "authority"
    if not word_class:
        return None
    return Attribute(
        span.start_char,
        span.start_char + len(text),
        text,
        word_class,
        span.root.i,
        code,
        place,
        authority.name if authority else None,
        authority.country if authority else None,
    )


def _mention_attribute(doc: Doc, mention: Mention, rules: RelationRules) -> Attribute | None:
    """A mention naming a designating authority ("OFAC", "the UN Security Council") or, for
    a ``Place`` mention, a country or place."""
    span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
    if span is None or not len(span):
        return None
    authority = rules.authority(mention.text) or rules.authority(mention.canonical)
    if mention.schema == "Place":
        code = country_of_place(mention.text)
        return Attribute(
            mention.start,
            mention.end,
            mention.text,
            "country" if code else "place",
            span.root.i,
            code,
            None if code else mention.text,
            authority.name if authority else None,
            authority.country if authority else None,
        )
    if authority is None:
        return None
    return Attribute(
        mention.start,
        mention.end,
        mention.text,
        "authority",
        span.root.i,
        None,
        None,
        authority.name,
        authority.country,
        mention.entity_id,
    )


def document_entities(doc: Doc) -> tuple[Span, ...]:
    """The entity recogniser's spans of ``doc``, built once per document by the caller
    (``Doc.ents`` and ``Span.ents`` rebuild every entity of the document on each access)."""
    return tuple(doc.ents)


def _sentence_ents(sentence: Span, ents: Sequence[Span] | None) -> list[Span]:
    """The entities that start in ``sentence`` (of ``ents``, the document's, when given)."""
    every = document_entities(sentence.doc) if ents is None else ents
    return [ent for ent in every if sentence.start <= ent.start < sentence.end]


def sentence_attributes(
    sentence: Span,
    index: MentionIndex,
    rules: RelationRules,
    ents: Sequence[Span] | None = None,
) -> list[Attribute]:
    """Every country, place and authority word of ``sentence``, each once (the entity
    recogniser's places and demonyms, the ``Place`` mentions, the mentions and places that
    name a designating authority), not those inside a party's name. ``ents`` is
    :func:`document_entities` of the sentence's document (computed here when not given)."""
    found: dict[tuple[int, int], Attribute] = {}
    for mention in index.within(sentence):
        attribute = _mention_attribute(sentence.doc, mention, rules)
        if attribute is not None:
            found[(attribute.start, attribute.end)] = attribute
    for ent in _sentence_ents(sentence, ents):
        if ent.label_ not in PLACE_LABELS and ent.label_ != "ORG":
            continue
        covering = index.at(ent.root)
        if covering is not None and covering.schema in PARTY_SCHEMATA:
            continue  # inside a name ("Korea Ryonghwa Trading"): states nothing
        if covering is not None and (covering.start, covering.end) in found:
            continue
        attribute = _entity_attribute(ent, rules)
        if attribute is not None and ent.label_ == "ORG" and attribute.authority is None:
            continue
        if attribute is not None:
            found.setdefault((attribute.start, attribute.end), attribute)
    return sorted(found.values(), key=lambda item: item.start)


def attribute_pairs(
    index: MentionIndex,
    sentence: Span,
    spec: AttributeSpec,
    rules: RelationRules,
    ents: Sequence[Span] | None = None,
) -> Iterator[tuple[Mention, Attribute]]:
    """Each (party, attribute) pair of ``sentence`` at most ``max_gap`` words apart: every
    attribute word with each party entity once (its closest mention)."""
    attributes = sentence_attributes(sentence, index, rules, ents)
    if not attributes:
        return
    parties = [m for m in index.within(sentence) if m.schema in PARTY_SCHEMATA]
    best: dict[tuple[str, int], tuple[int, Mention, Attribute]] = {}
    for party in parties:
        for attribute in attributes:
            if attribute.entity_id == party.entity_id:
                continue
            if attribute.start < party.end and party.start < attribute.end:
                continue
            left, right = sorted(((party.start, party.end), (attribute.start, attribute.end)))
            gap = _gap(sentence, left[1], right[0])
            if gap > spec.max_gap:
                continue
            key = (party.entity_id, attribute.start)
            if key not in best or gap < best[key][0]:
                best[key] = (gap, party, attribute)
    for _, party, attribute in sorted(best.values(), key=lambda item: item[1].start):
        yield party, attribute


def _gap(sentence: Span, start: int, end: int) -> int:
    """Words between two character offsets of ``sentence`` (``Doc.text`` is rebuilt on
    every call; the sentence's text is not)."""
    offset = sentence.start_char
    return len(sentence.text[start - offset : end - offset].split())


def _list_head(token: Token) -> tuple[Token, bool]:
    """The first member of the coordination ``token`` is in, and whether it is in one."""
    head, listed = token, False
    while head.dep_ == "conj" and head.head.i < head.i:
        head, listed = head.head, True
    if head.dep_ == "appos" and any(child.dep_ == "conj" for child in head.children):
        listed = True  # "nationals of Mexico: A, B and C"
    return head, listed or any(child.dep_ == "conj" for child in token.children)


def _path_features(party: Token, attribute: Token, spec: AttributeSpec) -> list[str]:
    up, meet, down = dependency_path(party, attribute)
    if meet is None:
        return ["path:none"]
    labels = [f"{token.dep_}^" for token in up] + [f"v{token.dep_}" for token in down]
    features = [f"meetpos:{meet.pos_}", f"plen:{distance_bucket(len(labels), _DISTANCE_BUCKETS)}"]
    if meet.i in (party.i, attribute.i):
        features.append("meet:end" if meet.i == party.i else "meet:attr")
    else:
        features.append(f"meet:{word_feature(meet)}")
        features.extend(f"meetcls:{name}" for name in spec.classes_of(lemma_feature(meet)))
    if len(labels) > MAX_PATH:
        features.append("path:long")
    else:
        features.append("path:" + " ".join(labels))
        features.append(f"pathmeet:{' '.join(labels)}|{word_feature(meet)}")
    features.extend(f"dep:{label}" for label in sorted(set(labels)))
    for token in (*up[1:], *down[:-1]):
        if token.i in (party.i, attribute.i):
            continue
        lemma = word_feature(token)
        features.append(f"pw:{lemma}")
        features.extend(f"pcls:{name}" for name in spec.classes_of(lemma))
    return features


def _between_features(
    doc: Doc, start: int, end: int, index: MentionIndex, spec: AttributeSpec
) -> list[str]:
    span = doc.char_span(start, end, alignment_mode="contract")
    tokens = [] if span is None else list(span)
    named = {m.entity_id for t in tokens if (m := index.at(t)) is not None}
    features = [f"others:{min(len(named), 3)}"]
    words = [t for t in tokens if index.at(t) is None and not t.ent_type_]
    for token in words:
        if token.is_punct and token.text not in _KEPT_PUNCT:
            continue
        if not token.is_punct and token.pos_ not in _CONTENT_POS:
            continue
        lemma = word_feature(token)
        features.append(f"bw:{lemma}")
        features.extend(f"bcls:{name}" for name in spec.classes_of(lemma))
    if not tokens:
        features.append("between:<none>")
    elif len(tokens) <= 3:
        features.append("between:" + " ".join(word_feature(token) for token in tokens))
    return features


def _attribute_context(token: Token, spec: AttributeSpec) -> list[str]:
    """What the attribute word hangs on: "Polish shipyard" (amod of a noun), "nationals of
    Mexico" (pobj of "of" under "national"), "by Seoul" (agent)."""
    features = [f"adep:{token.dep_}"]
    head = token.head
    if token.dep_ == "pobj":
        features.append(f"aprep:{head.lower_}")
        head = head.head
    if head.i != token.i:
        features.append(f"ahead:{word_feature(head)}")
        features.extend(f"ahcls:{name}" for name in spec.classes_of(lemma_feature(head)))
    return features


def _party_context(token: Token, spec: AttributeSpec) -> list[str]:
    features = [f"pdep:{token.dep_}"]
    if token.head.i != token.i:
        features.append(f"phead:{word_feature(token.head)}")
        features.extend(f"phcls:{name}" for name in spec.classes_of(lemma_feature(token.head)))
    for child in token.children:
        if child.dep_ in ("appos", "amod", "compound", "acl", "relcl") and child.pos_ != "PROPN":
            features.append(f"pchild:{child.dep_}:{lemma_feature(child)}")
            features.extend(f"pccls:{name}" for name in spec.classes_of(lemma_feature(child)))
    return features


def _sentence_classes(sentence: Span, spec: AttributeSpec) -> list[str]:
    classes = {name for token in sentence for name in spec.classes_of(lemma_feature(token))}
    return [f"scls:{name}" for name in sorted(classes)]


def attribute_features(
    sentence: Span,
    party: Mention,
    attribute: Attribute,
    index: MentionIndex,
    spec: AttributeSpec,
    sentence_classes: Sequence[str] = (),
) -> tuple[str, ...]:
    """The features of one (party, attribute) candidate of ``sentence``."""
    doc = sentence.doc
    cls = attribute.word_class
    features = ["bias", f"cls:{cls}", f"schema:{party.schema}", f"schemacls:{party.schema}|{cls}"]
    if attribute.authority is not None:
        features.append("can:authority")
    after = attribute.start >= party.end
    features.append(f"order:{'party-first' if after else 'attr-first'}|{cls}")
    left, right = (party.end, attribute.start) if after else (attribute.end, party.start)
    features.append(f"gap:{distance_bucket(_gap(sentence, left, right), _DISTANCE_BUCKETS)}")
    features.extend(_between_features(doc, left, right, index, spec))
    features.extend(f"{cls}|{name}" for name in sentence_classes)
    party_head = head_token(doc, party)
    attribute_head = doc[attribute.root]
    if party_head is not None:
        start, listed = _list_head(party_head)
        if listed:
            features.append("party:listed")
        path = _path_features(start, attribute_head, spec)
        features.extend(path)
        features.extend(f"{cls}|{item}" for item in path if item.startswith(("path:", "meet:")))
        features.extend(_party_context(start, spec))
    features.extend(_attribute_context(attribute_head, spec))
    features.extend(f"{cls}|{item}" for item in _attribute_context(attribute_head, spec))
    return tuple(dict.fromkeys(features))


def document_attribute_candidates(
    doc: Doc, mentions: Sequence[Mention], spec: AttributeSpec, rules: RelationRules
) -> Iterator[AttributeCandidate]:
    """Every candidate of a parsed document with its features, sentence by sentence."""
    index = MentionIndex(doc, mentions)
    ents = document_entities(doc)
    for sentence in doc.sents:
        yield from sentence_candidates(index, sentence, spec, rules, ents)


def sentence_candidates(
    index: MentionIndex,
    sentence: Span,
    spec: AttributeSpec,
    rules: RelationRules,
    ents: Sequence[Span] | None = None,
) -> Iterator[AttributeCandidate]:
    """The candidates of one sentence with their features (``ents``: the document's
    :func:`document_entities`, passed by a caller that reads many sentences of it)."""
    classes: list[str] | None = None
    for party, attribute in attribute_pairs(index, sentence, spec, rules, ents):
        if classes is None:
            classes = _sentence_classes(sentence, spec)
        features = attribute_features(sentence, party, attribute, index, spec, classes)
        yield AttributeCandidate(party, attribute, sentence, features)
