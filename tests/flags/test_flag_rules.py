"""Every rule: a positive and a negative case on a small graph built from statements."""

from __future__ import annotations

from pathlib import Path

import pytest
from graphkit import GraphBuilder

from sanctionwatch.flags.engine import FlagView, evaluate_flags, list_flags
from sanctionwatch.flags.rules import RuleError, load_list, load_rules, parse_rule
from sanctionwatch.store import Database


def run_rule(database: Database, builder: GraphBuilder, rule_id: str) -> list[FlagView]:
    builder.save(database)
    rules = [rule for rule in load_rules() if rule.id == rule_id]
    assert rules, rule_id
    evaluate_flags(database, rules)
    with database.session() as session:
        return list_flags(session, rule=rule_id)


def test_every_rule_file_loads_with_a_known_evaluator() -> None:
    rules = load_rules()
    ids = {rule.id for rule in rules}
    assert {
        "shared_address",
        "designated_party",
        "designated_affiliate",
        "offshore_shareholder",
        "nationality_masking",
        "jurisdiction_mismatch",
        "name_reuse",
        "relocation_unreported_territory",
        "non_work_visas",
        "cash_smuggling",
    } <= ids
    for name in (
        "secrecy_jurisdictions",
        "unreported_territories",
        "dprk_toponyms",
        "non_work_visas",
    ):
        assert load_list(name)


def test_a_bad_rule_file_names_the_problem(tmp_path: Path) -> None:
    with pytest.raises(RuleError, match="severity"):
        parse_rule(
            {
                "id": "x",
                "version": "1",
                "title": "t",
                "description": "d",
                "severity": "dire",
                "evaluator": "shared_address",
                "explanation": "e",
            },
            tmp_path / "x.yaml",
        )
    (tmp_path / "bad.yaml").write_text("id: x\nversion: '1'\n", encoding="utf-8")
    with pytest.raises(RuleError, match=r"bad\.yaml"):
        load_rules(tmp_path)
    with pytest.raises(RuleError, match="unknown evaluator"):
        parse_rule(
            {
                "id": "x",
                "version": "1",
                "title": "t",
                "description": "d",
                "severity": "low",
                "evaluator": "nope",
                "explanation": "e",
            }
        )


def shared(
    builder: GraphBuilder, address: str, parties: list[tuple[str, str]], remarks: list[str]
) -> None:
    builder.fact(address, "Address", "full", "address of the consulate", "They share an address.")
    for remark in remarks:
        builder.fact(address, "Address", "remarks", remark, "They share an address.")
    for entity_id, name in parties:
        builder.company(entity_id, name)
        builder.fact(entity_id, "Company", "addressEntity", address, f"{name} shares the address.")


def test_shared_address_with_a_consulate(database: Database) -> None:
    builder = GraphBuilder()
    shared(
        builder,
        "addr-shared-1",
        [("c1", "Alpha Trading LLC"), ("m1", "North Korean consulate in Vladivostok")],
        [],
    )
    flags = run_rule(database, builder, "shared_address")
    assert len(flags) == 1
    assert flags[0].entity_ids == ["c1", "m1"]
    assert "diplomatic mission" in flags[0].explanation
    assert flags[0].evidence_count >= 2


def test_shared_address_counts_unnamed_sharers(database: Database) -> None:
    builder = GraphBuilder()
    shared(
        builder,
        "addr-shared-2",
        [("c1", "Alpha LLC")],
        ["no less than twelve companies", "a restaurant"],
    )
    flags = run_rule(database, builder, "shared_address")
    assert len(flags) == 1 and "14 parties" in flags[0].explanation


def test_a_consulate_sharing_with_unnamed_companies(database: Database) -> None:
    builder = GraphBuilder()
    shared(builder, "addr-shared-4", [], ["North Korean consulate in Vladivostok", "twelve firms"])
    flags = run_rule(database, builder, "shared_address")
    assert len(flags) == 1 and flags[0].entity_ids == []
    assert "13 parties" in flags[0].explanation and "consulate" in flags[0].explanation


def test_two_ordinary_companies_at_one_address_are_below_the_threshold(database: Database) -> None:
    builder = GraphBuilder()
    shared(builder, "addr-shared-3", [("c1", "Alpha LLC"), ("c2", "Beta LLC")], [])
    builder.company("c3", "Gamma LLC", address="1 Main Street, Moscow")
    builder.company("c4", "Delta LLC", address="1 Main Street Moscow")
    assert run_rule(database, builder, "shared_address") == []


