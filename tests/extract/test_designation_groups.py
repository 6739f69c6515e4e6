"""Designations whose targets are counted, listed or named in the next sentences, with the
authority and legal basis carried over (sentences written for these tests)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from test_relations_support import extract, rows_of

from sanctionwatch.extract.relation_query import RelationRow
from sanctionwatch.extract.relation_rules import (
    RelationRulesError,
    default_rules,
    load_rules,
    parse_rules,
)

BUILDER = "Baikal Stroy LLC"
TRADER = "Amnok General Trading Corporation"
HOTEL = "Dandong Pine Hotel"
MANAGER = "Kim Chol Ho"
ACCOUNTANT = "Pak Song Il"
ORDER = "Executive Order 13722"
STATUTE = "Korea Trade Restrictions Act of 2017"
NAMES = {
    BUILDER: "Company",
    TRADER: "Company",
    HOTEL: "Company",
    MANAGER: "Person",
    ACCOUNTANT: "Person",
    "Ivan Petrov": "Person",
    "Office of Foreign Assets Control": "Organization",
    ORDER: "LegalInstrument",
    STATUTE: "LegalInstrument",
}
RELEASE = {"published": date(2021, 6, 8), "title": "Treasury Sanctions Labour Fronts"}
NEWS = {"published": date(2021, 6, 8), "title": "Builders in Siberia"}


def _sanctions(text: str, **kwargs: Any) -> dict[str, RelationRow]:
    return {row.source: row for row in rows_of(text, NAMES, **kwargs) if row.kind == "sanction"}


def test_targets_enumerated_after_a_counted_noun_in_one_sentence() -> None:
    text = (
        f"Today's designation targets two firms, {BUILDER}, a Russian construction firm, and "
        f"{TRADER}, a North Korean company working in Russia, for having exported workers."
    )
    found = _sanctions(text, **RELEASE)
    assert set(found) == {BUILDER, TRADER}
    for row in found.values():
        assert row.target == "United States"
        assert row.properties["startDate"] == ["2021-06-08"]


def test_targets_named_in_the_next_sentences_with_basis_from_the_trigger() -> None:
    text = (
        f"On Tuesday, OFAC designated two entities pursuant to {ORDER}. "
        f"{BUILDER} is a Russian builder that hired hundreds of laborers. "
        f"{TRADER} sent the laborers to Siberia. "
        f"{HOTEL} housed them."
    )
    statements, rows = extract(text, NAMES, **NEWS)
    found = {row.source: row for row in rows if row.kind == "sanction"}
    assert set(found) == {BUILDER, TRADER}  # two entities: the third one named is not bound
    assert found[TRADER].properties["program"] == [ORDER]
    assert found[TRADER].properties["authority"] == ["United States"]
    evidence = [s for s in statements if s.entity_id == found[TRADER].id and s.prop == "entity"]
    assert evidence[0].sentence is not None
    assert evidence[0].sentence.startswith("On Tuesday, OFAC designated two entities")
    assert f"{TRADER} sent the laborers" in evidence[0].sentence


def test_a_counted_group_binds_only_parties_of_its_kind() -> None:
    text = (
        "OFAC designated two entities on Tuesday. "
        "Ivan Petrov said the decision surprised him. "
        f"{BUILDER} declined to comment."
    )
    assert set(_sanctions(text, **NEWS)) == {BUILDER}


def test_the_following_individuals_binds_the_list_items() -> None:
    text = (
        "The Treasury Department designated the following individuals: "
        f"{MANAGER}, a construction manager in Moscow. "
        f"{ACCOUNTANT}, an accountant for the trading company. "
        "Their assets in the United States are blocked. "
        f"{BUILDER} employed both men."
    )
    assert set(_sanctions(text, **NEWS)) == {MANAGER, ACCOUNTANT}


def test_passive_designation_takes_the_authority_and_date_carried_over() -> None:
    text = (
        f"OFAC designated {BUILDER} pursuant to {ORDER}. "
        f"{TRADER} was designated today as well, under the {STATUTE}."
    )
    found = _sanctions(text, **NEWS)
    assert found[TRADER].target == "United States"
    assert found[TRADER].properties["program"] == [STATUTE]
    assert found[TRADER].properties["startDate"] == ["2021-06-08"]
    assert found[BUILDER].properties["program"] == [ORDER]


def test_press_release_headline_supplies_the_authority() -> None:
    text = f"{TRADER} was designated today for sending workers abroad."
    assert set(_sanctions(text, **RELEASE)) == {TRADER}
    assert _sanctions(text, **NEWS) == {}


def test_the_action_sentence_after_a_designation_gives_its_basis() -> None:
    text = (
        "Today, the Treasury imposed sanctions on two firms in Russia. "
        f"The designations were made under {ORDER} and the {STATUTE}. "
        f"Today's designation targets two firms, {BUILDER} and {TRADER}."
    )
    found = _sanctions(text, **NEWS)
    assert set(found) == {BUILDER, TRADER}
    assert found[BUILDER].properties["program"] == [ORDER, STATUTE]


@pytest.mark.parametrize(
    "text",
    [
        f"Russia targets two entities, {BUILDER} and {TRADER}, with new tax audits.",
        f"The report targets two entities, {BUILDER} and {TRADER}, in its last chapter.",
        f"{TRADER} was designated today for sending workers abroad.",
        f"Ivan Petrov identified two companies, {BUILDER} and {TRADER}, as his clients.",
    ],
)
def test_no_designation_without_an_authority(text: str) -> None:
    assert _sanctions(text, **NEWS) == {}


def test_a_carried_authority_expires() -> None:
    filler = " ".join(f"The port handled {n} ships in May." for n in range(12, 24))
    text = f"OFAC designated {BUILDER}. {filler} {TRADER} was designated today."
    assert set(_sanctions(text, **NEWS)) == {BUILDER}


def test_enumeration_stops_at_the_reason() -> None:
    text = (
        f"OFAC designated two entities, {BUILDER} and {TRADER}, for having supplied workers "
        f"to {HOTEL} and others."
    )
    assert set(_sanctions(text, **NEWS)) == {BUILDER, TRADER}


def _raw_rules() -> dict[str, Any]:
    import yaml

    from sanctionwatch.extract.relation_rules import RULES_PATH

    data: dict[str, Any] = yaml.safe_load(RULES_PATH.read_text(encoding="utf-8"))
    return data


def test_rules_reject_a_group_noun_binding_an_unknown_schema() -> None:
    data = _raw_rules()
    data["sanctions"]["enumerations"]["group_nouns"]["vessel"] = ["Vessel"]
    with pytest.raises(RelationRulesError, match=r"group_nouns\.vessel: Vessel not in party"):
        parse_rules(data, "inline")


def test_rules_reject_a_bad_window() -> None:
    data = _raw_rules()
    data["sanctions"]["enumerations"]["following_sentences"] = -1
    with pytest.raises(RelationRulesError, match="following_sentences"):
        parse_rules(data, "inline")


def test_packaged_rules_have_enumerations() -> None:
    rules = load_rules()
    assert rules.enumerations is not None
    assert "target" in rules.enumerations.cue_verbs
    assert default_rules().basis_cues[0].count(" ") >= 1  # longest cue first


@pytest.mark.parametrize(
    ("text", "found"),
    [
        (f"{BUILDER} employs hundreds of North Korean laborers.", True),
        (f"{BUILDER} hired a contingent of North Korean workers in May.", True),
        (f"{BUILDER} continues to use the exportation of North Korean labor.", False),
    ],
)
def test_workers_counted_through_of_but_not_a_process(text: str, found: bool) -> None:
    rows = [row for row in rows_of(text, NAMES) if row.kind == "employment"]
    assert bool(rows) is found, rows


def test_an_earlier_designation_does_not_take_the_carried_authority() -> None:
    text = (
        f"OFAC designated {BUILDER} for paying {MANAGER}. "
        f"{MANAGER} had already been designated. {TRADER} was previously designated too."
    )
    assert set(_sanctions(text, **RELEASE)) == {BUILDER}


def test_affiliate_of_an_unnamed_body_of_a_named_organisation() -> None:
    names = {TRADER: "Company", "Korean Workers' Party": "Organization"}
    text = (
        f"{TRADER} is an affiliate of the Sinuiju city committee of the ruling "
        "Korean Workers' Party."
    )
    rows = [row for row in rows_of(text, names) if row.kind == "membership"]
    assert [(row.source, row.target_id) for row in rows] == [(TRADER, None)]
    assert rows[0].target.startswith("Sinuiju city committee of the ruling Korean Workers")
    plain = f"{TRADER} is an affiliate of the committee on trade."
    assert not [row for row in rows_of(plain, names) if row.kind == "membership"]


def test_writing_for_a_paper_links_the_people_they_refers_to() -> None:
    names = {"Olga Sidorova": "Person", "Pavel Orlov": "Person", "Baikal Herald": "Organization"}
    text = (
        "Olga Sidorova and Pavel Orlov traveled to Magadan last winter. "
        "Writing for the Baikal Herald, they describe the camps."
    )
    rows = rows_of(text, names)
    employment = {(row.source, row.target) for row in rows if row.kind == "employment"}
    assert employment == {("Olga Sidorova", "Baikal Herald"), ("Pavel Orlov", "Baikal Herald")}
    alone = "Writing for the Baikal Herald, the camps are described in detail."
    assert not [row for row in rows_of(alone, names) if row.kind == "employment"]


def test_every_coordinated_appositive_is_a_party() -> None:
    text = (
        f"The European Union listed two North Korean nationals, {MANAGER} and {ACCOUNTANT}, "
        f"in May as representatives of {BUILDER}."
    )
    rows = rows_of(text, NAMES)
    for kind in ("sanction", "nationality"):
        assert {row.source for row in rows if row.kind == kind} == {MANAGER, ACCOUNTANT}, kind


def test_a_party_bound_through_a_counted_group_points_back_to_the_group() -> None:
    """The Sanction says which group named the party ("one of two entities") and its evidence
    span covers the group's noun, so an analyst sees why a sentence that never names the party
    designates it; a party the trigger names itself gets no such pointer."""
    text = (
        f"Two entities were designated by OFAC pursuant to {ORDER}. {BUILDER} recruits "
        f"workers in Russia. {TRADER} pays their wages."
    )
    found = _sanctions(text, **NEWS)
    assert set(found) == {BUILDER, TRADER}
    for row in found.values():
        assert row.properties["summary"] == ["one of two entities"]
    direct = _sanctions(f"OFAC designated {BUILDER} pursuant to {ORDER}.", **NEWS)
    assert "summary" not in direct[BUILDER].properties


def test_the_evidence_of_a_group_bound_party_covers_the_group_noun() -> None:
    text = (
        f"Two entities were designated by OFAC pursuant to {ORDER}. {BUILDER} recruits "
        "workers in Russia."
    )
    statements = [s for s in extract(text, NAMES, **NEWS)[0] if s.prop == "entity"]
    assert statements, "the group binds the builder"
    assert all(s.start is not None and s.start <= text.index("entities") for s in statements)
