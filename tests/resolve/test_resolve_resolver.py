from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import delete

from sanctionwatch.resolve.judgments import all_judgments, contradictions
from sanctionwatch.resolve.resolver import (
    canonical_id,
    judge,
    members,
    merge,
    resolve_entities,
    resolved_entity,
    review_queue,
    split,
)
from sanctionwatch.store import Database
from sanctionwatch.store.tables import StatementRow

AddEntity = Callable[..., str]


def _same(database: Database, a: str, b: str) -> bool:
    with database.session() as session:
        return canonical_id(session, a) == canonical_id(session, b)


def test_typo_in_a_person_name_merges(database: Database, add_entity: AddEntity) -> None:
    add_entity("per-grove-1", "Person", {"name": ["Thomas Grove"]}, document="Thomas Grove said")
    add_entity("per-grove-2", "Person", {"name": ["Thomas Groves"]}, document="Thomas Groves, CEO")
    summary = resolve_entities(database)
    assert summary.machine_same == 1
    assert _same(database, "per-grove-1", "per-grove-2")


def test_rungrado_short_form_eu_alias_and_list_entry_become_one(
    database: Database, add_entity: AddEntity
) -> None:
    text = "Korea Rungrado General Trading Corporation ... Rungrado also runs"
    add_entity("org-rungrado-short", "Organization", {"name": ["Rungrado"]}, document=text)
    add_entity(
        "org-rungrado-long",
        "Company",
        {"name": ["Korea Rungrado General Trading Corporation"]},
        document=text,
    )
    add_entity(
        "eu-rungrado",
        "Company",
        {"name": ["Trgovska družba Rungrado"], "country": ["kp"]},
        dataset="eu_fsf",
        origin="list:eu_fsf",
    )
    add_entity(
        "ofac-rungrado",
        "Company",
        {"name": ["KOREA RUNGRADO GENERAL TRADING CORPORATION"], "country": ["kp"]},
        dataset="us_ofac_sdn",
        origin="list:us_ofac_sdn",
    )
    resolve_entities(database)
    with database.session() as session:
        root = canonical_id(session, "ofac-rungrado")
        assert set(members(session, root)) == {
            "org-rungrado-short",
            "org-rungrado-long",
            "eu-rungrado",
            "ofac-rungrado",
        }
        entity = resolved_entity(session, root)
        assert entity is not None
        assert entity.schema.name == "Company"
        assert "Trgovska družba Rungrado" in entity.get("name")
        assert "Rungrado" in entity.get("name")


def test_case_and_legal_form_variants_merge(database: Database, add_entity: AddEntity) -> None:
    add_entity("a", "Company", {"name": ["Korea Pugang Trading Corp."]}, document="doc one")
    add_entity("b", "Company", {"name": ["KOREA PUGANG TRADING CORPORATION"]}, document="doc two")
    resolve_entities(database)
    assert _same(database, "a", "b")
    with database.session() as session:
        same = [j for j in all_judgments(session) if j.judgment == "same"]
    assert same and same[0].machine and "name_core_equal" in same[0].features


def test_different_people_and_sibling_companies_stay_apart(
    database: Database, add_entity: AddEntity
) -> None:
    add_entity("kju", "Person", {"name": ["Kim Jong Un"]}, document="one")
    add_entity("kjn", "Person", {"name": ["Kim Jong Nam"]}, document="two")
    add_entity("pg-trading", "Company", {"name": ["Korea Pugang Trading Corp"]}, document="3")
    add_entity("pg-mining", "Company", {"name": ["Korea Pugang Mining Company"]}, document="4")
    add_entity("person-org", "Company", {"name": ["Kim Jong Un"]}, document="5")
    summary = resolve_entities(database)
    assert summary.machine_same == 0
    assert not _same(database, "kju", "kjn")
    assert not _same(database, "pg-trading", "pg-mining")
    assert not _same(database, "kju", "person-org")


def test_short_form_does_not_chain_sibling_companies(
    database: Database, add_entity: AddEntity
) -> None:
    add_entity("short", "Company", {"name": ["Pugang"]}, document="a")
    add_entity("trading", "Company", {"name": ["Pugang Trading Company"]}, document="b")
    add_entity("mining", "Company", {"name": ["Pugang Mining Company"]}, document="c")
    resolve_entities(database)
    assert not _same(database, "trading", "mining")


def test_different_registration_numbers_keep_namesakes_apart(
    database: Database, add_entity: AddEntity
) -> None:
    add_entity("x", "Company", {"name": ["Arrowcrest Ltd"], "registrationNumber": ["HE 1"]})
    add_entity("y", "Company", {"name": ["Arrowcrest Limited"], "registrationNumber": ["HE 2"]})
    resolve_entities(database)
    assert not _same(database, "x", "y")


def test_uncertain_pairs_are_queued_for_review(database: Database, add_entity: AddEntity) -> None:
    add_entity("p1", "Person", {"name": ["Grove"]}, document="Mr Grove")
    add_entity("p2", "Person", {"name": ["Thomas Grove"]}, document="Thomas Grove spoke")
    summary = resolve_entities(database)
    assert summary.queued_for_review == 1
    with database.session() as session:
        queue = review_queue(session)
        assert [j.pair for j in queue] == [("p1", "p2")]
        judge(session, "p1", "p2", "not_same", user="ana")
    with database.session() as session:
        assert review_queue(session) == []


