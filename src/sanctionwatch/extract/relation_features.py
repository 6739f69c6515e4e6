"""Candidate pairs and their features, for the learned relation component.

A candidate is two named mentions of different entities in one sentence (people and
organisations, the ends of the link schemata). Its features are the words and structure that
carry a relation in any article, not the words of one article: both ends' schemata, the
dependency path between their heads (labels, lemmas, the word where the two branches meet),
the lemmas between the mentions as a bag, their order and distance, and the class of any
trigger word on the path or between ("director" is a leading title, "subsidiary" a part word).
The trigger classes come from the model file's feature spec, so an analyst can widen them,
and from the relation rules' title words.

:mod:`sanctionwatch.extract.relation_model` scores these features; the trainer in
``bench/train_relation_model.py`` computes the same ones on the gold sets.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from sanctionwatch.extract.relation_parse import MentionIndex
from sanctionwatch.extract.types import Mention

LINKABLE_SCHEMATA = frozenset({"Person", "Company", "Organization", "LegalEntity", "PublicBody"})
"""Schemata a link entity joins (Directorship, Employment, Membership, Ownership, ...)."""
MAX_PATH = 7
"""Dependency paths longer than this many arcs are one feature ``path:long``."""
_DISTANCE_BUCKETS = (2, 5, 10, 20)
_CONTENT_POS = frozenset({"NOUN", "VERB", "ADJ", "ADP", "PROPN", "ADV", "AUX", "PART", "NUM"})
_KEPT_PUNCT = frozenset({",", "(", ")", ":", ";", "-", "’s", "'s"})

TriggerClass = Callable[[str], Sequence[str]]
"""Maps a lemma (or title phrase) to the classes it belongs to (``lead``, ``own``, ...)."""


@dataclass(frozen=True, slots=True)
class FeatureSpec:
    """What the model file says about its features: the spec version, the schemata a
    candidate's ends may have, the widest token gap, and the trigger word classes."""

    version: str
    schemata: frozenset[str]
    max_gap: int
    trigger_classes: Mapping[str, frozenset[str]]

    def classes_of(self, lemma: str) -> list[str]:
        return [name for name, words in self.trigger_classes.items() if lemma in words]


@dataclass(frozen=True, slots=True)
class Candidate:
    """Two mentions of one sentence, in text order, with the features of the pair."""

    first: Mention
    second: Mention
    sentence: Span
    features: tuple[str, ...]


def head_token(doc: Doc, mention: Mention) -> Token | None:
    """The syntactic head of a mention's tokens (None when the offsets cut no token)."""
    span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
    return span.root if span is not None and len(span) else None


def candidate_pairs(
    index: MentionIndex, sentence: Span, spec: FeatureSpec
) -> Iterator[tuple[Mention, Mention]]:
    """Every pair of mentions of different entities in ``sentence`` (text order), both of
    the spec's schemata and at most ``max_gap`` tokens apart; one pair per entity pair and
    sentence (the closest mentions)."""
    mentions = [m for m in index.within(sentence) if m.schema in spec.schemata]
    seen: set[tuple[str, str]] = set()
    pairs: list[tuple[int, Mention, Mention]] = []
    for position, first in enumerate(mentions):
        for second in mentions[position + 1 :]:
            if second.entity_id == first.entity_id or second.start < first.end:
                continue
            gap = len(sentence.doc.text[first.end : second.start].split())
            if gap <= spec.max_gap:
                pairs.append((gap, first, second))
    for _, first, second in sorted(pairs, key=lambda item: item[0]):
        key = (first.entity_id, second.entity_id)
        if key in seen or key[::-1] in seen:
            continue
        seen.add(key)
        yield first, second


def distance_bucket(value: int, limits: Sequence[int] = _DISTANCE_BUCKETS) -> str:
    """A count as a coarse feature value (``<=5``, ``>20``): the first of ``limits`` it
    does not pass."""
    for limit in limits:
        if value <= limit:
            return f"<={limit}"
    return f">{limits[-1]}"


def lemma_feature(token: Token) -> str:
    """A token's lower-cased lemma (its lower-cased text when the lemma is empty)."""
    return token.lemma_.lower() or token.lower_


def word_feature(token: Token) -> str:
    """A token's lemma as a feature; proper nouns are one word ("<name>"): a name seen in
    training says nothing about the next page."""
    return "<name>" if token.pos_ == "PROPN" else lemma_feature(token)


def dependency_path(start: Token, end: Token) -> tuple[list[Token], Token | None, list[Token]]:
    """The shortest path in the tree: tokens from ``start`` up to the lowest common ancestor
    (exclusive), the ancestor, and tokens from the ancestor down to ``end`` (exclusive of the
    ancestor, inclusive of ``end``). No ancestor (different sentences' roots) gives None."""
    up = [start, *start.ancestors]
    down = [end, *end.ancestors]
    up_ids = {token.i: position for position, token in enumerate(up)}
    for position, token in enumerate(down):
        if token.i in up_ids:
            return up[: up_ids[token.i]], token, list(reversed(down[:position]))
    return up, None, list(reversed(down))


