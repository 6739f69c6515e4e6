"""The schema table that lets ``screen NAME`` run without importing FollowTheMoney."""

from __future__ import annotations

import json

import pytest
from followthemoney import model

from sanctionwatch.screen.index import Query, make_query, make_query_entity
from sanctionwatch.screen.schemata import (
    SCHEMATA_FILE,
    compatible,
    facts_from_model,
    schema_exists,
    schema_facts,
)


def _ftm_compatible(left: str, right: str) -> bool:
    """The rule written out on the live model, independently of the table."""
    one, other = model.get(left), model.get(right)
    if one is None or other is None or left == right:
        return True
    if "Thing" in (one.name, other.name):
        return True
    return bool(one.is_a(other) or other.is_a(one) or one.can_match(other))


def test_the_stored_table_is_what_the_installed_model_says() -> None:
    stored = json.loads(SCHEMATA_FILE.read_text(encoding="utf-8"))
    assert stored == facts_from_model(), "run: python -m sanctionwatch.screen.schemata"


def test_every_schema_pair_is_compatible_exactly_as_in_followthemoney() -> None:
    names = [*model.schemata, "NoSuchSchema", "person"]
    disagree = [
        (left, right)
        for left in names
        for right in names
        if compatible(left, right) != _ftm_compatible(left, right)
    ]
    assert not disagree
    assert not compatible("Person", "Vessel")
    assert compatible("LegalEntity", "Company")


def test_schema_names_are_the_models() -> None:
    assert all(schema_exists(name) for name in model.schemata)
    assert not schema_exists("person")
    facts = schema_facts("Person")
    assert facts is not None and facts.person and "nationality" in facts.props


def _as_tuple(query: Query) -> tuple[object, ...]:
    return (
        query.schema,
        [(form.original, form.texts, form.legal_forms) for form in query.names],
        query.evidence,
    )


@pytest.mark.parametrize(
    ("name", "schema", "country", "birth_date"),
    [
        ("Kim Jong Un", "Person", "KP", "1984-01-08"),
        ("Kim Jong Un", "Person", None, None),
        ("Korea Pugang Trading Corp.", "Company", "kp", "1999"),
        ("Korea Pugang Trading Corp.", "Organization", "", ""),
        ("Chon Ma San", "Vessel", "pa", None),
        ("Air Koryo", "Airplane", "kp", "2000"),
        ("Kim Jong Un", "Thing", "ru", "1984"),
        ("Kim Jong Un", "LegalEntity", "ru", "1984"),
        ("Kim Jong Un", "Sanction", "ru", "1984"),  # no name property: no names
        ("!!!", "Person", "ru", None),  # no letters: no names, evidence kept
    ],
)
def test_a_typed_query_is_the_query_of_its_ftm_entity(
    name: str, schema: str, country: str | None, birth_date: str | None
) -> None:
    fast = make_query(name, schema, country, birth_date)
    slow = Query.from_entity(make_query_entity(name, schema, country, birth_date))
    assert _as_tuple(fast) == _as_tuple(slow)


def test_unknown_schemata_are_refused_alike() -> None:
    with pytest.raises(ValueError, match="unknown schema"):
        make_query("Kim", "Persn")
    with pytest.raises(ValueError, match="unknown schema"):
        make_query_entity("Kim", "Persn")