def test_equal_normalised_address_strings_form_a_cluster(database: Database) -> None:
    builder = GraphBuilder()
    for index, name in enumerate(["Alpha LLC", "Beta LLC", "Gamma LLC"]):
        builder.company(
            f"c{index}", name, address="1 Main Street, Moscow" if index else "1 main street moscow"
        )
    flags = run_rule(database, builder, "shared_address")
    assert [f.entity_ids for f in flags] == [["c0", "c1", "c2"]]


def test_designated_party_by_sanction_link(database: Database) -> None:
    builder = GraphBuilder()
    builder.company("rg", "Rungrado Trading")
    builder.company("ok", "Harmless Trading")
    builder.sanction("rg", "United States")
    flags = run_rule(database, builder, "designated_party")
    assert [f.entity_ids for f in flags] == [["rg"]]
    assert "United States" in flags[0].explanation


def test_designated_party_needs_a_designation(database: Database) -> None:
    builder = GraphBuilder()
    builder.company("ok", "Harmless Trading")
    builder.own("ok", "ok2", "10")
    assert run_rule(database, builder, "designated_party") == []


def test_designated_affiliate_aggregates_ownership_chains(database: Database) -> None:
    builder = GraphBuilder()
    for entity_id in ("d", "a", "b", "c"):
        builder.company(entity_id, f"Company {entity_id.upper()}")
    builder.sanction("d")
    builder.own("d", "a", "100")
    builder.own("a", "c", "30")
    builder.own("d", "b", "60")
    builder.own("b", "c", "40")  # d holds 30% + 24% = 54% of c
    flags = run_rule(database, builder, "designated_affiliate")
    by_entity = {f.entity_ids[0] if f.entity_ids[0] != "d" else f.entity_ids[1]: f for f in flags}
    assert set(by_entity) == {"a", "b", "c"}
    assert "owned 54%" in by_entity["c"].explanation


def test_designated_affiliate_below_threshold_and_roles(database: Database) -> None:
    builder = GraphBuilder()
    for entity_id in ("d", "a", "f"):
        builder.company(entity_id, f"Company {entity_id.upper()}")
    builder.sanction("d")
    builder.own("d", "a", "49")
    builder.fact("rel-front", "UnknownLink", "subject", "f", "F is a front for D.")
    builder.fact("rel-front", "UnknownLink", "object", "d", "F is a front for D.")
    builder.fact("rel-front", "UnknownLink", "role", "front for", "F is a front for D.")
    flags = run_rule(database, builder, "designated_affiliate")
    assert [f.entity_ids for f in flags] == [["d", "f"]]
    assert "a front for" in flags[0].explanation


def test_ownership_cycles_self_ownership_and_over_100_percent_end_and_are_reported(
    database: Database,
) -> None:
    builder = GraphBuilder()
    for entity_id in ("d", "a", "b"):
        builder.company(entity_id, f"Company {entity_id.upper()}")
    builder.sanction("d")
    builder.own("d", "a", "80")
    builder.own("a", "b", "90")
    builder.own("b", "a", "90")
    builder.own("a", "a", "10")
    builder.own("d", "b", "70")
    builder.save(database)
    rules = [r for r in load_rules() if r.id == "designated_affiliate"]
    report = evaluate_flags(database, rules)
    issues = " | ".join(report.issues)
    assert "owns itself" in issues
    assert "cycle" in issues
    assert "> 100%" in issues
    with database.session() as session:
        assert {tuple(f.entity_ids) for f in list_flags(session)} == {("a", "d"), ("b", "d")}


def test_offshore_shareholder(database: Database) -> None:
    builder = GraphBuilder()
    builder.company("ar", "Arrowcrest Limited", jurisdiction="cy")
    builder.company("rg", "Rungrado Trading")
    builder.company("ru", "Moscow Holdings", jurisdiction="ru")
    builder.own("ar", "rg")
    builder.own("ru", "rg")
    flags = run_rule(database, builder, "offshore_shareholder")
    assert [f.entity_ids for f in flags] == [["ar", "rg"]]
    assert "Cyprus" in flags[0].explanation


def test_nationality_masking(database: Database) -> None:
    builder = GraphBuilder()
    builder.fact("p1", "Person", "name", "Kim", "Kim is listed as Vietnamese.")
    builder.fact(
        "p1", "Person", "nationality", "vn", "Kim is listed as Vietnamese.", "listed as Vietnamese"
    )
    builder.fact("p1", "Person", "nationality", "kp", "Kim, a North Korean.", "North Korean")
    builder.fact("p2", "Person", "name", "Lee", "Lee is listed as Vietnamese.")
    builder.fact(
        "p2", "Person", "nationality", "vn", "Lee is listed as Vietnamese.", "listed as Vietnamese"
    )
    builder.fact("p2", "Person", "nationality", "vn", "Lee, a Vietnamese.", "Vietnamese")
    flags = run_rule(database, builder, "nationality_masking")
    assert [f.entity_ids for f in flags] == [["p1"]]
    assert "listed as vn" in flags[0].explanation and "reported as kp" in flags[0].explanation


