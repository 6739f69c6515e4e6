"""`figures.hard_limits` names every limit that rules a figure out (and the word that fired
it), so training can keep per fold only the limits its sets support; `ruled_out` is the same
check, stopping at the first. Sentences written for these tests."""

from __future__ import annotations

import pytest
from spacy.language import Language

from sanctionwatch.extract.claimkit import analysis, figures
from sanctionwatch.extract.claimkit.numbers import find_quantities
from sanctionwatch.extract.claimkit.vocabulary import default_vocabulary


def _limits(nlp: Language, text: str) -> list[tuple[float, tuple[str, ...], bool]]:
    vocabulary = default_vocabulary()
    doc = nlp(text)
    found = []
    for quantity in find_quantities(text, vocabulary):
        root = analysis.number_root(doc, quantity)
        if root is None or quantity.vague:
            continue
        token = figures.noun_of_figure(root, analysis.counted_noun(root, quantity, vocabulary))
        limits = tuple(figures.hard_limits(quantity, root, token, vocabulary))
        found.append((quantity.value, limits, figures.ruled_out(quantity, root, token, vocabulary)))
    return found


@pytest.mark.parametrize(
    ("text", "value", "limit"),
    [
        ("A North Korean missile flew 600 miles before it fell.", 600, "noun:mile"),
        ("North Korean troops fired 12 shells at the island.", 12, "verb:fire"),
        ("The weather in Oslo stayed mild for 40 days in a row.", 40, "subject"),
        ("North Korean workers who left the site paid a $5 fine.", 5, "petty:fine"),
        ("A North Korean restaurant in Beijing charged a $12 entrance fee.", 12, "price:fee"),
    ],
)
def test_each_limit_is_named_with_its_word(
    nlp: Language, text: str, value: float, limit: str
) -> None:
    found = {figure: (limits, ruled) for figure, limits, ruled in _limits(nlp, text)}
    limits, ruled = found[value]
    assert limit in limits
    assert ruled


def test_a_figure_of_the_scheme_fires_no_limit(nlp: Language) -> None:
    found = _limits(nlp, "A firm in Tomsk hired 150 North Korean workers.")
    assert [(value, limits, ruled) for value, limits, ruled in found] == [(150, (), False)]


def test_a_figure_may_fire_several_limits(nlp: Language) -> None:
    found = _limits(nlp, "The ferry in Oslo sailed 30 miles.")
    limits = dict((value, limits) for value, limits, _ in found)[30]
    assert {"subject", "noun:mile"} <= set(limits)
