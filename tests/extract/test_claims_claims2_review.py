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


# --- 3. an elided number counts the nearest figure's noun ---------------------------------


def _units(nlp: Language, text: str) -> dict[float, str]:
    return {c.value: c.unit for c in read(nlp, text)}


@pytest.mark.parametrize(
    ("text", "elided"),
    [
        ("Inspectors found 3,000 North Korean workers at 25 sites, against 40 in 2016.", 40),
        (
            "Labour officials counted 9,000 North Korean builders on 300 sites, up from 120 in "
            "2015.",
            120,
        ),
    ],
)
def test_an_elided_number_counts_the_nearest_figure_noun(
    nlp: Language, text: str, elided: float
) -> None:
    # review (rv-claimrec): the nationality noun further back used to win ("40 workers")
    assert _units(nlp, text).get(elided) == "sites"


def test_a_noun_of_another_unit_between_breaks_the_coordination(nlp: Language) -> None:
    text = "Among the 100 sites inspected, 45 employed North Korean workers, a total of 3,000."
    assert 3000 not in _units(nlp, text)


@pytest.mark.parametrize(
    ("text", "place_values"),
    [
        (
            "Some 4,000 North Korean workers are in the region, including 1,200 in Kuwait and "
            "900 in Qatar.",
            {1200, 900},
        ),
        (
            "About 100,000 North Korean workers are abroad, of which some 50,000 are in China "
            "and 30,000 in Russia.",
            {50_000, 30_000},
        ),
    ],
)
def test_an_elided_number_after_its_own_noun_still_counts_it(
    nlp: Language, text: str, place_values: set[float]
) -> None:
    units = _units(nlp, text)
    assert {units[value] for value in place_values} == {"persons"}


# --- 2. "300 of them women" counts a subset, not more of the figure's noun -----------------


@pytest.mark.parametrize(
    ("text", "subset"),
    [
        ("Russia hosts 6,000 North Korean workers, 300 of them women.", 300),
        ("The factory employs 80 North Korean workers, 20 of whom were minors.", 20),
        ("Some 900 North Korean labourers arrived, 150 of them skilled welders.", 150),
    ],
)
def test_a_subset_named_after_of_them_is_no_count_of_the_workers(
    nlp: Language, text: str, subset: float
) -> None:
    values = {v for _, v in _measures(nlp, text)}
    assert subset not in values
    assert len(values) == 1  # the whole stays


@pytest.mark.parametrize(
    ("text", "part"),
    [
        ("About 100,000 North Korean workers are abroad, 50,000 of them in China.", 50_000),
        ("Some 100,000 North Korean workers are abroad, 50,000 of them working in Russia.", 50_000),
        (
            "Of the 2,000 North Korean workers in the city, 500 of them are employed in "
            "construction.",
            500,
        ),
    ],
)
def test_a_part_placed_or_described_after_of_them_still_counts_the_workers(
    nlp: Language, text: str, part: float
) -> None:
    assert part in {v for _, v in _measures(nlp, text)}


@pytest.mark.parametrize(
    ("text", "elided"),
    [
        (
            "While most of the 40,000 North Koreans abroad are working in Asian and Gulf "
            "countries - some 2,300 are thought to be in Kuwait - up to 900 may be in Europe.",
            2300,
        ),
        (
            "There are about 2,000 North Korean IT workers inside the country and about 4,000 "
            "working abroad.",
            4000,
        ),
    ],
)
def test_a_noun_after_a_preposition_keeps_the_coordination(
    nlp: Language, text: str, elided: float
) -> None:
    assert _units(nlp, text).get(elided) == "persons"
