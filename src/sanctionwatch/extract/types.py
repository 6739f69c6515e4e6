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
