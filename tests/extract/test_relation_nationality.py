"""Nationality of named people and country of named companies, reported or listed (sentences
and names invented for these tests, in varied forms)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from datetime import date
from pathlib import Path

import pytest
import yaml
from spacy.language import Language

from relationkit import rows_for
from sanctionwatch.extract.relation_mentions import mentions_for_names
from sanctionwatch.extract.relation_nationality_rules import (
    NATIONALITY_PATH,
    default_nationality_rules,
    load_nationality_rules_file,
)
from sanctionwatch.extract.relation_parse import MentionIndex
from sanctionwatch.extract.relation_query import RelationRow
from sanctionwatch.extract.relations import (
    extract_relations,
    extractor_version,
    rule_file_versions,
)
from sanctionwatch.extract.rulefile import RuleFileError
from sanctionwatch.extract.types import DocumentContext
from sanctionwatch.store.offsets import OffsetMap
from sanctionwatch.store.statements import Statement

PEOPLE = [
    "Oleg Petrov",
    "Ri Myong Chol",
    "Zhang Wei",
    "Han Tae Song",
    "Tran Minh Duc",
    "Igor Volkov",
    "Sergei Orlov",
    "Wang Lei",
    "Zhou Min",
    "Kim Yong Nam",
    "Ri Su Yong",
    "Lee Jae Won",
    "Nguyen Van Long",
    "Boris Kuznetsov",
    "Kim Se Il",
    "Pak Jin Hyok",
    "Ri Chol Ho",
    "Pavel Orlov",
    "Le Van Thanh",
    "KIM Chol Su",
    "Kim Jong Un",
    "Vladimir Putin",
    "Janet Yellen",
    "Anna Sokolova",
]
COMPANIES = [
    "Korea Ryonbong Trading Corporation",
    "Dandong Hongxiang Industrial Co., Ltd",
    "Korea Kumrung Trading Corporation",
    "Ocean Star Trading LLC",
    "Tianchi Shipping Co., Ltd",
    "Mirae Shipping Co.",
    "Baltic Timber Holdings Ltd",
    "Sunrise Logistics LLC",
    "Namsan Trading Corporation",
    "Primorye Maritime Logistics LLC",
    "Harbour Star Shipping Pte Ltd",
    "Commercial Bank Zarya",
]
ORGS = ["Munitions Industry Department", "Treasury", "OFAC"]
PLACES = ["Vietnam", "North Korea", "Hong Kong", "Dandong", "Moscow", "Russia", "Singapore"]
NAMES: dict[str, str] = (
    {name: "Person" for name in PEOPLE}
    | {name: "Company" for name in COMPANIES}
    | {name: "Organization" for name in ORGS}
    | {name: "Place" for name in PLACES}
)


def _statements(nlp: Language, text: str, names: Mapping[str, str] = NAMES) -> list[Statement]:
    doc = nlp(text)
    mentions = mentions_for_names(doc, names)
    context = DocumentContext(
        "doc-nation", text, OffsetMap.identity(len(text)), published=date(2024, 5, 6)
    )
    return extract_relations(doc, context, mentions)


def _rows(nlp: Language, text: str, names: Mapping[str, str] = NAMES) -> list[RelationRow]:
    return rows_for(nlp, text, names, document_id="doc-nation", published=date(2024, 5, 6))


def _nationalities(rows: list[RelationRow]) -> set[tuple[str, str, str]]:
    """(party, country, basis) of every nationality row."""
    return {
        (row.source, row.target, row.properties["basis"][0])
        for row in rows
        if row.kind == "nationality"
    }


def _countries(nlp: Language, text: str) -> set[tuple[str, str]]:
    return {(party, country) for party, country, _ in _nationalities(_rows(nlp, text))}


# ---------------------------------------------------------------- rules file


def test_rules_load_validate_and_reach_the_extractor_version() -> None:
    rules = default_nationality_rules()
    assert {"national", "businessman", "official"} <= rules.person_nouns
    assert "leader" not in rules.person_nouns  # a state's office, not a nationality
    assert {"firm", "company"} <= rules.organisation_nouns
    assert rules.group_counts["three"] == 3
    assert rule_file_versions()["nationality"] == rules.version
    assert f"+n{rules.version}" in extractor_version()
    assert len(extractor_version()) <= 32  # statements.origin_version is VARCHAR(32)


def test_rules_file_errors_name_the_file_and_the_key(tmp_path: Path) -> None:
    data = yaml.safe_load(NATIONALITY_PATH.read_text(encoding="utf-8"))
    data["person_nouns"] = "national"
    path = tmp_path / "nationality.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(RuleFileError, match=r"nationality\.yaml: 'person_nouns'"):
        load_nationality_rules_file(path)
    data = yaml.safe_load(NATIONALITY_PATH.read_text(encoding="utf-8"))
    data["confidence"]["listed"] = 3
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(RuleFileError, match=r"confidence\.listed"):
        load_nationality_rules_file(path)
    path.write_text("version: [", encoding="utf-8")
    with pytest.raises(RuleFileError, match="cannot read"):
        load_nationality_rules_file(path)


def test_the_mention_index_lists_a_sentences_mentions_in_text_order(nlp: Language) -> None:
    text = (
        "Zhang Wei met Oleg Petrov in Moscow. "
        "Korea Ryonbong Trading Corporation paid Wang Lei in Vietnam."
    )
    doc = nlp(text)
    index = MentionIndex(doc, mentions_for_names(doc, NAMES))
    first, second = list(doc.sents)
    assert [m.canonical for m in index.within(first)] == ["Zhang Wei", "Oleg Petrov", "Moscow"]
    assert [m.canonical for m in index.within(second)] == [
        "Korea Ryonbong Trading Corporation",
        "Wang Lei",
        "Vietnam",
    ]
    assert index.starting_between(0, first.end_char) == index.within(first)
    assert index.starting_between(second.start_char, second.start_char) == []


# ---------------------------------------------------------------- people, before the name


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Prosecutors charged Russian national Oleg Petrov with fraud.",
            {("Oleg Petrov", "Russia")},
        ),
        (
            "The ministry expelled North Korean consular official Ri Myong Chol in March.",
            {("Ri Myong Chol", "North Korea")},
        ),
        (
            "Police questioned Chinese businessman Zhang Wei about the cargo.",
            {("Zhang Wei", "China")},
        ),
        (
            "The report names the North Korean diplomat Han Tae Song as the organiser.",
            {("Han Tae Song", "North Korea")},
        ),
        ("Vietnamese coal trader Tran Minh Duc shipped the coal.", {("Tran Minh Duc", "Vietnam")}),
    ],
)
def test_demonym_and_person_noun_before_the_name(
    nlp: Language, text: str, expected: set[tuple[str, str]]
) -> None:
    assert _countries(nlp, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        # the demonym is the named body's (Treasury), not the office holder's
        "U.S. Treasury Secretary Janet Yellen announced the measures.",
        "Many Russian workers and Anna Sokolova left the site.",
    ],
)
def test_a_named_bodys_office_or_a_detached_demonym_states_no_nationality(
    nlp: Language, text: str
) -> None:
    assert _countries(nlp, text) == set()


@pytest.mark.parametrize(
    "text",
    [
        "Zhang Wei, a China scholar at the institute, said the rules were weak.",
        "Oleg Petrov is a Russia researcher.",
        "Vietnam researcher Nguyen Van Long wrote the report.",
    ],
)
def test_a_country_name_before_a_noun_of_study_is_the_topic(nlp: Language, text: str) -> None:
    assert _countries(nlp, text) == set()


def test_a_demonym_or_an_abbreviation_before_a_noun_of_study_is_a_nationality(
    nlp: Language,
) -> None:
    assert _countries(nlp, "Zhang Wei, a Chinese scholar, spoke.") == {("Zhang Wei", "China")}
    text = "Oleg Petrov, a U.S. researcher, spoke."
    assert _countries(nlp, text) == {("Oleg Petrov", "United States")}


def test_a_plural_noun_distributes_over_the_names_a_singular_does_not(nlp: Language) -> None:
    plural = _countries(
        nlp, "Police arrested Chinese businessmen Wang Lei and Zhou Min at the port."
    )
    assert plural == {("Wang Lei", "China"), ("Zhou Min", "China")}
    singular = _countries(
        nlp, "The court heard North Korean diplomat Kim Yong Nam and Ri Su Yong on Monday."
    )
    assert singular == {("Kim Yong Nam", "North Korea")}


# ---------------------------------------------------------------- people, described


def test_apposition_copula_and_titles_before_a_comma(nlp: Language) -> None:
    assert _countries(nlp, "Tran Minh Duc, a Vietnamese trader, shipped the coal.") == {
        ("Tran Minh Duc", "Vietnam")
    }
    assert _countries(nlp, "Zhang Wei is a Chinese businessman based in Dandong.") == {
        ("Zhang Wei", "China")
    }
    assert _countries(nlp, "Investigators identified Zhang Wei (a Chinese businessman).") == {
        ("Zhang Wei", "China")
    }
    assert _countries(nlp, "Ri Chol Ho, 45, a North Korean worker, died at the site.") == {
        ("Ri Chol Ho", "North Korea")
    }
    text = "South Korean lawmaker and former envoy to Moscow, Lee Jae Won, said the talks failed."
    assert _countries(nlp, text) == {("Lee Jae Won", "South Korea")}


def test_a_plural_apposition_describes_every_coordinated_name(nlp: Language) -> None:
    text = "Wang Lei and Zhou Min, both Chinese nationals, ran the front."
    assert _countries(nlp, text) == {("Wang Lei", "China"), ("Zhou Min", "China")}


def test_a_plural_apposition_of_one_name_is_a_misparse_not_a_nationality(nlp: Language) -> None:
    text = "Like Anna Sokolova, many Russian business owners hope the sanctions end soon."
    assert _countries(nlp, text) == set()


def test_citizen_of_and_held_citizenship(nlp: Language) -> None:
    assert _countries(nlp, "Nguyen Van Long is a citizen of Vietnam.") == {
        ("Nguyen Van Long", "Vietnam")
    }
    text = "Boris Kuznetsov, who holds Cypriot citizenship, signed the lease."
    assert _countries(nlp, text) == {("Boris Kuznetsov", "Cyprus")}
    assert _countries(nlp, "Igor Volkov has Belarusian nationality, the court said.") == {
        ("Igor Volkov", "Belarus")
    }
    assert _countries(nlp, "Boris Kuznetsov travelled on a forged Cypriot passport.") == set()


@pytest.mark.parametrize(
    "text",
    [
        "Boris Kuznetsov renounced his Cypriot citizenship in 2019.",
        "Igor Volkov was stripped of his Belarusian citizenship last year.",
        "Oleg Petrov gave up his Russian citizenship before the deal.",
        "Pavel Orlov applied for Cypriot citizenship through his lawyer.",
    ],
)
def test_a_citizenship_given_up_or_sought_states_no_nationality(nlp: Language, text: str) -> None:
    assert _countries(nlp, text) == set()


def test_a_passport_used_or_kept_still_states_the_nationality(nlp: Language) -> None:
    text = "Boris Kuznetsov travelled to Singapore on his Cypriot passport."
    assert _countries(nlp, text) == {("Boris Kuznetsov", "Cyprus")}


# ---------------------------------------------------------------- counted groups


def test_a_counted_group_binds_the_people_named_next_when_the_count_matches(
    nlp: Language,
) -> None:
    text = (
        "The Treasury sanctioned three North Koreans and their company on Monday. "
        "The order names Kim Se Il, Pak Jin Hyok and Ri Chol Ho as the managers."
    )
    assert _countries(nlp, text) == {
        ("Kim Se Il", "North Korea"),
        ("Pak Jin Hyok", "North Korea"),
        ("Ri Chol Ho", "North Korea"),
    }
    same_sentence = "Police detained two Chinese nationals, Wang Lei and Zhou Min, at the border."
    assert _countries(nlp, same_sentence) == {("Wang Lei", "China"), ("Zhou Min", "China")}


def test_irregular_plurals_are_data_and_count_a_group(nlp: Language, tmp_path: Path) -> None:
    assert {"people", "men", "women"} <= default_nationality_rules().irregular_plurals
    data = yaml.safe_load(NATIONALITY_PATH.read_text(encoding="utf-8"))
    data["groups"]["irregular_plurals"] = "men"
    path = tmp_path / "nationality.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(RuleFileError, match=r"nationality\.yaml: 'groups\.irregular_plurals'"):
        load_nationality_rules_file(path)
    text = "Police detained two Chinese men, Wang Lei and Zhou Min, at the border."
    assert _countries(nlp, text) == {("Wang Lei", "China"), ("Zhou Min", "China")}
    singular = "Police detained one Chinese man, Wang Lei and Zhou Min, at the border."
    assert _countries(nlp, singular) <= {("Wang Lei", "China")}


def test_a_counted_group_binds_nobody_when_the_count_differs(nlp: Language) -> None:
    text = (
        "OFAC designated two North Koreans last week. "
        "The order names Kim Se Il, Pak Jin Hyok and Ri Chol Ho."
    )
    assert _countries(nlp, text) == set()


@pytest.mark.parametrize(
    "later",
    [
        "Prosecutor Igor Volkov and judge Pavel Orlov said the evidence was strong.",
        "Igor Volkov, who led the inquiry, told reporters that Pavel Orlov agreed.",
    ],
)
def test_a_counted_group_binds_nobody_who_speaks_about_it(nlp: Language, later: str) -> None:
    text = f"Police detained two North Koreans at the port. {later}"
    assert _countries(nlp, text) == set()


# ---------------------------------------------------------------- companies


def test_companies_get_their_country_from_the_descriptor_before_the_name(
    nlp: Language,
) -> None:
    text = (
        "The bank froze funds of the North Korean firm Korea Ryonbong Trading Corporation. "
        "OFAC also named Chinese front company Dandong Hongxiang Industrial Co., Ltd, and "
        "Korea Kumrung Trading Corporation, a firm controlled by North Korea's military."
    )
    assert _countries(nlp, text) == {
        ("Korea Ryonbong Trading Corporation", "North Korea"),
        ("Dandong Hongxiang Industrial Co., Ltd", "China"),
        ("Korea Kumrung Trading Corporation", "North Korea"),
    }


def test_controlled_owned_and_registered(nlp: Language) -> None:
    rows = _rows(
        nlp,
        "The contract went to Ocean Star Trading LLC, a company run by the North Korean "
        "government. Sunrise Logistics LLC, a Chinese-owned firm, chartered the ship. "
        "Tianchi Shipping Co., Ltd, a Chinese-registered company, owned the tanker.",
    )
    countries = {(row.source, row.target) for row in rows if row.kind == "nationality"}
    assert countries == {
        ("Ocean Star Trading LLC", "North Korea"),
        ("Sunrise Logistics LLC", "China"),
    }
    originals = {row.properties["original"][0] for row in rows if row.kind == "nationality"}
    assert "run by North Korean government" in originals
    registrations = {(row.source, row.target) for row in rows if row.kind == "registration"}
    assert registrations == {("Tianchi Shipping Co., Ltd", "China")}


@pytest.mark.parametrize(
    "text",
    [
        "Sunrise Logistics LLC, a Russian-backed firm, chartered the ship.",
        "The tanker belonged to Mirae Shipping Co., a Chinese-backed company.",
        "Ocean Star Trading LLC is a Russian-backed venture.",
    ],
)
def test_backing_is_not_control_and_states_no_country(nlp: Language, text: str) -> None:
    assert _countries(nlp, text) == set()


def test_a_place_registered_company_has_one_jurisdiction_statement(nlp: Language) -> None:
    text = "Harbour Star Shipping Pte Ltd, a Singapore-registered company, bought the oil."
    statements = [s for s in _statements(nlp, text) if s.prop == "jurisdiction"]
    assert [s.value for s in statements] == ["sg"]


def test_based_hedged_and_state_bodies_state_no_country(nlp: Language) -> None:
    text = (
        "Mirae Shipping Co., a Hong Kong-based firm, handled the cargo. "
        "Sunrise Logistics LLC is nominally a Chinese company. "
        "The Treasury calls it a front for North Korea's Munitions Industry Department."
    )
    rows = _rows(nlp, text)
    assert {row.source for row in rows if row.kind == "nationality"} == set()
    assert ("Mirae Shipping Co.", "Hong Kong SAR") in {
        (row.source, row.target) for row in rows if row.kind == "location"
    }


def test_a_city_before_a_company_noun_is_its_location_not_its_country(nlp: Language) -> None:
    rows = _rows(nlp, "Commercial Bank Zarya, a small Moscow bank, moved the funds.")
    assert [row.source for row in rows if row.kind == "nationality"] == []
    assert ("Commercial Bank Zarya", "Moscow") in {
        (row.source, row.target) for row in rows if row.kind == "location"
    }


def test_a_country_possessive_still_gives_a_company_its_country(nlp: Language) -> None:
    text = "North Korea's Namsan Trading Corporation shipped the ore."
    assert _countries(nlp, text) == {("Namsan Trading Corporation", "North Korea")}


# ---------------------------------------------------------------- listed vs reported


def test_listed_nationalities_keep_the_record_as_their_basis(nlp: Language) -> None:
    text = (
        "Baltic Timber Holdings Ltd is listed as a Latvian company. "
        "Le Van Thanh runs its depot. His nationality is recorded as Vietnamese. "
        "According to the company registry, Pavel Orlov is a Belarusian national. "
        "Igor Volkov, a Russian citizen, denied it."
    )
    assert _nationalities(_rows(nlp, text)) == {
        ("Baltic Timber Holdings Ltd", "Latvia", "listed"),
        ("Le Van Thanh", "Vietnam", "listed"),
        ("Pavel Orlov", "Belarus", "listed"),
        ("Igor Volkov", "Russia", "reported"),
    }


def test_appearing_in_a_record_as_or_with_a_nationality_is_listed(nlp: Language) -> None:
    text = (
        "Le Van Thanh appears in the Russian company registry as a Chinese citizen. "
        "Sunrise Logistics LLC appears in the registry as a Latvian firm. "
        "Kim Se Il appears in the records with Vietnamese citizenship. "
        "Pak Jin Hyok appears in the video as a Russian officer."
    )
    assert _nationalities(_rows(nlp, text)) == {
        ("Le Van Thanh", "China", "listed"),
        ("Sunrise Logistics LLC", "Latvia", "listed"),
        ("Kim Se Il", "Vietnam", "listed"),
    }


def test_listed_facts_carry_a_note_and_the_words_of_the_record(nlp: Language) -> None:
    text = "According to corporate filings, Zhang Wei is a Chinese businessman."
    statements = _statements(nlp, text)
    nationality = [s for s in statements if s.prop == "nationality"]
    notes = [s for s in statements if s.prop == "notes"]
    assert [s.value for s in nationality] == ["cn"]
    assert (nationality[0].original_value or "").startswith("listed as Chinese businessman")
    assert notes and notes[0].value.startswith("nationality listed as")
    assert nationality[0].confidence <= default_nationality_rules().listed_confidence


def test_a_list_entry_field_gives_a_listed_nationality(nlp: Language) -> None:
    text = "The entry reads: KIM Chol Su (DOB 12 May 1970; nationality: Korea, North; passport 3)."
    assert _nationalities(_rows(nlp, text)) == {("KIM Chol Su", "North Korea", "listed")}


def test_reported_and_listed_differ_for_one_person_as_the_flag_needs(nlp: Language) -> None:
    text = (
        "Le Van Thanh is registered as a Chinese citizen. "
        "Investigators say Le Van Thanh is a North Korean official."
    )
    assert _nationalities(_rows(nlp, text)) == {
        ("Le Van Thanh", "China", "listed"),
        ("Le Van Thanh", "North Korea", "reported"),
    }


# ---------------------------------------------------------------- provenance


def test_one_statement_per_fact_and_spans_on_the_evidence(nlp: Language) -> None:
    text = (
        "Officials detained Russian nationals Igor Volkov and Sergei Orlov at the border. "
        "Oleg Petrov, a Russian national, and Chinese businessman Zhang Wei were released."
    )
    statements = [s for s in _statements(nlp, text) if s.prop == "nationality"]
    per_fact = Counter((s.entity_id, s.value) for s in statements)
    assert len(per_fact) == 4
    assert set(per_fact.values()) == {1}
    for statement in statements:
        assert statement.start is not None and statement.end is not None
        evidence = text[statement.start : statement.end]
        assert any(word in evidence for word in ("Russian", "Chinese"))
        assert statement.origin == "extract:relations"
