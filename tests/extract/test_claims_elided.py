"""Session 8 (`claimrec`): constructions that recur across the development sets.

A bare number that stands for a noun phrase counts the noun of the figure before it (a list of
counts per place after one reporting clause), a plural noun the parser took as a compound is
what a number counts, and a small count after "the" points back to parties already named.
Every sentence is written for these tests; none is taken from a page of any set."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from spacy.language import Language
from test_claims import read

from sanctionwatch.extract.claimkit.vocabulary import (
    VOCABULARY_PATH,
    VocabularyError,
    load_vocabulary,
    parse_vocabulary,
)


def _figures(nlp: Language, text: str) -> list[tuple[str, float, str]]:
    return [(c.measure, c.value, c.unit) for c in read(nlp, text)]


def _values(nlp: Language, text: str) -> list[float]:
    return [c.value for c in read(nlp, text)]


# --- elided counts -------------------------------------------------------------------------


def test_a_list_of_counts_per_place_after_one_figure(nlp: Language) -> None:
    found = _figures(
        nlp,
        "Some 4,000 North Korean workers are employed in the region, including 1,200 in "
        "Kuwait and 900 in Qatar.",
    )
    assert ("dprk_workers_in:kuwait", 1200, "persons") in found
    assert ("dprk_workers_in:qatar", 900, "persons") in found
    assert [value for _, value, _ in found] == [4000, 1200, 900]


def test_a_count_reported_before_its_parts(nlp: Language) -> None:
    # the reporting clause between the total and its parts, the qualifier on one part
    found = read(
        nlp,
        "Across the region some 5,500 North Korean labourers work, two diplomats told "
        "reporters, including 2,000 in Kuwait, as many as 1,400 in Oman and 1,100 in Qatar.",
    )
    by_value = {c.value: c for c in found}
    assert sorted(by_value) == [1100, 1400, 2000, 5500]
    assert by_value[1400].qualifier == "at_most"
    assert by_value[1400].measure == "dprk_workers_in:oman"
    assert by_value[2000].unit == "persons"


def test_a_second_count_of_the_same_noun_with_its_own_clause(nlp: Language) -> None:
    assert _figures(
        nlp,
        "The ministry counted 3,400 North Korean labourers at home and about 2,100 working abroad.",
    ) == [
        ("dprk_workers_in:world", 3400, "persons"),
        ("dprk_workers_in:world", 2100, "persons"),
    ]


def test_a_sentence_pointing_back_counts_the_figure_before(nlp: Language) -> None:
    found = _figures(
        nlp,
        "Officials say 650 North Korean workers are in Mongolia. These include 240 employed at "
        "a single textile plant.",
    )
    assert ("dprk_workers_in:mongolia", 240, "persons") in found


def test_a_bare_number_with_no_figure_before_it_counts_nothing(nlp: Language) -> None:
    # no figure names the noun: "300" is not read as 300 workers
    text = "Inspectors found North Korean workers on the site; 300 were questioned."
    assert _values(nlp, text) == []


@pytest.mark.parametrize(
    "text",
    [
        # number words in a breakdown of a small count
        "North Korea runs three restaurants in the city, two in the centre and one by the port.",
        # bare digits under the vocabulary's minimum are list items or labels more often
        "Around 1,500 North Korean workers are in Kuwait, including 5 at the embassy.",
    ],
)
def test_small_or_spelled_out_parts_are_not_elided_counts(nlp: Language, text: str) -> None:
    assert all(value > 5 for value in _values(nlp, text))


@pytest.mark.parametrize(
    ("text", "values"),
    [
        # ages after a count of people are no counts of them
        ("Prosecutors charged three North Korean men, aged 34, 41 and 52, with fraud.", [3]),
        # a death toll stays none, elided or not
        ("Seven North Korean workers died in a fire at the plant, and 12 were injured.", []),
        # a second year's count of the same noun is a figure of its own, dated by its year
        ("North Korea sent 2,000 workers to Russia in 2018 and 3,500 in 2019.", [2000, 3500]),
    ],
)
def test_bare_numbers_beside_a_figure(nlp: Language, text: str, values: list[float]) -> None:
    claims = read(nlp, text)
    assert [c.value for c in claims] == values
    if len(values) == 2:
        assert [c.as_of for c in claims] == ["2018", "2019"]


@pytest.mark.parametrize(
    "text",
    [
        "Some 600 North Korean workers are in Senegal, the panel says in paragraph 112 and 113.",
        "Some 500 North Korean workers are in Laos, as listed in annex 12 and 14.",
    ],
)
def test_a_number_conjoined_to_a_label_is_no_elided_count(nlp: Language, text: str) -> None:
    # review (rv-claimrec): "113" joins the label "paragraph 112"; it counts no workers
    values = _values(nlp, text)
    assert len(values) == 1
    assert values[0] in (500, 600)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Some 2,500 North Korean workers are in Qatar. They earn 300 a month.", 2500),
        ("Qatar hosts 2,800 North Korean workers on building sites, 30 at each site.", 2800),
        ("Some 2,000 North Korean workers are in Kuwait, 40 per site.", 2000),
        # review (rv-claimrec): "they" points back to the workers, its object is no count of them
        ("Some 2,500 North Korean workers are in Qatar. They paid 300 to a broker.", 2500),
    ],
)
def test_a_rate_is_no_elided_count(nlp: Language, text: str, value: float) -> None:
    # review (rv-claimrec): a number with a period or "each"/"per" is a rate, not a headcount
    assert [c.value for c in read(nlp, text) if c.unit == "persons"] == [value]


@pytest.mark.parametrize(
    "text",
    [
        "Some 20,000 North Korean workers in Russia earned $500 million in 2017 and 300 million "
        "in 2018.",
        "Some 20,000 North Korean workers in Russia sent home 120 million, the report says.",
    ],
)
def test_a_scaled_bare_number_is_no_headcount(nlp: Language, text: str) -> None:
    # review (rv-claimrec): "300 million" after a sum is money, never 300 million workers
    assert all(c.value < 1_000_000 for c in read(nlp, text) if c.unit == "persons")


def test_a_later_upper_bound_still_widens_the_estimate(nlp: Language) -> None:
    claims = read(
        nlp, "Experts believe 7,000 North Korean workers are in Poland; some say as many as 9,000."
    )
    assert [(c.value, c.value_low, c.value_high) for c in claims] == [(7000, 7000, 9000)]


def test_a_smaller_bound_after_an_estimate_is_a_figure_of_its_own(nlp: Language) -> None:
    claims = read(
        nlp,
        "Some 3,000 North Korean workers are in Poland; as many as 1,000 may be working in Malta.",
    )
    assert [(c.value, c.qualifier, c.value_high) for c in claims] == [
        (3000, "approx", None),
        (1000, "at_most", None),
    ]
    assert claims[1].measure == "dprk_workers_in:malta"


# --- plural compounds -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Some 5,200 North Koreans work in the Gulf states, officials said.", 5200),
        ("Across the region, some 5,500 North Koreans work, two diplomats said.", 5500),
    ],
)
def test_a_plural_noun_taken_for_a_compound_is_what_is_counted(
    nlp: Language, text: str, value: float
) -> None:
    # the parser reads "work" as the noun the number modifies, "North Koreans" as its compound
    doc = nlp(text)
    number = next(token for token in doc if token.like_num)
    assert number.head.lower_ == "work"
    found = _figures(nlp, text)
    assert [(value_, unit) for _, value_, unit in found] == [(value, "persons")]


def test_a_singular_compound_keeps_its_head(nlp: Language) -> None:
    # "worker dormitories" are not workers
    assert all(
        unit != "persons"
        for _, _, unit in _figures(
            nlp, "The firm built 40 worker dormitories for North Korean labourers in Qatar."
        )
    )


# --- definite references and other counts that are no figures --------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Qatar and Kuwait stopped issuing visas to North Korean workers after the two countries "
        "came under pressure from Washington.",
        # claims2: a back-reference only when the firms were counted before (a first mention
        # of "the two ... firms" is a figure: tests/extract/test_claims_claims2_review.py)
        "Arvel Trading and Pinecrest Shipping won tenders last year. The ministry cancelled the "
        "contracts of the two North Korean firms building its new barracks.",
        "Two officials familiar with the matter said North Korean workers remain in Kuwait.",
        "The Treasury designated two companies, Arvel Trading and Pinecrest Shipping, on Tuesday "
        "for employing North Korean workers.",
    ],
)
def test_references_sources_and_named_parties_are_not_counted(nlp: Language, text: str) -> None:
    assert _values(nlp, text) == []


def test_a_restated_definite_count_is_the_first_one(nlp: Language) -> None:
    claims = read(
        nlp,
        "Seoul imposed sanctions on four North Korean individuals on Friday. The four "
        "individuals are senior party officials.",
    )
    assert [(c.measure, c.value) for c in claims] == [("designated_individuals", 4)]
    assert claims[0].text == "four"
    assert claims[0].start < 60


def test_a_large_definite_count_is_a_figure(nlp: Language) -> None:
    # "the 160 guest workers" is often the figure's first mention
    assert _figures(
        nlp, "The labour minister said the 160 guest workers from North Korea left the country."
    ) == [("dprk_workers_in:unspecified", 160, "persons")]


# --- the vocabulary fields ---------------------------------------------------------------


def test_the_shipped_vocabulary_sets_both_limits() -> None:
    vocabulary = load_vocabulary()
    assert vocabulary.definite_reference_max == 10
    assert vocabulary.elided_count_min == 10


@pytest.mark.parametrize("field", ["definite_reference_max", "elided_count_min"])
def test_a_limit_must_be_a_whole_number(field: str, tmp_path: Path) -> None:
    data = yaml.safe_load(VOCABULARY_PATH.read_text(encoding="utf-8"))
    data[field] = "ten"
    with pytest.raises(VocabularyError, match=field):
        parse_vocabulary(data, tmp_path / "vocabulary.yaml")


def test_switching_elided_counts_off_drops_them(nlp: Language, tmp_path: Path) -> None:
    from dataclasses import replace

    from sanctionwatch.extract.claims import find_claims
    from sanctionwatch.extract.entities import find_mentions
    from sanctionwatch.extract.types import DocumentContext
    from sanctionwatch.store.offsets import OffsetMap

    text = "Some 4,000 North Korean workers are in the Gulf, including 1,200 in Kuwait."
    context = DocumentContext("f" * 64, text, OffsetMap.identity(len(text)), None)
    doc = nlp(text)
    off = replace(load_vocabulary(), elided_count_min=0)
    found = find_claims(doc, context, find_mentions(doc, context), vocabulary=off)
    assert [c.value for c in found] == [4000]
