"""Clauses without a subject, groups of workers and announced legal actions
(``extract/relation_events.py``, ``relations/events.yaml``, ``relation_links.py``), through the
whole relation extractor.

Every sentence and name is invented for these tests, several forms per construction, with
sentences that must give no link.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
import yaml
from spacy.language import Language

from relationkit import rows_for
from sanctionwatch.extract.relation_events import (
    EVENTS_PATH,
    control_chain,
    default_event_rules,
    load_event_rules_file,
)
from sanctionwatch.extract.relation_parse import clause_subjects
from sanctionwatch.extract.relation_query import RelationRow
from sanctionwatch.extract.relations import rule_file_versions
from sanctionwatch.extract.rulefile import RuleFileError

SOBAEK = "Sobaek Trading Corporation"
KUMSONG = "Kumsong Marine Company"
HAIXING = "Haixing Energy Corporation"
DAESONG = "Daesong Export Company"
MIRAE = "Mirae Holdings"
MINISTRY = "Commerce Ministry"
JUSTICE = "Justice Department"
FBI = "FBI"
NAMES: dict[str, str] = {
    SOBAEK: "Company",
    KUMSONG: "Company",
    HAIXING: "Company",
    DAESONG: "Company",
    MIRAE: "Company",
    MINISTRY: "Organization",
    JUSTICE: "Organization",
    FBI: "Organization",
    "OFAC": "Organization",
    "Treasury": "Organization",
    "Kim Chol Su": "Person",
    "Ri Chol": "Person",
    "Pak Song Il": "Person",
    "Russia": "Place",
    "Laos": "Place",
}


def _rows(nlp: Language, text: str, names: Mapping[str, str] = NAMES) -> list[RelationRow]:
    return rows_for(nlp, text, names, document_id="doc-events", published=date(2024, 3, 6))


def _pairs(rows: list[RelationRow], kind: str) -> set[tuple[str, str]]:
    return {(row.source, row.target) for row in rows if row.kind == kind}


def _touching(rows: list[RelationRow], name: str, kinds: set[str]) -> set[tuple[str, str]]:
    return {
        (row.source, row.target)
        for row in rows
        if row.kind in kinds and name in (row.source, row.target)
    }


# ---------------------------------------------------------------- rules file


def test_event_rules_load_and_reach_the_extractor_version() -> None:
    rules = default_event_rules()
    assert "designate" in rules.control.object_verbs
    assert "through" in rules.agent_preps
    assert "personnel" in rules.worker_nouns
    # the full version string may be digested to fit the column: read the file versions
    assert rule_file_versions()["events"] == rules.version


def test_a_broken_events_file_names_the_file_and_the_key(tmp_path: Path) -> None:
    data = yaml.safe_load(EVENTS_PATH.read_text(encoding="utf-8"))
    data["control"]["depth"] = -1
    path = tmp_path / "events.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(RuleFileError, match=r"events\.yaml.*control\.depth"):
        load_event_rules_file(path)
    del data["workers"]
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(RuleFileError, match=r"events\.yaml.*workers"):
        load_event_rules_file(path)


# ---------------------------------------------------------------- controlled clauses


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            f"Kim Chol Su was designated on Tuesday for providing material support to {SOBAEK}.",
            {("Kim Chol Su", SOBAEK)},
        ),
        (
            f"The Treasury sanctioned {DAESONG} for supplying coal to {KUMSONG} in 2019.",
            {(DAESONG, KUMSONG)},
        ),
        (
            f"Prosecutors accused Ri Chol of signing a contract with {HAIXING} in March.",
            {("Ri Chol", HAIXING)},
        ),
        (
            f"OFAC also designated {DAESONG} and its director, Ri Chol, for their dealings with "
            f"{SOBAEK}, a bank designated in 2009.",
            {(DAESONG, SOBAEK), ("Ri Chol", SOBAEK)},
        ),
        (
            f"{MIRAE} grew quickly by selling diesel to {KUMSONG} last year.",
            {(MIRAE, KUMSONG)},
        ),
    ],
)
def test_a_subjectless_clause_is_done_by_its_controller(
    nlp: Language, text: str, expected: set[tuple[str, str]]
) -> None:
    assert expected <= _pairs(_rows(nlp, text), "unknown")


@pytest.mark.parametrize(
    "text",
    [
        f"{DAESONG} used front companies to sell coal to {KUMSONG}.",
        f"OFAC designated {DAESONG} for using front companies to sell coal to {KUMSONG}.",
    ],
)
def test_an_infinitive_after_a_verb_of_means_is_what_was_done(nlp: Language, text: str) -> None:
    assert (DAESONG, KUMSONG) in _pairs(_rows(nlp, text), "unknown")


@pytest.mark.parametrize(
    ("text", "word"),
    [
        (f"The Treasury asked {DAESONG} to stop selling coal to {KUMSONG}.", "selling"),
        (f"{DAESONG} was ordered to pay {KUMSONG} for the coal.", "pay"),
        (f"OFAC urged {DAESONG} to cut its ties with {KUMSONG}.", "cut"),
    ],
)
def test_an_infinitive_asked_for_has_no_controller(nlp: Language, text: str, word: str) -> None:
    verb = next(token for token in nlp(text) if token.lower_ == word)
    subjects, climbed = control_chain(verb)
    assert subjects == []
    assert any(upper.lemma_ in default_event_rules().control.request_verbs for upper in climbed)


@pytest.mark.parametrize(
    "text",
    [
        f"{DAESONG} asked {MIRAE} to hire IT personnel.",
        f"{DAESONG} asked {MIRAE} to stop hiring North Korean workers.",
        f"The {MINISTRY} urged {MIRAE} to stop dispatching IT personnel abroad.",
    ],
)
def test_whoever_is_asked_to_hire_workers_is_no_employer(nlp: Language, text: str) -> None:
    assert MIRAE not in {row.target for row in _rows(nlp, text) if row.kind == "employment"}


@pytest.mark.parametrize(
    ("text", "word", "subject"),
    [
        # object control: the object does what the infinitive says
        (f"Ri Chol forced {MIRAE} to hire North Korean workers.", "hire", "Holdings"),
        (f"Ri Chol helped {MIRAE} to recruit welders abroad.", "recruit", "Holdings"),
        # a verb of means: its subject; no object: the subject (raising and control)
        (f"{DAESONG} used front companies to sell coal to {KUMSONG}.", "sell", "Company"),
        (f"{DAESONG} agreed to sell coal to {KUMSONG}.", "sell", "Company"),
        (f"{MIRAE} is said to have hired North Korean workers.", "hired", "Holdings"),
        (f"{DAESONG} was forced to sell coal to {KUMSONG}.", "sell", "Company"),
    ],
)
def test_clause_subjects_climb_an_infinitive_to_its_doer(
    nlp: Language, text: str, word: str, subject: str
) -> None:
    verb = next(token for token in nlp(text) if token.lower_ == word)
    assert [token.text for token in clause_subjects(verb)] == [subject]


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("The UN urged states to stop hiring North Korean workers.", "hiring"),
        (f"The Treasury asked {DAESONG} to stop selling coal to {KUMSONG}.", "selling"),
        (f"{DAESONG} was ordered to pay {KUMSONG} for the coal.", "pay"),
        (f"Ri Chol told {MIRAE} to hire more welders.", "hire"),
    ],
)
def test_clause_subjects_of_an_infinitive_asked_for_are_nobody(
    nlp: Language, text: str, word: str
) -> None:
    verb = next(token for token in nlp(text) if token.lower_ == word)
    assert clause_subjects(verb) == []


@pytest.mark.parametrize(
    ("text", "employer", "not_employer"),
    [
        (f"Ri Chol forced {MIRAE} to hire North Korean workers.", MIRAE, "Ri Chol"),
        (f"The UN urged {MIRAE} to stop hiring North Korean workers.", None, "UN"),
        (f"{DAESONG} asked {MIRAE} to hire North Korean workers.", None, DAESONG),
    ],
)
def test_who_employs_a_group_an_infinitive_hires(
    nlp: Language, text: str, employer: str | None, not_employer: str
) -> None:
    employers = {row.target for row in _rows(nlp, text) if row.kind == "employment"}
    assert not_employer not in employers
    assert employers == ({employer} if employer else set())


def test_whoever_asks_for_a_sale_does_not_deal_with_the_buyer(nlp: Language) -> None:
    text = f"The Treasury asked {DAESONG} to stop selling coal to {KUMSONG}."
    assert _touching(_rows(nlp, text), KUMSONG, {"unknown"}) == set()


def test_depth_zero_switches_the_controlled_reading_off(nlp: Language) -> None:
    text = f"The Treasury sanctioned {DAESONG} for supplying coal to {KUMSONG} in 2019."
    rules = default_event_rules()
    off = replace(rules, control=replace(rules.control, depth=0))
    doc = nlp(text)
    verb = next(token for token in doc if token.lower_ == "supplying")
    assert control_chain(verb, rules.control)[0]
    assert control_chain(verb, off.control) == ([], [])


@pytest.mark.parametrize(
    "text",
    [
        # "thank" is no designating verb and "for" opens no subject's clause: nobody is read
        f"The Treasury thanked {HAIXING} for providing records to {KUMSONG}.",
        # the designation is denied, so the reason is not stated
        f"{DAESONG} was not designated for selling coal to {KUMSONG}.",
        # "despite" opens no controlled clause
        f"{DAESONG} was designated despite never selling coal to {KUMSONG}.",
        # the clause has its own subject (a description, not a party)
        f"OFAC designated {DAESONG} after a broker sold coal to {KUMSONG}.",
        # an infinitive after an object is the object's doing ("enabled the firm to sell")
        f"OFAC sanctioned {DAESONG} for enabling a broker to sell coal to {KUMSONG}.",
        # a purpose infinitive says what the act was for, not what was done
        f"{DAESONG} set up front companies to sell coal to {KUMSONG}.",
        f"{DAESONG} was created to supply coal to {KUMSONG}.",
        f"{MIRAE} was founded in 2015 to supply diesel to {KUMSONG}.",
    ],
)
def test_no_controller_no_dealing(nlp: Language, text: str) -> None:
    assert _touching(_rows(nlp, text), KUMSONG, {"unknown"}) == set()


def test_parties_controlling_one_clause_do_not_deal_with_each_other(nlp: Language) -> None:
    text = (
        "Two bankers, Ri Chol and Pak Song Il, were sanctioned for enabling the regime to "
        "conduct financial transactions abroad."
    )
    assert _touching(_rows(nlp, text), "Ri Chol", {"unknown"}) == set()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            f"OFAC sanctioned {DAESONG} over its contract with {KUMSONG}.",
            (DAESONG, KUMSONG),
        ),
        (
            f"The Treasury sanctioned {DAESONG} because of its contract with {KUMSONG}.",
            (DAESONG, KUMSONG),
        ),
        (f"Ri Chol was fined last year over his contract with {HAIXING}.", ("Ri Chol", HAIXING)),
        (f"{DAESONG} lost money on its deal with {KUMSONG}.", (DAESONG, KUMSONG)),
    ],
)
def test_a_pronoun_possessor_deals_when_no_clause_controls_the_noun(
    nlp: Language, text: str, expected: tuple[str, str]
) -> None:
    assert expected in _pairs(_rows(nlp, text), "unknown")


def test_a_possessive_pronoun_with_nobody_before_it_deals_with_nobody(nlp: Language) -> None:
    text = f"Its contract with {KUMSONG} was cancelled in 2019."
    assert _touching(_rows(nlp, text), KUMSONG, {"unknown"}) == set()


# ---------------------------------------------------------------- groups of workers


@pytest.mark.parametrize(
    ("text", "employers"),
    [
        (f"The North Korean workers were employed through {SOBAEK}, a report said.", {SOBAEK}),
        (
            f"Some 40 welders were contracted by two firms, {DAESONG} and {HAIXING}, for the job.",
            {DAESONG, HAIXING},
        ),
        (
            "North Korean laborers are recruited through agencies in Laos including "
            f"{DAESONG} and {KUMSONG}.",
            {DAESONG, KUMSONG},
        ),
        (
            f"{SOBAEK}, an agency that has dispatched IT personnel to Russia, was designated.",
            {SOBAEK},
        ),
        (f"{MIRAE} dispatches North Korean IT personnel abroad every year.", {MIRAE}),
        (f"{MIRAE} sends large numbers of IT personnel to Laos.", {MIRAE}),
        (f"In 2014, 46 North Koreans were employed at {KUMSONG} when a fire broke out.", {KUMSONG}),
        (
            "Officials accused Pak Song Il of using shell companies to hire North Korean IT "
            "workers.",
            {"Pak Song Il"},
        ),
        (
            f"{HAIXING}, a {MINISTRY}-affiliated agency that has dispatched IT personnel to "
            "Laos, was designated.",
            {HAIXING},
        ),
    ],
)
def test_groups_of_workers_and_who_employs_them(
    nlp: Language, text: str, employers: set[str]
) -> None:
    rows = [row for row in _rows(nlp, text) if row.kind == "employment"]
    assert {row.target for row in rows} == employers
    assert all(row.properties.get("employee") in (None, []) for row in rows)
    assert all(
        any(
            word in row.source
            for word in ("workers", "welders", "laborers", "personnel", "Koreans")
        )
        for row in rows
    )


@pytest.mark.parametrize(
    "text",
    [
        f"The workers were not employed through {SOBAEK}, the ministry said.",
        f"The workers were employed in construction, {SOBAEK} said.",
        f"{SOBAEK} dispatched a delegation to Russia.",
        # "personnel" is a group of workers only when hired or sent
        f"{MIRAE} provided IT personnel with laptops.",
        f"{MIRAE} placed IT personnel under surveillance.",
        f"{SOBAEK}, a firm that has used IT personnel to launder money, was designated.",
        f"{SOBAEK} denied that it had dispatched IT personnel to Russia.",
        f"Workers may be recruited through {SOBAEK} next year.",
        f"In 2014, 46 North Koreans were arrested at {KUMSONG} after a fire.",
        f"North Koreans were employed in Laos, {SOBAEK} said.",
        f"Officials did not accuse Pak Song Il of using {SOBAEK} to hire IT workers.",
        f"The {MINISTRY} ordered firms to stop providing guest worker permits to Laos.",
    ],
)
def test_no_group_employment_without_a_stated_employer(nlp: Language, text: str) -> None:
    assert _pairs(_rows(nlp, text), "employment") == set()


# ---------------------------------------------------------------- legal actions


def test_an_announced_arrest_is_the_announcers_action(nlp: Language) -> None:
    text = f"The {FBI} and the {JUSTICE} announced the arrest of Pak Song Il on Friday."
    rows = [row for row in _rows(nlp, text) if row.kind == "unknown"]
    assert {(row.source, row.target) for row in rows} == {
        (FBI, "Pak Song Il"),
        (JUSTICE, "Pak Song Il"),
    }
    assert {row.properties.get("role", [""])[0] for row in rows} == {"arrest"}


@pytest.mark.parametrize(
    "text",
    [
        f"The {JUSTICE} did not announce the arrest of Pak Song Il.",
        f"The {JUSTICE} announced the release of Pak Song Il.",
        f"Reporters read about the arrest of Pak Song Il in the {JUSTICE} statement.",
    ],
)
def test_no_announced_arrest(nlp: Language, text: str) -> None:
    assert _touching(_rows(nlp, text), "Pak Song Il", {"unknown"}) == set()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            f"The {JUSTICE} announced the arrest of Pak Song Il by the Interior Ministry.",
            {("Interior Ministry", "Pak Song Il")},
        ),
        (
            f"{MIRAE} announced the indictment of Pak Song Il by the {JUSTICE}.",
            {(JUSTICE, "Pak Song Il")},
        ),
        (
            "Moscow police announced the arrest of Pak Song Il on Friday.",
            {("Moscow police", "Pak Song Il")},
        ),
        (
            f"{MIRAE} and the {FBI} announced the arrest of Pak Song Il on Friday.",
            {(FBI, "Pak Song Il")},
        ),
    ],
)
def test_the_arresting_party_is_the_by_phrase_or_an_announcing_authority(
    nlp: Language, text: str, expected: set[tuple[str, str]]
) -> None:
    names = {**NAMES, "Interior Ministry": "Organization", "Moscow police": "Organization"}
    assert _touching(_rows(nlp, text, names), "Pak Song Il", {"unknown"}) == expected


@pytest.mark.parametrize(
    "text",
    [
        # a firm or a person announcing an arrest made none
        f"{MIRAE} announced the arrest of Pak Song Il on Friday.",
        f"{MIRAE} announced the detention of Pak Song Il in Moscow.",
        "Ri Chol announced the arrest of Pak Song Il on Friday.",
        # the arrest was someone else's, even unnamed
        f"The {JUSTICE} announced the arrest of Pak Song Il by Russian police.",
        f"The {JUSTICE} announced the arrest in Moscow of Pak Song Il by local police.",
    ],
)
def test_an_announcer_who_did_not_arrest_is_no_arresting_party(nlp: Language, text: str) -> None:
    assert _touching(_rows(nlp, text), "Pak Song Il", {"unknown"}) == set()


# ---------------------------------------------------------------- units after an acronym


UNITS: dict[str, str] = {
    "Interior Ministry": "Organization",
    "MVD": "Organization",
    "Border Service": "Organization",
    "BS": "Organization",
    "Migration Directorate": "Organization",
    "MD": "Organization",
    "Foreign Ministry": "Organization",
}


def test_units_after_the_parents_acronym_each_belong_to_the_parent(nlp: Language) -> None:
    text = (
        "The Foreign Ministry, with the Interior Ministry’s (MVD) Border Service (BS) and "
        "Migration Directorate (MD), is issuing this notice."
    )
    pairs = _pairs(_rows(nlp, text, UNITS), "subsidiary")
    assert ("Interior Ministry", "Border Service") in pairs
    assert ("Interior Ministry", "Migration Directorate") in pairs
    assert not {pair for pair in pairs if "Foreign Ministry" in pair}


def test_a_body_coordinated_without_a_possessive_is_no_unit(nlp: Language) -> None:
    text = "The Interior Ministry (MVD), the Border Service and the Foreign Ministry met."
    assert _pairs(_rows(nlp, text, UNITS), "subsidiary") == set()
