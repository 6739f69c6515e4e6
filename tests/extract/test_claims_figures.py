"""Session 5 (`figures`): figures whose unit, number word or as-of date was missed, and the
mends (one imminent-deadline rule, "the North" only as written). Sentences written for these
tests, in varied forms; none is taken from a page of any set."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from spacy.language import Language
from test_claims import read

from sanctionwatch.extract.claimkit.places import collect_places
from sanctionwatch.extract.claimkit.vocabulary import (
    VOCABULARY_PATH,
    VocabularyError,
    default_vocabulary,
    load_vocabulary,
)
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


def _found(nlp: Language, text: str) -> list[tuple[str, float, str]]:
    return [(c.measure, c.value, c.unit) for c in read(nlp, text)]


def _stems(nlp: Language, text: str) -> list[tuple[str, float, str]]:
    return [(measure.split(":")[0], value, unit) for measure, value, unit in _found(nlp, text)]


# --- units of count: sites, member states, soldiers, businesses shut --------------------------


def test_sites_using_north_korean_workers(nlp: Language) -> None:
    assert _found(
        nlp, "Three logging camps in Siberia still use North Korean labourers, the report said."
    ) == [("dprk_worker_sites_in:siberia", 3, "sites")]
    assert _stems(
        nlp, "North Korean crews worked on at least five building sites in Vladivostok."
    ) == [("dprk_worker_sites_in", 5, "sites")]


def test_sites_and_camps_with_nothing_north_korean_are_not_figures(nlp: Language) -> None:
    assert read(nlp, "Two camps in Jordan host Syrian refugees who work on farms.") == []
    assert read(nlp, "The contractor opened four new sites in Vladivostok in 2019.") == []


def test_countries_reporting_on_implementation(nlp: Language) -> None:
    assert _stems(
        nlp, "Only 12 states submitted implementation reports to the committee in 2019."
    ) == [("sanctions_implementation_reports", 12, "countries")]
    assert _stems(
        nlp, "By March, 60 member states had filed reports on the implementation of the resolution."
    ) == [("sanctions_implementation_reports", 60, "countries")]
    assert read(nlp, "Twelve countries signed the declaration on trade in 2019.") == []


def test_a_number_right_after_a_year_is_not_part_of_the_date(nlp: Language) -> None:
    (claim,) = read(
        nlp, "As of 1 June 2020 37 member states had submitted reports on their implementation."
    )
    assert (claim.value, claim.unit, claim.as_of) == (37, "countries", "2020-06-01")


def test_soldiers_are_troops_not_workers(nlp: Language) -> None:
    assert _found(nlp, "North Korea deployed 12,000 soldiers to Russia in October 2024.") == [
        ("dprk_troops_sent_to:russia", 12000, "persons")
    ]
    # The nationality of what a country sends: "Pyongyang sent ...".
    assert _stems(nlp, "Pyongyang has sent about 3,000 more troops, officials in Seoul said.") == [
        ("dprk_troops_sent_to", 3000, "persons")
    ]
    assert _stems(nlp, "Some 1,500 North Korean soldiers remain in Kursk.") == [
        ("dprk_troops_in", 1500, "persons")
    ]
    assert read(nlp, "Ukraine said 2,000 Russian soldiers were wounded near Kursk.") == []


def test_businesses_and_restaurants_shut_down(nlp: Language) -> None:
    found = _found(
        nlp,
        "Mongolia ordered 6 companies and 3 restaurants owned by North Koreans to close.",
    )
    assert found == [
        ("dprk_companies_closed_in:mongolia", 6, "companies"),
        ("dprk_restaurants_closed_in:mongolia", 3, "companies"),
    ]
    assert read(nlp, "The city closed 40 restaurants for a health inspection in 2019.") == []


# --- number words: one, and one number over two nouns --------------------------------------


def test_one_individual_or_entity_named_by_a_designation(nlp: Language) -> None:
    assert _found(nlp, "One individual, Pak Chol, was designated by the Treasury on Tuesday.") == [
        ("designated_individuals", 1, "persons")
    ]
    assert _found(nlp, "The EU also sanctioned one entity, a shipping firm based in Dalian.") == [
        ("designated_entities", 1, "entities")
    ]


def test_one_is_no_figure_outside_a_designation(nlp: Language) -> None:
    assert read(nlp, "One worker said the camp near Tomsk was cold, in 2019.") == []
    assert read(nlp, "One company in Tomsk employs North Korean workers.") == []


def test_a_total_over_two_kinds_is_one_count_of_designations(nlp: Language) -> None:
    assert _found(nlp, "OFAC sanctioned five entities and individuals on Friday.") == [
        ("designated_entities", 5, "entities")
    ]


def test_a_total_restating_counts_given_apart_is_dropped(nlp: Language) -> None:
    found = _found(
        nlp,
        "The Treasury targeted nine nationals and firms on Friday. "
        "It designated six North Korean nationals and three firms under an executive order.",
    )
    assert found == [
        ("designated_individuals", 6, "persons"),
        ("designated_entities", 3, "companies"),
    ]


def test_a_conjunct_with_its_own_determiner_is_not_counted(nlp: Language) -> None:
    assert _found(nlp, "OFAC designated two North Korean nationals and their trading firm.") == [
        ("designated_individuals", 2, "persons")
    ]


# --- designations: added to the lists, totals of the lists --------------------------------


def test_persons_added_to_the_lists_are_designations(nlp: Language) -> None:
    assert _found(
        nlp, "The Council added 12 persons and two entities to the sanctions list on Monday."
    ) == [("designated_individuals", 12, "persons"), ("designated_entities", 2, "entities")]
    assert not any(
        measure.startswith("designated")
        for measure, *_ in _found(nlp, "The firm added 40 North Korean workers to its payroll.")
    )
    assert not any(
        measure.startswith("designated")
        for measure, *_ in _found(nlp, "The retailer added 3 companies to its portfolio in 2020.")
    )


def test_totals_of_the_lists(nlp: Language) -> None:
    assert _found(
        nlp,
        "The decision raises the total number of listed persons to 80 persons and 75 entities.",
    ) == [
        ("designated_individuals_total", 80, "persons"),
        ("designated_entities_total", 75, "entities"),
    ]
    found = _stems(
        nlp,
        "After the sanctions, the total number of North Korean workers in Russia fell to 10,000.",
    )
    assert found == [("dprk_workers_in", 10000, "persons")]


# --- money: cryptocurrency, monthly pay, conversions -----------------------------------------


def test_cryptocurrency_laundered_or_stolen(nlp: Language) -> None:
    assert _found(nlp, "The network laundered about $2.5 million in cryptocurrency.") == [
        ("dprk_crypto_converted", 2_500_000, "USD")
    ]
    assert _found(nlp, "Hackers linked to Pyongyang stole $600 million in crypto in 2022.") == [
        ("dprk_crypto_stolen", 600_000_000, "USD")
    ]
    assert read(nlp, "Bitcoin rose to $60,000 in March.") == []


def test_a_monthly_stipend_named_before_the_figure(nlp: Language) -> None:
    (claim,) = read(nlp, "Each North Korean worker is paid a monthly stipend of about $500.")
    assert (claim.measure, claim.value, claim.unit, claim.period) == (
        "dprk_worker_pay",
        500,
        "USD",
        "month",
    )


def test_a_sum_restated_in_another_currency_is_one_figure(nlp: Language) -> None:
    (claim,) = read(nlp, "The workers were paid a monthly wage of $800 (£645), officials said.")
    assert (claim.value, claim.unit) == (800, "USD")
    assert read(nlp, "The tower will cost $30bn (£24bn) when it is finished.") == []


# --- as-of stated in the sentence before -----------------------------------------------------


def test_an_as_of_date_opening_the_sentence_before_dates_the_next_figures(nlp: Language) -> None:
    first, second = read(
        nlp,
        "As of March 1, 2019, all North Korean workers in Laos had been sent home, officials "
        "said. Inspectors found 140 North Korean workers at two sites in Vientiane.",
    )[:2]
    assert (first.value, first.as_of, first.as_of_rule) == (140, "2019-03-01", "as-of-before")
    assert (second.value, second.unit, second.as_of) == (2, "sites", "2019-03-01")


def test_an_as_of_date_inside_the_sentence_before_or_a_present_tense_does_not(
    nlp: Language,
) -> None:
    inside = read(
        nlp,
        "Russia had sent home most workers as of 2018, officials said. "
        "Inspectors found 140 North Korean workers in Tomsk.",
    )
    assert [(c.value, c.as_of_rule) for c in inside] == [(140, "document-date")]
    present = read(
        nlp,
        "As of March 1, 2019, most North Korean workers in Laos had been sent home. "
        "About 140 North Korean workers remain in Vientiane.",
    )
    assert [(c.value, c.as_of_rule) for c in present] == [(140, "document-date")]


def test_money_in_other_currencies_and_short_scales(nlp: Language) -> None:
    assert [
        (c.measure, c.value, c.unit)
        for c in read(nlp, "North Korean crews earned about 1.2 million euros in Poland in 2016.")
    ] == [("dprk_overseas_earnings", 1_200_000, "EUR")]
    (claim,) = read(nlp, "North Korea earned $2.5m from its workers abroad in 2017.")
    assert (claim.value, claim.unit) == (2_500_000, "USD")
    (pay,) = read(nlp, "Each North Korean worker earns 40,000 rubles a month.")
    assert (pay.measure, pay.value, pay.unit, pay.period) == (
        "dprk_worker_pay",
        40_000,
        "RUB",
        "month",
    )
    # A bare "m" after digits without a currency is metres, not millions.
    assert read(nlp, "The wall is 5m high, and the crews finished it in 2019.") == []


# --- what the figure measures: charges, participles, "the number of X is N people" ------------


def test_north_koreans_charged_or_indicted_are_not_workers(nlp: Language) -> None:
    assert _found(nlp, "Prosecutors are charging Kim, Pak and four other North Koreans.") == [
        ("dprk_nationals_charged", 4, "persons")
    ]
    assert _found(nlp, "Five North Korean IT workers were indicted in Missouri in 2023.") == [
        ("dprk_nationals_charged", 5, "persons")
    ]
    # "charged a fee ... to 40 workers": the workers are not the ones charged.
    found = _found(
        nlp, "The court charged a fee of 300 dollars to 40 North Korean workers in 2019."
    )
    assert ("dprk_nationals_charged", 40, "persons") not in found
    assert [value for _m, value, unit in found if unit == "persons"] == [40]


def test_a_sum_with_its_currency_word_then_a_count_is_no_range(nlp: Language) -> None:
    claims = read(
        nlp, "They earn between 300 and 400 dollars a month, 20 North Korean workers said."
    )
    pay = [c for c in claims if c.unit == "USD"]
    assert [(c.value_low, c.value_high) for c in pay] == [(300, 400)]


def test_a_participle_before_the_noun_names_the_measure(nlp: Language) -> None:
    assert _found(nlp, "About 1,000 deported North Korean workers left Russia in 2019.") == [
        ("dprk_workers_repatriated", 1000, "persons")
    ]


def test_the_number_of_x_is_n_people_counts_x(nlp: Language) -> None:
    assert _found(
        nlp,
        "The number of repatriated North Korean workers reported by the states is about "
        "20,000 people.",
    ) == [("dprk_workers_repatriated", 20000, "persons")]
    assert _stems(nlp, "The total of North Korean workers in Kuwait was 600 people in 2018.") == [
        ("dprk_workers_in", 600, "persons")
    ]


# --- the vocabulary's new fields are validated, errors name the file and field -----------------


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["measures"][0].update(counts_one="yes"), r"measures\[0\]\.counts_one"),
        (lambda d: d.update(places_as_written={"atlantis": ["the Isle"]}), "places_as_written"),
        (lambda d: d.update(places_as_written={"north_korea": "the North"}), "places_as_written"),
        (lambda d: d.update(sender_nationalities={"atlantis": "dprk"}), "sender_nationalities"),
        (lambda d: d.update(mixed_total_unit="crates"), "mixed_total_unit"),
    ],
)
def test_new_vocabulary_fields_are_validated(
    tmp_path: Path, change: Callable[[dict[str, Any]], None], message: str
) -> None:
    data = yaml.safe_load(VOCABULARY_PATH.read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "vocabulary.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(VocabularyError, match=message) as raised:
        load_vocabulary(path)
    assert "vocabulary.yaml" in str(raised.value)


def test_the_shipped_vocabulary_has_the_new_fields() -> None:
    vocabulary = load_vocabulary()
    assert vocabulary.mixed_total_unit == "entities"
    assert vocabulary.sender_nationalities == {"north_korea": "dprk"}
    assert vocabulary.places_as_written["north_korea"] == ("the North",)
    assert "north" not in vocabulary.places["north_korea"]
    assert vocabulary.counted["site"] == "sites"
    assert {rule.key for rule in vocabulary.measures if rule.counts_one} == {
        "designated_entities",
        "designated_individuals",
    }


def test_a_total_needs_a_verb_that_brings_it_to_the_figure(nlp: Language) -> None:
    # The day's additions beside the word "total" are not the total; the bare 80 the verb
    # brings the total to counts the individuals named before it (an elided count, session 8).
    assert _found(
        nlp, "The committee added 12 individuals to its list in 2017, bringing the total to 80."
    ) == [
        ("designated_individuals", 12, "persons"),
        ("designated_individuals_total", 80, "persons"),
    ]
    assert _found(nlp, "The total of listed persons now stands at 95 individuals.") == [
        ("designated_individuals_total", 95, "persons")
    ]


def test_north_koreans_deported_whether_or_not_called_workers(nlp: Language) -> None:
    assert _found(nlp, "Malaysia deported 50 North Koreans who had overstayed their visas.") == [
        ("dprk_nationals_deported_from:malaysia", 50, "persons")
    ]
    assert _stems(nlp, "Russia sent home 500 North Korean workers in 2019.") == [
        ("dprk_workers_expelled_from", 500, "persons")
    ]
    assert read(nlp, "Thailand expelled 3 South Korean tourists in 2019.") == []


def test_revenue_generated_for_the_regime(nlp: Language) -> None:
    (claim,) = read(nlp, "The fraud scheme generated more than $6.8 million for the regime.")
    assert (claim.measure, claim.value, claim.qualifier) == (
        "dprk_overseas_earnings",
        6_800_000,
        "more_than",
    )
