"""Relations between mentions (ownership, subsidiary, employment, shared address, ...).

Contract: the extraction pipeline calls :func:`extract_relations` once per parsed document.
"""

from __future__ import annotations

from spacy.tokens import Doc

from sanctionwatch.extract.types import DocumentContext, Mention
from sanctionwatch.store.statements import Statement


def extract_relations(
    doc: Doc, context: DocumentContext, mentions: list[Mention]
) -> list[Statement]:
    """Link entities among ``mentions``; spans in the statements are in the original text."""
    return []
