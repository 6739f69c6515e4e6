"""Sibling companies never chain through a short form, and canonical ids stay put.

The names are invented (a made-up "Kumbit" family of firms) in the shapes the lists and reports
use: a state trading corporation, its shipping sibling, a bare short form in an article.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select

from sanctionwatch.resolve.judgments import all_judgments
from sanctionwatch.resolve.resolver import (
    canonical_id,
    members,
    merge,
    resolve_entities,
    review_queue,
    split,
)
from sanctionwatch.resolve.tables import ClusterIdRow
from sanctionwatch.store import Database

AddEntity = Callable[..., str]

TRADING = "KUMBIT GENERAL TRADING CORPORATION"
SHIPPING = "KUMBIT SHIPPING CO."


def _same(database: Database, a: str, b: str) -> bool:
    with database.session() as session:
        return canonical_id(session, a) == canonical_id(session, b)


def _list_entry(add_entity: AddEntity, entity_id: str, name: str, source: str) -> None:
    add_entity(
        entity_id,
        "Organization",
        {"name": [name], "country": ["kp"]},
        dataset=source,
        origin=f"list:{source}",
    )


def _siblings_on_one_list(add_entity: AddEntity) -> None:
    _list_entry(add_entity, "ofac-kumbit-trading", TRADING, "us_ofac_sdn")
    _list_entry(add_entity, "ofac-kumbit-shipping", SHIPPING, "us_ofac_sdn")


def test_an_alias_does_not_merge_a_full_name_with_its_shipping_sibling(
    database: Database, add_entity: AddEntity
) -> None:
    _siblings_on_one_list(add_entity)
    text = "Kumbit General Trading Corporation (Kumbit) sent crews abroad."
    add_entity(
        "com-kumbit",
        "Company",
        {"name": ["Kumbit General Trading Corporation"], "alias": ["Kumbit"]},
        document=text,
    )
    resolve_entities(database)
    assert _same(database, "com-kumbit", "ofac-kumbit-trading")
    assert not _same(database, "com-kumbit", "ofac-kumbit-shipping")
    with database.session() as session:
        verdicts = {j.pair: j for j in all_judgments(session)}
    shipping = verdicts[("com-kumbit", "ofac-kumbit-shipping")]
    assert shipping.judgment == "not_same"
    assert shipping.features.get("full_names_conflict") == 1.0


def test_a_bare_short_form_matching_two_siblings_goes_to_review(
    database: Database, add_entity: AddEntity
) -> None:
    _siblings_on_one_list(add_entity)
    add_entity("org-kumbit", "Organization", {"name": ["Kumbit"]}, document="Kumbit hired.")
    summary = resolve_entities(database)
    assert not _same(database, "ofac-kumbit-trading", "ofac-kumbit-shipping")
    assert not _same(database, "org-kumbit", "ofac-kumbit-trading")
    assert not _same(database, "org-kumbit", "ofac-kumbit-shipping")
    assert summary.queued_for_review == 2
    assert summary.ambiguous_short_forms == 2
    with database.session() as session:
        queued = review_queue(session)
    assert {j.pair for j in queued} == {
        ("ofac-kumbit-shipping", "org-kumbit"),
        ("ofac-kumbit-trading", "org-kumbit"),
    }
    assert all(j.features.get("short_form_ambiguous") == 1.0 for j in queued)


def test_a_short_form_anchored_by_its_document_joins_the_full_name_only(
    database: Database, add_entity: AddEntity
) -> None:
    _siblings_on_one_list(add_entity)
    text = "Kumbit General Trading Corporation runs sites; Kumbit also hires."
    add_entity("org-kumbit", "Organization", {"name": ["Kumbit"]}, document=text)
    add_entity(
        "com-kumbit", "Company", {"name": ["Kumbit General Trading Corporation"]}, document=text
    )
    resolve_entities(database)
    with database.session() as session:
        cluster = set(members(session, canonical_id(session, "org-kumbit")))
    assert cluster == {"org-kumbit", "com-kumbit", "ofac-kumbit-trading"}


def test_a_machine_cluster_never_holds_two_entries_of_one_list(
    database: Database, add_entity: AddEntity
) -> None:
    # An airline and its trading arm: the bare name matches both (the arm only by its core).
    _list_entry(add_entity, "ofac-air-kumbit", "AIR KUMBIT", "us_ofac_sdn")
    _list_entry(add_entity, "ofac-air-kumbit-trading", "AIR KUMBIT TRADING CORP", "us_ofac_sdn")
    _list_entry(add_entity, "un-air-kumbit", "Air Kumbit", "un_sc")
    add_entity("org-air-kumbit", "Organization", {"name": ["Air Kumbit"]}, document="Air Kumbit")
    summary = resolve_entities(database)
    assert summary.kept_apart_one_entry_per_list >= 1
    assert _same(database, "org-air-kumbit", "ofac-air-kumbit")
    assert _same(database, "org-air-kumbit", "un-air-kumbit")
    assert not _same(database, "ofac-air-kumbit", "ofac-air-kumbit-trading")
    # An analyst may still join two entries of one list (a duplicate designation).
    with database.session() as session:
        merge(session, "ofac-air-kumbit", "ofac-air-kumbit-trading", user="ana")
    assert _same(database, "ofac-air-kumbit", "ofac-air-kumbit-trading")


def _pair(add_entity: AddEntity, first: str, second: str, name: str) -> None:
    add_entity(first, "Company", {"name": [name]}, document=f"{name} in one report")
    add_entity(second, "Company", {"name": [name.upper()]}, document=f"{name} in another")


def test_a_growing_cluster_keeps_its_canonical_id(
    database: Database, add_entity: AddEntity
) -> None:
    _pair(add_entity, "m-2", "m-3", "Taedong Pine Trading Corp")
    resolve_entities(database)
    with database.session() as session:
        assert canonical_id(session, "m-3") == "m-2"
    add_entity("a-1", "Company", {"name": ["Taedong Pine Trading Corporation"]}, document="new")
    resolve_entities(database)
    with database.session() as session:
        assert set(members(session, "m-2")) == {"a-1", "m-2", "m-3"}
        assert canonical_id(session, "a-1") == "m-2"


def test_when_clusters_merge_the_older_id_survives_and_the_other_still_resolves(
    database: Database, add_entity: AddEntity
) -> None:
    _pair(add_entity, "z-1", "z-2", "Sinhung Ore Mining Company")
    resolve_entities(database)
    _pair(add_entity, "b-1", "b-2", "Ryongak Timber Export Company")
    resolve_entities(database)
    with database.session() as session:
        assert canonical_id(session, "b-2") == "b-1"
        decision = merge(session, "z-2", "b-2", user="ana", note="same firm, renamed")
        assert decision.canonical_id == "z-1"
    with database.session() as session:
        assert canonical_id(session, "b-1") == "z-1"
        assert set(members(session, "b-1")) == {"z-1", "z-2", "b-1", "b-2"}
        retired = session.get(ClusterIdRow, "b-1")
        assert retired is not None and retired.merged_into == "z-1"
        assert retired.retired_at is not None
    resolve_entities(database)
    with database.session() as session:
        assert canonical_id(session, "b-2") == "z-1"
        split(session, "b-1", user="ana", dissolve=True)
    with database.session() as session:
        live = session.scalars(
            select(ClusterIdRow.canonical_id).where(ClusterIdRow.retired_at.is_(None))
        ).all()
        assert live == []
        assert canonical_id(session, "b-1") == "b-1"


def test_review_queue_asks_once_per_two_clusters_and_report_entities_first(
    database: Database, add_entity: AddEntity
) -> None:
    from sanctionwatch.resolve.judgments import add_judgment, recompute_canonical_ids

    for entity_id in ("per-a1", "per-a2"):
        add_entity(entity_id, "Person", {"name": ["Pak Chol"]}, document=f"{entity_id} text")
    for entity_id in ("un-x", "ofac-x", "un-y", "ofac-y"):
        source = entity_id.split("-")[0]
        add_entity(
            entity_id, "Person", {"name": [entity_id]}, dataset=source, origin=f"list:{source}"
        )
    with database.session() as session:
        add_judgment(session, "per-a1", "per-a2", "same", user="ana")
        recompute_canonical_ids(session)
        for left, right, score in (
            ("per-a1", "un-x", 0.7),
            ("per-a2", "un-x", 0.75),
            ("un-y", "ofac-y", 0.85),
            ("ofac-x", "un-y", 0.8),
        ):
            add_judgment(session, left, right, "unsure", user="machine", machine=True, score=score)
    with database.session() as session:
        queue = [j.pair for j in review_queue(session)]
    assert queue == [("per-a2", "un-x"), ("ofac-y", "un-y"), ("ofac-x", "un-y")]
