"""Quantitative claims (how many, how much, as of when, according to whom).

Contract: the extraction pipeline calls :func:`extract_claims` once per parsed document, inside
the document's transaction. Claims need more than FtM properties (value, unit, qualifier,
as-of date, asserter, series), so this module owns how they are stored.
"""

from __future__ import annotations

from spacy.tokens import Doc
from sqlalchemy.orm import Session

from sanctionwatch.extract.types import DocumentContext, Mention


def extract_claims(
    session: Session, doc: Doc, context: DocumentContext, mentions: list[Mention]
) -> int:
    """Find the claims in ``doc``, replace this document's stored claims, return how many."""
    return 0
