"""Facts the seed articles state must come out of the whole pipeline as relations.

The assertions name facts (a Cyprus-registered shareholder of a Rungrado entity, companies
sharing a consulate's address); the extractor only has general rules.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from sanctionwatch.extract.pipeline import extract_documents
from sanctionwatch.extract.relation_query import RelationRow, list_relations
from sanctionwatch.extract.relations import ORIGIN
from sanctionwatch.ingest import ingest_paths
from sanctionwatch.store import Database
from sanctionwatch.store.statements import statements_for_entities

_CACHE: dict[str, Any] = {}


@pytest.fixture
def seed_store(shared_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Database:
    """The five seeds ingested and extracted once for this module."""
    if "database" not in _CACHE:
        path = tmp_path_factory.mktemp("seeds") / "seeds.db"
        database = Database(f"sqlite:///{path}")
        database.migrate()
        ingest_paths(database, sorted((shared_dir / "corpus" / "seeds").glob("*.txt")))
        extract_documents(database)
        _CACHE["database"] = database
    database: Database = _CACHE["database"]
    return database


def _rows(database: Database, kind: str) -> list[RelationRow]:
    with database.session() as session:
        return list_relations(session, kind=kind)


def test_a_cyprus_registered_shareholder_of_a_rungrado_entity(seed_store: Database) -> None:
    owners = [row for row in _rows(seed_store, "ownership") if "Rungrado" in row.target]
    assert owners, "no owner of a Rungrado entity found"
    with seed_store.session() as session:
        facts = statements_for_entities(session, [row.source_id for row in owners if row.source_id])
    jurisdictions = {(s.entity_id, s.value) for s in facts if s.prop == "jurisdiction"}
    cypriot = [row for row in owners if (row.source_id, "cy") in jurisdictions]
    assert cypriot, owners
    assert {s.schema for s in facts if s.entity_id == cypriot[0].source_id} & {
        "Company",
        "LegalEntity",
        "Organization",
    }
    assert all(s.origin for s in facts)


def test_companies_sharing_the_consulate_address(seed_store: Database) -> None:
    shared = _rows(seed_store, "shared_address")
    consulate = [
        row
        for row in shared
        if "consulate" in (row.source + row.target).lower()
        and "compan" in (row.source + row.target).lower()
    ]
    assert consulate, shared
    assert "Vladivostok" in consulate[0].properties.get("city", [])
    assert "twelve" in (consulate[0].source + consulate[0].target)


def test_the_shareholder_shares_an_address_with_a_restaurant(seed_store: Database) -> None:
    shared = _rows(seed_store, "shared_address")
    assert any(
        "Arrowcrest" in row.source + row.target and "restaurant" in row.source + row.target
        for row in shared
    ), shared


def test_rungrado_designations_with_authority_and_date(seed_store: Database) -> None:
    sanctions = [row for row in _rows(seed_store, "sanction") if "Rungrado" in row.source]
    found = {(row.target, tuple(row.properties.get("startDate", []))) for row in sanctions}
    assert ("United States", ("2016-12",)) in found
    assert ("European Union", ("2016-12",)) in found


def test_owners_listed_with_another_nationality(seed_store: Database) -> None:
    rows = [row for row in _rows(seed_store, "nationality") if "Rungrado" in row.source]
    assert {(row.target, row.properties["basis"][0]) for row in rows} >= {
        ("Vietnam", "listed"),
        ("North Korea", "reported"),
    }


def test_a_businessman_employs_north_korean_workers(seed_store: Database) -> None:
    rows = _rows(seed_store, "employment")
    assert any(row.target == "Yuri Dyakov" and "North Korean" in row.source for row in rows)
    assert any(row.source == "Ken Gause" and row.target == "CNA" for row in rows)


def test_relation_statements_point_into_the_original_text(seed_store: Database) -> None:
    with seed_store.session() as session:
        from sqlalchemy import select

        from sanctionwatch.store.tables import DocumentRow, StatementRow

        documents = {row.id: row.original_text for row in session.scalars(select(DocumentRow))}
        statements = list(
            session.scalars(select(StatementRow).where(StatementRow.origin == ORIGIN))
        )
    assert statements
    for row in statements:
        assert row.span_start is not None and row.span_end is not None
        evidence = _words(documents[row.document_id][row.span_start : row.span_end])
        assert evidence and row.sentence
        assert evidence in _words(row.sentence), (evidence, row.sentence)


def _words(text: str) -> str:
    """Words only: cleaning may drop markup (asterisks, tags) between original and sentence."""
    return " ".join(re.findall(r"\w+", text))