def test_nationality_masking_of_a_company_country(database: Database) -> None:
    builder = GraphBuilder()
    builder.company("co", "Baltic Timber Ltd")
    listed = "Baltic Timber Ltd is listed as a Latvian company."
    builder.fact("co", "Company", "mainCountry", "lv", listed, "listed as Latvian company")
    builder.fact("co", "Company", "mainCountry", "kp", "A North Korean firm.", "North Korean firm")
    builder.company("c2", "Harbour Ltd")
    builder.fact("c2", "Company", "mainCountry", "cn", "Harbour, a Chinese firm.", "Chinese firm")
    flags = run_rule(database, builder, "nationality_masking")
    assert [f.entity_ids for f in flags] == [["co"]]
    assert "listed as lv" in flags[0].explanation and "reported as kp" in flags[0].explanation


def test_nationality_masking_of_unnamed_owners(database: Database) -> None:
    builder = GraphBuilder()
    builder.company("co", "Sunrise LLC")
    for index, summary in enumerate(["nationality listed as: vn", "nationality reported as: kp"]):
        builder.fact(f"rel-nationality-{index}", "Ownership", "asset", "co", "Its owners ...")
        builder.fact(f"rel-nationality-{index}", "Ownership", "summary", summary, "Its owners ...")
    flags = run_rule(database, builder, "nationality_masking")
    assert [f.entity_ids for f in flags] == [["co"]]


def test_jurisdiction_mismatch(database: Database) -> None:
    builder = GraphBuilder()
    builder.company("c1", "Alpha LLC", jurisdiction="ru")
    builder.fact(
        "c1", "Company", "country", "cn", "Alpha is listed as China-based.", "listed as China-based"
    )
    builder.company("c2", "Beta LLC", jurisdiction="cn")
    builder.fact(
        "c2", "Company", "country", "cn", "Beta is listed as China-based.", "listed as China-based"
    )
    flags = run_rule(database, builder, "jurisdiction_mismatch")
    assert [f.entity_ids for f in flags] == [["c1"]]
    assert "registered in ru" in flags[0].explanation


def test_name_reuse_of_toponyms_and_designated_names(database: Database) -> None:
    builder = GraphBuilder()
    builder.company("d", "Korea Sobaeksu Trading Company")
    builder.company("d2", "Zhonghe Precision Machinery")
    builder.sanction("d2")
    builder.company("x", "Paektusan Restaurant LLC")
    builder.company("y", "Zhonghe Logistics Ltd")
    builder.company("z", "Siberian Timber LLC")
    flags = run_rule(database, builder, "name_reuse")
    flagged = {tuple(f.entity_ids) for f in flags}
    assert ("d",) in flagged and ("x",) in flagged
    assert ("d2", "y") in flagged
    assert not any("z" in ids for ids in flagged)


def test_relocation_to_unreported_territory(database: Database) -> None:
    builder = GraphBuilder()
    builder.company(
        "c1", "Alpha LLC", sentence="Alpha LLC relocated its workers to Abkhazia in 2018."
    )
    builder.company("c2", "Beta LLC", address="Sukhumi")
    builder.company("c3", "Gamma LLC", sentence="Gamma LLC imports wine from Georgia.")
    flags = run_rule(database, builder, "relocation_unreported_territory")
    assert sorted(f.entity_ids for f in flags) == [["c1"], ["c2"]]
    assert all("Abkhazia" in f.explanation for f in flags)


def test_non_work_visas(database: Database) -> None:
    builder = GraphBuilder()
    builder.company(
        "c1", "Alpha LLC", sentence="Alpha LLC brought 50 North Korean workers in on student visas."
    )
    builder.company(
        "c2", "Beta LLC", sentence="Beta LLC sponsors student visas for its scholarship programme."
    )
    flags = run_rule(database, builder, "non_work_visas")
    assert [f.entity_ids for f in flags] == [["c1"]]
    assert "student" in flags[0].explanation


def test_cash_smuggling(database: Database) -> None:
    builder = GraphBuilder()
    builder.company(
        "c1", "Alpha LLC", sentence="Couriers of Alpha LLC carried cash in suitcases to Pyongyang."
    )
    builder.company("c2", "Beta LLC", sentence="Beta LLC paid its suppliers in cash.")
    flags = run_rule(database, builder, "cash_smuggling")
    assert [f.entity_ids for f in flags] == [["c1"]]
