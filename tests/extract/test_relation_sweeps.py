"""Relations in page layouts the sentence rules do not read: long designation enumerations,
authority words, "These include:" lists with description lines, enumerated nationalities,
controlled-by, listed employers, joint ventures (sentences and names invented for these
tests)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
import yaml
from spacy.language import Language

from relationkit import rows_for
from sanctionwatch.extract import relations
from sanctionwatch.extract.relation_query import RelationRow
from sanctionwatch.extract.relation_sweeps import (
    SWEEPS_PATH,
    default_sweep_rules,
    load_sweep_rules_file,
)
from sanctionwatch.extract.relations import (
    extractor_version,
    rule_file_versions,
)
from sanctionwatch.extract.rulefile import RuleFileError

BUREAU = "Coastal Works Bureau"
CHIEF = "Ri Chol Nam"
DEPUTY = "Han Song Il"
MINISTER = "Pak Yong Gil"
BUILDER = "Sobaek Overseas Construction Company"
SHIPPER = "Korea Kumsong Shipping Co"
TRADER = "Ansan Trading Corporation"
SUPPLIER = "Dalian Harbour Supply Co., Ltd"
PARENT = "Unit 44 of the Ministry of Ports"
NAMES: dict[str, str] = {
    BUREAU: "Organization",
    CHIEF: "Person",
    DEPUTY: "Person",
    MINISTER: "Person",
    BUILDER: "Company",
    SHIPPER: "Company",
    TRADER: "Company",
    SUPPLIER: "Company",
    PARENT: "Organization",
    "OFAC": "Organization",
    "United Nations": "Organization",
    "Treasury Department": "Organization",
    "U.S. government": "Organization",
    "China": "Place",
    "Laos": "Place",
    "Vietnam": "Place",
}


def _rows(
    nlp: Language, text: str, names: Mapping[str, str] = NAMES, **aliases: str
) -> list[RelationRow]:
    return rows_for(
        nlp, text, names, document_id="doc-sweep", published=date(2022, 3, 4), aliases=aliases
    )


def _pairs(rows: list[RelationRow], kind: str) -> set[tuple[str, str]]:
    return {(row.source, row.target) for row in rows if row.kind == kind}


# ---------------------------------------------------------------- rules file


def test_sweep_rules_load_and_reach_the_extractor_version(monkeypatch: pytest.MonkeyPatch) -> None:
    rules = default_sweep_rules()
    assert {"target", "block"} <= rules.designation_verbs
    assert "office" in rules.authority_nouns
    assert rule_file_versions()["sweeps"] == rules.version
    before = extractor_version()  # readable, or a digest once it outgrows the column
    edited = replace(rules, version=f"{rules.version}9")
    monkeypatch.setattr(relations, "default_sweep_rules", lambda: edited)
    assert extractor_version() != before


def test_sweep_rules_bad_section_names_the_file(tmp_path: Path) -> None:
    data = yaml.safe_load(SWEEPS_PATH.read_text(encoding="utf-8"))
    data["descriptions"]["confidence"] = "high"
    path = tmp_path / "sweeps.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(RuleFileError, match=r"sweeps\.yaml: 'descriptions.confidence'"):
        load_sweep_rules_file(path)


# ---------------------------------------------------------------- designations


def test_enumeration_with_relative_clause_and_titles(nlp: Language) -> None:
    text = (
        f"OFAC targeted the {BUREAU}, which the United Nations called a labour broker, "
        f"its director {CHIEF} and deputy director {DEPUTY}."
    )
    rows = _rows(nlp, text)
    assert _pairs(rows, "sanction") == {
        (BUREAU, "United States"),
        (CHIEF, "United States"),
        (DEPUTY, "United States"),
    }
    assert (CHIEF, BUREAU) in _pairs(rows, "directorship")
    assert not [pair for pair in _pairs(rows, "directorship") if pair[1] == "United Nations"]


def test_authority_word_carries_the_last_named_authority(nlp: Language) -> None:
    text = (
        f"OFAC targeted {CHIEF} on Monday. "
        f"The office also blocked {MINISTER} and the {BUILDER} for running labour camps."
    )
    found = _pairs(_rows(nlp, text), "sanction")
    assert {(MINISTER, "United States"), (BUILDER, "United States")} <= found


def test_authority_word_without_an_authority_before_designates_nothing(nlp: Language) -> None:
    text = f"The office also blocked {MINISTER} and the {BUILDER} for running labour camps."
    assert not _pairs(_rows(nlp, text), "sanction")


def test_parties_after_a_reason_are_not_targets(nlp: Language) -> None:
    text = f"OFAC targeted {CHIEF} for working with the {BUILDER} in Laos."
    found = _pairs(_rows(nlp, text), "sanction")
    assert found == {(CHIEF, "United States")}


def test_a_subject_that_is_no_authority_designates_nothing(nlp: Language) -> None:
    text = f"Reporters targeted {CHIEF} and the {BUILDER} with questions."
    assert not _pairs(_rows(nlp, text), "sanction")


def test_list_after_these_include_with_description_lines(nlp: Language) -> None:
    text = (
        "The U.S. government identified and then sanctioned a number of entities.\n"
        "These include:\n"
        f"- {PARENT}\n"
        "- A central unit earning revenue for the army.\n"
        f"- {SHIPPER}\n"
        f"- A {PARENT} front company maintaining IT workers in Laos.\n"
        f"- {TRADER}\n"
        "- Another front company managing a group of IT workers in Vietnam.\n"
        f"- {SUPPLIER}\n"
        "- A China-based company supplying laptops to the workers.\n"
    )
    rows = _rows(nlp, text)
    assert {source for source, _ in _pairs(rows, "sanction")} == {
        PARENT,
        SHIPPER,
        TRADER,
        SUPPLIER,
    }
    assert _pairs(rows, "front") == {(SHIPPER, PARENT), (TRADER, PARENT)}
    employers = {target for _, target in _pairs(rows, "employment")}
    assert {SHIPPER, TRADER} <= employers and SUPPLIER not in employers
    located = [row for row in rows if row.kind == "location" and row.source == SUPPLIER]
    assert located and located[0].properties.get("country") == ["cn"]


# ---------------------------------------------------------------- nationality and employers


def test_nationality_of_an_enumeration_after_a_dash(nlp: Language) -> None:
    text = (
        f"Investigators named three North Korean firms - {BUILDER}, {SHIPPER} and {TRADER} - "
        "as the suppliers of the crews."
    )
    rows = _rows(nlp, text)
    assert {(name, "kp") for name in (BUILDER, SHIPPER, TRADER)} <= {
        (row.source, value)
        for row in rows
        if row.kind == "nationality"
        for value in row.properties.get("mainCountry", [])
    }


def test_a_described_party_does_not_lend_its_nationality_to_the_next(nlp: Language) -> None:
    text = f"The action targets {SUPPLIER}, a Chinese trading company, and {TRADER}, for fraud."
    rows = _rows(nlp, text)
    countries = {
        (row.source, value)
        for row in rows
        if row.kind == "nationality"
        for value in row.properties.get("mainCountry", [])
    }
    assert (TRADER, "cn") not in countries


def test_company_controlled_by_nationals(nlp: Language) -> None:
    text = f"{SUPPLIER} looks Chinese, but it is managed and controlled by North Koreans."
    rows = _rows(nlp, text)
    values = {
        value
        for row in rows
        if row.kind == "nationality" and row.source == SUPPLIER
        for value in row.properties.get("mainCountry", [])
    }
    assert values == {"kp"}


def test_employers_listed_after_a_colon(nlp: Language) -> None:
    text = (
        "Reporters found three yards that employ North Koreans and sell abroad: "
        f"{BUILDER}; {SHIPPER}, and {TRADER}."
    )
    employers = {target for _, target in _pairs(_rows(nlp, text), "employment")}
    assert employers == {BUILDER, SHIPPER, TRADER}


def test_among_the_employers_takes_the_workers_named_before(nlp: Language) -> None:
    text = (
        "Some 300 North Korean labourers work in the port. "
        f"Among the employers are shipbuilders {BUILDER} and {SHIPPER}."
    )
    rows = [row for row in _rows(nlp, text) if row.kind == "employment"]
    assert {row.target for row in rows} == {BUILDER, SHIPPER}
    assert all("North Korean labourers" in row.source for row in rows)


def test_joint_venture_of_two_named_companies(nlp: Language) -> None:
    text = f"Buyers included joint venture {BUILDER} & {SHIPPER} and a third firm."
    pairs = _pairs(_rows(nlp, text), "joint_venture")
    assert pairs in ({(BUILDER, SHIPPER)}, {(SHIPPER, BUILDER)})


def test_two_companies_without_joint_venture_words_are_no_venture(nlp: Language) -> None:
    text = f"Buyers included {BUILDER} & {SHIPPER} and a third firm."
    assert not _pairs(_rows(nlp, text), "joint_venture")


# ---------------------------------------------------------------- more layouts


PLACES = {**NAMES, "Minsk": "Place", "Belarus": "Place", "Kalma Art Studio": "Organization"}


def test_city_and_country_before_based_both_locate_the_party(nlp: Language) -> None:
    text = f"OFAC also designated its Minsk, Belarus-based sister company, {SHIPPER}."
    rows = [row for row in _rows(nlp, text, PLACES) if row.kind == "location"]
    values = {
        value
        for row in rows
        if row.source == SHIPPER
        for v in row.properties.values()
        for value in v
    }
    assert {"by", "Minsk"} <= values


def test_a_description_with_its_own_determiner_is_not_located(nlp: Language) -> None:
    text = f"A Minsk-based company, a known {SHIPPER} affiliate, hired the crews."
    rows = _rows(nlp, text, PLACES)
    assert not [row for row in rows if row.kind == "location" and row.source == SHIPPER]


def test_part_of_an_organisation_called_a_name_is_its_subsidiary(nlp: Language) -> None:
    text = f"Experts said that a part of Kalma Art Studio called {TRADER} built the bases."
    pairs = _pairs(_rows(nlp, text, PLACES), "subsidiary")
    assert pairs in ({(TRADER, "Kalma Art Studio")}, {("Kalma Art Studio", TRADER)})


def test_a_hedged_description_states_no_country(nlp: Language) -> None:
    text = f"{SUPPLIER} is nominally a Chinese software company."
    rows = _rows(nlp, text)
    assert not [row for row in rows if row.kind == "nationality" and row.source == SUPPLIER]
    plain = _rows(nlp, f"{SUPPLIER} is a Chinese software company.")
    assert [row for row in plain if row.kind == "nationality" and row.source == SUPPLIER]


def test_designation_continues_past_a_sentence_ended_inside_parentheses(nlp: Language) -> None:
    from sanctionwatch.extract.relation_sweeps import SweepFinder

    doc = nlp(f"OFAC designated {TRADER} (a.k.a. Bluefin), its director, {CHIEF}.")
    cut = next(token.i for token in doc if token.text == "Bluefin")
    sentences = [doc[:cut], doc[cut:]]
    joined = SweepFinder._with_continuation(sentences, 0)
    assert joined.end == len(doc)
    assert SweepFinder._with_continuation([doc[:], doc[:]], 0).end == len(doc)
    paren = next(token.i for token in doc if token.text == "(")
    closed = [doc[:paren], doc[paren:]]
    assert SweepFinder._with_continuation(closed, 0).end == paren


def test_the_speaker_of_a_quotation_is_not_a_counted_target(nlp: Language) -> None:
    text = (
        "OFAC on Monday targeted two officials. "
        f"“These measures protect workers,” Finance Minister {MINISTER} said. "
        f"{CHIEF} ran the camps."
    )
    targets = {source for source, _ in _pairs(_rows(nlp, text), "sanction")}
    assert MINISTER not in targets
    assert CHIEF in targets
