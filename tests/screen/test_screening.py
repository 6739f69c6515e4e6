from __future__ import annotations

from sqlalchemy import delete, select

from sanctionwatch.screen.screening import (
    SCREEN_ORIGIN,
    build_list_index,
    graph_entity_ids,
    link_entity_id,
    rescreen_changed,
    screen_all,
    stored_matches,
)
from sanctionwatch.screen.tables import ScreenMatchRow
from sanctionwatch.store import Database
from sanctionwatch.store.statements import Statement, add_statements
from sanctionwatch.store.tables import StatementRow


def listed(entity_id: str, schema: str, version: str = "v1", **props: str) -> list[Statement]:
    return [
        Statement(entity_id, schema, prop, value, "un_sc", "list:un_sc", version)
        for prop, value in props.items()
    ]


def extracted(entity_id: str, schema: str, name: str) -> Statement:
    return Statement(entity_id, schema, "name", name, "documents", "extract:entities", "1")


def seed(database: Database) -> None:
    statements = [
        *listed("un-kju", "Person", name="KIM JONG UN", birthDate="1984-01-08"),
        *listed("un-pugang", "Organization", name="KOREA PUGANG TRADING CORPORATION"),
        *listed("un-s1", "Sanction", entity="un-pugang", program="DPRK", authority="UNSC"),
        extracted("doc-kim", "Person", "Kim Chong-un"),
        extracted("doc-pugang", "Company", "Korea Pugang Trading Corp."),
        extracted("doc-other", "Person", "Jonathan Appleseed"),
        extracted("doc-ship", "Vessel", "Kim Jong Un"),
    ]
    with database.session() as session:
        add_statements(session, statements)


def screen_statements(database: Database) -> list[StatementRow]:
    with database.session() as session:
        query = select(StatementRow).where(StatementRow.origin == SCREEN_ORIGIN)
        return list(session.scalars(query))


def test_graph_entities_exclude_lists(database: Database) -> None:
    seed(database)
    with database.session() as session:
        ids = graph_entity_ids(session)
    assert ids == ["doc-kim", "doc-other", "doc-pugang", "doc-ship"]


def test_index_is_built_from_list_statements(database: Database) -> None:
    seed(database)
    index = build_list_index(database)
    by_id = {entity.id: entity for entity in index.entities}
    assert set(by_id) == {"un-kju", "un-pugang"}
    assert by_id["un-pugang"].datasets == ["un_sc"]
    assert by_id["un-pugang"].version == "v1"
    assert by_id["un-pugang"].sanctions[0]["program"] == ["DPRK"]


def test_screen_all_stores_matches_and_statements(database: Database) -> None:
    seed(database)
    summary = screen_all(database)
    assert summary.screened == 4
    assert summary.matched_entities == 2
    with database.session() as session:
        pairs = {(r.graph_entity_id, r.list_entity_id) for r in stored_matches(session)}
        row = stored_matches(session, "doc-kim")[0]
        assert row.list_source == "un_sc" and row.list_version == "v1"
        assert row.matcher_version.startswith("sw-matcher-")
        assert 0.0 < row.score <= 1.0 and "name_token_jaro" in row.features
    assert pairs == {("doc-kim", "un-kju"), ("doc-pugang", "un-pugang")}
    facts = {(s.entity_id, s.prop, s.value) for s in screen_statements(database)}
    assert ("doc-kim", "topics", "sanction") in facts
    link = link_entity_id("doc-kim", "un-kju")
    assert (link, "subject", "doc-kim") in facts
    assert (link, "object", "un-kju") in facts
    assert not any(entity == "doc-ship" for entity, _, _ in facts)


def test_screen_all_twice_is_idempotent(database: Database) -> None:
    seed(database)
    screen_all(database)
    first = len(screen_statements(database))
    screen_all(database)
    assert len(screen_statements(database)) == first
    with database.session() as session:
        assert len(stored_matches(session)) == 2


def test_rescreen_changed_drops_removed_and_adds_changed(database: Database) -> None:
    seed(database)
    screen_all(database)
    with database.session() as session:
        session.execute(delete(StatementRow).where(StatementRow.entity_id == "un-kju"))
        add_statements(session, listed("un-new", "Person", "v2", name="Jonathan Appleseed"))
    summary = rescreen_changed(database, ["un-kju", "un-new"])
    with database.session() as session:
        pairs = {(r.graph_entity_id, r.list_entity_id) for r in stored_matches(session)}
        versions = {
            r.list_entity_id: r.list_version for r in session.scalars(select(ScreenMatchRow))
        }
    assert pairs == {("doc-pugang", "un-pugang"), ("doc-other", "un-new")}
    assert versions["un-new"] == "v2"
    assert summary.list_entities == 1
    facts = {(s.entity_id, s.prop, s.value) for s in screen_statements(database)}
    assert ("doc-kim", "topics", "sanction") not in facts
    assert not any(entity == link_entity_id("doc-kim", "un-kju") for entity, _, _ in facts)
    assert ("doc-other", "topics", "sanction") in facts


def test_threshold_one_stores_nothing(database: Database) -> None:
    seed(database)
    summary = screen_all(database, threshold=1.0)
    assert summary.matches == 0
    assert screen_statements(database) == []


def test_default_threshold_has_one_home() -> None:
    """Imported from :mod:`sanctionwatch.screen.matcher` only; screening does not offer it."""
    from sanctionwatch.screen import matcher, screening

    assert callable(matcher.default_threshold)
    assert not hasattr(screening, "default_threshold")


def test_an_analysts_merge_of_a_company_and_a_vessel_is_still_screened(
    database: Database,
) -> None:
    """Company and Vessel share only Asset, which screening skips: the merged entity must keep
    a matchable schema and find its listed company."""
    seed(database)
    merged = [
        extracted("doc-merged", "Company", "Korea Pugang Trading Corporation"),
        Statement("doc-merged", "Vessel", "name", "Pugang", "documents", "human:analyst", "1"),
    ]
    with database.session() as session:
        add_statements(session, merged)
    screen_all(database, entity_ids=["doc-merged"])
    with database.session() as session:
        pairs = {(r.graph_entity_id, r.list_entity_id) for r in stored_matches(session)}
    assert ("doc-merged", "un-pugang") in pairs
