"""Fixtures of the extract tests: the spaCy pipeline (loaded once) and documents in the store."""

from __future__ import annotations

import pytest
from spacy.language import Language

from sanctionwatch.extract.pipeline import load_nlp
from sanctionwatch.store import Database
from storekit import AddDocument, add_text_document


@pytest.fixture(scope="session")
def nlp() -> Language:
    return load_nlp()


@pytest.fixture
def add_document(database: Database) -> AddDocument:
    """Insert a document row directly (original text, cleaned text and offset map)."""
    counter = iter(range(1, 10_000))

    def add(clean: str, original: str | None = None, offsets: list[list[int]] | None = None) -> str:
        doc_id = f"{next(counter):064d}"
        return add_text_document(
            database,
            clean,
            original=original,
            offsets=offsets,
            doc_id=doc_id,
            source=f"doc-{doc_id[-4:]}.txt",
            published_at="2019-02-03",
        )

    return add
