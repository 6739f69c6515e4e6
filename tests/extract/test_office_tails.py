"""A hyphenated tail keeps a state office ("Russia's ambassador-at-large, X" is Russian, as
"Russia's ambassador, X" is); the tails are data (``nationality.yaml`` ``offices.tails``).
Sentences and names are invented for these tests."""

from __future__ import annotations

from datetime import date

import pytest
from spacy.language import Language

from relationkit import rows_for
from sanctionwatch.extract.relation_nationality_rules import default_nationality_rules

NAMES = {"Ri Chol": "Person", "Kim Su": "Person"}


def _nationalities(nlp: Language, text: str) -> set[tuple[str, str]]:
    rows = rows_for(nlp, text, NAMES, document_id="office-tails", published=date(2024, 5, 8))
    return {(row.source, row.target) for row in rows if row.kind == "nationality"}


def test_the_tails_are_data() -> None:
    assert "at-large" in default_nationality_rules().office_tails


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Russia's ambassador-at-large, Ri Chol, met Kim Su.", {("Ri Chol", "Russia")}),
        ("Russian ambassador-at-large Ri Chol met Kim Su.", {("Ri Chol", "Russia")}),
        ("Kim Su met Russia's ambassador-at-large, Ri Chol, on Monday.", {("Ri Chol", "Russia")}),
        ("Ri Chol, Russia's ambassador-at-large, met Kim Su.", {("Ri Chol", "Russia")}),
        ("Russia's large delegation, Ri Chol said, met Kim Su.", set()),
    ],
)
def test_an_office_with_a_tail_gives_its_holder_nationality(
    nlp: Language, text: str, expected: set[tuple[str, str]]
) -> None:
    assert _nationalities(nlp, text) == expected
