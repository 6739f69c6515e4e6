"""Designation links that carry over: "those sanctioned include", lists of names with titles,
"added ... to the lists", a designation transposing another authority's instrument, listings
stated as a state, de-listings, weekday dates; and the shared Sanction constructor (sentences
and names invented for these tests)."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
import yaml
from spacy.language import Language
from typer.testing import CliRunner

from relationkit import rows_for
from sanctionwatch.cli import app
from sanctionwatch.extract.relation_dates import resolve_date
from sanctionwatch.extract.relation_finders import SentenceFinder
from sanctionwatch.extract.relation_mentions import mentions_for_names
from sanctionwatch.extract.relation_parse import MentionIndex
from sanctionwatch.extract.relation_query import RelationRow, relation_rows
from sanctionwatch.extract.relation_rules import RULES_PATH, default_rules, load_rules
from sanctionwatch.extract.relations import extract_relations, find_relations
from sanctionwatch.extract.types import DocumentContext
from sanctionwatch.store import Database
from sanctionwatch.store.offsets import OffsetMap
from sanctionwatch.store.statements import add_statements
from storekit import text_document

BANKER = "Oleg Viktorovich Marin"
ENVOY = "Pak Chol Su"
CLERK = "Ri Hyang Mi"
TRADER = "Tonghae Trading Company"
BANK = "Kumbit Credit Bank"
BUREAU = "Ministry of Coastal Works"
NAMES: dict[str, str] = {
    BANKER: "Person",
    ENVOY: "Person",
    CLERK: "Person",
    TRADER: "Company",
    BANK: "Company",
    BUREAU: "Organization",
    "OFAC": "Organization",
    "Treasury Department": "Organization",
    "Treasury": "Organization",
    "European Union": "Organization",
    "EU": "Organization",
    "Council": "Organization",
    "UN Security Council": "Organization",
    "1718 Committee": "Organization",
    "UN Security Council resolution 2399": "LegalInstrument",
    "Russia": "Place",
}
PUBLISHED = date(2022, 3, 4)  # a Friday


def _rows(nlp: Language, text: str, title: str | None = None) -> list[RelationRow]:
    return rows_for(nlp, text, NAMES, document_id="doc-designate", published=PUBLISHED, title=title)


def _designated(rows: list[RelationRow], kind: str = "sanction") -> set[tuple[str, str]]:
    return {(row.source, row.target) for row in rows if row.kind == kind}


def _row(rows: list[RelationRow], source: str, target: str, kind: str = "sanction") -> RelationRow:
    return next(r for r in rows if (r.kind, r.source, r.target) == (kind, source, target))


# ---------------------------------------------------------------- "those sanctioned include"


@pytest.mark.parametrize(
    ("text", "authority"),
    [
        (
            f"OFAC sanctioned two people on Tuesday. Those sanctioned include Russian national "
            f"{BANKER} and North Korean consular official {ENVOY}, who moved the cash.",
            "United States",
        ),
        (
            f"The Treasury Department designated several parties. Among those designated are "
            f"former banker {BANKER} and trade envoy {ENVOY}.",
            "United States",
        ),
        (
            f"The individuals sanctioned by the European Union include {BANKER}, a banker, "
            f"and {ENVOY}.",
            "European Union",
        ),
        (
            f"OFAC blocked a laundering network on Tuesday. The designated individuals "
            f"also include {BANKER}; and {ENVOY}.",
            "United States",
        ),
    ],
)
def test_those_sanctioned_include_names_each_party(
    nlp: Language, text: str, authority: str
) -> None:
    rows = _rows(nlp, text)
    assert {(BANKER, authority), (ENVOY, authority)} <= _designated(rows)


def test_an_inclusion_carries_the_designation_date(nlp: Language) -> None:
    text = f"OFAC sanctioned two people on Tuesday. Those sanctioned include {BANKER} and {ENVOY}."
    row = _row(_rows(nlp, text), BANKER, "United States")
    assert row.properties["startDate"] == ["2022-03-01"]  # the Tuesday before the Friday


@pytest.mark.parametrize(
    "text",
    [
        f"The designated entities are {TRADER} and {BANK}.",  # no authority anywhere
        f"Those sanctioned by Russia include {BANKER}.",  # not an authority we know
        f"OFAC designated {CLERK}. Those not sanctioned include {BANKER}.",
    ],
)
def test_an_inclusion_without_a_known_authority_states_nothing(nlp: Language, text: str) -> None:
    assert BANKER not in {source for source, _ in _designated(_rows(nlp, text))}
    assert TRADER not in {source for source, _ in _designated(_rows(nlp, text))}


def test_the_speaker_after_a_counted_designation_is_no_target(nlp: Language) -> None:
    text = (
        f"OFAC designated two individuals on Monday. The network laundered money for years. "
        f"The scheme is over, said Under Secretary {CLERK}."
    )
    assert CLERK not in {source for source, _ in _designated(_rows(nlp, text))}


# ---------------------------------------------------------------- added to the lists, transposed


EU_TEXT = (
    "North Korea: EU follows UN Security Council resolution with new listings\n\n"
    f"The Council today added 12 persons and one entity, the {BUREAU} (MCW), to its lists of "
    "persons subject to an asset freeze and a travel ban, implementing UN Security Council "
    "resolution 2399.\n\nThe resolution was passed on 5 January 2018."
)


def test_added_to_the_lists_by_the_council_that_acted(nlp: Language) -> None:
    rows = _rows(nlp, EU_TEXT)
    assert (BUREAU, "European Union") in _designated(rows)


def test_a_transposed_instrument_is_its_authority_s_designation(nlp: Language) -> None:
    rows = _rows(nlp, EU_TEXT)
    un = _row(rows, BUREAU, "United Nations Security Council")
    assert un.properties["program"] == ["UN Security Council resolution 2399"]
    assert un.properties["startDate"] == ["2018-01-05"]


def test_the_council_alone_is_no_authority(nlp: Language) -> None:
    text = f"The Council has added the {BUREAU} to its lists of persons under an asset freeze."
    assert not _designated(_rows(nlp, text))


@pytest.mark.parametrize(
    "words",
    [
        "the lists of persons subject to an asset freeze",
        "the list of persons subject to restrictive sanctions",
        "the list of designated entities",
        "the SDN list",
    ],
)
def test_what_counts_as_a_sanctions_list(nlp: Language, words: str) -> None:
    text = f"OFAC added {TRADER} to {words}."
    assert (TRADER, "United States") in _designated(_rows(nlp, text))


def test_a_list_of_something_else_is_no_sanctions_list(nlp: Language) -> None:
    text = f"OFAC added {TRADER} to the list of speakers at the conference."
    assert not _designated(_rows(nlp, text))


# ---------------------------------------------------------------- listed as a state


def test_already_on_the_sanctions_list_takes_the_carried_authority_and_no_date(
    nlp: Language,
) -> None:
    text = f"OFAC designated {TRADER} on Monday. {BANK} was already on the sanctions list."
    rows = _rows(nlp, text)
    row = _row(rows, BANK, "United States")
    assert "startDate" not in row.properties  # listed before: not the day of this action


@pytest.mark.parametrize(
    ("text", "authority", "started"),
    [
        (f"{BANK} has been on the EU sanctions list since 2017.", "European Union", "2017"),
        (f"{BANK} remains on OFAC's SDN list.", "United States", None),
    ],
)
def test_a_listing_stated_as_a_state(
    nlp: Language, text: str, authority: str, started: str | None
) -> None:
    row = _row(_rows(nlp, text), BANK, authority)
    assert row.properties.get("startDate", [None]) == [started]


def test_not_on_the_list_is_no_listing(nlp: Language) -> None:
    assert not _designated(_rows(nlp, f"{BANK} is not on the EU sanctions list."))


# ---------------------------------------------------------------- de-listings


@pytest.mark.parametrize(
    ("text", "authority", "ended"),
    [
        (
            f"The Treasury removed {TRADER} from the SDN list on Monday.",
            "United States",
            "2022-02-28",
        ),
        (f"OFAC delisted {TRADER} and {BANK}.", "United States", None),
        (f"The EU lifted sanctions on {TRADER}.", "European Union", None),
        (f"{TRADER} was removed from the EU sanctions list in 2019.", "European Union", "2019"),
        (f"Sanctions on {TRADER} were lifted by the EU in May 2020.", "European Union", "2020-05"),
        (
            f"The UN Security Council took {TRADER} off its sanctions list.",
            "United Nations Security Council",
            None,
        ),
    ],
)
def test_a_delisting_is_its_own_fact_never_a_designation(
    nlp: Language, text: str, authority: str, ended: str | None
) -> None:
    rows = _rows(nlp, text)
    assert not _designated(rows)
    row = _row(rows, TRADER, authority, kind="delisting")
    assert row.schema == "Sanction"
    assert row.properties.get("endDate", [None]) == [ended]


@pytest.mark.parametrize(
    "text",
    [
        f"The EU did not lift sanctions on {TRADER}.",
        f"The Treasury might remove {TRADER} from the SDN list.",
        f"The company removed {TRADER} from its list of suppliers.",
    ],
)
def test_no_delisting_when_none_is_made(nlp: Language, text: str) -> None:
    rows = _rows(nlp, text)
    assert not _designated(rows, "delisting")
    assert not _designated(rows)


# ---------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("on Friday", "2022-03-04"),
        ("Tuesday", "2022-03-01"),
        ("on Saturday", "2022-02-26"),
        ("yesterday", "2022-03-03"),
        ("on March 2", "2022-03-02"),
        ("last year", "2021"),
    ],
)
def test_relative_days_resolve_against_the_publication_date(words: str, expected: str) -> None:
    assert resolve_date(words, PUBLISHED) == expected


def test_a_weekday_without_a_publication_date_is_no_date() -> None:
    assert resolve_date("on Tuesday") is None


def test_a_designation_on_a_weekday_is_dated(nlp: Language) -> None:
    row = _row(_rows(nlp, f"OFAC sanctioned {TRADER} on Wednesday."), TRADER, "United States")
    assert row.properties["startDate"] == ["2022-03-02"]


# ---------------------------------------------------------------- one Sanction constructor


def test_every_sanction_rule_writes_the_same_properties(nlp: Language) -> None:
    text = (
        f"OFAC designated {TRADER} pursuant to E.O. 13722 on Monday. "
        f"Those sanctioned include {BANKER}. "
        f"Also designated today is {BANK}."
    )
    doc = nlp(text)
    mentions = mentions_for_names(doc, NAMES | {"E.O. 13722": "LegalInstrument"})
    context = DocumentContext("d", text, OffsetMap.identity(len(text)), published=PUBLISHED)
    links = [
        f for f in find_relations(doc, context, mentions) if getattr(f, "kind", "") == "sanction"
    ]
    assert len({link.rule for link in links}) >= 3
    for link in links:
        props = {prop for prop, _, _ in link.values}
        assert {"authority", "country"} <= props, link.rule
        assert link.schema == "Sanction" and set(link.parties) == {"entity"}


def test_press_release_readings_agree(nlp: Language) -> None:
    doc = nlp("Text.")
    index = MentionIndex(doc, [])

    def finder(title: str | None, publisher: str | None = None) -> SentenceFinder:
        context = DocumentContext(
            "d", "Text.", OffsetMap.identity(5), title=title, publisher=publisher
        )
        return SentenceFinder(index, default_rules(), context)

    headline = finder("Treasury Sanctions Shipping Network")
    assert headline.is_press_release()
    assert headline.release_authority() is not None
    assert headline.release_authority()[0].name == "United States"  # type: ignore[index]
    cue_only = finder("Press release: new measures", publisher="Press release")
    assert cue_only.is_press_release() and cue_only.release_authority() is None
    news = finder("Shipping network in the news", publisher="Daily Paper")
    assert not news.is_press_release() and news.release_authority() is None


def test_hedge_words_are_read_from_the_rules_file(nlp: Language, tmp_path: Path) -> None:
    data = yaml.safe_load(RULES_PATH.read_text(encoding="utf-8"))
    assert "nominally" in data["locations"]["hedge_words"]
    data["locations"]["hedge_words"] = ["supposedly"]
    path = tmp_path / "rules.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    rules = load_rules(path)
    text = f"{TRADER} is nominally a Chinese software company."
    doc = nlp(text)
    mentions = mentions_for_names(doc, NAMES)
    context = DocumentContext("d", text, OffsetMap.identity(len(text)))
    found = list(find_relations(doc, context, mentions, rules))
    assert any(getattr(f, "prop", "") == "mainCountry" for f in found)
    packaged = list(find_relations(doc, context, mentions))
    assert not any(getattr(f, "prop", "") == "mainCountry" for f in packaged)


def test_importing_the_relations_module_reads_no_rules_file() -> None:
    code = (
        "import sanctionwatch.extract.relations as r\n"
        "from sanctionwatch.extract.relation_sweeps import default_sweep_rules\n"
        "from sanctionwatch.extract.relation_rules import default_rules\n"
        "assert default_sweep_rules.cache_info().currsize == 0\n"
        "assert default_rules.cache_info().currsize == 0\n"
        "version = r.EXTRACTOR_VERSION\n"
        "assert version == r.extractor_version() and version.startswith(r.CODE_VERSION + '+')\n"
        "assert default_sweep_rules.cache_info().currsize == 1\n"
    )
    src = Path(__file__).resolve().parents[2] / "src"
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(src), "PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert result.returncode == 0, result.stderr


# ---------------------------------------------------------------- inverted and misparsed


@pytest.mark.parametrize(
    "text",
    [
        f"OFAC designated {TRADER}. Also designated today is {BANK}.",
        f"OFAC designated {TRADER}. Also designated were {BANK} and {BANKER}.",
        f"The Treasury Department sanctioned {TRADER} on Friday. {BANK} was also designated.",
    ],
)
def test_also_designated_carries_the_authority(nlp: Language, text: str) -> None:
    designated = _designated(_rows(nlp, text))
    assert {(TRADER, "United States"), (BANK, "United States")} <= designated
    if BANKER in text:
        assert (BANKER, "United States") in designated


def test_a_designation_read_as_a_modifier_still_carries_its_authority(nlp: Language) -> None:
    doc = nlp(f"OFAC designated {TRADER} on Monday.")
    verb = next(token for token in doc if token.lower_ == "designated")
    index = MentionIndex(doc, mentions_for_names(doc, NAMES))
    finder = SentenceFinder(
        index, default_rules(), DocumentContext("d", doc.text, OffsetMap.identity(len(doc.text)))
    )
    said = finder.modifier_authority(verb)
    if verb.dep_ in ("amod", "compound"):  # the parse this guards against
        assert said is not None and said[0].name == "United States"
    else:
        assert said is None
    text = f"OFAC designated {TRADER} on Monday. Those sanctioned include {BANKER}."
    assert (BANKER, "United States") in _designated(_rows(nlp, text))


# ---------------------------------------------------------------- lists of titled names


LENDER = "Bank of Lanzhou"
UNIT = "Unit 39 Research Institute"
SCHOOL = "Kangso University of Technology"
OFFICE = "Sinwon Bureau"
LIST_NAMES = NAMES | {LENDER: "Company", UNIT: "Organization", SCHOOL: "Organization"}
LIST_NAMES |= {OFFICE: "Organization", "Japan": "Organization", "South Korea": "Organization"}


def _listed(nlp: Language, text: str) -> set[tuple[str, str]]:
    doc = nlp(text)
    mentions = mentions_for_names(doc, LIST_NAMES, {"Tonghae": TRADER})
    context = DocumentContext("d", text, OffsetMap.identity(len(text)), published=PUBLISHED)
    labels = {mention.entity_id: mention.canonical for mention in mentions}
    return _designated(relation_rows(extract_relations(doc, context, mentions), labels))


@pytest.mark.parametrize(
    "text",
    [
        f"The Treasury on Thursday sanctioned two North Koreans and their company. The sanctions "
        f"target the North Korean firm {TRADER}, Tonghae accountant {ENVOY}, Tonghae “IT team "
        f"leader” {CLERK} and Pak’s associate {BANKER}.",
        f"The Treasury sanctioned a network on Thursday. The designations target {TRADER}; its "
        f"shipping clerk, {ENVOY}; Russian banker {BANKER}, and North Korean trade official "
        f"{CLERK}.",
    ],
)
def test_a_list_of_names_each_with_a_title_or_nationality(nlp: Language, text: str) -> None:
    designated = _listed(nlp, text)
    for name in (TRADER, ENVOY, CLERK, BANKER):
        assert (name, "United States") in designated, name


def test_the_employer_before_a_title_is_not_designated(nlp: Language) -> None:
    designated = _listed(nlp, f"OFAC designated {LENDER} clerk {ENVOY} on Monday.")
    assert (ENVOY, "United States") in designated
    assert LENDER not in {source for source, _ in designated}
    plain = _listed(nlp, f"OFAC designated {LENDER}, {TRADER} and {ENVOY}.")
    assert {LENDER, TRADER, ENVOY} <= {source for source, _ in plain}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            f"Three other groups - the {UNIT}, {SCHOOL} and {OFFICE} - had been previously "
            "sanctioned by South Korea, Treasury said.",
            {(UNIT, "South Korea"), (SCHOOL, "South Korea"), (OFFICE, "South Korea")},
        ),
        (
            f"One individual, {ENVOY}, and the Russia-based {BANK} were sanctioned jointly by "
            "the United States and Japan.",
            {(ENVOY, "United States"), (ENVOY, "Japan"), (BANK, "United States"), (BANK, "Japan")},
        ),
        (
            f"The Treasury also designated Chinese front company {TRADER}, and {BANK}, a lender "
            "controlled by the military.",
            {(TRADER, "United States"), (BANK, "United States")},
        ),
        (
            f"Today, OFAC designated the following entities:\n• {TRADER}, a shipping agent;\n"
            f"• {BANK}, a lender in Pyongyang.",
            {(TRADER, "United States"), (BANK, "United States")},
        ),
    ],
)
def test_enumerations_around_the_designation(
    nlp: Language, text: str, expected: set[tuple[str, str]]
) -> None:
    assert expected <= _listed(nlp, text)


@pytest.mark.parametrize(
    "text",
    [
        f"The Treasury sanctioned ten firms on Thursday. “Today’s sanctions target the army and "
        f"{TRADER},” Treasury Secretary {CLERK} said.",
        f'OFAC designated {BANK} on Thursday. "The designations target {TRADER}," said {CLERK}.',
    ],
)
def test_the_speaker_after_a_quoted_designation_is_no_target(nlp: Language, text: str) -> None:
    designated = _listed(nlp, text)
    assert (TRADER, "United States") in designated
    assert CLERK not in {source for source, _ in designated}


def test_a_quoted_description_inside_the_list_does_not_end_it(nlp: Language) -> None:
    text = (
        f"OFAC targeted the {BUREAU}, which the UN called the “navy’s own police,” its director "
        f"{ENVOY} and deputy director {CLERK}."
    )
    designated = _listed(nlp, text)
    assert {(ENVOY, "United States"), (CLERK, "United States")} <= designated


@pytest.mark.parametrize(
    ("text", "authority", "started"),
    [
        (
            f"{BANK} has been under UN Security Council sanctions since 2016.",
            "United Nations Security Council",
            "2016",
        ),
        (f"{BANK} is subject to U.S. sanctions.", "United States", None),
        (
            f"{BANK}, which remains subject to EU sanctions, moved the funds.",
            "European Union",
            None,
        ),
    ],
)
def test_under_an_authority_s_sanctions(
    nlp: Language, text: str, authority: str, started: str | None
) -> None:
    row = _row(_rows(nlp, text), BANK, authority)
    assert row.properties.get("startDate", [None]) == [started]


@pytest.mark.parametrize(
    "text",
    [
        f"{BANK} is under international sanctions.",  # no authority named
        f"{BANK} is not subject to EU sanctions.",
        f"{BANK} might be subject to EU sanctions.",
    ],
)
def test_measures_without_an_authority_or_denied_state_nothing(nlp: Language, text: str) -> None:
    assert not _designated(_rows(nlp, text))


@pytest.mark.parametrize(
    "text",
    [
        f"The Treasury revoked the designation of {TRADER} in 2020.",
        f"The designation of {TRADER} was lifted by the EU in 2020.",
    ],
)
def test_a_revoked_designation_is_a_delisting(nlp: Language, text: str) -> None:
    rows = _rows(nlp, text)
    assert not _designated(rows)
    assert TRADER in {source for source, _ in _designated(rows, "delisting")}


# ---------------------------------------------------------------- no designation


@pytest.mark.parametrize(
    "text",
    [
        f"The EU is considering sanctions against {BANK}.",
        f"{BANK} could face sanctions from OFAC.",
        f"{ENVOY} helped {BANK} evade UN Security Council sanctions.",
        f"{ENVOY} was on the UN Security Council sanctions committee.",
        f"{ENVOY} was removed from the UN Security Council sanctions committee in 2019.",
        f"OFAC designated {TRADER}. The list of those sanctioned does not include {BANK}.",
        f"OFAC designated {TRADER}. Those who could be sanctioned next include {BANK}.",
        f"OFAC designated {TRADER}. Those sanctioned include firms owned by {ENVOY}.",
        f"{BANK}, which violated UN Security Council sanctions, moved the funds.",
    ],
)
def test_talk_of_sanctions_is_no_designation(nlp: Language, text: str) -> None:
    rows = _rows(nlp, text)
    parties = {source for source, _ in _designated(rows) | _designated(rows, "delisting")}
    assert not parties & {BANK, ENVOY}


# ---------------------------------------------------------------- the parser's modifier reading


@pytest.mark.parametrize(
    ("text", "authority"),
    [
        (
            f"OFAC on Friday designated {TRADER}, its owner {ENVOY} and {BANK}.",
            "United States",
        ),
        (
            f"The UN Security Council's 1718 Committee added {TRADER} to its sanctions list on "
            "Friday.",
            "United Nations Security Council",
        ),
    ],
)
def test_an_authority_right_before_a_misparsed_verb_is_its_subject(
    nlp: Language, text: str, authority: str
) -> None:
    rows = _rows(nlp, text)
    row = _row(rows, TRADER, authority)
    assert row.properties["startDate"] == ["2022-03-04"]
    if BANK in text:
        assert {(ENVOY, authority), (BANK, authority)} <= _designated(rows)


@pytest.mark.parametrize(
    "text",
    [
        f"The designated {TRADER} paid {BANK}.",
        f"The U.S.-designated {TRADER} paid {BANK}.",
    ],
)
def test_a_designated_party_names_no_other(nlp: Language, text: str) -> None:
    assert BANK not in {source for source, _ in _designated(_rows(nlp, text))}


@pytest.mark.parametrize(
    ("text", "authority"),
    [
        (f"{ENVOY}, a banker, is one of the individuals sanctioned by Japan.", "Japan"),
        (f"OFAC designated {TRADER} on Monday. {BANK} is among those designated.", "United States"),
        (f"Japan froze the assets of {BANK} on Friday.", "Japan"),
        (f"The EU also imposed an asset freeze and a travel ban on {ENVOY}.", "European Union"),
    ],
)
def test_one_of_those_sanctioned_and_frozen_assets(
    nlp: Language, text: str, authority: str
) -> None:
    party = BANK if BANK in text else ENVOY
    assert (party, authority) in _listed(nlp, text)


def test_not_among_those_sanctioned(nlp: Language) -> None:
    text = f"OFAC designated {TRADER}. {BANK} is not among those sanctioned by the EU."
    assert BANK not in {source for source, _ in _listed(nlp, text)}


def test_among_those_designated_takes_the_designation_date(nlp: Language) -> None:
    text = f"OFAC designated {TRADER} on Monday. {BANK} is among those designated."
    row = _row(_rows(nlp, text), BANK, "United States")
    assert row.properties["startDate"] == ["2022-02-28"]


# ---------------------------------------------------------------- the relations command


def test_relations_command_lists_delistings_apart(nlp: Language, sqlite_database: Database) -> None:
    text = (
        f"The EU sanctioned {TRADER} in 2016. "
        f"The EU removed {TRADER} from its sanctions list in 2020."
    )
    doc_id = hashlib.sha256(text.encode()).hexdigest()
    doc = nlp(text)
    context = DocumentContext(doc_id, text, OffsetMap.identity(len(text)))
    statements = extract_relations(doc, context, mentions_for_names(doc, NAMES))
    with sqlite_database.session() as session:
        session.add(text_document(text, doc_id=doc_id, source="memo.txt"))
        session.flush()
        add_statements(session, statements)
    runner = CliRunner()
    result = runner.invoke(
        app, ["relations", "--kind", "delisting", "--json", "--db", sqlite_database.url]
    )
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert [(row["source"], row["target"]) for row in rows] == [(TRADER, "European Union")]
    assert rows[0]["properties"]["endDate"] == ["2020"]
    listed = runner.invoke(
        app, ["relations", "--kind", "sanction", "--json", "--db", sqlite_database.url]
    )
    sanctions = [json.loads(line) for line in listed.output.splitlines()]
    assert [row["properties"]["startDate"] for row in sanctions] == [["2016"]]
