"""Helpers for the relation tests: parse a text, name its entities, run the extractor."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from functools import lru_cache
from typing import Any

import spacy

from sanctionwatch.extract.relation_mentions import mentions_for_names
from sanctionwatch.extract.relation_query import RelationRow, relation_rows
from sanctionwatch.extract.relations import extract_relations
from sanctionwatch.extract.types import DocumentContext
from sanctionwatch.settings import load_settings
from sanctionwatch.store.offsets import OffsetMap
from sanctionwatch.store.statements import Statement


@lru_cache(maxsize=1)
def nlp() -> Any:
    return spacy.load(load_settings().spacy_model)


def extract(
    text: str,
    names: Mapping[str, str],
    aliases: Mapping[str, str] | None = None,
    published: date | None = None,
    offsets: OffsetMap | None = None,
    title: str | None = None,
) -> tuple[list[Statement], list[RelationRow]]:
    """Statements and readable relation rows for ``text`` with the given entity names."""
    doc = nlp()(text)
    mentions = mentions_for_names(doc, names, aliases)
    context = DocumentContext(
        "doc-test",
        text,
        offsets or OffsetMap.identity(len(text)),
        published=published,
        title=title,
    )
    statements = extract_relations(doc, context, mentions)
    labels = {mention.entity_id: mention.canonical for mention in mentions}
    return statements, relation_rows(statements, labels)


def rows_of(text: str, names: Mapping[str, str], **kwargs: Any) -> list[RelationRow]:
    return extract(text, names, **kwargs)[1]


def triples(rows: list[RelationRow]) -> set[tuple[str, str, str]]:
    return {(row.kind, row.source, row.target) for row in rows}
