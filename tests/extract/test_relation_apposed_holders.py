"""An office holder named after "COUNTRY's TITLE to PLACE," gets the country's nationality
(docs/annotation.md, nationality: a possessive or demonym on the person's own title), although
the parse hangs the name on the place ("Seoul, X") rather than on the title; no other link
comes from the place (an ambassador is no employee of the country he is sent to).

Sentences and names are invented for these tests.
"""

from __future__ import annotations

from datetime import date

import pytest
from spacy.language import Language

from relationkit import rows_for
from sanctionwatch.extract.relation_parse import apposed

NAMES = {
    "Andrei Volkov": "Person",
    "Li Wenbo": "Person",
    "Russia": "Place",
    "China": "Place",
    "Seoul": "Place",
    "Pyongyang": "Place",
    "Sobaek Trading Corporation": "Company",
    "Dandong": "Place",
}


def _relations(nlp: Language, text: str) -> set[tuple[str, str, str]]:
    rows = rows_for(nlp, text, NAMES, document_id="envoy", published=date(2024, 5, 8))
    return {(row.kind, row.source, row.target) for row in rows}


@pytest.mark.parametrize(
    ("text", "person", "country"),
    [
        ("Russia's ambassador to Seoul, Andrei Volkov, met officials.", "Andrei Volkov", "Russia"),
        ("Andrei Volkov, Russia's ambassador to Seoul, met officials.", "Andrei Volkov", "Russia"),
        ("The Russian ambassador to Seoul, Andrei Volkov, said so.", "Andrei Volkov", "Russia"),
        ("China's envoy in Pyongyang, Li Wenbo, attended the ceremony.", "Li Wenbo", "China"),
        ("Officials met China's ambassador to Seoul, Li Wenbo, on Monday.", "Li Wenbo", "China"),
    ],
)
def test_an_envoy_named_after_the_place_he_is_sent_to_holds_his_countrys_office(
    nlp: Language, text: str, person: str, country: str
) -> None:
    relations = _relations(nlp, text)
    assert ("nationality", person, country) in relations
    assert not {row for row in relations if row[2] in ("Seoul", "South Korea", "Pyongyang")}


@pytest.mark.parametrize(
    "text",
    [
        "Russia's ambassador to Seoul, the South Korean capital, met officials.",
        "Officials in Seoul, Andrei Volkov said, met on Monday.",
    ],
)
def test_no_holder_without_a_person_apposed_to_the_title(nlp: Language, text: str) -> None:
    assert not {row for row in _relations(nlp, text) if row[0] == "nationality"}


def test_only_a_place_object_right_before_the_comma_passes_its_apposition_on(
    nlp: Language,
) -> None:
    doc = nlp("Russia's ambassador to Seoul, Andrei Volkov, met officials.")
    title = next(token for token in doc if token.text == "ambassador")
    assert [token.text for token in apposed(title)] == ["Volkov"]
    doc = nlp("The director of Sobaek, Andrei Volkov, met officials.")
    director = next(token for token in doc if token.text == "director")
    sobaek = next(token for token in doc if token.text == "Sobaek")
    assert [child.text for child in sobaek.children if child.dep_ == "appos"] == ["Volkov"]
    assert not apposed(director)  # "of" is no place preposition: the parse stands
