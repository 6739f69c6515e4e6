"""Small graphs built statement by statement, as extractors and list loaders would store them."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from sanctionwatch.store import Database, Statement
from sanctionwatch.store.statements import add_statements
from storekit import add_text_document


def make_document(database: Database, text: str) -> str:
    return add_text_document(database, text, offsets=[])


def entity_statements(
    entity_id: str,
    schema: str,
    props: dict[str, list[str]],
    *,
    dataset: str = "documents",
    origin: str = "extract:entities",
    document_id: str | None = None,
) -> list[Statement]:
    return [
        Statement(
            entity_id=entity_id,
            schema=schema,
            prop=prop,
            value=value,
            dataset=dataset,
            origin=origin,
            origin_version="1",
            document_id=document_id,
            start=0 if document_id else None,
            end=len(value) if document_id else None,
        )
        for prop, values in props.items()
        for value in values
    ]


AddEntity = Callable[..., str]


@pytest.fixture
def add_entity(database: Database) -> AddEntity:
    """``add_entity(id, schema, props, dataset=, origin=, document=text)`` stores one entity."""

    def add(
        entity_id: str,
        schema: str,
        props: dict[str, list[str]],
        *,
        dataset: str = "documents",
        origin: str = "extract:entities",
        document: str | None = None,
    ) -> str:
        doc_id = make_document(database, document) if document else None
        statements = entity_statements(
            entity_id, schema, props, dataset=dataset, origin=origin, document_id=doc_id
        )
        with database.session() as session:
            add_statements(session, statements)
        return entity_id

    return add
