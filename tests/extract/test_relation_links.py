"""Location and registration cues, family ties, business dealings, legal actions and the
prepositional UnknownLink fallback (``extract/relation_links.py``, ``relations/links.yaml``).

Sentences and names are invented for these tests, in several forms per construction.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from spacy.language import Language

from relationkit import rows_for
from sanctionwatch.extract import relations
from sanctionwatch.extract.relation_links import (
    LINKS_PATH,
    default_link_rules,
    load_link_rules_file,
)
from sanctionwatch.extract.relation_query import RelationRow
from sanctionwatch.extract.relations import RELATION_KINDS, extractor_version
from sanctionwatch.extract.rulefile import RuleFileError

SOBAEK = "Sobaek Trading Corporation"
KUMSONG = "Kumsong Marine Ltd"
HAIXING = "Haixing Energy Ltd"
DAESONG = "Daesong Export Company"
BANK = "Ryugyong Commercial Bank"
PEARL = "Ocean Pearl Enterprise of Shenyang"
JUSTICE = "Justice Department"
BUREAU = "Federal Bureau of Investigation"
MINISTRY = "Commerce Ministry"
NAMES: dict[str, str] = {
    SOBAEK: "Company",
    KUMSONG: "Company",
    HAIXING: "Company",
    DAESONG: "Company",
    BANK: "Company",
    PEARL: "Company",
    JUSTICE: "Organization",
    BUREAU: "Organization",
    MINISTRY: "Organization",
    "Reuters": "Organization",
    "Ri Chol": "Person",
    "Ri Yong Ho": "Person",
    "Pak Song Il": "Person",
    "Pak Chol Man": "Person",
    "Han Myong Suk": "Person",
    "Choe Il": "Person",
    "Jang Song Ok": "Person",
    "Jang Min": "Person",
    "Kim Su Il": "Person",
    "Kim Su Hyok": "Person",
    "Kim Su Nam": "Person",
    "Nampo": "Place",
    "Rason": "Place",
    "Dalian": "Place",
    "China": "Place",
    "Russia": "Place",
    "Irkutsk": "Place",
    "Vladivostok": "Place",
    "Sinuiju": "Place",
    "Moscow": "Place",
    "Pyongyang": "Place",
    "Laos": "Place",
}


def _rows(nlp: Language, text: str, names: Mapping[str, str] = NAMES) -> list[RelationRow]:
    return rows_for(nlp, text, names, document_id="doc-links", published=date(2023, 5, 6))


def _places(rows: list[RelationRow], party: str) -> set[tuple[str, str]]:
    """(kind, place) facts of one party: a country's caption or an address."""
    return {
        (row.kind, row.target)
        for row in rows
        if row.source == party and row.kind in ("location", "registration")
    }


def _links(rows: list[RelationRow], kind: str) -> set[tuple[str, str, str]]:
    role = "relationship" if kind == "family" else "role"
    return {
        (row.source, row.target, (row.properties.get(role) or [""])[0])
        for row in rows
        if row.kind == kind
    }


# ---------------------------------------------------------------- rules file


def test_link_rules_load_and_reach_the_extractor_version(monkeypatch: pytest.MonkeyPatch) -> None:
    rules = default_link_rules()
    assert "half-brother" in rules.family_words
    assert {"supply", "trade"} <= rules.dealing_lemmas
    assert "charge" in rules.legal_lemmas
    assert "travel" in rules.stop_verbs
    assert "say" not in rules.stop_verbs  # speech verbs: rules.yaml `speech_verbs`, one list
    before = extractor_version()  # readable, or a digest once it outgrows the column
    edited = replace(rules, version=f"{rules.version}9")
    monkeypatch.setattr(relations, "default_link_rules", lambda: edited)
    assert extractor_version() != before
    assert "family" in RELATION_KINDS


def test_a_broken_links_file_names_the_file_and_the_section(tmp_path: Path) -> None:
    data = yaml.safe_load(LINKS_PATH.read_text(encoding="utf-8"))
    data["family"]["relationship"] = "kinship"  # Family has no such property
    path = tmp_path / "links.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(RuleFileError, match=r"links\.yaml.*family.*kinship"):
        load_link_rules_file(path)
    del data["family"]
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(RuleFileError, match="family"):
        load_link_rules_file(path)
    path.write_text("version: [", encoding="utf-8")
    with pytest.raises(RuleFileError, match="cannot read"):
        load_link_rules_file(path)


