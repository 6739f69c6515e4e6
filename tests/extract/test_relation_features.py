"""Candidate pairs and their features for the learned relation component, on invented text."""

from __future__ import annotations

from spacy.language import Language

from sanctionwatch.extract.relation_features import (
    LINKABLE_SCHEMATA,
    FeatureSpec,
    candidate_pairs,
    dependency_path,
    document_candidates,
    head_token,
    pair_features,
)
from sanctionwatch.extract.relation_mentions import mentions_for_names
from sanctionwatch.extract.relation_parse import MentionIndex

SPEC = FeatureSpec(
    "t",
    LINKABLE_SCHEMATA,
    12,
    {"lead": frozenset({"director", "head"}), "employ": frozenset({"employ", "hire"})},
)


def _features(nlp: Language, text: str, names: dict[str, str]) -> list[tuple[str, ...]]:
    doc = nlp(text)
    mentions = mentions_for_names(doc, names)
    return [candidate.features for candidate in document_candidates(doc, mentions, SPEC)]


def test_a_verb_between_subject_and_object_is_the_meeting_word(nlp: Language) -> None:
    (features,) = _features(
        nlp,
        "Velkor Shipping employs Anna Quist.",
        {"Velkor Shipping": "Company", "Anna Quist": "Person"},
    )
    assert "schemata:Company|Person" in features
    assert "meet:employ" in features
    assert "meetcls:employ" in features
    assert "bcls:employ" in features  # the verb is between the two names too
    assert any(item.startswith("path:nsubj^") for item in features)


def test_a_title_apposition_is_a_path_through_the_title(nlp: Language) -> None:
    for text in (
        "Tomas Brell, the director of Oristan Holdings, declined to comment.",
        "Oristan Holdings' head, Tomas Brell, declined to comment.",
        "Tomas Brell, who heads Oristan Holdings, declined to comment.",
    ):
        candidates = _features(nlp, text, {"Tomas Brell": "Person", "Oristan Holdings": "Company"})
        assert len(candidates) == 1, text
        features = candidates[0]
        assert "pcls:lead" in features or "meetcls:lead" in features, (text, features)
        assert "bcls:lead" in features, text


def test_order_and_schemata_follow_the_text(nlp: Language) -> None:
    (features,) = _features(
        nlp,
        "Anna Quist was hired last year by Velkor Shipping.",
        {"Velkor Shipping": "Company", "Anna Quist": "Person"},
    )
    assert "schemata:Person|Company" in features
    assert "bw:hire" in features
    assert "gap:<=10" in features or "gap:<=5" in features


def test_pairs_skip_places_one_entity_and_distant_names(nlp: Language) -> None:
    text = (
        "Velkor Shipping, which Velkor Shipping's owners moved to Latvia, hired Anna Quist. "
        "Anna Quist said many things about ships and ports and crews and cargo and weather "
        "and money and more before she ever named Oristan Holdings."
    )
    doc = nlp(text)
    mentions = mentions_for_names(
        doc,
        {
            "Velkor Shipping": "Company",
            "Anna Quist": "Person",
            "Latvia": "Place",
            "Oristan Holdings": "Company",
        },
    )
    index = MentionIndex(doc, mentions)
    first, second = list(doc.sents)[:2]
    pairs = list(candidate_pairs(index, first, SPEC))
    assert [(a.canonical, b.canonical) for a, b in pairs] == [("Velkor Shipping", "Anna Quist")]
    assert list(candidate_pairs(index, second, SPEC)) == []  # more than 12 words apart


def test_the_dependency_path_meets_at_the_governing_word(nlp: Language) -> None:
    doc = nlp("Velkor Shipping employs Anna Quist.")
    mentions = mentions_for_names(doc, {"Velkor Shipping": "Company", "Anna Quist": "Person"})
    first, second = (head_token(doc, mention) for mention in mentions)
    assert first is not None and second is not None
    up, meet, down = dependency_path(first, second)
    assert meet is not None and meet.lemma_ == "employ"
    assert [token.text for token in up] == ["Shipping"]
    assert [token.text for token in down] == ["Quist"]
    index = MentionIndex(doc, mentions)
    features = pair_features(doc, mentions[0], mentions[1], index, SPEC)
    assert len(features) == len(set(features))  # each feature once
