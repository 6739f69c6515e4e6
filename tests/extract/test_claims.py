"""Claims read from sentences written for these tests: measures, places, dates, asserters."""

from __future__ import annotations

from datetime import date

import pytest
from spacy.language import Language

from sanctionwatch.extract.claims import Claim, find_claims
from sanctionwatch.extract.entities import find_mentions
from sanctionwatch.extract.types import DocumentContext
from sanctionwatch.store.offsets import OffsetMap

PUBLISHED = date(2019, 6, 14)


def read(
    nlp: Language,
    clean: str,
    published: date | None = PUBLISHED,
    original: str | None = None,
    offsets: OffsetMap | None = None,
) -> list[Claim]:
    context = DocumentContext(
        document_id="d" * 64,
        clean_text=clean,
        offsets=offsets or OffsetMap.identity(len(clean)),
        published=published,
    )
    doc = nlp(clean)
    return find_claims(doc, context, find_mentions(doc, context))


def one(nlp: Language, text: str, **kwargs: object) -> Claim:
    claims = read(nlp, text, **kwargs)  # type: ignore[arg-type]
    assert len(claims) == 1, [(c.measure, c.value, c.text) for c in claims]
    return claims[0]


def test_according_to_a_ministry(nlp: Language) -> None:
    claim = one(
        nlp,
        "According to the Interior Ministry, about 4,000 North Korean workers were in Russia "
        "last year.",
    )
    assert (claim.measure, claim.value, claim.unit, claim.qualifier) == (
        "dprk_workers_in:russia",
        4000,
        "persons",
        "approx",
    )
    assert (claim.as_of, claim.as_of_kind) == ("2018", "relative-resolved")
    assert claim.asserted_by == "Interior Ministry"
    assert claim.measure_label == "North Korean workers in Russia"


def test_subject_of_a_reporting_verb_asserts(nlp: Language) -> None:
    claim = one(
        nlp,
        "The Mongolian labour ministry said 1,200 North Korean laborers worked in Mongolia "
        "in 2016.",
    )
    assert (claim.measure, claim.value, claim.as_of, claim.as_of_kind) == (
        "dprk_workers_in:mongolia",
        1200,
        "2016",
        "stated",
    )
    assert claim.asserted_by is not None and "labour ministry" in claim.asserted_by


def test_a_country_report_to_the_un(nlp: Language) -> None:
    claim = one(
        nlp,
        "Russia's report to the UN put the number of North Korean workers at 11,490 by the end "
        "of 2018.",
    )
    assert (claim.measure, claim.value, claim.as_of) == ("dprk_workers_in:russia", 11490, "2018-12")
    assert claim.asserted_by == "Russia"


def test_the_country_points_back_to_the_last_place(nlp: Language) -> None:
    claim = one(
        nlp,
        "In its report to the UN in March 2019, Mongolia acknowledged that 1,200 North Koreans "
        "still worked in the country.",
    )
    assert (claim.measure, claim.as_of, claim.asserted_by) == (
        "dprk_workers_in:mongolia",
        "2019-03",
        "Mongolia",
    )


def test_a_pronoun_asserter_is_the_person_named_before(nlp: Language) -> None:
    claims = read(
        nlp,
        "Andrei Lankov is a historian in Seoul. “At least 800 North Korean workers are "
        "in Vladivostok,” he said.",
    )
    assert len(claims) == 1
    assert (claims[0].qualifier, claims[0].value, claims[0].asserted_by) == (
        "at_least",
        800,
        "Andrei Lankov",
    )
    assert claims[0].measure == "dprk_workers_in:vladivostok"


def test_a_figure_without_a_date_takes_the_document_date(nlp: Language) -> None:
    claim = one(nlp, "Roughly 700 North Korean workers are in Poland.")
    assert (claim.as_of, claim.as_of_kind) == ("2019-06-14", "document-date")
    assert claim.confidence < 0.99
    unknown = one(nlp, "Roughly 700 North Korean workers are in Poland.", published=None)
    assert (unknown.as_of, unknown.as_of_kind) == (None, "unknown")


@pytest.mark.parametrize(
    ("sentence", "as_of"),
    [
        ("Some 3,000 North Korean workers remained in Russia by October.", "2018-10"),
        ("Some 3,000 North Korean workers will remain in Russia later this year.", "2019"),
        ("As of 2018, some 3,000 North Korean workers were in Russia.", "2018"),
        ("In 2017, some 3,000 North Korean workers were in Russia.", "2017"),
        ("At the end of 2017, some 3,000 North Korean workers were in Russia.", "2017-12"),
    ],
)
def test_relative_and_stated_dates(nlp: Language, sentence: str, as_of: str) -> None:
    assert one(nlp, sentence).as_of == as_of


