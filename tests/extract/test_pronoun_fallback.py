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