def _edited(data: dict[str, Any], keys: tuple[str | int, ...], value: object) -> None:
    """Set (or, with ``_DROP``, delete) the value at a path of keys in the parsed file."""
    *parents, last = keys
    target: Any = data
    for key in parents:
        target = target[key]
    if value is _DROP:
        del target[last]
    else:
        target[last] = value


_DROP = object()


@pytest.mark.parametrize(
    ("keys", "value", "message"),
    [
        (("locations", "verbs", 0, "lemmas"), "base", "'locations.verbs[0].lemmas' must be a list"),
        (("locations", "verbs"), [], "'locations.verbs' must be a non-empty list"),
        (
            ("locations", "verbs", 1, "fact", "confidence"),
            2,
            "'locations.verbs[1].fact.confidence' must be at most 1",
        ),
        (
            ("locations", "premises", "fact", "country_property"),
            "homeland",
            "'locations.premises.fact.country_property'.*no property 'homeland'",
        ),
        (
            ("locations", "parenthesis", "schemata"),
            ["Company", "Firm"],
            "'locations.parenthesis.schemata': unknown schema 'Firm'",
        ),
        (("dealings", "groups", 0, "direct"), "yes", "'dealings.groups[0].direct' must be true"),
        (("family", "verbs"), ["marry"], "'family.verbs' must map words to strings"),
        (("family", "schema"), "Kinship", "'family.schema' names no FollowTheMoney schema"),
        (("legal_actions", "nouns"), _DROP, "'legal_actions.nouns' must be a list of strings"),
        (("fallback",), _DROP, "'fallback' must be a mapping"),
    ],
)
def test_every_bad_edit_is_one_line_naming_the_file_and_the_key(
    tmp_path: Path, keys: tuple[str | int, ...], value: object, message: str
) -> None:
    data = yaml.safe_load(LINKS_PATH.read_text(encoding="utf-8"))
    _edited(data, keys, value)
    path = tmp_path / "links.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    pattern = ".*".join(re.escape(part) for part in f"links.yaml: {message}".split(".*"))
    with pytest.raises(RuleFileError, match=pattern) as raised:
        load_link_rules_file(path)
    assert "\n" not in str(raised.value)


def test_evidence_with_an_unknown_placeholder_is_refused(tmp_path: Path) -> None:
    data = yaml.safe_load(LINKS_PATH.read_text(encoding="utf-8"))
    data["locations"]["premises"]["fact"]["evidence"] = "{office} in {place}"
    path = tmp_path / "links.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(RuleFileError, match="premises"):
        load_link_rules_file(path)


# ---------------------------------------------------------------- location / registration


@pytest.mark.parametrize(
    ("text", "party", "expected"),
    [
        (f"{SOBAEK} operates out of Nampo.", SOBAEK, ("location", "Nampo")),
        (f"{KUMSONG}, which operates from Rason, hired the crews.", KUMSONG, ("location", "Rason")),
        (
            f"Investigators say {HAIXING} is headquartered in Irkutsk.",
            HAIXING,
            ("location", "Irkutsk"),
        ),
        (f"{DAESONG} operates in Russia and Laos.", DAESONG, ("location", "Russia")),
        (f"{DAESONG} operates in Russia and Laos.", DAESONG, ("location", "Laos")),
        (
            f"{BANK} is registered at 14 Harbour Road, Dalian.",
            BANK,
            ("location", "14 Harbour Road, Dalian"),
        ),
        (f"{SOBAEK} was incorporated in China in 2014.", SOBAEK, ("registration", "China")),
    ],
)
def test_cue_verbs_locate_their_subject(
    nlp: Language, text: str, party: str, expected: tuple[str, str]
) -> None:
    assert expected in _places(_rows(nlp, text), party)


@pytest.mark.parametrize(
    ("text", "place"),
    [
        (f"The Vladivostok office of {SOBAEK} arranged the visas.", "Vladivostok"),
        (f"{SOBAEK}'s factory in Sinuiju makes uniforms.", "Sinuiju"),
        (f"Last year {SOBAEK} opened a representative office in Moscow.", "Moscow"),
        (f"Workers at the Irkutsk branch of {SOBAEK} were unpaid.", "Irkutsk"),
    ],
)
def test_premises_of_an_organisation_locate_it(nlp: Language, text: str, place: str) -> None:
    assert ("location", place) in _places(_rows(nlp, text), SOBAEK)


