from __future__ import annotations

import json
from collections.abc import Callable

from sanctionwatch.ingest.clean import clean_text
from sanctionwatch.ingest.formats import HTML, PDF, TEXT, parse
from sanctionwatch.ingest.metadata import Metadata, describe


def _describe_text(text: str, url: str | None = None) -> Metadata:
    parsed = parse(text.encode("utf-8"), TEXT)
    return describe(parsed, clean_text(parsed.text), url=url)


def test_headline_byline_and_dateline_from_plain_text() -> None:
    text = (
        "Workers stay despite the ban\n\n"
        "Jane Roe and John Doe\n"
        "Tuesday, March 5, 2019\n\n"
        "KHABAROVSK, Russia: Dozens of workers remained on a building site in 2018.\n"
    )
    parsed = parse(text.encode("utf-8"), TEXT)
    meta = describe(parsed, clean_text(parsed.text))
    assert meta.title == "Workers stay despite the ban"
    assert meta.authors == ["Jane Roe", "John Doe"]
    assert meta.date.kind == "given"
    assert meta.date.value == "2019-03-05"
    assert meta.date.offset is not None
    assert text[meta.date.offset :].startswith("Tuesday, March 5, 2019")
    assert json.loads(meta.date.evidence())["method"] == "dateline"


def test_source_line_gives_url_publisher_and_url_date() -> None:
    text = (
        "Why the ban leaks\n\nThe ferry service started in May 2017, officials said.\n\n"
        "Source: <https://www.news.example/world/archive/2017/09/ban-leaks/123/>\n"
    )
    parsed = parse(text.encode("utf-8"), TEXT)
    meta = describe(parsed, clean_text(parsed.text))
    assert meta.url == "https://www.news.example/world/archive/2017/09/ban-leaks/123/"
    assert meta.publisher == "news.example"
    assert (meta.date.value, meta.date.kind, meta.date.method) == ("2017-09", "given", "url-path")


def test_inferred_from_the_latest_past_event_with_its_offset() -> None:
    text = (
        "A long paragraph without a headline mark starts the text here and goes on, "
        "reporting that the firm opened in 2015 and was renamed in October 2018. "
        "Officials said all workers would leave by 2019."
    )
    parsed = parse(text.encode("utf-8"), TEXT)
    meta = describe(parsed, clean_text(parsed.text))
    assert meta.title is None
    assert (meta.date.value, meta.date.kind) == ("2018-10", "inferred")
    assert meta.date.offset is not None
    assert text[meta.date.offset : meta.date.offset + len(meta.date.phrase)] == "October 2018"


def test_no_date_at_all() -> None:
    parsed = parse(b"A note without any dates in it, written by nobody in particular.", TEXT)
    meta = describe(parsed, clean_text(parsed.text))
    assert meta.date.kind == "none"
    assert meta.date.value == ""


def test_html_metadata_date_beats_text_dates() -> None:
    page = (
        "<html><head><meta property='article:published_time' content='2020-01-15'>"
        "<title>T</title></head><body><article><p>"
        + "The firm was designated on December 8, 2016 by the Treasury for exporting workers. " * 3
        + "</p></article></body></html>"
    )
    parsed = parse(page.encode("utf-8"), HTML)
    meta = describe(parsed, clean_text(parsed.text))
    assert (meta.date.value, meta.date.kind, meta.date.method) == (
        "2020-01-15",
        "given",
        "html-metadata",
    )


def test_pdf_dateline_beats_creation_date(pdf_bytes: Callable[..., bytes]) -> None:
    data = pdf_bytes(["Monument builders abroad", "12 June 2017", "", "The group built statues."])
    parsed = parse(data, PDF)
    meta = describe(parsed, clean_text(parsed.text))
    assert (meta.date.value, meta.date.method) == ("2017-06-12", "dateline")
    undated = parse(pdf_bytes(["The group built statues in several countries."]), PDF)
    meta = describe(undated, clean_text(undated.text))
    assert (meta.date.value, meta.date.method) == ("2019-02-03", "pdf-creation-date")


def test_caller_url_wins() -> None:
    meta = _describe_text("Short text about a firm.", url="https://feed.example/item/1")
    assert meta.url == "https://feed.example/item/1"
    assert meta.publisher == "feed.example"


def test_a_headline_with_and_is_not_a_byline() -> None:
    meta = _describe_text(
        "Trading Corporation and its Russian offshoots\n\nThursday, 12 March 2020\n\nBody text."
    )
    assert meta.authors == []
    assert meta.date.value == "2020-03-12"
