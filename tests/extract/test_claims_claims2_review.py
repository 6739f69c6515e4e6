"""Session 8 (`claims2`): mends of the rv-claimrec review on claims precision.

Sentences are written for these tests; each mend has cases that must change and cases that
must not."""

from __future__ import annotations

import pytest
from spacy.language import Language
from test_claims import read


def _measures(nlp: Language, text: str) -> list[tuple[str, float]]:
    return [(c.measure, c.value) for c in read(nlp, text)]


# --- 1. a small definite count is dropped only when it points back ------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        (
            "Police said the three North Korean men arrested on Monday had worked illegally "
            "in Cambodia.",
            3,
        ),
        ("The two North Korean restaurants in Phnom Penh closed in 2019.", 2),
    ],
)
def test_a_small_definite_count_mentioned_first_is_a_figure(
    nlp: Language, text: str, value: float
) -> None:
    assert value in {v for _, v in _measures(nlp, text)}


@pytest.mark.parametrize(
    ("text", "dropped"),
    [
        (
            "Five North Korean workers were detained in Vladivostok on Friday. Police said "
            "the five men had overstayed their visas.",
            None,
        ),
        (
            "Russia and China blocked the move. After the two countries came under pressure, "
            "300 North Korean workers left.",
            2,
        ),
        (
            "Two firms, Alpha Trading and Beta Shipping, hired North Korean crews. Both lost "
            "licences after the two firms were caught.",
            2,
        ),
    ],
)
def test_a_small_definite_count_that_points_back_adds_no_figure(
    nlp: Language, text: str, dropped: float | None
) -> None:
    measures = _measures(nlp, text)
    if dropped is None:  # the second mention adds no second claim of five
        assert [v for _, v in measures].count(5) <= 1
    else:
        assert dropped not in {v for _, v in measures}