def test_a_parenthesis_of_places_after_a_name_locates_it(nlp: Language) -> None:
    rows = _rows(nlp, f"{DAESONG} (Dalian, China) shipped the coal in March.")
    assert _places(rows, DAESONG) == {("location", "Dalian"), ("location", "China")}
    country = next(row for row in rows if row.target == "China")
    assert country.properties["country"] == ["cn"]  # a country fills `country`
    city = next(row for row in rows if row.target == "Dalian")
    assert city.properties["address"] == ["Dalian"]  # a city is an address


def test_a_company_named_of_a_known_city_is_located_there(nlp: Language) -> None:
    rows = _rows(nlp, f"{PEARL} resold the catch.")
    assert _places(rows, PEARL) == {("location", "Shenyang")}


def test_what_is_not_a_location_statement_is_not_read_as_one(nlp: Language) -> None:
    texts = [
        f"{SOBAEK} does not operate in Laos.",  # negated
        f"{SOBAEK} operates in the construction sector.",  # no place
        "Ri Chol's office in Pyongyang was searched.",  # a person's premises
        f"{PEARL} sells to {HAIXING} of the Far North.",  # "of" a non-place
        f"{SOBAEK} (and {KUMSONG}) were sanctioned.",  # a bracket holding no place
    ]
    for text in texts:
        rows = _rows(nlp, text)
        facts = {(row.source, row.target) for row in rows if row.kind == "location"}
        assert facts <= {(PEARL, "Shenyang")}, text


def test_listed_location_stays_listed(nlp: Language) -> None:
    rows = _rows(nlp, f"{KUMSONG} was listed as a firm operating out of Dalian.")
    row = next(row for row in rows if row.source == KUMSONG and row.kind == "location")
    assert row.target == "Dalian"
    assert row.properties["basis"] == ["listed"]


# ---------------------------------------------------------------- family


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Ri Chol's half-brother Ri Yong Ho runs the mine.",
            ("Ri Chol", "Ri Yong Ho", "half-brother"),
        ),
        (
            "Pak Song Il, the eldest son of Pak Chol Man, signed.",
            ("Pak Chol Man", "Pak Song Il", "son"),
        ),
        (
            "Han Myong Suk and her husband Choe Il left Dalian.",
            ("Han Myong Suk", "Choe Il", "husband"),
        ),
        (
            "Jang Song Ok is the younger sister of Jang Min.",
            ("Jang Min", "Jang Song Ok", "younger sister"),
        ),
    ],
)
def test_family_ties_become_family_links(
    nlp: Language, text: str, expected: tuple[str, str, str]
) -> None:
    assert expected in _links(_rows(nlp, text), "family")


def test_a_family_link_is_an_ftm_family_with_its_relationship(nlp: Language) -> None:
    text = "Kim Su Il and his brothers, Kim Su Hyok and Kim Su Nam, own the boats."
    rows = _rows(nlp, text)
    assert _links(rows, "family") == {
        ("Kim Su Il", "Kim Su Hyok", "brother"),
        ("Kim Su Il", "Kim Su Nam", "brother"),
    }
    assert {row.schema for row in rows if row.kind == "family"} == {"Family"}


def test_kin_words_that_tie_no_two_named_people_give_no_family(nlp: Language) -> None:
    texts = [
        f"{SOBAEK}'s sister company, {KUMSONG}, owns the ship.",
        "Choe Il, the son of a fisherman, joined in 2010.",
        "Ri Chol has a brother in Pyongyang.",
    ]
    for text in texts:
        assert not _links(_rows(nlp, text), "family"), text


# ---------------------------------------------------------------- dealings


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"{DAESONG} supplied coal to {HAIXING} in 2019.", (DAESONG, HAIXING, "supply")),
        (f"In 2017 {SOBAEK} sold fishing rights to {KUMSONG}.", (SOBAEK, KUMSONG, "sell")),
        (f"{HAIXING} paid {SOBAEK} $2 million for the shipments.", (HAIXING, SOBAEK, "pay")),
        (f"{HAIXING} transferred funds to {BANK} through a shell.", (HAIXING, BANK, "transfer")),
        (f"{KUMSONG} bought diesel from {DAESONG}.", (KUMSONG, DAESONG, "buy")),
        (f"{SOBAEK} traded with {BANK} for years.", (SOBAEK, BANK, "trade")),
        (f"{KUMSONG} signed a contract with {SOBAEK} in June.", (KUMSONG, SOBAEK, "sign contract")),
        (
            f"{HAIXING} entered into an agreement with {DAESONG}.",
            (HAIXING, DAESONG, "enter agreement"),
        ),
        (f"Ri Chol did business with {BANK} until 2016.", ("Ri Chol", BANK, "do business")),
        (f"The catch was distributed by {PEARL}.", None),
    ],
)
def test_dealings_become_unknown_links_with_the_verb_as_role(
    nlp: Language, text: str, expected: tuple[str, str, str] | None
) -> None:
    links = _links(_rows(nlp, text), "unknown")
    if expected is None:
        assert not links
    else:
        assert expected in links


