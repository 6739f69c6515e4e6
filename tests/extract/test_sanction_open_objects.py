"""A designation rule reading one verb for every object in reach leaves out an object whose own
verb is an open question: "X designated A and is considering whether to add B" sanctions A,
not B (session 8, review of `relleft`). Sentences and names are invented for these tests."""

from __future__ import annotations

from datetime import date

import pytest
from spacy.language import Language

from relationkit import rows_for

FIRST = "Sobaek Trading Corporation"
SECOND = "Kumsong Marine Ltd"
NAMES = {FIRST: "Company", SECOND: "Company", "Japan": "Country", "Canada": "Country"}


def _sanctioned(nlp: Language, text: str) -> set[str]:
    rows = rows_for(nlp, text, NAMES, document_id="open-objects", published=date(2024, 5, 8))
    return {row.source for row in rows if row.kind == "sanction"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"Japan designated {FIRST} and is considering whether to add {SECOND}.", {FIRST}),
        (f"Japan designated {FIRST} and is weighing whether to sanction {SECOND}.", {FIRST}),
        (f"Canada sanctioned {FIRST} last week and is considering adding {SECOND}.", {FIRST}),
        (f"Japan designated {FIRST} and {SECOND} on Monday.", {FIRST, SECOND}),
        (
            f"Japan designated {FIRST}, which is considering whether to appeal, and {SECOND}.",
            {FIRST, SECOND},
        ),
    ],
)
def test_only_the_settled_objects_are_sanctioned(
    nlp: Language, text: str, expected: set[str]
) -> None:
    assert _sanctioned(nlp, text) == expected
