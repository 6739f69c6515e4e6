"""The pipeline: new documents only, spans in the original text, versions, failures, gazetteer."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from sanctionwatch.extract import entities as entities_module
from sanctionwatch.extract import pipeline
from sanctionwatch.extract import relations as relations_module
from sanctionwatch.extract.tables import ExtractionRunRow
from sanctionwatch.store import Database, Statement
from sanctionwatch.store.statements import add_statements
from sanctionwatch.store.tables import DocumentRow, StatementRow
from storekit import AddDocument

TEXT = (
    "Brightwater Holdings Limited, a company registered in Cyprus, owns a depot in Nakhodka. "
    "Oleg Petrenko, director of the depot, hired forty welders. Petrenko declined to comment."
)


def _statements(database: Database, document_id: str, origin: str) -> list[StatementRow]:
    with database.session() as session:
        return list(
            session.scalars(
                select(StatementRow).where(
                    StatementRow.document_id == document_id, StatementRow.origin == origin
                )
            )
        )


def test_extracts_new_documents_once(database: Database, add_document: AddDocument) -> None:
    first = add_document(TEXT)
    report = pipeline.extract_documents(database)
    assert report.documents == 1 and not report.failures
    assert report.mentions >= 4
    stored = _statements(database, first, entities_module.ORIGIN)
    names = {s.value for s in stored if s.prop == "name"}
    assert {"Brightwater Holdings Limited", "Oleg Petrenko"} <= names
    again = pipeline.extract_documents(database)
    assert again.documents == 0 and again.skipped == 1
    second = add_document("Malvina Orlova runs a clothing firm in Novosibirsk.")
    third_run = pipeline.extract_documents(database)
    assert third_run.documents == 1 and third_run.skipped == 1
    assert _statements(database, second, entities_module.ORIGIN)
    with database.session() as session:
        runs = session.scalars(
            select(ExtractionRunRow).where(ExtractionRunRow.document_id == first)
        )
        assert {run.extractor for run in runs} == {"entities", "relations", "claims", "model"}


def test_another_spacy_model_reruns_extraction(
    database: Database, add_document: AddDocument, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_document("Oleg Petrenko founded Brightwater Holdings Limited in Nakhodka.")
    pipeline.extract_documents(database)
    with database.session() as session:
        assert pipeline.documents_to_process(session) == ([], 1)
        monkeypatch.setenv("SANCTIONWATCH_SPACY_MODEL", "/models/en_core_web_md")
        todo, done = pipeline.documents_to_process(session)
    assert len(todo) == 1 and done == 0


def test_a_model_that_cannot_load_is_one_clear_error() -> None:
    with pytest.raises(RuntimeError, match="SANCTIONWATCH_SPACY_MODEL"):
        pipeline.load_nlp("no_such_spacy_model_here")


def test_spans_point_into_the_original_text(database: Database, add_document: AddDocument) -> None:
    # The original has an advert the cleaner removed; the offset map skips it.
    head = "Oleg Petrenko met investors in Nakhodka. "
    advert = "[ADVERTISEMENT: Buy Acme Widgets Ltd now] "
    tail = "Brightwater Holdings Limited paid Petrenko in roubles."
    original = head + advert + tail
    clean = head + tail
    offsets = [[0, 0, len(head)], [len(head), len(head) + len(advert), len(tail)]]
    doc_id = add_document(clean, original, offsets)
    pipeline.extract_documents(database)
    stored = _statements(database, doc_id, entities_module.ORIGIN)
    assert stored
    for row in stored:
        if row.prop in ("name", "full"):
            assert row.span_start is not None and row.span_end is not None
            shown = row.original_value or row.value
            assert original[row.span_start : row.span_end] == shown
    assert not any("Acme" in row.value for row in stored)
    late = [r for r in stored if r.value == "Brightwater Holdings Limited"]
    assert late and late[0].span_start == original.index("Brightwater")


def _human_statement(document_id: str, entity_id: str) -> Statement:
    return Statement(
        entity_id=entity_id,
        schema="Person",
        prop="notes",
        value="Checked against the registry by an analyst",
        dataset="documents",
        origin="human:analyst",
        origin_version="1",
        document_id=document_id,
    )


def test_new_version_replaces_extracted_statements_but_keeps_human_ones(
    database: Database, add_document: AddDocument, monkeypatch: pytest.MonkeyPatch
) -> None:
    doc_id = add_document(TEXT)
    pipeline.extract_documents(database)
    before = _statements(database, doc_id, entities_module.ORIGIN)
    person = next(r.entity_id for r in before if r.value == "Oleg Petrenko")
    with database.session() as session:
        add_statements(session, [_human_statement(doc_id, person)])
    monkeypatch.setattr(entities_module, "EXTRACTOR_VERSION", "999")
    report = pipeline.extract_documents(database)
    assert report.documents == 1
    after = _statements(database, doc_id, entities_module.ORIGIN)
    assert len(after) == len(before)
    assert {r.origin_version for r in after} == {entities_module.extractor_version()}
    assert all(r.origin_version.startswith("999.") for r in after)
    assert len(_statements(database, doc_id, "human:analyst")) == 1


def test_reprocess_runs_everything_again_without_duplicates(
    database: Database, add_document: AddDocument
) -> None:
    doc_id = add_document(TEXT)
    pipeline.extract_documents(database)
    count = len(_statements(database, doc_id, entities_module.ORIGIN))
    report = pipeline.extract_documents(database, reprocess=True)
    assert report.documents == 1 and report.skipped == 0
    assert len(_statements(database, doc_id, entities_module.ORIGIN)) == count


def test_relation_statements_are_stored_and_replaced(
    database: Database, add_document: AddDocument, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fake_relations(doc: Any, context: Any, mentions: Any) -> list[Statement]:
        company = next(m for m in mentions if m.schema == "Company")
        return [
            Statement(
                entity_id="own-test",
                schema="Ownership",
                prop="asset",
                value=company.entity_id,
                dataset="documents",
                origin="extract:relations",
                origin_version="t",
                document_id=context.document_id,
            )
        ]

    monkeypatch.setattr(relations_module, "extract_relations", fake_relations)
    doc_id = add_document(TEXT)
    report = pipeline.extract_documents(database)
    assert report.relation_statements == 1
    pipeline.extract_documents(database, reprocess=True)
    assert len(_statements(database, doc_id, "extract:relations")) == 1


def test_a_failing_document_is_reported_and_rolled_back(
    database: Database, add_document: AddDocument, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = relations_module.extract_relations

    def flaky(doc: Any, context: Any, mentions: Any) -> list[Statement]:
        if "Kaboom" in context.clean_text:
            raise ValueError("relation extractor exploded")
        return real(doc, context, mentions)

    monkeypatch.setattr(relations_module, "extract_relations", flaky)
    bad = add_document("Kaboom Industries Ltd hired Oleg Petrenko.")
    good = add_document(TEXT)
    report = pipeline.extract_documents(database)
    assert report.documents == 1
    assert len(report.failures) == 1
    source, error = report.failures[0]
    assert source.startswith("doc-") and "exploded" in error
    assert _statements(database, bad, entities_module.ORIGIN) == []
    assert _statements(database, good, entities_module.ORIGIN)
    with database.session() as session:
        assert session.get(ExtractionRunRow, (bad, "entities")) is None
    monkeypatch.setattr(relations_module, "extract_relations", real)
    retry = pipeline.extract_documents(database)
    assert retry.documents == 1 and not retry.failures


def test_listed_names_are_recognised_from_the_store(
    database: Database, add_document: AddDocument
) -> None:
    with database.session() as session:
        add_statements(
            session,
            [
                Statement(
                    "un-kpe-99",
                    "Company",
                    "name",
                    "Ryonha Machinery Joint Venture",
                    "un_sc",
                    "list:un_sc",
                    "2026-02-27",
                ),
                Statement(
                    "un-kpe-99",
                    "Company",
                    "alias",
                    "Ryonha Machine Tools",
                    "un_sc",
                    "list:un_sc",
                    "2026-02-27",
                ),
            ],
        )
    doc_id = add_document("Buyers in Dalian still order from Ryonha Machine Tools every spring.")
    report = pipeline.extract_documents(database)
    assert report.gazetteer_names == 2
    stored = _statements(database, doc_id, entities_module.ORIGIN)
    hit = [r for r in stored if r.value == "Ryonha Machine Tools"]
    assert hit and hit[0].schema == "Company"


def test_document_context_reads_the_row() -> None:
    row = DocumentRow(
        id="a" * 64,
        source="x.txt",
        media_type="text/plain",
        byte_size=3,
        original_text="abc",
        clean_text="abc",
        offset_map=[],
        published_at="2019-02-03T10:00:00+00:00",
        publisher="WSJ",
        title="T",
    )
    context = pipeline.document_context(row)
    assert context.published is not None and context.published.isoformat() == "2019-02-03"
    assert context.offsets.to_original(2) == 2
    assert (context.publisher, context.title) == ("WSJ", "T")