def test_a_passive_dealing_keeps_who_did_it_as_subject(nlp: Language) -> None:
    rows = _rows(nlp, f"{SOBAEK} was paid by {HAIXING} in cash.")
    assert (HAIXING, SOBAEK, "pay") in _links(rows, "unknown")


def test_dealings_not_stated_are_not_linked(nlp: Language) -> None:
    texts = [
        f"{DAESONG} did not sell coal to {HAIXING}.",
        f"{SOBAEK} might trade with {BANK} next year.",
        f"{SOBAEK} gave an interview to Reuters.",
        f"A statement was sent to Reuters by {MINISTRY}.",
    ]
    for text in texts:
        assert not _links(_rows(nlp, text), "unknown"), text


# ---------------------------------------------------------------- legal actions


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"The {JUSTICE} indicted Kim Su Il in May.", (JUSTICE, "Kim Su Il", "indict")),
        (f"Kim Su Hyok was arrested by the {BUREAU} in Guam.", (BUREAU, "Kim Su Hyok", "arrest")),
        (f"The {MINISTRY} fined {SOBAEK} $50,000.", (MINISTRY, SOBAEK, "fine")),
        (f"The {BUREAU} seized {KUMSONG}'s vessels.", (BUREAU, KUMSONG, "seize")),
        (f"The {JUSTICE} announced charges against Kim Su Nam.", (JUSTICE, "Kim Su Nam", "charge")),
    ],
)
def test_legal_actions_of_an_authority_are_unknown_links(
    nlp: Language, text: str, expected: tuple[str, str, str]
) -> None:
    assert expected in _links(_rows(nlp, text), "unknown")


def test_a_legal_action_by_an_unnamed_authority_links_nothing(nlp: Language) -> None:
    assert not _links(_rows(nlp, "Kim Su Il was arrested by police in Dalian."), "unknown")
    assert not _links(_rows(nlp, f"The {JUSTICE} did not charge Kim Su Il."), "unknown")


def test_a_legal_action_that_is_the_sentence_s_designation_is_not_linked_twice(
    nlp: Language,
) -> None:
    names = {**NAMES, "OFAC": "Organization"}
    rows = _rows(nlp, f"OFAC froze the assets of {KUMSONG} on Monday.", names)
    assert {(row.source, row.kind) for row in rows} == {(KUMSONG, "sanction")}
    rows = _rows(nlp, f"The {MINISTRY} froze the assets of {KUMSONG}.")  # no designation
    assert (MINISTRY, KUMSONG, "freeze") in _links(rows, "unknown")


# ---------------------------------------------------------------- fallback


def test_the_fallback_links_a_named_prepositional_object(nlp: Language) -> None:
    rows = _rows(nlp, f"{KUMSONG} competed with {SOBAEK} for the port contract.")
    assert (KUMSONG, SOBAEK, "compete with") in _links(rows, "unknown")


@pytest.mark.parametrize(
    "text",
    [
        f"Ri Chol spoke to Reuters about {SOBAEK}.",
        f"Ri Chol said to Reuters that {SOBAEK} had closed.",
        f"According to Reuters, {SOBAEK} had closed.",
        f"It sided with {SOBAEK} in the dispute.",
        f"{KUMSONG} could side with {SOBAEK}.",
    ],
)
def test_the_fallback_ignores_reporting_verbs_pronouns_and_hedges(nlp: Language, text: str) -> None:
    assert not _links(_rows(nlp, text), "unknown")


def test_a_pair_another_rule_linked_is_not_linked_again(nlp: Language) -> None:
    rows = _rows(nlp, f"{SOBAEK} owns {KUMSONG} and trades with {KUMSONG}.")
    kinds = {row.kind for row in rows if {row.source, row.target} == {SOBAEK, KUMSONG}}
    assert kinds == {"ownership"}


