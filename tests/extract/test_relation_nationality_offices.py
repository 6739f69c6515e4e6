"""A state office's holder is the state's citizen (docs/annotation.md, nationality): the
demonym or country possessive on a person's own title. Sentences and names are invented for
these tests, in varied forms; the counter-cases keep the demonym with what it describes."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml
from spacy.language import Language

from relationkit import rows_for
from sanctionwatch.extract.relation_nationality_rules import (
    NATIONALITY_PATH,
    default_nationality_rules,
    load_nationality_rules_file,
    name_head,
)
from sanctionwatch.extract.rulefile import RuleFileError

NAMES = {
    "Ann Moor": "Person",
    "Oleg Petrov": "Person",
    "Kim Chol Su": "Person",
    "Lee Dana": "Person",
    "Mongolia": "Place",
    "Malaysia": "Place",
    "Russia": "Place",
    "North Korea": "Place",
    "Moscow": "Place",
    "Ulaanbaatar": "Place",
    "Russian Foreign Ministry": "Organization",
    "Treasury": "Organization",
    "Mirae LLC": "Company",
}


def _nationalities(nlp: Language, text: str) -> set[tuple[str, str]]:
    rows = rows_for(nlp, text, NAMES, document_id="doc-office", published=date(2024, 5, 6))
    return {(row.source, row.target) for row in rows if row.kind == "nationality"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a demonym before the title
        ("The Mongolian ambassador Ann Moor said the workers had left.", ("Ann Moor", "Mongolia")),
        ("Malaysian Prime Minister Oleg Petrov ordered a review.", ("Oleg Petrov", "Malaysia")),
        ("North Korean leader Kim Chol Su visited the plant.", ("Kim Chol Su", "North Korea")),
        ("The former Russian envoy Oleg Petrov spoke first.", ("Oleg Petrov", "Russia")),
        ("U.S. envoy Lee Dana met the delegation.", ("Lee Dana", "United States")),
        # a country's possessive on the title, or right on the name
        ("Mongolia's foreign minister Ann Moor met them.", ("Ann Moor", "Mongolia")),
        ("Russia's foreign ministry spokesman Oleg Petrov said so.", ("Oleg Petrov", "Russia")),
        ("North Korea's Kim Chol Su inspected the site.", ("Kim Chol Su", "North Korea")),
        # the title apposed to the name, before or after it, or predicated of it
        ("Ann Moor, Malaysia's deputy prime minister, denied it.", ("Ann Moor", "Malaysia")),
        ("Kim Chol Su, North Korea's leader, said so.", ("Kim Chol Su", "North Korea")),
        ("The Mongolian ambassador to Russia, Ann Moor, said so.", ("Ann Moor", "Mongolia")),
        ("Ann Moor is Malaysia's foreign minister.", ("Ann Moor", "Malaysia")),
        # a capitalised title with its complement ("Minister of Labor") before the name
        (
            "The office blocked North Korean Minister of Labor Kim Chol Su and a bureau.",
            ("Kim Chol Su", "North Korea"),
        ),
        ("U.S. Secretary of State Lee Dana met the delegation.", ("Lee Dana", "United States")),
        ("Russian Minister of Foreign Affairs Oleg Petrov said so.", ("Oleg Petrov", "Russia")),
    ],
)
def test_a_country_on_a_state_office_gives_its_holders_nationality(
    nlp: Language, text: str, expected: tuple[str, str]
) -> None:
    assert _nationalities(nlp, text) == {expected}


def test_each_office_holder_of_a_coordination_gets_their_own_country(nlp: Language) -> None:
    text = "The Malaysian minister Ann Moor and Russian President Oleg Petrov met in Moscow."
    assert _nationalities(nlp, text) == {("Ann Moor", "Malaysia"), ("Oleg Petrov", "Russia")}


@pytest.mark.parametrize(
    "text",
    [
        # the ministry is named: she works for it, the demonym is the ministry's
        "Russian Foreign Ministry spokeswoman Ann Moor said the workers had left.",
        "Oleg Petrov, the Russian Foreign Ministry's spokesman, said so.",
        "U.S. Treasury Secretary Lee Dana announced the measures.",
        # a company, a field of study, a place of business, a side: no office of a state
        "Chinese company executive Ann Moor said so.",
        "North Korean trading company official Kim Chol Su was seen.",
        "Ann Moor, a North Korea expert, said so.",
        "Ann Moor, a U.S.-based analyst, said so.",
        "The Russian side, led by Oleg Petrov, agreed.",
        # a city is no country; honorary consuls and advisers need not be citizens
        "Moscow's mayor Oleg Petrov said so.",
        "Ulaanbaatar's governor Ann Moor said so.",
        "Mongolia's honorary consul Ann Moor said so.",
        "Ann Moor, an adviser to the Mongolian president, said so.",
        # the office is someone else's
        "Ann Moor, who met Malaysia's prime minister, left.",
        "Malaysia's prime minister met Ann Moor in Moscow.",
        "A source said Malaysia had given ambassador Ann Moor a month to leave.",
        "He met the Minister of Labor Oleg Petrov in Moscow.",  # no country
    ],
)
def test_no_office_of_a_state_no_nationality(nlp: Language, text: str) -> None:
    assert _nationalities(nlp, text) == set()


@pytest.mark.parametrize(
    "text",
    [
        "Ann Moor said Oleg Petrov is not the Mongolian ambassador.",
        "Oleg Petrov was never Malaysia's deputy prime minister.",
        "Oleg Petrov may become the Russian envoy.",
    ],
)
def test_an_office_the_page_does_not_state_gives_no_nationality(nlp: Language, text: str) -> None:
    assert _nationalities(nlp, text) == set()


def test_offices_are_data_with_their_own_confidence(tmp_path: Path) -> None:
    rules = default_nationality_rules()
    assert {"ambassador", "minister", "president", "leader"} <= rules.office_titles
    assert "honorary" in rules.office_exceptions
    assert 0 < rules.office_confidence <= 1
    data = yaml.safe_load(NATIONALITY_PATH.read_text(encoding="utf-8"))
    data["offices"]["max_words"] = 0
    path = tmp_path / "nationality.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(RuleFileError, match=r"nationality\.yaml: 'offices\.max_words'"):
        load_nationality_rules_file(path)


@pytest.mark.parametrize(
    ("name", "head", "state_body"),
    [
        ("Ministry of Foreign Affairs", "ministry", True),
        ("Office 39", "office", True),
        ("Department 12 of the Ministry of Light Industry", "department", True),
        ("Korean Central News Agency", "agency", True),
        ("U.S. Department of the Treasury", "department", True),
        ("Kremlin", "kremlin", True),
        ("Korea Ryonbong Trading Corporation", "corporation", False),
        ("Bank of East Land", "bank", False),
    ],
)
def test_a_state_body_is_named_by_its_head_word(name: str, head: str, state_body: bool) -> None:
    assert name_head(name) == head
    assert default_nationality_rules().is_state_body(name, "Organization") is state_body
    assert not default_nationality_rules().is_state_body(name, "Company")
