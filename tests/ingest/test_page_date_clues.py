"""Page dates of pasted text with little metadata: URL date forms, date lines, spans, year-less
dates near the latest event; every text is written for these tests."""

from __future__ import annotations

from datetime import date

import pytest

from sanctionwatch.ingest import ingest_bytes
from sanctionwatch.ingest.clean import clean_text
from sanctionwatch.ingest.dates import (
    YearlessMention,
    compact_date_from_url,
    date_from_url,
    find_dateline,
    find_dates,
    latest_event,
    yearless_last_year,
)
from sanctionwatch.ingest.formats import TEXT, parse
from sanctionwatch.ingest.metadata import Metadata, describe
from sanctionwatch.ingest.redate import reinfer_dates
from sanctionwatch.store import Database
from sanctionwatch.store.tables import DocumentRow

TODAY = date(2026, 11, 1)


def _describe(text: str, url: str | None = None) -> Metadata:
    parsed = parse(text.encode("utf-8"), TEXT)
    return describe(parsed, clean_text(parsed.text), url=url)


@pytest.mark.parametrize(
    ("url", "value"),
    [
        ("https://news.example.com/asia/20230309-481516", "2023-03-09"),
        ("https://wire.example.org/item/20190411093012-kx7q2", "2019-04-11"),
        ("https://m.example.kr/view/XYZ20210705001200315", "2021-07-05"),
        ("https://radio.example.net/korea/ports-11232022143005.html", "2022-11-23"),
        ("https://radio.example.net/korea/ports-04062022143005.html", "2022"),  # April 6 or 4 June
        ("https://paper.example.com/view.php?ud=20180102000511", "2018-01-02"),
    ],
)
def test_dates_written_as_runs_of_digits_in_a_url(url: str, value: str) -> None:
    found = compact_date_from_url(url, today=TODAY)
    assert found is not None and found.value == value


@pytest.mark.parametrize(
    "url",
    [
        "https://archive.example.com/story/28811234.html",  # a serial number, not a date
        "https://news.example.com/asia/20991231-000001",  # after today
        "https://20230309.example.com/asia/story",  # digits in the host
        "https://news.example.com/asia/2023030",  # seven digits
        None,
    ],
)
def test_digit_runs_that_are_not_page_dates(url: str | None) -> None:
    assert compact_date_from_url(url, today=TODAY) is None


def test_a_month_name_in_the_url_path_dates_the_page_to_its_month() -> None:
    found = date_from_url("https://library.example.gov/Posts/2016/September/Port_inspections")
    assert found is not None and (found.value, found.precision) == ("2016-09", "month")
    assert date_from_url("https://library.example.gov/Posts/2016/Mayor_visit") is None


def test_a_compact_url_date_is_given_evidence_for_a_page_without_a_date_line() -> None:
    meta = _describe(
        "Port officials count foreign crews\n\nThe agency said on Friday that crews had left.",
        url="https://news.example.com/asia/20230309-481516",
    )
    assert (meta.date.value, meta.date.kind, meta.date.method) == (
        "2023-03-09",
        "given",
        "url-compact-date",
    )


def test_a_url_that_gives_the_year_only_keeps_the_texts_month_inside_it() -> None:
    meta = _describe(
        "Inspectors visited three dormitories in August 2022 and found forty workers.",
        url="https://radio.example.net/korea/ports-04062022143005.html",
    )
    assert meta.date.value == "2022-08"
    assert "2022" in meta.date.note


@pytest.mark.parametrize(
    "line",
    ["18:45 KST, March 4, 2021", "7:05 a.m. EST, 4 March 2021", "09.30 GMT, March 4, 2021"],
)
def test_a_clock_time_before_the_date_on_its_own_line(line: str) -> None:
    text = f"Fishing crews return to port\n{line}\nAbout 300 sailors came back on Monday."
    mention = find_dateline(text)
    assert mention is not None and mention.value == "2021-03-04"


def test_day_month_year_with_hyphens_and_a_month_abbreviation() -> None:
    (mention,) = find_dates("Record printed 07-Mar-2019 14:02:11 by the registry.")
    assert (mention.value, mention.precision) == ("2019-03-07", "day")


def test_the_end_of_a_past_span_is_an_event_but_a_bare_until_looks_ahead() -> None:
    past = "The crew worked on the site from 2019 until March 2022, the inspectors found."
    ahead = "Rules were tightened in 2019. The permits stay valid until March 2030."
    found = latest_event(past, today=TODAY)
    assert found is not None and found.value == "2022-03"
    found = latest_event(ahead, today=TODAY)
    assert found is not None and found.value == "2019"


