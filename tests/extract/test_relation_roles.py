"""Roles the parse misses: titles around names, quoted titles, unnamed speakers, membership,
parts, associates and groups of workers (sentences and names invented for these tests)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
import yaml
from spacy.language import Language

from relationkit import rows_for
from sanctionwatch.extract import relations as relations_module
from sanctionwatch.extract.relation_finders import SentenceFinder
from sanctionwatch.extract.relation_mentions import mentions_for_names
from sanctionwatch.extract.relation_parse import MentionIndex
from sanctionwatch.extract.relation_query import RelationRow
from sanctionwatch.extract.relation_roles import (
    ROLES_PATH,
    RoleFinder,
    default_role_rules,
    load_role_rules_file,
    organisation_head,
    sentences_before,
)
from sanctionwatch.extract.relation_rules import default_rules
from sanctionwatch.extract.relations import extractor_version
from sanctionwatch.extract.rulefile import (
    RuleFileError,
    read_rule_file,
    rule_number,
    rule_phrases,
    rule_section,
    rule_words,
)
from sanctionwatch.extract.types import DocumentContext
from sanctionwatch.store.offsets import OffsetMap

ROE = "Jane Roe"
PAK = "Pak Kum Chol"
RI = "Ri Chol Su"
KIM = "Kim Il Nam"
HAN = "Han Song Mi"
MINISTRY = "Ministry of Fisheries"
BUREAU = "Ryonha Machinery Bureau"
SHIPPING = "Haeju Shipping Company"
GROUP = "Sokdo Group"
DIVISION = "Ryongsong Mining division"
BRANCH = "Northern Star"
BUILDER = "Tumen Builders LLC"
SOFT = "Shenyang Bright Soft Co., Ltd"
PARTY = "Korean Workers’ Party"
ARMY = "Korean People’s Army"
LEAGUE = "Socialist Youth League"
NAMES: dict[str, str] = {
    ROE: "Person",
    PAK: "Person",
    RI: "Person",
    KIM: "Person",
    HAN: "Person",
    MINISTRY: "Organization",
    BUREAU: "Organization",
    SHIPPING: "Company",
    GROUP: "Company",
    DIVISION: "Organization",
    BRANCH: "Organization",
    BUILDER: "Company",
    SOFT: "Company",
    PARTY: "Organization",
    ARMY: "Organization",
    LEAGUE: "Organization",
    "Russia": "Place",
    "Vietnam": "Place",
}


def _rows(
    nlp: Language, text: str, names: Mapping[str, str] = NAMES, **aliases: str
) -> list[RelationRow]:
    return rows_for(
        nlp, text, names, document_id="doc-roles", published=date(2023, 5, 6), aliases=aliases
    )


def _links(rows: list[RelationRow], kind: str) -> set[tuple[str, str]]:
    return {(row.source, row.target) for row in rows if row.kind == kind}


def _role(rows: list[RelationRow], source: str, target: str) -> list[str]:
    for row in rows:
        if row.source == source and row.target == target:
            return row.properties.get("role") or row.properties.get("relationship") or []
    raise AssertionError(f"no relation {source} -> {target}")


# ---------------------------------------------------------------- rules file


def test_role_rules_load_and_reach_the_extractor_version(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rules = default_role_rules()
    assert "team leader" in rules.employment_titles
    assert "party" in rules.membership_heads
    current = extractor_version()
    assert len(current) <= 32  # statements.origin_version is VARCHAR(32)
    bumped = replace(rules, version=f"{rules.version}9")
    monkeypatch.setattr(relations_module, "default_role_rules", lambda: bumped)
    assert extractor_version() != current  # a new roles.yaml re-runs relation extraction


def test_role_rules_errors_name_the_file_and_the_key(tmp_path: Path) -> None:
    data = yaml.safe_load(ROLES_PATH.read_text(encoding="utf-8"))
    data["titles"]["joiners"] = [True]  # what an unquoted YAML `on` becomes
    path = tmp_path / "roles.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(RuleFileError, match=r"roles\.yaml.*titles\.joiners"):
        load_role_rules_file(path)
    del data["parts"]
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(RuleFileError, match="'parts'"):
        load_role_rules_file(path)
    path.write_text("just text", encoding="utf-8")
    with pytest.raises(RuleFileError, match="version"):
        load_role_rules_file(path)


@pytest.mark.parametrize(
    ("section", "key", "value", "message"),
    [
        ("titles", "max_words", 2.5, "must be a whole number >= 1"),
        ("titles", "max_words", 0, "must be a whole number >= 1"),
        ("speakers", "confidence", 1.5, "must be at most 1"),
        ("speakers", "confidence", "high", "must be a positive number"),
        ("descriptions", "nouns", "company", "must be a list of strings"),
    ],
)
def test_every_rules_file_check_is_one_line_naming_the_file_and_key(
    tmp_path: Path, section: str, key: str, value: object, message: str
) -> None:
    data = yaml.safe_load(ROLES_PATH.read_text(encoding="utf-8"))
    data[section][key] = value
    path = tmp_path / "roles.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(RuleFileError) as raised:
        load_role_rules_file(path)
    assert str(raised.value) == f"{path}: '{section}.{key}' {message}"


def test_rules_files_read_phrases_the_way_the_text_is_compared(tmp_path: Path) -> None:
    path = tmp_path / "any.yaml"
    section = {"words": ["The  Team Leader", "Dept.", "—"]}
    assert rule_phrases(path, section, "words") == ("team leader", "dept", "—")
    assert rule_words(path, section, "words") == frozenset({"team leader", "dept", "—"})
    assert rule_number(path, {"n": 0}, "n", allow_zero=True) == 0.0
    with pytest.raises(RuleFileError, match=r"any\.yaml: 'n' must be a positive number"):
        rule_number(path, {"n": 0}, "n")
    with pytest.raises(RuleFileError, match=r"any\.yaml: 'sec' must be a mapping"):
        rule_section(path, {"sec": []}, "sec")
    path.write_text("version: [", encoding="utf-8")
    with pytest.raises(RuleFileError, match=r"any\.yaml: cannot read test rules"):
        read_rule_file(path, "test rules")


def test_organisation_head_reads_the_word_before_of() -> None:
    assert organisation_head("Workers’ Party of Korea") == "party"
    assert organisation_head("Korean People’s Army") == "army"
    assert organisation_head("Ministry of Fisheries") == "ministry"


# ---------------------------------------------------------------- titles around a name


@pytest.mark.parametrize(
    "text",
    [
        f"“We will respond,” said Under Secretary of the {MINISTRY} for Coastal Affairs {ROE}.",
        f"Under Secretary of the {MINISTRY} for Coastal Affairs {ROE} told reporters on Monday.",
        f"“We will respond,” {ROE}, Under Secretary of the {MINISTRY} for Coastal Affairs, said.",
    ],
)
def test_a_capitalised_title_before_or_after_a_name_is_an_employment(
    nlp: Language, text: str
) -> None:
    rows = _rows(nlp, text)
    assert _links(rows, "employment") == {(ROE, MINISTRY)}
    assert _role(rows, ROE, MINISTRY) == [f"Under Secretary of the {MINISTRY} for Coastal Affairs"]


def test_a_senior_capitalised_title_is_a_directorship(nlp: Language) -> None:
    text = f"“The quota is met,” said Deputy Director of the {BUREAU} Pak Kum Chol."
    rows = _rows(nlp, text)
    assert _links(rows, "directorship") == {(PAK, BUREAU)}
    assert _links(rows, "employment") == set()


@pytest.mark.parametrize(
    "text",
    [
        f"Officials at the {MINISTRY} met {ROE} last week.",
        f"The {MINISTRY} Fines {ROE} For Late Reports",
        f"{ROE}, who visited the {MINISTRY}, said nothing.",
    ],
)
def test_no_title_no_employment(nlp: Language, text: str) -> None:
    rows = _rows(nlp, text)
    assert _links(rows, "employment") == set()
    assert _links(rows, "directorship") == set()


@pytest.mark.parametrize(
    ("text", "kind", "role"),
    [
        (
            f"The order names {SHIPPING} “fleet team leader” {RI} and others.",
            "employment",
            "fleet team leader",
        ),
        (
            f"Records show {SHIPPING}’s “general director” {RI} signed it.",
            "directorship",
            "general director",
        ),
        (
            f'Prosecutors say {SHIPPING} "cash courier" {RI} flew twice.',
            "employment",
            "cash courier",
        ),
    ],
)
def test_a_quoted_title_between_an_organisation_and_a_name(
    nlp: Language, text: str, kind: str, role: str
) -> None:
    rows = _rows(nlp, text)
    assert _links(rows, kind) == {(RI, SHIPPING)}
    assert _role(rows, RI, SHIPPING) == [role]


# ---------------------------------------------------------------- unnamed speakers


def test_a_definite_title_as_speaker_is_the_person_quoted_before(nlp: Language) -> None:
    text = (
        f"{HAN} said the crews had been moved. “They left in March,” the {LEAGUE} "
        "representative said."
    )
    rows = _rows(nlp, text)
    assert _links(rows, "membership") == {(HAN, LEAGUE)}
    assert _role(rows, HAN, LEAGUE) == ["representative"]


@pytest.mark.parametrize(
    "text",
    [
        f"{HAN} said the crews had been moved. “They left in March,” the {LEAGUE} "
        "representative added.",
        f"{HAN}, who met the envoys, told reporters the crews had moved. He said it twice. "
        f"“They left in March,” the {LEAGUE} representative said.",
        f"Veteran diplomat and former envoy to Russia, {HAN}, said the crews had moved. "
        f"“They left in March,” the {LEAGUE} representative said.",
    ],
)
def test_a_definite_title_may_take_up_the_voice_of_the_person_before(
    nlp: Language, text: str
) -> None:
    assert _links(_rows(nlp, text), "membership") == {(HAN, LEAGUE)}


@pytest.mark.parametrize(
    "text",
    [
        f"“The ship left on time,” {HAN} said. “We paid the crew,” the {LEAGUE} "
        "representative said.",
        f"“Nobody was hurt,” said {HAN}. “The crews are safe,” the {LEAGUE} representative "
        "told reporters.",
        f"{HAN} said the crews had been moved. The ministry spokesman said nothing changed. "
        f"“They left in March,” the {LEAGUE} representative said.",
    ],
)
def test_a_definite_title_after_another_voice_is_a_second_speaker(nlp: Language, text: str) -> None:
    assert _links(_rows(nlp, text), "membership") == set()


@pytest.mark.parametrize(
    "middle",
    ["", "Officials in Pyongyang deny it. "],
)
def test_an_indefinite_title_as_speaker_is_the_person_named_next(
    nlp: Language, middle: str
) -> None:
    text = (
        f"A {BUREAU} inspector says the quotas were raised twice. {middle}{HAN}, who led the "
        "survey, said the crews work at night."
    )
    rows = _rows(nlp, text)
    assert _links(rows, "employment") == {(HAN, BUREAU)}
    assert _role(rows, HAN, BUREAU) == ["inspector"]


def test_an_indefinite_speaker_with_two_people_next_stays_unlinked(nlp: Language) -> None:
    text = (
        f"A {BUREAU} inspector says the quotas were raised twice. {HAN} and {KIM} said the "
        "crews work at night."
    )
    assert _links(_rows(nlp, text), "employment") == set()


def test_an_unnamed_speaker_with_two_people_before_stays_unlinked(nlp: Language) -> None:
    text = (
        f"{HAN} met {KIM} on Friday and said the crews had been moved. “They left in March,” "
        f"the {LEAGUE} representative said."
    )
    assert _links(_rows(nlp, text), "membership") == set()


# ---------------------------------------------------------------- membership


@pytest.mark.parametrize(
    "text",
    [
        f"{RI} is affiliated with the {PARTY}, the filing says.",
        f"{RI}, affiliated to the {PARTY}, ran the account.",
        f"{RI}, an official of the {PARTY}, ran the account.",
        f"Lieutenant {RI} of the {PARTY} ran the account.",
    ],
)
def test_party_affiliations_and_titles_are_memberships(nlp: Language, text: str) -> None:
    rows = _rows(nlp, text)
    assert _links(rows, "membership") == {(RI, PARTY)}
    assert _links(rows, "employment") == set()
    assert {row.schema for row in rows if row.kind == "membership"} == {"Membership"}


@pytest.mark.parametrize(
    "text",
    [
        f"{RI}, who is not affiliated with the {PARTY}, ran the account.",
        f"{RI} is no longer affiliated with {SHIPPING}, the filing says.",
        f"{RI} denied being affiliated with the {PARTY}.",
        f"{RI} was never affiliated to {SHIPPING}.",
    ],
)
def test_a_negated_or_denied_affiliation_is_no_membership(nlp: Language, text: str) -> None:
    rows = _rows(nlp, text)
    assert _links(rows, "membership") == set()
    assert _links(rows, "employment") == set()


def test_a_soldier_of_an_army_is_a_member_and_of_a_bureau_an_employee(nlp: Language) -> None:
    rows = _rows(nlp, f"Colonel {RI} of the {ARMY} met engineer {PAK} of the {BUREAU}.")
    assert _links(rows, "membership") == {(RI, ARMY)}
    assert (PAK, BUREAU) in _links(rows, "employment")


def test_member_of_a_body_is_one_membership_link(nlp: Language) -> None:
    rows = _rows(nlp, f"{KIM}, a member of the {BUREAU}, signed.")
    links = [row for row in rows if row.kind == "membership"]
    assert [(row.source, row.target, row.schema) for row in links] == [(KIM, BUREAU, "Membership")]


# ---------------------------------------------------------------- parts


@pytest.mark.parametrize(
    "text",
    [
        f"Surveys by {GROUP}’s {DIVISION} found ore.",
        f"Surveys by {GROUP}'s Siberian {DIVISION} found ore.",
    ],
)
def test_an_organisations_named_division_is_its_subsidiary(nlp: Language, text: str) -> None:
    assert _links(_rows(nlp, text), "subsidiary") == {(GROUP, DIVISION)}


def test_a_part_word_after_the_name_counts_and_a_plain_name_does_not(nlp: Language) -> None:
    rows = _rows(nlp, f"{GROUP}’s {BRANCH} branch opened in Russia.")
    assert _links(rows, "subsidiary") == {(GROUP, BRANCH)}
    rows = _rows(nlp, f"{GROUP}’s {BRANCH} opened in Russia.")
    assert _links(rows, "subsidiary") == set()


# ---------------------------------------------------------------- associates


@pytest.mark.parametrize(
    "text",
    [
        f"The list names {KIM} and {KIM}’s associate {HAN}.",
        f"The list names {HAN}, a close associate of {KIM}, as a courier.",
        f"Investigators found that {KIM}’s business partner {HAN} held the cards.",
    ],
)
def test_two_people_called_associates_are_an_ftm_associate(nlp: Language, text: str) -> None:
    rows = [row for row in _rows(nlp, text) if row.kind == "unknown"]
    assert [(row.source, row.target, row.schema) for row in rows] == [(HAN, KIM, "Associate")]
    assert rows[0].properties["relationship"][0] in {"associate", "partner"}


def test_an_organisations_partner_is_an_unknown_link(nlp: Language) -> None:
    rows = _rows(nlp, f"The list names {HAN}, a business partner of {GROUP}, as a courier.")
    links = [row for row in rows if row.kind == "unknown"]
    assert [(row.source, row.target, row.schema) for row in links] == [(HAN, GROUP, "UnknownLink")]
    assert links[0].properties["role"] == ["partner"]


# ---------------------------------------------------------------- groups of workers


@pytest.mark.parametrize(
    "text",
    [
        f"The regime used {BUILDER} to send hundreds of North Korean workers to Russia.",
        f"Officials say the state has utilized {BUILDER} to dispatch teams of IT workers abroad.",
        f"The North Korean workers sent to {BUILDER} lived on site.",
    ],
)
def test_workers_sent_through_or_to_a_company_are_its_employees(nlp: Language, text: str) -> None:
    rows = [row for row in _rows(nlp, text) if row.kind == "employment"]
    assert [row.target for row in rows] == [BUILDER]
    assert "workers" in rows[0].source


def test_a_definite_description_owns_the_workers_it_stands_for(nlp: Language) -> None:
    text = (
        f"The Treasury also designated Chinese front company {SOFT} on Tuesday. "
        "Since 2021, the Chinese front company’s IT workers earned over $1 million."
    )
    rows = [row for row in _rows(nlp, text) if row.kind == "employment"]
    assert [(row.source, row.target) for row in rows] == [("IT workers", SOFT)]


def test_a_definite_description_reads_its_own_window_of_sentences(nlp: Language) -> None:
    first = f"The Treasury also designated Chinese front company {SOFT} on Tuesday."
    later = "Since 2021, the Chinese front company’s IT workers earned over $1 million."
    filler = "The ministry did not comment."
    near = " ".join([first, filler, filler, later])
    doc = nlp(near)
    context = DocumentContext("doc-roles", near, OffsetMap.identity(len(near)))
    index = MentionIndex(doc, mentions_for_names(doc, NAMES))
    finder = SentenceFinder(index, default_rules(), context)
    roles = RoleFinder(finder)  # no find(): the description needs no state from a pass
    noun = next(t for t in doc if t.lower_ == "company" and t.i > len(doc) // 2)
    described = roles._described(noun)
    assert described is not None and described.name == SOFT
    window = default_role_rules().description_sentences_back
    sentences = list(doc.sents)
    assert sentences_before(sentences[-1], window) == sentences[0]
    assert sentences_before(sentences[-1], 1) == sentences[-2]
    far = " ".join([first, *[filler] * (window + 1), later])
    assert [row for row in _rows(nlp, far) if row.kind == "employment"] == []


def test_a_definite_description_without_an_antecedent_links_nothing(nlp: Language) -> None:
    text = (
        f"The Treasury also designated {SOFT} on Tuesday. "
        "Since 2021, the Russian logging company’s workers earned over $1 million."
    )
    assert [row for row in _rows(nlp, text) if row.kind == "employment"] == []


def test_a_companys_workers_are_linked_once(nlp: Language) -> None:
    alone = _rows(nlp, f"{BUILDER}’s workers earn little.")
    assert _links(alone, "employment") == {("workers", BUILDER)}
    text = (
        f"{BUILDER} employs 300 North Korean workers in Russia. {BUILDER}’s workers earn "
        "little, and the North Korean workers sent to it live on site."
    )
    rows = [row for row in _rows(nlp, text) if row.kind == "employment"]
    assert len(rows) == 1
    assert rows[0].target == BUILDER


@pytest.mark.parametrize(
    "second",
    [
        f"The party’s representative {RI} confirmed it.",
        f"“It is true,” {RI}, the party's deputy representative, said.",
    ],
)
def test_a_title_held_in_the_party_named_before(nlp: Language, second: str) -> None:
    rows = _rows(nlp, f"The {PARTY} sent a delegation to Russia in May. {second}")
    assert _links(rows, "membership") == {(RI, PARTY)}


def test_a_definite_description_names_the_last_organisation_with_that_head(
    nlp: Language,
) -> None:
    text = (
        f"The {BUREAU} and the {MINISTRY} signed the contract. Later the bureau’s director "
        f"{PAK} flew to Russia."
    )
    rows = _rows(nlp, text)
    assert _links(rows, "directorship") == {(PAK, BUREAU)}
    assert (PAK, MINISTRY) not in _links(rows, "employment")


@pytest.mark.parametrize(
    ("text", "word"),
    [
        (f"{GROUP}'s subsidiary {BUILDER} hired welders.", "subsidiary"),
        (f"{GROUP}’s Russian arm {BUILDER} hired welders.", "arm"),
    ],
)
def test_a_part_word_between_the_possessive_and_the_name(
    nlp: Language, text: str, word: str
) -> None:
    rows = _rows(nlp, text)
    assert _links(rows, "subsidiary") == {(GROUP, BUILDER)}
    assert _role(rows, GROUP, BUILDER) == [word]


def test_workers_at_a_company_are_its_employees(nlp: Language) -> None:
    rows = _rows(nlp, f"About 300 North Korean workers at {BUILDER} live in a dormitory.")
    assert _links(rows, "employment") == {("North Korean workers", BUILDER)}
    rows = _rows(nlp, f"The visas for workers at the port went to {BUILDER}.")
    assert _links(rows, "employment") == set()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            f"Although reporters saw welders at {BUILDER}, manager {RI} said none work there.",
            {(RI, BUILDER)},
        ),
        (f"{BUILDER} and {SHIPPING} share a yard, manager {RI} said.", set()),
        (f"Reporters saw welders in the yard, manager {RI} said.", set()),
        (f"Reporters saw welders at the {MINISTRY} yard, manager {RI} said.", set()),
        (f"After {BUILDER} collapsed, former manager {RI} blamed the creditors.", {(RI, BUILDER)}),
        (f"{BUILDER} lost the tender; its manager {RI} denied it.", {(RI, BUILDER)}),
        (
            f"Although reporters saw welders at {BUILDER}, the manager {RI} said so.",
            {(RI, BUILDER)},
        ),
        # a verb's object is not the company's title holder
        (f"After {BUILDER} collapsed, creditors blamed former manager {RI}.", set()),
        (f"Police watched {BUILDER} for weeks and then arrested owner {RI}.", set()),
        (f"Inspectors from {BUILDER} questioned director {RI} about the visas.", set()),
        (f"Police raided {BUILDER} and questioned rival manager {RI}.", set()),
        (f"{BUILDER} lost the case, and the judge praised the manager {RI}.", set()),
        (f"{BUILDER} competes with a firm whose manager {RI} is new.", set()),
    ],
)
def test_a_bare_company_title_is_held_at_the_one_company_named_before(
    nlp: Language, text: str, expected: set[tuple[str, str]]
) -> None:
    assert _links(_rows(nlp, text), "employment") == expected


@pytest.mark.parametrize(
    ("text", "group"),
    [
        (f"{BUILDER}, which hires North Korean welders, won the tender.", "North Korean welders"),
        (f"{SHIPPING} employs a dozen North Korean waitresses.", "North Korean waitresses"),
        (f"The sculptors sent to {GROUP} built two statues.", "sculptors"),
    ],
)
def test_workers_named_by_their_trade_are_a_group(nlp: Language, text: str, group: str) -> None:
    rows = [row for row in _rows(nlp, text) if row.kind == "employment"]
    assert [row.source for row in rows] == [group]