def test_human_judgment_overrides_machine_and_survives_rerun_and_reextraction(
    database: Database, add_entity: AddEntity
) -> None:
    add_entity("a", "Company", {"name": ["Korea Pugang Trading Corp."]}, document="doc a")
    add_entity("b", "Company", {"name": ["KOREA PUGANG TRADING CORPORATION"]}, document="doc b")
    add_entity("c", "Person", {"name": ["Ri Song Chol"]}, document="doc c")
    add_entity("d", "Person", {"name": ["Ri Song Hyok"]}, document="doc d")
    resolve_entities(database)
    assert _same(database, "a", "b")
    with database.session() as session:
        split(session, "a", user="ana", note="different registrations")
        merge(session, "c", "d", user="ana", note="same passport")
    assert not _same(database, "a", "b")
    assert _same(database, "c", "d")

    resolve_entities(database)
    assert not _same(database, "a", "b")
    assert _same(database, "c", "d")

    # Re-extraction: the extractor's statements go and come back with the same ids.
    with database.session() as session:
        session.execute(delete(StatementRow).where(StatementRow.origin == "extract:entities"))
    resolve_entities(database)
    add_entity("a", "Company", {"name": ["Korea Pugang Trading Corp."]}, document="doc a")
    add_entity("b", "Company", {"name": ["KOREA PUGANG TRADING CORPORATION"]}, document="doc b")
    add_entity("c", "Person", {"name": ["Ri Song Chol"]}, document="doc c")
    add_entity("d", "Person", {"name": ["Ri Song Hyok"]}, document="doc d")
    resolve_entities(database)
    assert not _same(database, "a", "b")
    assert _same(database, "c", "d")


def test_machine_withdraws_a_merge_when_the_evidence_goes(
    database: Database, add_entity: AddEntity
) -> None:
    add_entity("a", "Person", {"name": ["Thomas Grove"]}, document="x")
    add_entity("b", "Person", {"name": ["Thomas Groves"]}, document="y")
    resolve_entities(database)
    assert _same(database, "a", "b")
    with database.session() as session:
        session.execute(delete(StatementRow).where(StatementRow.entity_id == "b"))
    summary = resolve_entities(database)
    assert summary.withdrawn == 1
    assert not _same(database, "a", "b")


def test_contradicting_judgments_are_reported(database: Database, add_entity: AddEntity) -> None:
    for entity_id in ("A", "B", "C"):
        add_entity(entity_id, "Company", {"name": [f"Firm {entity_id}"]})
    with database.session() as session:
        merge(session, "A", "B", user="ana")
        judge(session, "A", "C", "not_same", user="bo")
        decision = merge(session, "B", "C", user="cy")
    assert decision.contradictions, "the conflicting merge must be reported"
    assert "A" in decision.contradictions[0] and "C" in decision.contradictions[0]
    with database.session() as session:
        found = contradictions(session)
    assert len(found) == 1
    assert found[0].chain == ("A", "B", "C")
    assert _same(database, "A", "B")
    assert not _same(database, "A", "C")
    summary = resolve_entities(database)
    assert len(summary.contradictions) == 1


def test_split_dissolve_separates_every_member(database: Database, add_entity: AddEntity) -> None:
    for entity_id in ("A", "B", "C"):
        add_entity(entity_id, "Company", {"name": [f"Firm {entity_id}"]})
    with database.session() as session:
        merge(session, "A", "B", user="ana")
        merge(session, "B", "C", user="ana")
        assert members(session, "C") == ["A", "B", "C"]
        split(session, "B", user="ana", dissolve=True)
        assert members(session, "A") == ["A"]
        assert canonical_id(session, "C") == "C"


def test_a_firm_typed_legal_entity_never_merges_with_a_person(
    database: Database, add_entity: AddEntity
) -> None:
    add_entity("le", "LegalEntity", {"name": ["Namsan Trading Corporation"]})
    add_entity("per", "Person", {"name": ["Namsan Trading"]})
    resolve_entities(database)
    assert not _same(database, "le", "per")


def test_a_longer_person_name_needs_evidence_to_merge(
    database: Database, add_entity: AddEntity
) -> None:
    add_entity("short", "Person", {"name": ["Safia Farkash"], "birthDate": ["1953-01-01"]})
    add_entity("long", "Person", {"name": ["Safia Farkash Al-Barassi"]})
    add_entity("dated", "Person", {"name": ["SAFIA FARKASH AL-BARASSI"], "birthDate": ["1953"]})
    resolve_entities(database)
    with database.session() as session:
        queued = {j.pair for j in review_queue(session)}
    assert _same(database, "short", "dated"), "same birth year tips the longer name over"
    assert _same(database, "long", "dated")
    assert ("long", "short") not in queued


def test_generic_cores_do_not_merge(database: Database, add_entity: AddEntity) -> None:
    for index, rest in enumerate(["Security Bureau", "Aerospace Agency", "Development Fund"]):
        for country in ("sy", "ir", "kp", "ru", "by", "cu"):
            add_entity(
                f"org-{index}-{country}",
                "Organization",
                {"name": [f"National {rest} of {country.upper()}"], "country": [country]},
            )
    add_entity("national", "Organization", {"name": ["National"]})
    for n in range(12):
        add_entity(f"extra-{n}", "Organization", {"name": [f"National Widget {n} Board"]})
    summary = resolve_entities(database)
    assert summary.machine_same == 0
    assert not _same(database, "national", "org-0-sy")
