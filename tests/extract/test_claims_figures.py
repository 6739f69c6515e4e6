"""Session 5 (`figures`): figures whose unit, number word or as-of date was missed, and the
mends (one imminent-deadline rule, "the North" only as written). Sentences written for these
tests, in varied forms; none is taken from a page of any set."""

from __future__ import annotations

from spacy.language import Language
from test_claims import read  # noqa: F401  (used by the figure tests below)

from sanctionwatch.extract.claimkit.places import collect_places
from sanctionwatch.extract.claimkit.vocabulary import default_vocabulary
from sanctionwatch.extract.entities import find_mentions
from sanctionwatch.extract.types import DocumentContext
from sanctionwatch.store.offsets import OffsetMap


def _place_keys(nlp: Language, text: str) -> list[tuple[str, str]]:
    context = DocumentContext(
        document_id="f" * 64,
        clean_text=text,
        offsets=OffsetMap.identity(len(text)),
        published=None,
    )
    doc = nlp(text)
    places = collect_places(doc, find_mentions(doc, context), default_vocabulary(), text)
    return [(place.text, place.key) for place in places]


def test_the_north_is_north_korea_only_as_written_in_a_text_about_it(nlp: Language) -> None:
    text = (
        "North Korea still sends crews abroad. The North earns hard currency from them, and "
        "the North's loggers work in forests north of Moscow, far from the North Caucasus."
    )
    assert _place_keys(nlp, text) == [
        ("North Korea", "north_korea"),
        ("The North", "north_korea"),
        ("the North", "north_korea"),
        ("Moscow", "moscow"),
        ("North Caucasus", "north_caucasus"),
    ]


def test_north_alone_is_not_north_korea(nlp: Language) -> None:
    # No full name of North Korea in the text: "the North" may be any north.
    text = "Loggers from Vietnam work in camps north of Moscow, and the North sends none."
    assert all(key != "north_korea" for _name, key in _place_keys(nlp, text))
