from __future__ import annotations

import json
from datetime import date

import pytest

from sanctionwatch.ingest.dates import (
    date_from_url,
    find_dateline,
    find_dates,
    latest_event,
    normalise_date,
)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Sunday, February 3, 2019", "2019-02-03"),
        ("Feb. 3, 2019", "2019-02-03"),
        ("Sept. 30, 2017", "2017-09-30"),
        ("2019-02-03", "2019-02-03"),
        ("3 February 2019", "2019-02-03"),
        ("the 22nd of December 2019", "2019-12-22"),
        ("in May 2017", "2017-05"),
        ("as of Dec. 2017", "2017-12"),
        ("since 1967", "1967"),
    ],
)
def test_date_forms(text: str, value: str) -> None:
    assert [mention.value for mention in find_dates(text)] == [value]


@pytest.mark.parametrize(
    "text",
    [
        "resolution 2397 was adopted",
        "a payment of $2019",
        "some 2,019 workers",
        "February 30, 2019",
        "Flight 2017 landed",
    ],
)
def test_numbers_that_are_not_dates(text: str) -> None:
    assert find_dates(text) == []


def test_dateline_near_the_top_is_given() -> None:
    text = (
        "Workers stay despite the ban\n"
        "Jane Roe and John Doe\n"
        "Sunday, February 3, 2019\n\n"
        "MOSCOW: The ministry said in January 2019 that 10,000 workers remained."
    )
    mention = find_dateline(text)
    assert mention is not None
    assert mention.value == "2019-02-03"
    assert text[mention.start : mention.end] == "Sunday, February 3, 2019"


def test_wire_dateline_at_the_start_of_the_first_paragraph() -> None:
    text = "VLADIVOSTOK, Russia, Oct. 2, 2018 – Officials closed a restaurant on Monday."
    mention = find_dateline(text)
    assert mention is not None and mention.value == "2018-10-02"


def test_a_date_inside_a_sentence_is_not_a_dateline() -> None:
    text = "The Treasury designated the firm on January 14, 2020, citing labour exports."
    assert find_dateline(text) is None


def test_latest_event_skips_future_phrasing_and_the_future() -> None:
    text = (
        "Workers arrived in 2016. In March 2018 the state reported 30,000 workers. "
        "All must leave by 2019. The stadium will be used during the 2022 World Cup. "
        "Officials expect a decline by 2030."
    )
    event = latest_event(text, today=date(2020, 1, 1))
    assert event is not None
    assert event.value == "2018-03"
    assert text[event.start : event.end] == "March 2018"


def test_latest_event_ignores_dates_after_today() -> None:
    text = "Reports were filed in 2018. The firm was dissolved in 2031."
    event = latest_event(text, today=date(2025, 6, 1))
    assert event is not None and event.value == "2018"


def test_abbreviated_month_does_not_split_the_sentence() -> None:
    event = latest_event("Officials met in Moscow, Jan. 16, 2019, to discuss it.")
    assert event is not None and event.value == "2019-01-16"


def test_url_dates_and_metadata_values() -> None:
    found = date_from_url("https://example.org/news/2017/09/workers-russia/539592/")
    assert found is not None and found.value == "2017-09"
    assert date_from_url("https://example.org/about") is None
    assert normalise_date("2019-02-03T10:00:00+00:00") == "2019-02-03"
    assert normalise_date("February 3, 2019") == "2019-02-03"
    assert normalise_date("soon") is None
    assert json.loads(json.dumps({"ok": True}))["ok"]
