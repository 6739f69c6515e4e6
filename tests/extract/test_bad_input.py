"""Bad input: empty, huge, non-English, HTML tables and odd numbers never break extraction."""

from __future__ import annotations

import pytest
import spacy
from sqlalchemy import select

from sanctionwatch.extract import entities as entities_module
from sanctionwatch.extract import pipeline
from sanctionwatch.ingest import ingest_bytes
from sanctionwatch.store import Database
from sanctionwatch.store.tables import DocumentRow, StatementRow
from storekit import AddDocument, text_document


def _rows(database: Database, document_id: str) -> list[StatementRow]:
    with database.session() as session:
        query = select(StatementRow).where(
            StatementRow.document_id == document_id,
            StatementRow.origin == entities_module.ORIGIN,
        )
        return list(session.scalars(query))


def _assert_spans_exact(database: Database, document_id: str) -> None:
    with database.session() as session:
        original = session.get(DocumentRow, document_id).original_text  # type: ignore[union-attr]
    for row in _rows(database, document_id):
        if row.prop in ("name", "full"):
            assert row.span_start is not None and row.span_end is not None
            assert original[row.span_start : row.span_end] == (row.original_value or row.value)


@pytest.mark.parametrize("text", ["", "   \n\n\t  ", "\u200b\ufeff"])
def test_empty_documents_extract_to_nothing(
    database: Database, add_document: AddDocument, text: str
) -> None:
    doc_id = add_document(text)
    report = pipeline.extract_documents(database)
    assert report.documents == 1 and not report.failures
    assert _rows(database, doc_id) == []


PARAGRAPH = (
    "The ferry left the harbour at dawn with timber, fish and forty passengers aboard, "
    "and the customs officers counted every crate twice before they let it sail. "
)


def test_a_five_megabyte_document_is_parsed_in_pieces(sqlite_database: Database) -> None:
    """Rules only (no statistical model) so the test stays quick; the chunking is the same."""
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("sanctionwatch_rules")
    nlp.max_length = pipeline.CHUNK_CHARS + 10
    body = PARAGRAPH * (5_100_000 // len(PARAGRAPH))
    text = body + "At the end Zephyr Maritime Ltd bought the ferry.\n"
    assert len(text.encode()) >= 5_000_000
    with sqlite_database.session() as session:
        session.add(text_document(text, doc_id="f" * 64, source="huge.txt"))
    report = pipeline.extract_documents(sqlite_database, nlp=nlp)
    assert report.documents == 1 and not report.failures
    rows = [r for r in _rows(sqlite_database, "f" * 64) if r.value == "Zephyr Maritime Ltd"]
    assert len(rows) == 1
    assert rows[0].schema == "Company"
    assert rows[0].span_start == text.index("Zephyr")


def test_long_text_chunks_keep_offsets_with_the_real_model(
    database: Database, add_document: AddDocument, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pipeline, "CHUNK_CHARS", 2_000)
    parts = [
        f"Oleg Petrenko{i} paid Brightwater Holdings Limited in Nakhodka. " + PARAGRAPH * 3
        for i in range(12)
    ]
    doc_id = add_document("".join(parts))
    report = pipeline.extract_documents(database)
    assert report.documents == 1 and not report.failures
    rows = _rows(database, doc_id)
    companies = {r.span_start for r in rows if r.value == "Brightwater Holdings Limited"}
    assert len(companies) == 12
    _assert_spans_exact(database, doc_id)


def test_russian_text_keeps_cyrillic_names(database: Database, add_document: AddDocument) -> None:
    text = (
        "Компания ООО «Мехянсан» из Иркутска наняла рабочих из КНДР. "
        "Директор Иван Петров сказал, что договор истёк в 2019 году."
    )
    doc_id = add_document(text)
    report = pipeline.extract_documents(database)
    assert report.documents == 1 and not report.failures
    rows = _rows(database, doc_id)
    assert any(r.value == "ООО «Мехянсан»" and r.schema == "Company" for r in rows)
    for row in rows:
        assert row.value in text or row.prop not in ("name", "full")
    _assert_spans_exact(database, doc_id)


def test_korean_text_does_not_break_and_keeps_hangul(
    database: Database, add_document: AddDocument
) -> None:
    text = "김정은 위원장은 평양에서 러시아 대표단을 만났다. 능라도무역총회사는 제재 대상이다."
    doc_id = add_document(text)
    report = pipeline.extract_documents(database)
    assert report.documents == 1 and not report.failures
    for row in _rows(database, doc_id):
        assert (row.original_value or row.value) in text
    _assert_spans_exact(database, doc_id)


def test_html_tables_and_lists(database: Database) -> None:
    html = (
        b"<html><head><title>Fronts</title></head><body>"
        b"<p>Investigators listed these firms.</p>"
        b"<table><tr><th>Firm</th><th>Country</th></tr>"
        b"<tr><td>Brightwater Holdings Limited</td><td>Cyprus</td></tr>"
        b"<tr><td>Korea Sobaeksu Trading Corp.</td><td>North Korea</td></tr></table>"
        b"<ul><li>Oleg Petrenko, director</li><li>Irina Volkova</li></ul></body></html>"
    )
    outcome = ingest_bytes(database, html, source="fronts.html", media_type="text/html")
    assert outcome.document_id
    report = pipeline.extract_documents(database)
    assert report.documents == 1 and not report.failures
    values = {(r.schema, r.value) for r in _rows(database, outcome.document_id)}
    assert ("Company", "Brightwater Holdings Limited") in values
    assert ("Company", "Korea Sobaeksu Trading Corp.") in values
    assert ("Address", "Cyprus") in values
    _assert_spans_exact(database, outcome.document_id)


def test_odd_numbers_do_not_become_entities(database: Database, add_document: AddDocument) -> None:
    text = (
        "Exports fell by 1,5 percent to 1.5 million dollars, or 1.500.000 roubles; "
        "about 1,200 - 1,500 workers (ca. 3,5%) stayed."
    )
    doc_id = add_document(text)
    report = pipeline.extract_documents(database)
    assert report.documents == 1 and not report.failures
    for row in _rows(database, doc_id):
        assert any(ch.isalpha() for ch in row.value)
        assert row.schema != "Person"
