"""Session 7 (`claimfix`): figures the learned filter must not keep (populations, visits,
attendance, prices, petty fines). Sentences written for these tests, in varied forms."""

from __future__ import annotations

import pytest
from spacy.language import Language
from test_claims import read


@pytest.mark.parametrize(
    "text",
    [
        "North Korea has 25 million people.",
        "Kim Jong Un visited 2 factories.",
        "Tickets cost $30, and 5,000 people attended the North Korean show.",
        "North Korean workers who left the site paid a $5 fine.",
        "A North Korean restaurant in Beijing charged a $12 entrance fee.",
        "Pyongyang's delegation toured 4 plants in Vladivostok.",
        "North Korea counts 25 million inhabitants.",
        "A North Korean circus drew 8,000 spectators in Moscow.",
        "More than 5,000 people watched the North Korean team play.",
        "The North Korean restaurant's fee was $40.",
    ],
)
def test_no_figure_of_the_scheme(nlp: Language, text: str) -> None:
    assert [(c.measure, c.value) for c in read(nlp, text)] == []


def test_a_large_penalty_is_still_a_figure(nlp: Language) -> None:
    text = "The Treasury imposed a $5 million penalty on a firm that paid North Korean workers."
    assert [(c.value, c.unit) for c in read(nlp, text)] == [(5_000_000, "USD")]


def test_a_place_holding_workers_is_still_a_figure(nlp: Language) -> None:
    claims = read(nlp, "North Korea has 50,000 workers in Russia.")
    assert [(c.value, c.unit) for c in claims] == [(50000, "persons")]
