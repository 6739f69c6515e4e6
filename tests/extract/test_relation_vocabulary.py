"""One list per idea in the relation rules files, and one place per rule in the code:
speech verbs, the words between an authority and its verb, participles, and the "a person's
employer is no designated party" rule every sanction reader shares.

Sentences and names are invented for these tests.
"""

from __future__ import annotations

import inspect
import re
from datetime import date

import pytest
import yaml
from spacy.language import Language

from relationkit import rows_for
from sanctionwatch.extract import (
    relation_designations,
    relation_links,
    relation_nationality,
    relation_roles,
    relation_sweeps,
)
from sanctionwatch.extract.relation_links import LINKS_PATH, default_link_rules
from sanctionwatch.extract.relation_roles import ROLES_PATH, default_role_rules
from sanctionwatch.extract.relation_rules import RULES_PATH, default_rules, participles
from sanctionwatch.extract.relation_sweeps import SWEEPS_PATH

PERSON = "Ri Hyang Mi"
BANK = "Bank of Sariwon"
TRADER = "Tonghae Trading Company"
NAMES = {
    PERSON: "Person",
    BANK: "Company",
    TRADER: "Company",
    "Reuters": "Organization",
    "Office of Foreign Assets Control": "Organization",
}


def test_speech_verbs_are_one_list_every_rule_reads() -> None:
    rules = default_rules()
    speech = rules.speech_verbs
    assert {"say", "tell", "announce", "insist", "report"} <= speech
    assert default_role_rules().speech_verbs == speech  # the speakers of roles.yaml
    assert rules.enumerations is not None and rules.enumerations.speech_verbs == speech
    assert speech <= rules.fallback_ignore_verbs  # the sentence rules' fallback
    links = default_link_rules()
    assert not speech & links.stop_verbs  # links.yaml lists only what is no speech
    rules_yaml = yaml.safe_load(RULES_PATH.read_text(encoding="utf-8"))
    assert not speech & set(rules_yaml["fallback"]["ignore_verbs"])
    assert "speech_verbs" not in rules_yaml["sanctions"]["enumerations"]
    roles_yaml = yaml.safe_load(ROLES_PATH.read_text(encoding="utf-8"))
    assert "verbs" not in roles_yaml["speakers"]
    links_yaml = yaml.safe_load(LINKS_PATH.read_text(encoding="utf-8"))
    assert "say" not in links_yaml["fallback"]["stop_verbs"]


@pytest.mark.parametrize(
    "text",
    [
        f"{TRADER} told {BANK} about the shipment.",
        f"{PERSON} spoke to Reuters on Monday.",
        f"{PERSON} insisted to Reuters that the cargo was legal.",
        f"{TRADER} announced the deal with {BANK}.",
    ],
)
def test_a_speech_verb_links_nobody(nlp: Language, text: str) -> None:
    rows = rows_for(nlp, text, NAMES, document_id="speech", published=date(2024, 5, 2))
    assert [row for row in rows if row.kind == "unknown"] == []


def test_the_words_between_an_authority_and_its_verb_are_data() -> None:
    rules = default_rules()
    assert {"on", "today", "also", "has"} <= rules.authority_gap_words
    raw = yaml.safe_load(RULES_PATH.read_text(encoding="utf-8"))
    assert "on" in raw["sanctions"]["authority_gap_words"]  # quoted: a bare YAML on is true


@pytest.mark.parametrize(
    ("lemma", "participle"),
    [
        ("sanction", "sanctioned"),
        ("designate", "designated"),
        ("identify", "identified"),
        ("penalise", "penalised"),
        ("block", "blocked"),
        ("target", "targeted"),
    ],
)
def test_participles_are_exact(lemma: str, participle: str) -> None:
    assert participles(frozenset({lemma})) == {participle}


def test_letters_are_not_stripped_to_find_a_participle() -> None:
    made = participles(frozenset({"target", "block", "sanction"}))
    assert not {"targets", "blocks", "sanctions", "targe", "bloc"} & made


@pytest.mark.parametrize(
    "text",
    [
        # the sentence rule
        f"The Office of Foreign Assets Control designated {BANK} clerk {PERSON} on Monday.",
        # the sweeps (an action noun carries the authority named before)
        f"The Office of Foreign Assets Control designated {TRADER} on Monday. The sanctions "
        f"also target {BANK} clerk {PERSON}.",
        # a listing stated as a state
        f"{BANK} clerk {PERSON} has been on the EU sanctions list since 2017.",
    ],
)
def test_a_person_s_employer_is_never_the_designated_party(nlp: Language, text: str) -> None:
    rows = rows_for(nlp, text, NAMES, document_id="titled", published=date(2024, 5, 2))
    designated = {row.source for row in rows if row.kind == "sanction"}
    assert PERSON in designated
    assert BANK not in designated


COURT = "Dalian Intermediate People's Court"


def test_freeze_has_one_home() -> None:
    rules = default_rules()
    assert "freeze" in rules.freeze_verbs
    sweeps = yaml.safe_load(SWEEPS_PATH.read_text(encoding="utf-8"))
    links = yaml.safe_load(LINKS_PATH.read_text(encoding="utf-8"))
    assert "freeze" not in sweeps["designations"]["verbs"]
    assert "freeze" not in links["legal_actions"]["lemmas"]


@pytest.mark.parametrize(
    ("text", "kind", "actor"),
    [
        (f"Japan froze the assets of {TRADER} on Monday.", "sanction", "Japan"),
        (f"The Office of Foreign Assets Control froze the assets of {TRADER}.", "sanction", None),
        (f"The {COURT} froze the accounts of {TRADER} in March.", "unknown", COURT),
    ],
)
def test_a_freeze_is_an_authority_s_designation_and_anyone_else_s_legal_action(
    nlp: Language, text: str, kind: str, actor: str | None
) -> None:
    names = NAMES | {COURT: "Organization"}
    rows = rows_for(nlp, text, names, document_id="freeze", published=date(2024, 5, 2))
    touching = [row for row in rows if TRADER in (row.source, row.target)]
    assert {row.kind for row in touching} == {kind}  # never both: the Sanction wins
    if actor is not None:
        ends = {(row.source, row.target) for row in touching}
        assert (TRADER, actor) in ends or (actor, TRADER) in ends


def test_later_passes_use_only_the_finder_s_public_pieces() -> None:
    """Links, roles, sweeps, designations and nationality build on SentenceFinder's public API
    (pair_links, place_facts, worker_link, ...), never on its internals."""
    for module in (
        relation_links,
        relation_roles,
        relation_sweeps,
        relation_designations,
        relation_nationality,
    ):
        source = inspect.getsource(module)
        assert not re.search(r"\bfinder\._[a-z]", source), module.__name__