@pytest.mark.parametrize(
    ("month", "day", "bound", "value"),
    [
        (1, 9, (2021, 2, 20), "2021-01-09"),  # six weeks before, not eleven months after
        (3, 2, (2020, 11, 0), "2021-03-02"),  # four months after, not eight before
        (12, 0, (2019, 1, 10), "2018-12"),
        (6, 15, (2018, 6, 15), "2018-06-15"),
    ],
)
def test_a_year_less_date_is_placed_in_the_year_nearest_the_latest_event(
    month: int, day: int, bound: tuple[int, int, int], value: str
) -> None:
    assert YearlessMention(month, day, 0, 0, "").resolve_near(bound) == value


def test_a_year_less_date_just_before_a_dated_event_does_not_push_the_page_a_year_on() -> None:
    meta = _describe(
        "Guards stopped the strike at the plant on March 30, 2021, managers said.\n\n"
        "The workers had first refused to work on Feb. 26, demanding their wages."
    )
    assert meta.date.value == "2021-03-30"


def test_a_month_placed_last_year_dates_the_page_to_the_year_after() -> None:
    text = "Ten crews arrived in 2022. Border guards counted more of them in October last year."
    assert [(m.month, m.day) for m in yearless_last_year(text)] == [(10, 0)]
    meta = _describe(text)
    assert (meta.date.value, meta.date.method) == ("2023", "year-after-last-year")


def test_plans_after_the_report_do_not_date_the_page() -> None:
    meta = _describe(
        "The ministry said in May 2021 that 40 workers had returned. It will review the "
        "remaining permits in January 2023, and the scheme is expected to end in 2024."
    )
    assert (meta.date.value, meta.date.kind) == ("2021-05", "inferred")


def test_a_page_with_no_date_at_all_says_so() -> None:
    meta = _describe("Officials said on Tuesday that a ship carrying workers left the port.")
    assert (meta.date.value, meta.date.kind, meta.date.method) == ("", "none", "none")


def test_the_pandemic_bounds_an_undated_page_from_below() -> None:
    meta = _describe("No crews have left the port since the pandemic, traders told reporters.")
    assert meta.date.value == "2020-03"
    assert meta.date.method == "landmark-event"


def test_reinferring_dates_picks_up_a_compact_url_date(sqlite_database: Database) -> None:
    outcome = ingest_bytes(
        sqlite_database,
        b"Officials said on Friday that 120 crew members had left the port in May 2022.",
        source="crews.txt",
        url="https://news.example.com/asia/20220611-771202",
    )
    with sqlite_database.session() as session:
        row = session.get(DocumentRow, outcome.document_id)
        assert row is not None and row.published_at == "2022-06-11"
        # as a store ingested by an earlier version holds it: the text's lower bound only
        row.published_at, row.date_kind = "2022-05", "inferred"
    (change,) = reinfer_dates(sqlite_database)
    assert (change.before, change.after, change.method) == (
        "2022-05",
        "2022-06-11",
        "url-compact-date",
    )
    with sqlite_database.session() as session:
        row = session.get(DocumentRow, outcome.document_id)
        assert row is not None and (row.published_at, row.date_kind) == ("2022-06-11", "given")


@pytest.mark.parametrize(
    ("head", "method"),
    [
        ("FOR IMMEDIATE RELEASE: June 4, 2024", "published-line"),
        ("For Immediate Release | Tuesday, June 4, 2024", "published-line"),
        ("Release No. 24-077 | June 4, 2024", "published-line"),
        ("Date of publication: 4 June 2024", "published-line"),
        ("June 4, 2024 / 8:40 AM / Updated an hour ago", "dateline"),
    ],
)
def test_press_release_headers_and_labelled_date_lines(head: str, method: str) -> None:
    meta = _describe(f"{head}\n\nThe agency listed six shipping firms and two captains.")
    assert (meta.date.value, meta.date.kind, meta.date.method) == ("2024-06-04", "given", method)


def test_a_wire_dateline_with_a_dash_before_the_date() -> None:
    meta = _describe("BUSAN, South Korea — June 4, 2024 — Port police held two crew managers.")
    assert (meta.date.value, meta.date.method) == ("2024-06-04", "dateline")


def test_a_wire_dateline_without_its_year_takes_it_from_the_text() -> None:
    meta = _describe(
        "BUSAN, June 4 (Newswire) - Port police held two crew managers after a raid in "
        "March 2024, officials said."
    )
    assert (meta.date.value, meta.date.kind, meta.date.method) == (
        "2024-06-04",
        "inferred",
        "dateline-year-from-text",
    )