def _path_features(first: Token, second: Token, spec: FeatureSpec) -> list[str]:
    up, meet, down = dependency_path(first, second)
    if meet is None:
        return ["path:none"]
    labels = [f"{token.dep_}^" for token in up] + [f"v{token.dep_}" for token in down]
    features = [f"meetpos:{meet.pos_}"]
    if meet.i == first.i or meet.i == second.i:
        features.append("meet:end")  # one end governs the other ("X, director of Y")
    elif meet.pos_ != "PROPN":  # a name is no evidence for the next page
        features.append(f"meet:{lemma_feature(meet)}")
    features.extend(f"meetcls:{name}" for name in spec.classes_of(lemma_feature(meet)))
    if len(labels) > MAX_PATH:
        features.append("path:long")
    else:
        features.append("path:" + " ".join(labels))
        if meet.i not in (first.i, second.i):
            features.append(f"pathmeet:{' '.join(labels)}|{word_feature(meet)}")
    inner = [token for token in (*up[1:], *down[:-1]) if token.i not in (first.i, second.i)]
    features.extend(f"dep:{label}" for label in sorted(set(labels)))
    for token in inner:
        lemma = word_feature(token)
        features.append(f"pw:{lemma}")
        features.extend(f"pcls:{name}" for name in spec.classes_of(lemma))
    features.append(f"plen:{distance_bucket(len(labels))}")
    return features


def _between_features(
    doc: Doc, first: Mention, second: Mention, index: MentionIndex, spec: FeatureSpec
) -> list[str]:
    span = doc.char_span(first.end, second.start, alignment_mode="contract")
    tokens = [] if span is None else list(span)
    features: list[str] = []
    others = {
        mention.entity_id
        for token in tokens
        if (mention := index.at(token)) is not None
        and mention.entity_id
        not in (
            first.entity_id,
            second.entity_id,
        )
    }
    features.append(f"others:{min(len(others), 3)}")
    words = [t for t in tokens if index.at(t) is None]
    for token in words:
        lemma = word_feature(token)
        if token.is_punct and token.text not in _KEPT_PUNCT:
            continue
        if not token.is_punct and token.pos_ not in _CONTENT_POS:
            continue
        features.append(f"bw:{lemma}")
        features.extend(f"bcls:{name}" for name in spec.classes_of(lemma))
    if not words:
        features.append("bw:<none>")
    elif len(words) <= 3:
        features.append("between:" + " ".join(word_feature(token) for token in words))
    return features


def _window(doc: Doc, mention: Mention, before: bool) -> str:
    span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
    if span is None:
        return "<none>"
    position = span.start - 1 if before else span.end
    if position < span.sent.start or position >= span.sent.end:
        return "<edge>"
    return word_feature(doc[position])


def pair_features(
    doc: Doc, first: Mention, second: Mention, index: MentionIndex, spec: FeatureSpec
) -> tuple[str, ...]:
    """The features of one candidate pair (``first`` before ``second`` in the text)."""
    pair = f"{first.schema}|{second.schema}"
    features = [f"schemata:{pair}", "bias"]
    gap = len(doc.text[first.end : second.start].split())
    features.append(f"gap:{distance_bucket(gap)}")
    features.append(f"before:{_window(doc, first, True)}")
    features.append(f"after:{_window(doc, second, False)}")
    features.append(f"firstafter:{_window(doc, first, False)}")
    head_first, head_second = head_token(doc, first), head_token(doc, second)
    if head_first is not None and head_second is not None:
        path = _path_features(head_first, head_second, spec)
        features.extend(path)
        shape = next((item for item in path if item.startswith("path:")), "path:none")
        features.append(f"schemapath:{pair}|{shape[5:]}")
    between = _between_features(doc, first, second, index, spec)
    features.extend(between)
    features.extend(
        f"schemacls:{pair}|{item.split(':', 1)[1]}"
        for item in sorted({f for f in between if f.startswith("bcls:")})
    )
    return tuple(dict.fromkeys(features))


def document_candidates(
    doc: Doc, mentions: Sequence[Mention], spec: FeatureSpec
) -> Iterator[Candidate]:
    """Every candidate pair of a parsed document with its features, sentence by sentence."""
    index = MentionIndex(doc, mentions)
    for sentence in doc.sents:
        for first, second in candidate_pairs(index, sentence, spec):
            features = pair_features(doc, first, second, index, spec)
            yield Candidate(first, second, sentence, features)
