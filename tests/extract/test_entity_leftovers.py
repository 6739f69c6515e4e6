"""Session 7 (`entleft`): entity leftovers from the review. Every sentence and name is
invented for these tests, in varied forms."""

from __future__ import annotations

import pytest
from spacy.language import Language

from sanctionwatch.extract.entities import _word_prefixes, find_mentions
from sanctionwatch.extract.entity_spans import caption_credits, load_span_rules
from sanctionwatch.extract.rules import load_entity_rules
from sanctionwatch.extract.types import DocumentContext, Mention
from sanctionwatch.store.offsets import OffsetMap


def _mentions(nlp: Language, text: str) -> list[Mention]:
    return find_mentions(nlp(text), DocumentContext("doc", text, OffsetMap.identity(len(text))))


def _groups(nlp: Language, text: str) -> dict[str, set[str]]:
    groups: dict[str, set[str]] = {}
    for mention in _mentions(nlp, text):
        groups.setdefault(mention.canonical, set()).add(mention.text)
    return groups


def _found(nlp: Language, text: str) -> dict[str, str]:
    return {m.text: m.schema for m in _mentions(nlp, text)}


# ---------------------------------------------------------------- 1. editorial markers

MARKED_LINES = [
    "Tailors from Sinuiju were hired by a mill near Minsk.\n[Updated]\nThe mill said nothing.",
    "Inspectors in Busan held the tanker for a week. (Corrected)\nPort officials said little.",
    "Builders left Tashkent in March.(Update)\nNo contracts were shown.",
    "The ministry denied paying the crews.[Clarification]\nA hearing is set for June.",
    "Loggers in Khabarovsk went unpaid. (Updated May 3)\nThe union complained.",
]


@pytest.mark.parametrize("text", MARKED_LINES)
def test_an_editorial_marker_at_a_line_end_is_never_an_entity(nlp: Language, text: str) -> None:
    found = _found(nlp, text)
    markers = load_span_rules().editorial_markers
    assert not [name for name in found if name.split()[0].casefold() in markers], found


def test_the_markers_come_from_the_span_rules_file() -> None:
    markers = load_span_rules().editorial_markers
    assert {"updated", "corrected"} <= markers
    line = "The fleet sailed on.(Updated)\n"
    assert caption_credits(line, frozenset()) != []  # without the data, a "credit"
    assert caption_credits(line, frozenset(), markers) == []


def test_a_real_bracketed_credit_still_counts_next_to_the_markers(nlp: Language) -> None:
    text = "Crews unload crates at the quay in Nampo.(Harbourlight Images)\nThe ship left."
    credits = caption_credits(text, frozenset(), load_span_rules().editorial_markers)
    assert [text[p.start : p.end] for p in credits] == ["Harbourlight Images"]


# ---------------------------------------------------------------- 2. two places, one hyphen

HYPHENED_PLACES = [
    ("Hundreds of workers boarded the Pyongyang-Beijing flights in spring.", "Beijing"),
    ("A Vladivostok-Pyongyang ferry carried the crews home.", "Vladivostok"),
    ("Trucks on the Dandong-Shenyang highway moved the seafood.", "Shenyang"),
    ("The Moscow-Vladivostok train took the builders east.", "Vladivostok"),
]


@pytest.mark.parametrize(("text", "second"), HYPHENED_PLACES)
def test_both_places_joined_by_a_hyphen_are_found(nlp: Language, text: str, second: str) -> None:
    found = _found(nlp, text)
    pair = next(word for word in text.split() if "-" in word)
    assert found.get(second) == "Place", found
    for place in pair.split("-"):
        assert found.get(place) == "Place", found
    assert not [name for name in found if "-" in name], found


def test_a_hyphen_inside_one_name_still_keeps_it_whole(nlp: Language) -> None:
    found = _found(nlp, "Crews from Yuzhno-Sakhalinsk and an Irkutsk-based contractor left.")
    assert "Yuzhno-Sakhalinsk" in found
    assert "Irkutsk" in found
    assert "Sakhalinsk" not in found


# ---------------------------------------------------------------- 3. acronyms of word beginnings


def test_an_acronym_that_skips_words_of_an_unrelated_name_stays_apart(nlp: Language) -> None:
    text = "The National Savings Bank lent money to the firm. Separately, NASA launched a probe."
    groups = _groups(nlp, text)
    assert "NASA" not in groups.get("National Savings Bank", set()), groups


def test_an_acronym_of_every_word_joins_without_being_introduced(nlp: Language) -> None:
    text = (
        "Crews were hired through Sinhung Trading Corporation in the spring. "
        "The firm SINTCO paid the wages late."
    )
    groups = _groups(nlp, text)
    assert "SINTCO" in groups.get("Sinhung Trading Corporation", set()), groups


@pytest.mark.parametrize(
    "text",
    [
        "Donors met Morang Agricultural Loans Fund, or MOLOF, on Monday. MOLOF said no.",
        "MOLOF, the Morang Agricultural Loans Fund, paid. Then MOLOF stopped paying.",
        "The Morang Agricultural Loans Fund, also known as MOLOF, paid. MOLOF stopped.",
    ],
)
def test_an_acronym_that_skips_words_joins_a_name_written_beside_it(
    nlp: Language, text: str
) -> None:
    groups = _groups(nlp, text)
    assert "MOLOF" in groups.get("Morang Agricultural Loans Fund", set()), groups


def test_every_word_means_no_significant_word_is_skipped() -> None:
    rules = load_entity_rules()
    assert _word_prefixes("SINTCO", "Sinhung Trading Corporation", rules, every_word=True)
    assert _word_prefixes("DAOSCO", "Dalian Ocean Shipping Company", rules, every_word=True)
    assert not _word_prefixes("NASA", "National Savings Bank", rules, every_word=True)
    assert _word_prefixes("NASA", "National Savings Bank", rules)  # a mere fit, not enough
    assert not _word_prefixes(
        "KOTRA", "Korea Trade-Investment Promotion Agency", rules, every_word=True
    )
