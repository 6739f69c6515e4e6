"""The schema table that lets ``screen NAME`` run without importing FollowTheMoney."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from followthemoney import model

from sanctionwatch.screen.index import Query, make_query, make_query_entity
from sanctionwatch.screen.schemata import (
    compatible,
    facts_from_model,
    schema_exists,
    schema_facts,
    stale_message,
    stale_schemata,
)
from sanctionwatch.screen.schemata import main as schemata_main


def _ftm_compatible(left: str, right: str) -> bool:
    """The rule written out on the live model, independently of the table."""
    one, other = model.get(left), model.get(right)
    if one is None or other is None or left == right:
        return True
    if "Thing" in (one.name, other.name):
        return True
    return bool(one.is_a(other) or other.is_a(one) or one.can_match(other))


def test_the_stored_table_is_what_the_installed_model_says() -> None:
    assert stale_schemata() == [], stale_message()


def test_the_generator_writes_and_checks_the_table(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    table = tmp_path / "schemata.json"
    assert schemata_main(["--write", "--path", str(table)]) == 0
    assert json.loads(table.read_text(encoding="utf-8")) == facts_from_model()
    assert schemata_main(["--check", "--path", str(table)]) == 0
    data = json.loads(table.read_text(encoding="utf-8"))
    data["followthemoney"] = "0.0.1"  # an upgrade that changes no schema: still valid
    table.write_text(json.dumps(data), encoding="utf-8")
    assert stale_schemata(table) == []
    data["schemata"]["Vessel"]["compatible"].append("Person")
    del data["schemata"]["Airplane"]
    table.write_text(json.dumps(data), encoding="utf-8")
    capsys.readouterr()
    assert schemata_main(["--check", "--path", str(table)]) == 1
    message = capsys.readouterr().out.strip()
    assert message == stale_message(table) and "\n" not in message
    assert "written from followthemoney 0.0.1" in message
    assert "2 schemata (Airplane, Vessel)" in message
    assert message.endswith("python -m sanctionwatch.screen.schemata --write")
    assert schemata_main(["--path", str(table)]) == 0  # writing is the default
    assert stale_schemata(table) == []


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