def test_each_figure_takes_its_own_date(nlp: Language) -> None:
    claims = read(
        nlp,
        "In 2016, trade between North Korea and China was $5.3 billion, down from a high of "
        "$6.9 billion in 2014.",
    )
    assert [(c.measure, c.value, c.unit, c.as_of) for c in claims] == [
        ("dprk_trade_with:china", 5_300_000_000, "USD", "2016"),
        ("dprk_trade_with:china", 6_900_000_000, "USD", "2014"),
    ]


def test_a_date_in_a_clause_about_something_else_does_not_date_the_figure(
    nlp: Language,
) -> None:
    claim = one(
        nlp,
        "He will send 40 North Korean workers to Abkhazia, a region that broke away from "
        "Georgia in 1993.",
    )
    assert (claim.measure, claim.as_of_kind) == ("dprk_workers_sent_to:abkhazia", "document-date")


def test_money_in_other_currencies(nlp: Language) -> None:
    claim = one(nlp, "North Korea owes Russia 2 billion rubles, the finance ministry said.")
    assert (claim.measure, claim.value, claim.unit) == ("dprk_debt_to:russia", 2e9, "RUB")


def test_shares_fractions_and_percents(nlp: Language) -> None:
    percent = one(nlp, "Mongolia has sent home 40 percent of the North Korean workers it hosted.")
    assert (percent.measure, percent.value, percent.unit) == (
        "dprk_workers_repatriated_share_from:mongolia",
        40,
        "percent",
    )
    fraction = one(nlp, "Poland has sent home nearly two-thirds of its North Korean workers.")
    assert (fraction.value, fraction.unit, fraction.qualifier) == (0.6667, "ratio", "approx")


def test_a_later_as_high_as_widens_the_estimate_into_a_range(nlp: Language) -> None:
    claim = one(
        nlp,
        "Officials estimate that 5,000 North Korean workers are in Poland, though some say the "
        "number is as high as 8,000.",
    )
    assert (claim.value, claim.value_low, claim.value_high, claim.qualifier) == (
        5000,
        5000,
        8000,
        "range",
    )


def test_between_x_and_y(nlp: Language) -> None:
    claim = one(nlp, "Between 20,000 and 30,000 North Korean workers were in Russia in 2017.")
    assert (claim.value_low, claim.value_high, claim.as_of) == (20_000, 30_000, "2017")


def test_rates_keep_their_period(nlp: Language) -> None:
    claim = one(nlp, "The regime earns more than $300 million a year from workers abroad.")
    assert (claim.measure, claim.qualifier, claim.period) == (
        "dprk_overseas_earnings",
        "more_than",
        "year",
    )


def test_words_and_employers(nlp: Language) -> None:
    claim = one(nlp, "Ivan Petrov runs a team of thirty North Korean builders in Khabarovsk.")
    assert (claim.measure, claim.value, claim.subject_name) == (
        "dprk_workers_employed",
        30,
        "Ivan Petrov",
    )


def test_designations_are_counted(nlp: Language) -> None:
    claim = one(nlp, "On March 3 the Treasury sanctioned 11 entities linked to the network.")
    assert (claim.measure, claim.value, claim.unit, claim.as_of) == (
        "designated_entities",
        11,
        "entities",
        "2019-03-03",
    )


@pytest.mark.parametrize(
    "text",
    [
        "UN Security Council resolution 2397 told states to send North Korean workers home "
        "within 24 months.",
        "Executive Order 13722 blocks the property of the regime.",
        "The office at 12 Tverskaya Street, Moscow, houses a trading firm.",
        "A 45-year-old North Korean worker, aged 45, was detained.",
        "On December 22, 2019, the deadline for North Korean workers passed.",
        "Call the embassy of North Korea on +7 495 143 6249 about workers.",
        "The 2018 World Cup stadiums were built partly by North Korean workers.",
        "Sanctions are never 100% effective against North Korean workers schemes.",
        "Thousands of North Korean workers are still in Russia.",
        "One North Korean worker told reporters he was paid little.",
        "Page 12 of the report lists North Korean workers.",
    ],
)
def test_no_claims_from_labels_dates_ages_addresses_or_vague_words(
    nlp: Language, text: str
) -> None:
    assert read(nlp, text) == []


def test_text_in_russian_or_korean_does_not_crash(nlp: Language) -> None:
    russian = "В 2018 году в России работали около 11 490 граждан КНДР, сообщило МВД."
    korean = "북한 노동자 약 3만 명이 러시아에 있다고 국가정보원이 밝혔다."
    for text in (russian, korean, "ООО «Мехянсан» 2019", ""):
        claims = read(nlp, text)
        assert all(c.text in text for c in claims)


def test_spans_are_offsets_in_the_original_text(nlp: Language) -> None:
    clean = "Some 3,000 North Korean workers were in Russia in 2017."
    original = "<!-- ad --> " + clean.replace("workers", "workers")
    claims = read(nlp, clean, original=original, offsets=OffsetMap([[0, 12, len(clean)]]))
    assert len(claims) == 1
    claim = claims[0]
    assert original[claim.start : claim.end] == claim.text == "Some 3,000"
    assert claim.sentence == clean


