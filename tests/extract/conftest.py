"""Fixtures of the extract tests: the spaCy pipeline (loaded once) and documents in the store."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from spacy.language import Language

from sanctionwatch.extract.pipeline import load_nlp
from sanctionwatch.store import Database
from sanctionwatch.store.tables import DocumentRow


@pytest.fixture(scope="session")
def nlp() -> Language:
    return load_nlp()


AddDocument = Callable[..., str]


@pytest.fixture
def add_document(database: Database) -> AddDocument:
    """Insert a document row directly (original text, cleaned text and offset map)."""
    counter = iter(range(1, 10_000))

    def add(clean: str, original: str | None = None, offsets: list[list[int]] | None = None) -> str:
        doc_id = f"{next(counter):064d}"
        with database.session() as session:
            session.add(
                DocumentRow(
                    id=doc_id,
                    source=f"doc-{doc_id[-4:]}.txt",
                    media_type="text/plain",
                    byte_size=len((original or clean).encode()),
                    original_text=original if original is not None else clean,
                    clean_text=clean,
                    offset_map=offsets if offsets is not None else [[0, 0, len(clean)]],
                    authors=[],
                    published_at="2019-02-03",
                )
            )
        return doc_id

    return add
