"""Places and people a claim can refer to: from the pipeline's mentions, the model's entities
and the vocabulary's place names, with their normalised keys."""

from __future__ import annotations

import re
from bisect import bisect_left
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


class Taken:
    """Characters already covered by a named thing (linear time even for 5 MB documents)."""

    def __init__(self, length: int) -> None:
        self._mask = bytearray(length + 1)

    def overlaps(self, start: int, end: int) -> bool:
        return any(self._mask[start:end])

    def inside(self, start: int, end: int) -> bool:
        return end > start and all(self._mask[start:end])

    def take(self, start: int, end: int) -> None:
        start, end = max(start, 0), min(end, len(self._mask))
        if end > start:
            self._mask[start:end] = b"\x01" * (end - start)


class PlaceList(list[Named]):
    """Places sorted by position, with their starts for binary search."""

    def __init__(self, places: list[Named]) -> None:
        super().__init__(sorted(places, key=lambda place: place.start))
        self.starts = [place.start for place in self]

    def between(self, start: int, end: int) -> list[Named]:
        first = bisect_left(self.starts, start)
        last = bisect_left(self.starts, end)
        return [place for place in self[first:last] if place.end <= end]


_SRE_LOWER_FIXES = str.maketrans({"ı": "i", "ſ": "s"})
"""Letters the regex engine's IGNORECASE matches to an ASCII letter that ``str.lower`` keeps
apart (dotless i, long s); "İ" lowers to "i" plus a combining dot, dropped below."""


def _folded_for_search(text: str) -> str:
    """``text`` lowered so that an ASCII name matching it case-insensitively (as ``re`` does)
    is a plain substring of it: a cheap test before the name's own regular expression."""
    return text.lower().translate(_SRE_LOWER_FIXES).replace("i\u0307", "i")


def _vocabulary_places(text: str, vocabulary: Vocabulary, taken: Taken) -> list[Named]:
    found: list[Named] = []
    names = sorted(
        (name for name in vocabulary.place_index if len(name) > 2), key=len, reverse=True
    )
    mine = Taken(len(text))
    folded = _folded_for_search(text)
    for name in names:
        key = vocabulary.place_index[name]
        if key == "world" or name == "u.s.":
            continue
        if name.isascii() and name.lower() not in folded:
            continue  # hundreds of names, a few in a page: skip the regex scans that find nothing
        for match in re.finditer(rf"(?<![\w.]){re.escape(name)}(?![\w])", text, re.IGNORECASE):
            start, end = match.span()
            # Inside a mention ("Russia" in "Russia's Far East"): keep the specific mention.
            if mine.overlaps(start, end) or taken.overlaps(start, end):
                continue
            mine.take(start, end)
            found.append(Named(start, end, match.group(0), key, None, "Place"))
    return found


def _as_written_patterns(text: str, vocabulary: Vocabulary) -> list[tuple[str, re.Pattern[str]]]:
    """Short names matched only as written ("the North"), for places the text names in full."""
    folded = text.lower()
    patterns = []
    for key, names in vocabulary.places_as_written.items():
        full_names = [name for name in vocabulary.places.get(key, ()) if len(name) > 3]
        if not any(name in folded for name in full_names):
            continue
        for name in names:
            first = f"[{name[0].upper()}{name[0].lower()}]" if name[0].isalpha() else name[0]
            body = first + re.escape(name[1:]).replace(r"\ ", r"\s+")
            # "the North Caucasus", "the North-West": a longer name, not this place.
            patterns.append((key, re.compile(rf"(?<![\w.]){body}(?![\w-])(?!\s+[A-Z])")))
    return patterns


def _as_written_places(
    text: str, patterns: list[tuple[str, re.Pattern[str]]], taken: Taken
) -> list[Named]:
    found = []
    for key, pattern in patterns:
        for match in pattern.finditer(text):
            if not taken.overlaps(*match.span()):
                found.append(Named(*match.span(), match.group(0), key, None, "Place"))
    return found


def _as_written_key(
    mention: Mention, text: str, patterns: list[tuple[str, re.Pattern[str]]]
) -> str | None:
    """The key of a mention that is (the end of) a name matched only as written ("North" in
    "the North's workers")."""
    for key, pattern in patterns:
        window_start = max(0, mention.start - 8)
        for match in pattern.finditer(text, window_start, min(len(text), mention.end + 1)):
            if match.start() <= mention.start and match.end() == mention.end:
                return key
    return None


def collect_places(
    doc: Any, mentions: list[Mention], vocabulary: Vocabulary, text: str | None = None
) -> PlaceList:
    """Every place named in the document, earliest first, keyed by the vocabulary or a slug."""
    text = doc.text if text is None else text
    taken = Taken(len(text))
    places: list[Named] = []
    as_written = _as_written_patterns(text, vocabulary) if vocabulary.places_as_written else []
    for mention in mentions:
        if mention.schema in PLACE_SCHEMAS:
            taken.take(mention.start, mention.end)
            key = vocabulary.place_key(mention.canonical) or vocabulary.place_key(mention.text)
            if key is None and as_written:
                key = _as_written_key(mention, text, as_written)
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
    for named in _vocabulary_places(text, vocabulary, taken):
        taken.take(named.start, named.end)
        places.append(named)
    for named in _as_written_places(text, as_written, taken):
        taken.take(named.start, named.end)
        places.append(named)
    for ent in doc.ents:
        if ent.label_ in PLACE_LABELS and not taken.overlaps(ent.start_char, ent.end_char):
            taken.take(ent.start_char, ent.end_char)
            key = vocabulary.place_key(ent.text) or slug(ent.text)
            places.append(Named(ent.start_char, ent.end_char, ent.text, key, None, "Place"))
    return PlaceList(places)


def collect_actors(doc: Any, mentions: list[Mention]) -> list[Named]:
    """People and organisations, for asserters and employers."""
    actors = [
        Named(m.start, m.end, m.text, m.canonical, m.entity_id, m.schema)
        for m in mentions
        if m.schema in ACTOR_SCHEMAS or m.schema in PLACE_SCHEMAS
    ]
    taken = Taken(doc[-1].idx + len(doc[-1].text_with_ws) if len(doc) else 0)
    for actor in actors:
        taken.take(actor.start, actor.end)
    for ent in doc.ents:
        schema = ACTOR_LABELS.get(ent.label_) or ("Place" if ent.label_ in PLACE_LABELS else None)
        if schema and not taken.overlaps(ent.start_char, ent.end_char):
            taken.take(ent.start_char, ent.end_char)
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
