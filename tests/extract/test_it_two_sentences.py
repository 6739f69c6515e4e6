"""Adversarial pairs for "it" at the head of a second sentence (session-8 review of the rule
in ``SentenceFinder._sole_fitting_topic``): with a rival party (a second subject, an object,
a coordinated subject, a reported clause) "it" is refused, not guessed; with one fitting
subject it is that subject, including a passive subject and an apposed subsidiary.

Sentences and names are invented for these tests.
"""

from __future__ import annotations

from datetime import date

import pytest
from spacy.language import Language

from relationkit import rows_for

SOBAEK = "Sobaek Trading Corporation"
KUMSONG = "Kumsong Marine Ltd"
HAIXING = "Haixing Energy Ltd"
NAMES = {
    SOBAEK: "Company",
    KUMSONG: "Company",
    HAIXING: "Company",
    "Ri Chol": "Person",
    "Treasury": "Organization",
    "Seoul": "Place",
}


def _triples(nlp: Language, text: str) -> set[tuple[str, str, str]]:
    rows = rows_for(nlp, text, NAMES, document_id="it-pairs", published=date(2024, 5, 8))
    return {(row.kind, row.source, row.target) for row in rows}


@pytest.mark.parametrize(
    "text",
    [
        f"{SOBAEK} sued {KUMSONG}. It paid {HAIXING} for coal.",
        f"{SOBAEK} and {KUMSONG} signed a deal. It owns {HAIXING}.",
        f"Ri Chol said {SOBAEK} had paid {KUMSONG}. It owns {HAIXING}.",
        f"The deal between {SOBAEK} and {KUMSONG} collapsed. It owns {HAIXING}.",
        f"Treasury designated {SOBAEK}. It owns {HAIXING}.",
    ],
)
def test_it_with_a_rival_or_no_fitting_subject_links_nobody(nlp: Language, text: str) -> None:
    triples = _triples(nlp, text)
    assert not {triple for triple in triples if HAIXING in triple[1:]}, triples


@pytest.mark.parametrize(
    ("text", "expected", "wrong"),
    [
        (
            f"{SOBAEK}'s subsidiary {KUMSONG} bought a ship. It owns {HAIXING}.",
            ("ownership", KUMSONG, HAIXING),
            ("ownership", SOBAEK, HAIXING),
        ),
        (
            f"{SOBAEK} was fined by {KUMSONG}. It owns {HAIXING}.",
            ("ownership", SOBAEK, HAIXING),
            ("ownership", KUMSONG, HAIXING),
        ),
        (
            f"{SOBAEK} has an office in Seoul. It is a subsidiary of {HAIXING}.",
            ("subsidiary", HAIXING, SOBAEK),
            ("subsidiary", HAIXING, "Seoul"),
        ),
    ],
)
def test_it_with_one_fitting_subject_is_that_subject(
    nlp: Language, text: str, expected: tuple[str, str, str], wrong: tuple[str, str, str]
) -> None:
    triples = _triples(nlp, text)
    assert expected in triples and wrong not in triples, triples
