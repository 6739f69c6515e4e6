"""The substring pre-check before each place name's regular expression finds every place the
regular expressions alone found (speed only, same output), accents and odd letters included."""

from __future__ import annotations

import re

import pytest

from sanctionwatch.extract.claimkit import places
from sanctionwatch.extract.claimkit.vocabulary import default_vocabulary

TEXTS = [
    "Workers were sent from Pyongyang to Vladivostok and to Moscow, Russia's capital.",
    "RUSSIA and CHINA hosted most of them; some went to the United Arab Emirates.",
    "Crews in İstanbul and in Kuwaıt City, and a firm in ſingapore, per the report.",
    "Nothing here names a place at all, only figures like 1,500 and 2.5 million.",
    "Laos, Cambodia — and Mongolia; then (Poland) and 'Qatar' in one line.",
]


def _unfiltered(text: str) -> list[places.Named]:
    """The places as found before the pre-check: every name's expression run on the text."""
    vocabulary = default_vocabulary()
    taken = places.Taken(len(text))
    mine = places.Taken(len(text))
    found: list[places.Named] = []
    names = sorted((n for n in vocabulary.place_index if len(n) > 2), key=len, reverse=True)
    for name in names:
        key = vocabulary.place_index[name]
        if key == "world" or name == "u.s.":
            continue
        for match in re.finditer(rf"(?<![\w.]){re.escape(name)}(?![\w])", text, re.IGNORECASE):
            if mine.overlaps(*match.span()) or taken.overlaps(*match.span()):
                continue
            mine.take(*match.span())
            found.append(places.Named(*match.span(), match.group(0), key, None, "Place"))
    return found


@pytest.mark.parametrize("text", TEXTS)
def test_prefilter_finds_what_the_expressions_find(text: str) -> None:
    vocabulary = default_vocabulary()
    fast = places._vocabulary_places(text, vocabulary, places.Taken(len(text)))
    assert fast == _unfiltered(text)


@pytest.mark.parametrize(
    ("written", "name"),
    [
        ("İstanbul", "istanbul"),
        ("Kuwaıt", "kuwait"),
        ("ſingapore", "singapore"),
        ("KOREA", "korea"),
    ],
)
def test_folding_keeps_what_ignorecase_matches(written: str, name: str) -> None:
    assert re.fullmatch(re.escape(name), written, re.IGNORECASE)
    assert name in places._folded_for_search(f"in {written} today")


def test_a_page_naming_places_finds_them() -> None:
    text = TEXTS[0]
    found = places._vocabulary_places(text, default_vocabulary(), places.Taken(len(text)))
    assert {named.text for named in found} >= {"Pyongyang", "Vladivostok"}
