"""Shared addresses whose other firms are unnamed: the count a report states (a claim) is
evidence, with or without an Address entity; a DPRK-run venue at the address counts like a
mission. Statements and claims are written here (invented names and figures)."""

from __future__ import annotations

from graphkit import DOC, GraphBuilder

from sanctionwatch.extract.claim_tables import ClaimRow
from sanctionwatch.flags.engine import FlagView, evaluate_flags, flag_detail, list_flags
from sanctionwatch.flags.rules import load_rules
from sanctionwatch.store import Database

SENTENCE = "The trade mission of the DPRK in Nakhodka shared its address with 9 companies."
OTHER = "Nakhodka port handled 9 companies' cargo last year."


def claim(claim_id: str, sentence: str, value: float, unit: str = "companies") -> ClaimRow:
    return ClaimRow(
        id=claim_id,
        document_id=DOC,
        measure="dprk_companies_in:nakhodka",
        measure_label="North Korean companies in Nakhodka",
        value=value,
        unit=unit,
        qualifier="exact",
        as_of_kind="stated",
        span_start=500,
        span_end=509,
        text=f"{int(value)} companies",
        sentence=sentence,
        extractor_version="test",
        confidence=0.9,
    )


def shared_flags(database: Database, builder: GraphBuilder, *claims: ClaimRow) -> list[FlagView]:
    builder.save(database)
    with database.session() as session:
        session.add_all(claims)
    evaluate_flags(database, [rule for rule in load_rules() if rule.id == "shared_address"])
    with database.session() as session:
        return list_flags(session, rule="shared_address")


def evidence_ids(database: Database, flag: FlagView) -> set[str]:
    with database.session() as session:
        return {e.statement_id for e in flag_detail(session, flag.id).evidence}


def test_a_stated_count_without_an_address_entity_is_a_shared_address(database: Database) -> None:
    builder = GraphBuilder()
    builder.fact("org-mission", "Organization", "name", "Trade mission of the DPRK", SENTENCE)
    flags = shared_flags(database, builder, claim("claim-nine", SENTENCE, 9))
    assert len(flags) == 1, [f.explanation for f in flags]
    assert flags[0].entity_ids == ["org-mission"]
    assert "10 parties" in flags[0].explanation and "9 more firms" in flags[0].explanation
    assert "diplomatic mission" in flags[0].explanation
    assert "claim-nine" in evidence_ids(database, flags[0])


def test_the_count_joins_the_address_read_from_the_same_sentence(database: Database) -> None:
    builder = GraphBuilder()
    builder.fact("addr-shared-n", "Address", "full", "address of the trade mission", SENTENCE)
    builder.fact("addr-shared-n", "Address", "remarks", "trade mission of the DPRK", SENTENCE)
    builder.fact("addr-shared-n", "Address", "remarks", "nine companies", SENTENCE)
    builder.fact("plc-nakhodka", "Address", "full", "Nakhodka", SENTENCE)  # a place, no sharer
    flags = shared_flags(database, builder, claim("claim-nine", SENTENCE, 9))
    assert len(flags) == 1, [f.explanation for f in flags]
    # the remark and the claim count the same nine firms: 1 mission + 9, not 1 + 9 + 9
    assert "10 parties" in flags[0].explanation
    assert "claim-nine" in evidence_ids(database, flags[0])


def test_counts_that_say_nothing_about_an_address_are_ignored(database: Database) -> None:
    builder = GraphBuilder()
    builder.company("c1", "Alpha LLC", OTHER)
    flags = shared_flags(
        database,
        builder,
        claim("claim-cargo", OTHER, 9),
        claim("claim-people", SENTENCE.replace("companies", "workers"), 9, unit="persons"),
    )
    assert flags == []


def test_a_dprk_restaurant_at_the_address_counts_like_a_mission(database: Database) -> None:
    builder = GraphBuilder()
    sentence = "Its listed address was that of a North Korean restaurant in Kazan."
    builder.fact("addr-shared-r", "Address", "full", "address of the restaurant", sentence)
    venue = "North Korean restaurant in Kazan"
    builder.fact("addr-shared-r", "Address", "remarks", venue, sentence)
    builder.company("c1", "Volga Timber LLC", sentence, addressEntity="addr-shared-r")
    plain = "Its listed address was that of a pizza restaurant in Kazan."
    builder.fact("addr-shared-p", "Address", "full", "address of the pizzeria", plain)
    builder.fact("addr-shared-p", "Address", "remarks", "a pizza restaurant in Kazan", plain)
    builder.company("c2", "Kama Timber LLC", plain, addressEntity="addr-shared-p")
    flags = shared_flags(database, builder)
    assert [flag.entity_ids for flag in flags] == [["c1"]], [f.explanation for f in flags]
    assert "DPRK-run venue: North Korean restaurant in Kazan" in flags[0].explanation
