"""Session 8 mends of page dates (`asof2`): ids that only open like a date, slash dates, a
first-published line beside an updated one, year-only URL paths, relative days."""

from __future__ import annotations

from datetime import date

import pytest

from sanctionwatch.ingest import dates
from sanctionwatch.ingest.clean import clean_text
from sanctionwatch.ingest.dates import DateMention, compact_date_from_url
from sanctionwatch.ingest.formats import TEXT, parse
from sanctionwatch.ingest.metadata import describe

TODAY = date(2026, 11, 1)


@pytest.mark.parametrize(
    "url",
    [
        "https://news.example.com/a/201905123",  # nine digits: an id, not 2019-05-12
        "https://news.example.com/a/2019051234",  # ten
        "https://news.example.com/contact?phone=2024061234",  # a phone number
        "https://news.example.com/contact/tel:+20240612",  # dialled, even at eight digits
        "https://news.example.com/a/20190512345",  # eleven
        "https://news.example.com/a/201905123456",  # twelve, but 34:56 is no clock time
        "https://news.example.com/a/2019051212345",  # thirteen
        "https://news.example.com/a/201905121234567",  # fifteen
        "https://news.example.com/a/2019051212345678",  # sixteen
    ],
)
def test_ids_that_open_like_a_date_do_not_date_a_page(url: str) -> None:
    assert compact_date_from_url(url, today=TODAY) is None


@pytest.mark.parametrize(
    ("url", "value"),
    [
        ("https://news.example.com/a/20190512", "2019-05-12"),
        ("https://news.example.com/a/201905121430", "2019-05-12"),  # and 14:30
        ("https://news.example.com/a/20190512_7731", "2019-05-12"),  # a separator, then an id
        ("https://news.example.com/view?id=20190512000731", "2019-05-12"),  # six-digit serial
        ("https://wire.example.com/AKR20190512000700504", "2019-05-12"),  # nine-digit serial
    ],
)
def test_date_and_clock_or_known_id_layouts_still_date_a_page(url: str, value: str) -> None:
    found = compact_date_from_url(url, today=TODAY)
    assert found is not None and found.value == value


def test_a_year_only_given_date_reads_the_texts_events_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[int] = []
    real = dates.latest_event

    def counted(text: str, *, today: date | None = None) -> DateMention | None:
        calls.append(len(text))
        return real(text, today=today)

    monkeypatch.setattr(dates, "latest_event", counted)
    text = "Port calls fell\n\nInspectors boarded the tanker in March 2019, officials said.\n"
    url = "https://radio.example.net/korea/ports-04062022143005.html"  # only its year is sure
    parsed = parse(text.encode("utf-8"), TEXT)
    found = describe(parsed, clean_text(parsed.text), url=url).date
    assert found.value == "2022" and found.method == "url-compact-date"
    assert len(calls) == 1


def _date_of(text: str, url: str | None = None) -> dates.DateFinding:
    parsed = parse(text.encode("utf-8"), TEXT)
    return describe(parsed, clean_text(parsed.text), url=url).date


@pytest.mark.parametrize(
    "line",
    [
        "Last updated: 5 March 2020 | First published: 1 March 2019",
        "Updated 5 March 2020 · Published 1 March 2019",
        "Last updated on 5 March 2020, 10:12 GMT | First published on 1 March 2019",
        "First published: 1 March 2019 | Last updated: 5 March 2020",
    ],
)
def test_the_first_published_date_is_the_pages_date_the_update_is_evidence(line: str) -> None:
    found = _date_of(f"Crew wages withheld\n{line}\n\nThe crew were paid in cash, a seaman said.\n")
    assert (found.value, found.method) == ("2019-03-01", "published-line")
    rules = {(clue.rule, clue.value) for clue in found.candidates}
    assert ("updated-line", "2020-03-05") in rules


def test_an_updated_line_alone_still_dates_the_page() -> None:
    found = _date_of("Crew wages withheld\nLast updated: 5 March 2020\n\nThe crew were paid.\n")
    assert (found.value, found.method) == ("2020-03-05", "updated-line")


TEXT_2019 = "Crew wages withheld\n\nThe crew were paid in cash in March 2019, a seaman said.\n"


def test_a_year_only_url_path_confirms_the_year_of_the_texts_date() -> None:
    found = _date_of(TEXT_2019, "https://news.example.com/2019/crew-wages-withheld")
    assert found.value == "2019-03" and "url-year" in {clue.rule for clue in found.candidates}


def test_a_year_only_url_path_dates_a_page_whose_text_gives_an_earlier_year() -> None:
    text = "Crew wages withheld\n\nThe crew have gone unpaid since 2017, a seaman said.\n"
    found = _date_of(text, "https://news.example.com/2021/crew-wages-withheld")
    assert (found.value, found.method, found.kind) == ("2021", "url-year", "given")


@pytest.mark.parametrize(
    "url",
    [
        "https://news.example.com/2019/03/crew-wages-withheld",  # the month is better
        "https://news.example.com/2099/crew-wages-withheld",  # after today
        "https://news.example.com/archive/2019",  # no slug after it: a listing
        "https://2021.example.com/crew-wages-withheld",  # the host
    ],
)
def test_a_year_segment_is_a_year_clue_only_before_a_slug(url: str) -> None:
    assert "url-year" not in {clue.rule for clue in _date_of(TEXT_2019, url).candidates}


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("Crews left on 23/04/2021.", ["2021-04-23"]),  # day first: 23 is no month
        ("Crews left on 12/23/2021.", ["2021-12-23"]),  # month first: 23 is no month
        ("Crews left on 05/05/2021.", ["2021-05-05"]),  # either way the same day
        ("Crews left on 04/06/2022.", ["2022"]),  # April 6 or 4 June: the year only
        # the page's unambiguous dates give the order of its ambiguous ones
        ("Posted 25/03/2022. Crews left on 04/06/2022.", ["2022-03-25", "2022-06-04"]),
        ("Posted 3/25/2022. Crews left on 04/06/2022.", ["2022-03-25", "2022-04-06"]),
        # a date the page writes out confirms one reading
        ("Crews left on 04/06/2022, that is on April 6, 2022.", ["2022-04-06", "2022-04-06"]),
        ("A 1/3/2020 ratio.", ["2020"]),
        ("Invoice 31/31/2020 was void.", []),  # no reading is a date
    ],
)
def test_slash_dates_are_read_only_where_the_order_is_sure(text: str, values: list[str]) -> None:
    assert [mention.value for mention in dates.find_dates(text)] == values


def test_an_ambiguous_slash_date_is_no_dateline_but_a_sure_one_is() -> None:
    assert _date_of("Crew wages withheld\nPublished: 23/04/2021\n\nThe crew left.\n").value == (
        "2021-04-23"
    )
    ambiguous = _date_of("Crew wages withheld\nPublished: 04/06/2022\n\nThe crew left.\n")
    assert ambiguous.method != "published-line" and ambiguous.value in ("", "2022")
