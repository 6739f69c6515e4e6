"""Publication-date forms added in session 4: labelled and bracketed datelines, parts of a year,
dates the text puts in "last year", and a landmark deadline. Texts written for the tests."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sanctionwatch.ingest.clean import clean_text
from sanctionwatch.ingest.dates import find_dateline, find_dates, span_deadlines, yearless_last_year
from sanctionwatch.ingest.formats import TEXT, parse
from sanctionwatch.ingest.landmarks import LandmarksError, load_landmarks
from sanctionwatch.ingest.metadata import Metadata, describe


def _describe(text: str, url: str | None = None) -> Metadata:
    parsed = parse(text.encode("utf-8"), TEXT)
    return describe(parsed, clean_text(parsed.text), url=url)


def _rules(meta: Metadata) -> list[str]:
    return [clue["rule"] for clue in json.loads(meta.date.evidence())["candidates"]]


def test_a_date_label_dates_the_page_even_when_the_paragraph_runs_on() -> None:
    text = (
        "Date: 2016-04-11 Shipyard owners along the coast said in 2015 that contracts with "
        "foreign crews had doubled, and that the work would continue through the winter."
    )
    meta = _describe(text)
    assert (meta.date.value, meta.date.kind, meta.date.method) == (
        "2016-04-11",
        "given",
        "published-line",
    )


def test_a_date_inside_a_paragraph_is_not_a_label() -> None:
    text = "Harbour records show that on 2016-04-11 the trawler left port with forty crew aboard."
    assert find_dateline(text) is None


def test_an_outlet_with_a_bracketed_european_date_is_a_dateline() -> None:
    text = (
        "Headline about crews abroad\n\n"
        "NKN (14.03.2019) – The ministry said in September that new crews had arrived.\n"
    )
    meta = _describe(text)
    assert (meta.date.value, meta.date.kind, meta.date.method) == (
        "2019-03-14",
        "given",
        "dateline",
    )


def test_a_bracketed_date_after_words_that_are_no_outlet_is_not_a_dateline() -> None:
    text = "the report was filed late (14.03.2019) – so the panel could not read it"
    assert find_dateline(text) is None


def test_parts_of_a_year_count_as_that_year_but_joined_numbers_do_not() -> None:
    found = {m.text for m in find_dates("As of mid-2018 sales rose; codes 4-2019 and 11-2020.")}
    assert found == {"2018"}
    meta = _describe("By early-2017 the firm had opened offices. By mid-2018 it had earned more.")
    assert meta.date.value == "2018"


def test_a_date_put_in_last_year_dates_the_text_to_the_year_after() -> None:
    text = (
        "Customs data for 2018 were published in the spring.\n\n"
        "Officials said the ships had to leave port by Oct. 3 last year, but two stayed."
    )
    assert [(m.month, m.day) for m in yearless_last_year(text)] == [(10, 3)]
    meta = _describe(text)
    assert (meta.date.value, meta.date.method) == ("2019", "year-after-last-year")
    assert meta.date.kind == "inferred"
    assert "year-after-last-year" in _rules(meta)


def test_a_year_less_date_without_last_year_is_not_read_as_last_year() -> None:
    assert yearless_last_year("The ships had to leave port by Oct. 3, officials said.") == []
    assert yearless_last_year("The ships left by Oct. 3 this year.") == []


def test_a_missed_repatriation_deadline_is_a_landmark_lower_bound() -> None:
    meta = _describe(
        "The ministry said on Monday that it had missed the U.N. deadline to repatriate "
        "the remaining crews, and that 2018 arrivals were still there."
    )
    assert meta.date.value == "2019-12-22"
    assert meta.date.method == "landmark-event"


def test_missed_deadline_and_last_year_together_give_the_year_after_the_deadline() -> None:
    meta = _describe(
        "Officials admitted they had missed a United Nations deadline to repatriate workers.\n"
        "A resolution adopted in 2017 demanded that all of them leave by Dec. 22 last year."
    )
    assert (meta.date.value, meta.date.method) == ("2020", "year-after-last-year")


def test_an_imminent_span_deadline_dates_an_undated_text_to_its_month() -> None:
    meta = _describe(
        "Officials warned that the deadline for ports to expel foreign crews is unlikely to be "
        "met.\nA rule adopted in March 2021 obliged every port to expel them within 18 months."
    )
    assert (meta.date.value, meta.date.kind, meta.date.method) == (
        "2022-09",
        "inferred",
        "imminent-deadline",
    )
    assert meta.date.phrase == "within 18 months"


def test_a_span_deadline_without_an_imminent_cue_is_not_evidence() -> None:
    meta = _describe(
        "Officials said the deadline for ports to expel foreign crews had been discussed.\n"
        "A rule adopted in March 2021 obliged every port to expel them within 18 months."
    )
    assert meta.date.method != "imminent-deadline"
    assert meta.date.value == "2021-03"


def test_a_span_from_an_undated_event_sets_no_deadline() -> None:
    assert span_deadlines("The crews must leave within two years, officials said in 2020.") == []
    found = span_deadlines("Adopted in June 2019, the rule gives ports until within two years.")
    assert [d.value for d in found] == ["2021-06"]


def test_imminent_deadline_cues_must_be_a_list_of_phrases(tmp_path: Path) -> None:
    path = tmp_path / "landmarks.yaml"
    path.write_text('version: "1"\nimminent_deadline: looming\nevents: []\n', encoding="utf-8")
    with pytest.raises(LandmarksError, match="imminent_deadline"):
        load_landmarks(path)
    path.write_text('version: "1"\nimminent_deadline: [looming]\nevents: []\n', encoding="utf-8")
    assert load_landmarks(path).imminent_deadline is not None


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("April 9, 2021 10:45 AM ET", "2021-04-09"),
        ("Published 3:45 PM EST, Thu April 8, 2021", "2021-04-08"),
        ("Fri 9 Apr 2021 06.00 GMT", "2021-04-09"),
        ("Updated April 9, 2021, 10:12 a.m.", "2021-04-09"),
        ("Anna Berg | 9 April 2021", "2021-04-09"),
        ("09 Apr 2021 | 10:12 GMT", "2021-04-09"),
        ("Published: 09.04.2021, 10:12", "2021-04-09"),
        ("BUSAN, April 9, 2021 (Newswire) -- Crews left the port.", "2021-04-09"),
    ],
)
def test_common_date_lines_with_clock_times_weekdays_and_bylines(line: str, expected: str) -> None:
    mention = find_dateline(f"Crews leave the port\n{line}\nThe rest of the story follows.")
    assert mention is not None and mention.value == expected


def test_a_date_with_a_time_inside_a_sentence_is_not_a_date_line() -> None:
    text = "Crews leave the port\nThe talks of April 9, 2021 at 10:00 were short.\nMore."
    assert find_dateline(text) is None
