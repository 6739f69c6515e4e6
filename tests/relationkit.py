"""The relation rows the whole relation extractor reads in one invented sentence or page.

Shared by the relation tests: the test names the mentions (name -> schema, short forms), this
builds the document context and returns the rows `sanctionwatch relations` would print.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from spacy.language import Language

from sanctionwatch.extract.relation_mentions import mentions_for_names
from sanctionwatch.extract.relation_query import RelationRow, relation_rows
from sanctionwatch.extract.relations import extract_relations
from sanctionwatch.extract.types import DocumentContext
from sanctionwatch.store.offsets import OffsetMap


def rows_for(
    nlp: Language,
    text: str,
    names: Mapping[str, str],
    *,
    document_id: str,
    published: date,
    title: str | None = None,
    aliases: Mapping[str, str] | None = None,
) -> list[RelationRow]:
    """Every relation row read in ``text``, the mentions being exactly ``names``."""
    doc = nlp(text)
    mentions = mentions_for_names(doc, names, aliases)
    context = DocumentContext(
        document_id, text, OffsetMap.identity(len(text)), published=published, title=title
    )
    labels = {mention.entity_id: mention.canonical for mention in mentions}
    return relation_rows(extract_relations(doc, context, mentions), labels)
