"""One common-schema rule for every stage that assembles entities from statements."""

from __future__ import annotations

import itertools
from pathlib import Path
from types import SimpleNamespace

import pytest

from sanctionwatch.screen.graphkeys import GraphNames
from sanctionwatch.screen.screening import entity_from_columns
from sanctionwatch.store import schemata
from sanctionwatch.store.schemata import common_schema, common_schema_name
from sanctionwatch.store.statements import Statement, assemble_entity


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        (["Organization", "Company"], "Company"),
        (["Company", "Organization"], "Company"),
        (["LegalEntity", "Organization", "Company", "LegalEntity"], "Company"),
        (["LegalEntity", "Person"], "Person"),
        (["Vessel"], "Vessel"),
        (["NoSuchSchema", "Organization", "Company"], "Company"),
        (["Organization", "NoSuchSchema"], "Organization"),
    ],
)
def test_common_schema_is_the_most_specific_fit(names: list[str], expected: str) -> None:
    schema = common_schema(names)
    assert schema is not None and schema.name == expected


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        (["Person", "Company"], "LegalEntity"),  # nearest common ancestor, never one of them
        (["Company", "Person", "Organization"], "LegalEntity"),  # more names are no vote
        (["Person", "Company", "LegalEntity"], "LegalEntity"),
        (["Person", "Organization"], "LegalEntity"),
        (["Person", "PublicBody"], "LegalEntity"),  # was Person (a tie, alphabetical): keys v5
        (["Organization", "Asset", "Company", "Person"], "LegalEntity"),  # Company is both
        (["Vessel", "Airplane"], "Vehicle"),
        # Only Asset (not matchable: never screened) or Thing (abstract) is shared: a matchable
        # head, then the head fitting most names, then alphabetical.
        (["Company", "Vessel"], "Company"),
        (["Company", "Airplane", "Asset"], "Airplane"),  # both fit two: alphabetical
        (["Person", "LegalEntity", "Vessel", "Vessel"], "Person"),  # repetition is no vote
        (["Vessel", "Person"], "Person"),
        (["Organization", "Asset", "Person"], "Organization"),  # Asset is not matchable
    ],
)
def test_incompatible_schemata_do_not_depend_on_order(names: list[str], expected: str) -> None:
    found = {
        getattr(common_schema(list(order)), "name", None) for order in itertools.permutations(names)
    }
    assert found == {expected}
    assert common_schema_name(list(reversed(names))) == expected


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        (["Person", "Company"], "LegalEntity"),
        (["Company", "Vessel"], "Asset"),
        (["Vessel", "Airplane"], "Vehicle"),
        (["Person", "Vessel"], "Thing"),
        (["Company"], "Company"),
        (["Company", "Organization"], "Organization"),
    ],
)
def test_nearest_common_ancestor(names: list[str], expected: str) -> None:
    from followthemoney import model

    found = schemata.nearest_common_ancestor(model.get(name) for name in names)
    assert found is not None and found.name == expected


def test_no_known_schema() -> None:
    assert common_schema([]) is None
    assert common_schema(["NoSuchSchema"]) is None
    assert common_schema_name(["NoSuchSchema", "AlsoUnknown"]) == "NoSuchSchema"
    assert common_schema_name(["LegalEntity", "Company"]) == "Company"


def test_only_the_store_helper_merges_schemata() -> None:
    """No stage keeps its own copy of the rule (they drifted apart before): only the store
    helper may merge schemata (FollowTheMoney's pairwise rule is not order-independent)."""
    package = Path(schemata.__file__).parents[1]
    copies = [
        str(path.relative_to(package))
        for path in sorted(package.rglob("*.py"))
        if "model.common_schema(" in path.read_text(encoding="utf-8")
    ]
    assert set(copies) <= {"store/schemata.py"}


def test_stages_agree_on_a_mixed_entity() -> None:
    """Store assembly, screening's column path and the graph-key index give one schema."""
    rows = [
        ("LegalEntity", "name", "Acme Trading"),
        ("Company", "registrationNumber", "RN-77"),
        ("Organization", "country", "kp"),
    ]
    statements = [
        Statement("e1", schema, prop, value, "documents", "extract:entities", "1")
        for schema, prop, value in rows
    ]
    assembled = assemble_entity(statements)
    columns = entity_from_columns(
        "e1", [SimpleNamespace(schema=s, prop=p, value=v) for s, p, v in rows]
    )
    keyed = GraphNames("e1", schemata={schema for schema, _, _ in rows}).schema()
    assert columns is not None and keyed is not None
    assert assembled.schema.name == columns.schema.name == keyed.name == "Company"
    assert columns.get("registrationNumber") == ["RN-77"]


def test_an_entity_some_statements_call_matchable_stays_matchable() -> None:
    """Screening and graph keys skip schemata that are not matchable (Asset): a merge of a
    company and a vessel must not drop out of screening without a word."""
    from followthemoney import model

    names = sorted(model.schemata)
    for first, second in itertools.combinations(names, 2):
        if model.schemata[first].matchable or model.schemata[second].matchable:
            found = common_schema([first, second])
            assert found is not None and found.matchable, (first, second, found)
