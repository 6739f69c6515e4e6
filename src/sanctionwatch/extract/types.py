"""Contracts inside the extract stage.

The pipeline parses each document once with spaCy and hands the parsed ``Doc`` with a
:class:`DocumentContext` to every extractor (entities, relations, claims). Spans inside the
extract stage are offsets in the *cleaned* text; ``context.offsets`` maps them to the original
text when statements are written.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sanctionwatch.store.offsets import OffsetMap


@dataclass(frozen=True, slots=True)
class DocumentContext:
    """What an extractor knows about the document beyond its parsed text."""

    document_id: str
    clean_text: str
    offsets: OffsetMap
    published: date | None = None
    publisher: str | None = None
    title: str | None = None


@dataclass(frozen=True, slots=True)
class Mention:
    """One occurrence of a named thing in the cleaned text, after typing and coreference.

    Every mention of the same thing in one document shares ``entity_id`` (document-local; the
    resolve stage merges across documents) and ``canonical`` (the longest/fullest name, so
    "Rungrado" carries "Korea Rungrado General Trading Corporation"). ``schema`` is a
    FollowTheMoney schema name (Person, Company, Organization, LegalEntity, Address, ...) or
    ``"Place"`` for countries/cities/regions and ``"LegalInstrument"`` for resolutions, orders
    and regulations. ``source`` names what found it (``model``, ``rule:legal-form``,
    ``gazetteer:<list>``, ``coref``); relation and claim extractors use these mentions.
    """

    start: int
    end: int
    text: str
    schema: str
    entity_id: str
    canonical: str
    sentence_start: int
    sentence_end: int
    source: str = "model"
    confidence: float = 1.0
