from __future__ import annotations

from collections.abc import Callable

import pytest

from sanctionwatch.ingest.formats import HTML, MARKDOWN, PDF, TEXT, parse, sniff_media_type
from sanctionwatch.ingest.types import IngestError

ARTICLE_HTML = """<!DOCTYPE html>
<html lang="en"><head>
<meta charset="utf-8">
<title>Labour exporters change names | Border Monitor</title>
<meta property="og:title" content="Labour exporters change names">
<meta property="og:site_name" content="Border Monitor">
<meta name="author" content="Jane Roe">
<meta property="article:published_time" content="2019-04-12T08:00:00+00:00">
<link rel="canonical" href="https://monitor.example/2019/04/labour-exporters">
</head><body>
<nav><a href="/">Home</a> <a href="/world">World</a> <a href="/about">About us</a></nav>
<article>
<h1>Labour exporters change names</h1>
<p>A construction firm in Vladivostok that employed North Korean workers re-registered in
March 2019 under a new name, according to records reviewed by this publication.</p>
<p>The new company, Stroy Vostok LLC, shares its address with two other firms whose directors
carry Korean names but hold Russian passports, the records show.</p>
<p>Investigators said the pattern matches earlier cases in Irkutsk and Khabarovsk, where
firms linked to a designated trading corporation changed names after sanctions took effect.</p>
</article>
<footer>Copyright 2019 Border Monitor. All rights reserved.</footer>
</body></html>
"""


def test_html_main_text_and_metadata() -> None:
    parsed = parse(ARTICLE_HTML.encode("utf-8"), HTML)
    assert "Stroy Vostok LLC" in parsed.text
    assert "About us" not in parsed.text
    assert parsed.title == "Labour exporters change names"
    assert parsed.publisher == "Border Monitor"
    assert parsed.authors == ["Jane Roe"]
    assert parsed.date == "2019-04-12"
    assert parsed.date_method == "html-metadata"
    assert parsed.url == "https://monitor.example/2019/04/labour-exporters"


def test_html_in_a_declared_legacy_charset() -> None:
    page = ARTICLE_HTML.replace('charset="utf-8"', 'charset="windows-1251"').replace(
        "Stroy Vostok LLC", "ООО «Строй Восток»"
    )
    parsed = parse(page.encode("cp1251"), HTML)
    assert "ООО «Строй Восток»" in parsed.text
    assert parsed.encoding == "cp1251"


def test_html_without_main_text_is_refused() -> None:
    page = (
        b"<html><head><title>Menu</title></head><body><nav><a href='/'>Home</a></nav></body></html>"
    )
    with pytest.raises(IngestError, match="no main text found in the HTML page"):
        parse(page, HTML)


def test_pdf_text_and_metadata(pdf_bytes: Callable[..., bytes]) -> None:
    data = pdf_bytes(
        ["Mansudae Overseas Project Group built monuments abroad.", "It was designated in 2016."],
        title="Monument builders",
        author="Jane Roe",
    )
    parsed = parse(data, PDF)
    assert "Mansudae Overseas Project Group" in parsed.text
    assert parsed.title == "Monument builders"
    assert parsed.authors == ["Jane Roe"]
    assert parsed.date == "2019-02-03"


def test_corrupt_pdf_is_refused_with_a_reason(pdf_bytes: Callable[..., bytes]) -> None:
    data = pdf_bytes(["Some text."])
    with pytest.raises(IngestError, match="corrupt or unreadable PDF"):
        parse(data[: len(data) // 3], PDF)
    with pytest.raises(IngestError, match="corrupt or unreadable PDF"):
        parse(b"%PDF-1.4\n" + bytes(range(256)) * 8, PDF)


def test_markdown_front_matter_is_metadata() -> None:
    text = (
        "---\ntitle: Workers on student visas\nauthors: [Jane Roe, John Doe]\n"
        "publisher: Field Notes\ndate: 2019-11-05\nurl: https://notes.example/visas\n---\n"
        "# Workers on student visas\n\nBody text.\n"
    )
    parsed = parse(text.encode("utf-8"), MARKDOWN)
    assert parsed.title == "Workers on student visas"
    assert parsed.authors == ["Jane Roe", "John Doe"]
    assert parsed.publisher == "Field Notes"
    assert parsed.date == "2019-11-05"
    assert parsed.url == "https://notes.example/visas"


def test_sniffing_media_types(pdf_bytes: Callable[..., bytes]) -> None:
    assert sniff_media_type(pdf_bytes(["x"])) == PDF
    assert sniff_media_type(b"  <!DOCTYPE html><html></html>") == HTML
    assert sniff_media_type(b"Plain words.") == TEXT