@pytest.mark.parametrize(
    ("text", "party", "places"),
    [
        (
            f"{SOBAEK}, which has offices in Moscow and Vladivostok, hired them.",
            SOBAEK,
            {"Moscow", "Vladivostok"},
        ),
        (f"The headquarters of {KUMSONG} are in Nampo.", KUMSONG, {"Nampo"}),
        (
            f"{HAIXING}, based in the Russian port city of Vladivostok, paid.",
            HAIXING,
            {"Vladivostok"},
        ),
        (f"Pyongyang's {SOBAEK} built the statues.", SOBAEK, {"Pyongyang"}),
        (f"The ore went to Irkutsk company {KUMSONG} last year.", KUMSONG, {"Irkutsk"}),
        (f"The {BANK} in Dalian handled the transfers.", BANK, {"Dalian"}),
        (f"{DAESONG} set up a branch in Rason in 2012.", DAESONG, {"Rason"}),
    ],
)
def test_more_ways_to_say_where_a_firm_is(
    nlp: Language, text: str, party: str, places: set[str]
) -> None:
    assert {place for _, place in _places(_rows(nlp, text), party)} == places


def test_the_seat_of_a_state_body_is_no_location_fact(nlp: Language) -> None:
    names = NAMES | {"Foreign Ministry": "Organization", "Russian Embassy": "Organization"}
    text = "Reporters called the Russian Embassy in Moscow and the Foreign Ministry in Moscow."
    rows = _rows(nlp, text, names)
    assert not [row for row in rows if row.kind == "location"]
    # a bare name placed with "in" may be the name's local branch: no fact either
    assert not _places(_rows(nlp, f"Ri Chol was the shareholder for {SOBAEK} in Moscow."), SOBAEK)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            f"{SOBAEK}'s shipments of ore to {HAIXING} stopped in 2019.",
            (SOBAEK, HAIXING, "shipment"),
        ),
        (f"Payments from {HAIXING} to {BANK} went through Dalian.", (HAIXING, BANK, "payment")),
        (f"{KUMSONG} made several payments to {DAESONG} in 2018.", (KUMSONG, DAESONG, "payment")),
        (
            f"The {BUREAU}'s arrest of Kim Su Il surprised analysts.",
            (BUREAU, "Kim Su Il", "arrest"),
        ),
        (
            f"The indictment of Kim Su Hyok by the {JUSTICE} followed.",
            (JUSTICE, "Kim Su Hyok", "indictment"),
        ),
    ],
)
def test_dealings_and_legal_actions_named_by_nouns(
    nlp: Language, text: str, expected: tuple[str, str, str]
) -> None:
    assert expected in _links(_rows(nlp, text), "unknown")


def test_an_appositive_kin_word_ties_the_two_people(nlp: Language) -> None:
    rows = _rows(nlp, "Choe Il, Han Myong Suk's uncle, was demoted in 2013.")
    assert _links(rows, "family") == {("Han Myong Suk", "Choe Il", "uncle")}
    rows = _rows(nlp, "Jang Min, the brother-in-law of Ri Chol, kept the ledgers.")
    assert _links(rows, "family") == {("Ri Chol", "Jang Min", "brother-in-law")}


def test_a_titled_person_in_a_city_does_not_place_the_employer(nlp: Language) -> None:
    names = NAMES | {"Daily Courier": "Organization"}
    rows = _rows(nlp, "Choe Il is a reporter for the Daily Courier in Moscow.", names)
    assert not [row for row in rows if row.kind == "location" and row.source == "Daily Courier"]


def test_contracts_between_coordinated_or_possessive_parties(nlp: Language) -> None:
    rows = _rows(nlp, f"{KUMSONG} and {DAESONG} signed a contract in 2016.")
    assert _links(rows, "unknown") == {(KUMSONG, DAESONG, "sign contract")}
    rows = _rows(nlp, f"{KUMSONG}'s contract with {DAESONG} was cancelled.")
    assert _links(rows, "unknown") == {(KUMSONG, DAESONG, "contract")}


def test_a_legal_action_replaces_the_bare_fallback_link_of_its_pair(nlp: Language) -> None:
    # the lemmatizer reads "fined" as "fin"; the legal-action rule names the role
    rows = _rows(nlp, f"The {MINISTRY} fined {DAESONG} in 2019.")
    assert _links(rows, "unknown") == {(MINISTRY, DAESONG, "fine")}


def test_marriage_verbs_tie_two_people(nlp: Language) -> None:
    rows = _rows(nlp, "Choe Il married Han Myong Suk in 2009.")
    assert _links(rows, "family") == {("Choe Il", "Han Myong Suk", "spouse")}
    assert not _links(rows, "unknown")  # no bare "marry" link beside it
    rows = _rows(nlp, "In 2011 Jang Min married Jang Song Ok, a singer.")
    assert _links(rows, "family") == {("Jang Min", "Jang Song Ok", "spouse")}
    assert not _links(_rows(nlp, "Choe Il never married Han Myong Suk."), "family")
