"""The older pronoun fallback of ``SentenceFinder.party``: "it" and "the company" take the
previous sentence's subject, but never a speaker of their own sentence's reporting verb nor a
sanctioning authority or news organisation.

Sentences and names are invented for these tests, in several forms per construction.
"""

from __future__ import annotations

from datetime import date

import pytest
from spacy.language import Language

from relationkit import rows_for
from sanctionwatch.extract.relation_query import RelationRow

NAMES: dict[str, str] = {
    "Sobaek Trading Corporation": "Company",
    "Kumsong Marine Ltd": "Company",
    "Haixing Energy Ltd": "Company",
    "Taepung Shipping Company": "Company",
    "Treasury": "Organization",
    "Reuters": "Organization",
    "Yonhap": "Organization",
    "Office of Foreign Assets Control": "Organization",
}
WRONG_SOURCES = {"Treasury", "Reuters", "Yonhap", "Office of Foreign Assets Control"}


def _rows(nlp: Language, text: str) -> list[RelationRow]:
    return rows_for(nlp, text, NAMES, document_id="doc-pronoun", published=date(2024, 3, 1))


def _pairs(rows: list[RelationRow]) -> set[tuple[str, str]]:
    return {(row.source, row.target) for row in rows}


@pytest.mark.parametrize(
    "text",
    [
        "Treasury said it had paid Kumsong Marine Ltd for the cargo.",
        "Reuters reported that it paid Kumsong Marine Ltd in cash.",
        "It paid Kumsong Marine Ltd for the coal, Yonhap reported.",
        "Reuters reported on Sobaek Trading Corporation last year. "
        "Reuters said it later paid Kumsong Marine Ltd.",
    ],
)
def test_a_speaker_is_no_antecedent_of_it_in_its_own_sentence(nlp: Language, text: str) -> None:
    pairs = _pairs(_rows(nlp, text))
    assert not {pair for pair in pairs if pair[0] in WRONG_SOURCES}, pairs


@pytest.mark.parametrize(
    "text",
    [
        "The Office of Foreign Assets Control sanctioned Sobaek Trading Corporation on Monday. "
        "It also hired Kumsong Marine Ltd to move the goods.",
        "Reuters first reported the shipments in May. It paid Haixing Energy Ltd for the fuel.",
        "Yonhap described the network in detail. The company paid Kumsong Marine Ltd.",
    ],
)
def test_an_authority_or_news_organisation_is_no_antecedent(nlp: Language, text: str) -> None:
    pairs = _pairs(_rows(nlp, text))
    assert not {pair for pair in pairs if pair[0] in WRONG_SOURCES}, pairs


@pytest.mark.parametrize(
    "text",
    [
        "Sobaek Trading Corporation chartered a tanker in 2022. It paid Kumsong Marine Ltd.",
        "Taepung Shipping Company expanded quickly. The company paid Haixing Energy Ltd for fuel.",
    ],
)
def test_the_fallback_still_takes_a_company_subject(nlp: Language, text: str) -> None:
    pairs = _pairs(_rows(nlp, text))
    companies = {name for name, schema in NAMES.items() if schema == "Company"}
    assert {pair for pair in pairs if pair[0] in companies}, pairs


@pytest.mark.parametrize(
    ("text", "source"),
    [
        # one organisation named before: "it" is its subject
        ("Sobaek Trading Corporation chartered a ship in 2022. It paid Haixing Energy Ltd.", True),
        ("Last year Sobaek Trading Corporation grew fast. It later paid Haixing Energy Ltd.", True),
        # two organisations fit "it" (two subjects, or a subject and a direct object): refused
        (
            "Sobaek Trading Corporation sued Kumsong Marine Ltd last year. "
            "It paid Haixing Energy Ltd in cash.",
            False,
        ),
        (
            "Sobaek Trading Corporation fined Taepung Shipping Company. "
            "It paid Haixing Energy Ltd.",
            False,
        ),
        (
            "Sobaek Trading Corporation sued Taepung Shipping Company, and Kumsong Marine Ltd "
            "fined it. It paid Haixing Energy Ltd.",
            False,
        ),
        # a party inside a phrase is no rival of the subject
        (
            "Sobaek Trading Corporation bought fuel from Kumsong Marine Ltd. "
            "It then paid Haixing Energy Ltd.",
            True,
        ),
        # a coordinated subject is plural: "it" fits neither
        (
            "Sobaek Trading Corporation and Kumsong Marine Ltd signed a deal. "
            "It paid Haixing Energy Ltd.",
            False,
        ),
    ],
)
def test_it_takes_the_previous_subject_only_when_it_alone_fits(
    nlp: Language, text: str, source: bool
) -> None:
    pairs = _pairs(_rows(nlp, text))
    paid = {pair for pair in pairs if pair[1] == "Haixing Energy Ltd"}
    assert bool(paid) is source, pairs
    assert ("Kumsong Marine Ltd", "Haixing Energy Ltd") not in paid


@pytest.mark.parametrize(
    ("text", "joined"),
    [
        # "join" takes an Organization: the company is no rival of the party for "it"
        ("The Workers' Party praised Sobaek Trading Corporation in May. Ri Chol joined it.", True),
        # the subject is the company, which "join" rules out: refused, not the object instead
        ("Sobaek Trading Corporation praised the Workers' Party in May. Ri Chol joined it.", False),
    ],
)
def test_it_counts_only_rivals_the_verbs_role_allows(
    nlp: Language, text: str, joined: bool
) -> None:
    names = {**NAMES, "Workers' Party": "Organization", "Ri Chol": "Person"}
    rows = rows_for(nlp, text, names, document_id="doc-role", published=date(2024, 3, 1))
    pairs = {(row.source, row.target) for row in rows if row.kind == "membership"}
    assert (("Ri Chol", "Workers' Party") in pairs) is joined, pairs
    assert ("Ri Chol", "Sobaek Trading Corporation") not in pairs
