"""Publication dates from ranked evidence, one rule per test, on texts written for the tests."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sanctionwatch.ingest.clean import clean_text
from sanctionwatch.ingest.dates import find_dateline, find_yearless_dateline, yearless_past_events
from sanctionwatch.ingest.formats import HTML, TEXT, parse
from sanctionwatch.ingest.landmarks import LandmarksError, load_landmarks
from sanctionwatch.ingest.metadata import Metadata, describe


def _describe(text: str, url: str | None = None) -> Metadata:
    parsed = parse(text.encode("utf-8"), TEXT)
    return describe(parsed, clean_text(parsed.text), url=url)


def _rules(meta: Metadata) -> list[str]:
    return [clue["rule"] for clue in json.loads(meta.date.evidence())["candidates"]]


def test_a_year_less_day_lands_in_the_first_year_after_the_latest_dated_event() -> None:
    meta = _describe(
        "Customs officers at the port found hidden cash in November 2020, the agency said.\n\n"
        "On March 12, the ministry told reporters that the crews had been sent home."
    )
    assert (meta.date.value, meta.date.kind, meta.date.method) == (
        "2021-03-12",
        "inferred",
        "year-less-event",
    )
    assert meta.date.phrase == "March 12"
    assert _rules(meta)[:2] == ["year-less-event", "latest-event"]
    assert 0 < meta.date.confidence < 0.5
    assert "lower bound" in meta.date.note


def test_a_month_without_a_year_after_the_bound_moves_it_forward() -> None:
    meta = _describe(
        "The shipyard hired forty welders on September 9, 2022. "
        "The Treasury named the broker early in February, citing payroll transfers."
    )
    assert (meta.date.value, meta.date.method) == ("2023-02", "year-less-event")


def test_deadlines_plans_and_relative_years_do_not_date_the_article() -> None:
    text = (
        "The council adopted the measure in October 2019. Firms must send staff home by the "
        "April 30 deadline. The ministry will publish its tally on June 1. The quota ends on "
        "August 15 this year."
    )
    assert yearless_past_events(text) == []
    assert _describe(text).date.value == "2019-10"


def test_a_year_less_date_after_a_stated_year_in_its_sentence_keeps_that_year() -> None:
    text = "The agency opened in May 2015, and on June 3 it hired its first crews."
    assert yearless_past_events(text) == []
    assert _describe(text).date.value == "2015-05"


def test_a_year_after_the_year_less_date_does_not_anchor_it() -> None:
    text = (
        "Prices fell in December 2018. A customs note on April 2 said 4,000 crates had left "
        "as of 2018."
    )
    assert [m.text for m in yearless_past_events(text)] == ["April 2"]
    assert _describe(text).date.value == "2019-04-02"


def test_a_landmark_event_bounds_the_date_and_places_year_less_dates() -> None:
    meta = _describe(
        "Four months after Russia invaded Ukraine, sanctions keep coming. A report filed in "
        "May 2020 counted a few hundred crews. In February, a court fined the broker, and on "
        "June 3 the regulator closed two agencies."
    )
    assert meta.date.value == "2022-06-03"
    landmark = next(
        c for c in json.loads(meta.date.evidence())["candidates"] if c["rule"] == "landmark-event"
    )
    assert landmark["value"] == "2022-02-24"
    assert "Ukraine" in landmark["phrase"]


def test_a_month_in_the_landmark_s_own_month_stays_in_that_year() -> None:
    meta = _describe("Since the invasion of Ukraine the port is quiet. In February, it shut.")
    assert meta.date.value == "2022-02-24"


def test_a_year_naming_an_event_is_not_a_date() -> None:
    meta = _describe(
        "Crews worked on the pitch for the 2022 World Cup in 2016. Builders of World Cup 2018 "
        "venues were seen in 2017."
    )
    assert meta.date.value == "2017"


def test_wire_dateline_without_a_year_takes_it_from_the_url_or_the_text() -> None:
    body = "KHABAROVSK, Oct. 4 (Wirewire) - Police said the crews arrived in August 2019.\n"
    from_text = _describe(body)
    assert (from_text.date.value, from_text.date.method) == (
        "2019-10-04",
        "dateline-year-from-text",
    )
    assert from_text.date.kind == "inferred"
    from_url = _describe(body, url="https://wire.example/2020/10/crews")
    assert (from_url.date.value, from_url.date.method, from_url.date.kind) == (
        "2020-10-04",
        "dateline-without-year",
        "given",
    )
    mention = find_yearless_dateline(body)
    assert mention is not None and body[mention.start : mention.end] == "Oct. 4"


def test_published_line_wins_over_an_updated_line_above_it() -> None:
    text = (
        "Labour brokers fined\n"
        "Updated: 9 March 2021\n"
        "Published: 3 March 2021\n\n"
        "A court fined two brokers in February 2021 for hiring crews."
    )
    mention = find_dateline(text)
    assert mention is not None and mention.value == "2021-03-03"
    meta = _describe(text)
    assert (meta.date.value, meta.date.method) == ("2021-03-03", "published-line")


def test_an_updated_line_alone_is_used_with_less_confidence() -> None:
    meta = _describe("Brokers fined\nUpdated: 9 March 2021\n\nA court fined two brokers.")
    assert (meta.date.value, meta.date.method) == ("2021-03-09", "updated-line")
    assert meta.date.confidence < 0.9


@pytest.mark.parametrize(
    ("head", "body"),
    [
        (
            "<script type='application/ld+json'>"
            '{"@type": "NewsArticle", "datePublished": "2021-06-14T08:00:00Z", "headline": "X"}'
            "</script>",
            "",
        ),
        ("<meta property='article:published_time' content='2021-06-14T08:00:00+00:00'>", ""),
        ("", "<p class='byline'><time datetime='2021-06-14'>14 June 2021</time></p>"),
    ],
)
def test_html_declared_dates(head: str, body: str) -> None:
    page = (
        f"<html><head>{head}<title>T</title></head><body><article>{body}<p>"
        + "Crews were sent to the site in May 2019, a spokesman for the builder said. " * 3
        + "</p></article></body></html>"
    )
    parsed = parse(page.encode("utf-8"), HTML)
    meta = describe(parsed, clean_text(parsed.text))
    assert (meta.date.value, meta.date.kind, meta.date.method) == (
        "2021-06-14",
        "given",
        "html-metadata",
    )
    assert meta.date.confidence >= 0.9


def test_a_given_date_the_text_contradicts_is_kept_but_flagged() -> None:
    meta = _describe(
        "Brokers fined\nPublished: 3 March 2018\n\nThe court fined two brokers in June 2019."
    )
    assert meta.date.value == "2018-03-03"
    assert "June 2019" in meta.date.note
    assert meta.date.confidence < 0.9
    assert "latest-event" in _rules(meta)


def test_landmarks_file_is_validated(tmp_path: Path) -> None:
    landmarks = load_landmarks()
    assert landmarks.version and len(landmarks.events) >= 10
    found = landmarks.find("Resolution 2397 tightened the rules; UNSCR 2321 capped accounts.")
    assert [m.landmark.date for m in found] == ["2017-12-22", "2016-11-30"]
    bad = tmp_path / "landmarks.yaml"
    bad.write_text("version: '1'\nevents:\n  - name: x\n    date: soon\n    patterns: ['a']\n")
    with pytest.raises(LandmarksError, match=r"landmarks.yaml: event 1 \(x\): 'date'"):
        load_landmarks(bad)
    bad.write_text("events: []\n")
    with pytest.raises(LandmarksError, match="version"):
        load_landmarks(bad)
    bad.write_text("version: '1'\nevents:\n  - name: x\n    date: '2020'\n    patterns: ['(a']\n")
    with pytest.raises(LandmarksError, match="bad pattern"):
        load_landmarks(bad)


def test_european_numeric_dates_are_day_first() -> None:
    from sanctionwatch.ingest.dates import find_dates

    assert [m.value for m in find_dates("Reprinted (02.08.2018) from the daily")] == ["2018-08-02"]
    assert find_dates("version 1.2.2019.4") == []
    assert find_dates("on 31.02.2019") == []
