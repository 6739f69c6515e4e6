from __future__ import annotations

from collections.abc import Callable

import pytest

from sanctionwatch.resolve.graph import neighbours, path, ultimate_owners
from sanctionwatch.resolve.resolver import merge
from sanctionwatch.store import Database

AddEntity = Callable[..., str]


def _company(add_entity: AddEntity, entity_id: str) -> None:
    add_entity(entity_id, "Company", {"name": [f"Company {entity_id}"]})


def _owns(add_entity: AddEntity, owner: str, asset: str, percentage: str | None) -> None:
    props = {"owner": [owner], "asset": [asset]}
    if percentage is not None:
        props["percentage"] = [percentage]
    add_entity(f"own-{owner}-{asset}", "Ownership", props, origin="extract:relations")


def test_neighbours_follow_every_link_kind(database: Database, add_entity: AddEntity) -> None:
    for entity_id in ("acme", "boss", "clerk", "club"):
        _company(add_entity, entity_id)
    add_entity("dir-1", "Directorship", {"director": ["boss"], "organization": ["acme"]})
    add_entity("emp-1", "Employment", {"employee": ["clerk"], "employer": ["acme"]})
    add_entity("mem-1", "Membership", {"member": ["acme"], "organization": ["club"]})
    add_entity("san-1", "Sanction", {"entity": ["acme"], "authority": ["OFAC"]})
    add_entity("addr-1", "Address", {"full": ["1 Main St"]})
    add_entity("clerk", "Person", {"addressEntity": ["addr-1"]})
    with database.session() as session:
        one = neighbours(session, "acme", depth=1)
        two = neighbours(session, "acme", depth=2)
    assert set(one.nodes) == {"acme", "boss", "clerk", "club", "san-1"}
    assert one.nodes["acme"] == 0 and one.nodes["boss"] == 1
    assert {e.kind for e in one.edges} >= {"Directorship", "Employment", "Membership"}
    assert "Sanction.entity" in {e.kind for e in one.edges}
    assert two.nodes["addr-1"] == 2


def test_neighbours_go_through_resolved_clusters(database: Database, add_entity: AddEntity) -> None:
    for entity_id in ("a1", "a2", "b", "c"):
        _company(add_entity, entity_id)
    add_entity("l1", "UnknownLink", {"subject": ["a1"], "object": ["b"]})
    add_entity("l2", "UnknownLink", {"subject": ["a2"], "object": ["c"]})
    with database.session() as session:
        assert set(neighbours(session, "a1").nodes) == {"a1", "b"}
        merge(session, "a1", "a2", user="ana")
    with database.session() as session:
        assert set(neighbours(session, "a2").nodes) == {"a1", "b", "c"}
        chain = path(session, "b", "c")
    assert chain is not None
    assert [(e.source, e.target) for e in chain] == [("a1", "b"), ("a1", "c")]


def test_path_is_none_when_unconnected_and_ends_on_cycles(
    database: Database, add_entity: AddEntity
) -> None:
    for entity_id in ("x", "y", "z", "lonely"):
        _company(add_entity, entity_id)
    _owns(add_entity, "x", "y", "60")
    _owns(add_entity, "y", "z", "60")
    _owns(add_entity, "z", "x", "60")
    with database.session() as session:
        assert path(session, "x", "lonely") is None
        chain = path(session, "x", "z")
        assert chain is not None and len(chain) == 1
        assert set(neighbours(session, "x", depth=5).nodes) == {"x", "y", "z"}


def test_ultimate_owners_aggregate_shares_through_chains(
    database: Database, add_entity: AddEntity
) -> None:
    for entity_id in ("target", "hold-1", "hold-2", "top", "minor"):
        _company(add_entity, entity_id)
    _owns(add_entity, "hold-1", "target", "60")
    _owns(add_entity, "hold-2", "target", "40 %")
    _owns(add_entity, "top", "hold-1", "50")
    _owns(add_entity, "top", "hold-2", "100")
    _owns(add_entity, "minor", "hold-1", "50")
    with database.session() as session:
        report = ultimate_owners(session, "target")
    owners = {o.entity_id: o for o in report.owners}
    assert owners["top"].share == pytest.approx(0.7)
    assert owners["top"].ultimate and len(owners["top"].paths) == 2
    assert owners["minor"].share == pytest.approx(0.3)
    assert owners["hold-1"].share == pytest.approx(0.6) and not owners["hold-1"].ultimate
    assert {o.entity_id for o in report.ultimate} == {"top", "minor"}
    assert report.issues == []


def test_unknown_percentages_leave_the_share_open(
    database: Database, add_entity: AddEntity
) -> None:
    for entity_id in ("t", "o"):
        _company(add_entity, entity_id)
    _owns(add_entity, "o", "t", "about half")
    with database.session() as session:
        report = ultimate_owners(session, "t")
    assert [(o.entity_id, o.share, o.share_complete) for o in report.owners] == [("o", None, False)]


def test_ownership_cycles_self_ownership_and_overfull_shares_are_reported(
    database: Database, add_entity: AddEntity
) -> None:
    for entity_id in ("t", "a", "b", "s"):
        _company(add_entity, entity_id)
    _owns(add_entity, "a", "t", "80")
    _owns(add_entity, "b", "a", "100")
    _owns(add_entity, "a", "b", "100")
    _owns(add_entity, "s", "t", "150")
    _owns(add_entity, "s", "s", "10")
    with database.session() as session:
        report = ultimate_owners(session, "t")
    joined = "\n".join(report.issues)
    assert "ownership cycle: a → b → a" in joined
    assert "self-ownership: s" in joined
    assert "share over 100%: s owns 150% of t" in joined
    assert "shares of t add up to 230%" in joined
    owners = {o.entity_id: o for o in report.owners}
    assert owners["a"].share == pytest.approx(0.8)
    assert owners["b"].share == pytest.approx(0.8)


def test_self_ownership_of_the_target_after_a_merge(
    database: Database, add_entity: AddEntity
) -> None:
    for entity_id in ("p", "q"):
        _company(add_entity, entity_id)
    _owns(add_entity, "p", "q", "100")
    with database.session() as session:
        merge(session, "p", "q", user="ana")
    with database.session() as session:
        report = ultimate_owners(session, "q")
    assert report.owners == []
    assert report.issues == ["self-ownership: p is recorded as owning itself"]
