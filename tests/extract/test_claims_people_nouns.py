"""Nouns of people that are not workers ("men", "suspects", "defendants", "passport holders")
count workers only where the sentence talks about work; enforcement rules still count them."""

from __future__ import annotations

import pytest
from spacy.language import Language
from test_claims import read


@pytest.mark.parametrize(
    "text",
    [
        "Three North Korean suspects were questioned in Vladivostok.",
        "Two North Korean men were seen at the port in Vladivostok.",
        "Two North Korean women run a shop in Vladivostok.",
        "Five North Korean defendants appeared in court in Vladivostok.",
        "Four North Korean passport holders waited at the border crossing in Khasan.",
    ],
)
def test_people_who_are_not_said_to_work_are_not_workers(nlp: Language, text: str) -> None:
    assert [c.measure for c in read(nlp, text) if c.measure.startswith("dprk_workers")] == []


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Police detained 3 North Korean suspects in Vladivostok.", 3),
        ("Two North Korean passport holders were detained at the airport in Bangkok.", 2),
    ],
)
def test_enforcement_still_counts_them(nlp: Language, text: str, value: float) -> None:
    assert [(c.measure, c.value) for c in read(nlp, text)] == [("dprk_nationals_detained", value)]


def test_with_work_in_the_sentence_they_are_workers(nlp: Language) -> None:
    text = "Two North Korean men worked on a building site in Vladivostok."
    assert [c.measure for c in read(nlp, text)] == ["dprk_workers_in:vladivostok"]
