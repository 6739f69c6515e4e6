"""Indexed graph walks: the same neighbourhood as before, at a cost that follows the walk, not the
size of the store."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event, text

from sanctionwatch.resolve.graph import neighbours, path
from sanctionwatch.resolve.resolver import merge
from sanctionwatch.store import Database

AddEntity = Callable[..., str]


@contextmanager
def counted_queries(database: Database) -> Iterator[list[str]]:
    seen: list[str] = []

    def count(*args: Any) -> None:
        seen.append(str(args[2]))

    event.listen(database.engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(database.engine, "before_cursor_execute", count)


def _chain(add_entity: AddEntity, prefix: str, length: int) -> None:
    for number in range(length):
        add_entity(f"{prefix}{number}", "Company", {"name": [f"Firm {prefix}{number}"]})
    for number in range(length - 1):
        props = {"owner": [f"{prefix}{number}"], "asset": [f"{prefix}{number + 1}"]}
        add_entity(f"own-{prefix}{number}", "Ownership", props)


def test_walk_cost_does_not_grow_with_the_store(database: Database, add_entity: AddEntity) -> None:
    _chain(add_entity, "a", 6)
    with database.session() as session, counted_queries(database) as small:
        before = neighbours(session, "a2", depth=2)
    _chain(add_entity, "z", 300)  # an unrelated part of the graph, fifty times larger
    with database.session() as session, counted_queries(database) as large:
        after = neighbours(session, "a2", depth=2)
    assert after.nodes == before.nodes == {"a0": 2, "a1": 1, "a2": 0, "a3": 1, "a4": 2}
    assert after.edges == before.edges
    assert len(large) == len(small) <= 20
    assert not any("RECURSIVE" in sql.upper() for sql in large)


def test_edges_among_the_outermost_nodes_are_kept(
    database: Database, add_entity: AddEntity
) -> None:
    for entity_id in ("hub", "left", "right"):
        add_entity(entity_id, "Company", {"name": [f"Firm {entity_id}"]})
    add_entity("l1", "UnknownLink", {"subject": ["hub"], "object": ["left"]})
    add_entity("l2", "UnknownLink", {"subject": ["hub"], "object": ["right"]})
    add_entity("l3", "UnknownLink", {"subject": ["left"], "object": ["right"]})
    with database.session() as session:
        hood = neighbours(session, "hub", depth=1)
    assert {e.link_id for e in hood.edges} == {"l1", "l2", "l3"}


def test_a_link_entity_with_several_ends_makes_every_pair(
    database: Database, add_entity: AddEntity
) -> None:
    for entity_id in ("o1", "o2", "asset"):
        add_entity(entity_id, "Company", {"name": [f"Firm {entity_id}"]})
    add_entity("own", "Ownership", {"owner": ["o1", "o2"], "asset": ["asset"]})
    with database.session() as session:
        hood = neighbours(session, "o1", depth=2)
    assert hood.nodes == {"o1": 0, "asset": 1, "o2": 2}
    assert {(e.source, e.target) for e in hood.edges} == {("o1", "asset"), ("o2", "asset")}


def test_walks_and_paths_cross_merged_clusters(database: Database, add_entity: AddEntity) -> None:
    _chain(add_entity, "p", 3)
    _chain(add_entity, "q", 3)
    with database.session() as session:
        assert path(session, "p0", "q2") is None
        merge(session, "p2", "q0", user="ana")
    with database.session() as session:
        chain = path(session, "p0", "q2")
        hood = neighbours(session, "p1", depth=2)
    assert chain is not None and len(chain) == 4
    assert min(("p2", "q0")) in hood.nodes and "q1" in hood.nodes


def test_reverse_lookups_use_the_value_prefix_index(database: Database) -> None:
    if database.dialect != "sqlite":
        return  # the planner's choice on an empty PostgreSQL table says nothing
    with database.session() as session:
        plan = session.execute(
            text(
                "EXPLAIN QUERY PLAN SELECT entity_id FROM statements "
                "WHERE substr(value, 1, 64) IN ('a', 'b')"
            )
        ).all()
    assert "ix_statements_value_prefix" in " ".join(str(row[-1]) for row in plan)
