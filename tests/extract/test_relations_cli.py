"""The ``relations`` command on a store holding relations of a document."""

from __future__ import annotations

import hashlib
import json

from test_relations_support import nlp
from typer.testing import CliRunner

from sanctionwatch.cli import app
from sanctionwatch.extract.relation_mentions import mentions_for_names
from sanctionwatch.extract.relations import extract_relations
from sanctionwatch.extract.types import DocumentContext
from sanctionwatch.store import Database
from sanctionwatch.store.offsets import OffsetMap
from sanctionwatch.store.statements import add_statements
from storekit import text_document

runner = CliRunner()
TEXT = (
    "Tumen Trading Company owns 60% of Arctic Star Ltd through a trust. "
    "Kim Chol, director of Arctic Star Ltd, denied it. "
    "The EU sanctioned Tumen Trading Company in 2018."
)
NAMES = {"Tumen Trading Company": "Company", "Arctic Star Ltd": "Company", "Kim Chol": "Person"}


def _store(database: Database) -> str:
    doc_id = hashlib.sha256(TEXT.encode()).hexdigest()
    doc = nlp()(TEXT)
    mentions = mentions_for_names(doc, NAMES)
    context = DocumentContext(doc_id, TEXT, OffsetMap.identity(len(TEXT)))
    with database.session() as session:
        session.add(text_document(TEXT, doc_id=doc_id, source="memo.txt"))
        session.flush()
        add_statements(session, extract_relations(doc, context, mentions))
    return doc_id


def test_relations_json_lists_both_ends_document_and_sentence(database: Database) -> None:
    doc_id = _store(database)
    result = runner.invoke(app, ["relations", "--json", "--db", database.url])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    by_kind = {row["kind"]: row for row in rows}
    assert set(by_kind) == {"ownership", "directorship", "sanction"}
    ownership = by_kind["ownership"]
    assert (ownership["source"], ownership["target"]) == (
        "Tumen Trading Company",
        "Arctic Star Ltd",
    )
    assert ownership["properties"]["percentage"] == ["60"]
    assert ownership["document_id"] == doc_id
    assert ownership["sentence"].startswith("Tumen Trading Company owns 60%")
    assert by_kind["sanction"]["target"] == "European Union"


def test_relations_filters_by_kind_entity_and_limit(database: Database) -> None:
    _store(database)
    result = runner.invoke(
        app, ["relations", "--kind", "directorship", "--json", "--db", database.url]
    )
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert [(r["source"], r["target"]) for r in rows] == [("Kim Chol", "Arctic Star Ltd")]
    arctic = rows[0]["target_id"]
    result = runner.invoke(app, ["relations", "--entity", arctic, "--json", "--db", database.url])
    kinds = sorted(json.loads(line)["kind"] for line in result.output.splitlines())
    assert kinds == ["directorship", "ownership"]
    result = runner.invoke(app, ["relations", "--limit", "1", "--json", "--db", database.url])
    assert len(result.output.splitlines()) == 1


def test_relations_table_and_empty_store(sqlite_database: Database) -> None:
    empty = runner.invoke(app, ["relations", "--db", sqlite_database.url])
    assert empty.exit_code == 0
    assert "No relations found" in empty.output
    _store(sqlite_database)
    table = runner.invoke(app, ["relations", "--db", sqlite_database.url], env={"COLUMNS": "200"})
    assert table.exit_code == 0
    assert "Arctic Star Ltd" in table.output and "percentage=60" in table.output


def test_unknown_kind_is_an_error_with_a_hint(sqlite_database: Database) -> None:
    result = runner.invoke(app, ["relations", "--kind", "friendship", "--db", sqlite_database.url])
    assert result.exit_code == 1
    assert "unknown relation kind 'friendship'" in result.output
    assert "ownership" in result.output
