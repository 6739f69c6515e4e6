"""Session 6 (`figures2`): figures found on pages nobody tuned on, and their as-of dates.

A learned filter for figures no measure rule names, enforcement counts, populations and
restated enumerations left out, spans of dates, "on Thursday" and "as of last month". Every
sentence is written for these tests; none is taken from a page of any set."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from spacy.language import Language
from test_claims import read

from sanctionwatch.extract.claimkit import figures
from sanctionwatch.extract.claimkit.dates import DocumentDate, find_dates
from sanctionwatch.extract.claimkit.vocabulary import (
    VOCABULARY_PATH,
    VocabularyError,
    default_vocabulary,
    load_vocabulary,
    parse_vocabulary,
)
from sanctionwatch.extract.claims import Claim, find_claims
from sanctionwatch.extract.entities import find_mentions
from sanctionwatch.extract.types import DocumentContext
from sanctionwatch.store.offsets import OffsetMap


def _rows(claims: list[Claim]) -> list[tuple[str, float, str]]:
    return [(c.measure.split(":")[0], c.value, c.unit) for c in claims]


def _read_at(nlp: Language, text: str, published: str, **kwargs: Any) -> list[Claim]:
    context = DocumentContext("e" * 64, text, OffsetMap.identity(len(text)), None)
    doc = nlp(text)
    return find_claims(
        doc, context, find_mentions(doc, context), published=DocumentDate.parse(published), **kwargs
    )


# --- the learned filter -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        (
            "The indictment says the North Korean scheme took in over $5.5 million from "
            "clients in Europe.",
            5_500_000,
            "USD",
        ),
        (
            "The North Korean IT workers obtained jobs at more than 70 U.S. firms, the "
            "indictment says.",
            70,
            "companies",
        ),
        (
            "Seoul estimates North Korea needs some $400 million a year to keep its missile "
            "programmes going.",
            400_000_000,
            "USD",
        ),
    ],
)
def test_the_learned_filter_keeps_figures_no_rule_names(
    nlp: Language, text: str, value: float, unit: str
) -> None:
    kept = [(c.value, c.unit, c.measure) for c in read(nlp, text) if c.value == value]
    assert kept == [(value, unit, "other_figure")]
    # the rules alone do not store it: the filter found it
    without = _read_at(nlp, text, "2019-06-14", learned=False)
    assert all(c.value != value for c in without)


def test_a_figure_only_the_filter_kept_is_marked_and_less_sure(nlp: Language) -> None:
    # "people", not "Americans": the filter's model is trained on figures whose value AND unit
    # match the gold (session 7), and a unit named after a nationality never matches one.
    text = (
        "North Korea's hackers used the stolen identities of more than 90 people to get "
        "remote jobs, and their wages went back to Pyongyang."
    )
    learned = [c for c in read(nlp, text) if c.measure == "other_figure"]
    assert learned, "the filter should keep the count of identities"
    for claim in learned:
        assert claim.confidence <= 0.6
        assert claim.measure_label == default_vocabulary().learned_measure.label  # type: ignore[union-attr]
    assert not [
        c for c in _read_at(nlp, text, "2019-06-14", learned=False) if c.measure == "other_figure"
    ]


@pytest.mark.parametrize(
    "text",
    [
        # no subject named in this sentence or the one before
        "The city closed 40 restaurants for a health inspection in 2019.",
        "The new stadium in the capital cost $200 million and seats 40,000 people.",
        # the subject is named, but the figure is a year, an age, a duration or a death toll
        "North Korea's border clashes killed 12 people in the spring.",
        "The North Korean defector, 34, spent 11 years in a labour camp.",
        "North Korean workers there toil 14 hours a day.",
        "North Korea fired 22 ballistic missiles last year.",
    ],
)
def test_the_learned_filter_keeps_nothing_off_the_subject(nlp: Language, text: str) -> None:
    assert [c for c in read(nlp, text) if c.measure == "other_figure"] == []


def test_a_figure_the_filter_keeps_twice_is_one_claim(nlp: Language) -> None:
    text = (
        "The indictment says the North Korean scheme took in over $5.5 million from clients in "
        "Europe. Prosecutors said the North Korean scheme took in over $5.5 million."
    )
    assert [c.value for c in read(nlp, text)].count(5_500_000) == 1


def test_pay_by_the_hour_is_a_rate(nlp: Language) -> None:
    claims = read(nlp, "North Korean IT workers were paid $3.40 per hour by the two shell firms.")
    assert [(c.measure, c.value, c.period) for c in claims] == [("dprk_worker_pay", 3.4, "hour")]


def _model(tmp_path: Path, **fields: Any) -> Path:
    data: dict[str, Any] = {"version": "9", "threshold": 0.5, "intercept": -1.0, "weights": {}}
    data.update(fields)
    path = tmp_path / "figure_model.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_the_model_is_read_in_pure_python(tmp_path: Path) -> None:
    model = figures.load_model(_model(tmp_path, weights={"kind=money": 3.0, "cue=dprk": 0.5}))
    assert model.version == "9"
    assert model.probability({}) == pytest.approx(1 / (1 + 2.718281828459045))
    money = model.probability({"kind=money": 1.0, "cue=dprk": 1.0, "unknown": 1.0})
    assert money == pytest.approx(1 / (1 + 2.718281828459045**-2.5))
    assert figures.default_model().threshold == pytest.approx(0.65)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"threshold": 1.5}, "threshold"),
        ({"threshold": "high"}, "threshold"),
        ({"intercept": None}, "intercept"),
        ({"weights": {"kind=money": "big"}}, "weights"),
        ({"weights": ["kind=money"]}, "weights"),
    ],
)
def test_a_broken_model_file_is_named(tmp_path: Path, fields: dict[str, Any], message: str) -> None:
    with pytest.raises(figures.FigureModelError, match=message) as raised:
        figures.load_model(_model(tmp_path, **fields))
    assert "figure_model.json" in str(raised.value)


def test_a_model_file_missing_a_field_or_unreadable_is_named(tmp_path: Path) -> None:
    path = _model(tmp_path)
    data = json.loads(path.read_text(encoding="utf-8"))
    del data["weights"]
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(figures.FigureModelError, match="weights"):
        figures.load_model(path)
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(figures.FigureModelError, match=r"figure_model\.json"):
        figures.load_model(path)


def test_without_a_learned_measure_the_filter_is_off(nlp: Language) -> None:
    data = yaml.safe_load(VOCABULARY_PATH.read_text(encoding="utf-8"))
    del data["learned_measure"]
    vocabulary = parse_vocabulary(data, VOCABULARY_PATH)
    text = (
        "Prosecutors said the North Korean network generated more than $6 million in revenue "
        "for the regime's weapons programmes."
    )
    context = DocumentContext("e" * 64, text, OffsetMap.identity(len(text)), date(2019, 6, 14))
    doc = nlp(text)
    claims = find_claims(doc, context, find_mentions(doc, context), vocabulary=vocabulary)
    assert all(c.measure != "other_figure" for c in claims)


def _broken(tmp_path: Path, change: Callable[[dict[str, Any]], None]) -> Path:
    data = yaml.safe_load(VOCABULARY_PATH.read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "vocabulary.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(learned_measure={"key": "x"}), "learned_measure"),
        (lambda d: d.update(learned_measure={"key": "x", "label": "y", "z": 1}), "unknown"),
        (lambda d: d.update(action_nouns=["seizure"]), "action_nouns"),
        (lambda d: d.update(action_nouns={"seizure": 3}), "action_nouns"),
        (lambda d: d.update(learned_never_nouns="year"), "learned_never_nouns"),
        (lambda d: d.update(population_holders=[1, 2]), "population_holders"),
    ],
)
def test_the_new_vocabulary_fields_are_checked(
    tmp_path: Path, change: Callable[[dict[str, Any]], None], message: str
) -> None:
    with pytest.raises(VocabularyError, match=message):
        load_vocabulary(_broken(tmp_path, change))


# --- enforcement counts -------------------------------------------------------------------


def test_people_reached_by_enforcement_are_counted(nlp: Language) -> None:
    charged = read(nlp, "A grand jury indicted nine North Korean men for wire fraud.")
    assert _rows(charged) == [("dprk_nationals_charged", 9, "persons")]
    detained = read(
        nlp, "Border guards detained four North Korean passport holders at the crossing."
    )
    assert _rows(detained) == [("dprk_nationals_detained", 4, "persons")]
    arrests = read(nlp, "The raid led to the arrest of six North Korean women.")
    assert _rows(arrests) == [("dprk_nationals_detained", 6, "persons")]


def test_means_of_a_scheme_seized_through_a_noun_of_action(nlp: Language) -> None:
    text = (
        "The operation against North Korea's IT workers included the seizure of 17 bank "
        "accounts holding laundered wages."
    )
    assert _rows(read(nlp, text)) == [("enforcement_seized", 17, "accounts")]
    froze = read(nlp, "Agents froze 12 accounts linked to the North Korean network.")
    assert _rows(froze) == [("enforcement_seized", 12, "accounts")]


def test_a_noun_of_action_without_a_count_of_interest_adds_nothing(nlp: Language) -> None:
    assert read(nlp, "The seizure of 17 paintings from a gallery in Paris made the news.") == []


# --- populations and restated enumerations ---------------------------------------------------


def test_a_population_is_not_a_figure_and_as_of_last_month_dates_the_other(
    nlp: Language,
) -> None:
    text = (
        "About 900 North Koreans worked in the small country of 2 million people as of last "
        "month, the labour ministry said."
    )
    claims = _read_at(nlp, text, "2018-03-09")
    assert [(c.value, c.as_of) for c in claims] == [(900, "2018-02")]


def test_the_month_before_the_page_wraps_the_year(nlp: Language) -> None:
    claims = _read_at(
        nlp, "There were 640 North Korean workers in the region as of last month.", "2018-01-15"
    )
    assert [(c.value, c.as_of, c.as_of_rule) for c in claims] == [(640, "2017-12", "relative")]


@pytest.mark.parametrize(
    "text",
    [
        "The workers were hired through two agencies, Alder Staffing Ltd and Birch Recruitment "
        "LLC, that also employ North Korean workers.",
        "Ferry tickets were bought by three North Korean nationals, Kim Chol Su, Pak Yong Il "
        "and Ri Song Ho.",
        "North Korea set up two front companies—Kestrel Trading and Osprey Logistics—in Dubai.",
    ],
)
def test_a_count_restating_an_enumeration_of_named_parties_is_no_claim(
    nlp: Language, text: str
) -> None:
    assert [c for c in read(nlp, text) if c.unit in ("companies", "persons")] == []


def test_a_count_not_followed_by_its_names_is_still_a_claim(nlp: Language) -> None:
    text = "Two North Korean companies employ 300 North Korean workers in Poland."
    assert ("dprk_workers_in", 300, "persons") in _rows(read(nlp, text))
    three = read(nlp, "Three North Korean nationals, all of them engineers, were indicted.")
    assert _rows(three) == [("dprk_nationals_charged", 3, "persons")]


# --- dates ---------------------------------------------------------------------------------


def test_a_span_of_months_dates_the_figure_by_its_end(nlp: Language) -> None:
    text = (
        "The network earned at least $12 million for North Korea between May 2016 and "
        "February 2021, prosecutors said."
    )
    claims = _read_at(nlp, text, "2021-06-02")
    assert [(c.value, c.as_of) for c in claims] == [(12_000_000, "2021-02")]
    until = _read_at(
        nlp,
        "North Korean workers held jobs at more than 60 firms from 2019 until March 2023.",
        "2023-08-01",
    )
    assert [(c.value, c.as_of) for c in until] == [(60, "2023-03")]


def test_year_spans_keep_their_end_year() -> None:
    found = find_dates("between 2015 and 2018", date(2019, 6, 14), default_vocabulary())
    assert [(d.as_of, d.rule) for d in found] == [("2018", "stated")]


@pytest.mark.parametrize(
    ("published", "expected"),
    [("2024-12-26", "2024-12-24"), ("2024-12", "2024-12"), ("2024", "2024")],
)
def test_the_days_action_on_a_weekday(nlp: Language, published: str, expected: str) -> None:
    # 26 December 2024 is a Thursday: "on Tuesday" is the 24th; a page known to the month or
    # the year only dates it no finer.
    text = "The Treasury Department on Tuesday designated three North Korean entities."
    claims = _read_at(nlp, text, published)
    assert [(c.value, c.as_of, c.as_of_rule) for c in claims] == [(3, expected, "weekday")]


def test_a_weekday_of_an_inferred_page_date_is_its_month(nlp: Language) -> None:
    text = "Police on Monday arrested five North Korean workers at a building site."
    context = DocumentContext("e" * 64, text, OffsetMap.identity(len(text)), None)
    doc = nlp(text)
    inferred = DocumentDate("2024-12-26", inferred=True)
    claims = find_claims(doc, context, find_mentions(doc, context), published=inferred)
    assert [(c.value, c.as_of) for c in claims] == [(5, "2024-12")]


def test_a_weekday_after_a_verb_of_publishing_dates_the_source_not_the_figure() -> None:
    vocabulary = default_vocabulary()
    said = find_dates("Officials said on Thursday that", date(2024, 12, 26), vocabulary)
    released = find_dates("figures released on Monday showed", date(2024, 12, 26), vocabulary)
    acted = find_dates("The ministry on Thursday banned", date(2024, 12, 26), vocabulary)
    assert said == [] and released == []
    assert [(d.as_of, d.rule) for d in acted] == [("2024-12-26", "weekday")]


def test_a_figure_restated_without_its_date_is_the_dated_claim(nlp: Language) -> None:
    text = (
        'A federal court indicted 11 North Korean men on March 3 for wire fraud. "The '
        'indictment of 11 North Korean nationals is a warning," a prosecutor said.'
    )
    claims = _read_at(nlp, text, "2023-03-09")
    assert [(c.value, c.as_of) for c in claims] == [(11, "2023-03-03")]
    # a figure restated with a date of its own is another estimate, kept
    again = _read_at(
        nlp,
        "About 400 North Korean workers were in Laos in 2017. About 400 North Korean workers "
        "were in Laos in 2019.",
        "2019-06-14",
    )
    assert [(c.value, c.as_of) for c in again] == [(400, "2017"), (400, "2019")]


def test_the_figure_model_version_is_stored_with_each_claim(nlp: Language) -> None:
    text = "About 400 North Korean workers were in Laos in 2017."
    with_filter = read(nlp, text)
    model = figures.default_model()
    assert [c.extractor_version.endswith(f"+m{model.version}") for c in with_filter] == [True]
    without = _read_at(nlp, text, "2019-06-14", learned=False)
    assert [("+m" in c.extractor_version) for c in without] == [False]


@pytest.mark.parametrize(
    "text",
    [
        "Two officials said 3,000 North Korean workers were in Kuwait.",
        "According to three diplomats, 3,000 North Korean workers remain in Kuwait.",
        "The figure is lower than the estimate offered by four officials: 3,000 North Korean "
        "workers in Kuwait.",
    ],
)
def test_a_count_of_the_sources_is_who_speaks_not_a_figure(nlp: Language, text: str) -> None:
    assert _rows(read(nlp, text)) == [("dprk_workers_in", 3000, "persons")]


def test_a_death_toll_is_not_a_figure_of_the_scheme(nlp: Language) -> None:
    text = (
        "About 46 North Korean workers were employed at the mine in Ruritania when a fire broke "
        "out, killing five people, including a North Korean."
    )
    assert _rows(read(nlp, text)) == [("dprk_workers_in", 46, "persons")]
    assert read(nlp, "The collapse killed 12 North Korean workers at the site.") == []


def test_a_large_count_before_said_is_a_figure_not_its_sources(nlp: Language) -> None:
    text = "Ruritania hosts 6,100 North Korean labourers, the labour ministry said."
    assert _rows(read(nlp, text)) == [("dprk_workers_in", 6100, "persons")]
