"""Name reuse means another legal person under a designated brand, not the designated firm's own
short or long form (invented firm names)."""

from __future__ import annotations

from graphkit import GraphBuilder

from sanctionwatch.flags.engine import FlagView, evaluate_flags, list_flags
from sanctionwatch.flags.rules import load_rules
from sanctionwatch.store import Database


def reuse_flags(database: Database, builder: GraphBuilder) -> list[FlagView]:
    builder.save(database)
    evaluate_flags(database, [rule for rule in load_rules() if rule.id == "name_reuse"])
    with database.session() as session:
        return list_flags(session, rule="name_reuse")


def designated_haeyang(builder: GraphBuilder) -> str:
    """A report's "Haeyang Trading", sanctioned in the report, registered in the DPRK."""
    entity = builder.company("haeyang", "Haeyang Trading", country="kp")
    builder.sanction(entity)
    return entity


def flagged_ids(flags: list[FlagView]) -> set[str]:
    return {entity for flag in flags for entity in flag.entity_ids}


def test_the_designated_firms_own_long_and_short_forms_are_no_reuse(database: Database) -> None:
    builder = GraphBuilder()
    designated_haeyang(builder)
    # Mentions resolution did not join: the full name, and a form with a legal form only.
    builder.company("long", "Korea Haeyang Trading Corporation")
    builder.company("upper", "KOREA HAEYANG TRADING CORP.", country="kp")
    # Another name, but the registration number of the designated firm.
    builder.fact("haeyang", "Company", "registrationNumber", "KP-7731")
    builder.company("renumbered", "Haeyang Export Bureau Ltd", registrationNumber="KP 7731")
    flags = reuse_flags(database, builder)
    assert flags == [], [flag.explanation for flag in flags]


def test_another_firm_under_the_designated_brand_is_reuse(database: Database) -> None:
    builder = GraphBuilder()
    designated = designated_haeyang(builder)
    builder.company("sibling", "Haeyang Logistics LLC")  # other trade
    builder.company("russian", "Haeyang LLC", country="ru")  # same core, another country
    builder.company("renamed", "Greenleaf Timber LLC", previousName="Haeyang Trading Co")
    builder.company("unrelated", "Greenfield Shipping LLC")
    flags = reuse_flags(database, builder)
    assert all(designated in flag.entity_ids and len(flag.entity_ids) == 2 for flag in flags)
    by_entity = {(set(flag.entity_ids) - {designated}).pop(): flag for flag in flags}
    assert set(by_entity) == {"renamed", "russian", "sibling"}, [f.explanation for f in flags]
    assert "former name Haeyang Trading Co" in by_entity["renamed"].explanation
    assert "Haeyang LLC reuses the name 'Haeyang'" in by_entity["russian"].explanation
