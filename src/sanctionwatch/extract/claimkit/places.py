"""Places and people a claim can refer to: from the pipeline's mentions, the model's entities
and the vocabulary's place names, with their normalised keys."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sanctionwatch.extract.claimkit.vocabulary import Vocabulary
from sanctionwatch.extract.types import Mention

PLACE_SCHEMAS = frozenset({"Place", "Address", "Country"})
ACTOR_SCHEMAS = frozenset({"Person", "Organization", "Company", "LegalEntity", "PublicBody"})
PLACE_LABELS = frozenset({"GPE", "LOC"})
ACTOR_LABELS = {"PERSON": "Person", "ORG": "Organization"}


@dataclass(frozen=True)
class Named:
    """A named thing at a span of the cleaned text."""

    start: int
    end: int
    text: str
    key: str  # normalised place key, or the canonical name for actors
    entity_id: str | None
    schema: str


def slug(text: str) -> str:
    folded = re.sub(r"^the\s+", "", text.lower().replace("’", "'").strip())
    folded = re.sub(r"'s$", "", folded)
    return re.sub(r"[^\w]+", "_", folded, flags=re.UNICODE).strip("_")


def _overlaps(start: int, end: int, taken: list[Named]) -> bool:
    return any(item.start < end and start < item.end for item in taken)


def _vocabulary_places(text: str, vocabulary: Vocabulary) -> list[Named]:
    found: list[Named] = []
    names = sorted(
        (name for name in vocabulary.place_index if len(name) > 2), key=len, reverse=True
    )
    for name in names:
        key = vocabulary.place_index[name]
        if key == "world":
            continue
        for match in re.finditer(rf"(?<![\w.]){re.escape(name)}(?![\w])", text, re.IGNORECASE):
            if name in ("us", "u.s.") or _overlaps(match.start(), match.end(), found):
                continue
            found.append(Named(match.start(), match.end(), match.group(0), key, None, "Place"))
    return found


def collect_places(
    doc: Any, mentions: list[Mention], vocabulary: Vocabulary, text: str | None = None
) -> list[Named]:
    """Every place named in the document, earliest first, keyed by the vocabulary or a slug."""
    places: list[Named] = []
    for mention in mentions:
        if mention.schema in PLACE_SCHEMAS:
            key = vocabulary.place_key(mention.canonical) or vocabulary.place_key(mention.text)
            places.append(
                Named(
                    mention.start,
                    mention.end,
                    mention.text,
                    key or slug(mention.canonical),
                    mention.entity_id,
                    "Place",
                )
            )
    for named in _vocabulary_places(doc.text if text is None else text, vocabulary):
        inside = [p for p in places if p.start <= named.start and named.end <= p.end]
        if inside:
            # "Russia's Far East": keep the specific mention but know which country it is in.
            continue
        if not _overlaps(named.start, named.end, places):
            places.append(named)
    for ent in doc.ents:
        if ent.label_ in PLACE_LABELS and not _overlaps(ent.start_char, ent.end_char, places):
            key = vocabulary.place_key(ent.text) or slug(ent.text)
            places.append(Named(ent.start_char, ent.end_char, ent.text, key, None, "Place"))
    return sorted(places, key=lambda place: place.start)


def collect_actors(doc: Any, mentions: list[Mention]) -> list[Named]:
    """People and organisations, for asserters and employers."""
    actors = [
        Named(m.start, m.end, m.text, m.canonical, m.entity_id, m.schema)
        for m in mentions
        if m.schema in ACTOR_SCHEMAS or m.schema in PLACE_SCHEMAS
    ]
    for ent in doc.ents:
        schema = ACTOR_LABELS.get(ent.label_) or ("Place" if ent.label_ in PLACE_LABELS else None)
        if schema and not _overlaps(ent.start_char, ent.end_char, actors):
            actors.append(Named(ent.start_char, ent.end_char, ent.text, ent.text, None, schema))
    return sorted(actors, key=lambda actor: actor.start)


def mentions_from_doc(doc: Any) -> list[Mention]:
    """Bare-model mentions (no rules, no coreference) for callers without the entity stage."""
    schemas = {"PERSON": "Person", "ORG": "Organization", "GPE": "Place", "LOC": "Place"}
    mentions = []
    for ent in doc.ents:
        schema = schemas.get(ent.label_)
        if schema is None:
            continue
        sentence = ent.sent
        mentions.append(
            Mention(
                start=ent.start_char,
                end=ent.end_char,
                text=ent.text,
                schema=schema,
                entity_id=f"doc-{slug(ent.text)}",
                canonical=ent.text,
                sentence_start=sentence.start_char,
                sentence_end=sentence.end_char,
            )
        )
    return mentions
