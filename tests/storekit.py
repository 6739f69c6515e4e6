"""Documents stored directly by tests, without the ingest stage: plain text, cleaned or not."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from sanctionwatch.store import Database
from sanctionwatch.store.tables import DocumentRow

AddDocument = Callable[..., str]
"""The ``add_document`` fixture of the extract tests: ``add(clean, original=, offsets=)``."""


def text_document(
    clean: str,
    *,
    original: str | None = None,
    offsets: list[list[int]] | None = None,
    doc_id: str | None = None,
    source: str | None = None,
    **fields: Any,
) -> DocumentRow:
    """A plain-text document row; ``original`` defaults to ``clean``, ``offsets`` to the
    identity map, the id to the original text's sha256 and the source to ``<id>.txt``."""
    original = clean if original is None else original
    doc_id = doc_id or hashlib.sha256(original.encode()).hexdigest()
    return DocumentRow(
        id=doc_id,
        source=source or f"{doc_id[:8]}.txt",
        media_type="text/plain",
        byte_size=len(original.encode()),
        original_text=original,
        clean_text=clean,
        offset_map=[[0, 0, len(clean)]] if offsets is None else offsets,
        authors=[],
        **fields,
    )


def add_text_document(database: Database, clean: str, **options: Any) -> str:
    """Store :func:`text_document` (once: an id already stored is left alone); its id."""
    row = text_document(clean, **options)
    with database.session() as session:
        if session.get(DocumentRow, row.id) is None:
            session.add(row)
    return row.id