def test_a_figure_repeated_in_one_document_is_one_claim(nlp: Language) -> None:
    claims = read(
        nlp,
        "Some 3,000 North Korean workers were in Russia in 2017. Officials repeat that some "
        "3,000 North Korean workers were in Russia in 2017.",
    )
    assert len(claims) == 1


def test_the_nearest_cue_names_a_money_figure(nlp: Language) -> None:
    claims = read(
        nlp,
        "After Russia wrote off about 90 percent of the roughly $11 billion debt in 2014, the rest "
        "was to fund trade projects.",
    )
    assert [(c.measure, c.value, c.as_of, c.asserted_by) for c in claims] == [
        ("dprk_debt_forgiven_share:russia", 90, "2014", None),  # "wrote off" reports nothing
        ("dprk_debt_to:russia", 11e9, "2014", None),
    ]


def test_now_dates_a_figure_to_the_document(nlp: Language) -> None:
    claims = read(
        nlp, "In 2017 Poland had 800 North Korean workers and now has 300 North Korean workers."
    )
    assert [(c.value, c.as_of) for c in claims] == [(800, "2017"), (300, "2019-06-14")]


def test_listing_people_is_a_designation_but_listing_a_phone_is_not(nlp: Language) -> None:
    listed = one(nlp, "The European Union listed three North Korean nationals on 2 May 2019.")
    assert (listed.measure, listed.value, listed.as_of) == (
        "designated_individuals",
        3,
        "2019-05-02",
    )
    assert (
        read(
            nlp,
            "Four firms share one office in Khabarovsk. Two of them list the same telephone "
            "number.",
        )
        == []
    )


def test_vague_several_thousand_is_not_a_figure(nlp: Language) -> None:
    assert (
        read(nlp, "Researchers estimated that several thousand North Korean workers stayed.") == []
    )


def test_nationality_carries_over_and_entries_are_not_stocks(nlp: Language) -> None:
    claims = read(
        nlp,
        "Korea Sobaeksu Trading Company employed 400 North Korean laborers in Vietnam. The "
        "company sent 1,200 workers to Mongolia between 2015 and 2017. In 2019, 16,613 North "
        "Koreans entered Russia, according to border statistics.",
    )
    by_value = {c.value: c for c in claims}
    assert by_value[400].measure == "dprk_workers_employed"
    assert by_value[400].subject_name == "Korea Sobaeksu Trading Company"
    assert (by_value[1200].measure, by_value[1200].as_of) == (
        "dprk_workers_sent_to:mongolia",
        "2017",
    )
    assert by_value[1200].confidence < by_value[400].confidence  # inherited nationality
    assert by_value[16613].measure == "dprk_nationals_entering:russia"


def test_a_rate_belongs_to_the_figure_it_follows(nlp: Language) -> None:
    claims = read(
        nlp,
        "The panel estimates that more than 100,000 North Korean workers remain overseas, "
        "generating over $500 million annually.",
    )
    assert [(c.measure, c.period) for c in claims] == [
        ("dprk_workers_in:world", None),
        ("dprk_overseas_earnings", "year"),
    ]


def test_employed_without_an_employer_is_a_stock(nlp: Language) -> None:
    claim = one(
        nlp, "In Poland, about 800 North Korean workers were employed in shipyards in 2016."
    )
    assert (claim.measure, claim.as_of) == ("dprk_workers_in:poland", "2016")


def test_frozen_assets(nlp: Language) -> None:
    claim = one(nlp, "The EU froze assets worth €4.6 million in 2018.")
    assert (claim.measure, claim.value, claim.unit, claim.as_of) == (
        "assets_frozen",
        4_600_000,
        "EUR",
        "2018",
    )


def test_an_annual_flow_named_before_the_figure_is_a_rate(nlp: Language) -> None:
    claim = one(
        nlp,
        "The State Department put the annual flow of North Korean workers to Russia at roughly "
        "20,000 people.",
    )
    assert (claim.value, claim.period, claim.qualifier) == (20_000, "year", "approx")


def test_one_unreadable_sentence_does_not_cost_the_others(
    nlp: Language, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sanctionwatch.extract.claimkit import analysis

    real = analysis.match_measure

    def flaky(quantity, root, *args):  # type: ignore[no-untyped-def]
        if quantity.value == 700:
            raise ValueError("odd parse")
        return real(quantity, root, *args)

    monkeypatch.setattr(analysis, "match_measure", flaky)
    claims = read(
        nlp,
        "Roughly 700 North Korean workers are in Poland. Some 3,000 North Korean workers were in "
        "Russia in 2017.",
    )
    assert [c.value for c in claims] == [3000]
