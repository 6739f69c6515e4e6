"""Units of a body give `subsidiary` parent -> unit (docs/annotation.md, ownership,
subsidiary). Sentences and names are invented for these tests, in varied forms."""

from __future__ import annotations

from datetime import date

import pytest
from spacy.language import Language

from relationkit import rows_for
from sanctionwatch.extract.relation_roles import ROLES_PATH, default_role_rules
from sanctionwatch.extract.relation_units import parse_unit_rules
from sanctionwatch.extract.rulefile import RuleFileError, read_rule_file

NAMES = {
    "Ann Moor": "Person",
    "Justice Department": "Organization",
    "National Security Division": "Organization",
    "Finance Ministry": "Organization",
    "Office of Asset Control": "Organization",
    "Interior Ministry": "Organization",
    "Border Service": "Organization",
    "Migration Directorate": "Organization",
    "General Bureau 12": "Organization",
    "Ministry of Light Industry": "Organization",
    "Main Directorate": "Organization",
    "Mongolian Ministry of Defence": "Organization",
    "Reconnaissance General Bureau": "Organization",
    "Treasury": "Organization",
    "Mirae LLC": "Company",
    "Baltic Timber Holdings Ltd": "Company",
    "Sunrise Logistics LLC": "Company",
    "North Korea": "Place",
}


def _subsidiaries(nlp: Language, text: str) -> set[tuple[str, str]]:
    rows = rows_for(nlp, text, NAMES, document_id="doc-units", published=date(2024, 5, 6))
    return {(row.source, row.target) for row in rows if row.kind == "subsidiary"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a body's possessive on another body
        (
            "Today, the Justice Department's National Security Division charged Ann Moor.",
            {("Justice Department", "National Security Division")},
        ),
        (
            "The Finance Ministry's Office of Asset Control designated Mirae LLC.",
            {("Finance Ministry", "Office of Asset Control")},
        ),
        (
            "The advisory came from the Interior Ministry's Border Service and Migration "
            "Directorate.",
            {
                ("Interior Ministry", "Border Service"),
                ("Interior Ministry", "Migration Directorate"),
            },
        ),
        # a unit named with a state body's head word, "of", its parent
        (
            "The workers belong to General Bureau 12 of North Korea's Ministry of Light Industry.",
            {("Ministry of Light Industry", "General Bureau 12")},
        ),
        (
            "The claim came from the Main Directorate (MD) of the Mongolian Ministry of Defence.",
            {("Mongolian Ministry of Defence", "Main Directorate")},
        ),
        # a part noun said of the unit
        (
            "The office listed one of Mirae LLC's subsidiaries, Baltic Timber Holdings Ltd.",
            {("Mirae LLC", "Baltic Timber Holdings Ltd")},
        ),
        (
            "Baltic Timber Holdings Ltd, a unit of Mirae LLC, hired the workers.",
            {("Mirae LLC", "Baltic Timber Holdings Ltd")},
        ),
        # control by a body
        (
            "Ann Moor ran Sunrise Logistics LLC, an arms dealer under the control of the "
            "Reconnaissance General Bureau.",
            {("Reconnaissance General Bureau", "Sunrise Logistics LLC")},
        ),
    ],
)
def test_units_of_a_body_are_its_subsidiaries(
    nlp: Language, text: str, expected: set[tuple[str, str]]
) -> None:
    assert _subsidiaries(nlp, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "The Treasury's report on Mirae LLC was published.",  # no body possessed
        "Mirae LLC's director Ann Moor said so.",  # a person
        "Mirae LLC's rival Sunrise Logistics LLC hired workers.",  # companies, no part word
        "Baltic Timber Holdings Ltd, a partner of Mirae LLC, hired workers.",  # not a unit noun
        "General Bureau 12 wrote to the Ministry of Light Industry.",  # no "of"
    ],
)
def test_no_unit_no_subsidiary(nlp: Language, text: str) -> None:
    assert _subsidiaries(nlp, text) == set()


@pytest.mark.parametrize(
    "text",
    [
        "Ann Moor ran Sunrise Logistics LLC, a firm no longer under the control of the "
        "Reconnaissance General Bureau.",
        "Ann Moor ran Sunrise Logistics LLC, a trader not controlled by the Treasury.",
        "Ann Moor ran Sunrise Logistics LLC, a firm that denied being run by the Treasury.",
    ],
)
def test_control_the_page_does_not_state_makes_no_unit(nlp: Language, text: str) -> None:
    assert _subsidiaries(nlp, text) == set()


def test_the_controller_is_the_body_after_the_control_phrase(nlp: Language) -> None:
    text = (
        "Ann Moor ran Sunrise Logistics LLC, which the Treasury says is under the control of "
        "the Reconnaissance General Bureau, until 2020."
    )
    assert ("Treasury", "Sunrise Logistics LLC") not in _subsidiaries(nlp, text)
    assert _subsidiaries(nlp, text) == {("Reconnaissance General Bureau", "Sunrise Logistics LLC")}


def test_unit_words_are_data() -> None:
    rules = default_role_rules().units  # roles.yaml is read once for roles and units
    assert {"subsidiary", "unit", "division"} <= rules.nouns
    assert "under the control of" in rules.control
    assert "Company" not in rules.schemata  # a company's possessive is roles.yaml `parts`


def test_unit_schemata_must_be_followthemoney_schema_names() -> None:
    data = read_rule_file(ROLES_PATH, "role rules")
    data["parts"]["units"]["schemata"] = ["Organization", "Bureau"]
    with pytest.raises(RuleFileError, match=r"'parts\.units\.schemata': unknown schema 'Bureau'"):
        parse_unit_rules(ROLES_PATH, data)
    data["parts"]["units"]["schemata"] = "Organization"
    with pytest.raises(RuleFileError, match=r"'parts\.units\.schemata' must be a list of schema"):
        parse_unit_rules(ROLES_PATH, data)
